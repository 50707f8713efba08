/* delete.c: DELE through the gate, RSET, QUIT and the summary of what
 * they did. */
#include <config.h>

#include "session/internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "report.h"
#include "util/gettext.h"
#include "util/xalloc.h"

bool session_may_delete(const session_t *session, uint64_t number, char **why)
{
	return gate_may_delete(session->mailbox, number, why);
}

int session_delete(session_t *session, uint64_t number, char **errstr)
{
	if (gate_delete_begin(session->mailbox, number, errstr) < 0) {
		trace_emitf(session->trace, TRACE_WARN, "DELE %llu refused: %s",
			    (unsigned long long)number, *errstr);
		return -1;
	}
	session_limit_stale(session);
	session_submit(session, req_new(session, REQ_DELE, number),
		       (pop3_request_t){.verb = POP3_CMD_DELE, .args = {number}, .argc = 1});
	return 0;
}

void session_on_dele(session_t *session, req_t *req, const pop3_reply_t *reply)
{
	unsigned long long number = (unsigned long long)req->number;
	if (reply->error == POP3_OK && reply->ok) {
		gate_delete_answered(session->mailbox, req->number, true, NULL);
		session_set_status(session, false,
				   _("Message %llu marked for deletion "
				     "(removed at quit; u undoes)"),
				   number);
		return;
	}
	char *why = session_reply_problem(session, reply);
	gate_delete_answered(session->mailbox, req->number, false, why);
	session_set_status(session, true, _("DELE %llu failed: %s"), number, why);
	free(why);
}

int session_undelete_all(session_t *session, char **errstr)
{
	if (!session_connected(session)) {
		*errstr = xstrdup(_("not connected"));
		return -1;
	}
	session_submit(session, req_new(session, REQ_RSET, 0),
		       (pop3_request_t){.verb = POP3_CMD_RSET});
	return 0;
}

static void send_quit(session_t *session)
{
	gate_quit_sent(session->mailbox);
	session_submit_quit(session, req_new(session, REQ_QUIT, 0));
}

void session_on_rset(session_t *session, req_t *req, const pop3_reply_t *reply)
{
	if (reply->error == POP3_OK && reply->ok) {
		size_t restored = gate_rset_confirmed(session->mailbox);
		session_set_status(session, false,
				   ngettext("RSET: %zu pending deletion restored",
					    "RSET: %zu pending deletions restored", restored),
				   restored);
		if (req->then_quit)
			send_quit(session);
		return;
	}
	char *why = session_reply_problem(session, reply);
	session_set_status(session, true, _("RSET failed: %s"), why);
	if (req->then_quit) {
		/* Never QUIT after a failed RSET: QUIT would commit the deletions.
		 * Closing without QUIT deletes nothing. */
		gate_connection_lost(session->mailbox);
		free(session->end_reason);
		session->end_reason = xasprintf(_("RSET failed: %s"), why);
		session->state = SESSION_CLOSED;
	}
	free(why);
}

void session_on_quit(session_t *session, const pop3_reply_t *reply)
{
	session->state = SESSION_CLOSED;
	if (reply->error != POP3_OK) {
		/* Sent, maybe received: the server may have deleted. */
		char *why = session_reply_problem(session, reply);
		gate_quit_failed(session->mailbox, reply->sent);
		free(session->end_reason);
		session->end_reason = why;
		session_set_status(session, true, _("QUIT failed: %s"), why);
		return;
	}
	gate_quit_answered(session->mailbox, reply->ok);
	if (!reply->ok) {
		char *why = session_reply_problem(session, reply);
		free(session->end_reason);
		session->end_reason = why;
		session_set_status(session, true, _("QUIT failed: %s"), why);
	}
}

void session_quit(session_t *session, bool commit)
{
	if (!session_connected(session)) {
		session->state = SESSION_CLOSED;
		return;
	}
	session->state = SESSION_QUITTING;
	if (commit) {
		send_quit(session);
		return;
	}
	req_t *req = req_new(session, REQ_RSET, 0);
	req->then_quit = true;
	session_submit(session, req, (pop3_request_t){.verb = POP3_CMD_RSET});
}

void session_print_summary(const session_t *session, FILE *out)
{
	report_summary(session->mailbox, session->end_reason, out);
}

const char *session_end_reason(const session_t *session)
{
	return session->end_reason && *session->end_reason ? session->end_reason : NULL;
}
