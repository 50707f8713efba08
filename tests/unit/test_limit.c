/* test_limit: the limit pattern language (session/limit.c) against
 * messages built by hand, and the sums by sender and month
 * (session/tally.c) on a mailbox fed as a server would feed it, each
 * group's pattern checked to show exactly that group. TZ is UTC. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "mailbox.h"
#include "mime.h"
#include "session/limit.h"
#include "session/tally.h"

/* 2026-03-15 12:00:00 UTC: what relative dates count back from. */
#define NOW 1773576000LL

static mailbox_msg_t message(const char *from, const char *address, const char *subject,
			     uint64_t size, long long date)
{
	mailbox_msg_t msg;
	memset(&msg, 0, sizeof msg);
	msg.number = 1;
	msg.size = size;
	msg.headers = true;
	msg.from = (char *)from;
	msg.from_address = (char *)address;
	msg.subject = (char *)subject;
	msg.date = date;
	msg.uidl_status = UIDL_OK;
	return msg;
}

/* matches: pattern compiles and says whether it shows msg. */
static bool matches(const char *pattern, const mailbox_msg_t *msg)
{
	limit_error_t error;
	limit_t *limit = limit_compile(pattern, NOW, &error);
	if (!limit)
		fail_msg("\"%s\" refused: %s", pattern, error.message);
	bool yes = limit_match(limit, msg);
	limit_free(limit);
	return yes;
}

/* refused: pattern is refused; the message names bad_term, which starts
 * at offset. */
static void refused(const char *pattern, const char *bad_term, size_t offset,
		    const char *reason_part)
{
	limit_error_t error;
	limit_t *limit = limit_compile(pattern, NOW, &error);
	if (limit)
		fail_msg("\"%s\" was accepted", pattern);
	assert_non_null(error.message);
	if (!strstr(error.message, bad_term) || !strstr(error.message, reason_part))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\" or \"%s\"", pattern, error.message,
			 bad_term, reason_part);
	assert_int_equal(error.offset, offset);
	assert_int_equal(error.length, strlen(bad_term));
	free(error.message);
}

static void test_text_terms(void **state)
{
	mailbox_msg_t clark =
	    message("Clark Kent", "clark@example.org", "Invoice 42 for March", 1000, NOW);
	assert_true(matches("~f clark", &clark));
	assert_true(matches("~f KENT", &clark));
	assert_true(matches("~f example.org", &clark));
	assert_false(matches("~f lois", &clark));
	assert_true(matches("~s invoice", &clark));
	assert_false(matches("~s clark", &clark));
	assert_true(matches("invoice", &clark));
	assert_true(matches("clark", &clark));
	assert_false(matches("lois", &clark));
	/* Exact: the whole name or address. */
	assert_true(matches("~f =clark@example.org", &clark));
	assert_true(matches("~f =CLARK@EXAMPLE.ORG", &clark));
	assert_true(matches("~f =\"Clark Kent\"", &clark));
	assert_false(matches("~f =clark", &clark));
	assert_false(matches("~f =lark@example.org", &clark));
	/* Quotes, escapes, several terms, negation. */
	assert_true(matches("~s \"for march\"", &clark));
	assert_true(matches("~s 'for march'", &clark));
	assert_true(matches("~s for\\ march", &clark));
	assert_false(matches("~s \"for april\"", &clark));
	assert_true(matches("~f clark ~s invoice", &clark));
	assert_false(matches("~f clark ~s receipt", &clark));
	assert_true(matches("!~f lois", &clark));
	assert_false(matches("!~f clark", &clark));
	assert_true(matches("  ~f   clark   !lois  ", &clark));
	assert_true(matches("\"~f\"", &(mailbox_msg_t){.headers = true, .subject = "about ~f"}));
	/* A plain word keeps a leading =. */
	assert_true(matches("=x", &(mailbox_msg_t){.headers = true, .subject = "a =x b"}));
	/* No sender, no subject: text terms do not hold, their negations do. */
	mailbox_msg_t empty = message(NULL, NULL, NULL, 10, 0);
	assert_false(matches("~f a", &empty));
	assert_true(matches("!~s a", &empty));
}

static void test_sizes(void **state)
{
	mailbox_msg_t small = message("a", NULL, "s", 90 * 1024, NOW);
	mailbox_msg_t big = message("a", NULL, "s", 6 * 1024 * 1024, NOW);
	mailbox_msg_t exact = message("a", NULL, "s", 1234, NOW);
	assert_true(matches("~z >5M", &big));
	assert_false(matches("~z >5M", &small));
	assert_true(matches("~z <100k", &small));
	assert_false(matches("~z <100k", &big));
	assert_true(matches("~z 1M-10M", &big));
	assert_true(matches("~z 1M..10M", &big));
	assert_false(matches("~z 1M-5M", &big));
	assert_true(matches("~z 5M-", &big));
	assert_true(matches("~z -100k", &small));
	assert_true(matches("~z ..100K", &small));
	assert_true(matches("~z 1234", &exact));
	assert_false(matches("~z 1235", &exact));
	assert_true(matches("~z >=1234", &exact));
	assert_true(matches("~z <=1234", &exact));
	assert_false(matches("~z >1234", &exact));
	assert_false(matches("~z <1234", &exact));
	assert_true(matches("~z 1.5M-6MiB", &big));
	assert_false(matches("~z >6M", &big));
	/* kB, MB: 1000; k, M, KiB, MiB: 1024. */
	assert_true(matches("~z 92160", &small));
	assert_true(matches("~z 90k", &small));
	assert_true(matches("~z 90KiB", &small));
	assert_false(matches("~z 90kB", &small));
	assert_true(matches("~z >6MB", &big)); /* 6,291,456 > 6,000,000 */
	refused("~z >5Q", "~z >5Q", 0, "not a size (say >5M");
	refused("~f a ~z big", "~z big", 5, "not a size");
	refused("~z 5M-1M", "~z 5M-1M", 0, "backwards");
	refused("~z <0", "~z <0", 0, "not a size");
	refused("~z 1.5", "~z 1.5", 0, "not a size");
	refused("~z -", "~z -", 0, "not a size");
}

static void test_dates(void **state)
{
	/* 2026-01-05 10:00 UTC, 2026-03-14 23:59:59 UTC, 2025-12-31 23:00 UTC */
	mailbox_msg_t jan = message("a", NULL, "s", 1, 1767607200LL);
	mailbox_msg_t mar = message("a", NULL, "s", 1, 1773532799LL);
	mailbox_msg_t dec = message("a", NULL, "s", 1, 1767222000LL);
	mailbox_msg_t undated = message("a", NULL, "s", 1, 0);
	assert_true(matches("~d 2026-01-01..2026-03-31", &jan));
	assert_true(matches("~d 2026-01-01..2026-03-31", &mar));
	assert_false(matches("~d 2026-01-01..2026-03-31", &dec));
	assert_true(matches("~d 2026-01..2026-03", &mar));
	assert_true(matches("~d 2026-03", &mar));
	assert_false(matches("~d 2026-03", &jan));
	assert_true(matches("~d 2026-03-14", &mar));
	assert_false(matches("~d 2026-03-15", &mar));
	assert_true(matches("~d 2025", &dec));
	assert_false(matches("~d 2025", &jan));
	assert_true(matches("~d 2026-01..", &mar));
	assert_false(matches("~d 2026-01..", &dec));
	assert_true(matches("~d ..2025-12", &dec));
	assert_true(matches("~d <2026", &dec));
	assert_false(matches("~d <2026", &jan));
	assert_true(matches("~d >2025", &jan));
	assert_true(matches("~d >=2026-03-14", &mar));
	assert_false(matches("~d >2026-03-14", &mar));
	assert_true(matches("~d <=2025-12-31", &dec));
	/* Relative to NOW, 2026-03-15 12:00. */
	assert_true(matches("~d <30d", &mar));
	assert_false(matches("~d <30d", &jan));
	assert_true(matches("~d >30d", &jan));
	assert_true(matches("~d <1w", &mar));
	assert_false(matches("~d <2m", &jan)); /* since 2026-01-15 12:00 */
	assert_true(matches("~d <3m", &jan));
	assert_true(matches("~d >1y", &(mailbox_msg_t){.headers = true, .date = 1741000000LL}));
	assert_true(matches("~d <13h", &mar));
	assert_false(matches("~d <12h", &mar));
	/* A message without a date matches no date term. */
	assert_false(matches("~d 2026", &undated));
	assert_true(matches("!~d 2026", &undated));
	refused("~d 2026-13", "~d 2026-13", 0, "not a date");
	refused("~d 2026-02-30", "~d 2026-02-30", 0, "not a date");
	refused("~d 26-03", "~d 26-03", 0, "not a date");
	refused("~d 2026-03..2026-01", "~d 2026-03..2026-01", 0, "backwards");
	refused("~d 30d", "~d 30d", 0, "not a date");
	refused("~d <30x", "~d <30x", 0, "not a date");
}

static void test_flags(void **state)
{
	mailbox_msg_t msg = message("a", NULL, "s", 1, NOW);
	assert_false(matches("~F saved", &msg));
	assert_true(matches("!~F saved", &msg));
	msg.saved_path = "/tmp/x.eml";
	msg.state = MSG_SAVED;
	assert_true(matches("~F saved", &msg));
	assert_false(matches("~F pending", &msg));
	assert_false(matches("~F deleted", &msg));
	msg.state = MSG_DELETE_PENDING;
	assert_true(matches("~F pending", &msg));
	assert_true(matches("~F deleted", &msg));
	assert_true(matches("~F saved ~F pending", &msg));
	msg.state = MSG_DELETE_UNCERTAIN;
	assert_true(matches("~F uncertain", &msg));
	assert_true(matches("~F deleted", &msg));
	assert_false(matches("~F pending", &msg));
	msg.state = MSG_DELETED;
	assert_true(matches("~F deleted", &msg));
	msg.state = MSG_SAVING;
	msg.saved_path = NULL;
	assert_true(matches("~F saving", &msg));
	assert_false(matches("~F mismatch", &msg));
	msg.size_mismatch = true;
	assert_true(matches("~F mismatch", &msg));
	assert_false(matches("~F nouidl", &msg));
	msg.uidl_status = UIDL_DUPLICATE;
	assert_true(matches("~F nouidl", &msg));
	assert_false(matches("~F error", &msg));
	msg.error = "x";
	assert_true(matches("~F error", &msg));
	assert_false(matches("~F noheaders", &msg));
	refused("~F sav", "~F sav", 0, "no such flag (saved, saving, pending");
	refused("~F", "~F", 0, "needs an argument");
}

/* problem_bit: the bit of a problem code, as mailbox_problem_at names it. */
static unsigned problem_bit(const char *want)
{
	for (size_t i = 0; i < MAILBOX_PROBLEM_KINDS; i++) {
		const char *code;
		unsigned bit = mailbox_problem_at(i, &code, NULL);
		if (strcmp(code, want) == 0)
			return bit;
	}
	fail_msg("no problem code %s", want);
	return 0;
}

static void test_problems(void **state)
{
	mailbox_msg_t msg = message("a", NULL, "s", 1, NOW);
	assert_false(matches("~F problem", &msg));
	assert_false(matches("~P big", &msg));
	msg.problems = problem_bit("big") | problem_bit("no-date");
	assert_true(matches("~F problem", &msg));
	assert_true(matches("~P big", &msg));
	assert_true(matches("~P no-date ~P big", &msg));
	assert_false(matches("~P top-refused", &msg));
	assert_true(matches("!~P top-refused", &msg));
	/* A problem term needs no headers: the size is known from LIST. */
	msg.headers = false;
	assert_true(matches("~P big", &msg));
	refused("~P huge", "~P huge", 0, "no such problem (big, ");
}

/* Before TOP answered, only size and flag terms decide; any other term,
 * negated or not, keeps the message out until its headers arrive. */
static void test_headers_unknown(void **state)
{
	mailbox_msg_t msg;
	memset(&msg, 0, sizeof msg);
	msg.size = 6 * 1024 * 1024;
	assert_true(matches("~z >5M", &msg));
	assert_true(matches("~F noheaders", &msg));
	assert_true(matches("~z >5M !~F saved", &msg));
	assert_false(matches("~z <5M", &msg));
	assert_false(matches("~f clark", &msg));
	assert_false(matches("!~f clark", &msg));
	assert_false(matches("~z >5M !~s x", &msg));
	assert_false(matches("!~d 2026", &msg));
	assert_false(matches("word", &msg));
	limit_error_t error;
	limit_t *limit = limit_compile("~z >5M ~F saved", NOW, &error);
	assert_false(limit_needs_headers(limit));
	limit_free(limit);
	limit = limit_compile("~z >5M !x", NOW, &error);
	assert_true(limit_needs_headers(limit));
	limit_free(limit);
}

static void test_errors(void **state)
{
	refused("~x foo", "~x", 0, "\"~x\": no such term (~f ~s ~z ~d ~F ~P)");
	refused("~f clark ~q", "~q", 9, "no such term");
	refused("~", "~", 0, "no such term");
	refused("~s", "~s", 0, "\"~s\": needs an argument: ~s TEXT");
	refused("~f \"clark", "~f \"clark", 0, "a quote is not closed");
	refused("! ~f clark", "!", 0, "must be followed by a term");
	refused("~s \"\"", "~s \"\"", 0, "the text is empty");
	limit_error_t error;
	assert_null(limit_compile("   ", NOW, &error));
	assert_non_null(error.message);
	free(error.message);
	assert_true(limit_blank(NULL));
	assert_true(limit_blank(" \t "));
	assert_false(limit_blank(" x"));
}

static void test_quote(void **state)
{
	static const char *const texts[] = {
	    "clark@example.org", "Clark Kent",  "=odd", "!bang", "~tilde",
	    "a \"b\" c",         "back\\slash", "it's",
	};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		char *quoted = limit_quote(texts[i]);
		char pattern[128];
		snprintf(pattern, sizeof pattern, "~f =%s", quoted);
		mailbox_msg_t msg = message(texts[i], NULL, "s", 1, NOW);
		mailbox_msg_t other = message("x", NULL, "s", 1, NOW);
		if (!matches(pattern, &msg) || matches(pattern, &other))
			fail_msg("%s does not match exactly \"%s\"", pattern, texts[i]);
		free(quoted);
	}
	char *plain = limit_quote("clark");
	assert_string_equal(plain, "clark");
	free(plain);
	const char *label, *text;
	size_t n = 0;
	while (limit_help(n, &label, &text)) {
		assert_non_null(label);
		assert_true(*text);
		n++;
	}
	assert_true(n >= 6);
}

/* ---- tally ---- */

static void headers(mailbox_t *mb, uint64_t number, const char *from, const char *date)
{
	char text[512];
	snprintf(text, sizeof text, "From: %s\r\nSubject: s%llu\r\n%s%s%s\r\n", from,
		 (unsigned long long)number, date ? "Date: " : "", date ? date : "",
		 date ? "\r\n" : "");
	mailbox_take_headers(mb, number, text, strlen(text));
}

static mailbox_t *sample_mailbox(void)
{
	static const char list[] = "1 1000\r\n2 5000\r\n3 200\r\n4 3000\r\n5 700\r\n6 100\r\n"
				   "7 50\r\n";
	mailbox_t *mb = mailbox_new();
	char *err = NULL;
	mailbox_begin_connection(mb);
	assert_int_equal(mailbox_take_list(mb, list, strlen(list), 7, &err), 0);
	mailbox_take_uidl(mb, NULL, 0, NULL);
	headers(mb, 1, "Clark Kent <clark@example.org>", "Mon, 02 Mar 2026 09:00:00 +0000");
	headers(mb, 2, "Big <big@example.org>", "Tue, 13 Jan 2026 10:00:00 +0000");
	headers(mb, 3, "CLARK <Clark@Example.org>", "Tue, 31 Mar 2026 23:00:00 +0000");
	headers(mb, 4, "Lois <lois@example.org>", NULL);
	headers(mb, 5, "", "Sun, 01 Mar 2026 00:00:00 +0000");
	/* 6 and 7: headers not loaded yet */
	return mb;
}

static const tally_group_t *group_named(const tally_t *tally, const char *label)
{
	for (size_t i = 0; i < tally->count; i++)
		if (strcmp(tally->groups[i].label, label) == 0)
			return &tally->groups[i];
	fail_msg("no group \"%s\"", label);
	return NULL;
}

/* each_pattern_shows_its_group: the limit of every group shows exactly
 * that group's messages (count and octets). */
static void each_pattern_shows_its_group(const mailbox_t *mb, const tally_t *tally)
{
	for (size_t g = 0; g < tally->count; g++) {
		const tally_group_t *group = &tally->groups[g];
		if (!group->pattern)
			continue;
		limit_error_t error;
		limit_t *limit = limit_compile(group->pattern, NOW, &error);
		if (!limit)
			fail_msg("%s: %s", group->pattern, error.message);
		size_t count = 0;
		uint64_t octets = 0;
		for (size_t i = 0; i < mailbox_count(mb); i++) {
			const mailbox_msg_t *msg = mailbox_at(mb, i);
			if (limit_match(limit, msg)) {
				count++;
				octets += msg->size;
			}
		}
		limit_free(limit);
		if (count != group->count || octets != group->octets)
			fail_msg("%s shows %zu messages, %llu octets; the group has %zu, %llu",
				 group->pattern, count, (unsigned long long)octets, group->count,
				 (unsigned long long)group->octets);
	}
}

static void test_tally_by_sender(void **state)
{
	mailbox_t *mb = sample_mailbox();
	tally_t *tally = tally_build(mb, TALLY_BY_SENDER);
	assert_int_equal(tally->messages, 7);
	assert_int_equal(tally->octets, 10050);
	assert_int_equal(tally->count, 5);
	/* Largest first: big 5000, lois 3000, clark 1200, (no sender) 700, not loaded 150. */
	assert_string_equal(tally->groups[0].label, "big@example.org");
	assert_string_equal(tally->groups[1].label, "lois@example.org");
	const tally_group_t *clark = &tally->groups[2];
	assert_int_equal(clark->count, 2); /* the address, whatever its case */
	assert_int_equal(clark->octets, 1200);
	assert_string_equal(clark->pattern, "~f =clark@example.org");
	assert_null(group_named(tally, "(no sender)")->pattern);
	const tally_group_t *unknown = group_named(tally, "(headers not loaded)");
	assert_int_equal(unknown->count, 2);
	assert_int_equal(unknown->octets, 150);
	assert_string_equal(unknown->pattern, "~F noheaders");
	each_pattern_shows_its_group(mb, tally);
	tally_free(tally);
	mailbox_free(mb);
}

static void test_tally_by_month(void **state)
{
	mailbox_t *mb = sample_mailbox();
	tally_t *tally = tally_build(mb, TALLY_BY_MONTH);
	assert_int_equal(tally->count, 4);
	assert_string_equal(tally->groups[0].label, "2026-01");
	assert_string_equal(tally->groups[0].pattern, "~d 2026-01");
	assert_string_equal(tally->groups[1].label, "(no date)");
	assert_null(tally->groups[1].pattern);
	const tally_group_t *march = &tally->groups[2];
	assert_string_equal(march->label, "2026-03");
	assert_int_equal(march->count, 3);
	assert_int_equal(march->octets, 1900);
	each_pattern_shows_its_group(mb, tally);
	tally_free(tally);
	mailbox_free(mb);
	/* An empty mailbox has no groups. */
	mb = mailbox_new();
	tally = tally_build(mb, TALLY_BY_SENDER);
	assert_int_equal(tally->count, 0);
	tally_free(tally);
	mailbox_free(mb);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	mime_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_terms),      cmocka_unit_test(test_sizes),
	    cmocka_unit_test(test_dates),           cmocka_unit_test(test_flags),
	    cmocka_unit_test(test_headers_unknown), cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_quote),           cmocka_unit_test(test_tally_by_sender),
	    cmocka_unit_test(test_tally_by_month),  cmocka_unit_test(test_problems),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mime_done();
	return rc;
}
