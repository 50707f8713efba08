/* test_mailbox: the mailbox model and the gate with no terminal and no
 * socket: LIST and UIDL bodies as a server would send them, then the
 * transitions a front end drives. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gate.h"
#include "mailbox.h"
#include "report.h"

static const char LIST3[] = "1 100\r\n2 200\r\n3 300\r\n";

/* connect: a new connection with this LIST and UIDL (uidl NULL: none). */
static void connect(mailbox_t *mb, const char *list, uint64_t stat, const char *uidl)
{
	char *err = NULL;
	mailbox_begin_connection(mb);
	assert_int_equal(mailbox_take_list(mb, list, strlen(list), stat, &err), 0);
	assert_null(err);
	char *problem = NULL;
	mailbox_take_uidl(mb, uidl, uidl ? strlen(uidl) : 0, &problem);
	free(problem);
	mailbox_set_online(mb, true);
}

static void save(mailbox_t *mb, uint64_t number, const char *path)
{
	char *why = NULL;
	assert_int_equal(gate_save_begin(mb, number, &why), 0);
	gate_save_verified(mb, number, path, 10, NULL, NULL);
}

static bool may_delete(mailbox_t *mb, uint64_t number, char **why)
{
	*why = NULL;
	bool ok = gate_may_delete(mb, number, why);
	if (ok)
		assert_null(*why);
	else
		assert_non_null(*why);
	return ok;
}

static void refused(mailbox_t *mb, uint64_t number, const char *reason_part)
{
	char *why;
	assert_false(may_delete(mb, number, &why));
	if (!strstr(why, reason_part))
		fail_msg("reason \"%s\" lacks \"%s\"", why, reason_part);
	free(why);
	assert_int_equal(gate_delete_begin(mb, number, &why), -1);
	free(why);
}

static void test_list_policy(void **state)
{
	mailbox_t *mb = mailbox_new();
	char *err = NULL;
	mailbox_begin_connection(mb);
	assert_int_equal(mailbox_take_list(mb, LIST3, strlen(LIST3), 3, &err), 0);
	assert_int_equal(mailbox_count(mb), 3);
	assert_int_equal(mailbox_find(mb, 2)->size, 200);

	static const char *const bad[] = {
	    "1 100\r\n1 100\r\n2 5\r\n", /* a number twice */
	    "1 100\r\n2 x\r\n3 1\r\n",   /* a bad line */
	    "1 100\r\n2 200\r\n",        /* fewer than STAT */
	    "1 100\r\n2 200\r\n4 1\r\n", /* out of range */
	    "1 1\r\n2 2\r\n3 3\r\n4 4\r\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		mailbox_begin_connection(mb);
		assert_int_equal(mailbox_take_list(mb, bad[i], strlen(bad[i]), 3, &err), -1);
		assert_non_null(err);
		free(err);
		err = NULL;
		assert_false(mailbox_listed(mb));
		char *why = NULL;
		assert_int_equal(gate_save_begin(mb, 1, &why), -1);
		free(why);
	}
	mailbox_free(mb);
}

static void test_uidl_policy(void **state)
{
	mailbox_t *mb = mailbox_new();
	connect(mb, "1 1\r\n2 2\r\n3 3\r\n4 4\r\n5 5\r\n", 5,
		"1 a\r\n2 dup\r\n3 dup\r\n4 bad\x1b]0;x\x07\r\n9 stray\r\n");
	assert_int_equal(mailbox_find(mb, 1)->uidl_status, UIDL_OK);
	assert_string_equal(mailbox_find(mb, 1)->uidl, "a");
	assert_int_equal(mailbox_find(mb, 2)->uidl_status, UIDL_DUPLICATE);
	assert_int_equal(mailbox_find(mb, 3)->uidl_status, UIDL_DUPLICATE);
	assert_int_equal(mailbox_find(mb, 4)->uidl_status, UIDL_MALFORMED);
	assert_null(mailbox_find(mb, 4)->uidl);
	assert_int_equal(mailbox_find(mb, 5)->uidl_status, UIDL_MISSING);

	char *why = NULL;
	assert_non_null(mailbox_find_uidl(mb, "a", &why));
	assert_null(mailbox_find_uidl(mb, "dup", &why));
	assert_non_null(strstr(why, "not unique"));
	free(why);
	assert_null(mailbox_find_uidl(mb, "zzz", &why));
	assert_non_null(strstr(why, "no message"));
	free(why);

	/* Every one of them can be saved; only the one with a sound UIDL deleted. */
	for (uint64_t n = 1; n <= 5; n++)
		save(mb, n, "/tmp/x");
	assert_true(may_delete(mb, 1, &why));
	refused(mb, 2, "shares its UIDL");
	refused(mb, 3, "shares its UIDL");
	refused(mb, 4, "malformed");
	refused(mb, 5, "no UIDL");
	mailbox_free(mb);
}

static void test_uidl_line_twice(void **state)
{
	mailbox_t *mb = mailbox_new();
	connect(mb, LIST3, 3, "1 a\r\n2 b\r\n2 c\r\n3 d\r\n");
	assert_int_equal(mailbox_find(mb, 2)->uidl_status, UIDL_MALFORMED);
	save(mb, 2, "/tmp/x");
	refused(mb, 2, "malformed");
	mailbox_free(mb);
}

static void take_headers(mailbox_t *mb, uint64_t number, const char *from, const char *subject)
{
	char *block = NULL;
	assert_true(asprintf(&block, "From: %s\r\nSubject: %s\r\n\r\n", from, subject) > 0);
	mailbox_take_headers(mb, number, block, strlen(block));
	free(block);
}

static void assert_sorted(const mailbox_t *mb, mailbox_order_t by, const uint64_t *numbers)
{
	uint32_t out[8];
	size_t count = mailbox_count(mb);
	assert_true(count <= 8);
	mailbox_sorted(mb, by, out);
	for (size_t i = 0; i < count; i++)
		if (mailbox_at(mb, out[i])->number != numbers[i])
			fail_msg("%s order, place %zu: message %llu, expected %llu",
				 by == MAILBOX_BY_FROM ? "sender" : "subject", i,
				 (unsigned long long)mailbox_at(mb, out[i])->number,
				 (unsigned long long)numbers[i]);
}

/* The sender and subject orders are kept only where they are used (the
 * view): ASCII case folded, ties and rows without headers by number,
 * through a header block that replaces another and across a reconnect. */
static void test_orders_kept_on_request(void **state)
{
	static const char list[] = "1 10\r\n2 20\r\n3 30\r\n4 40\r\n5 50\r\n";
	static const char uidl[] = "1 a\r\n2 b\r\n3 c\r\n4 d\r\n5 e\r\n";
	mailbox_t *mb = mailbox_new();
	connect(mb, list, 5, uidl);
	take_headers(mb, 2, "bob@example.org", "Zebra");
	assert_sorted(mb, MAILBOX_BY_SUBJECT, (const uint64_t[]){1, 2, 3, 4, 5});
	mailbox_free(mb);

	mb = mailbox_new();
	mailbox_keep_order(mb);
	connect(mb, list, 5, uidl);
	assert_sorted(mb, MAILBOX_BY_FROM, (const uint64_t[]){1, 2, 3, 4, 5});
	take_headers(mb, 4, "Carol <carol@example.org>", "apple");
	take_headers(mb, 2, "bob@example.org", "Zebra");
	take_headers(mb, 5, "ALICE <a@example.org>", "Apple");
	take_headers(mb, 1, "carol@example.org", "b\xc3\xa9ta");
	/* 3 has no headers yet: "" comes first. */
	assert_sorted(mb, MAILBOX_BY_FROM, (const uint64_t[]){3, 5, 2, 4, 1});
	assert_sorted(mb, MAILBOX_BY_SUBJECT, (const uint64_t[]){3, 4, 5, 1, 2});
	/* A second header block moves the row. */
	take_headers(mb, 2, "Aaron <aaron@example.org>", "aardvark");
	assert_sorted(mb, MAILBOX_BY_FROM, (const uint64_t[]){3, 2, 5, 4, 1});
	assert_sorted(mb, MAILBOX_BY_SUBJECT, (const uint64_t[]){3, 2, 4, 5, 1});
	/* A reconnect keeps the headers of unchanged messages (same UIDL and
	 * size); message 3 is gone, 2 has another UIDL. */
	connect(mb, "1 10\r\n2 20\r\n3 40\r\n4 50\r\n", 4, "1 a\r\n2 x\r\n3 d\r\n4 e\r\n");
	assert_sorted(mb, MAILBOX_BY_FROM, (const uint64_t[]){2, 4, 3, 1});
	assert_sorted(mb, MAILBOX_BY_SUBJECT, (const uint64_t[]){2, 3, 4, 1});
	mailbox_free(mb);
}

static void test_no_uidl_command(void **state)
{
	mailbox_t *mb = mailbox_new();
	connect(mb, LIST3, 3, NULL);
	save(mb, 1, "/tmp/x");
	refused(mb, 1, "no UIDL");
	mailbox_free(mb);
}

static void test_save_then_delete(void **state)
{
	mailbox_t *mb = mailbox_new();
	connect(mb, LIST3, 3, "1 a\r\n2 b\r\n3 c\r\n");
	refused(mb, 2, "not been saved");
	char *why = NULL;
	assert_int_equal(gate_save_begin(mb, 2, &why), 0);
	assert_int_equal(gate_save_begin(mb, 2, &why), -1); /* being saved */
	free(why);
	refused(mb, 2, "not been saved");
	gate_save_failed(mb, 2, "disk full", false);
	assert_int_equal(mailbox_find(mb, 2)->state, MSG_LISTED);
	assert_string_equal(mailbox_find(mb, 2)->error, "disk full");
	refused(mb, 2, "not been saved");

	/* A cancelled save leaves the message as it was, with no error. */
	assert_int_equal(gate_save_begin(mb, 2, &why), 0);
	gate_save_cancelled(mb, 2);
	assert_int_equal(mailbox_find(mb, 2)->state, MSG_LISTED);
	assert_null(mailbox_find(mb, 2)->error);
	refused(mb, 2, "not been saved");

	save(mb, 2, "/saved/2.eml");
	assert_int_equal(gate_delete_begin(mb, 2, &why), 0);
	assert_int_equal(mailbox_find(mb, 2)->state, MSG_DELETE_SENT);
	refused(mb, 2, "already marked");
	gate_save_cancelled(mb, 2); /* not saving: no change */
	assert_int_equal(mailbox_find(mb, 2)->state, MSG_DELETE_SENT);
	gate_delete_answered(mb, 2, false, "-ERR no");
	assert_int_equal(mailbox_find(mb, 2)->state, MSG_SAVED);
	assert_int_equal(gate_delete_begin(mb, 2, &why), 0);
	gate_delete_answered(mb, 2, true, NULL);
	assert_int_equal(mailbox_find(mb, 2)->state, MSG_DELETE_PENDING);
	assert_int_equal(gate_rset_confirmed(mb), 1);
	assert_int_equal(mailbox_find(mb, 2)->state, MSG_SAVED);

	mailbox_set_online(mb, false);
	refused(mb, 2, "not connected");
	mailbox_free(mb);
}

/* pending: save and mark messages for deletion. */
static void pending(mailbox_t *mb, const uint64_t *numbers, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		char *why = NULL;
		save(mb, numbers[i], "/saved");
		assert_int_equal(gate_delete_begin(mb, numbers[i], &why), 0);
		gate_delete_answered(mb, numbers[i], true, NULL);
	}
}

static void test_quit_outcomes(void **state)
{
	static const uint64_t two[] = {1, 3};
	mailbox_t *mb = mailbox_new();

	/* +OK: deleted and confirmed. */
	connect(mb, LIST3, 3, "1 a\r\n2 b\r\n3 c\r\n");
	pending(mb, two, 2);
	save(mb, 2, "/saved");
	gate_quit_sent(mb);
	refused(mb, 2, "not connected"); /* nothing after QUIT */
	gate_quit_answered(mb, true);
	assert_int_equal(report_outcome(mb), OUTCOME_DELETED);
	assert_int_equal(mailbox_count_state(mb, MSG_DELETED), 2);

	/* -ERR: uncertain. */
	connect(mb, LIST3, 3, "1 a\r\n2 b\r\n3 c\r\n");
	pending(mb, two, 2);
	gate_quit_sent(mb);
	gate_quit_answered(mb, false);
	assert_int_equal(report_outcome(mb), OUTCOME_UNCERTAIN);
	char *text = report_outcome_text(mb, "-ERR some not removed");
	assert_non_null(strstr(text, "may or may not"));
	assert_non_null(strstr(text, "1, 3"));
	free(text);

	/* The link died after QUIT was written: uncertain. */
	connect(mb, LIST3, 3, "1 a\r\n2 b\r\n3 c\r\n");
	pending(mb, two, 2);
	gate_quit_sent(mb);
	gate_quit_failed(mb, true);
	assert_int_equal(report_outcome(mb), OUTCOME_UNCERTAIN);
	assert_int_equal(mailbox_count_state(mb, MSG_DELETE_UNCERTAIN), 2);

	/* QUIT never left: nothing deleted. */
	connect(mb, LIST3, 3, "1 a\r\n2 b\r\n3 c\r\n");
	pending(mb, two, 2);
	gate_quit_sent(mb);
	gate_quit_failed(mb, false);
	assert_int_equal(report_outcome(mb), OUTCOME_NOTHING_DELETED);
	/* 1 and 3 back to saved; 2 carried over from the first connection. */
	assert_int_equal(mailbox_count_state(mb, MSG_SAVED), 3);
	text = report_outcome_text(mb, NULL);
	assert_non_null(strstr(text, "never sent"));
	free(text);

	/* Dropped before QUIT: nothing deleted, the deletions dropped. */
	connect(mb, LIST3, 3, "1 a\r\n2 b\r\n3 c\r\n");
	pending(mb, two, 2);
	assert_int_equal(gate_connection_lost(mb), 2);
	assert_int_equal(report_outcome(mb), OUTCOME_NOTHING_DELETED);
	mailbox_free(mb);
}

/* The ledgers the ticket report reads: a save keeps its digest and the
 * header summary of its time; a deletion is recorded when its end is
 * known (DELE refused, QUIT's answer, or the connection gone before QUIT),
 * never for RSET, and outlives its connection's rows. */
static void test_ledgers(void **state)
{
	static const char head[] = "From: Ann <ann@example.org>\r\nSubject: Hi\r\n\r\n";
	static const uint64_t one[] = {1};
	mailbox_t *mb = mailbox_new();
	char *why = NULL;
	connect(mb, LIST3, 3, "1 a\r\n2 b\r\n3 c\r\n");
	mailbox_take_headers(mb, 2, head, strlen(head));
	assert_int_equal(gate_save_begin(mb, 2, &why), 0);
	gate_save_verified(mb, 2, "/saved/2.eml", 200, "ab12", NULL);
	const mailbox_save_t *save = mailbox_save_at(mb, 0);
	assert_string_equal(save->sha256, "ab12");
	assert_true(save->summary.headers);
	assert_string_equal(save->summary.from_address, "ann@example.org");
	assert_string_equal(save->summary.subject, "Hi");

	/* DELE refused: the server kept it. */
	assert_int_equal(gate_delete_begin(mb, 2, &why), 0);
	gate_delete_answered(mb, 2, false, "-ERR locked");
	assert_int_equal(mailbox_deletion_count(mb), 1);
	assert_int_equal(mailbox_deletion_at(mb, 0)->outcome, MSG_SAVED);

	/* RSET: the user's word, no record. */
	assert_int_equal(gate_delete_begin(mb, 2, &why), 0);
	gate_delete_answered(mb, 2, true, NULL);
	assert_int_equal(gate_rset_confirmed(mb), 1);
	assert_int_equal(mailbox_deletion_count(mb), 1);

	/* Dropped before QUIT: the server kept it. */
	assert_int_equal(gate_delete_begin(mb, 2, &why), 0);
	gate_delete_answered(mb, 2, true, NULL);
	assert_int_equal(gate_connection_lost(mb), 1);
	assert_int_equal(mailbox_deletion_count(mb), 2);
	const mailbox_deletion_t *d = mailbox_deletion_at(mb, 1);
	assert_int_equal(d->outcome, MSG_SAVED);
	assert_int_equal(d->number, 2);
	assert_int_equal(d->connection, 1);
	assert_string_equal(d->uidl, "b");
	assert_string_equal(d->saved_path, "/saved/2.eml");
	assert_string_equal(d->summary.subject, "Hi");

	/* A later connection: confirmed at QUIT, then uncertain on a third. */
	connect(mb, LIST3, 3, "1 a\r\n2 b\r\n3 c\r\n");
	pending(mb, one, 1);
	gate_quit_sent(mb);
	gate_quit_answered(mb, true);
	connect(mb, LIST3, 3, "1 x\r\n2 b\r\n3 c\r\n");
	pending(mb, one, 1);
	gate_quit_sent(mb);
	gate_connection_lost(mb);
	assert_int_equal(mailbox_deletion_count(mb), 4);
	assert_int_equal(mailbox_deletion_at(mb, 2)->outcome, MSG_DELETED);
	assert_int_equal(mailbox_deletion_at(mb, 2)->connection, 2);
	assert_false(mailbox_deletion_at(mb, 2)->summary.headers);
	assert_int_equal(mailbox_deletion_at(mb, 3)->outcome, MSG_DELETE_UNCERTAIN);
	assert_string_equal(mailbox_deletion_at(mb, 3)->uidl, "x");
	assert_null(mailbox_deletion_at(mb, 4));
	mailbox_free(mb);
}

static void test_carry_over(void **state)
{
	mailbox_t *mb = mailbox_new();
	connect(mb, LIST3, 3, "1 a\r\n2 b\r\n3 c\r\n");
	save(mb, 1, "/saved/a");
	save(mb, 2, "/saved/b");
	save(mb, 3, "/saved/c");
	gate_connection_lost(mb);

	/* Reordered; "a" now larger (another message under the same UIDL);
	 * "b" now shared; "c" the same message at another number. */
	connect(mb, "1 300\r\n2 999\r\n3 200\r\n4 200\r\n", 4, "1 c\r\n2 a\r\n3 b\r\n4 b\r\n");
	char *why;
	assert_true(may_delete(mb, 1, &why));
	assert_true(mailbox_find(mb, 1)->save_carried);
	assert_string_equal(mailbox_find(mb, 1)->saved_path, "/saved/c");
	assert_int_equal(mailbox_find(mb, 2)->state, MSG_LISTED);
	assert_non_null(strstr(mailbox_find(mb, 2)->note, "100 octets"));
	refused(mb, 2, "not the same message");
	refused(mb, 3, "not unique");
	refused(mb, 4, "not unique");

	/* A save made while the UIDL was shared never unlocks a later DELE. */
	save(mb, 3, "/saved/b2");
	gate_connection_lost(mb);
	connect(mb, "1 200\r\n", 1, "1 b\r\n");
	/* The save of "b" from the first connection (unique then and now, same
	 * size) still counts; the one made while shared is not in the ledger
	 * under that UIDL. */
	assert_string_equal(mailbox_find(mb, 1)->saved_path, "/saved/b");
	assert_true(may_delete(mb, 1, &why));
	mailbox_free(mb);
}

static void test_headers_kept_across_connections(void **state)
{
	static const char head[] = "From: Ann <ann@example.org>\r\nSubject: Hi\r\n\r\n";
	mailbox_t *mb = mailbox_new();
	connect(mb, LIST3, 3, "1 a\r\n2 b\r\n3 c\r\n");
	mailbox_take_headers(mb, 2, head, strlen(head));
	assert_string_equal(mailbox_find(mb, 2)->from_address, "ann@example.org");
	assert_int_equal(mailbox_headers_known(mb), 1);
	gate_connection_lost(mb);
	connect(mb, "1 200\r\n2 300\r\n", 2, "1 b\r\n2 x\r\n");
	assert_true(mailbox_find(mb, 1)->headers);
	assert_string_equal(mailbox_find(mb, 1)->subject, "Hi");
	assert_false(mailbox_find(mb, 2)->headers);
	assert_int_equal(mailbox_headers_known(mb), 1);
	mailbox_free(mb);
}

static void test_placeholders(void **state)
{
	mailbox_t *mb = mailbox_new();
	connect(mb, LIST3, 3, "1 a\r\n2 b\r\n3 c\r\n");
	assert_string_equal(mailbox_sender(mailbox_find(mb, 1)), "(headers not loaded)");
	mailbox_take_headers(mb, 1, "\r\n", 2); /* no header at all */
	assert_string_equal(mailbox_sender(mailbox_find(mb, 1)), "(no sender)");
	assert_string_equal(mailbox_subject(mailbox_find(mb, 1)), "(no subject)");
	char *text = mailbox_describe(mailbox_find(mb, 1));
	assert_string_equal(
	    text, "message 1 (UIDL a, 100 octets, from (no sender), subject (no subject))");
	free(text);
	mailbox_free(mb);
}

static void test_size_verdicts(void **state)
{
	assert_int_equal(mailbox_judge_size(270, 270, 9), SIZE_AS_LISTED);
	assert_int_equal(mailbox_judge_size(270, 272, 9), SIZE_FINAL_LINE_END);
	assert_int_equal(mailbox_judge_size(270, 279, 9), SIZE_LINE_ENDS_AS_ONE);
	assert_int_equal(mailbox_judge_size(270, 278, 9), SIZE_DIFFERENT);
	assert_int_equal(mailbox_judge_size(270, 261, 9), SIZE_DIFFERENT); /* fewer */
	assert_int_equal(mailbox_judge_size(295, 1029, 20), SIZE_DIFFERENT);
	/* Two lines: one CRLF more is read as the final line end. */
	assert_int_equal(mailbox_judge_size(10, 12, 2), SIZE_FINAL_LINE_END);
	char *note = mailbox_size_note(SIZE_FINAL_LINE_END, 270, 272, 9);
	assert_non_null(strstr(note, "LIST said 270 octets and 272 arrived"));
	free(note);
}

/* Twisted, message without a final line end: 310 octets stored with 9 LF
 * line ends and an open last line; RETR sends 10 CRLF lines, 321 octets. */
static void test_size_line_ends_and_open_last_line(void **state)
{
	assert_int_equal(mailbox_judge_size(310, 321, 10), SIZE_LINE_ENDS_AS_ONE);
	/* The plain case, one octet a line, stays what it was. */
	assert_int_equal(mailbox_judge_size(310, 320, 10), SIZE_LINE_ENDS_AS_ONE);
	/* Around them: nothing else is read as line ends. */
	assert_int_equal(mailbox_judge_size(310, 319, 10), SIZE_DIFFERENT); /* lines - 1 */
	assert_int_equal(mailbox_judge_size(310, 322, 10), SIZE_DIFFERENT); /* lines + 2 */
	assert_int_equal(mailbox_judge_size(310, 323, 10), SIZE_DIFFERENT); /* lines + 3 */
	assert_int_equal(mailbox_judge_size(310, 299, 10), SIZE_DIFFERENT); /* lines + 1 fewer */
	/* One line: its one CRLF is the final line end, a complete copy either way. */
	assert_int_equal(mailbox_judge_size(33, 35, 1), SIZE_FINAL_LINE_END);
	assert_int_equal(mailbox_judge_size(33, 34, 0), SIZE_DIFFERENT);
	assert_int_equal(mailbox_judge_size(UINT64_MAX - 11, UINT64_MAX, 10),
			 SIZE_LINE_ENDS_AS_ONE);

	char *note = mailbox_size_note(SIZE_LINE_ENDS_AS_ONE, 310, 321, 10);
	assert_non_null(strstr(note, "LIST said 310 octets and 321 arrived, 11 more"));
	assert_non_null(strstr(note, "counts a line end as one octet"));
	assert_non_null(strstr(note, "each of the 9 line ends it stored"));
	assert_non_null(strstr(note, "the last of its 10 lines, which its copy left open"));
	free(note);
	note = mailbox_size_note(SIZE_LINE_ENDS_AS_ONE, 310, 320, 10);
	assert_non_null(strstr(note, "10 more, one for each of its 10 lines"));
	assert_null(strstr(note, "left open"));
	free(note);
}

/* Problems: big by the threshold, header problems from TOP, marks noted
 * outside the scan, size mismatch from a failed save; codes worst first. */
static void test_problems(void **state)
{
	(void)state;
	mailbox_t *mb = mailbox_new();
	connect(mb, "1 100\r\n2 20000000\r\n3 300\r\n", 3, "1 a\r\n2 b\r\n3 c\r\n");
	const mailbox_msg_t *m1 = mailbox_find(mb, 1), *m2 = mailbox_find(mb, 2),
			    *m3 = mailbox_find(mb, 3);
	assert_int_equal(mailbox_problems(m1), 0);
	assert_int_equal(mailbox_problems(m2), MAILBOX_PROBLEM_BIG); /* over 10 MiB */
	mailbox_set_big(mb, 200);
	assert_int_equal(mailbox_problems(m3), MAILBOX_PROBLEM_BIG);
	mailbox_set_big(mb, 0);
	assert_int_equal(mailbox_problems(m2), 0);

	static const char headers[] = "Subject: x\r\nFrom: a@b\r\nFrom: c@d\r\n\r\n";
	mailbox_take_headers(mb, 1, headers, sizeof headers - 1);
	assert_int_equal(mailbox_problems(m1), MIME_PROBLEM_NO_DATE | MIME_PROBLEM_DUP_FROM);
	assert_true(mailbox_note_problems(mb, 1, MIME_PROBLEM_BROKEN));
	assert_false(mailbox_note_problems(mb, 1, MIME_PROBLEM_BROKEN));
	char *codes = mailbox_problem_codes(mailbox_problems(m1), ",");
	assert_string_equal(codes, "mime-broken,dup-from,no-date");
	free(codes);
	/* A later header block replaces the header problems, not the mark. */
	static const char fixed[] = "Date: Mon, 02 Mar 2026 09:00:00 +0000\r\nFrom: a@b\r\n\r\n";
	mailbox_take_headers(mb, 1, fixed, sizeof fixed - 1);
	assert_int_equal(mailbox_problems(m1), MIME_PROBLEM_BROKEN);

	assert_true(mailbox_note_problems(mb, 2, MAILBOX_PROBLEM_TOP_REFUSED));
	char *why = NULL;
	assert_int_equal(gate_save_begin(mb, 3, &why), 0);
	gate_save_failed(mb, 3, "sizes differ", true);
	assert_int_equal(mailbox_problems(m3), MAILBOX_PROBLEM_SIZE_MISMATCH);
	codes = mailbox_problem_codes(0, ",");
	assert_string_equal(codes, "");
	free(codes);

	/* Rank: size-mismatch before top-refused before mime-broken. */
	assert_true(mailbox_problem_rank(mailbox_problems(m3)) <
		    mailbox_problem_rank(mailbox_problems(m2)));
	assert_true(mailbox_problem_rank(mailbox_problems(m2)) <
		    mailbox_problem_rank(mailbox_problems(m1)));
	assert_int_equal(mailbox_problem_rank(0), MAILBOX_PROBLEM_KINDS);
	/* Every kind has a code and a reason; the codes are distinct. */
	for (size_t i = 0; i < MAILBOX_PROBLEM_KINDS; i++) {
		const char *code, *reason;
		assert_int_not_equal(mailbox_problem_at(i, &code, &reason), 0);
		assert_true(*code && *reason);
		for (size_t j = 0; j < i; j++) {
			const char *other;
			mailbox_problem_at(j, &other, NULL);
			assert_string_not_equal(code, other);
		}
	}
	assert_int_equal(mailbox_problem_at(MAILBOX_PROBLEM_KINDS, NULL, NULL), 0);

	/* The same message on the next connection keeps what was found. */
	connect(mb, "1 100\r\n2 20000000\r\n3 300\r\n", 3, "1 a\r\n2 b\r\n3 c\r\n");
	assert_int_equal(mailbox_problems(mailbox_find(mb, 1)), MIME_PROBLEM_BROKEN);
	mailbox_free(mb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list_policy),
	    cmocka_unit_test(test_uidl_policy),
	    cmocka_unit_test(test_uidl_line_twice),
	    cmocka_unit_test(test_orders_kept_on_request),
	    cmocka_unit_test(test_no_uidl_command),
	    cmocka_unit_test(test_save_then_delete),
	    cmocka_unit_test(test_quit_outcomes),
	    cmocka_unit_test(test_ledgers),
	    cmocka_unit_test(test_carry_over),
	    cmocka_unit_test(test_headers_kept_across_connections),
	    cmocka_unit_test(test_placeholders),
	    cmocka_unit_test(test_problems),
	    cmocka_unit_test(test_size_verdicts),
	    cmocka_unit_test(test_size_line_ends_and_open_last_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
