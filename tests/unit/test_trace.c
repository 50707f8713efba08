#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "trace.h"
#include "util/buf.h"
#include "util/xalloc.h"

static int setup_dir(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/test_trace-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");

	if (!mkdtemp(dir)) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

static int teardown_dir(void **state)
{
	char *dir = *state;

	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
	return 0;
}

static char *read_all(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	buf_t b;
	buf_init(&b);
	char chunk[4096];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		buf_append(&b, chunk, (size_t)n);
	close(fd);
	return buf_steal(&b);
}

static size_t count_lines(const char *text)
{
	size_t n = 0;
	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* ---- masking ---- */

static void test_mask_table(void **state)
{
	static const struct {
		const char *in;
		bool sasl;
		const char *out;
	} cases[] = {
	    {"PASS secret", false, "PASS ****"},
	    {"pass secret", false, "pass ****"},
	    {"PaSs secret", false, "PaSs ****"},
	    {"  pass secret", false, "  pass ****"},
	    {"\tPASS secret", false, "\tPASS ****"},
	    {"PASS\tsecret", false, "PASS ****"},
	    {"PASS   two secret words  ", false, "PASS ****"},
	    {"PASS secret\r\n", false, "PASS ****"},
	    {"PASS\vsecret", false, "PASS ****"},
	    {"PASS ", false, "PASS ****"},
	    {"PASS", false, "PASS"},
	    {"PASSWORD x", false, "PASSWORD x"},
	    {"APOP user secretdigest", false, "APOP user ****"},
	    {"apop  user\tsecretdigest", false, "apop  user ****"},
	    {"  APOP user secret more", false, "  APOP user ****"},
	    {"APOP user", false, "APOP user"},
	    {"APOP", false, "APOP"},
	    {"AUTH PLAIN AHNlY3JldAB4", false, "AUTH PLAIN ****"},
	    {"auth plain secret", false, "auth plain ****"},
	    {"AUTH\tPLAIN\tsecret", false, "AUTH\tPLAIN ****"},
	    {" \tAUTH  PLAIN  secret  ", false, " \tAUTH  PLAIN ****"},
	    {"AUTH PLAIN =", false, "AUTH PLAIN ****"},
	    {"AUTH XOAUTH2 dXNlcj1zZWNyZXQ=", false, "AUTH XOAUTH2 ****"},
	    {"AUTH LOGIN", false, "AUTH LOGIN"},
	    {"auth login", false, "auth login"},
	    {"AUTH LOGIN secret", false, "AUTH LOGIN ****"},
	    {"AUTH", false, "AUTH"},
	    {"AUTH\r\n", false, "AUTH"},
	    {"USER bob", false, "USER bob"},
	    {"RETR 4", false, "RETR 4"},
	    {"", false, ""},
	    {"NOOP\r\nPASS secret", false, "NOOP\r\nPASS ****"},
	    {"PASS secret\nPASS secret", false, "PASS ****\nPASS ****"},
	    {"dXNlcgBzZWNyZXQ=", true, "****"},
	    {"secret", true, "****"},
	    {"**", true, "****"},
	    {"", true, ""},
	    {"\r\n", true, ""},
	    {"*", true, "*"},
	    {"*\r\n", true, "*"},
	    {"PASS secret", true, "****"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *out = trace_mask_command(cases[i].in, strlen(cases[i].in), cases[i].sasl);
		if (strcmp(out, cases[i].out) != 0)
			print_error("case %zu: \"%s\" gave \"%s\"\n", i, cases[i].in, out);
		assert_string_equal(out, cases[i].out);
		assert_null(strstr(out, "secret"));
		free(out);
	}
}

static void test_mask_uses_length(void **state)
{
	/* Only len bytes are read: the rest of the buffer is not part of the line. */
	const char line[] = "PASS secretXXXX";
	char *out = trace_mask_command(line, 4, false);
	assert_string_equal(out, "PASS");
	free(out);
	out = trace_mask_command(line, 11, false);
	assert_string_equal(out, "PASS ****");
	free(out);
	out = trace_mask_command(NULL, 0, false);
	assert_string_equal(out, "");
	free(out);
}

/* ---- events ---- */

static void test_escape_sanitized(void **state)
{
	trace_t *trace = trace_new(10);
	const char hostile[] = "+OK \x1b[2J\x1b]0;owned\x07 hi\r\n\x9b";

	trace_emit(trace, TRACE_RECV, 5, hostile, sizeof hostile - 1);
	trace_set_ascii(trace, true);
	trace_emit(trace, TRACE_RECV, -1, hostile, sizeof hostile - 1);
	assert_int_equal(trace_count(trace), 2);

	const trace_event_t *utf8 = trace_get(trace, 0);
	assert_int_equal(utf8->kind, TRACE_RECV);
	assert_int_equal(utf8->latency_ms, 5);
	assert_non_null(strstr(utf8->text, " hi"));
	for (const char *p = utf8->text; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);

	const trace_event_t *ascii = trace_get(trace, 1);
	assert_int_equal(ascii->latency_ms, -1);
	assert_non_null(strstr(ascii->text, " hi"));
	for (const char *p = ascii->text; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
	trace_free(trace);
}

static void test_long_text_bounded(void **state)
{
	trace_t *trace = trace_new(2);
	size_t len = 1000000;
	char *big = xmalloc(len);

	memset(big, 'A', len);
	/* A multi-byte character straddles the cut. */
	memcpy(big + 4095, "\xc3\xa9", 2);
	trace_emit(trace, TRACE_BODY, -1, big, len);
	const trace_event_t *e = trace_get(trace, 0);
	assert_true(strlen(e->text) < 4200);
	assert_non_null(strstr(e->text, "more bytes"));
	assert_null(strstr(e->text, "\xef\xbf\xbd"));
	free(big);
	trace_free(trace);
}

static void test_ring_bounded_in_bytes(void **state)
{
	(void)state;
	trace_t *trace = trace_new(SIZE_MAX);
	trace_set_byte_limit(trace, 64 * 1024);
	char line[200];
	memset(line, 'x', sizeof line);
	/* 100,000 events of 200 bytes: the ring keeps the newest that fit in
	 * 64 KiB, in order, and grows past its first allocation to hold them. */
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(line, sizeof line, "%06d", i);
		line[n] = 'x';
		trace_emit(trace, TRACE_BODY, -1, line, sizeof line);
	}
	size_t count = trace_count(trace);
	assert_true(count > 256);
	assert_true(count * (sizeof line + 1) <= 64 * 1024);
	assert_int_equal(trace_serial(trace), 100000);
	char newest[8], oldest[8];
	snprintf(newest, sizeof newest, "%06d", 99999);
	snprintf(oldest, sizeof oldest, "%06zu", (size_t)100000 - count);
	assert_memory_equal(trace_get(trace, count - 1)->text, newest, 6);
	assert_memory_equal(trace_get(trace, 0)->text, oldest, 6);
	trace_free(trace);
}

/* Nothing reads a log without ring, file or stream: emitting keeps only
 * the serial. */
static void test_unread_trace(void **state)
{
	(void)state;
	trace_t *trace = trace_new(0);
	assert_false(trace_wanted(trace));
	trace_emitf(trace, TRACE_INFO, "%s", "note");
	assert_int_equal(trace_serial(trace), 1);
	trace_set_stream(trace, stderr);
	assert_true(trace_wanted(trace));
	trace_free(trace);
}

static void test_ring_wraps(void **state)
{
	trace_t *trace = trace_new(3);

	assert_int_equal(trace_count(trace), 0);
	assert_null(trace_get(trace, 0));
	for (int i = 0; i < 8; i++) {
		trace_emitf(trace, TRACE_INFO, "event %d", i);
		assert_int_equal(trace_serial(trace), (unsigned long)i + 1);
		assert_int_equal(trace_count(trace), i < 3 ? (size_t)i + 1 : 3);
	}
	assert_string_equal(trace_get(trace, 0)->text, "event 5");
	assert_string_equal(trace_get(trace, 1)->text, "event 6");
	assert_string_equal(trace_get(trace, 2)->text, "event 7");
	assert_null(trace_get(trace, 3));
	assert_int_equal(trace_get(trace, 0)->kind, TRACE_INFO);
	trace_free(trace);

	trace = trace_new(0);
	trace_emit(trace, TRACE_SEND, -1, "NOOP", 4);
	assert_int_equal(trace_count(trace), 0);
	assert_int_equal(trace_serial(trace), 1);
	assert_null(trace_get(trace, 0));
	trace_free(trace);
	trace_free(NULL);
}

/* ---- formatting ---- */

static void test_format_kinds(void **state)
{
	static const struct {
		trace_kind_t kind;
		long latency;
		const char *text;
		const char *line;
	} cases[] = {
	    {TRACE_SEND, -1, "USER bob", "13:05:07.045 C: USER bob"},
	    {TRACE_RECV, 12, "+OK", "13:05:07.045 S: +OK  (12 ms)"},
	    {TRACE_RECV, 0, "+OK", "13:05:07.045 S: +OK  (0 ms)"},
	    {TRACE_RECV, -1, "+OK", "13:05:07.045 S: +OK"},
	    {TRACE_BODY, -1, "Subject: x", "13:05:07.045 S| Subject: x"},
	    {TRACE_SUMMARY, -1, "(3 more lines)", "13:05:07.045    (3 more lines)"},
	    {TRACE_TLS, -1, "TLSv1.3", "13:05:07.045 TLS TLSv1.3"},
	    {TRACE_INFO, -1, "connected", "13:05:07.045 --- connected"},
	    {TRACE_WARN, -1, "plaintext", "13:05:07.045 !!! plaintext"},
	    {TRACE_ERROR, -1, "failed", "13:05:07.045 !!! failed"},
	};

	setenv("TZ", "UTC", 1);
	tzset();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		trace_event_t e = {
		    .when = {13 * 3600 + 5 * 60 + 7, 45999999},
		    .kind = cases[i].kind,
		    .latency_ms = cases[i].latency,
		    .text = (char *)cases[i].text,
		};
		char *line = trace_format(&e, TRACE_TIME_CLOCK);
		assert_string_equal(line, cases[i].line);
		free(line);
	}
}

/* Files and streams carry the date: ISO 8601, local time with its offset. */
static void test_format_dated(void **state)
{
	static const struct {
		const char *tz, *line;
	} cases[] = {
	    {"UTC", "2026-11-30T13:05:07.045+00:00 C: RETR 4"},
	    {"CET-1", "2026-11-30T14:05:07.045+01:00 C: RETR 4"},
	    {"NST+3:30", "2026-11-30T09:35:07.045-03:30 C: RETR 4"},
	};
	/* 2026-11-30 13:05:07.045 UTC */
	trace_event_t e = {
	    .when = {1796043907, 45999999}, .kind = TRACE_SEND, .latency_ms = -1, .text = "RETR 4"};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		setenv("TZ", cases[i].tz, 1);
		tzset();
		char *line = trace_format(&e, TRACE_TIME_DATED);
		assert_string_equal(line, cases[i].line);
		free(line);
	}
	setenv("TZ", "UTC", 1);
	tzset();
	e.kind = TRACE_RECV;
	e.latency_ms = 7;
	e.text = "+OK";
	char *line = trace_format(&e, TRACE_TIME_DATED);
	assert_string_equal(line, "2026-11-30T13:05:07.045+00:00 S: +OK  (7 ms)");
	free(line);
}

/* ---- the log pane's search and filter ---- */

static void test_find(void **state)
{
	trace_t *trace = trace_new(100);
	trace_emit(trace, TRACE_SEND, -1, "RETR 4", 6);         /* 0 */
	trace_emit(trace, TRACE_RECV, 3, "+OK 120 octets", 14); /* 1 */
	trace_emit(trace, TRACE_BODY, -1, "Subject: retr", 13); /* 2 */
	trace_emitf(trace, TRACE_SUMMARY, "(9 more lines)");    /* 3 */
	trace_emit(trace, TRACE_SEND, -1, "RETR 5", 6);         /* 4 */
	size_t at = 99;

	/* Forward from an index, going round; case ignored. */
	assert_true(trace_find(trace, "retr", 0, true, false, &at));
	assert_int_equal(at, 2);
	assert_true(trace_find(trace, "retr", 2, true, false, &at));
	assert_int_equal(at, 4);
	assert_true(trace_find(trace, "retr", 4, true, false, &at));
	assert_int_equal(at, 0);
	/* Backward, going round. */
	assert_true(trace_find(trace, "RETR", 0, false, false, &at));
	assert_int_equal(at, 4);
	assert_true(trace_find(trace, "RETR", 4, false, false, &at));
	assert_int_equal(at, 2);
	/* The brief log skips body lines and their summary. */
	assert_true(trace_find(trace, "retr", 0, true, true, &at));
	assert_int_equal(at, 4);
	assert_false(trace_find(trace, "more lines", 0, true, true, &at));
	assert_true(trace_find(trace, "more lines", 0, true, false, &at));
	assert_int_equal(at, 3);
	/* The prefix counts: "C: " finds commands, "S| " body lines. */
	assert_true(trace_find(trace, "S| sub", 4, true, false, &at));
	assert_int_equal(at, 2);
	/* The only match is the start itself: found last. */
	assert_true(trace_find(trace, "octets", 1, true, false, &at));
	assert_int_equal(at, 1);
	/* An index past the end starts at either end. */
	assert_true(trace_find(trace, "RETR", 50, true, false, &at));
	assert_int_equal(at, 0);
	assert_true(trace_find(trace, "RETR", 50, false, false, &at));
	assert_int_equal(at, 4);
	at = 99;
	assert_false(trace_find(trace, "DELE", 0, true, false, &at));
	assert_false(trace_find(trace, "", 0, true, false, &at));
	assert_int_equal(at, 99);
	trace_free(trace);

	trace = trace_new(0);
	assert_false(trace_find(trace, "x", 0, true, false, &at));
	trace_free(trace);
}

static void test_brief_kinds(void **state)
{
	assert_true(trace_is_brief(TRACE_SEND));
	assert_true(trace_is_brief(TRACE_RECV));
	assert_true(trace_is_brief(TRACE_TLS));
	assert_true(trace_is_brief(TRACE_INFO));
	assert_true(trace_is_brief(TRACE_WARN));
	assert_true(trace_is_brief(TRACE_ERROR));
	assert_false(trace_is_brief(TRACE_BODY));
	assert_false(trace_is_brief(TRACE_SUMMARY));
}

/* trace_dropped + index names one event while it is kept, by count or by bytes. */
static void test_dropped_counts(void **state)
{
	trace_t *trace = trace_new(3);
	for (int i = 0; i < 8; i++)
		trace_emitf(trace, TRACE_INFO, "event %d", i);
	assert_int_equal(trace_dropped(trace), 5);
	assert_string_equal(trace_get(trace, 0)->text, "event 5");
	trace_free(trace);

	trace = trace_new(SIZE_MAX);
	trace_set_byte_limit(trace, 4096);
	char line[100];
	memset(line, 'b', sizeof line);
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(line, sizeof line, "%04d", i);
		line[n] = 'b';
		trace_emit(trace, TRACE_BODY, -1, line, sizeof line);
	}
	unsigned long long dropped = trace_dropped(trace);
	assert_int_equal(dropped + trace_count(trace), 1000);
	char oldest[8];
	snprintf(oldest, sizeof oldest, "%04llu", dropped);
	assert_memory_equal(trace_get(trace, 0)->text, oldest, 4);
	trace_free(trace);
}

/* ---- sinks ---- */

static void test_file_sink(void **state)
{
	char *path = xasprintf("%s/log", (char *)*state);
	char *err = NULL;
	trace_t *trace = trace_new(0);

	mode_t old = umask(0);
	assert_int_equal(trace_open_file(trace, path, &err), 0);
	umask(old);
	assert_null(err);
	trace_emit(trace, TRACE_SEND, -1, "USER bob", 8);
	/* Written at once, without closing or flushing. */
	char *text = read_all(path);
	assert_non_null(text);
	assert_int_equal(count_lines(text), 1);
	assert_non_null(strstr(text, " C: USER bob\n"));
	free(text);

	trace_emit(trace, TRACE_RECV, 3, "+OK\x1b[31m", 9);
	trace_emitf(trace, TRACE_WARN, "%d left", 2);
	text = read_all(path);
	assert_int_equal(count_lines(text), 3);
	assert_non_null(strstr(text, " S: +OK"));
	assert_non_null(strstr(text, "  (3 ms)\n"));
	assert_null(strchr(text, '\x1b'));
	assert_non_null(strstr(text, " !!! 2 left\n"));
	free(text);
	trace_free(trace);

	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* A second log appends. */
	trace = trace_new(1);
	assert_int_equal(trace_open_file(trace, path, &err), 0);
	trace_emit(trace, TRACE_INFO, -1, "again", 5);
	trace_free(trace);
	text = read_all(path);
	assert_int_equal(count_lines(text), 4);
	free(text);
	free(path);
}

static void test_file_sink_symlink(void **state)
{
	char *target = xasprintf("%s/target", (char *)*state);
	char *link = xasprintf("%s/log", (char *)*state);
	char *err = NULL;
	trace_t *trace = trace_new(1);

	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(trace_open_file(trace, link, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, link));
	free(err);
	assert_int_equal(access(target, F_OK), -1);
	trace_free(trace);
	free(target);
	free(link);
}

/* A FIFO (with or without a reader) or a device is refused at once. */
static void test_file_sink_not_regular(void **state)
{
	char *fifo = xasprintf("%s/fifo", (char *)*state);
	const char *const devices[] = {"/dev/null", "/dev/tty"};
	char *err = NULL;
	trace_t *trace = trace_new(1);

	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(trace_open_file(trace, fifo, &err), -1);
	assert_non_null(strstr(err, "is not a regular file"));
	free(err);

	/* A reader at the other end would let a plain open succeed. */
	int reader = open(fifo, O_RDWR | O_NONBLOCK);
	assert_true(reader >= 0);
	assert_int_equal(trace_open_file(trace, fifo, &err), -1);
	assert_non_null(strstr(err, fifo));
	assert_non_null(strstr(err, "is not a regular file"));
	free(err);
	char byte;
	assert_int_equal(read(reader, &byte, 1), -1); /* nothing was written */
	close(reader);

	for (size_t i = 0; i < sizeof devices / sizeof *devices; i++) {
		if (access(devices[i], W_OK) != 0)
			continue;
		assert_int_equal(trace_open_file(trace, devices[i], &err), -1);
		assert_non_null(strstr(err, "is not a regular file"));
		free(err);
	}

	/* A saved log never goes into one either. */
	assert_int_equal(trace_save(trace, fifo, &err), -1);
	assert_non_null(strstr(err, "already exists"));
	free(err);
	trace_free(trace);
	free(fifo);
}

static void test_stream_sink(void **state)
{
	FILE *stream = tmpfile();
	trace_t *trace = trace_new(0);
	char line[256];

	assert_non_null(stream);
	trace_set_stream(trace, stream);
	trace_emit(trace, TRACE_TLS, -1, "verified", 8);
	rewind(stream);
	assert_non_null(fgets(line, sizeof line, stream));
	assert_non_null(strstr(line, " TLS verified\n"));
	/* A stream gets the date too. */
	assert_true(line[4] == '-' && line[7] == '-' && line[10] == 'T');
	trace_free(trace);
	fclose(stream);
}

static void test_save(void **state)
{
	char *path = xasprintf("%s/saved", (char *)*state);
	char *err = NULL;
	trace_t *trace = trace_new(5);

	for (int i = 0; i < 7; i++)
		trace_emitf(trace, TRACE_INFO, "line %d", i);
	mode_t old = umask(0);
	assert_int_equal(trace_save(trace, path, &err), 0);
	umask(old);
	assert_null(err);
	char *text = read_all(path);
	assert_int_equal(count_lines(text), 5);
	assert_null(strstr(text, "line 1\n"));
	assert_non_null(strstr(text, "--- line 2\n"));
	assert_non_null(strstr(text, "--- line 6\n"));
	/* Every saved line starts with its date and time (ISO 8601). */
	for (const char *at = text; *at; at = strchr(at, '\n') + 1) {
		int year, month, day, hour, minute, second, ms, off_h, off_m;
		char sign;
		assert_int_equal(sscanf(at, "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c%2d:%2d", &year, &month,
					&day, &hour, &minute, &second, &ms, &sign, &off_h, &off_m),
				 10);
		assert_true(year >= 2000 && month >= 1 && month <= 12 && day >= 1 && day <= 31);
		assert_true(sign == '+' || sign == '-');
	}

	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* Never overwritten. */
	trace_emitf(trace, TRACE_INFO, "later");
	assert_int_equal(trace_save(trace, path, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "already exists"));
	free(err);
	char *again = read_all(path);
	assert_string_equal(again, text);
	free(again);
	free(text);

	/* Nor written through a symlink. */
	char *target = xasprintf("%s/target", (char *)*state);
	char *link = xasprintf("%s/link", (char *)*state);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(trace_save(trace, link, &err), -1);
	free(err);
	assert_int_equal(access(target, F_OK), -1);

	/* An empty ring saves an empty file. */
	trace_t *empty = trace_new(0);
	char *empty_path = xasprintf("%s/empty", (char *)*state);
	assert_int_equal(trace_save(empty, empty_path, &err), 0);
	text = read_all(empty_path);
	assert_string_equal(text, "");
	free(text);
	trace_free(empty);
	free(empty_path);
	free(target);
	free(link);
	trace_free(trace);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mask_table),
	    cmocka_unit_test(test_mask_uses_length),
	    cmocka_unit_test(test_escape_sanitized),
	    cmocka_unit_test(test_long_text_bounded),
	    cmocka_unit_test(test_ring_wraps),
	    cmocka_unit_test(test_format_kinds),
	    cmocka_unit_test(test_format_dated),
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_brief_kinds),
	    cmocka_unit_test(test_dropped_counts),
	    cmocka_unit_test_setup_teardown(test_file_sink, setup_dir, teardown_dir),
	    cmocka_unit_test_setup_teardown(test_file_sink_symlink, setup_dir, teardown_dir),
	    cmocka_unit_test_setup_teardown(test_file_sink_not_regular, setup_dir, teardown_dir),
	    cmocka_unit_test(test_stream_sink),
	    cmocka_unit_test(test_ring_bounded_in_bytes),
	    cmocka_unit_test(test_unread_trace),
	    cmocka_unit_test_setup_teardown(test_save, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
