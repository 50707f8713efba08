/* session.c: the session's life cycle, its requests to the engine and the
 * dispatch of their completions. */
#include <config.h>

#include "session/internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/gettext.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

long long session_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void session_touch(session_t *session)
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
	session_touch(session);
}

char *session_reply_problem(const session_t *session, const pop3_reply_t *reply)
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

bool session_connected(const session_t *session)
{
	return session->state == SESSION_READY && session->pop3;
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

void req_free(session_t *session, req_t *req)
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

req_t *req_new(session_t *session, req_kind_t kind, uint64_t number)
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

uint64_t session_submit(session_t *session, req_t *req, pop3_request_t request)
{
	request.done = on_reply;
	request.ctx = req;
	if (!session->pop3) {
		pop3_reply_t reply = {.error = POP3_E_CLOSED, .text = "", .body = ""};
		on_reply(req, &reply);
		return 0;
	}
	session->last_submit_ms = session_now_ms();
	if (req->kind == REQ_PREVIEW || req->kind == REQ_SAVE) {
		session->timing = (session_timing_t){
		    .asked = session->timing.asked + 1,
		    .answered = session->timing.answered,
		    .save = req->kind == REQ_SAVE,
		    .number = req->number,
		};
		req->timing = session->timing.asked;
	}
	uint64_t id = pop3_submit(session->pop3, &request);
	if (id)
		req->id = id;
	return id;
}

void session_submit_quit(session_t *session, req_t *req)
{
	if (!session->pop3) {
		pop3_reply_t reply = {.error = POP3_E_CLOSED, .text = "", .body = ""};
		on_reply(req, &reply);
		return;
	}
	pop3_quit(session->pop3, on_reply, req);
}

static void on_reply(void *ctx, const pop3_reply_t *reply)
{
	req_t *req = ctx;
	session_t *session = req->session;
	if (req->generation != session->generation) {
		req_free(session, req);
		return;
	}
	if (req->timing && req->timing == session->timing.asked) {
		session->timing.sent_us = reply->sent_us;
		session->timing.reply_us = reply->status_us;
		session->timing.answered = req->timing;
	}
	switch (req->kind) {
	case REQ_LIST: session_on_list(session, reply); break;
	case REQ_UIDL: session_on_uidl(session, reply); break;
	case REQ_HEADERS: session_on_headers(session, req, reply); break;
	case REQ_PREVIEW: session_on_preview(session, req, reply); break;
	case REQ_SAVE: session_on_save(session, req, reply); break;
	case REQ_DELE: session_on_dele(session, req, reply); break;
	case REQ_RSET: session_on_rset(session, req, reply); break;
	case REQ_RAW: session_on_raw(session, reply); break;
	case REQ_FETCH: session_on_fetch(session, req, reply); break;
	case REQ_QUIT: session_on_quit(session, reply); break;
	case REQ_NOOP: break;
	}
	req_free(session, req);
	/* Headers, saves and deletions change what a limit matches. */
	session_limit_stale(session);
	session_touch(session);
}

const session_timing_t *session_timing(const session_t *session)
{
	return &session->timing;
}

/* ---- life cycle ---- */

session_t *session_new(trace_t *trace, unsigned preview_lines)
{
	session_t *session = xcalloc(1, sizeof *session);
	session->trace = trace;
	session->mailbox = mailbox_new();
	mailbox_keep_order(session->mailbox);
	session->preview_lines = preview_lines ? preview_lines : 200;
	buf_init(&session->raw_reply);
	session_set_status(session, false, "%s", _("Connecting..."));
	return session;
}

void session_set_big(session_t *session, uint64_t octets)
{
	mailbox_set_big(session->mailbox, octets);
	session->sort_dirty = true;
	session_touch(session);
}

void session_free(session_t *session)
{
	if (!session)
		return;
	/* req_free unlinks the head first; the analyzer does not follow that. */
	while (session->reqs)
		req_free(session, session->reqs); // NOLINT(clang-analyzer-unix.Malloc)
	session_drop_size_waits(session);
	mailbox_free(session->mailbox);
	free(session->order);
	free(session->row_of);
	free(session->verdicts);
	free(session->sort_keys);
	radix_scratch_free(&session->radix);
	for (size_t key = 0; key < SESSION_SORT_COUNT; key++)
		free(session->kept[key].rows);
	limit_free(session->limit);
	free(session->limit_pattern);
	session_preview_reset(session);
	free(session->kept_spool);
	buf_free(&session->raw_reply);
	free(session->status);
	free(session->end_reason);
	free(session->uidl_body);
	free(session);
}

void session_attach(session_t *session, pop3_t *pop3)
{
	session->pop3 = pop3;
	session->generation++;
	session->state = SESSION_LOADING;
	session->headers_inflight = 0;
	mailbox_begin_connection(session->mailbox);
	session->no_top = false;
	session->top_announced = false;
	session_set_status(session, false, "%s", _("Listing messages..."));
	session_load_begin(session);
}

/* abandon_requests: whatever the engine still owes us is void. */
static void abandon_requests(session_t *session)
{
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
	session_drop_size_waits(session);
	if (session->preview.state == PREVIEW_LOADING) {
		session->preview.state = PREVIEW_FAILED;
		session->preview.error = xstrdup(_("the connection was lost"));
	}
	for (size_t i = 0; i < mailbox_count(session->mailbox); i++)
		mailbox_mark_headers_asked(session->mailbox, i, false);
	session->headers_inflight = 0;
}

void session_detach(session_t *session, const char *why)
{
	session->generation++;
	session->pop3 = NULL;
	abandon_requests(session);
	free(session->end_reason);
	session->end_reason = xstrdup(why ? why : "");
	bool quit_sent = mailbox_quit_state(session->mailbox) == QUIT_SENT;
	size_t dropped = gate_connection_lost(session->mailbox);
	session_limit_stale(session);
	if (session->state == SESSION_QUITTING || session->state == SESSION_CLOSED || quit_sent) {
		session->state = SESSION_CLOSED;
		session_touch(session);
		return;
	}
	session->state = SESSION_DISCONNECTED;
	if (dropped)
		session_set_status(session, true,
				   ngettext("Connection lost: %s. Nothing was deleted (%zu pending "
					    "deletion dropped). Press R to reconnect.",
					    "Connection lost: %s. Nothing was deleted (%zu pending "
					    "deletions dropped). Press R to reconnect.",
					    dropped),
				   why, dropped);
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

const mailbox_t *session_mailbox(const session_t *session)
{
	return session->mailbox;
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
