/* preview.c: the preview (TOP n k, or RETR with a memory cap), saving a
 * MIME part of it, and the full RETR into a spool file. */
#include <config.h>

#include "session/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/gettext.h"
#include "util/xalloc.h"

/* Preview through TOP n k: the body is bounded by k lines, the bytes by this. */
#define PREVIEW_COLLECT_LIMIT (4 * 1024 * 1024)
/* Preview through RETR (no TOP): keep only the start of the message. */
#define PREVIEW_RETR_LIMIT (1024 * 1024)
/* A fetched spool file is parsed for the preview only up to this size. */
#define SPOOL_PARSE_LIMIT (16 * 1024 * 1024)

void session_preview_reset(session_t *session)
{
	session_preview_t *p = &session->preview;
	free(p->raw);
	if (p->mime)
		mime_free(p->mime);
	free(p->text);
	free(p->error);
	memset(p, 0, sizeof *p);
}

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

/* note_broken: a MIME structure GMime reports as broken marks the row
 * (what a cut preview alone causes does not count). */
static void note_broken(session_t *session)
{
	const session_preview_t *p = &session->preview;
	if (p->mime && mime_message_broken(p->mime, p->partial) &&
	    mailbox_note_problems(session->mailbox, p->number, MIME_PROBLEM_BROKEN) &&
	    session->sort_key == SESSION_SORT_PROBLEMS)
		session->sort_dirty = true;
}

void session_preview(session_t *session, uint64_t number)
{
	session_preview_t *p = &session->preview;
	if (p->number == number && (p->state == PREVIEW_LOADING || p->state == PREVIEW_READY))
		return;
	if (session->preview_req && session->pop3)
		pop3_cancel(session->pop3, session->preview_req->id);
	session->preview_req = NULL;
	session_preview_reset(session);
	p->number = number;
	if (!mailbox_find(session->mailbox, number) || !session_connected(session)) {
		p->state = PREVIEW_NONE;
		return;
	}
	p->state = PREVIEW_LOADING;
	p->via_retr = session->no_top;
	pop3_request_t request = {
	    .verb = p->via_retr ? POP3_CMD_RETR : POP3_CMD_TOP,
	    .args = {number, session->preview_lines},
	    .argc = p->via_retr ? 1 : 2,
	    .collect_limit = p->via_retr ? PREVIEW_RETR_LIMIT : PREVIEW_COLLECT_LIMIT,
	    .expect_octets = p->via_retr ? mailbox_find(session->mailbox, number)->size : 0,
	};
	req_t *req = req_new(session, REQ_PREVIEW, number);
	session->preview_req = req;
	if (!session_submit(session, req, request))
		session->preview_req = NULL;
	session_touch(session);
}

void session_on_preview(session_t *session, req_t *req, const pop3_reply_t *reply)
{
	session_preview_t *p = &session->preview;
	if (session->preview_req != req || p->number != req->number)
		return; /* superseded */
	session->preview_req = NULL;
	if (reply->error != POP3_OK || !reply->ok) {
		p->state = PREVIEW_FAILED;
		p->error = session_reply_problem(session, reply);
		session_touch(session);
		return;
	}
	const mailbox_msg_t *msg = mailbox_find(session->mailbox, req->number);
	preview_from_text(session, reply->body, reply->body_len);
	/* TOP n k of a short message is the whole message. */
	p->partial = reply->body_truncated || (msg && reply->body_octets < msg->size);
	note_broken(session);
	session_touch(session);
}

const session_preview_t *session_get_preview(const session_t *session)
{
	return &session->preview;
}

int session_part_data(const session_t *session, size_t index, buf_t *out, char **errstr)
{
	const session_preview_t *p = &session->preview;
	if (p->state != PREVIEW_READY || !p->mime || index >= mime_part_count(p->mime)) {
		*errstr = xstrdup(_("no such part in the preview"));
		return -1;
	}
	if (mime_part(p->mime, index)->is_multipart) {
		*errstr = xstrdup(_("that part is a container; pick one of its parts"));
		return -1;
	}
	return mime_part_decode(p->mime, index, out, errstr);
}

int session_save_part(session_t *session, size_t index, const char *dir, const char *name,
		      char **path, char **errstr)
{
	const session_preview_t *p = &session->preview;
	buf_t data;
	buf_init(&data);
	if (session_part_data(session, index, &data, errstr) < 0) {
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

bool session_whole_message(const session_t *session, uint64_t number, session_whole_t *out)
{
	const session_preview_t *p = &session->preview;
	memset(out, 0, sizeof *out);
	if (p->number == number && p->state == PREVIEW_READY && !p->partial && p->raw) {
		out->data = p->raw;
		out->len = p->raw_len;
		out->parsed = p->mime != NULL;
		return true;
	}
	if (session->kept_spool && session->kept_number == number) {
		out->path = session->kept_spool;
		out->len = (size_t)session->kept_octets;
		return true;
	}
	return false;
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
	if (!mailbox_find(session->mailbox, number)) {
		*errstr = xasprintf(_("there is no message %llu"), (unsigned long long)number);
		return -1;
	}
	if (!session_connected(session)) {
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
	session_set_status(session, false, _("Fetching message %llu (Esc cancels)..."),
			   (unsigned long long)number);
	session_submit(
	    session, req,
	    (pop3_request_t){.verb = POP3_CMD_RETR,
			     .args = {number},
			     .argc = 1,
			     .sink = fetch_sink,
			     .expect_octets = mailbox_find(session->mailbox, number)->size});
	return 0;
}

bool session_fetch_active(const session_t *session, uint64_t *number, uint64_t *got,
			  uint64_t *total, bool *cancelling)
{
	const req_t *req = session->fetch_req;
	if (!req)
		return false;
	const mailbox_msg_t *msg = mailbox_find(session->mailbox, req->number);
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
		session_touch(session);
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
	session_preview_reset(session);
	session->preview.number = req->number;
	session->preview.from_spool = true;
	preview_from_text(session, map, (size_t)st.st_size);
	note_broken(session);
	munmap(map, (size_t)st.st_size);
	return true;
}

void session_on_fetch(session_t *session, req_t *req, const pop3_reply_t *reply)
{
	if (reply->error != POP3_OK || !reply->ok || !reply->terminated) {
		char *why = req->sink_error ? xstrdup(req->sink_error)
					    : session_reply_problem(session, reply);
		session_set_status(session, reply->error != POP3_E_CANCELLED,
				   _("Fetching message %llu: %s"), (unsigned long long)req->number,
				   why);
		free(why);
		return; /* req_free removes the spool file */
	}
	if (preview_from_spool(session, req)) {
		session_set_status(session, false,
				   ngettext("Message %llu fetched whole (%llu octet)",
					    "Message %llu fetched whole (%llu octets)", req->got),
				   (unsigned long long)req->number, (unsigned long long)req->got);
	} else {
		session_set_status(session, false,
				   ngettext("Message %llu fetched to %s (%llu octet; too large to "
					    "preview whole, the file is kept)",
					    "Message %llu fetched to %s (%llu octets; too large to "
					    "preview whole, the file is kept)",
					    req->got),
				   (unsigned long long)req->number, req->spool_path,
				   (unsigned long long)req->got);
		/* Kept for the user, and remembered for the pager and the editor. */
		free(session->kept_spool);
		session->kept_spool = req->spool_path;
		session->kept_number = req->number;
		session->kept_octets = req->got;
		req->spool_path = NULL;
	}
	session_touch(session);
}
