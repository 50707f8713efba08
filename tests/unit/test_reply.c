/* test_reply: the POP3 reply grammar, the body decoder fed at every split. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pop3/reply.h"
#include "util/buf.h"

#define STR_AND_LEN(s) s, sizeof(s) - 1

/* ---- the body decoder ---- */

typedef struct {
	const char *wire; /* bytes as the server sends them after the status line */
	size_t wire_len;
	const char *content; /* what the decoder must deliver */
	size_t content_len;
	uint64_t lines;
	size_t consumed; /* up to and including the terminator */
	bool done;
} body_case_t;

#define BODY(w, c, n, rest, d)                                                                     \
	{                                                                                          \
		w, sizeof(w) - 1, c, sizeof(c) - 1, n, sizeof(w) - 1 - (rest), d                   \
	}

static const body_case_t bodies[] = {
    BODY("Hello\r\nWorld\r\n.\r\n", "Hello\r\nWorld\r\n", 2, 0, true),
    BODY(".\r\n", "", 0, 0, true),
    BODY(".\n", "", 0, 0, true),
    BODY("..leading dot\r\n...two\r\n.\r\n", ".leading dot\r\n..two\r\n", 2, 0, true),
    BODY("a\r\n..\r\nb\r\n.\r\n", "a\r\n.\r\nb\r\n", 3, 0, true),
    BODY("..\r\n.\r\n", ".\r\n", 1, 0, true),
    BODY("\r\n\r\nx\r\n\r\n.\r\n", "\r\n\r\nx\r\n\r\n", 4, 0, true),
    BODY("a\nb\n.\n", "a\nb\n", 2, 0, true),
    BODY("a\r\nb\n\n.\r\n", "a\r\nb\n\n", 3, 0, true),
    BODY("x\r\n.\r\n+OK next\r\n", "x\r\n", 1, 10, true),
    BODY("x\n.\n.\r\n", "x\n", 1, 3, true),
    BODY(".x\r\n. \r\n.\r\n", ".x\r\n. \r\n", 2, 0, true),
    BODY(".\rx\r\n.\r\n", ".\rx\r\n", 1, 0, true),
    BODY(".\r\r\n.\r\n", ".\r\r\n", 1, 0, true),
    BODY(".\r.\r\n.\r\n", ".\r.\r\n", 1, 0, true),
    BODY("a\rb\r\n.\r\n", "a\rb\r\n", 1, 0, true),
    BODY("a.\r\n.a\r\n..\n.\r\n-ERR x\r\n", "a.\r\n.a\r\n.\n", 3, 8, true),
    BODY("\n.\r\n", "\n", 1, 0, true),
    BODY("From: a\r\n\r\n..\r\n...\r\n.\r\n.\r\n", "From: a\r\n\r\n.\r\n..\r\n", 4, 3, true),
    /* unfinished bodies: everything consumed, the held dot not yet delivered */
    BODY("abc\r\n.", "abc\r\n", 1, 0, false),
    BODY("abc\r\n.\r", "abc\r\n", 1, 0, false),
    BODY("abc\r\n..", "abc\r\n.", 1, 0, false),
    BODY("abc", "abc", 0, 0, false),
    BODY("", "", 0, 0, false),
};
#define N_BODIES (sizeof(bodies) / sizeof(bodies[0]))

typedef struct {
	buf_t out;
	size_t calls;
	size_t stop_after; /* return non-zero from this call on; 0 = never */
} sink_t;

static int sink_out(void *ctx, const char *data, size_t len)
{
	sink_t *sink = ctx;

	assert_true(len > 0);
	buf_append(&sink->out, data, len);
	sink->calls++;
	return sink->stop_after && sink->calls >= sink->stop_after;
}

static void sink_init(sink_t *sink, size_t stop_after)
{
	buf_init(&sink->out);
	sink->calls = 0;
	sink->stop_after = stop_after;
}

typedef struct {
	size_t consumed;
	uint64_t octets;
	uint64_t lines;
	bool done;
} feed_result_t;

/* feed: give the decoder wire in chunks cut at the sorted offsets cuts[0..ncuts). */
static feed_result_t feed(const char *wire, size_t len, const size_t *cuts, size_t ncuts,
			  sink_t *sink)
{
	pop3_body_t body;
	feed_result_t r = {0, 0, 0, false};
	size_t start = 0;

	pop3_body_init(&body);
	for (size_t k = 0; k <= ncuts; k++) {
		size_t end = k < ncuts ? cuts[k] : len;
		size_t used =
		    pop3_body_feed(&body, wire + start, end - start, sink ? sink_out : NULL, sink);
		assert_true(used <= end - start);
		r.consumed += used;
		if (body.done)
			break;
		/* Short of the terminator, every byte must be taken. */
		assert_int_equal(used, end - start);
		start = end;
	}
	/* Once done, the decoder takes nothing more. */
	if (body.done)
		assert_int_equal(pop3_body_feed(&body, "x\r\n", 3, NULL, NULL), 0);
	r.octets = body.octets;
	r.lines = body.lines;
	r.done = body.done;
	return r;
}

static void check_result(const body_case_t *c, feed_result_t r, const sink_t *sink)
{
	assert_int_equal(r.consumed, c->consumed);
	assert_int_equal(r.octets, c->content_len);
	assert_int_equal(r.lines, c->lines);
	assert_int_equal(r.done, c->done);
	if (sink) {
		assert_int_equal(sink->out.len, c->content_len);
		if (c->content_len)
			assert_memory_equal(sink->out.data, c->content, c->content_len);
	}
}

static void test_body_one_shot(void **state)
{
	for (size_t i = 0; i < N_BODIES; i++) {
		sink_t sink;
		sink_init(&sink, 0);
		check_result(&bodies[i], feed(bodies[i].wire, bodies[i].wire_len, NULL, 0, &sink),
			     &sink);
		buf_free(&sink.out);
	}
}

static void test_body_every_split(void **state)
{
	for (size_t i = 0; i < N_BODIES; i++) {
		const body_case_t *c = &bodies[i];
		for (size_t cut = 0; cut <= c->wire_len; cut++) {
			sink_t sink;
			sink_init(&sink, 0);
			check_result(c, feed(c->wire, c->wire_len, &cut, 1, &sink), &sink);
			buf_free(&sink.out);
		}
	}
}

static void test_body_every_two_splits(void **state)
{
	for (size_t i = 0; i < N_BODIES; i++) {
		const body_case_t *c = &bodies[i];
		for (size_t a = 0; a <= c->wire_len; a++) {
			for (size_t b = a; b <= c->wire_len; b++) {
				size_t cuts[2] = {a, b};
				sink_t sink;
				sink_init(&sink, 0);
				check_result(c, feed(c->wire, c->wire_len, cuts, 2, &sink), &sink);
				buf_free(&sink.out);
			}
		}
	}
}

static void test_body_byte_by_byte(void **state)
{
	for (size_t i = 0; i < N_BODIES; i++) {
		const body_case_t *c = &bodies[i];
		size_t *cuts = calloc(c->wire_len + 1, sizeof(*cuts));
		sink_t sink;

		assert_non_null(cuts);
		for (size_t k = 0; k < c->wire_len; k++)
			cuts[k] = k + 1;
		sink_init(&sink, 0);
		check_result(c, feed(c->wire, c->wire_len, cuts, c->wire_len, &sink), &sink);
		buf_free(&sink.out);
		free(cuts);
	}
}

static void test_body_delivers_spans(void **state)
{
	sink_t sink;

	/* No dot-stuffing: the whole body in one call. */
	sink_init(&sink, 0);
	feed(STR_AND_LEN("Hello\r\nWorld\r\n\r\nthird line\r\n.\r\n"), NULL, 0, &sink);
	assert_int_equal(sink.calls, 1);
	buf_free(&sink.out);

	/* One stuffed dot splits the body once. */
	sink_init(&sink, 0);
	feed(STR_AND_LEN("Hello\r\n..World\r\nmore\r\n.\r\n"), NULL, 0, &sink);
	assert_int_equal(sink.calls, 2);
	buf_free(&sink.out);

	/* A lenient leading dot does not split at all. */
	sink_init(&sink, 0);
	feed(STR_AND_LEN("Hello\r\n.World\r\nmore\r\n.\r\n"), NULL, 0, &sink);
	assert_int_equal(sink.calls, 1);
	buf_free(&sink.out);
}

static void test_body_stop_and_discard(void **state)
{
	for (size_t i = 0; i < N_BODIES; i++) {
		const body_case_t *c = &bodies[i];
		size_t cut = c->wire_len / 2;
		sink_t sink;
		feed_result_t r;

		/* out asks to stop at its first call: nothing more is delivered, the
		 * counts and the terminator are unchanged. */
		sink_init(&sink, 1);
		r = feed(c->wire, c->wire_len, &cut, 1, &sink);
		check_result(c, r, NULL);
		assert_true(sink.calls <= 1);
		assert_true(sink.out.len <= c->content_len);
		if (sink.out.len)
			assert_memory_equal(sink.out.data, c->content, sink.out.len);
		buf_free(&sink.out);

		check_result(c, feed(c->wire, c->wire_len, &cut, 1, NULL), NULL);
	}
}

/* reference_decode: the obvious line-by-line decoder, to check the state machine.
 * An unfinished last line is delivered as the decoder must: a lone "." or
 * ".\r" held back, ".." unstuffed. */
static void reference_decode(const char *wire, size_t len, buf_t *out, uint64_t *lines,
			     size_t *consumed, bool *done)
{
	size_t pos = 0;

	*lines = 0;
	*done = false;
	*consumed = len;
	while (pos < len) {
		const char *lf = memchr(wire + pos, '\n', len - pos);
		size_t end = lf ? (size_t)(lf - wire) + 1 : len;
		const char *line = wire + pos;
		size_t n = end - pos;
		bool dot_line =
		    (n == 2 && line[0] == '.') || (n == 3 && memcmp(line, ".\r\n", 3) == 0);
		if (lf && dot_line) {
			*done = true;
			*consumed = end;
			return;
		}
		if (!lf && ((n == 1 && line[0] == '.') || (n == 2 && memcmp(line, ".\r", 2) == 0)))
			return;
		if (n >= 2 && line[0] == '.' && line[1] == '.')
			buf_append(out, line + 1, n - 1);
		else
			buf_append(out, line, n);
		if (lf)
			(*lines)++;
		pos = end;
	}
}

static void test_body_random_against_reference(void **state)
{
	static const char alphabet[] = "..\r\n\nab ";
	unsigned seed = 12345;

	for (int round = 0; round < 3000; round++) {
		char wire[200];
		size_t len = (size_t)(round % 150) + 1;
		buf_t want;
		uint64_t want_lines;
		size_t want_consumed;
		bool want_done;

		for (size_t k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			wire[k] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		buf_init(&want);
		reference_decode(wire, len, &want, &want_lines, &want_consumed, &want_done);
		for (size_t cut = 0; cut <= len; cut += 3) {
			sink_t sink;
			feed_result_t r;
			sink_init(&sink, 0);
			r = feed(wire, len, &cut, 1, &sink);
			assert_int_equal(r.done, want_done);
			assert_int_equal(r.lines, want_lines);
			assert_int_equal(r.consumed, want_consumed);
			assert_int_equal(r.octets, want.len);
			assert_int_equal(sink.out.len, want.len);
			if (want.len)
				assert_memory_equal(sink.out.data, want.data, want.len);
			buf_free(&sink.out);
		}
		buf_free(&want);
	}
}

static void test_body_large(void **state)
{
	buf_t wire, want;
	sink_t sink;
	feed_result_t r;

	buf_init(&wire);
	buf_init(&want);
	for (int k = 0; k < 5000; k++) {
		buf_printf(&wire, "%sline %d\r\n", k % 10 == 0 ? ".." : "", k);
		buf_printf(&want, "%sline %d\r\n", k % 10 == 0 ? "." : "", k);
	}
	buf_append_str(&wire, ".\r\n");
	for (size_t chunk = 1; chunk < 5000; chunk = chunk * 3 + 1) {
		size_t ncuts = wire.len / chunk;
		size_t *cuts = calloc(ncuts + 1, sizeof(*cuts));
		assert_non_null(cuts);
		for (size_t k = 0; k < ncuts; k++)
			cuts[k] = (k + 1) * chunk;
		sink_init(&sink, 0);
		r = feed(wire.data, wire.len, cuts, ncuts, &sink);
		assert_true(r.done);
		assert_int_equal(r.consumed, wire.len);
		assert_int_equal(r.lines, 5000);
		assert_int_equal(sink.out.len, want.len);
		assert_memory_equal(sink.out.data, want.data, want.len);
		buf_free(&sink.out);
		free(cuts);
	}
	buf_free(&wire);
	buf_free(&want);
}

/* ---- lines and status ---- */

static void test_find_line(void **state)
{
	size_t n = 99;

	assert_int_equal(pop3_find_line(STR_AND_LEN("abc\r\n"), 100, &n), 5);
	assert_int_equal(n, 3);
	assert_int_equal(pop3_find_line(STR_AND_LEN("abc\nrest"), 100, &n), 4);
	assert_int_equal(n, 3);
	assert_int_equal(pop3_find_line(STR_AND_LEN("\r\n"), 100, &n), 2);
	assert_int_equal(n, 0);
	assert_int_equal(pop3_find_line(STR_AND_LEN("\n"), 100, &n), 1);
	assert_int_equal(n, 0);
	assert_int_equal(pop3_find_line(STR_AND_LEN("a\rb\n"), 100, &n), 4);
	assert_int_equal(n, 3);
	assert_int_equal(pop3_find_line(STR_AND_LEN("abc"), 100, &n), 0);
	assert_int_equal(pop3_find_line(STR_AND_LEN("abc\r"), 100, &n), 0);
	assert_int_equal(pop3_find_line("", 0, 100, &n), 0);
	assert_int_equal(pop3_find_line(STR_AND_LEN("abcdef"), 4, &n), -1);
	assert_int_equal(pop3_find_line(STR_AND_LEN("abc\n"), 3, &n), -1);
	assert_int_equal(pop3_find_line(STR_AND_LEN("ab\ncd"), 3, &n), 3);
	assert_int_equal(n, 2);
	assert_int_equal(pop3_find_line(STR_AND_LEN("abcd"), 8, &n), 0);
}

static void check_status(const char *line, pop3_status_t status, pop3_code_t code, const char *text)
{
	pop3_status_line_t st;

	pop3_parse_status(line, strlen(line), &st);
	assert_int_equal(st.status, status);
	assert_int_equal(st.code, code);
	assert_int_equal(st.text_len, strlen(text));
	assert_memory_equal(st.text, text, st.text_len);
	assert_true(st.text >= line && st.text + st.text_len <= line + strlen(line));
}

static void test_status_words(void **state)
{
	check_status("+OK", POP3_STATUS_OK, POP3_CODE_NONE, "");
	check_status("+OK ", POP3_STATUS_OK, POP3_CODE_NONE, "");
	check_status("+OK 2 messages", POP3_STATUS_OK, POP3_CODE_NONE, "2 messages");
	check_status("-ERR", POP3_STATUS_ERR, POP3_CODE_NONE, "");
	check_status("-ERR no such message", POP3_STATUS_ERR, POP3_CODE_NONE, "no such message");
	check_status("+", POP3_STATUS_CONT, POP3_CODE_NONE, "");
	check_status("+ ", POP3_STATUS_CONT, POP3_CODE_NONE, "");
	check_status("+ dGVzdA==", POP3_STATUS_CONT, POP3_CODE_NONE, "dGVzdA==");
	check_status("+ [IN-USE]", POP3_STATUS_CONT, POP3_CODE_NONE, "[IN-USE]");
	check_status("+OKAY", POP3_STATUS_BAD, POP3_CODE_NONE, "+OKAY");
	check_status("+ok", POP3_STATUS_BAD, POP3_CODE_NONE, "+ok");
	check_status("-err", POP3_STATUS_BAD, POP3_CODE_NONE, "-err");
	check_status("-ERROR", POP3_STATUS_BAD, POP3_CODE_NONE, "-ERROR");
	check_status("OK", POP3_STATUS_BAD, POP3_CODE_NONE, "OK");
	check_status(" +OK", POP3_STATUS_BAD, POP3_CODE_NONE, " +OK");
	check_status("", POP3_STATUS_BAD, POP3_CODE_NONE, "");
	check_status("* OK IMAP", POP3_STATUS_BAD, POP3_CODE_NONE, "* OK IMAP");
}

static void test_status_codes(void **state)
{
	check_status("-ERR [IN-USE] locked", POP3_STATUS_ERR, POP3_CODE_IN_USE, "[IN-USE] locked");
	check_status("-ERR [in-use]", POP3_STATUS_ERR, POP3_CODE_IN_USE, "[in-use]");
	check_status("-ERR [LOGIN-DELAY] wait", POP3_STATUS_ERR, POP3_CODE_LOGIN_DELAY,
		     "[LOGIN-DELAY] wait");
	check_status("-ERR [SYS/TEMP] x", POP3_STATUS_ERR, POP3_CODE_SYS_TEMP, "[SYS/TEMP] x");
	check_status("-ERR [sys/perm]", POP3_STATUS_ERR, POP3_CODE_SYS_PERM, "[sys/perm]");
	check_status("-ERR [SYS/PERM/QUOTA]", POP3_STATUS_ERR, POP3_CODE_SYS_PERM,
		     "[SYS/PERM/QUOTA]");
	check_status("-ERR [AUTH] bad", POP3_STATUS_ERR, POP3_CODE_AUTH, "[AUTH] bad");
	check_status("-ERR [AUTHX]", POP3_STATUS_ERR, POP3_CODE_OTHER, "[AUTHX]");
	check_status("-ERR [SYS]", POP3_STATUS_ERR, POP3_CODE_OTHER, "[SYS]");
	check_status("-ERR [SYS/OTHER]", POP3_STATUS_ERR, POP3_CODE_OTHER, "[SYS/OTHER]");
	check_status("-ERR [SYS/TEMPX]", POP3_STATUS_ERR, POP3_CODE_OTHER, "[SYS/TEMPX]");
	check_status("-ERR [X-VENDOR-1]", POP3_STATUS_ERR, POP3_CODE_OTHER, "[X-VENDOR-1]");
	check_status("+OK [IN-USE]", POP3_STATUS_OK, POP3_CODE_IN_USE, "[IN-USE]");
	/* not codes */
	check_status("-ERR [IN-USE", POP3_STATUS_ERR, POP3_CODE_NONE, "[IN-USE");
	check_status("-ERR []", POP3_STATUS_ERR, POP3_CODE_NONE, "[]");
	check_status("-ERR [A//B]", POP3_STATUS_ERR, POP3_CODE_NONE, "[A//B]");
	check_status("-ERR [/A]", POP3_STATUS_ERR, POP3_CODE_NONE, "[/A]");
	check_status("-ERR [A/]", POP3_STATUS_ERR, POP3_CODE_NONE, "[A/]");
	check_status("-ERR [IN USE]", POP3_STATUS_ERR, POP3_CODE_NONE, "[IN USE]");
	check_status("-ERR  [IN-USE]", POP3_STATUS_ERR, POP3_CODE_NONE, " [IN-USE]");
	check_status("-ERR x [IN-USE]", POP3_STATUS_ERR, POP3_CODE_NONE, "x [IN-USE]");
	check_status("-ERR [IN-\x1b]", POP3_STATUS_ERR, POP3_CODE_NONE, "[IN-\x1b]");
}

static void test_status_respects_length(void **state)
{
	pop3_status_line_t st;

	/* the length, not a NUL, ends the line */
	pop3_parse_status("+OKAY", 3, &st);
	assert_int_equal(st.status, POP3_STATUS_OK);
	assert_int_equal(st.text_len, 0);
	pop3_parse_status("-ERR [IN-USE]", 12, &st);
	assert_int_equal(st.code, POP3_CODE_NONE);
	pop3_parse_status("+OK\0x", 5, &st);
	assert_int_equal(st.status, POP3_STATUS_BAD);
}

static void test_code_explain(void **state)
{
	assert_string_equal(pop3_code_explain(POP3_CODE_IN_USE),
			    "the mailbox is locked by another session; "
			    "wait or close the other client");
	assert_non_null(pop3_code_explain(POP3_CODE_LOGIN_DELAY));
	assert_non_null(pop3_code_explain(POP3_CODE_SYS_TEMP));
	assert_non_null(pop3_code_explain(POP3_CODE_SYS_PERM));
	assert_string_equal(pop3_code_explain(POP3_CODE_AUTH),
			    "the user name or password was not accepted");
	assert_null(pop3_code_explain(POP3_CODE_NONE));
	assert_null(pop3_code_explain(POP3_CODE_OTHER));
}

/* ---- STAT, LIST, UIDL ---- */

static bool stat_of(const char *text, uint64_t *count, uint64_t *octets)
{
	return pop3_parse_stat(text, strlen(text), count, octets);
}

static void test_stat(void **state)
{
	uint64_t count = 7, octets = 7;

	assert_true(stat_of("2 320", &count, &octets));
	assert_int_equal(count, 2);
	assert_int_equal(octets, 320);
	assert_true(stat_of("0 0", &count, &octets));
	assert_int_equal(count, 0);
	assert_true(stat_of("02 0320", &count, &octets)); /* leading zeros are digits */
	assert_int_equal(count, 2);
	assert_int_equal(octets, 320);
	assert_true(stat_of("3 10 extension text", &count, &octets));
	assert_int_equal(count, 3);
	assert_true(stat_of("10000000 5", &count, &octets));
	assert_true(stat_of("1 18446744073709551615", &count, &octets));
	assert_true(octets == UINT64_MAX);

	count = octets = 7;
	assert_false(stat_of("10000001 5", &count, &octets));
	assert_false(stat_of("1 18446744073709551616", &count, &octets));
	assert_false(stat_of("2  320", &count, &octets));
	assert_false(stat_of(" 2 320", &count, &octets));
	assert_false(stat_of("2\t320", &count, &octets));
	assert_false(stat_of("-1 5", &count, &octets));
	assert_false(stat_of("+1 5", &count, &octets));
	assert_false(stat_of("1 -5", &count, &octets));
	assert_false(stat_of("2", &count, &octets));
	assert_false(stat_of("2 ", &count, &octets));
	assert_false(stat_of("", &count, &octets));
	assert_false(stat_of("a b", &count, &octets));
	assert_false(stat_of("2 320x", &count, &octets));
	assert_false(stat_of("0x2 320", &count, &octets));
	assert_int_equal(count, 7);
	assert_int_equal(octets, 7);
}

static bool scan_of(const char *line, uint64_t max, uint64_t *n, uint64_t *size)
{
	return pop3_parse_scan_line(line, strlen(line), max, n, size);
}

static void test_scan_line(void **state)
{
	uint64_t n = 7, size = 7;

	assert_true(scan_of("1 120", 10, &n, &size));
	assert_int_equal(n, 1);
	assert_int_equal(size, 120);
	assert_true(scan_of("10 0", 10, &n, &size));
	assert_int_equal(n, 10);
	assert_int_equal(size, 0);
	assert_true(scan_of("1 1099511627776", 10, &n, &size));
	assert_true(size == POP3_MAX_MESSAGE_SIZE);
	assert_true(scan_of("2 120 extra info", 10, &n, &size));
	assert_int_equal(size, 120);
	assert_true(scan_of("2 120 ", 10, &n, &size));

	n = size = 7;
	assert_false(scan_of("0 120", 10, &n, &size));
	assert_false(scan_of("11 120", 10, &n, &size));
	assert_false(scan_of("1 1099511627777", 10, &n, &size));
	assert_false(scan_of("1 99999999999999999999999", 10, &n, &size));
	assert_false(scan_of("99999999999999999999999 1", UINT64_MAX, &n, &size));
	assert_false(scan_of("1 120x", 10, &n, &size));
	assert_false(scan_of("1  120", 10, &n, &size));
	assert_false(scan_of("1", 10, &n, &size));
	assert_false(scan_of("1 ", 10, &n, &size));
	assert_false(scan_of("1 -5", 10, &n, &size));
	assert_false(scan_of("-1 5", 10, &n, &size));
	assert_false(scan_of("1 +5", 10, &n, &size));
	assert_false(scan_of("1\t5", 10, &n, &size));
	assert_false(scan_of(" 1 5", 10, &n, &size));
	assert_false(scan_of("", 10, &n, &size));
	assert_false(pop3_parse_scan_line("1 5", 2, 10, &n, &size));
	assert_int_equal(n, 7);
	assert_int_equal(size, 7);
}

static bool uidl_of(const char *line, uint64_t max, uint64_t *n, const char **uid, size_t *uid_len)
{
	return pop3_parse_uidl_line(line, strlen(line), max, n, uid, uid_len);
}

static void test_uidl_line(void **state)
{
	static const char line[] = "3 whqtswO00WBw418f9t5JxYwZ";
	char longest[80];
	uint64_t n = 7;
	const char *uid = NULL;
	size_t uid_len = 0;

	assert_true(uidl_of(line, 10, &n, &uid, &uid_len));
	assert_int_equal(n, 3);
	assert_ptr_equal(uid, line + 2);
	assert_int_equal(uid_len, strlen(line) - 2);
	assert_true(uidl_of("1 !~", 10, &n, &uid, &uid_len));

	memset(longest, 'x', sizeof(longest));
	memcpy(longest, "1 ", 2);
	assert_true(pop3_parse_uidl_line(longest, 72, 10, &n, &uid, &uid_len));
	assert_int_equal(uid_len, 70);
	assert_false(pop3_parse_uidl_line(longest, 73, 10, &n, &uid, &uid_len));

	n = 7;
	uid = NULL;
	assert_false(uidl_of("1 ", 10, &n, &uid, &uid_len));
	assert_false(uidl_of("1", 10, &n, &uid, &uid_len));
	assert_false(uidl_of("1 a b", 10, &n, &uid, &uid_len));
	assert_false(uidl_of("1  abc", 10, &n, &uid, &uid_len));
	assert_false(uidl_of("0 abc", 10, &n, &uid, &uid_len));
	assert_false(uidl_of("11 abc", 10, &n, &uid, &uid_len));
	assert_false(uidl_of("1 ab\x7f", 10, &n, &uid, &uid_len));
	assert_false(uidl_of("1 \x1b[2J", 10, &n, &uid, &uid_len));
	assert_false(uidl_of("1 \xc3\xa9", 10, &n, &uid, &uid_len));
	assert_false(uidl_of("x abc", 10, &n, &uid, &uid_len));
	assert_false(pop3_parse_uidl_line("1 a\0b", 5, 10, &n, &uid, &uid_len));
	assert_int_equal(n, 7);
	assert_null(uid);
}

/* ---- CAPA ---- */

static void test_capa_full(void **state)
{
	static const char body[] =
	    "TOP\r\nuidl\r\nUser\r\nPIPELINING\r\nSTLS\r\nRESP-CODES\r\n"
	    "AUTH-RESP-CODE\r\nSASL plain Login SCRAM-SHA-256 x!bad PLAIN\r\n"
	    "IMPLEMENTATION Dovecot ready.\r\nLOGIN-DELAY 900\r\nEXPIRE NEVER\r\n"
	    "SASL-IR\r\nX-UNKNOWN foo\r\nutf8 user\r\n";
	pop3_capa_t capa;

	pop3_parse_capa(STR_AND_LEN(body), &capa);
	assert_true(capa.known);
	assert_true(capa.top && capa.uidl && capa.user && capa.pipelining && capa.stls);
	assert_true(capa.resp_codes && capa.auth_resp_code && capa.sasl_ir);
	assert_true(capa.utf8 && capa.utf8_user);
	assert_string_equal(capa.sasl, "PLAIN LOGIN SCRAM-SHA-256");
	assert_string_equal(capa.implementation, "Dovecot ready.");
	assert_int_equal(capa.login_delay, 900);
	assert_int_equal(capa.expire, -2);
	pop3_capa_free(&capa);
	assert_false(capa.known);
	assert_null(capa.sasl);
	assert_null(capa.implementation);
	assert_int_equal(capa.login_delay, -1);
	assert_int_equal(capa.expire, -1);
}

static void test_capa_minimal_and_odd(void **state)
{
	static const char body[] = "TOPX\nEXPIRE 30 USER\nLOGIN-DELAY abc\nSASL\nSASL EXTERNAL\n"
				   "SASL AVERYVERYLONGMECHANISMNAME\n  UIDL  \nSTLS extra\nUTF8\n"
				   "UTF8X USER\nUSER";
	pop3_capa_t capa;

	pop3_parse_capa(STR_AND_LEN(body), &capa);
	assert_true(capa.known);
	assert_false(capa.top);
	assert_false(capa.pipelining);
	assert_true(capa.uidl);
	assert_true(capa.stls);
	assert_true(capa.user); /* last line without an ending */
	assert_true(capa.utf8);
	assert_false(capa.utf8_user); /* "UTF8X USER" is another capability */
	assert_int_equal(capa.expire, 30);
	assert_int_equal(capa.login_delay, -1);
	assert_string_equal(capa.sasl, "EXTERNAL");
	assert_null(capa.implementation);
	pop3_capa_free(&capa);

	pop3_parse_capa("", 0, &capa);
	assert_true(capa.known);
	assert_false(capa.top || capa.uidl || capa.user || capa.stls || capa.utf8);
	assert_null(capa.sasl);
	assert_int_equal(capa.expire, -1);
	pop3_capa_free(&capa);
}

static void test_capa_garbage_bounded(void **state)
{
	buf_t body;
	pop3_capa_t capa;

	buf_init(&body);
	/* an overlong line is ignored whole */
	buf_append_str(&body, "TOP");
	for (int k = 0; k < 2000; k++)
		buf_append_str(&body, " x");
	buf_append_str(&body, "\r\n");
	/* a NUL hides nothing */
	buf_append(&body, "PIPELINING\0\r\n", 13);
	/* a flood of mechanisms stays within the bound */
	for (int k = 0; k < 500; k++)
		buf_printf(&body, "SASL MECH-%d X-%d\r\n", k, k);
	buf_append_str(&body, "IMPLEMENTATION ");
	for (int k = 0; k < 100; k++)
		buf_append_str(&body, "abcdefgh");
	buf_append_str(&body, "\r\nEXPIRE 99999999999999999999\r\nLOGIN-DELAY -5\r\n");

	pop3_parse_capa(body.data, body.len, &capa);
	assert_false(capa.top);
	assert_false(capa.pipelining);
	assert_non_null(capa.sasl);
	assert_true(strlen(capa.sasl) <= 1024);
	assert_true(strncmp(capa.sasl, "MECH-0 X-0 MECH-1", 17) == 0);
	assert_non_null(capa.implementation);
	assert_true(strlen(capa.implementation) <= 256);
	assert_int_equal(capa.expire, -1);
	assert_int_equal(capa.login_delay, -1);
	pop3_capa_free(&capa);
	buf_free(&body);
}

/* ---- APOP ---- */

static void check_apop(const char *greeting, const char *want)
{
	char *got = pop3_apop_timestamp(greeting, strlen(greeting));

	if (want == NULL) {
		assert_null(got);
	} else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
	free(got);
}

static void test_apop_timestamp(void **state)
{
	char huge[400];

	check_apop("POP3 server ready <1896.697170952@dbc.mtview.ca.us>",
		   "<1896.697170952@dbc.mtview.ca.us>");
	check_apop("Dovecot ready. <1a2b.3c@host> trailing", "<1a2b.3c@host>");
	check_apop("<nope> <a@b>", "<a@b>");
	check_apop("<<a@b>>", "<a@b>");
	check_apop("<a b@c>", NULL);
	check_apop("<a b@c> <d@e>", "<d@e>");
	check_apop("<no-at-sign>", NULL);
	check_apop("<a@b", NULL);
	check_apop("<a@\x1b>", NULL);
	check_apop("<a@\xc3\xa9>", NULL);
	check_apop("no timestamp here", NULL);
	check_apop("", NULL);

	huge[0] = '<';
	memset(huge + 1, 'a', sizeof(huge) - 3);
	huge[200] = '@';
	huge[sizeof(huge) - 2] = '>';
	huge[sizeof(huge) - 1] = '\0';
	check_apop(huge, NULL);

	/* the length, not a NUL, ends the greeting */
	assert_null(pop3_apop_timestamp("<a@b>", 4));
}

static void test_size_margin(void **state)
{
	(void)state;
	assert_int_equal(pop3_size_margin(0), 4096);
	assert_int_equal(pop3_size_margin(177), 4096);
	assert_int_equal(pop3_size_margin(16 * 4096), 4096);
	assert_int_equal(pop3_size_margin(16 * 4096 + 16), 4097);
	assert_int_equal(pop3_size_margin(UINT64_C(1) << 30), UINT64_C(1) << 26);
	assert_int_equal(pop3_size_margin(UINT64_MAX), UINT64_MAX / 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_body_one_shot),
	    cmocka_unit_test(test_body_every_split),
	    cmocka_unit_test(test_body_every_two_splits),
	    cmocka_unit_test(test_body_byte_by_byte),
	    cmocka_unit_test(test_body_delivers_spans),
	    cmocka_unit_test(test_body_stop_and_discard),
	    cmocka_unit_test(test_body_random_against_reference),
	    cmocka_unit_test(test_body_large),
	    cmocka_unit_test(test_find_line),
	    cmocka_unit_test(test_status_words),
	    cmocka_unit_test(test_status_codes),
	    cmocka_unit_test(test_status_respects_length),
	    cmocka_unit_test(test_code_explain),
	    cmocka_unit_test(test_stat),
	    cmocka_unit_test(test_scan_line),
	    cmocka_unit_test(test_uidl_line),
	    cmocka_unit_test(test_capa_full),
	    cmocka_unit_test(test_capa_minimal_and_odd),
	    cmocka_unit_test(test_capa_garbage_bounded),
	    cmocka_unit_test(test_apop_timestamp),
	    cmocka_unit_test(test_size_margin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
