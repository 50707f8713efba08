/* save.c: saving a message: RETR streamed into a store file, verified by
 * store_commit, the outcome handed to the gate. */
#include <config.h>

#include "session/internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "util/gettext.h"
#include "util/xalloc.h"

char *session_default_name(const session_t *session, uint64_t number)
{
	const mailbox_msg_t *msg = mailbox_find(session->mailbox, number);
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

static store_file_t *open_target(const char *dir, const char *name, bool mbox, char **errstr)
{
	if (!mbox)
		return store_begin_eml(dir ? dir : ".", name, errstr);
	char *path = (name[0] == '/' || !dir) ? xstrdup(name) : xasprintf("%s/%s", dir, name);
	store_file_t *file = store_begin_mbox(path, "MAILER-DAEMON", errstr);
	free(path);
	return file;
}

int session_save(session_t *session, uint64_t number, const char *dir, const char *name, bool mbox,
		 char **errstr)
{
	if (!session_connected(session)) {
		*errstr =
		    mailbox_find(session->mailbox, number)
			? xstrdup(_("not connected"))
			: xasprintf(_("there is no message %llu"), (unsigned long long)number);
		return -1;
	}
	store_file_t *file = open_target(dir, name, mbox, errstr);
	if (!file)
		return -1;
	if (gate_save_begin(session->mailbox, number, errstr) < 0) {
		store_abort(file);
		return -1;
	}
	req_t *req = req_new(session, REQ_SAVE, number);
	req->file = file;
	session_set_status(session, false, _("Saving message %llu..."), (unsigned long long)number);
	session_submit(
	    session, req,
	    (pop3_request_t){.verb = POP3_CMD_RETR,
			     .args = {number},
			     .argc = 1,
			     .sink = save_sink,
			     .expect_octets = mailbox_find(session->mailbox, number)->size});
	return 0;
}

/* verify: store_commit's checks; 0 and *result, or -1 with *why. */
static int verify(session_t *session, req_t *req, store_file_t *file, const pop3_reply_t *reply,
		  uint64_t size, store_result_t *result, char **why)
{
	if (reply->error != POP3_OK || !reply->ok) {
		*why = req->sink_error ? xstrdup(req->sink_error)
				       : session_reply_problem(session, reply);
		store_abort(file);
		return -1;
	}
	if (reply->bad_stuffing) {
		/* Unstuffed leading dots make the content ambiguous: no verified save. */
		*why = xstrdup(_("the server sent a line starting with an unstuffed \".\", so "
				 "the content is ambiguous; not saved"));
		store_abort(file);
		return -1;
	}
	return store_commit(file, reply->terminated, size, result, why);
}

void session_on_save(session_t *session, req_t *req, const pop3_reply_t *reply)
{
	const mailbox_msg_t *msg = mailbox_find(session->mailbox, req->number);
	store_file_t *file = req->file;
	req->file = NULL;
	if (!msg || !file) {
		if (file)
			store_abort(file);
		return;
	}
	unsigned long long number = (unsigned long long)req->number;
	/* The view accepts a final line end the server added; a copy whose
	 * size differs by one octet a line only batch mode accepts, on
	 * request (--accept-line-end-count). */
	mailbox_size_t verdict =
	    mailbox_judge_size(msg->size, reply->body_octets, reply->body_lines);
	bool complete =
	    reply->error == POP3_OK && reply->ok && reply->terminated && !reply->bad_stuffing;
	char *note =
	    verdict == SIZE_AS_LISTED || !complete
		? NULL
		: mailbox_size_note(verdict, msg->size, reply->body_octets, reply->body_lines);
	uint64_t expected = verdict == SIZE_FINAL_LINE_END ? reply->body_octets : msg->size;
	store_result_t result = {0};
	char *why = NULL;
	if (verify(session, req, file, reply, expected, &result, &why) == 0) {
		gate_save_verified(session->mailbox, req->number, result.path, result.bytes_on_disk,
				   note);
		if (note) {
			trace_emitf(session->trace, TRACE_WARN, "message %llu: %s", number, note);
			session_set_status(
			    session, false, _("Saved message %llu to %s (%llu octets). Note: %s"),
			    number, result.path, (unsigned long long)result.bytes_on_disk, note);
		} else {
			session_set_status(session, false,
					   _("Saved message %llu to %s (%llu octets)"), number,
					   result.path, (unsigned long long)result.bytes_on_disk);
		}
		free(note);
		store_result_free(&result);
		return;
	}
	if (note && verdict != SIZE_FINAL_LINE_END) {
		free(why);
		why =
		    verdict == SIZE_LINE_ENDS_AS_ONE
			? xasprintf(_("%s; not saved (popscope --save %llu --accept-line-end-count "
				      "accepts such a copy)"),
				    note, number)
			: xasprintf(_("%s; not saved"), note);
	}
	free(note);
	gate_save_failed(session->mailbox, req->number, why ? why : _("save failed"),
			 reply->error == POP3_OK && reply->body_octets != msg->size);
	session_set_status(session, true, _("Saving message %llu failed: %s"), number,
			   why ? why : "");
	free(why);
}
