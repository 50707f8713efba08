/* test_order: the full-screen view's rows in order (session/order.c): every
 * sort key in both directions, with and without a limit, against a plain
 * comparison sort of the same messages (the order's definition), on a
 * mailbox fed as a server would feed it, with ties in every key. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gate.h"
#include "mailbox.h"
#include "session.h"
#include "session/internal.h"
#include "session/limit.h"
#include "trace.h"

#define MESSAGES 600

/* Senders and subjects with ties, ties but for ASCII case, UTF-8, and
 * none at all. */
static const char *const senders[] = {
    "Ann Example <ann@example.org>",   "ann example <ANN@example.org>", "bob@example.net",
    "\xc3\x89mile <emile@example.fr>", "Zed <zed@example.com>",         NULL,
};
static const char *const subjects[] = {
    "Invoice", "invoice", "Re: Invoice", "\xc3\xa9t\xc3\xa9", "", "Zzz", "Hello there", NULL,
};

typedef struct {
	session_t *session;
	trace_t *trace;
} fixture_t;

/* header_block: message i's headers: some without a Date (a problem and
 * date 0), some without a From, two From headers now and then. */
static char *header_block(unsigned i)
{
	const char *from = senders[i * 7 % (sizeof senders / sizeof *senders)];
	const char *subject = subjects[i * 5 % (sizeof subjects / sizeof *subjects)];
	char *block = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&block, &len);
	if (i % 11)
		fprintf(out, "Date: Mon, %u Mar 2026 10:00:00 +0000\r\n", 1 + i % 9);
	if (from)
		fprintf(out, "From: %s\r\n", from);
	if (i % 23 == 0)
		fprintf(out, "From: x@example.org\r\n");
	if (subject)
		fprintf(out, "Subject: %s\r\n", subject);
	fprintf(out, "\r\n");
	fclose(out);
	return block;
}

static int setup(void **state)
{
	fixture_t *f = calloc(1, sizeof *f);
	f->trace = trace_new(0);
	f->session = session_new(f->trace, 10);
	mailbox_t *mb = f->session->mailbox;
	char *list = NULL, *uidl = NULL;
	size_t list_len = 0, uidl_len = 0;
	FILE *l = open_memstream(&list, &list_len), *u = open_memstream(&uidl, &uidl_len);
	for (unsigned i = 1; i <= MESSAGES; i++) {
		/* Sizes repeat; some are over the --big threshold below. */
		fprintf(l, "%u %u\r\n", i, 100 * (i * 13 % 17) + 50);
		fprintf(u, "%u uid-%u\r\n", i, i);
	}
	fclose(l);
	fclose(u);
	char *err = NULL;
	mailbox_begin_connection(mb);
	assert_int_equal(mailbox_take_list(mb, list, list_len, MESSAGES, &err), 0);
	char *problem = NULL;
	assert_int_equal(mailbox_take_uidl(mb, uidl, uidl_len, &problem), 0);
	free(list);
	free(uidl);
	for (unsigned i = 1; i <= MESSAGES; i++) {
		if (i % 13 == 0)
			continue; /* headers not loaded */
		if (i % 29 == 0) {
			mailbox_take_headers(mb, i, NULL, 0);
			mailbox_note_problems(mb, i, MAILBOX_PROBLEM_TOP_REFUSED);
			continue;
		}
		char *block = header_block(i);
		mailbox_take_headers(mb, i, block, strlen(block));
		free(block);
	}
	session_set_big(f->session, 1500);
	session_resort(f->session);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture_t *f = *state;
	session_free(f->session);
	trace_free(f->trace);
	free(f);
	return 0;
}

/* ---- the definition: a comparison sort ---- */

static session_sort_t ref_key;
static bool ref_reverse;

static int ref_text(const char *a, const char *b)
{
	a = a ? a : "";
	b = b ? b : "";
	for (;; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
		x = x >= 'A' && x <= 'Z' ? (unsigned char)(x + 32) : x;
		y = y >= 'A' && y <= 'Z' ? (unsigned char)(y + 32) : y;
		if (x != y || !x)
			return x < y ? -1 : x > y;
	}
}

static int ref_cmp(const void *pa, const void *pb)
{
	const mailbox_msg_t *a = *(const mailbox_msg_t *const *)pa;
	const mailbox_msg_t *b = *(const mailbox_msg_t *const *)pb;
	unsigned qa = mailbox_problems(a), qb = mailbox_problems(b);
	int c = 0;
	switch (ref_key) {
	case SESSION_SORT_SIZE: c = a->size < b->size ? -1 : a->size > b->size; break;
	case SESSION_SORT_DATE: c = a->date < b->date ? -1 : a->date > b->date; break;
	case SESSION_SORT_FROM: c = ref_text(a->from, b->from); break;
	case SESSION_SORT_SUBJECT: c = ref_text(a->subject, b->subject); break;
	case SESSION_SORT_PROBLEMS:
		/* The worst problem first, then the most, then the biggest. */
		if (mailbox_problem_rank(qa) != mailbox_problem_rank(qb))
			c = mailbox_problem_rank(qa) < mailbox_problem_rank(qb) ? -1 : 1;
		else if (__builtin_popcount(qa) != __builtin_popcount(qb))
			c = __builtin_popcount(qa) > __builtin_popcount(qb) ? -1 : 1;
		else
			c = a->size > b->size ? -1 : a->size < b->size;
		break;
	default: break;
	}
	if (c == 0)
		c = a->number < b->number ? -1 : a->number > b->number;
	return ref_reverse ? -c : c;
}

/* check_order: the session's rows are the messages pattern matches (NULL:
 * all), sorted by the definition. */
static void check_order(const session_t *session, session_sort_t key, bool reverse,
			const char *pattern)
{
	const mailbox_t *mb = session_mailbox(session);
	limit_error_t error;
	limit_t *limit = pattern ? limit_compile(pattern, 1773576000LL, &error) : NULL;
	const mailbox_msg_t **want = calloc(mailbox_count(mb), sizeof *want);
	size_t n = 0;
	for (size_t i = 0; i < mailbox_count(mb); i++)
		if (!limit || limit_match(limit, mailbox_at(mb, i)))
			want[n++] = mailbox_at(mb, i);
	limit_free(limit);
	ref_key = key;
	ref_reverse = reverse;
	qsort(want, n, sizeof *want, ref_cmp);
	assert_int_equal(session_count(session), n);
	assert_true(n > 0);
	for (size_t row = 0; row < n; row++) {
		const mailbox_msg_t *got = session_row(session, row);
		if (got != want[row])
			fail_msg("sort %s%s, limit %s, row %zu: message %llu, expected %llu",
				 session_sort_name(key), reverse ? " reversed" : "",
				 pattern ? pattern : "none", row, (unsigned long long)got->number,
				 (unsigned long long)want[row]->number);
		size_t at;
		assert_true(session_row_of(session, got->number, &at));
		assert_int_equal(at, row);
	}
	assert_null(session_row(session, n));
	free(want);
}

/* ---- the cases ---- */

/* The fixture has what the sort keys need to show their ties. */
static void test_fixture_has_ties(void **state)
{
	fixture_t *f = *state;
	const mailbox_t *mb = session_mailbox(f->session);
	size_t big = 0, no_headers = 0, refused = 0;
	for (size_t i = 0; i < mailbox_count(mb); i++) {
		const mailbox_msg_t *msg = mailbox_at(mb, i);
		big += (mailbox_problems(msg) & MAILBOX_PROBLEM_BIG) != 0;
		no_headers += !msg->headers;
		refused += (mailbox_problems(msg) & MAILBOX_PROBLEM_TOP_REFUSED) != 0;
	}
	assert_true(big > 0 && big < MESSAGES);
	assert_true(no_headers > 0);
	assert_true(refused > 0);
}

/* check_resorted_from: each key from first on, both directions, after a
 * full re-sort. */
static void check_resorted_from(session_t *session, int first)
{
	for (int key = first; key < SESSION_SORT_COUNT; key++)
		for (int reverse = 0; reverse < 2; reverse++) {
			session_sort(session, (session_sort_t)key, reverse);
			session_resort(session);
			check_order(session, (session_sort_t)key, reverse, NULL);
		}
}

/* Every key, both directions, first from a full re-sort. */
static void test_every_key(void **state)
{
	fixture_t *f = *state;
	check_resorted_from(f->session, 0);
}

/* The keys as a user cycles through them (o), each reversed (O) and back:
 * the orders kept between sorts and the reversal by reading backwards
 * give the same rows as a full re-sort. */
static void test_cycle_and_reverse(void **state)
{
	fixture_t *f = *state;
	for (int key = 0; key <= SESSION_SORT_COUNT; key++) {
		session_sort_t k = (session_sort_t)(key % SESSION_SORT_COUNT);
		session_sort(f->session, k, false);
		check_order(f->session, k, false, NULL);
		session_sort(f->session, k, true);
		check_order(f->session, k, true, NULL);
		session_sort(f->session, k, false);
		check_order(f->session, k, false, NULL);
	}
}

/* With a limit in force, every key in both directions shows exactly the
 * messages the limit matches, in order. */
static void test_limit_and_sort(void **state)
{
	fixture_t *f = *state;
	static const char *const patterns[] = {
	    "~z >1000", "ann", "!~F noheaders", "~P big", "~s invoice ~z <=1000", "~F problem",
	};
	for (size_t p = 0; p < sizeof patterns / sizeof *patterns; p++) {
		char *err = NULL;
		assert_int_equal(session_limit(f->session, patterns[p], &err), 0);
		for (int key = 0; key < SESSION_SORT_COUNT; key++)
			for (int reverse = 0; reverse < 2; reverse++) {
				session_sort(f->session, (session_sort_t)key, reverse);
				check_order(f->session, (session_sort_t)key, reverse, patterns[p]);
			}
		uint64_t octets = 0;
		for (size_t row = 0; row < session_count(f->session); row++)
			octets += session_row(f->session, row)->size;
		assert_int_equal(session_shown_octets(f->session), octets);
	}
	char *err = NULL;
	assert_int_equal(session_limit(f->session, "", &err), 0);
	check_order(f->session, session_sort_key(f->session), session_sort_reverse(f->session),
		    NULL);
}

/* Headers that arrive or change later move their rows at the next re-sort
 * (the tick's), in every text and date order. */
static void test_headers_change(void **state)
{
	fixture_t *f = *state;
	mailbox_t *mb = f->session->mailbox;
	static const char block[] = "Date: Sun, 1 Feb 2026 00:00:00 +0000\r\n"
				    "From: AAA <aaa@example.org>\r\nSubject: aaa\r\n\r\n";
	mailbox_take_headers(mb, 13, block, sizeof block - 1); /* had none */
	mailbox_take_headers(mb, 14, block, sizeof block - 1); /* had others */
	check_resorted_from(f->session, SESSION_SORT_DATE);
}

/* The problem order follows a problem found after the sort (a size
 * mismatch at a save): a state change marks it for re-sorting. */
static void test_problems_follow_changes(void **state)
{
	fixture_t *f = *state;
	session_sort(f->session, SESSION_SORT_PROBLEMS, false);
	check_order(f->session, SESSION_SORT_PROBLEMS, false, NULL);
	assert_true(mailbox_note_problems(f->session->mailbox, 2, MIME_PROBLEM_BROKEN));
	session_limit_stale(f->session);
	session_sort(f->session, SESSION_SORT_PROBLEMS, true);
	check_order(f->session, SESSION_SORT_PROBLEMS, true, NULL);
}

/* sort_every_radix_key: size, date and problems, each checked. */
static void sort_every_radix_key(session_t *session, const char *after)
{
	static const session_sort_t keys[] = {SESSION_SORT_SIZE, SESSION_SORT_DATE,
					      SESSION_SORT_PROBLEMS};
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		print_message("after %s, sort by %s\n", after, session_sort_name(keys[k]));
		session_sort(session, keys[k], false);
		check_order(session, keys[k], false, NULL);
	}
}

/* The orders made ahead of a sort (session_prepare_orders, when the view
 * is idle) are not read once a message's date, problems or size mismatch
 * changed: every sort after each change is the definition's. */
static void test_prepared_orders_follow_changes(void **state)
{
	fixture_t *f = *state;
	mailbox_t *mb = f->session->mailbox;
	session_sort(f->session, SESSION_SORT_NUMBER, false);
	session_prepare_orders(f->session);
	sort_every_radix_key(f->session, "preparing");

	static const char block[] = "Date: Sun, 1 Feb 2026 00:00:00 +0000\r\n"
				    "From: AAA <aaa@example.org>\r\nSubject: aaa\r\n\r\n";
	session_prepare_orders(f->session);
	mailbox_take_headers(mb, 14, block, sizeof block - 1); /* the earliest date now */
	sort_every_radix_key(f->session, "a new date");

	session_prepare_orders(f->session);
	assert_true(mailbox_note_problems(mb, 2, MIME_PROBLEM_BROKEN));
	sort_every_radix_key(f->session, "a new problem");

	session_prepare_orders(f->session);
	char *why = NULL;
	mailbox_set_online(mb, true);
	assert_int_equal(gate_save_begin(mb, 4, &why), 0);
	gate_save_failed(mb, 4, "cut short", true);
	assert_true(mailbox_problems(mailbox_at(mb, 3)) & MAILBOX_PROBLEM_SIZE_MISMATCH);
	sort_every_radix_key(f->session, "a size mismatch");

	session_set_big(f->session, 900);
	sort_every_radix_key(f->session, "a new --big threshold");
}

/* Search goes through the rows in view order, ASCII case ignored, in the
 * sender's name and address, the subject and the UIDL. */
static void test_search(void **state)
{
	fixture_t *f = *state;
	session_sort(f->session, SESSION_SORT_NUMBER, false);
	size_t row;
	assert_true(session_search(f->session, "ANN@EXAMPLE", 0, true, &row));
	assert_true(strstr(session_row(f->session, row)->from_address, "example.org") != NULL);
	assert_true(session_search(f->session, "UID-42", 0, true, &row));
	assert_int_equal(session_row(f->session, row)->number, 42);
	assert_true(session_search(f->session, "\xc3\x89mile", 0, true, &row));
	assert_true(session_search(f->session, "re: inv", row, false, &row));
	assert_string_equal(session_row(f->session, row)->subject, "Re: Invoice");
	assert_false(session_search(f->session, "nobody-has-this", 0, true, &row));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_fixture_has_ties, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_every_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cycle_and_reverse, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_limit_and_sort, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_headers_change, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_problems_follow_changes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_prepared_orders_follow_changes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_search, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
