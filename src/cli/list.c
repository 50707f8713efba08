/* list.c: --list: LIST, UIDL, then pipelined TOP n 0 for the headers; one
 * line (or JSON object) per message. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/batch.h"
#include "cli/exitcode.h"
#include "mime.h"
#include "pop3/reply.h"
#include "util/gettext.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

/* Bodies of LIST / UIDL for the largest mailbox we model. */
#define SCAN_COLLECT_LIMIT (256u * 1024 * 1024)
/* Header block of one message; longer headers are cut for display. */
#define HEADER_COLLECT_LIMIT (256u * 1024)

typedef struct {
	uint64_t number;
	uint64_t size;
	char *uidl;
	mime_summary_t summary;
	bool listed;
	bool have_headers;
} row_t;

typedef struct {
	row_t *rows;    /* index number-1 */
	uint64_t count; /* STAT count */
	bool failed;    /* LIST failed or was malformed */
	char *error;
	bool top_refused;
} mailbox_t;

typedef struct {
	mailbox_t *box;
	row_t *row;
} top_request_t;

/* for_each_line: call fn for each line of a collected body. */
static void for_each_line(const char *body, size_t len,
			  void (*fn)(mailbox_t *, const char *, size_t), mailbox_t *box)
{
	size_t start = 0;
	while (start < len) {
		const char *nl = memchr(body + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - body) : len;
		size_t line_len = end - start;
		if (line_len && body[start + line_len - 1] == '\r')
			line_len--;
		fn(box, body + start, line_len);
		start = end + 1;
	}
}

static void set_error(mailbox_t *box, char *message)
{
	if (!box->error)
		box->error = message;
	else
		free(message);
	box->failed = true;
}

static void take_list_line(mailbox_t *box, const char *line, size_t len)
{
	uint64_t number, size;
	if (!pop3_parse_scan_line(line, len, box->count, &number, &size)) {
		char *shown = sanitize_display(line, len, false, false);
		set_error(box, xasprintf(_("the server's LIST has a bad line: %s"), shown));
		free(shown);
		return;
	}
	row_t *row = &box->rows[number - 1];
	if (row->listed) {
		set_error(box, xasprintf(_("the server's LIST names message %llu twice"),
					 (unsigned long long)number));
		return;
	}
	row->listed = true;
	row->size = size;
}

static void take_uidl_line(mailbox_t *box, const char *line, size_t len)
{
	uint64_t number;
	const char *uid;
	size_t uid_len;
	if (!pop3_parse_uidl_line(line, len, box->count, &number, &uid, &uid_len)) {
		char *shown = sanitize_display(line, len, false, false);
		set_error(box, xasprintf(_("the server's UIDL has a bad line: %s"), shown));
		free(shown);
		return;
	}
	row_t *row = &box->rows[number - 1];
	if (row->uidl) {
		set_error(box, xasprintf(_("the server's UIDL names message %llu twice"),
					 (unsigned long long)number));
		return;
	}
	row->uidl = xstrndup(uid, uid_len);
}

static int compare_uidl(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* check_unique_uidls: RFC 1939 requires distinct UIDs; messages are matched by them. */
static void check_unique_uidls(mailbox_t *box)
{
	char **uids = xcalloc(box->count ? box->count : 1, sizeof *uids);
	size_t n = 0;
	for (uint64_t i = 0; i < box->count; i++)
		if (box->rows[i].uidl)
			uids[n++] = box->rows[i].uidl;
	qsort(uids, n, sizeof *uids, compare_uidl);
	for (size_t i = 1; i < n; i++)
		if (strcmp(uids[i - 1], uids[i]) == 0) {
			char *shown = sanitize_display(uids[i], strlen(uids[i]), false, false);
			set_error(box, xasprintf(_("the server's UIDL gives two messages the same "
						   "id %s"),
						 shown));
			free(shown);
			break;
		}
	free(uids);
}

/* check_list_complete: every message STAT counted must be in LIST. */
static void check_list_complete(mailbox_t *box)
{
	uint64_t listed = 0;
	for (uint64_t i = 0; i < box->count; i++)
		listed += box->rows[i].listed;
	if (listed != box->count)
		set_error(box,
			  xasprintf(_("the server's LIST names %llu messages but STAT "
				      "said %llu"),
				    (unsigned long long)listed, (unsigned long long)box->count));
}

static void on_list(void *ctx, const pop3_reply_t *reply)
{
	mailbox_t *box = ctx;
	if (reply->error != POP3_OK)
		return;
	if (!reply->ok || reply->body_truncated) {
		set_error(box, xstrdup(_("the server did not give the message list (LIST)")));
		return;
	}
	for_each_line(reply->body, reply->body_len, take_list_line, box);
	if (!box->failed)
		check_list_complete(box);
}

static void on_uidl(void *ctx, const pop3_reply_t *reply)
{
	mailbox_t *box = ctx;
	if (reply->error != POP3_OK || !reply->ok)
		return;
	for_each_line(reply->body, reply->body_len, take_uidl_line, box);
	if (!box->failed)
		check_unique_uidls(box);
}

static void on_top(void *ctx, const pop3_reply_t *reply)
{
	top_request_t *request = ctx;
	if (reply->error == POP3_OK && reply->ok) {
		mime_summarize(reply->body, reply->body_len, &request->row->summary);
		request->row->have_headers = true;
	} else if (reply->error == POP3_OK) {
		request->box->top_refused = true;
	}
	free(request);
}

static void submit_collect(pop3_t *pop3, const char *line, size_t limit, pop3_done_fn done,
			   void *ctx)
{
	pop3_request_t request = {.line = line, .collect_limit = limit, .done = done, .ctx = ctx};
	pop3_submit(pop3, &request);
}

static void format_date(long long date, char *buf, size_t size)
{
	buf[0] = '\0';
	if (date == 0)
		return;
	time_t t = (time_t)date;
	struct tm tm;
	if (gmtime_r(&t, &tm))
		strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void print_json_string(const char *raw)
{
	char *text = sanitize_display(raw ? raw : "", raw ? strlen(raw) : 0, false, false);
	putchar('"');
	for (const char *p = text; *p; p++) {
		if (*p == '"' || *p == '\\')
			putchar('\\');
		putchar(*p);
	}
	putchar('"');
	free(text);
}

static void print_tsv_field(const char *raw)
{
	char *text = sanitize_display(raw ? raw : "", raw ? strlen(raw) : 0, false, false);
	fputs(text, stdout);
	free(text);
}

static void print_rows(const mailbox_t *box, bool json)
{
	if (json)
		fputs("[", stdout);
	bool first = true;
	for (uint64_t i = 0; i < box->count; i++) {
		const row_t *row = &box->rows[i];
		if (!row->listed)
			continue;
		char date[32];
		format_date(row->summary.date, date, sizeof date);
		if (json) {
			printf(
			    "%s\n  {\"number\": %llu, \"size\": %llu, \"uidl\": ", first ? "" : ",",
			    (unsigned long long)row->number, (unsigned long long)row->size);
			print_json_string(row->uidl);
			fputs(", \"date\": ", stdout);
			print_json_string(date);
			fputs(", \"from\": ", stdout);
			print_json_string(row->summary.from);
			fputs(", \"subject\": ", stdout);
			print_json_string(row->summary.subject);
			fputs("}", stdout);
		} else {
			printf("%llu\t%llu\t%s\t%s\t", (unsigned long long)row->number,
			       (unsigned long long)row->size, row->uidl ? row->uidl : "", date);
			print_tsv_field(row->summary.from);
			putchar('\t');
			print_tsv_field(row->summary.subject);
			putchar('\n');
		}
		first = false;
	}
	if (json)
		fputs(first ? "]\n" : "\n]\n", stdout);
}

static void free_rows(mailbox_t *box)
{
	for (uint64_t i = 0; i < box->count; i++) {
		free(box->rows[i].uidl);
		mime_summary_free(&box->rows[i].summary);
	}
	free(box->rows);
	free(box->error);
}

int batch_list(const cli_options_t *options, const pop3_config_t *config, trace_t *trace)
{
	pop3_t *pop3 = pop3_new(config, trace);
	int status = batch_open(pop3);
	if (status != 0) {
		pop3_free(pop3);
		return status;
	}
	mailbox_t box = {.count = pop3_stat_count(pop3)};
	box.rows = xcalloc(box.count ? box.count : 1, sizeof *box.rows);
	for (uint64_t i = 0; i < box.count; i++)
		box.rows[i].number = i + 1;

	const pop3_capa_t *capa = pop3_capa(pop3);
	submit_collect(pop3, "LIST", SCAN_COLLECT_LIMIT, on_list, &box);
	if (!capa->known || capa->uidl)
		submit_collect(pop3, "UIDL", SCAN_COLLECT_LIMIT, on_uidl, &box);
	batch_drain(pop3);

	if (!box.failed && (!capa->known || capa->top)) {
		for (uint64_t i = 0; i < box.count; i++) {
			if (!box.rows[i].listed)
				continue;
			top_request_t *request = xmalloc(sizeof *request);
			request->box = &box;
			request->row = &box.rows[i];
			char line[64];
			snprintf(line, sizeof line, "TOP %llu 0",
				 (unsigned long long)box.rows[i].number);
			submit_collect(pop3, line, HEADER_COLLECT_LIMIT, on_top, request);
		}
		batch_drain(pop3);
	}

	if (!pop3_is_running(pop3) && !pop3_is_ready(pop3)) {
		status = batch_report_failure(pop3);
	} else if (box.failed) {
		fprintf(stderr, "popscope: %s\n", box.error);
		status = EXIT_PROTOCOL;
		batch_quit(pop3);
	} else {
		if (box.top_refused || (capa->known && !capa->top))
			fprintf(stderr, _("popscope: the server has no TOP command; "
					  "headers are not shown\n"));
		print_rows(&box, options->json);
		batch_quit(pop3);
	}
	free_rows(&box);
	pop3_free(pop3);
	return status;
}
