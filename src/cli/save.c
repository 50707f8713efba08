/* save.c: --save and --delete. LIST and UIDL load the mailbox model; the
 * messages named (by number or UIDL) are all looked up before anything is
 * sent. Each message: RETR n, whose first bytes, up to the end of the
 * header block, give the date and subject for the file name (no TOP n 0
 * first: one command less, and no server that answers a RETR after a TOP
 * of the same message with the headers only); the file is opened then,
 * and the whole message streamed into it and verified. --delete then asks
 * the gate for each message, sends DELE where it agrees, and QUIT commits. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/batch.h"
#include "cli/exitcode.h"
#include "gate.h"
#include "report.h"
#include "store.h"
#include "util/buf.h"
#include "util/gettext.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

/* RETR's first bytes are held until the header block ends, at most this
 * many (a longer header block names the file by what it holds so far). */
#define HEADER_HOLD_LIMIT (256u * 1024)

typedef struct {
	mailbox_t *mailbox;
	uint64_t number;
	const char *dir;
	store_batch_t *batch;  /* the saves' one sync (sync_saves); NULL: each syncs */
	bool accept_line_ends; /* --accept-line-end-count */
	bool digest;           /* read the file back for its SHA-256 (--report) */
	buf_t head;            /* RETR's first bytes, held until the header block ends */
	bool named;            /* the header block was read: the file is open (or failed) */
	store_file_t *file;    /* open while RETR streams */
	char *error;           /* why it was not saved (or not deleted) */
	int error_status;
} job_t;

static void job_fail(job_t *job, int status, char *message)
{
	if (!job->error) {
		job->error = message;
		job->error_status = status;
	} else {
		free(message);
	}
}

/* job_refused: the server answered -ERR; what names the refusal. */
static void job_refused(job_t *job, const char *what, const pop3_reply_t *reply)
{
	char *said = sanitize_display(reply->text, reply->text_len, false, false);
	job_fail(job, EXIT_DATAERR,
		 xasprintf(_("message %llu: %s (server said: %s)"), (unsigned long long)job->number,
			   what, said));
	free(said);
}

/* job_save_failed: the gate hears of it, the user too. */
static void job_save_failed(job_t *job, int status, char *message, bool size_mismatch)
{
	gate_save_failed(job->mailbox, job->number, message, size_mismatch);
	job_fail(job, status, message);
}

/* header_block_end: where the header block of the held bytes ends (after
 * the empty line, or 2 for a message that starts with one), looking from
 * `from` on; 0 while it goes on. */
static size_t header_block_end(const buf_t *head, size_t from)
{
	if (head->len >= 2 && head->data[0] == '\r' && head->data[1] == '\n')
		return 2;
	for (size_t i = from; i + 4 <= head->len; i++)
		if (memcmp(head->data + i, "\r\n\r\n", 4) == 0)
			return i + 4;
	return 0;
}

/* open_named: the headers held so far go into the model, name the file,
 * and are its first bytes. Returns 0, or -1 after recording why. */
static int open_named(job_t *job)
{
	job->named = true;
	mailbox_take_headers(job->mailbox, job->number, job->head.data ? job->head.data : "",
			     job->head.len);
	const mailbox_msg_t *msg = mailbox_find(job->mailbox, job->number);
	char *name = store_default_name(msg->date, msg->subject, msg->uidl);
	char *errstr = NULL;
	job->file = store_begin_eml(job->dir, name, &errstr);
	free(name);
	/* One sync for the whole batch (sync_saves), before any DELE. */
	if (job->file && job->batch)
		store_defer_sync(job->file, job->batch);
	if (job->file && job->digest)
		store_want_digest(job->file);
	if (job->file && job->head.len &&
	    store_write(job->file, job->head.data, job->head.len, &errstr) != 0) {
		store_abort(job->file);
		job->file = NULL;
	}
	buf_free(&job->head);
	if (job->file)
		return 0;
	job_save_failed(job, EXIT_IOERR,
			xasprintf(_("message %llu: %s"), (unsigned long long)job->number, errstr),
			false);
	free(errstr);
	return -1;
}

static int retr_sink(void *ctx, const char *data, size_t len)
{
	job_t *job = ctx;
	if (!job->named) {
		size_t from = job->head.len >= 3 ? job->head.len - 3 : 0;
		size_t take = HEADER_HOLD_LIMIT - job->head.len;
		if (take > len)
			take = len;
		buf_append(&job->head, data, take);
		data += take;
		len -= take;
		if (!header_block_end(&job->head, from) && job->head.len < HEADER_HOLD_LIMIT)
			return 0;
		if (open_named(job) != 0)
			return -1;
		if (!len)
			return 0;
	}
	if (!job->file)
		return -1;
	char *errstr = NULL;
	if (store_write(job->file, data, len, &errstr) != 0) {
		job_fail(job, EXIT_IOERR,
			 xasprintf(_("message %llu: %s"), (unsigned long long)job->number, errstr));
		free(errstr);
		return -1;
	}
	return 0;
}

static void on_retr(void *ctx, const pop3_reply_t *reply)
{
	job_t *job = ctx;
	/* A message that ended before its header block did (or had no body)
	 * names its file now. */
	if (!job->named && reply->error == POP3_OK && reply->ok && reply->terminated)
		open_named(job);
	buf_free(&job->head);
	store_file_t *file = job->file;
	job->file = NULL;
	unsigned long long n = (unsigned long long)job->number;
	if (reply->error == POP3_OK && !reply->ok) {
		if (file)
			store_abort(file);
		job_refused(job, _("RETR refused"), reply);
		gate_save_failed(job->mailbox, job->number, job->error, false);
		return;
	}
	if (!file) {
		/* The file could not be opened or written (that error is recorded),
		 * or the transfer broke off before the header block ended. */
		job_save_failed(
		    job, EXIT_UNAVAILABLE,
		    xasprintf(_("message %llu: the transfer did not complete; not saved"), n),
		    false);
		return;
	}
	if (reply->error != POP3_OK || reply->bad_stuffing) {
		store_abort(file);
		if (reply->error == POP3_OK)
			job_save_failed(job, EXIT_PROTOCOL,
					xasprintf(_("message %llu: the server sent a line starting "
						    "with an unstuffed \".\", so the content is "
						    "ambiguous; not saved"),
						  n),
					false);
		else
			job_save_failed(job, exitcode_for_error(reply->error),
					xasprintf(_("message %llu: the transfer did not complete; "
						    "not saved"),
						  n),
					false);
		return;
	}
	const mailbox_msg_t *msg = mailbox_find(job->mailbox, job->number);
	mailbox_size_t verdict =
	    mailbox_judge_size(msg->size, reply->body_octets, reply->body_lines);
	bool accepted = verdict == SIZE_FINAL_LINE_END ||
			(verdict == SIZE_LINE_ENDS_AS_ONE && job->accept_line_ends);
	char *note =
	    verdict == SIZE_AS_LISTED || !reply->terminated
		? NULL
		: mailbox_size_note(verdict, msg->size, reply->body_octets, reply->body_lines);
	store_result_t result = {0};
	char *errstr = NULL;
	if (store_commit(file, reply->terminated, accepted ? reply->body_octets : msg->size,
			 &result, &errstr) != 0) {
		if (note && verdict == SIZE_LINE_ENDS_AS_ONE && !accepted)
			job_save_failed(
			    job, EXIT_DATAERR,
			    xasprintf(_("message %llu: %s; not saved "
					"(--accept-line-end-count accepts such a copy)"),
				      n, note),
			    true);
		else
			job_save_failed(
			    job, EXIT_DATAERR,
			    xasprintf(_("message %llu: %s"), n, note && !accepted ? note : errstr),
			    verdict != SIZE_AS_LISTED);
		free(errstr);
		free(note);
		return;
	}
	if (note)
		fprintf(stderr, _("popscope: note: message %llu: %s\n"), n, note);
	gate_save_verified(job->mailbox, job->number, result.path, result.bytes_on_disk,
			   result.sha256, note);
	free(note);
	store_result_free(&result);
	report_saved_line(mailbox_save_at(job->mailbox, mailbox_save_count(job->mailbox) - 1),
			  stdout);
	fflush(stdout);
}

static void on_dele(void *ctx, const pop3_reply_t *reply)
{
	job_t *job = ctx;
	if (reply->error != POP3_OK) {
		gate_delete_answered(job->mailbox, job->number, false, NULL);
		return;
	}
	if (!reply->ok)
		job_refused(job, _("DELE refused"), reply);
	gate_delete_answered(job->mailbox, job->number, reply->ok, job->error);
}

/* submit: a command about one job's message, its completion with the job. */
static void submit(pop3_t *pop3, job_t *job, pop3_request_t request, pop3_done_fn done)
{
	request.args[0] = job->number;
	request.done = done;
	request.ctx = job;
	pop3_submit(pop3, &request);
}

/* take: message index joins the jobs unless a selector named it already. */
static void take(const mailbox_t *mailbox, size_t index, bool *taken, job_t *jobs, size_t *count)
{
	if (taken[index])
		return;
	taken[index] = true;
	jobs[(*count)++].number = mailbox_at(mailbox, index)->number;
}

/* resolve_one: the messages one selector names into the jobs; false after
 * saying what it names that does not exist. */
static bool resolve_one(const cli_selector_t *sel, const mailbox_t *mailbox, bool *taken,
			job_t *jobs, size_t *count)
{
	char *why = NULL;
	size_t index;
	if (sel->all) {
		for (index = 0; index < mailbox_count(mailbox); index++)
			take(mailbox, index, taken, jobs, count);
		return true;
	}
	if (sel->uidl) {
		const mailbox_msg_t *msg = mailbox_find_uidl(mailbox, sel->uidl, &why);
		if (msg && mailbox_index_of(mailbox, msg->number, &index)) {
			take(mailbox, index, taken, jobs, count);
			return true;
		}
	} else {
		for (uint64_t n = sel->first; n <= sel->last; n++) {
			if (mailbox_index_of(mailbox, n, &index)) {
				take(mailbox, index, taken, jobs, count);
				continue;
			}
			why = sel->first == sel->last
				  ? xasprintf(_("there is no message %llu"), (unsigned long long)n)
				  : xasprintf(_("there is no message %llu (in %llu-%llu)"),
					      (unsigned long long)n, (unsigned long long)sel->first,
					      (unsigned long long)sel->last);
			break;
		}
		if (!why)
			return true;
	}
	fprintf(stderr, "popscope: %s\n", why);
	free(why);
	return false;
}

/* resolve: the message numbers the selectors name, each once, in the order
 * named, or -1 after saying which selectors name what does not exist
 * (before anything was sent). jobs holds one slot a message. */
static int resolve(const cli_options_t *options, const mailbox_t *mailbox, job_t *jobs,
		   size_t *count)
{
	int status = 0;
	bool *taken = xcalloc(mailbox_count(mailbox) + 1, sizeof *taken);
	*count = 0;
	for (size_t i = 0; i < options->selector_count; i++)
		if (!resolve_one(&options->selectors[i], mailbox, taken, jobs, count))
			status = -1;
	free(taken);
	return status;
}

static void save_all(pop3_t *pop3, mailbox_t *mailbox, job_t *jobs, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		job_t *job = &jobs[i];
		char *why = NULL;
		if (gate_save_begin(mailbox, job->number, &why) < 0) {
			job_fail(job, EXIT_DATAERR, why);
			continue;
		}
		submit(pop3, job,
		       (pop3_request_t){.verb = POP3_CMD_RETR,
					.argc = 1,
					.sink = retr_sink,
					.expect_octets = mailbox_find(mailbox, job->number)->size},
		       on_retr);
	}
	batch_drain(pop3);
}

/* sync_saves: the batch's saves to disk, once for all of them; until that
 * succeeded none of them may be deleted. Returns 0, or -1 after saying
 * why. */
static int sync_saves(store_batch_t *batch, const mailbox_t *mailbox, const job_t *jobs,
		      size_t count)
{
	bool any = false;
	for (size_t i = 0; i < count && !any; i++)
		any = mailbox_find(mailbox, jobs[i].number)->state == MSG_SAVED;
	char *errstr = NULL;
	if (!any || !batch || store_batch_sync(batch, &errstr) == 0)
		return 0;
	fprintf(stderr, _("popscope: %s; nothing was deleted\n"), errstr);
	free(errstr);
	return -1;
}

static void delete_saved(pop3_t *pop3, mailbox_t *mailbox, job_t *jobs, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		job_t *job = &jobs[i];
		const mailbox_msg_t *msg = mailbox_find(mailbox, job->number);
		if (job->error || msg->state != MSG_SAVED)
			continue; /* its error says why */
		char *why = NULL;
		if (gate_delete_begin(mailbox, job->number, &why) < 0) {
			job_fail(job, EXIT_DATAERR,
				 xasprintf(_("message %llu: saved but not deleted: %s"),
					   (unsigned long long)job->number, why));
			free(why);
			continue;
		}
		submit(pop3, job, (pop3_request_t){.verb = POP3_CMD_DELE, .argc = 1}, on_dele);
	}
	batch_drain(pop3);
}

/* interrupted: a signal stopped the loop: no command more, no QUIT. */
static int interrupted(const mailbox_t *mailbox, int signo)
{
	size_t saved = mailbox_save_count(mailbox);
	fprintf(stderr,
		ngettext("popscope: interrupted by %s: %zu message saved, QUIT was not sent, so "
			 "nothing was deleted\n",
			 "popscope: interrupted by %s: %zu messages saved, QUIT was not sent, so "
			 "nothing was deleted\n",
			 saved),
		batch_signal_name(signo), saved);
	return 128 + signo;
}

/* finish: QUIT (unless the link is gone), the deletion report, the status;
 * *end says why QUIT was not confirmed ("" when it was; caller frees). */
static int finish(pop3_t *pop3, mailbox_t *mailbox, bool delete, int status, char **end)
{
	char *why;
	if (pop3_is_ready(pop3)) {
		batch_quit(pop3, mailbox, &why);
	} else {
		gate_connection_lost(mailbox);
		why = xstrdup(pop3_errstr(pop3));
	}
	*end = why;
	if (batch_interrupted() && mailbox_quit_state(mailbox) != QUIT_CONFIRMED &&
	    !mailbox_count_state(mailbox, MSG_DELETE_UNCERTAIN))
		return interrupted(mailbox, batch_interrupted());
	report_deleted_lines(mailbox, stdout);
	report_outcome_t outcome = report_outcome(mailbox);
	bool failed = mailbox_quit_state(mailbox) != QUIT_CONFIRMED;
	if (failed && *why && outcome != OUTCOME_UNCERTAIN)
		fprintf(stderr, "popscope: %s\n", why);
	if (outcome == OUTCOME_UNCERTAIN || (failed && delete)) {
		char *text = report_outcome_text(mailbox, *why ? why : NULL);
		fprintf(stderr, "popscope: %s\n", text);
		free(text);
	}
	if (outcome == OUTCOME_UNCERTAIN)
		return EXIT_TEMPFAIL;
	if (status == 0 && failed) {
		status = exitcode_for_engine(pop3);
		if (status == 0)
			status = EXIT_UNAVAILABLE;
	}
	return status;
}

int batch_save(const cli_options_t *options, const pop3_config_t *config, trace_t *trace,
	       bool delete)
{
	batch_signals_install();
	pop3_t *pop3 = pop3_new(config, trace);
	mailbox_t *mailbox = mailbox_new();
	int status = batch_open(pop3, mailbox);
	if (status != 0) {
		status = batch_write_report(options, config, pop3, NULL, NULL, status);
		mailbox_free(mailbox);
		pop3_free(pop3);
		return status;
	}
	char *problem = NULL;
	status = batch_load(pop3, &problem);
	job_t *jobs = xcalloc(mailbox_count(mailbox) + 1, sizeof *jobs);
	size_t count = 0;
	if (status == 0 && resolve(options, mailbox, jobs, &count) < 0)
		status = EXIT_DATAERR;
	store_batch_t *batch = NULL;
	if (status == 0) {
		/* Without a batch (the directory cannot be opened) each save syncs
		 * itself, and says why it failed. */
		char *errstr = NULL;
		batch = store_batch_begin(options->to_dir, &errstr);
		free(errstr);
		for (size_t i = 0; i < count; i++) {
			jobs[i].mailbox = mailbox;
			jobs[i].dir = options->to_dir;
			jobs[i].batch = batch;
			jobs[i].accept_line_ends = options->accept_line_end_count;
			jobs[i].digest = options->report_file != NULL;
		}
		save_all(pop3, mailbox, jobs, count);
		if (sync_saves(batch, mailbox, jobs, count) != 0)
			status = EXIT_IOERR;
		else if (delete &&!batch_interrupted() && pop3_is_ready(pop3))
			delete_saved(pop3, mailbox, jobs, count);
	} else if (status > 0 && problem) {
		/* A missing message was named by resolve() itself. */
		fprintf(stderr, "popscope: %s\n", problem);
	}
	for (size_t i = 0; i < count; i++) {
		if (jobs[i].file)
			store_abort(jobs[i].file);
		jobs[i].file = NULL;
		buf_free(&jobs[i].head);
	}
	store_batch_end(batch);
	if (batch_interrupted()) {
		gate_connection_lost(mailbox);
		status = interrupted(mailbox, batch_interrupted());
		free(problem);
		problem = xasprintf(_("interrupted by %s"), batch_signal_name(batch_interrupted()));
	} else {
		for (size_t i = 0; i < count; i++) {
			if (!jobs[i].error)
				continue;
			fprintf(stderr, "popscope: %s\n", jobs[i].error);
			if (status == 0)
				status = jobs[i].error_status;
		}
		if (status >= 0) {
			char *end = NULL;
			status = finish(pop3, mailbox, delete, status, &end);
			if (*end) {
				free(problem);
				problem = end;
			} else {
				free(end);
			}
		} else {
			status = batch_report_failure(pop3);
		}
	}
	status = batch_write_report(options, config, pop3, mailbox, problem, status);
	free(problem);
	for (size_t i = 0; i < count; i++)
		free(jobs[i].error);
	free(jobs);
	mailbox_free(mailbox);
	pop3_free(pop3);
	return status;
}
