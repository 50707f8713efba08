#include <config.h>

#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "util/buf.h"
#include "util/gettext.h"
#include "util/numparse.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

/* Header summaries come from TOP n 0; a header block larger than this is cut. */
#define HEADER_COLLECT_LIMIT (64 * 1024)
/* Preview through TOP n k: the body is bounded by k lines, the bytes by this. */
#define PREVIEW_COLLECT_LIMIT (4 * 1024 * 1024)
/* Preview through RETR (no TOP): keep only the start of the message. */
#define PREVIEW_RETR_LIMIT (1024 * 1024)
/* A raw command's multi-line reply kept for the preview pane. */
#define RAW_COLLECT_LIMIT (1024 * 1024)
/* A fetched spool file is parsed for the preview only up to this size. */
#define SPOOL_PARSE_LIMIT (16 * 1024 * 1024)
/* Re-sorting while headers stream in happens at most this often. */
#define RESORT_INTERVAL_MS 400
/* An idle session sends NOOP this often: servers may log out after 10
 * minutes of silence (RFC 1939), which would drop pending deletions. */
#define KEEPALIVE_MS (4 * 60 * 1000)

typedef enum {
	REQ_LIST,
	REQ_UIDL,
	REQ_HEADERS,
	REQ_PREVIEW,
	REQ_SAVE,
	REQ_DELE,
	REQ_RSET,
	REQ_RAW,
	REQ_FETCH,
	REQ_QUIT,
	REQ_NOOP,
} req_kind_t;

/* One command the session submitted; the engine hands it back in done. */
typedef struct req {
	struct req *prev, *next;
	session_t *session;
	req_kind_t kind;
	unsigned generation; /* the connection it belongs to */
	uint64_t id;
	uint64_t number;
	bool then_quit;     /* RSET of "RSET and quit" */
	store_file_t *file; /* REQ_SAVE */
	char *sink_error;
	int fd; /* REQ_FETCH */
	char *spool_path;
	uint64_t got;
	bool cancelling;
} req_t;

typedef struct {
	uint64_t number;
	char *uidl;
	char *path;
	uint64_t octets;
} save_record_t;

typedef struct {
	uint64_t number;
	uint64_t size;
	char *from;
	char *subject;
} delete_record_t;

struct session {
	trace_t *trace;
	pop3_t *pop3;
	unsigned generation;
	unsigned preview_lines;
	unsigned header_window;
	session_state_t state;
	bool no_top;

	session_msg_t *msgs; /* in number order */
	size_t count;
	size_t *order;           /* row -> index in msgs */
	size_t *row_of;          /* index in msgs -> row */
	session_msg_t *old_msgs; /* previous connection's, until UIDL maps them */
	size_t old_count;

	session_sort_t sort_key;
	bool reverse;
	bool sort_dirty;
	long long last_sort_ms;
	long long last_submit_ms; /* for the keep-alive NOOP */

	size_t headers_known;
	size_t headers_inflight;
	size_t scan_cursor;
	size_t want_first, want_count;
	bool headers_started;

	char *status;
	bool status_error;
	unsigned long serial;

	req_t *reqs;
	req_t *preview_req;
	req_t *fetch_req;
	session_preview_t preview;

	buf_t raw_reply;
	unsigned long raw_serial;

	save_record_t *saves;
	size_t save_count;
	delete_record_t *deletes;
	size_t delete_count;
	bool quit_failed;
	size_t unconfirmed; /* pending deletions whose QUIT got no answer */
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *fold_key(const char *s)
{
	char *key = xstrdup(s ? s : "");
	for (char *p = key; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return key;
}

static void msg_clear(session_msg_t *msg)
{
	free(msg->uidl);
	free(msg->from);
	free(msg->subject);
	free(msg->saved_path);
	free(msg->error);
	free(msg->from_key);
	free(msg->subject_key);
	memset(msg, 0, sizeof *msg);
}

static void msgs_free(session_msg_t *msgs, size_t count)
{
	for (size_t i = 0; i < count; i++)
		msg_clear(&msgs[i]);
	free(msgs);
}

static void touch(session_t *session)
{
	session->serial++;
}

void session_set_status(session_t *session, bool is_error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = xvasprintf(fmt, ap);
	va_end(ap);
	free(session->status);
	session->status = sanitize_display(text, strlen(text), false, false);
	session->status_error = is_error;
	free(text);
	touch(session);
}

static void set_msg_error(session_msg_t *msg, const char *text)
{
	free(msg->error);
	msg->error = xstrdup(text);
	msg->flags |= MSG_ERROR;
}

/* What went wrong with a reply, for the user: our failure, else the server's -ERR. */
static char *reply_problem(const session_t *session, const pop3_reply_t *reply)
{
	switch (reply->error) {
	case POP3_OK: break;
	case POP3_E_CANCELLED: return xstrdup(_("cancelled"));
	case POP3_E_SINK: return xstrdup(_("could not write the data"));
	case POP3_E_TIMEOUT: return xstrdup(_("the server did not answer in time"));
	case POP3_E_CLOSED: return xstrdup(_("not connected"));
	default: {
		const char *why = session->pop3 ? pop3_errstr(session->pop3) : "";
		return xstrdup(why && *why ? why : _("the connection failed"));
	}
	}
	char *server = sanitize_display(reply->text, reply->text_len, false, false);
	char *text = xasprintf(_("server said: -ERR %s"), server);
	free(server);
	return text;
}

/* ---- requests ---- */

static void req_unlink(session_t *session, req_t *req)
{
	if (req->prev)
		req->prev->next = req->next;
	else if (session->reqs == req)
		session->reqs = req->next;
	if (req->next)
		req->next->prev = req->prev;
	req->prev = req->next = NULL;
}

static void req_free(session_t *session, req_t *req)
{
	req_unlink(session, req);
	if (req->file)
		store_abort(req->file);
	if (req->fd >= 0)
		close(req->fd);
	if (req->spool_path) {
		unlink(req->spool_path);
		free(req->spool_path);
	}
	if (session->preview_req == req)
		session->preview_req = NULL;
	if (session->fetch_req == req)
		session->fetch_req = NULL;
	free(req->sink_error);
	free(req);
}

static req_t *req_new(session_t *session, req_kind_t kind, uint64_t number)
{
	req_t *req = xcalloc(1, sizeof *req);
	req->session = session;
	req->kind = kind;
	req->number = number;
	req->generation = session->generation;
	req->fd = -1;
	req->next = session->reqs;
	if (session->reqs)
		session->reqs->prev = req;
	session->reqs = req;
	return req;
}

static void on_reply(void *ctx, const pop3_reply_t *reply);

/* submit: hand a request to the engine. The engine may call on_reply before
 * returning (then req is gone), so callers must not touch req after a 0. */
static uint64_t submit(session_t *session, req_t *req, const char *line, size_t collect,
		       pop3_sink_fn sink)
{
	pop3_request_t request = {
	    .line = line,
	    .shape = POP3_REPLY_AUTO,
	    .collect_limit = collect,
	    .sink = sink,
	    .done = on_reply,
	    .ctx = req,
	};
	if (!session->pop3) {
		pop3_reply_t reply = {.error = POP3_E_CLOSED, .text = "", .body = ""};
		on_reply(req, &reply);
		return 0;
	}
	session->last_submit_ms = now_ms();
	uint64_t id = pop3_submit(session->pop3, &request);
	if (id)
		req->id = id;
	return id;
}

/* ---- lookup and order ---- */

static int cmp_number_key(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a;
	uint64_t y = ((const session_msg_t *)b)->number;
	return x < y ? -1 : x > y;
}

static session_msg_t *find_number(const session_t *session, uint64_t number)
{
	if (!session->msgs)
		return NULL;
	return bsearch(&number, session->msgs, session->count, sizeof *session->msgs,
		       cmp_number_key);
}

static const session_t *sort_session; /* qsort has no context argument in C11 */

static int cmp_text(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_rows(const void *pa, const void *pb)
{
	const session_msg_t *a = &sort_session->msgs[*(const size_t *)pa];
	const session_msg_t *b = &sort_session->msgs[*(const size_t *)pb];
	int c = 0;
	switch (sort_session->sort_key) {
	case SESSION_SORT_SIZE: c = a->size < b->size ? -1 : a->size > b->size; break;
	case SESSION_SORT_DATE: c = a->date < b->date ? -1 : a->date > b->date; break;
	case SESSION_SORT_FROM: c = cmp_text(a->from_key, b->from_key); break;
	case SESSION_SORT_SUBJECT: c = cmp_text(a->subject_key, b->subject_key); break;
	default: break;
	}
	if (c == 0)
		c = a->number < b->number ? -1 : a->number > b->number;
	return sort_session->reverse ? -c : c;
}

static void resort(session_t *session)
{
	free(session->order);
	free(session->row_of);
	session->order = xreallocarray(NULL, session->count ? session->count : 1, sizeof(size_t));
	session->row_of = xreallocarray(NULL, session->count ? session->count : 1, sizeof(size_t));
	for (size_t i = 0; i < session->count; i++)
		session->order[i] = i;
	sort_session = session;
	qsort(session->order, session->count, sizeof *session->order, cmp_rows);
	sort_session = NULL;
	for (size_t row = 0; row < session->count; row++)
		session->row_of[session->order[row]] = row;
	session->sort_dirty = false;
	session->last_sort_ms = now_ms();
	touch(session);
}

/* ---- lifecycle ---- */

session_t *session_new(trace_t *trace, unsigned preview_lines, unsigned header_window)
{
	session_t *session = xcalloc(1, sizeof *session);
	session->trace = trace;
	session->preview_lines = preview_lines ? preview_lines : 200;
	session->header_window = header_window ? header_window : 32;
	buf_init(&session->raw_reply);
	session_set_status(session, false, "%s", _("Connecting..."));
	return session;
}

static void preview_reset(session_t *session)
{
	session_preview_t *p = &session->preview;
	free(p->raw);
	if (p->mime)
		mime_free(p->mime);
	free(p->text);
	free(p->error);
	memset(p, 0, sizeof *p);
}

void session_free(session_t *session)
{
	if (!session)
		return;
	/* req_free unlinks the head first; the analyzer does not follow that. */
	while (session->reqs)
		req_free(session, session->reqs); // NOLINT(clang-analyzer-unix.Malloc)
	msgs_free(session->msgs, session->count);
	msgs_free(session->old_msgs, session->old_count);
	free(session->order);
	free(session->row_of);
	preview_reset(session);
	buf_free(&session->raw_reply);
	for (size_t i = 0; i < session->save_count; i++) {
		free(session->saves[i].uidl);
		free(session->saves[i].path);
	}
	free(session->saves);
	for (size_t i = 0; i < session->delete_count; i++) {
		free(session->deletes[i].from);
		free(session->deletes[i].subject);
	}
	free(session->deletes);
	free(session->status);
	free(session);
}

void session_attach(session_t *session, pop3_t *pop3)
{
	session->pop3 = pop3;
	session->generation++;
	session->state = SESSION_LOADING;
	session->headers_started = false;
	session->headers_inflight = 0;
	const pop3_capa_t *capa = pop3_capa(pop3);
	session->no_top = capa && capa->known && !capa->top;
	session_set_status(session, false, "%s", _("Listing messages..."));
	req_t *list = req_new(session, REQ_LIST, 0);
	submit(session, list, "LIST", 64u * 1024 * 1024, NULL);
	req_t *uidl = req_new(session, REQ_UIDL, 0);
	submit(session, uidl, "UIDL", 32u * 1024 * 1024, NULL);
}

void session_detach(session_t *session, const char *why)
{
	size_t pending = 0;
	session->generation++;
	session->pop3 = NULL;
	/* Whatever the engine still owes us is void: abort saves and the spool. */
	for (req_t *req = session->reqs; req; req = req->next) {
		if (req->file) {
			store_abort(req->file);
			req->file = NULL;
		}
	}
	if (session->fetch_req) {
		req_t *req = session->fetch_req;
		if (req->fd >= 0)
			close(req->fd);
		req->fd = -1;
		session->fetch_req = NULL;
	}
	session->preview_req = NULL;
	if (session->preview.state == PREVIEW_LOADING) {
		session->preview.state = PREVIEW_FAILED;
		session->preview.error = xstrdup(_("the connection was lost"));
	}
	for (size_t i = 0; i < session->count; i++) {
		session_msg_t *msg = &session->msgs[i];
		if (msg->flags & (MSG_DELETE_PENDING | MSG_DELETE_SENT))
			pending++;
		msg->flags &= ~(MSG_DELETE_PENDING | MSG_DELETE_SENT | MSG_SAVING);
		if (!(msg->flags & MSG_HEADERS))
			msg->flags &= ~MSG_HEADERS_ASKED;
	}
	session->headers_inflight = 0;
	if (session->state == SESSION_QUITTING || session->state == SESSION_CLOSED) {
		/* QUIT may have reached the server before the link died: say so. */
		if (session->state == SESSION_QUITTING && pending) {
			session->quit_failed = true;
			session->unconfirmed = pending;
		}
		session->state = SESSION_CLOSED;
		touch(session);
		return;
	}
	session->state = SESSION_DISCONNECTED;
	if (pending)
		session_set_status(session, true,
				   ngettext("Connection lost: %s. Nothing was deleted (%zu pending "
					    "deletion dropped). Press R to reconnect.",
					    "Connection lost: %s. Nothing was deleted (%zu pending "
					    "deletions dropped). Press R to reconnect.",
					    pending),
				   why, pending);
	else
		session_set_status(session, true,
				   _("Connection lost: %s. Nothing was deleted. "
				     "Press R to reconnect."),
				   why);
}

session_state_t session_state(const session_t *session)
{
	return session->state;
}

pop3_t *session_engine(const session_t *session)
{
	return session->pop3;
}

/* ---- LIST and UIDL ---- */

static int cmp_msg_number(const void *a, const void *b)
{
	uint64_t x = ((const session_msg_t *)a)->number, y = ((const session_msg_t *)b)->number;
	return x < y ? -1 : x > y;
}

static void on_list(session_t *session, const pop3_reply_t *reply)
{
	if (reply->error != POP3_OK || !reply->ok || reply->body_truncated) {
		char *why = reply->body_truncated ? xstrdup(_("the list is too long"))
						  : reply_problem(session, reply);
		session_set_status(session, true, _("LIST failed: %s"), why);
		free(why);
		return;
	}
	uint64_t max = session->pop3 ? pop3_stat_count(session->pop3) : 0;
	if (max == 0 || max > POP3_MAX_MESSAGES)
		max = POP3_MAX_MESSAGES;
	size_t cap = 0, n = 0;
	session_msg_t *msgs = NULL;
	const char *p = reply->body, *end = reply->body + reply->body_len;
	size_t bad = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		size_t len = (size_t)(line_end - p);
		if (len && p[len - 1] == '\r')
			len--;
		uint64_t number, size;
		if (len && pop3_parse_scan_line(p, len, max, &number, &size)) {
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				msgs = xreallocarray(msgs, cap, sizeof *msgs);
			}
			memset(&msgs[n], 0, sizeof *msgs);
			msgs[n].number = number;
			msgs[n].size = size;
			n++;
		} else if (len) {
			bad++;
		}
		p = nl ? nl + 1 : end;
	}
	if (n)
		qsort(msgs, n, sizeof *msgs, cmp_msg_number);
	/* A number listed twice is a lie; keep the first. */
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		if (kept && msgs[kept - 1].number == msgs[i].number) {
			bad++;
			continue;
		}
		msgs[kept++] = msgs[i];
	}
	if (session->count && !session->old_msgs) {
		session->old_msgs = session->msgs;
		session->old_count = session->count;
	} else {
		msgs_free(session->msgs, session->count);
	}
	session->msgs = msgs;
	session->count = kept;
	session->headers_known = 0;
	session->scan_cursor = 0;
	session->state = SESSION_READY;
	resort(session);
	if (bad)
		trace_emitf(session->trace, TRACE_WARN,
			    "LIST: %zu malformed or duplicate lines ignored", bad);
	session_set_status(session, false, ngettext("%zu message", "%zu messages", kept), kept);
}

static int cmp_msg_uidl(const void *a, const void *b)
{
	const session_msg_t *x = *(session_msg_t *const *)a, *y = *(session_msg_t *const *)b;
	return strcmp(x->uidl, y->uidl);
}

/* carry_over: a reconnect: give each message the state its UIDL had. */
static void carry_over(session_t *session)
{
	session_msg_t **old = xreallocarray(NULL, session->old_count + 1, sizeof *old);
	size_t n = 0;
	for (size_t i = 0; i < session->old_count; i++)
		if (session->old_msgs[i].uidl)
			old[n++] = &session->old_msgs[i];
	qsort(old, n, sizeof *old, cmp_msg_uidl);
	size_t mapped = 0;
	for (size_t i = 0; i < session->count; i++) {
		session_msg_t *msg = &session->msgs[i];
		if (!msg->uidl)
			continue;
		session_msg_t key = {.uidl = msg->uidl}, *keyp = &key;
		session_msg_t **hit = bsearch(&keyp, old, n, sizeof *old, cmp_msg_uidl);
		if (!hit)
			continue;
		session_msg_t *o = *hit;
		if (o->size != msg->size)
			continue; /* same UIDL, different size: do not trust the old save */
		msg->flags |= o->flags & (MSG_HEADERS | MSG_SAVED | MSG_SIZE_MISMATCH);
		if (o->flags & MSG_HEADERS) {
			msg->flags |= MSG_HEADERS_ASKED;
			session->headers_known++;
		}
		msg->from = o->from, o->from = NULL;
		msg->subject = o->subject, o->subject = NULL;
		msg->from_key = o->from_key, o->from_key = NULL;
		msg->subject_key = o->subject_key, o->subject_key = NULL;
		msg->saved_path = o->saved_path, o->saved_path = NULL;
		msg->date = o->date;
		mapped++;
	}
	free(old);
	msgs_free(session->old_msgs, session->old_count);
	session->old_msgs = NULL;
	session->old_count = 0;
	session->sort_dirty = true;
	trace_emitf(session->trace, TRACE_INFO, "reconnect: %zu messages matched by UIDL", mapped);
}

static void on_uidl(session_t *session, const pop3_reply_t *reply)
{
	if (reply->error == POP3_OK && reply->ok) {
		const char *p = reply->body, *end = reply->body + reply->body_len;
		uint64_t max = session->count ? session->msgs[session->count - 1].number : 0;
		while (p < end && max) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *line_end = nl ? nl : end;
			size_t len = (size_t)(line_end - p);
			if (len && p[len - 1] == '\r')
				len--;
			uint64_t number;
			const char *uid;
			size_t uid_len;
			if (len && pop3_parse_uidl_line(p, len, max, &number, &uid, &uid_len)) {
				session_msg_t *msg = find_number(session, number);
				if (msg && !msg->uidl)
					msg->uidl = xstrndup(uid, uid_len);
			}
			p = nl ? nl + 1 : end;
		}
	}
	if (session->old_msgs)
		carry_over(session);
	/* A save verified on an earlier connection unlocks DELE for the same UIDL. */
	for (size_t i = 0; i < session->save_count; i++) {
		for (size_t j = 0; j < session->count && session->saves[i].uidl; j++) {
			session_msg_t *msg = &session->msgs[j];
			if (msg->uidl && strcmp(msg->uidl, session->saves[i].uidl) == 0 &&
			    !(msg->flags & MSG_SAVED)) {
				msg->flags |= MSG_SAVED;
				free(msg->saved_path);
				msg->saved_path = xstrdup(session->saves[i].path);
			}
		}
	}
	session->headers_started = true;
	touch(session);
}

/* ---- headers ---- */

static bool next_header_target(session_t *session, size_t *index)
{
	size_t end = session->want_first + session->want_count;
	if (end > session->count)
		end = session->count;
	for (size_t row = session->want_first; row < end; row++) {
		size_t i = session->order[row];
		if (!(session->msgs[i].flags & MSG_HEADERS_ASKED)) {
			*index = i;
			return true;
		}
	}
	while (session->scan_cursor < session->count) {
		size_t i = session->scan_cursor++;
		if (!(session->msgs[i].flags & MSG_HEADERS_ASKED)) {
			*index = i;
			return true;
		}
	}
	return false;
}

static void pump_headers(session_t *session)
{
	if (session->state != SESSION_READY || !session->headers_started || session->no_top ||
	    !session->pop3)
		return;
	while (session->headers_inflight < session->header_window) {
		size_t i;
		if (!next_header_target(session, &i))
			return;
		session_msg_t *msg = &session->msgs[i];
		msg->flags |= MSG_HEADERS_ASKED;
		char line[64];
		snprintf(line, sizeof line, "TOP %llu 0", (unsigned long long)msg->number);
		req_t *req = req_new(session, REQ_HEADERS, msg->number);
		session->headers_inflight++;
		touch(session);
		if (!submit(session, req, line, HEADER_COLLECT_LIMIT, NULL))
			return;
	}
}

static void on_headers(session_t *session, req_t *req, const pop3_reply_t *reply)
{
	if (session->headers_inflight)
		session->headers_inflight--;
	session_msg_t *msg = find_number(session, req->number);
	if (!msg)
		return;
	if (reply->error != POP3_OK) {
		msg->flags &= ~MSG_HEADERS_ASKED;
		return;
	}
	if (!reply->ok) {
		/* TOP is optional (RFC 1939): without it the list stays number/size/UIDL. */
		if (!session->headers_known) {
			session->no_top = true;
			session_set_status(session, false, "%s",
					   _("The server refuses TOP: no headers in the list; "
					     "preview falls back to RETR."));
		}
		msg->flags |= MSG_HEADERS;
		return;
	}
	mime_summary_t sum = {0};
	mime_summarize(reply->body, reply->body_len, &sum);
	free(msg->from);
	free(msg->subject);
	msg->from = sum.from ? sum.from : (sum.from_address ? xstrdup(sum.from_address) : NULL);
	msg->subject = sum.subject;
	sum.from = sum.subject = NULL;
	msg->date = sum.date;
	mime_summary_free(&sum);
	free(msg->from_key);
	free(msg->subject_key);
	msg->from_key = fold_key(msg->from);
	msg->subject_key = fold_key(msg->subject);
	if (!(msg->flags & MSG_HEADERS))
		session->headers_known++;
	msg->flags |= MSG_HEADERS;
	if (session->sort_key >= SESSION_SORT_DATE)
		session->sort_dirty = true;
	touch(session);
}

void session_want_rows(session_t *session, size_t first_row, size_t count)
{
	session->want_first = first_row;
	session->want_count = count;
	pump_headers(session);
}

void session_header_progress(const session_t *session, size_t *known, size_t *total)
{
	*known = session->headers_known;
	*total = session->no_top ? session->headers_known : session->count;
}

/* keep_alive: NOOP after KEEPALIVE_MS without a command. */
static void keep_alive(session_t *session)
{
	if (session->state != SESSION_READY || !session->pop3 || !pop3_is_ready(session->pop3) ||
	    pop3_busy(session->pop3) > 0 || now_ms() - session->last_submit_ms < KEEPALIVE_MS)
		return;
	submit(session, req_new(session, REQ_NOOP, 0), "NOOP", 0, NULL);
}

void session_tick(session_t *session)
{
	pump_headers(session);
	keep_alive(session);
	if (session->sort_dirty && (now_ms() - session->last_sort_ms >= RESORT_INTERVAL_MS ||
				    session->headers_inflight == 0))
		resort(session);
}

/* ---- rows ---- */

size_t session_count(const session_t *session)
{
	return session->count;
}

const session_msg_t *session_row(const session_t *session, size_t row)
{
	if (row >= session->count)
		return NULL;
	return &session->msgs[session->order[row]];
}

bool session_row_of(const session_t *session, uint64_t number, size_t *row)
{
	const session_msg_t *msg = find_number(session, number);
	if (!msg)
		return false;
	*row = session->row_of[(size_t)(msg - session->msgs)];
	return true;
}

const session_msg_t *session_by_number(const session_t *session, uint64_t number)
{
	return find_number(session, number);
}

uint64_t session_total_octets(const session_t *session)
{
	uint64_t total = 0;
	for (size_t i = 0; i < session->count; i++)
		total += session->msgs[i].size;
	return total;
}

size_t session_pending_count(const session_t *session)
{
	size_t n = 0;
	for (size_t i = 0; i < session->count; i++)
		if (session->msgs[i].flags & (MSG_DELETE_PENDING | MSG_DELETE_SENT))
			n++;
	return n;
}

void session_sort(session_t *session, session_sort_t key, bool reverse)
{
	if (key >= SESSION_SORT_COUNT)
		key = SESSION_SORT_NUMBER;
	session->sort_key = key;
	session->reverse = reverse;
	resort(session);
}

session_sort_t session_sort_key(const session_t *session)
{
	return session->sort_key;
}

bool session_sort_reverse(const session_t *session)
{
	return session->reverse;
}

const char *session_sort_name(session_sort_t key)
{
	static const char *const names[SESSION_SORT_COUNT] = {
	    N_("number"), N_("size"), N_("date"), N_("from"), N_("subject"),
	};
	return key < SESSION_SORT_COUNT ? _(names[key]) : "";
}

bool session_search(const session_t *session, const char *query, size_t from_row, bool forward,
		    size_t *row)
{
	if (!session->count || !query || !*query)
		return false;
	char *needle = fold_key(query);
	bool found = false;
	for (size_t step = 1; step <= session->count && !found; step++) {
		size_t r =
		    forward ? (from_row + step) % session->count
			    : (from_row + session->count - step % session->count) % session->count;
		const session_msg_t *msg = session_row(session, r);
		if ((msg->from_key && strstr(msg->from_key, needle)) ||
		    (msg->subject_key && strstr(msg->subject_key, needle)) ||
		    (msg->uidl && strcasestr(msg->uidl, needle))) {
			*row = r;
			found = true;
		}
	}
	free(needle);
	return found;
}

const char *session_status(const session_t *session, bool *is_error)
{
	if (is_error)
		*is_error = session->status_error;
	return session->status ? session->status : "";
}

unsigned long session_serial(const session_t *session)
{
	return session->serial;
}

/* ---- saving ---- */

char *session_default_name(const session_t *session, uint64_t number)
{
	const session_msg_t *msg = find_number(session, number);
	if (!msg)
		return xstrdup("message.eml");
	return store_default_name(msg->date, msg->subject, msg->uidl);
}

static int save_sink(void *ctx, const char *data, size_t len)
{
	req_t *req = ctx;
	if (!req->file)
		return -1;
	char *err = NULL;
	if (store_write(req->file, data, len, &err) < 0) {
		free(req->sink_error);
		req->sink_error = err;
		return -1;
	}
	return 0;
}

int session_save(session_t *session, uint64_t number, const char *dir, const char *name, bool mbox,
		 char **errstr)
{
	session_msg_t *msg = find_number(session, number);
	if (!msg) {
		*errstr = xasprintf(_("there is no message %llu"), (unsigned long long)number);
		return -1;
	}
	if (session->state != SESSION_READY || !session->pop3) {
		*errstr = xstrdup(_("not connected"));
		return -1;
	}
	if (msg->flags & MSG_SAVING) {
		*errstr =
		    xasprintf(_("message %llu is being saved already"), (unsigned long long)number);
		return -1;
	}
	store_file_t *file;
	if (mbox) {
		char *path =
		    (name[0] == '/' || !dir) ? xstrdup(name) : xasprintf("%s/%s", dir, name);
		file = store_begin_mbox(path, "MAILER-DAEMON", errstr);
		free(path);
	} else {
		file = store_begin_eml(dir ? dir : ".", name, errstr);
	}
	if (!file)
		return -1;
	req_t *req = req_new(session, REQ_SAVE, number);
	req->file = file;
	msg->flags |= MSG_SAVING;
	msg->flags &= ~MSG_ERROR;
	char line[64];
	snprintf(line, sizeof line, "RETR %llu", (unsigned long long)number);
	session_set_status(session, false, _("Saving message %llu..."), (unsigned long long)number);
	submit(session, req, line, 0, save_sink);
	return 0;
}

static void record_save(session_t *session, const session_msg_t *msg, const char *path,
			uint64_t octets)
{
	session->saves =
	    xreallocarray(session->saves, session->save_count + 1, sizeof *session->saves);
	save_record_t *rec = &session->saves[session->save_count++];
	rec->number = msg->number;
	rec->uidl = msg->uidl ? xstrdup(msg->uidl) : NULL;
	rec->path = xstrdup(path);
	rec->octets = octets;
}

static void on_save(session_t *session, req_t *req, const pop3_reply_t *reply)
{
	session_msg_t *msg = find_number(session, req->number);
	store_file_t *file = req->file;
	req->file = NULL;
	if (!msg || !file) {
		if (file)
			store_abort(file);
		return;
	}
	msg->flags &= ~MSG_SAVING;
	char *why = NULL;
	if (reply->error != POP3_OK || !reply->ok) {
		why = req->sink_error ? xstrdup(req->sink_error) : reply_problem(session, reply);
		store_abort(file);
	} else if (reply->bad_stuffing) {
		/* Unstuffed leading dots make the content ambiguous: no verified save. */
		why = xstrdup(_("the server sent a line starting with an unstuffed \".\", so "
				"the content is ambiguous; not saved"));
		store_abort(file);
	} else {
		if (reply->body_octets != msg->size)
			msg->flags |= MSG_SIZE_MISMATCH;
		store_result_t result = {0};
		if (store_commit(file, reply->terminated, msg->size, &result, &why) == 0) {
			msg->flags |= MSG_SAVED;
			msg->flags &= ~MSG_ERROR;
			free(msg->saved_path);
			msg->saved_path = xstrdup(result.path);
			record_save(session, msg, result.path, result.bytes_on_disk);
			session_set_status(session, false,
					   _("Saved message %llu to %s (%llu octets)"),
					   (unsigned long long)msg->number, result.path,
					   (unsigned long long)result.bytes_on_disk);
			store_result_free(&result);
			return;
		}
	}
	set_msg_error(msg, why ? why : _("save failed"));
	session_set_status(session, true, _("Saving message %llu failed: %s"),
			   (unsigned long long)msg->number, why ? why : "");
	free(why);
}

/* ---- the gate ---- */

bool session_may_delete(const session_t *session, uint64_t number, char **why)
{
	const session_msg_t *msg = find_number(session, number);
	if (!msg) {
		*why = xasprintf(_("there is no message %llu"), (unsigned long long)number);
		return false;
	}
	if (msg->flags & (MSG_DELETE_PENDING | MSG_DELETE_SENT)) {
		*why = xasprintf(_("message %llu is already marked for deletion"),
				 (unsigned long long)number);
		return false;
	}
	if (!(msg->flags & MSG_SAVED) || !msg->saved_path) {
		*why = xasprintf(_("message %llu has not been saved in this session: save it first "
				   "(s)"),
				 (unsigned long long)number);
		return false;
	}
	if (session->state != SESSION_READY || !session->pop3) {
		*why = xstrdup(_("not connected"));
		return false;
	}
	return true;
}

int session_delete(session_t *session, uint64_t number, char **errstr)
{
	if (!session_may_delete(session, number, errstr)) {
		trace_emitf(session->trace, TRACE_WARN, "DELE %llu refused: %s",
			    (unsigned long long)number, *errstr);
		return -1;
	}
	char line[64];
	snprintf(line, sizeof line, "DELE %llu", (unsigned long long)number);
	find_number(session, number)->flags |= MSG_DELETE_SENT;
	req_t *req = req_new(session, REQ_DELE, number);
	submit(session, req, line, 0, NULL);
	return 0;
}

static void on_dele(session_t *session, req_t *req, const pop3_reply_t *reply)
{
	session_msg_t *msg = find_number(session, req->number);
	if (!msg)
		return;
	msg->flags &= ~MSG_DELETE_SENT;
	if (reply->error == POP3_OK && reply->ok) {
		msg->flags |= MSG_DELETE_PENDING;
		session_set_status(session, false,
				   _("Message %llu marked for deletion "
				     "(removed at quit; u undoes)"),
				   (unsigned long long)msg->number);
		return;
	}
	char *why = reply_problem(session, reply);
	set_msg_error(msg, why);
	session_set_status(session, true, _("DELE %llu failed: %s"),
			   (unsigned long long)msg->number, why);
	free(why);
}

int session_undelete_all(session_t *session, char **errstr)
{
	if (session->state != SESSION_READY || !session->pop3) {
		*errstr = xstrdup(_("not connected"));
		return -1;
	}
	req_t *req = req_new(session, REQ_RSET, 0);
	submit(session, req, "RSET", 0, NULL);
	return 0;
}

static void finish_quit(session_t *session);

static void on_rset(session_t *session, req_t *req, const pop3_reply_t *reply)
{
	if (reply->error == POP3_OK && reply->ok) {
		size_t restored = 0;
		for (size_t i = 0; i < session->count; i++) {
			if (session->msgs[i].flags & MSG_DELETE_PENDING)
				restored++;
			session->msgs[i].flags &= ~MSG_DELETE_PENDING;
		}
		session_set_status(session, false,
				   ngettext("RSET: %zu pending deletion restored",
					    "RSET: %zu pending deletions restored", restored),
				   restored);
		if (req->then_quit)
			finish_quit(session);
		return;
	}
	char *why = reply_problem(session, reply);
	session_set_status(session, true, _("RSET failed: %s"), why);
	free(why);
	if (req->then_quit) {
		/* Never QUIT after a failed RSET: QUIT would commit the deletions.
		 * Closing without QUIT deletes nothing. */
		session->state = SESSION_CLOSED;
		session->quit_failed = true;
	}
}

/* ---- raw command line ---- */

session_raw_result_t session_raw(session_t *session, const char *line, char **errstr)
{
	while (*line == ' ' || *line == '\t')
		line++;
	size_t len = strlen(line);
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (!len)
		return SESSION_RAW_EMPTY;
	if (memchr(line, '\r', len) || memchr(line, '\n', len) || len > 500) {
		*errstr = xstrdup(_("a command is one line of at most 500 characters"));
		return SESSION_RAW_REFUSED;
	}
	char *cmd = xstrndup(line, len);
	size_t verb_len = strcspn(cmd, " ");
	const char *arg = cmd + verb_len;
	while (*arg == ' ')
		arg++;
	session_raw_result_t result = SESSION_RAW_SENT;
	uint64_t number;
#define VERB_IS(v) (verb_len == strlen(v) && strncasecmp(cmd, v, verb_len) == 0)
	if (VERB_IS("QUIT")) {
		result = SESSION_RAW_QUIT;
	} else if (VERB_IS("STLS")) {
		*errstr = xstrdup(_("STLS is only possible before login; popscope did it already"));
		result = SESSION_RAW_REFUSED;
	} else if (VERB_IS("DELE")) {
		if (!parse_u64_str(arg, POP3_MAX_MESSAGES, &number)) {
			*errstr = xstrdup(_("DELE needs one message number"));
			result = SESSION_RAW_REFUSED;
		} else if (session_delete(session, number, errstr) < 0) {
			result = SESSION_RAW_REFUSED;
		}
	} else if (VERB_IS("RSET")) {
		if (session_undelete_all(session, errstr) < 0)
			result = SESSION_RAW_REFUSED;
	} else if (session->state != SESSION_READY || !session->pop3) {
		*errstr = xstrdup(_("not connected"));
		result = SESSION_RAW_REFUSED;
	} else {
		req_t *req = req_new(session, REQ_RAW, 0);
		submit(session, req, cmd, RAW_COLLECT_LIMIT, NULL);
	}
#undef VERB_IS
	secret_wipe(cmd, len);
	free(cmd);
	return result;
}

static void on_raw(session_t *session, const pop3_reply_t *reply)
{
	if (reply->error != POP3_OK) {
		char *why = reply_problem(session, reply);
		session_set_status(session, true, _("Command failed: %s"), why);
		free(why);
		return;
	}
	char *text = sanitize_display(reply->text, reply->text_len, false, false);
	session_set_status(session, !reply->ok, "%s %s", reply->ok ? "+OK" : "-ERR", text);
	free(text);
	if (!reply->body_len && !reply->terminated)
		return;
	buf_clear(&session->raw_reply);
	buf_append_str(&session->raw_reply, reply->ok ? "+OK " : "-ERR ");
	buf_append(&session->raw_reply, reply->text, reply->text_len);
	buf_append_str(&session->raw_reply, "\r\n");
	buf_append(&session->raw_reply, reply->body, reply->body_len);
	if (reply->body_truncated)
		buf_printf(&session->raw_reply, "\r\n[%s]\r\n", _("truncated"));
	session->raw_serial++;
}

const char *session_raw_reply(const session_t *session, size_t *len, unsigned long *serial)
{
	*len = session->raw_reply.len;
	*serial = session->raw_serial;
	return session->raw_reply.data ? session->raw_reply.data : "";
}

/* ---- preview ---- */

static void preview_from_text(session_t *session, const char *data, size_t len)
{
	session_preview_t *p = &session->preview;
	p->raw = xmalloc(len + 1);
	memcpy(p->raw, data, len);
	p->raw[len] = '\0';
	p->raw_len = len;
	char *err = NULL;
	p->mime = mime_parse(p->raw, len, &err);
	if (p->mime)
		p->text = mime_body_text(p->mime);
	else
		p->error = err ? err : xstrdup(_("the message could not be parsed"));
	if (p->mime)
		free(err);
	p->state = PREVIEW_READY;
}

void session_preview(session_t *session, uint64_t number)
{
	session_preview_t *p = &session->preview;
	if (p->number == number && (p->state == PREVIEW_LOADING || p->state == PREVIEW_READY))
		return;
	if (session->preview_req && session->pop3)
		pop3_cancel(session->pop3, session->preview_req->id);
	session->preview_req = NULL;
	preview_reset(session);
	p->number = number;
	if (!find_number(session, number) || session->state != SESSION_READY) {
		p->state = PREVIEW_NONE;
		return;
	}
	p->state = PREVIEW_LOADING;
	p->via_retr = session->no_top;
	char line[64];
	if (p->via_retr)
		snprintf(line, sizeof line, "RETR %llu", (unsigned long long)number);
	else
		snprintf(line, sizeof line, "TOP %llu %u", (unsigned long long)number,
			 session->preview_lines);
	req_t *req = req_new(session, REQ_PREVIEW, number);
	session->preview_req = req;
	if (!submit(session, req, line, p->via_retr ? PREVIEW_RETR_LIMIT : PREVIEW_COLLECT_LIMIT,
		    NULL))
		session->preview_req = NULL;
	touch(session);
}

static void on_preview(session_t *session, req_t *req, const pop3_reply_t *reply)
{
	session_preview_t *p = &session->preview;
	if (session->preview_req != req || p->number != req->number)
		return; /* superseded */
	session->preview_req = NULL;
	if (reply->error != POP3_OK || !reply->ok) {
		p->state = PREVIEW_FAILED;
		p->error = reply_problem(session, reply);
		touch(session);
		return;
	}
	const session_msg_t *msg = find_number(session, req->number);
	preview_from_text(session, reply->body, reply->body_len);
	/* TOP n k of a short message is the whole message. */
	p->partial = reply->body_truncated || (msg && reply->body_octets < msg->size);
	touch(session);
}

const session_preview_t *session_get_preview(const session_t *session)
{
	return &session->preview;
}

int session_save_part(session_t *session, size_t index, const char *dir, const char *name,
		      char **path, char **errstr)
{
	const session_preview_t *p = &session->preview;
	if (p->state != PREVIEW_READY || !p->mime || index >= mime_part_count(p->mime)) {
		*errstr = xstrdup(_("no such part in the preview"));
		return -1;
	}
	const mime_part_info_t *part = mime_part(p->mime, index);
	if (part->is_multipart) {
		*errstr = xstrdup(_("that part is a container; pick one of its parts"));
		return -1;
	}
	buf_t data;
	buf_init(&data);
	if (mime_part_decode(p->mime, index, &data, errstr) < 0) {
		buf_free(&data);
		return -1;
	}
	store_file_t *file = store_begin_eml(dir ? dir : ".", name, errstr);
	int rc = -1;
	if (file && store_write(file, data.data ? data.data : "", data.len, errstr) == 0) {
		store_result_t result = {0};
		if (store_commit(file, true, data.len, &result, errstr) == 0) {
			*path = xstrdup(result.path);
			store_result_free(&result);
			rc = 0;
		}
		file = NULL;
	}
	if (file)
		store_abort(file);
	buf_free(&data);
	if (rc == 0 && p->partial)
		session_set_status(session, true,
				   _("Saved %s, but the preview holds only the first lines: "
				     "fetch the whole message (f) first for a complete attachment"),
				   *path);
	return rc;
}

/* ---- full RETR to a spool file ---- */

static int fetch_sink(void *ctx, const char *data, size_t len)
{
	req_t *req = ctx;
	while (len && req->fd >= 0) {
		ssize_t n = write(req->fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(req->sink_error);
			req->sink_error = xasprintf(_("spool file: %s"), strerror(errno));
			return -1;
		}
		data += n;
		len -= (size_t)n;
		req->got += (uint64_t)n;
	}
	if (req->fd < 0)
		return -1;
	req->session->serial++;
	return 0;
}

int session_fetch(session_t *session, uint64_t number, const char *spool_dir, char **errstr)
{
	if (!find_number(session, number)) {
		*errstr = xasprintf(_("there is no message %llu"), (unsigned long long)number);
		return -1;
	}
	if (session->state != SESSION_READY || !session->pop3) {
		*errstr = xstrdup(_("not connected"));
		return -1;
	}
	if (session->fetch_req) {
		*errstr = xstrdup(_("a fetch is running already (Esc cancels it)"));
		return -1;
	}
	char *path = xasprintf("%s/popscope-%llu-XXXXXX", spool_dir ? spool_dir : "/tmp",
			       (unsigned long long)number);
	int fd = mkstemp(path);
	if (fd < 0) {
		*errstr = xasprintf(_("cannot create a spool file in %s: %s"),
				    spool_dir ? spool_dir : "/tmp", strerror(errno));
		free(path);
		return -1;
	}
	req_t *req = req_new(session, REQ_FETCH, number);
	req->fd = fd;
	req->spool_path = path;
	session->fetch_req = req;
	char line[64];
	snprintf(line, sizeof line, "RETR %llu", (unsigned long long)number);
	session_set_status(session, false, _("Fetching message %llu (Esc cancels)..."),
			   (unsigned long long)number);
	submit(session, req, line, 0, fetch_sink);
	return 0;
}

bool session_fetch_active(const session_t *session, uint64_t *number, uint64_t *got,
			  uint64_t *total, bool *cancelling)
{
	const req_t *req = session->fetch_req;
	if (!req)
		return false;
	const session_msg_t *msg = find_number(session, req->number);
	*number = req->number;
	*got = req->got;
	*total = msg ? msg->size : 0;
	*cancelling = req->cancelling;
	return true;
}

void session_fetch_cancel(session_t *session)
{
	if (session->fetch_req && session->pop3 && !session->fetch_req->cancelling) {
		session->fetch_req->cancelling = true;
		pop3_cancel(session->pop3, session->fetch_req->id);
		touch(session);
	}
}

/* preview_from_spool: show a fetched message whole. A message too large
 * to parse in memory stays in its spool file for the user (returns false). */
static bool preview_from_spool(session_t *session, req_t *req)
{
	struct stat st;
	if (fstat(req->fd, &st) < 0 || st.st_size <= 0 || st.st_size > SPOOL_PARSE_LIMIT)
		return false;
	void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, req->fd, 0);
	if (map == MAP_FAILED)
		return false;
	if (session->preview_req && session->pop3)
		pop3_cancel(session->pop3, session->preview_req->id);
	session->preview_req = NULL;
	preview_reset(session);
	session->preview.number = req->number;
	session->preview.from_spool = true;
	preview_from_text(session, map, (size_t)st.st_size);
	munmap(map, (size_t)st.st_size);
	return true;
}

static void on_fetch(session_t *session, req_t *req, const pop3_reply_t *reply)
{
	if (reply->error != POP3_OK || !reply->ok || !reply->terminated) {
		char *why =
		    req->sink_error ? xstrdup(req->sink_error) : reply_problem(session, reply);
		session_set_status(session, reply->error != POP3_E_CANCELLED,
				   _("Fetching message %llu: %s"), (unsigned long long)req->number,
				   why);
		free(why);
		return; /* req_free removes the spool file */
	}
	if (preview_from_spool(session, req)) {
		session_set_status(session, false, _("Message %llu fetched whole (%llu octets)"),
				   (unsigned long long)req->number, (unsigned long long)req->got);
	} else {
		session_set_status(session, false,
				   _("Message %llu fetched to %s (%llu octets; too large to "
				     "preview whole, the file is kept)"),
				   (unsigned long long)req->number, req->spool_path,
				   (unsigned long long)req->got);
		free(req->spool_path);
		req->spool_path = NULL; /* kept */
	}
	touch(session);
}

/* ---- quit ---- */

static void on_quit(void *ctx, const pop3_reply_t *reply)
{
	req_t *req = ctx;
	session_t *session = req->session;
	bool current = req->generation == session->generation;
	req_free(session, req);
	if (!current)
		return;
	session->state = SESSION_CLOSED;
	if (reply->error != POP3_OK || !reply->ok) {
		session->quit_failed = true;
		char *why = reply_problem(session, reply);
		session_set_status(session, true, _("QUIT failed: %s"), why);
		free(why);
		return;
	}
	for (size_t i = 0; i < session->count; i++) {
		session_msg_t *msg = &session->msgs[i];
		if (!(msg->flags & MSG_DELETE_PENDING))
			continue;
		msg->flags = (msg->flags & ~MSG_DELETE_PENDING) | MSG_DELETED;
		session->deletes = xreallocarray(session->deletes, session->delete_count + 1,
						 sizeof *session->deletes);
		delete_record_t *rec = &session->deletes[session->delete_count++];
		rec->number = msg->number;
		rec->size = msg->size;
		rec->from = msg->from ? xstrdup(msg->from) : NULL;
		rec->subject = msg->subject ? xstrdup(msg->subject) : NULL;
	}
	touch(session);
}

static void finish_quit(session_t *session)
{
	req_t *req = req_new(session, REQ_QUIT, 0);
	pop3_quit(session->pop3, on_quit, req);
}

void session_quit(session_t *session, bool commit)
{
	if (session->state != SESSION_READY || !session->pop3) {
		session->state = SESSION_CLOSED;
		return;
	}
	session->state = SESSION_QUITTING;
	if (commit) {
		finish_quit(session);
		return;
	}
	req_t *req = req_new(session, REQ_RSET, 0);
	req->then_quit = true;
	submit(session, req, "RSET", 0, NULL);
}

void session_print_summary(const session_t *session, FILE *out)
{
	for (size_t i = 0; i < session->save_count; i++) {
		const save_record_t *rec = &session->saves[i];
		char *path = sanitize_display(rec->path, strlen(rec->path), false, false);
		fprintf(out, _("saved %llu %s %llu\n"), (unsigned long long)rec->number, path,
			(unsigned long long)rec->octets);
		free(path);
	}
	for (size_t i = 0; i < session->delete_count; i++) {
		const delete_record_t *rec = &session->deletes[i];
		const char *subject = rec->subject ? rec->subject : "";
		const char *from = rec->from ? rec->from : "";
		char *s = sanitize_display(subject, strlen(subject), false, false);
		char *f = sanitize_display(from, strlen(from), false, false);
		fprintf(out, _("deleted %llu (%llu octets, from %s, subject %s)\n"),
			(unsigned long long)rec->number, (unsigned long long)rec->size, f, s);
		free(s);
		free(f);
	}
	if (session->unconfirmed)
		fprintf(out,
			ngettext("the connection closed during QUIT: %zu deletion may or may not "
				 "have happened; check with --list\n",
				 "the connection closed during QUIT: %zu deletions may or may not "
				 "have happened; check with --list\n",
				 session->unconfirmed),
			session->unconfirmed);
	else if (!session->delete_count)
		fprintf(out, "%s\n", _("nothing was deleted"));
}

/* ---- dispatch ---- */

static void on_reply(void *ctx, const pop3_reply_t *reply)
{
	req_t *req = ctx;
	session_t *session = req->session;
	if (req->generation != session->generation) {
		req_free(session, req);
		return;
	}
	switch (req->kind) {
	case REQ_LIST: on_list(session, reply); break;
	case REQ_UIDL: on_uidl(session, reply); break;
	case REQ_HEADERS: on_headers(session, req, reply); break;
	case REQ_PREVIEW: on_preview(session, req, reply); break;
	case REQ_SAVE: on_save(session, req, reply); break;
	case REQ_DELE: on_dele(session, req, reply); break;
	case REQ_RSET: on_rset(session, req, reply); break;
	case REQ_RAW: on_raw(session, reply); break;
	case REQ_FETCH: on_fetch(session, req, reply); break;
	case REQ_QUIT:
	case REQ_NOOP: break;
	}
	req_free(session, req);
	touch(session);
}
