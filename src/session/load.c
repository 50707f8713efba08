/* load.c: loading the mailbox: UIDL and LIST into the model, the header
 * scan (pipelined TOP n 0 fed to the engine as its window has room, rows on
 * screen first), the keep-alive NOOP. */
#include <config.h>

#include "session/internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "util/gettext.h"
#include "util/xalloc.h"

/* Header summaries come from TOP n 0; a header block larger than this is
 * cut. Above MIME_MAX_HEADER_BLOCK, so that a block over it is seen. */
#define HEADER_COLLECT_LIMIT (256 * 1024)
/* Re-sorting while headers stream in happens at most this often. */
#define RESORT_INTERVAL_MS 400
/* An idle session sends NOOP this often: servers may log out after 10
 * minutes of silence (RFC 1939), which would drop pending deletions. */
#define KEEPALIVE_MS (4 * 60 * 1000)

static void take_uidl(session_t *session, const char *body, size_t len, bool usable);

void session_load_begin(session_t *session)
{
	free(session->uidl_body);
	session->uidl_body = NULL;
	/* UIDL first, as in the batch modes (batch_open): a server may change
	 * a message when it first gives it a UIDL (GNU Mailutils writes an
	 * X-UIDL header into the mbox), and LIST must give the sizes RETR
	 * sends in this session. Its answer waits for LIST's. Both go out as
	 * the login succeeds, before the CAPA after it is in: a server
	 * without UIDL answers -ERR, which leaves the rows without UIDLs. */
	session_submit(session, req_new(session, REQ_UIDL, 0),
		       (pop3_request_t){.verb = POP3_CMD_UIDL, .collect_limit = 32u * 1024 * 1024});
	session_submit(session, req_new(session, REQ_LIST, 0),
		       (pop3_request_t){.verb = POP3_CMD_LIST, .collect_limit = 64u * 1024 * 1024});
}

void session_on_list(session_t *session, const pop3_reply_t *reply)
{
	char *why = NULL;
	if (reply->error != POP3_OK || !reply->ok)
		why = session_reply_problem(session, reply);
	else if (reply->body_truncated)
		why = xstrdup(_("the list is too long"));
	uint64_t stat_count = session->pop3 ? pop3_stat_count(session->pop3) : 0;
	if (!why && mailbox_take_list(session->mailbox, reply->body, reply->body_len, stat_count,
				      &why) == 0) {
		session->scan_cursor = 0;
		session_resort(session);
		size_t count = mailbox_count(session->mailbox);
		session_set_status(session, false, ngettext("%zu message", "%zu messages", count),
				   count);
		/* Replies come in order: UIDL's is in (NULL when unusable). */
		char *body = session->uidl_body;
		session->uidl_body = NULL;
		take_uidl(session, body, session->uidl_len, body != NULL);
		free(body);
		return;
	}
	free(session->uidl_body);
	session->uidl_body = NULL;
	session_set_status(session, true, _("LIST failed: %s"), why);
	trace_emitf(session->trace, TRACE_WARN, "LIST refused: %s", why);
	free(why);
}

/* session_on_uidl: UIDL comes before LIST; its body waits for LIST's. */
void session_on_uidl(session_t *session, const pop3_reply_t *reply)
{
	bool usable = reply->error == POP3_OK && reply->ok && !reply->body_truncated;
	free(session->uidl_body);
	session->uidl_body = usable ? xstrndup(reply->body, reply->body_len) : NULL;
	session->uidl_len = usable ? reply->body_len : 0;
}

/* take_uidl: the UIDL body (usable false when the server has none or
 * refused it) into the model, once LIST was taken. */
static void take_uidl(session_t *session, const char *body, size_t len, bool usable)
{
	char *problem = NULL;
	size_t problems =
	    mailbox_take_uidl(session->mailbox, usable ? body : NULL, usable ? len : 0, &problem);
	mailbox_set_online(session->mailbox, session->pop3 != NULL);
	/* The CAPA after login came before UIDL's reply. */
	const pop3_capa_t *capa = session->pop3 ? pop3_capa(session->pop3) : NULL;
	if (capa && capa->known) {
		session->no_top = !capa->top;
		session->top_announced = capa->top;
	}
	session->state = SESSION_READY;
	session->sort_dirty = true;
	if (problems) {
		trace_emitf(session->trace, TRACE_WARN, "UIDL: %zu problems; the first: %s",
			    problems, problem);
		session_set_status(session, true,
				   _("%s: popscope will not delete the messages concerned"),
				   problem);
	} else if (!usable) {
		session_set_status(session, true, "%s",
				   _("The server gives no UIDL: messages can be saved but "
				     "popscope will not delete them"));
	}
	free(problem);
	if (mailbox_connection(session->mailbox) > 1) {
		size_t carried = 0;
		for (size_t i = 0; i < mailbox_count(session->mailbox); i++)
			carried += mailbox_at(session->mailbox, i)->save_carried;
		trace_emitf(session->trace, TRACE_INFO,
			    "reconnect: %zu earlier saves matched by UIDL and size", carried);
	}
	/* The preview was taken on the last connection: that number may name
	 * another message now. */
	uint64_t shown = session->preview.number;
	if (shown && mailbox_connection(session->mailbox) > 1) {
		session_preview_reset(session);
		session_preview(session, shown);
	}
	session_pump_headers(session);
	session_touch(session);
}

/* ---- the header scan ---- */

static bool unasked(const session_t *session, size_t index)
{
	return !mailbox_at(session->mailbox, index)->headers_asked;
}

/* unasked_on_screen: the first row on screen whose headers nobody asked
 * for (or whose TOP failed). */
static bool unasked_on_screen(const session_t *session, size_t *index)
{
	size_t end = session->want_first + session->want_count;
	if (end > session->ordered)
		end = session->ordered;
	for (size_t row = session->want_first; row < end; row++) {
		if (unasked(session, session->order[row])) {
			*index = session->order[row];
			return true;
		}
	}
	return false;
}

static bool next_header_target(session_t *session, size_t *index)
{
	if (unasked_on_screen(session, index))
		return true;
	/* Every message, shown or hidden by the limit: its headers may make it match. */
	while (session->scan_cursor < mailbox_count(session->mailbox)) {
		size_t i = session->scan_cursor++;
		if (unasked(session, i)) {
			*index = i;
			return true;
		}
	}
	return false;
}

/* feed_headers: the engine has room: one TOP n 0 for the next message
 * whose headers are unknown (rows on screen first). */
static bool feed_headers(void *ctx, pop3_t *pop3)
{
	session_t *session = ctx;
	size_t i;
	if (session->pop3 != pop3 || session->state != SESSION_READY || session->no_top ||
	    !next_header_target(session, &i))
		return false;
	const mailbox_msg_t *msg = mailbox_at(session->mailbox, i);
	mailbox_mark_headers_asked(session->mailbox, i, true);
	req_t *req = req_new(session, REQ_HEADERS, msg->number);
	session->headers_inflight++;
	session_touch(session);
	return session_submit(session, req,
			      (pop3_request_t){.verb = POP3_CMD_TOP,
					       .args = {msg->number, 0},
					       .argc = 2,
					       .collect_limit = HEADER_COLLECT_LIMIT});
}

/* header_work_left: a TOP may be due: the scan has not passed every
 * message, or a row on screen lacks its headers (a TOP that failed). */
static bool header_work_left(const session_t *session)
{
	size_t index;
	return session->scan_cursor < mailbox_count(session->mailbox) ||
	       unasked_on_screen(session, &index);
}

/* session_pump_headers: attach the feeder while there is header work; an
 * engine with a feeder attached asks it at once, so one attached for
 * nothing would keep the loop from sleeping. */
void session_pump_headers(session_t *session)
{
	if (session->state != SESSION_READY || session->no_top || !session->pop3 ||
	    !header_work_left(session))
		return;
	pop3_set_feeder(session->pop3, feed_headers, session);
}

void session_on_headers(session_t *session, req_t *req, const pop3_reply_t *reply)
{
	if (session->headers_inflight)
		session->headers_inflight--;
	size_t index;
	if (!mailbox_index_of(session->mailbox, req->number, &index))
		return;
	if (reply->error != POP3_OK) {
		mailbox_mark_headers_asked(session->mailbox, index, false);
		return;
	}
	if (!reply->ok) {
		/* TOP is optional (RFC 1939): without it the list stays
		 * number/size/UIDL. A server that announced TOP, or answered it
		 * before, refuses it for this message only. */
		bool this_one = session->top_announced ||
				(!session->no_top && mailbox_headers_known(session->mailbox));
		if (!this_one && !session->no_top) {
			session->no_top = true;
			session_set_status(session, false, "%s",
					   _("The server refuses TOP: no headers in the list; "
					     "preview falls back to RETR."));
		}
		mailbox_take_headers(session->mailbox, req->number, NULL, 0);
		if (this_one &&
		    mailbox_note_problems(session->mailbox, req->number,
					  MAILBOX_PROBLEM_TOP_REFUSED) &&
		    session->sort_key == SESSION_SORT_PROBLEMS)
			session->sort_dirty = true;
		session_touch(session);
		return;
	}
	mailbox_take_headers(session->mailbox, req->number, reply->body, reply->body_len);
	if (session->sort_key >= SESSION_SORT_DATE)
		session->sort_dirty = true;
	session_touch(session);
}

void session_want_rows(session_t *session, size_t first_row, size_t count)
{
	session->want_first = first_row;
	session->want_count = count;
	session_pump_headers(session);
}

void session_header_progress(const session_t *session, size_t *known, size_t *total)
{
	*known = mailbox_headers_known(session->mailbox);
	*total = session->no_top ? *known : mailbox_count(session->mailbox);
}

/* keep_alive: NOOP after KEEPALIVE_MS without a command. */
static void keep_alive(session_t *session)
{
	if (session->state != SESSION_READY || !session->pop3 || !pop3_is_ready(session->pop3) ||
	    pop3_busy(session->pop3) > 0 ||
	    session_now_ms() - session->last_submit_ms < KEEPALIVE_MS)
		return;
	session_submit(session, req_new(session, REQ_NOOP, 0),
		       (pop3_request_t){.verb = POP3_CMD_NOOP});
}

void session_tick(session_t *session)
{
	session_pump_headers(session);
	keep_alive(session);
	if (session->sort_dirty &&
	    (session_now_ms() - session->last_sort_ms >= RESORT_INTERVAL_MS ||
	     session->headers_inflight == 0))
		session_resort(session);
}
