/* mailbox.c: the rows of one connection, the LIST/UIDL policy, the ledgers
 * of verified saves and of deletions whose end is known, and the
 * carry-over of saves across connections. The save/delete state itself
 * changes only in gate.c. */
#include <config.h>

#include "mailbox.h"

#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "mailbox_internal.h"
#include "pop3/reply.h"
#include "util/buf.h"
#include "util/fold.h"
#include "util/gettext.h"
#include "util/numparse.h"
#include "util/sanitize.h"
#include "util/strpool.h"
#include "util/xalloc.h"

mailbox_t *mailbox_new(void)
{
	mailbox_t *mailbox = xcalloc(1, sizeof(mailbox_t));
	mailbox->big = MAILBOX_BIG_DEFAULT;
	mailbox->strings = strpool_new();
	return mailbox;
}

static unsigned big_bit(const mailbox_t *mailbox, uint64_t size)
{
	return mailbox->big && size > mailbox->big ? MAILBOX_PROBLEM_BIG : 0;
}

void mailbox_set_big(mailbox_t *mailbox, uint64_t octets)
{
	mailbox->big = octets;
	mailbox->keys_epoch++;
	for (size_t i = 0; i < mailbox->count; i++) {
		mailbox_msg_t *msg = &mailbox->msgs[i];
		msg->problems =
		    (msg->problems & ~MAILBOX_PROBLEM_BIG) | big_bit(mailbox, msg->size);
	}
}

/* by_text: the order of mailbox_sorted: the text, then the number (rows
 * are in number order, so the index orders as the number does). */
static int by_text(const char *x, const char *y, uint32_t a, uint32_t b)
{
	int c = fold_cmp(x, y);
	return c ? c : a < b ? -1 : a > b;
}

static int by_from(uint32_t a, uint32_t b, const void *ctx)
{
	const mailbox_t *mailbox = ctx;
	return by_text(mailbox->msgs[a].from, mailbox->msgs[b].from, a, b);
}

static int by_subject(uint32_t a, uint32_t b, const void *ctx)
{
	const mailbox_t *mailbox = ctx;
	return by_text(mailbox->msgs[a].subject, mailbox->msgs[b].subject, a, b);
}

/* order_rebuild: new rows, none with headers yet: in number order. */
static void order_rebuild(mailbox_t *mailbox)
{
	if (!mailbox->by_from)
		return;
	ordset_clear(mailbox->by_from);
	ordset_clear(mailbox->by_subject);
	for (size_t i = 0; i < mailbox->count; i++) {
		ordset_insert(mailbox->by_from, (uint32_t)i);
		ordset_insert(mailbox->by_subject, (uint32_t)i);
	}
}

/* order_forget / order_note: before and after a row's sender or subject
 * changes. */
static void order_forget(mailbox_t *mailbox, const mailbox_msg_t *msg)
{
	if (!mailbox->by_from)
		return;
	ordset_remove(mailbox->by_from, (uint32_t)(msg - mailbox->msgs));
	ordset_remove(mailbox->by_subject, (uint32_t)(msg - mailbox->msgs));
}

static void order_note(mailbox_t *mailbox, const mailbox_msg_t *msg)
{
	if (!mailbox->by_from)
		return;
	ordset_insert(mailbox->by_from, (uint32_t)(msg - mailbox->msgs));
	ordset_insert(mailbox->by_subject, (uint32_t)(msg - mailbox->msgs));
}

void mailbox_keep_order(mailbox_t *mailbox)
{
	if (mailbox->by_from)
		return;
	mailbox->by_from = ordset_new(by_from, mailbox);
	mailbox->by_subject = ordset_new(by_subject, mailbox);
	for (size_t i = 0; i < mailbox->count; i++)
		order_note(mailbox, &mailbox->msgs[i]);
}

void mailbox_sorted(const mailbox_t *mailbox, mailbox_order_t by, uint32_t *out)
{
	if (!mailbox->by_from) {
		for (size_t i = 0; i < mailbox->count; i++)
			out[i] = (uint32_t)i;
		return;
	}
	ordset_copy(by == MAILBOX_BY_FROM ? mailbox->by_from : mailbox->by_subject, out);
}

/* msg_clear: the row's own strings; those in the pool go with it. */
static void msg_clear(mailbox_msg_t *msg)
{
	free(msg->saved_path);
	free(msg->error);
	free(msg->note);
	memset(msg, 0, sizeof *msg);
}

static void rows_free(mailbox_msg_t *msgs, size_t count)
{
	for (size_t i = 0; i < count; i++)
		msg_clear(&msgs[i]);
	free(msgs);
}

void mailbox_free(mailbox_t *mailbox)
{
	if (!mailbox)
		return;
	rows_free(mailbox->msgs, mailbox->count);
	rows_free(mailbox->previous, mailbox->previous_count);
	strpool_free(mailbox->strings);
	ordset_free(mailbox->by_from);
	ordset_free(mailbox->by_subject);
	for (size_t i = 0; i < mailbox->save_count; i++) {
		free(mailbox->saves[i].uidl);
		free(mailbox->saves[i].path);
		free(mailbox->saves[i].note);
		free(mailbox->saves[i].sha256);
		mailbox_summary_clear(&mailbox->saves[i].summary);
	}
	free(mailbox->saves);
	for (size_t i = 0; i < mailbox->deletion_count; i++) {
		free(mailbox->deletions[i].uidl);
		free(mailbox->deletions[i].saved_path);
		mailbox_summary_clear(&mailbox->deletions[i].summary);
	}
	free(mailbox->deletions);
	free(mailbox);
}

void mailbox_begin_connection(mailbox_t *mailbox)
{
	mailbox->connection++;
	mailbox->online = false;
	mailbox->listed = false;
	mailbox->identified = false;
	mailbox->quit = QUIT_NOT_SENT;
}

unsigned mailbox_connection(const mailbox_t *mailbox)
{
	return mailbox->connection;
}

void mailbox_set_online(mailbox_t *mailbox, bool online)
{
	mailbox->online = online;
}

bool mailbox_online(const mailbox_t *mailbox)
{
	return mailbox->online && mailbox->quit == QUIT_NOT_SENT;
}

/* ---- LIST ---- */

/* next_line: the line at *pos of body (without CR LF); false at the end. */
static bool next_line(const char *body, size_t len, size_t *pos, const char **line,
		      size_t *line_len)
{
	if (*pos >= len)
		return false;
	const char *start = body + *pos;
	const char *nl = memchr(start, '\n', len - *pos);
	size_t n = nl ? (size_t)(nl - start) : len - *pos;
	*pos += n + (nl ? 1 : 0);
	if (n && start[n - 1] == '\r')
		n--;
	*line = start;
	*line_len = n;
	return true;
}

static int list_error(mailbox_msg_t *rows, size_t count, char **errstr, char *why)
{
	rows_free(rows, count);
	*errstr = why;
	return -1;
}

int mailbox_take_list(mailbox_t *mailbox, const char *body, size_t len, uint64_t stat_count,
		      char **errstr)
{
	uint64_t max =
	    stat_count && stat_count <= POP3_MAX_MESSAGES ? stat_count : POP3_MAX_MESSAGES;
	mailbox_msg_t *rows = NULL;
	size_t count = 0, cap = 0, pos = 0;
	const char *line;
	size_t line_len;
	bool sorted = true;
	while (next_line(body, len, &pos, &line, &line_len)) {
		uint64_t number, size;
		if (!pop3_parse_scan_line(line, line_len, max, &number, &size)) {
			char *shown = sanitize_display(line, line_len, false, false);
			char *why = xasprintf(_("the server's LIST has a bad line: %s"), shown);
			free(shown);
			return list_error(rows, count, errstr, why);
		}
		if (count == cap) {
			/* STAT's count first: one allocation, no copy, for a
			 * server that keeps its word. */
			cap = cap ? cap * 2 : (stat_count && stat_count <= max ? stat_count : 256);
			rows = xreallocarray(rows, cap, sizeof *rows);
		}
		memset(&rows[count], 0, sizeof *rows);
		rows[count].number = number;
		rows[count].size = size;
		rows[count].problems = big_bit(mailbox, size);
		if (count && rows[count - 1].number >= number)
			sorted = false;
		count++;
	}
	if (!sorted)
		qsort(rows, count, sizeof *rows, mailbox_cmp_number);
	for (size_t i = 1; i < count; i++)
		if (rows[i].number == rows[i - 1].number)
			return list_error(rows, count, errstr,
					  xasprintf(_("the server's LIST names message %llu twice"),
						    (unsigned long long)rows[i].number));
	if (stat_count && count != stat_count)
		return list_error(rows, count, errstr,
				  xasprintf(ngettext("the server's LIST names %zu message but "
						     "STAT said %llu",
						     "the server's LIST names %zu messages but "
						     "STAT said %llu",
						     count),
					    count, (unsigned long long)stat_count));
	rows_free(mailbox->previous, mailbox->previous_count);
	mailbox->previous = mailbox->msgs;
	mailbox->previous_count = mailbox->count;
	mailbox->msgs = rows;
	mailbox->count = count;
	mailbox->keys_epoch++;
	mailbox->headers_known = 0;
	mailbox->octets = 0;
	for (size_t i = 0; i < count; i++)
		mailbox->octets += rows[i].size;
	memset(mailbox->state_count, 0, sizeof mailbox->state_count);
	mailbox->state_count[MSG_LISTED] = count;
	order_rebuild(mailbox);
	mailbox->listed = true;
	mailbox->identified = false;
	return 0;
}

bool mailbox_listed(const mailbox_t *mailbox)
{
	return mailbox->listed;
}

bool mailbox_identified(const mailbox_t *mailbox)
{
	return mailbox->identified;
}

/* ---- lookup ---- */

int mailbox_cmp_number(const void *a, const void *b)
{
	uint64_t x = ((const mailbox_msg_t *)a)->number, y = ((const mailbox_msg_t *)b)->number;
	return x < y ? -1 : x > y;
}

mailbox_msg_t *mailbox_lookup(const mailbox_t *mailbox, uint64_t number)
{
	if (!mailbox->count)
		return NULL;
	mailbox_msg_t key = {.number = number};
	return bsearch(&key, mailbox->msgs, mailbox->count, sizeof key, mailbox_cmp_number);
}

const mailbox_msg_t *mailbox_find(const mailbox_t *mailbox, uint64_t number)
{
	return mailbox_lookup(mailbox, number);
}

bool mailbox_index_of(const mailbox_t *mailbox, uint64_t number, size_t *index)
{
	const mailbox_msg_t *msg = mailbox_lookup(mailbox, number);
	if (!msg)
		return false;
	*index = (size_t)(msg - mailbox->msgs);
	return true;
}

size_t mailbox_count(const mailbox_t *mailbox)
{
	return mailbox->count;
}

const mailbox_msg_t *mailbox_at(const mailbox_t *mailbox, size_t index)
{
	return index < mailbox->count ? &mailbox->msgs[index] : NULL;
}

const mailbox_msg_t *mailbox_find_uidl(const mailbox_t *mailbox, const char *uidl, char **why)
{
	const mailbox_msg_t *found = NULL;
	size_t hits = 0;
	for (size_t i = 0; i < mailbox->count; i++) {
		const mailbox_msg_t *msg = &mailbox->msgs[i];
		if (msg->uidl && strcmp(msg->uidl, uidl) == 0) {
			found = msg;
			hits++;
		}
	}
	if (hits == 1 && found->uidl_status == UIDL_OK)
		return found;
	char *shown = sanitize_display(uidl, strlen(uidl), false, false);
	if (hits == 0)
		*why = xasprintf(_("no message has the UIDL %s"), shown);
	else
		*why = xasprintf(_("the UIDL %s is not unique on the server"), shown);
	free(shown);
	return NULL;
}

uint64_t mailbox_total_octets(const mailbox_t *mailbox)
{
	return mailbox->octets;
}

size_t mailbox_count_state(const mailbox_t *mailbox, msg_state_t state)
{
	return state < MSG_STATES ? mailbox->state_count[state] : 0;
}

/* ---- UIDL ---- */

/* note_problem: count one and keep the first description. */
static void note_problem(size_t *problems, char **first, char *text)
{
	(*problems)++;
	if (first && !*first)
		*first = text;
	else
		free(text);
}

static void take_uidl_line(mailbox_t *mailbox, const char *line, size_t len, size_t *problems,
			   char **first)
{
	uint64_t number;
	const char *uid;
	size_t uid_len;
	uint64_t max = POP3_MAX_MESSAGES;
	if (pop3_parse_uidl_line(line, len, max, &number, &uid, &uid_len)) {
		mailbox_msg_t *msg = mailbox_lookup(mailbox, number);
		if (!msg) {
			note_problem(problems, first,
				     xasprintf(_("the server's UIDL names message %llu, which LIST "
						 "does not have"),
					       (unsigned long long)number));
		} else if (msg->uidl_status != UIDL_UNKNOWN) {
			msg->uidl = NULL;
			msg->uidl_status = UIDL_MALFORMED;
			note_problem(problems, first,
				     xasprintf(_("the server's UIDL names message %llu twice"),
					       (unsigned long long)number));
		} else {
			msg->uidl = strpool_add(mailbox->strings, uid, uid_len);
			msg->uidl_status = UIDL_OK;
		}
		return;
	}
	/* A bad id for a number we know makes that message's identity unknown. */
	size_t digits = 0;
	while (digits < len && line[digits] >= '0' && line[digits] <= '9')
		digits++;
	mailbox_msg_t *msg = NULL;
	if (digits < len && line[digits] == ' ' && parse_u64(line, digits, max, &number))
		msg = mailbox_lookup(mailbox, number);
	if (msg) {
		msg->uidl = NULL;
		msg->uidl_status = UIDL_MALFORMED;
	}
	char *shown = sanitize_display(line, len, false, false);
	note_problem(problems, first, xasprintf(_("the server's UIDL has a bad line: %s"), shown));
	free(shown);
}

static int cmp_by_uidl(const void *a, const void *b)
{
	const mailbox_msg_t *x = *(mailbox_msg_t *const *)a, *y = *(mailbox_msg_t *const *)b;
	return strcmp(x->uidl, y->uidl);
}

/* mark_duplicates: RFC 1939 requires distinct ids; a shared one identifies
 * neither message. */
static void mark_duplicates(mailbox_msg_t *msgs, size_t count, size_t *problems, char **first)
{
	mailbox_msg_t **by_uidl = xreallocarray(NULL, count ? count : 1, sizeof *by_uidl);
	size_t n = 0;
	for (size_t i = 0; i < count; i++)
		if (msgs[i].uidl)
			by_uidl[n++] = &msgs[i];
	qsort(by_uidl, n, sizeof *by_uidl, cmp_by_uidl);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(by_uidl[i - 1]->uidl, by_uidl[i]->uidl) != 0)
			continue;
		if (problems && by_uidl[i - 1]->uidl_status != UIDL_DUPLICATE) {
			char *shown = sanitize_display(by_uidl[i]->uidl, strlen(by_uidl[i]->uidl),
						       false, false);
			note_problem(problems, first,
				     xasprintf(_("the server's UIDL gives two messages the same "
						 "id %s"),
					       shown));
			free(shown);
		}
		by_uidl[i - 1]->uidl_status = UIDL_DUPLICATE;
		by_uidl[i]->uidl_status = UIDL_DUPLICATE;
	}
	free(by_uidl);
}

/* compact_strings: a new connection's rows took the strings they keep from
 * the last one's; a new pool with only those drops the rest (the last
 * connection's UIDLs and the headers of messages gone since). */
static void compact_strings(mailbox_t *mailbox)
{
	strpool_t *pool = strpool_new();
	for (size_t i = 0; i < mailbox->count; i++) {
		mailbox_msg_t *msg = &mailbox->msgs[i];
		msg->uidl = strpool_add_str(pool, msg->uidl);
		msg->from = strpool_add_str(pool, msg->from);
		msg->from_address = strpool_add_str(pool, msg->from_address);
		msg->subject = strpool_add_str(pool, msg->subject);
	}
	strpool_free(mailbox->strings);
	mailbox->strings = pool;
}

/* keep_headers: a message of the previous connection with the same unique
 * UIDL and size is the same message: its header summary need not be
 * fetched again. */
static void keep_headers(mailbox_t *mailbox)
{
	mark_duplicates(mailbox->previous, mailbox->previous_count, NULL, NULL);
	for (size_t i = 0; i < mailbox->count; i++) {
		mailbox_msg_t *msg = &mailbox->msgs[i];
		if (msg->uidl_status != UIDL_OK)
			continue;
		for (size_t j = 0; j < mailbox->previous_count; j++) {
			mailbox_msg_t *old = &mailbox->previous[j];
			if (old->uidl_status != UIDL_OK || !old->headers ||
			    old->size != msg->size || strcmp(old->uidl, msg->uidl) != 0)
				continue;
			order_forget(mailbox, msg);
			msg->headers = msg->headers_asked = true;
			msg->from = old->from;
			msg->from_address = old->from_address;
			msg->subject = old->subject;
			order_note(mailbox, msg);
			msg->problems |= old->problems & ~MAILBOX_PROBLEM_BIG;
			msg->date = old->date;
			mailbox->headers_known++;
			break;
		}
	}
	mailbox->keys_epoch++; /* dates and problems came back */
	rows_free(mailbox->previous, mailbox->previous_count);
	mailbox->previous = NULL;
	mailbox->previous_count = 0;
}

size_t mailbox_take_uidl(mailbox_t *mailbox, const char *body, size_t len, char **first_problem)
{
	size_t problems = 0;
	if (first_problem)
		*first_problem = NULL;
	if (body) {
		size_t pos = 0;
		const char *line;
		size_t line_len;
		while (next_line(body, len, &pos, &line, &line_len))
			take_uidl_line(mailbox, line, line_len, &problems, first_problem);
		mark_duplicates(mailbox->msgs, mailbox->count, &problems, first_problem);
	}
	for (size_t i = 0; i < mailbox->count; i++) {
		if (mailbox->msgs[i].uidl_status != UIDL_UNKNOWN)
			continue;
		mailbox->msgs[i].uidl_status = UIDL_MISSING;
		if (body)
			note_problem(&problems, first_problem,
				     xasprintf(_("the server's UIDL has no line for message %llu"),
					       (unsigned long long)mailbox->msgs[i].number));
	}
	keep_headers(mailbox);
	gate_carry_over(mailbox);
	if (mailbox->connection > 1)
		compact_strings(mailbox);
	mailbox->identified = true;
	return problems;
}

/* ---- headers ---- */

/* The bits mime_summarize finds in a header block. */
#define HEADER_PROBLEMS                                                                            \
	(MIME_PROBLEM_NO_DATE | MIME_PROBLEM_DUP_DATE | MIME_PROBLEM_NO_FROM |                     \
	 MIME_PROBLEM_DUP_FROM | MIME_PROBLEM_NUL | MIME_PROBLEM_8BIT | MIME_PROBLEM_LONG_LINE |   \
	 MIME_PROBLEM_HUGE)

void mailbox_take_headers(mailbox_t *mailbox, uint64_t number, const char *data, size_t len)
{
	mailbox_msg_t *msg = mailbox_lookup(mailbox, number);
	if (!msg)
		return;
	if (data) {
		mime_summary_t sum = {0};
		mime_summarize(data, len, &sum);
		strpool_t *pool = mailbox->strings;
		order_forget(mailbox, msg);
		msg->from_address = strpool_add_str(pool, sum.from_address);
		msg->from = sum.from ? strpool_add_str(pool, sum.from) : msg->from_address;
		msg->subject = strpool_add_str(pool, sum.subject);
		msg->date = sum.date;
		/* A new header block replaces what the last one broke. */
		msg->problems = (msg->problems & ~(HEADER_PROBLEMS | MAILBOX_PROBLEM_TOP_REFUSED)) |
				sum.problems;
		mime_summary_free(&sum);
		order_note(mailbox, msg);
		mailbox->keys_epoch++;
	}
	if (!msg->headers)
		mailbox->headers_known++;
	msg->headers = msg->headers_asked = true;
}

bool mailbox_note_problems(mailbox_t *mailbox, uint64_t number, unsigned problems)
{
	mailbox_msg_t *msg = mailbox_lookup(mailbox, number);
	if (!msg || (msg->problems & problems) == problems)
		return false;
	msg->problems |= problems;
	mailbox->keys_epoch++;
	return true;
}

void mailbox_mark_headers_asked(mailbox_t *mailbox, size_t index, bool asked)
{
	if (index < mailbox->count && !mailbox->msgs[index].headers)
		mailbox->msgs[index].headers_asked = asked;
}

size_t mailbox_headers_known(const mailbox_t *mailbox)
{
	return mailbox->headers_known;
}

unsigned long mailbox_keys_epoch(const mailbox_t *mailbox)
{
	return mailbox->keys_epoch;
}

/* ---- sizes ---- */

/* A server that counts a stored LF line end as one octet and also ends a
 * last line its copy left open (Twisted) sends one CRLF per received line:
 * lines - 1 of them were stored as one octet each, the last was not stored
 * at all. That is listed + (lines - 1) + 2 octets. */
static bool open_last_line_counted_as_one(uint64_t listed, uint64_t received, uint64_t lines)
{
	return lines > 1 && received > listed && received - listed == lines + 1;
}

mailbox_size_t mailbox_judge_size(uint64_t listed, uint64_t received, uint64_t lines)
{
	if (received == listed)
		return SIZE_AS_LISTED;
	if (received == listed + 2)
		return SIZE_FINAL_LINE_END;
	if (lines && received > listed && received - listed == lines)
		return SIZE_LINE_ENDS_AS_ONE;
	if (open_last_line_counted_as_one(listed, received, lines))
		return SIZE_LINE_ENDS_AS_ONE;
	return SIZE_DIFFERENT;
}

char *mailbox_size_note(mailbox_size_t verdict, uint64_t listed, uint64_t received, uint64_t lines)
{
	unsigned long long l = (unsigned long long)listed, r = (unsigned long long)received;
	unsigned long long more = (unsigned long long)(received - listed);
	switch (verdict) {
	case SIZE_FINAL_LINE_END:
		return xasprintf(
		    ngettext("LIST said %llu octet and %llu arrived: the server ended a last "
			     "line that its copy left open, so the copy is complete",
			     "LIST said %llu octets and %llu arrived: the server ended a last "
			     "line that its copy left open, so the copy is complete",
			     l),
		    l, r);
	case SIZE_LINE_ENDS_AS_ONE:
		if (open_last_line_counted_as_one(listed, received, lines))
			return xasprintf(
			    /* TRANSLATORS: %3$llu octets more = %5$llu line ends + 2. */
			    _("LIST said %1$llu octets and %2$llu arrived, %3$llu more: the "
			      "server counts a line end as one octet (one more for each of the "
			      "%5$llu line ends it stored) and ended the last of its %4$llu "
			      "lines, which its copy left open (2 more)"),
			    l, r, more, (unsigned long long)lines, (unsigned long long)(lines - 1));
		return xasprintf(
		    ngettext("LIST said %llu octet and %llu arrived, %llu more, one for each "
			     "of its %llu lines: the server counts a line end as one octet",
			     "LIST said %llu octets and %llu arrived, %llu more, one for each "
			     "of its %llu lines: the server counts a line end as one octet",
			     l),
		    l, r, more, (unsigned long long)lines);
	case SIZE_DIFFERENT:
		return xasprintf(ngettext("LIST said %llu octet but %llu arrived: possibly "
					  "another message",
					  "LIST said %llu octets but %llu arrived: possibly "
					  "another message",
					  l),
				 l, r);
	case SIZE_AS_LISTED: break;
	}
	return xstrdup("");
}

/* ---- ledger and end ---- */

size_t mailbox_save_count(const mailbox_t *mailbox)
{
	return mailbox->save_count;
}

const mailbox_save_t *mailbox_save_at(const mailbox_t *mailbox, size_t index)
{
	return index < mailbox->save_count ? &mailbox->saves[index] : NULL;
}

static char *copy_or_null(const char *text)
{
	return text ? xstrdup(text) : NULL;
}

mailbox_summary_t mailbox_summary_of(const mailbox_msg_t *msg)
{
	return (mailbox_summary_t){.headers = msg->headers,
				   .from = copy_or_null(msg->from),
				   .from_address = copy_or_null(msg->from_address),
				   .subject = copy_or_null(msg->subject),
				   .date = msg->date};
}

void mailbox_summary_clear(mailbox_summary_t *summary)
{
	free(summary->from);
	free(summary->from_address);
	free(summary->subject);
	memset(summary, 0, sizeof *summary);
}

void mailbox_record_deletion(mailbox_t *mailbox, const mailbox_msg_t *msg, msg_state_t outcome)
{
	mailbox->deletions = xreallocarray(mailbox->deletions, mailbox->deletion_count + 1,
					   sizeof *mailbox->deletions);
	mailbox->deletions[mailbox->deletion_count++] = (mailbox_deletion_t){
	    .number = msg->number,
	    .connection = mailbox->connection,
	    .uidl = copy_or_null(msg->uidl),
	    .size = msg->size,
	    .saved_path = copy_or_null(msg->saved_path),
	    .outcome = outcome,
	    .summary = mailbox_summary_of(msg),
	};
}

size_t mailbox_deletion_count(const mailbox_t *mailbox)
{
	return mailbox->deletion_count;
}

const mailbox_deletion_t *mailbox_deletion_at(const mailbox_t *mailbox, size_t index)
{
	return index < mailbox->deletion_count ? &mailbox->deletions[index] : NULL;
}

mailbox_quit_t mailbox_quit_state(const mailbox_t *mailbox)
{
	return mailbox->quit;
}

/* ---- problems ---- */

/* The worst first: what blocks a mailbox (a message too big to download,
 * one the server cannot read whole), then what crashes or confuses a
 * client, then what merely breaks the rules. */
static const struct {
	unsigned bit;
	const char *code;
	const char *reason;
} problem_kinds[MAILBOX_PROBLEM_KINDS] = {
    {MAILBOX_PROBLEM_BIG, "big", N_("larger than the --big threshold")},
    {MAILBOX_PROBLEM_SIZE_MISMATCH, "size-mismatch", N_("RETR delivered another size than LIST")},
    {MAILBOX_PROBLEM_TOP_REFUSED, "top-refused", N_("the server refused TOP for it")},
    {MIME_PROBLEM_BROKEN, "mime-broken", N_("GMime reports a broken MIME structure")},
    {MIME_PROBLEM_HUGE, "huge-header", N_("a header block over 64 KiB")},
    {MIME_PROBLEM_LONG_LINE, "long-line", N_("a header line over 998 octets")},
    {MIME_PROBLEM_NUL, "nul", N_("a NUL byte in the headers")},
    {MIME_PROBLEM_8BIT, "8bit-header", N_("raw 8-bit bytes in the headers")},
    {MIME_PROBLEM_NO_FROM, "no-from", N_("no From header")},
    {MIME_PROBLEM_DUP_FROM, "dup-from", N_("more than one From header")},
    {MIME_PROBLEM_NO_DATE, "no-date", N_("no Date header")},
    {MIME_PROBLEM_DUP_DATE, "dup-date", N_("more than one Date header")},
};

unsigned mailbox_problems(const mailbox_msg_t *msg)
{
	return msg->problems | (msg->size_mismatch ? MAILBOX_PROBLEM_SIZE_MISMATCH : 0);
}

unsigned mailbox_problem_at(size_t index, const char **code, const char **reason)
{
	if (index >= MAILBOX_PROBLEM_KINDS)
		return 0;
	if (code)
		*code = problem_kinds[index].code;
	if (reason)
		*reason = _(problem_kinds[index].reason);
	return problem_kinds[index].bit;
}

char *mailbox_problem_codes(unsigned problems, const char *sep)
{
	buf_t out;
	buf_init(&out);
	for (size_t i = 0; i < MAILBOX_PROBLEM_KINDS; i++) {
		if (!(problems & problem_kinds[i].bit))
			continue;
		if (out.len)
			buf_append_str(&out, sep);
		buf_append_str(&out, problem_kinds[i].code);
	}
	return buf_steal(&out);
}

size_t mailbox_problem_rank(unsigned problems)
{
	size_t i = 0;
	while (i < MAILBOX_PROBLEM_KINDS && !(problems & problem_kinds[i].bit))
		i++;
	return i;
}

const char *mailbox_sender(const mailbox_msg_t *msg)
{
	if (!msg->headers)
		return _("(headers not loaded)");
	if (msg->from_address && *msg->from_address)
		return msg->from_address;
	return msg->from && *msg->from ? msg->from : _("(no sender)");
}

const char *mailbox_subject(const mailbox_msg_t *msg)
{
	if (!msg->headers)
		return _("(headers not loaded)");
	return msg->subject && *msg->subject ? msg->subject : _("(no subject)");
}

char *mailbox_describe(const mailbox_msg_t *msg)
{
	const char *uidl = msg->uidl ? msg->uidl : "-";
	char *u = sanitize_display(uidl, strlen(uidl), false, false);
	char *f = sanitize_display(mailbox_sender(msg), strlen(mailbox_sender(msg)), false, false);
	char *s =
	    sanitize_display(mailbox_subject(msg), strlen(mailbox_subject(msg)), false, false);
	char *text;
	/* TRANSLATORS: message number, UIDL, size in octets, sender, subject. */
	text = xasprintf(ngettext("message %llu (UIDL %s, %llu octet, from %s, subject %s)",
				  "message %llu (UIDL %s, %llu octets, from %s, subject %s)",
				  msg->size),
			 (unsigned long long)msg->number, u, (unsigned long long)msg->size, f, s);
	free(u);
	free(f);
	free(s);
	return text;
}
