/* test_engine: the engine against a scripted server in a child process:
 * bounded multi-line bodies, the speed floor, unsolicited replies, the
 * feeder, the window and QUIT behind a scan. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "pop3/engine.h"
#include "pop3/window.h"
#include "trace.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* ---- the scripted server (runs in a child; never asserts) ---- */

/* A scenario answers one command after login; line has no line ending. */
typedef void (*serve_fn)(int fd, const char *line);

static void send_bytes(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n <= 0)
			_exit(0); /* the client went away */
		p += n;
		len -= (size_t)n;
	}
}

static void send_text(int fd, const char *text)
{
	send_bytes(fd, text, strlen(text));
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* send_body: "+OK", then octets (a multiple of 100) of content in lines of
 * 100, then "."; without terminate, lines for ever. */
static void send_body(int fd, size_t octets, bool terminate)
{
	char line[100];
	memset(line, 'a', sizeof line - 2);
	line[98] = '\r';
	line[99] = '\n';
	send_text(fd, "+OK\r\n");
	for (size_t sent = 0; !terminate || sent < octets; sent += sizeof line)
		send_bytes(fd, line, sizeof line);
	send_text(fd, ".\r\n");
}

/* held_reply: a reply the server sends only once the next line came, as
 * if it took a while: a client that waits for it waits for ever. */
static char held_reply[1200];

/* The mailbox STAT announces: one message of 100 octets. */
static bool serve_login(int fd, const char *line)
{
	if (held_reply[0]) {
		send_text(fd, held_reply);
		held_reply[0] = '\0';
	}
	static const char *const replies[][2] = {
	    {"CAPA", "+OK\r\nUSER\r\nTOP\r\nUIDL\r\nPIPELINING\r\n.\r\n"},
	    {"USER", "+OK\r\n"},
	    {"PASS", "+OK\r\n"},
	    {"STAT", "+OK 1 100\r\n"},
	    {"QUIT", "+OK bye\r\n"},
	};
	for (size_t i = 0; i < sizeof replies / sizeof *replies; i++)
		if (strncmp(line, replies[i][0], 4) == 0) {
			send_text(fd, replies[i][1]);
			return true;
		}
	return false;
}

static void serve(int listener, int log_fd, serve_fn scenario)
{
	signal(SIGPIPE, SIG_IGN);
	alarm(20); /* whatever happens to the test */
	int fd = accept(listener, NULL, NULL);
	if (fd < 0)
		_exit(1);
	send_text(fd, "+OK test server\r\n");
	FILE *in = fdopen(dup(fd), "r");
	char *line = NULL;
	size_t size = 0;
	ssize_t len;
	while (in && (len = getline(&line, &size, in)) > 0) {
		send_bytes(log_fd, line, (size_t)len);
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (!serve_login(fd, line))
			scenario(fd, line);
		else if (strcmp(line, "QUIT") == 0)
			break;
	}
	_exit(0);
}

typedef struct {
	pid_t pid;
	char port[16];
	int log_fd; /* what the server received, one command a line */
} server_t;

static void server_start(server_t *server, serve_fn scenario)
{
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in addr = {.sin_family = AF_INET};
	socklen_t addr_len = sizeof addr;
	int log_pipe[2];

	assert_true(listener >= 0);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof addr), 0);
	assert_int_equal(listen(listener, 1), 0);
	assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &addr_len), 0);
	snprintf(server->port, sizeof server->port, "%u", (unsigned)ntohs(addr.sin_port));
	assert_int_equal(pipe(log_pipe), 0);
	server->pid = fork();
	assert_true(server->pid >= 0);
	if (server->pid == 0) {
		close(log_pipe[0]);
		serve(listener, log_pipe[1], scenario);
	}
	close(listener);
	close(log_pipe[1]);
	server->log_fd = log_pipe[0];
}

/* server_finish: stop the server; returns what it received (caller frees). */
static char *server_finish(server_t *server)
{
	buf_t log;
	char chunk[4096];
	ssize_t n;

	kill(server->pid, SIGKILL);
	waitpid(server->pid, NULL, 0);
	buf_init(&log);
	while ((n = read(server->log_fd, chunk, sizeof chunk)) > 0)
		buf_append(&log, chunk, (size_t)n);
	close(server->log_fd);
	buf_append(&log, "", 1);
	return buf_steal(&log);
}

/* ---- the client side ---- */

typedef struct {
	bool ready;
	bool failed;
} events_t;

static void on_event(void *ctx, pop3_event_t event, long elapsed_ms)
{
	events_t *events = ctx;
	(void)elapsed_ms;
	if (event == POP3_EVENT_READY)
		events->ready = true;
	else if (event == POP3_EVENT_FAILED)
		events->failed = true;
}

typedef struct {
	server_t server;
	trace_t *trace;
	pop3_t *pop3;
	events_t events;
} session_t;

/* The count cap session_open gives the engine (1: one command at a time). */
static unsigned pipeline_cap = 1;

static void session_open(session_t *s, serve_fn scenario, int timeout_ms, unsigned speed_limit)
{
	server_start(&s->server, scenario);
	pop3_config_t config = {
	    .host = "127.0.0.1",
	    .port = s->server.port,
	    .tls_mode = POP3_TLS_NONE,
	    .user = "alice",
	    .password = "secret",
	    .allow_plaintext_password = true,
	    .timeout_ms = timeout_ms,
	    .pipeline_window = pipeline_cap,
	    .speed_limit = speed_limit,
	};
	s->trace = trace_new(0);
	s->pop3 = pop3_new(&config, s->trace);
	memset(&s->events, 0, sizeof s->events);
	pop3_open(s->pop3, on_event, &s->events);
	while (!s->events.ready && !s->events.failed)
		loop_iterate(s->pop3, NULL, 0, -1);
	assert_true(s->events.ready);
}

/* session_close: returns what the server received (caller frees). */
static char *session_close(session_t *s)
{
	pop3_free(s->pop3);
	trace_free(s->trace);
	return server_finish(&s->server);
}

typedef struct {
	bool done;
	pop3_error_t error;
	bool ok;
	bool terminated;
	bool body_truncated;
	size_t body_len;
	uint64_t sunk; /* octets the sink received */
} result_t;

static void on_done(void *ctx, const pop3_reply_t *reply)
{
	result_t *result = ctx;
	result->done = true;
	result->error = reply->error;
	result->ok = reply->ok;
	result->terminated = reply->terminated;
	result->body_truncated = reply->body_truncated;
	result->body_len = reply->body_len;
}

static int count_sink(void *ctx, const char *data, size_t len)
{
	result_t *result = ctx;
	(void)data;
	result->sunk += len;
	return 0;
}

static void submit(session_t *s, pop3_request_t request, result_t *result)
{
	memset(result, 0, sizeof *result);
	request.done = on_done;
	request.ctx = result;
	assert_true(pop3_submit(s->pop3, &request) > 0);
}

static void wait_done(session_t *s, const result_t *result)
{
	while (!result->done && pop3_is_running(s->pop3))
		loop_iterate(s->pop3, NULL, 0, -1);
	assert_true(result->done);
}

static void quit(session_t *s)
{
	result_t result = {0};
	pop3_quit(s->pop3, on_done, &result);
	wait_done(s, &result);
	assert_int_equal(result.error, POP3_OK);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- bounded bodies ---- */

/* RETR 1: 20,000 octets, terminated; RETR 2: 5,000 octets. */
static void serve_sized(int fd, const char *line)
{
	if (strcmp(line, "RETR 1") == 0)
		send_body(fd, 20000, true);
	else if (strcmp(line, "RETR 2") == 0)
		send_body(fd, 5000, true);
	else if (strcmp(line, "LIST") == 0)
		send_body(fd, 3000, true);
	else if (strncmp(line, "TOP", 3) == 0)
		send_body(fd, 0, false);
	else
		send_text(fd, "-ERR no\r\n");
}

static void test_expect_octets_cut_off(void **state)
{
	session_t s;
	result_t result;
	(void)state;

	session_open(&s, serve_sized, 5000, 0);
	submit(&s,
	       (pop3_request_t){.verb = POP3_CMD_RETR,
				.args = {1},
				.argc = 1,
				.sink = count_sink,
				.expect_octets = 1000},
	       &result);
	wait_done(&s, &result);
	assert_int_equal(result.error, POP3_E_OVERSIZE);
	assert_true(result.sunk <= 1000 + 4096);
	assert_false(result.terminated);
	assert_int_equal(pop3_error(s.pop3), POP3_E_OVERSIZE);
	assert_non_null(strstr(pop3_errstr(s.pop3), "LIST gave its size as 1000"));
	assert_false(pop3_is_ready(s.pop3));

	/* The session is over: QUIT is refused, so nothing is ever deleted. */
	result_t quit_result = {0};
	pop3_quit(s.pop3, on_done, &quit_result);
	assert_true(quit_result.done);
	assert_int_equal(quit_result.error, POP3_E_CLOSED);
	char *log = session_close(&s);
	assert_non_null(strstr(log, "RETR 1\r\n"));
	assert_null(strstr(log, "QUIT"));
	free(log);
}

static void test_expect_octets_margin(void **state)
{
	session_t s;
	result_t result;
	(void)state;

	/* 5,000 octets where LIST said 1,000: within the margin of 4096. */
	session_open(&s, serve_sized, 5000, 0);
	submit(&s,
	       (pop3_request_t){.verb = POP3_CMD_RETR,
				.args = {2},
				.argc = 1,
				.sink = count_sink,
				.expect_octets = 1000},
	       &result);
	wait_done(&s, &result);
	assert_int_equal(result.error, POP3_OK);
	assert_true(result.terminated);
	assert_int_equal(result.sunk, 5000);
	quit(&s);
	free(session_close(&s));
}

static void test_max_octets(void **state)
{
	session_t s;
	result_t result;
	(void)state;

	/* collect_limit only truncates what is kept ... */
	session_open(&s, serve_sized, 5000, 0);
	submit(&s, (pop3_request_t){.verb = POP3_CMD_LIST, .collect_limit = 100}, &result);
	wait_done(&s, &result);
	assert_int_equal(result.error, POP3_OK);
	assert_true(result.body_truncated);
	assert_int_equal(result.body_len, 100);

	/* ... max_octets ends the session. */
	submit(&s,
	       (pop3_request_t){.verb = POP3_CMD_LIST, .collect_limit = 100, .max_octets = 2000},
	       &result);
	wait_done(&s, &result);
	assert_int_equal(result.error, POP3_E_OVERSIZE);
	assert_non_null(strstr(pop3_errstr(s.pop3), "longer than 2000 octets"));
	char *log = session_close(&s);
	assert_null(strstr(log, "QUIT"));
	free(log);
}

static void test_default_bound(void **state)
{
	session_t s;
	result_t result;
	(void)state;

	/* STAT said 100 octets: an endless TOP stops at the least default bound. */
	session_open(&s, serve_sized, 5000, 0);
	submit(
	    &s,
	    (pop3_request_t){.verb = POP3_CMD_TOP, .args = {1, 0}, .argc = 2, .sink = count_sink},
	    &result);
	wait_done(&s, &result);
	assert_int_equal(result.error, POP3_E_OVERSIZE);
	assert_true(result.sunk <= 1048576);
	assert_non_null(strstr(pop3_errstr(s.pop3), "longer than 1048576 octets"));
	free(session_close(&s));
}

/* ---- the speed floor ---- */

/* RETR 1: one octet every 100 ms (10 bytes/s), RETR 2: 50 octets every
 * 100 ms (500 bytes/s) for 2 s, RETR 3: one octet every 100 ms, 15 in all. */
static void serve_slowly(int fd, const char *line)
{
	size_t chunk = strcmp(line, "RETR 2") == 0 ? 50 : 1;
	size_t count = strcmp(line, "RETR 1") == 0 ? 1000 : strcmp(line, "RETR 2") == 0 ? 20 : 15;
	char data[50];

	memset(data, 'x', sizeof data);
	send_text(fd, "+OK\r\n");
	for (size_t i = 0; i < count; i++) {
		send_bytes(fd, data, chunk);
		pause_ms(100);
	}
	send_text(fd, "\r\n.\r\n");
}

static void test_speed_floor(void **state)
{
	session_t s;
	result_t result;
	(void)state;

	session_open(&s, serve_slowly, 1000, 100);
	long long start = now_ms();
	submit(&s,
	       (pop3_request_t){.verb = POP3_CMD_RETR, .args = {1}, .argc = 1, .sink = count_sink},
	       &result);
	wait_done(&s, &result);
	long long took = now_ms() - start;
	assert_int_equal(result.error, POP3_E_TIMEOUT);
	assert_true(took >= 900 && took < 2500);
	assert_non_null(strstr(pop3_errstr(s.pop3), "below the floor of 100 bytes/s"));
	char *log = session_close(&s);
	assert_null(strstr(log, "QUIT"));
	free(log);
}

static void test_speed_floor_spares_slow_links(void **state)
{
	session_t s;
	result_t result;
	(void)state;

	/* 500 bytes/s for 2 s, twice the idle timeout: above the floor. */
	session_open(&s, serve_slowly, 1000, 100);
	submit(&s,
	       (pop3_request_t){.verb = POP3_CMD_RETR, .args = {2}, .argc = 1, .sink = count_sink},
	       &result);
	wait_done(&s, &result);
	assert_int_equal(result.error, POP3_OK);
	assert_int_equal(result.sunk, 20 * 50 + 2);
	quit(&s);
	free(session_close(&s));

	/* No floor: 10 bytes/s is only slow. */
	session_open(&s, serve_slowly, 1000, 0);
	submit(&s,
	       (pop3_request_t){.verb = POP3_CMD_RETR, .args = {3}, .argc = 1, .sink = count_sink},
	       &result);
	wait_done(&s, &result);
	assert_int_equal(result.error, POP3_OK);
	assert_int_equal(result.sunk, 15 + 2);
	quit(&s);
	free(session_close(&s));
}

/* ---- unsolicited replies ---- */

/* NOOP gets its reply and one more nobody asked for; RSET's reply comes
 * with a pause, then a line follows on its own. */
static void serve_unsolicited(int fd, const char *line)
{
	if (strcmp(line, "NOOP") == 0) {
		send_text(fd, "+OK\r\n+OK surprise\r\n");
	} else if (strcmp(line, "RSET") == 0) {
		send_text(fd, "+OK\r\n");
		pause_ms(200);
		send_text(fd, "+OK out of the blue\r\n");
	} else {
		send_text(fd, "-ERR no\r\n");
	}
}

static void test_unsolicited_before_next_command(void **state)
{
	session_t s;
	result_t first, second;
	(void)state;

	session_open(&s, serve_unsolicited, 5000, 0);
	submit(&s, (pop3_request_t){.verb = POP3_CMD_NOOP}, &first);
	submit(&s, (pop3_request_t){.verb = POP3_CMD_NOOP}, &second);
	wait_done(&s, &second);
	assert_int_equal(first.error, POP3_OK);
	assert_true(first.ok);
	/* The second NOOP would have taken "+OK surprise" for its reply. */
	assert_int_equal(second.error, POP3_E_PROTOCOL);
	assert_int_equal(pop3_error(s.pop3), POP3_E_PROTOCOL);
	assert_string_equal(pop3_errstr(s.pop3), "the server sent a reply nobody asked for");
	assert_string_equal(pop3_server_text(s.pop3), "+OK surprise");
	char *log = session_close(&s);
	assert_non_null(strstr(log, "NOOP\r\n"));
	assert_null(strstr(strstr(log, "NOOP\r\n") + 1, "NOOP"));
	free(log);
}

static void test_unsolicited_while_idle(void **state)
{
	session_t s;
	result_t result;
	(void)state;

	session_open(&s, serve_unsolicited, 5000, 0);
	submit(&s, (pop3_request_t){.verb = POP3_CMD_RSET}, &result);
	wait_done(&s, &result);
	assert_int_equal(result.error, POP3_OK);
	/* Nothing in flight; the line that comes is nobody's. */
	long long start = now_ms();
	while (pop3_is_ready(s.pop3) && now_ms() - start < 3000)
		loop_iterate(s.pop3, NULL, 0, 100);
	assert_true(s.events.failed);
	assert_int_equal(pop3_error(s.pop3), POP3_E_PROTOCOL);
	assert_string_equal(pop3_errstr(s.pop3), "the server sent a reply nobody asked for");
	free(session_close(&s));
}

/* ---- commands from the table ---- */

static void test_commands_from_the_table(void **state)
{
	session_t s;
	result_t top, typed, dele;
	(void)state;

	session_open(&s, serve_unsolicited, 5000, 0);
	/* DELE as typed text is refused before it is queued: DELE goes only as
	 * its verb, after the gate. */
	memset(&dele, 0, sizeof dele);
	pop3_request_t typed_dele = {.line = "dele 1", .done = on_done, .ctx = &dele};
	assert_int_equal(pop3_submit(s.pop3, &typed_dele), 0);
	assert_true(dele.done);
	assert_int_equal(dele.error, POP3_E_PROTOCOL);
	/* A line with CR or LF never goes out. */
	memset(&typed, 0, sizeof typed);
	pop3_request_t smuggled = {.line = "NOOP\r\nDELE 1", .done = on_done, .ctx = &typed};
	assert_int_equal(pop3_submit(s.pop3, &smuggled), 0);
	assert_int_equal(typed.error, POP3_E_PROTOCOL);
	submit(&s, (pop3_request_t){.verb = POP3_CMD_RSET}, &top);
	wait_done(&s, &top);
	char *log = session_close(&s);
	assert_null(strstr(log, "DELE"));
	assert_non_null(strstr(log, "RSET\r\n"));
	free(log);

	const pop3_command_t *cmd;
	bool has_argument;
	cmd = pop3_command_typed("  top 3 10", &has_argument);
	assert_int_equal(cmd->verb, POP3_CMD_TOP);
	assert_true(has_argument && pop3_command_multiline(cmd, has_argument));
	cmd = pop3_command_typed("LIST", &has_argument);
	assert_true(pop3_command_multiline(cmd, has_argument));
	cmd = pop3_command_typed("list 2", &has_argument);
	assert_false(pop3_command_multiline(cmd, has_argument));
	cmd = pop3_command_typed("XTND XMIT", &has_argument);
	assert_int_equal(cmd->verb, POP3_CMD_RAW);
	assert_false(pop3_command_multiline(cmd, has_argument));
	assert_true(pop3_command(POP3_CMD_DELE)->gated);
	assert_true(pop3_command(POP3_CMD_PASS)->secret);
	assert_true(pop3_command(POP3_CMD_QUIT)->barrier);
}

/* ---- the feeder and the window ---- */

/* hold_top: the TOP whose answer serve_headers holds (0: none). */
static unsigned hold_top;

/* TOP n 0: a header block of about 1 KB; NOOP: +OK. */
static void serve_headers(int fd, const char *line)
{
	char reply[sizeof held_reply], pad[1001];
	unsigned number;
	memset(pad, 'x', sizeof pad - 1);
	pad[sizeof pad - 1] = '\0';
	if (sscanf(line, "TOP %u 0", &number) == 1) {
		snprintf(reply, sizeof reply,
			 "+OK\r\nSubject: message %u\r\nX-Pad: %s\r\n\r\n.\r\n", number, pad);
		if (number == hold_top)
			memcpy(held_reply, reply, sizeof reply);
		else
			send_text(fd, reply);
	} else {
		send_text(fd, "+OK\r\n");
	}
}

/* Reads commands and answers none of them. */
static void serve_silence(int fd, const char *line)
{
	(void)fd;
	(void)line;
}

typedef struct {
	unsigned fed;  /* TOPs submitted so far */
	unsigned last; /* the last to feed */
	unsigned answered;
	unsigned in_order; /* answers that came in the order fed */
} scan_t;

static void on_header(void *ctx, const pop3_reply_t *reply)
{
	scan_t *scan = ctx;
	char expect[64];
	scan->answered++;
	snprintf(expect, sizeof expect, "Subject: message %u\r\n", scan->answered);
	if (reply->error == POP3_OK && reply->ok &&
	    strncmp(reply->body, expect, strlen(expect)) == 0)
		scan->in_order++;
}

static bool feed_scan(void *ctx, pop3_t *pop3)
{
	scan_t *scan = ctx;
	if (scan->fed == scan->last)
		return false;
	scan->fed++;
	pop3_request_t top = {.verb = POP3_CMD_TOP,
			      .args = {scan->fed, 0},
			      .argc = 2,
			      .collect_limit = 2048,
			      .done = on_header,
			      .ctx = scan};
	return pop3_submit(pop3, &top) != 0;
}

/* open_scan: a session with no count cap whose feeder runs the scan. */
static void open_scan(session_t *s, serve_fn scenario, scan_t *scan)
{
	pipeline_cap = 0;
	session_open(s, scenario, 5000, 0);
	pipeline_cap = 1;
	pop3_set_feeder(s->pop3, feed_scan, scan);
}

static void test_feeder_yields_to_submitted(void **state)
{
	session_t s;
	result_t noop;
	scan_t scan = {.last = 3000};
	(void)state;

	open_scan(&s, serve_headers, &scan);
	while (scan.answered < 100 && pop3_is_running(s.pop3))
		loop_iterate(s.pop3, NULL, 0, -1);
	/* A command submitted in the middle of the scan goes out next: after
	 * the TOPs already sent, before any other. */
	submit(&s, (pop3_request_t){.verb = POP3_CMD_NOOP}, &noop);
	unsigned fed_before = scan.fed;
	assert_true(fed_before < scan.last);
	wait_done(&s, &noop);
	assert_int_equal(noop.error, POP3_OK);
	while (pop3_busy(s.pop3) > 0 && pop3_is_running(s.pop3))
		loop_iterate(s.pop3, NULL, 0, -1);
	/* The feeder ran to the end and was detached. */
	assert_int_equal(scan.fed, scan.last);
	assert_int_equal(scan.in_order, scan.last);
	assert_int_equal(pop3_busy(s.pop3), 0);
	char *log = session_close(&s);
	char *noop_at = strstr(log, "NOOP\r\n");
	assert_non_null(noop_at);
	unsigned tops_before = 0;
	for (char *p = strstr(log, "TOP "); p && p < noop_at; p = strstr(p + 1, "TOP "))
		tops_before++;
	assert_int_equal(tops_before, fed_before);
	free(log);
}

typedef struct {
	bool answered;
	bool ok;
} quit_result_t;

static void on_quit_done(void *ctx, const pop3_reply_t *reply)
{
	quit_result_t *quit = ctx;
	quit->answered = true;
	quit->ok = reply->error == POP3_OK && reply->ok;
}

/* pop3_quit_behind: QUIT goes out right behind the last TOPs of a scan
 * that changed nothing, before their answers: the server here answers the
 * last TOP only once the next line came. After a DELE, QUIT waits for the
 * answers, so that one never comes. */
static void test_quit_behind(void **state)
{
	(void)state;
	hold_top = 50;
	for (int with_dele = 0; with_dele <= 1; with_dele++) {
		session_t s;
		scan_t scan = {.last = 50};
		quit_result_t quit = {0};
		result_t dele;
		open_scan(&s, serve_headers, &scan);
		if (with_dele) {
			submit(&s, (pop3_request_t){.verb = POP3_CMD_DELE, .args = {1}, .argc = 1},
			       &dele);
			wait_done(&s, &dele);
		}
		while (pop3_feeding(s.pop3) && pop3_is_running(s.pop3))
			loop_iterate(s.pop3, NULL, 0, -1);
		pop3_quit_behind(s.pop3, on_quit_done, &quit);
		long long start = now_ms();
		while (!quit.answered && pop3_is_running(s.pop3) && now_ms() - start < 500)
			loop_iterate(s.pop3, NULL, 0, 50);
		if (with_dele) {
			assert_false(quit.answered);
			assert_int_equal(scan.answered, scan.last - 1);
		} else {
			assert_true(quit.ok);
			assert_int_equal(scan.in_order, scan.last);
		}
		free(session_close(&s));
	}
	hold_top = 0;
}

static void test_window_bounds_what_is_in_flight(void **state)
{
	session_t s;
	scan_t scan = {.last = 5000};
	(void)state;

	open_scan(&s, serve_silence, &scan);
	long long start = now_ms();
	while (now_ms() - start < 500 && pop3_is_running(s.pop3))
		loop_iterate(s.pop3, NULL, 0, 50);
	/* Pipelined, but bounded by the window's bytes: not all 5,000. */
	assert_true(scan.fed > 1);
	assert_true(scan.fed <= POP3_WINDOW_MIN_BYTES / 256);
	char *log = session_close(&s);
	unsigned received = 0;
	for (char *p = strstr(log, "TOP "); p; p = strstr(p + 1, "TOP "))
		received++;
	assert_int_equal(received, scan.fed);
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_expect_octets_cut_off),
	    cmocka_unit_test(test_expect_octets_margin),
	    cmocka_unit_test(test_max_octets),
	    cmocka_unit_test(test_default_bound),
	    cmocka_unit_test(test_speed_floor),
	    cmocka_unit_test(test_speed_floor_spares_slow_links),
	    cmocka_unit_test(test_unsolicited_before_next_command),
	    cmocka_unit_test(test_unsolicited_while_idle),
	    cmocka_unit_test(test_commands_from_the_table),
	    cmocka_unit_test(test_feeder_yields_to_submitted),
	    cmocka_unit_test(test_window_bounds_what_is_in_flight),
	    cmocka_unit_test(test_quit_behind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
