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
		char *line = trace_format(&e);
		assert_string_equal(line, cases[i].line);
		free(line);
	}
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
