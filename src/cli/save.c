/* save.c: --save and --delete. Each message: LIST n (its size), UIDL n,
 * TOP n 0 (date and subject for the file name), RETR n streamed into a
 * store file and verified. --delete then sends DELE only for messages
 * whose save was verified, and QUIT commits. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/batch.h"
#include "cli/exitcode.h"
#include "mime.h"
#include "store.h"
#include "util/gettext.h"
#include "util/numparse.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

#define HEADER_COLLECT_LIMIT (256u * 1024)

typedef struct {
	uint64_t number;
	const char *dir;
	bool exists;   /* LIST n said +OK */
	uint64_t size; /* from LIST n */
	char *uidl;
	store_file_t *file; /* open while RETR streams */
	bool saved;         /* store_commit passed every check */
	bool deleted;       /* DELE answered +OK */
	char *path;
	uint64_t octets;
	char *error; /* why it was not saved (or not deleted) */
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

static void on_list(void *ctx, const pop3_reply_t *reply)
{
	job_t *job = ctx;
	if (reply->error != POP3_OK)
		return;
	if (!reply->ok) {
		job_refused(job, _("no such message"), reply);
		return;
	}
	uint64_t number;
	if (!pop3_parse_scan_line(reply->text, reply->text_len, POP3_MAX_MESSAGES, &number,
				  &job->size) ||
	    number != job->number) {
		job_fail(job, EXIT_PROTOCOL,
			 xasprintf(_("message %llu: the server's LIST reply is malformed"),
				   (unsigned long long)job->number));
		return;
	}
	job->exists = true;
}

static void on_uidl(void *ctx, const pop3_reply_t *reply)
{
	job_t *job = ctx;
	uint64_t number;
	const char *uid;
	size_t uid_len;
	if (reply->error == POP3_OK && reply->ok &&
	    pop3_parse_uidl_line(reply->text, reply->text_len, POP3_MAX_MESSAGES, &number, &uid,
				 &uid_len) &&
	    number == job->number)
		job->uidl = xstrndup(uid, uid_len);
}

static void open_file(job_t *job, const mime_summary_t *summary)
{
	if (!job->exists || job->error)
		return;
	char *name = store_default_name(summary ? summary->date : 0,
					summary ? summary->subject : NULL, job->uidl);
	char *errstr = NULL;
	job->file = store_begin_eml(job->dir, name, &errstr);
	free(name);
	if (!job->file)
		job_fail(job, EXIT_IOERR,
			 xasprintf(_("message %llu: %s"), (unsigned long long)job->number, errstr));
	free(errstr);
}

static void on_top(void *ctx, const pop3_reply_t *reply)
{
	job_t *job = ctx;
	if (reply->error != POP3_OK)
		return;
	mime_summary_t summary = {0};
	if (reply->ok)
		mime_summarize(reply->body, reply->body_len, &summary);
	open_file(job, reply->ok ? &summary : NULL);
	mime_summary_free(&summary);
}

static int retr_sink(void *ctx, const char *data, size_t len)
{
	job_t *job = ctx;
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
	if (!job->file)
		return; /* LIST or the file already failed; that error is recorded */
	if (reply->error == POP3_OK && !reply->ok) {
		store_abort(job->file);
		job->file = NULL;
		job_refused(job, _("RETR refused"), reply);
		return;
	}
	if (reply->bad_stuffing) {
		store_abort(job->file);
		job->file = NULL;
		job_fail(job, EXIT_PROTOCOL,
			 xasprintf(_("message %llu: the server sent a line starting with an "
				     "unstuffed \".\", so the content is ambiguous; not saved"),
				   (unsigned long long)job->number));
		return;
	}
	if (reply->error != POP3_OK) {
		store_abort(job->file);
		job->file = NULL;
		job_fail(job, reply->error == POP3_E_SINK ? EXIT_IOERR : EXIT_UNAVAILABLE,
			 xasprintf(_("message %llu: the transfer did not complete; not saved"),
				   (unsigned long long)job->number));
		return;
	}
	store_result_t result = {0};
	char *errstr = NULL;
	int rc = store_commit(job->file, reply->terminated, job->size, &result, &errstr);
	job->file = NULL;
	if (rc != 0) {
		job_fail(job, EXIT_DATAERR,
			 xasprintf(_("message %llu: %s"), (unsigned long long)job->number, errstr));
		free(errstr);
		return;
	}
	job->saved = true;
	job->path = xstrdup(result.path);
	job->octets = result.bytes_on_disk;
	store_result_free(&result);
	printf("saved %llu %s %llu\n", (unsigned long long)job->number, job->path,
	       (unsigned long long)job->octets);
	fflush(stdout);
}

static void on_dele(void *ctx, const pop3_reply_t *reply)
{
	job_t *job = ctx;
	if (reply->error != POP3_OK)
		return;
	if (reply->ok) {
		job->deleted = true;
		return;
	}
	job_refused(job, _("DELE refused"), reply);
}

static void submit(pop3_t *pop3, const char *line, size_t collect, pop3_sink_fn sink,
		   pop3_done_fn done, void *ctx)
{
	pop3_request_t request = {
	    .line = line, .collect_limit = collect, .sink = sink, .done = done, .ctx = ctx};
	pop3_submit(pop3, &request);
}

static void queue_save(pop3_t *pop3, job_t *job)
{
	char line[64];
	unsigned long long n = (unsigned long long)job->number;
	snprintf(line, sizeof line, "LIST %llu", n);
	submit(pop3, line, 0, NULL, on_list, job);
	snprintf(line, sizeof line, "UIDL %llu", n);
	submit(pop3, line, 0, NULL, on_uidl, job);
	snprintf(line, sizeof line, "TOP %llu 0", n);
	submit(pop3, line, HEADER_COLLECT_LIMIT, NULL, on_top, job);
	snprintf(line, sizeof line, "RETR %llu", n);
	submit(pop3, line, 0, retr_sink, on_retr, job);
}

/* A message number given twice is saved once. */
static bool seen_before(const cli_options_t *options, size_t index)
{
	for (size_t i = 0; i < index; i++)
		if (options->numbers[i] == options->numbers[index])
			return true;
	return false;
}

int batch_save(const cli_options_t *options, const pop3_config_t *config, trace_t *trace,
	       bool delete)
{
	pop3_t *pop3 = pop3_new(config, trace);
	int status = batch_open(pop3);
	if (status != 0) {
		pop3_free(pop3);
		return status;
	}
	size_t count = options->number_count;
	job_t *jobs = xcalloc(count, sizeof *jobs);
	for (size_t i = 0; i < count; i++) {
		jobs[i].number = options->numbers[i];
		jobs[i].dir = options->to_dir;
		if (seen_before(options, i))
			continue;
		/* TOP's completion opens the file, so RETR's body always has one. */
		queue_save(pop3, &jobs[i]);
	}
	batch_drain(pop3);

	bool alive = pop3_is_ready(pop3);
	if (delete &&alive) {
		for (size_t i = 0; i < count; i++) {
			if (!jobs[i].saved)
				continue; /* the save-before-delete gate */
			char line[64];
			snprintf(line, sizeof line, "DELE %llu",
				 (unsigned long long)jobs[i].number);
			submit(pop3, line, 0, NULL, on_dele, &jobs[i]);
		}
		batch_drain(pop3);
		alive = pop3_is_ready(pop3);
	}

	bool committed = alive && batch_quit(pop3);
	for (size_t i = 0; i < count; i++) {
		job_t *job = &jobs[i];
		if (job->error) {
			fprintf(stderr, "popscope: %s\n", job->error);
			if (status == 0)
				status = job->error_status;
		}
		if (delete &&job->deleted && committed)
			printf("deleted %llu\n", (unsigned long long)job->number);
	}
	if (!committed) {
		fprintf(stderr, "popscope: %s%s\n", pop3_errstr(pop3),
			delete ? _("; the session ended without QUIT, so nothing was deleted")
			       : "");
		if (status == 0)
			status = exitcode_for_engine(pop3);
		if (status == 0)
			status = EXIT_UNAVAILABLE;
	}
	for (size_t i = 0; i < count; i++) {
		if (jobs[i].file)
			store_abort(jobs[i].file);
		free(jobs[i].uidl);
		free(jobs[i].path);
		free(jobs[i].error);
	}
	free(jobs);
	pop3_free(pop3);
	return status;
}
