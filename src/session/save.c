/* save.c: saving a message: RETR streamed into a store file, verified by
 * store_commit, the outcome handed to the gate. */
#include <config.h>

#include "session/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	req->got += len;
	req->session->serial++;
	return 0;
}

/* open_target: the view's saves are read back for their SHA-256, as any
 * of them may go into a report (T, --report). */
static store_file_t *open_target(const char *dir, const char *name, bool mbox, char **errstr)
{
	store_file_t *file;
	if (!mbox) {
		file = store_begin_eml(dir ? dir : ".", name, errstr);
	} else {
		char *path =
		    (name[0] == '/' || !dir) ? xstrdup(name) : xasprintf("%s/%s", dir, name);
		file = store_begin_mbox(path, "MAILER-DAEMON", errstr);
		free(path);
	}
	if (file)
		store_want_digest(file);
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
	session_limit_stale(session);
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

/* report_saved: a save passed every check: the gate's ledger, the trace
 * and the status line. */
static void report_saved(session_t *session, uint64_t number, const store_result_t *result,
			 const char *note)
{
	unsigned long long n = (unsigned long long)number;
	gate_save_verified(session->mailbox, number, result->path, result->bytes_on_disk,
			   result->sha256, note);
	if (note) {
		trace_emitf(session->trace, TRACE_WARN, "message %llu: %s", n, note);
		session_set_status(session, false,
				   ngettext("Saved message %llu to %s (%llu octet). Note: %s",
					    "Saved message %llu to %s (%llu octets). Note: %s",
					    result->bytes_on_disk),
				   n, result->path, (unsigned long long)result->bytes_on_disk,
				   note);
	} else {
		session_set_status(session, false,
				   ngettext("Saved message %llu to %s (%llu octet)",
					    "Saved message %llu to %s (%llu octets)",
					    result->bytes_on_disk),
				   n, result->path, (unsigned long long)result->bytes_on_disk);
	}
}

/* ask_size: keep a complete copy whose size LIST counted with one octet a
 * line end until the user accepts or refuses it (session_answer_size).
 * Takes file and note. */
static void ask_size(session_t *session, uint64_t number, const mailbox_msg_t *msg,
		     const pop3_reply_t *reply, store_file_t *file, char *note)
{
	session->size_waits = xreallocarray(session->size_waits, session->size_wait_count + 1,
					    sizeof *session->size_waits);
	struct size_wait *wait = &session->size_waits[session->size_wait_count++];
	*wait = (struct size_wait){
	    .question = {.number = number,
			 .listed = msg->size,
			 .received = reply->body_octets,
			 .lines = reply->body_lines,
			 .note = note},
	    .note = note,
	    .file = file,
	};
	trace_emitf(session->trace, TRACE_WARN, "message %llu: %s; waiting for the user's answer",
		    (unsigned long long)number, note);
	session_set_status(
	    session, false,
	    ngettext("Message %llu arrived with %llu octet, LIST said %llu: accept it?",
		     "Message %llu arrived with %llu octets, LIST said %llu: accept it?",
		     reply->body_octets),
	    (unsigned long long)number, (unsigned long long)reply->body_octets,
	    (unsigned long long)msg->size);
}

bool session_save_active(const session_t *session, uint64_t *number, uint64_t *got, uint64_t *total,
			 size_t *others, bool *cancelling)
{
	const req_t *shown = NULL;
	size_t running = 0;
	/* The list holds the newest first: the last running save is the one
	 * the server is sending now; a cancelled one shows while it drains
	 * only when no other save runs. */
	for (const req_t *req = session->reqs; req; req = req->next) {
		if (req->kind != REQ_SAVE || req->generation != session->generation)
			continue;
		if (!req->cancelling) {
			running++;
			shown = req;
		} else if (!running && (!shown || shown->cancelling)) {
			shown = req;
		}
	}
	if (!shown)
		return false;
	const mailbox_msg_t *msg = mailbox_find(session->mailbox, shown->number);
	*number = shown->number;
	*got = shown->got;
	*total = msg ? msg->size : 0;
	*others = running ? running - 1 : 0;
	*cancelling = shown->cancelling;
	return true;
}

size_t session_save_cancel(session_t *session)
{
	size_t count = 0;
	for (req_t *req = session->reqs; req; req = req->next)
		if (req->kind == REQ_SAVE && req->generation == session->generation &&
		    !req->cancelling)
			count++;
	if (!count)
		return 0;
	uint64_t *ids = xcalloc(count, sizeof *ids);
	size_t n = 0;
	for (req_t *req = session->reqs; req && n < count; req = req->next) {
		if (req->kind != REQ_SAVE || req->generation != session->generation ||
		    req->cancelling)
			continue;
		/* The partial file goes now and the message is as before the
		 * save; the engine reads and discards the rest of the RETR. */
		req->cancelling = true;
		if (req->file)
			store_abort(req->file);
		req->file = NULL;
		gate_save_cancelled(session->mailbox, req->number);
		trace_emitf(session->trace, TRACE_WARN, "save of message %llu cancelled",
			    (unsigned long long)req->number);
		ids[n++] = req->id;
	}
	session_set_status(session, false,
			   ngettext("%zu save cancelled: the partial file was removed; nothing "
				    "is saved.",
				    "%zu saves cancelled: the partial files were removed; nothing "
				    "is saved.",
				    n),
			   n);
	/* A command not sent yet finishes inside pop3_cancel: its request is
	 * freed there, so only the ids are used from here on. */
	for (size_t i = 0; i < n; i++)
		if (session->pop3 && ids[i])
			pop3_cancel(session->pop3, ids[i]);
	free(ids);
	session_touch(session);
	return n;
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
	/* A final line end the server added is a complete copy; one octet a
	 * line end counted by LIST is complete too, but saved only when the
	 * user accepts it (session_answer_size); anything else never. */
	mailbox_size_t verdict =
	    mailbox_judge_size(msg->size, reply->body_octets, reply->body_lines);
	bool complete =
	    reply->error == POP3_OK && reply->ok && reply->terminated && !reply->bad_stuffing;
	char *note =
	    verdict == SIZE_AS_LISTED || !complete
		? NULL
		: mailbox_size_note(verdict, msg->size, reply->body_octets, reply->body_lines);
	if (note && verdict == SIZE_LINE_ENDS_AS_ONE) {
		ask_size(session, req->number, msg, reply, file, note);
		return;
	}
	uint64_t expected = verdict == SIZE_FINAL_LINE_END ? reply->body_octets : msg->size;
	store_result_t result = {0};
	char *why = NULL;
	if (verify(session, req, file, reply, expected, &result, &why) == 0) {
		report_saved(session, req->number, &result, note);
		free(note);
		store_result_free(&result);
		return;
	}
	if (note && verdict == SIZE_DIFFERENT) {
		free(why);
		why = xasprintf(_("%s; not saved"), note);
	}
	free(note);
	gate_save_failed(session->mailbox, req->number, why ? why : _("save failed"),
			 reply->error == POP3_OK && reply->body_octets != msg->size);
	session_set_status(session, true, _("Saving message %llu failed: %s"), number,
			   why ? why : "");
	free(why);
}

const session_size_question_t *session_size_question(const session_t *session)
{
	return session->size_wait_count ? &session->size_waits[0].question : NULL;
}

/* take_size_wait: remove the wait for number from the list into *out. */
static bool take_size_wait(session_t *session, uint64_t number, struct size_wait *out)
{
	for (size_t i = 0; i < session->size_wait_count; i++) {
		if (session->size_waits[i].question.number != number)
			continue;
		*out = session->size_waits[i];
		session->size_wait_count--;
		memmove(&session->size_waits[i], &session->size_waits[i + 1],
			(session->size_wait_count - i) * sizeof *session->size_waits);
		return true;
	}
	return false;
}

int session_answer_size(session_t *session, uint64_t number, bool accept, char **errstr)
{
	unsigned long long n = (unsigned long long)number;
	struct size_wait wait;
	if (!take_size_wait(session, number, &wait)) {
		*errstr = xasprintf(_("message %llu is not waiting for an answer (after a lost "
				      "connection nothing is kept); not saved"),
				    n);
		return -1;
	}
	int rc = 0;
	session_limit_stale(session);
	if (!accept) {
		store_abort(wait.file);
		char *why = xasprintf(_("%s; not saved: refused"), wait.note);
		gate_save_failed(session->mailbox, number, why, true);
		trace_emitf(session->trace, TRACE_WARN,
			    "message %llu: refused by the user, not saved", n);
		session_set_status(session, false, _("Message %llu not saved."), n);
		free(why);
	} else {
		/* The octets that arrived are the ones judged: they are the expected size. */
		store_result_t result = {0};
		char *why = NULL;
		if (store_commit(wait.file, true, wait.question.received, &result, &why) == 0) {
			report_saved(session, number, &result, wait.note);
			store_result_free(&result);
		} else {
			gate_save_failed(session->mailbox, number, why, false);
			session_set_status(session, true, _("Saving message %llu failed: %s"), n,
					   why);
			*errstr = why;
			rc = -1;
		}
	}
	free(wait.note);
	return rc;
}

void session_drop_size_waits(session_t *session)
{
	for (size_t i = 0; i < session->size_wait_count; i++) {
		store_abort(session->size_waits[i].file);
		free(session->size_waits[i].note);
	}
	free(session->size_waits);
	session->size_waits = NULL;
	session->size_wait_count = 0;
}
