/* list.c: --list: LIST and UIDL into the mailbox model (the same policy as
 * the full-screen view), then pipelined TOP n 0 for the headers; one line
 * (or JSON object) per message. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/batch.h"
#include "cli/exitcode.h"
#include "util/gettext.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

/* Header block of one message; longer headers are cut for display. */
#define HEADER_COLLECT_LIMIT (256u * 1024)

typedef struct {
	mailbox_t *mailbox;
	/* Until LIST is in, TOP goes by number up to STAT's count (the
	 * numbers a fresh session has); then by row, skipping numbers asked. */
	uint64_t asked_up_to;
	size_t next_row;
	bool top_announced; /* CAPA lists TOP: a refused TOP is about one message */
	size_t answered;    /* TOPs answered +OK */
	bool no_top;        /* the first TOP answered was refused: the server has none */
} scan_t;

typedef struct {
	scan_t *scan;
	uint64_t number;
} top_request_t;

/* on_top: LIST's reply came before this one, so the rows are known; a
 * number LIST did not give is not a message of this listing. */
static void on_top(void *ctx, const pop3_reply_t *reply)
{
	top_request_t *request = ctx;
	scan_t *scan = request->scan;
	if (reply->error == POP3_OK && mailbox_find(scan->mailbox, request->number)) {
		if (reply->ok) {
			scan->answered++;
			mailbox_take_headers(scan->mailbox, request->number, reply->body,
					     reply->body_len);
		} else if (scan->top_announced || scan->answered) {
			mailbox_note_problems(scan->mailbox, request->number,
					      MAILBOX_PROBLEM_TOP_REFUSED);
		} else {
			scan->no_top = true;
		}
	}
	free(request);
}

/* next_number: the message whose TOP goes next, 0 when none is left. */
static uint64_t next_number(scan_t *scan, pop3_t *pop3)
{
	if (!mailbox_listed(scan->mailbox)) {
		if (scan->asked_up_to >= pop3_stat_count(pop3))
			return 0;
		return ++scan->asked_up_to;
	}
	while (scan->next_row < mailbox_count(scan->mailbox)) {
		uint64_t number = mailbox_at(scan->mailbox, scan->next_row++)->number;
		if (number > scan->asked_up_to)
			return number;
	}
	return 0;
}

/* feed_top: the engine has room for the next TOP n 0. It starts as the
 * session is ready, while UIDL and LIST may still be on their way, and is
 * attached again once LIST is in, for numbers beyond STAT's count. */
static bool feed_top(void *ctx, pop3_t *pop3)
{
	scan_t *scan = ctx;
	/* A server that refuses the first TOP has none (RFC 1939: optional). */
	if (scan->no_top)
		return false;
	uint64_t number = next_number(scan, pop3);
	if (!number)
		return false;
	top_request_t *request = xmalloc(sizeof *request);
	request->scan = scan;
	request->number = number;
	pop3_request_t top = {.verb = POP3_CMD_TOP,
			      .args = {request->number, 0},
			      .argc = 2,
			      .collect_limit = HEADER_COLLECT_LIMIT,
			      .done = on_top,
			      .ctx = request};
	return pop3_submit(pop3, &top) != 0;
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
	if (!raw || sanitize_is_plain(raw)) { /* most fields: no copy to make */
		fputs(raw ? raw : "", stdout);
		return;
	}
	char *text = sanitize_display(raw ? raw : "", raw ? strlen(raw) : 0, false, false);
	fputs(text, stdout);
	free(text);
}

static const char *uidl_status_name(mailbox_uidl_t status)
{
	switch (status) {
	case UIDL_OK: return "ok";
	case UIDL_MISSING: return "missing";
	case UIDL_DUPLICATE: return "duplicate";
	case UIDL_MALFORMED: return "malformed";
	case UIDL_UNKNOWN: break;
	}
	return "unknown";
}

static void print_rows(const mailbox_t *mailbox, bool json)
{
	if (json)
		fputs("[", stdout);
	size_t count = mailbox_count(mailbox);
	for (size_t i = 0; i < count; i++) {
		const mailbox_msg_t *msg = mailbox_at(mailbox, i);
		char date[32];
		format_date(msg->date, date, sizeof date);
		if (json) {
			printf("%s\n  {\"number\": %llu, \"size\": %llu, \"uidl\": ", i ? "," : "",
			       (unsigned long long)msg->number, (unsigned long long)msg->size);
			print_json_string(msg->uidl);
			printf(", \"uidl_status\": \"%s\", \"date\": ",
			       uidl_status_name(msg->uidl_status));
			print_json_string(date);
			fputs(", \"from\": ", stdout);
			print_json_string(msg->from);
			fputs(", \"from_address\": ", stdout);
			print_json_string(msg->from_address);
			fputs(", \"subject\": ", stdout);
			print_json_string(msg->subject);
			fputs(", \"problems\": [", stdout);
			char *codes = mailbox_problem_codes(mailbox_problems(msg), "\", \"");
			printf(*codes ? "\"%s\"]}" : "]}", codes);
			free(codes);
		} else {
			printf("%llu\t%llu\t", (unsigned long long)msg->number,
			       (unsigned long long)msg->size);
			print_tsv_field(msg->uidl);
			printf("\t%s\t", date);
			print_tsv_field(msg->from);
			putchar('\t');
			print_tsv_field(msg->subject);
			putchar('\t');
			print_tsv_field(msg->from_address);
			char *codes = mailbox_problem_codes(mailbox_problems(msg), ",");
			printf("\t%s\n", codes);
			free(codes);
		}
	}
	if (json)
		fputs(count ? "\n]\n" : "]\n", stdout);
}

int batch_list(const cli_options_t *options, const pop3_config_t *config, trace_t *trace)
{
	batch_signals_install();
	pop3_t *pop3 = pop3_new(config, trace);
	scan_t scan = {.mailbox = mailbox_new()};
	mailbox_set_big(scan.mailbox, options->big);
	int status = batch_open(pop3, scan.mailbox);
	if (status != 0) {
		status = batch_write_report(options, config, pop3, NULL, NULL, status);
		mailbox_free(scan.mailbox);
		pop3_free(pop3);
		return status;
	}
	const pop3_capa_t *capa = pop3_capa(pop3);
	bool has_top = !capa->known || capa->top;
	scan.top_announced = capa->known && capa->top;
	if (has_top)
		pop3_set_feeder(pop3, feed_top, &scan);
	char *problem = NULL;
	status = batch_load(pop3, &problem);
	if (status == 0 && has_top) {
		pop3_set_feeder(pop3, feed_top, &scan);
		batch_drain_quitting(pop3);
	}

	if (batch_interrupted()) {
		fprintf(stderr, _("popscope: interrupted by %s; nothing was changed\n"),
			batch_signal_name(batch_interrupted()));
		status = 128 + batch_interrupted();
	} else if (status < 0 || !batch_still_good(pop3)) {
		status = batch_report_failure(pop3);
	} else if (status > 0) {
		fprintf(stderr, "popscope: %s\n", problem);
		batch_quit(pop3, NULL, NULL);
	} else {
		if (scan.no_top || !has_top)
			fprintf(stderr, _("popscope: the server has no TOP command; "
					  "headers are not shown\n"));
		print_rows(scan.mailbox, options->json);
		if (problem) {
			/* The list is shown; the status says the server broke RFC 1939. */
			fprintf(stderr,
				_("popscope: %s; popscope will not delete the messages "
				  "concerned\n"),
				problem);
			status = EXIT_PROTOCOL;
		}
		batch_quit(pop3, NULL, NULL);
	}
	status = batch_write_report(options, config, pop3, scan.mailbox, problem, status);
	free(problem);
	mailbox_free(scan.mailbox);
	pop3_free(pop3);
	return status;
}
