#include <config.h>

#include "pop3/engine.h"

#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pop3/engine_internal.h"
#include "util/gettext.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

/* Body lines longer than this are cut in the trace (never in the data). */
#define TRACE_LINE_MAX 1000

long long pop3_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static char *copy_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

pop3_t *pop3_new(const pop3_config_t *config, trace_t *trace)
{
	pop3_t *pop3 = xcalloc(1, sizeof *pop3);
	pop3->config = *config;
	pop3->config.host = copy_or_null(config->host);
	pop3->config.port = copy_or_null(config->port);
	pop3->config.tls.ca_file = copy_or_null(config->tls.ca_file);
	pop3->config.tls.fingerprint = copy_or_null(config->tls.fingerprint);
	pop3->config.user = copy_or_null(config->user);
	pop3->config.password = copy_or_null(config->password);
	pop3->config.oauth_token = copy_or_null(config->oauth_token);
	pop3->config.auth = copy_or_null(config->auth);
	if (pop3->config.timeout_ms <= 0)
		pop3->config.timeout_ms = 30000;
	pop3->trace = trace;
	pop3->conn = conn_new();
	pop3->next_id = 1;
	pop3_window_init(&pop3->window);
	pop3->capa.login_delay = -1;
	pop3->capa.expire = -1;
	pop3->floor_start_ms = -1;
	return pop3;
}

static void cmd_free(pop3_cmd_t *cmd)
{
	/* The line may hold a password (PASS, APOP, an AUTH initial response). */
	secret_free(cmd->line);
	free(cmd->trace_line);
	buf_free(&cmd->body);
	buf_free(&cmd->trace_line_buf);
	free(cmd->status_copy);
	free(cmd);
}

static void free_queue(pop3_cmd_t *cmd)
{
	while (cmd) {
		pop3_cmd_t *next = cmd->next;
		cmd_free(cmd);
		cmd = next;
	}
}

void pop3_free(pop3_t *pop3)
{
	if (!pop3)
		return;
	free_queue(pop3->pending_head);
	free_queue(pop3->inflight_head);
	conn_free(pop3->conn);
	free((char *)pop3->config.host);
	free((char *)pop3->config.port);
	free((char *)pop3->config.tls.ca_file);
	free((char *)pop3->config.tls.fingerprint);
	free((char *)pop3->config.user);
	secret_free((char *)pop3->config.password);
	secret_free((char *)pop3->config.oauth_token);
	free((char *)pop3->config.auth);
	free(pop3->errstr);
	free(pop3->server_text);
	free(pop3->greeting);
	free(pop3->apop_timestamp);
	free(pop3->auth_method);
	free(pop3->auth_fallback);
	pop3_capa_free(&pop3->capa);
	if (pop3->sasl)
		sasl_finish(pop3->sasl);
	free(pop3);
}

void pop3_emit(pop3_t *pop3, pop3_event_t event)
{
	long long now = pop3_now_ms();
	long elapsed = (long)(now - pop3->phase_start_ms);
	pop3->phase_start_ms = now;
	if (pop3->on_event)
		pop3->on_event(pop3->event_ctx, event, elapsed);
}

/* ---- finishing commands ---- */

static void finish_cmd(pop3_t *pop3, pop3_cmd_t *cmd, pop3_error_t error)
{
	pop3_reply_t reply = {0};
	reply.error = error;
	if (error == POP3_OK && cmd->cancelled)
		reply.error = POP3_E_CANCELLED;
	else if (error == POP3_OK && cmd->sink_failed)
		reply.error = POP3_E_SINK;
	if (cmd->status_copy) {
		reply.ok = cmd->status.status == POP3_STATUS_OK;
		reply.text = cmd->status.text;
		reply.text_len = cmd->status.text_len;
		reply.code = cmd->status.code;
	} else {
		reply.text = "";
	}
	reply.body = cmd->body.data ? cmd->body.data : "";
	reply.body_len = cmd->body.len;
	reply.body_truncated = cmd->body_truncated;
	reply.body_octets = cmd->decoder.octets;
	reply.body_lines = cmd->decoder.lines;
	/* Past its bound a body is not believed, whatever followed. */
	reply.terminated = cmd->decoder.done && !cmd->oversize;
	reply.bad_stuffing = cmd->decoder.bad_stuffing;
	reply.latency_ms = cmd->latency_ms;
	reply.sent = cmd->sent_ms != 0;
	reply.sent_us = cmd->sent_us;
	reply.status_us = cmd->status_us;
	if (cmd->done)
		cmd->done(cmd->ctx, &reply);
	cmd_free(cmd);
}

static void fail_all_commands(pop3_t *pop3, pop3_error_t error)
{
	/* Detach both queues first: done callbacks may submit again (refused). */
	pop3_cmd_t *inflight = pop3->inflight_head;
	pop3_cmd_t *pending = pop3->pending_head;
	pop3->inflight_head = pop3->inflight_tail = NULL;
	pop3->pending_head = pop3->pending_tail = NULL;
	pop3->inflight_count = pop3->pending_count = 0;
	pop3->feed = NULL;
	pop3_window_init(&pop3->window);
	while (inflight) {
		pop3_cmd_t *next = inflight->next;
		finish_cmd(pop3, inflight, error);
		inflight = next;
	}
	while (pending) {
		pop3_cmd_t *next = pending->next;
		finish_cmd(pop3, pending, error);
		pending = next;
	}
}

void pop3_fail(pop3_t *pop3, pop3_error_t error, const char *server_text, size_t server_len,
	       pop3_code_t code, const char *fmt, ...)
{
	if (pop3->phase == PHASE_FAILED || pop3->phase == PHASE_CLOSED)
		return;
	va_list ap;
	va_start(ap, fmt);
	free(pop3->errstr);
	pop3->errstr = xvasprintf(fmt, ap);
	va_end(ap);
	pop3->error = error;
	pop3->server_code = code;
	free(pop3->server_text);
	pop3->server_text = NULL;
	if (server_text && server_len)
		pop3->server_text = sanitize_display(server_text, server_len, false, false);
	pop3->phase = PHASE_FAILED;
	trace_emitf(pop3->trace, TRACE_ERROR, "%s", pop3->errstr);
	conn_close(pop3->conn);
	fail_all_commands(pop3, error);
	pop3_emit(pop3, POP3_EVENT_FAILED);
}

/* ---- submitting ---- */

static bool line_is_clean(const char *line)
{
	for (const char *p = line; *p; p++)
		if (*p == '\r' || *p == '\n')
			return false;
	return true;
}

static void append_pending(pop3_t *pop3, pop3_cmd_t *cmd)
{
	if (pop3->pending_tail)
		pop3->pending_tail->next = cmd;
	else
		pop3->pending_head = cmd;
	pop3->pending_tail = cmd;
	pop3->pending_count++;
}

static void refuse_request(const pop3_request_t *request, pop3_error_t error)
{
	if (!request->done)
		return;
	pop3_reply_t reply = {0};
	reply.error = error;
	reply.text = "";
	reply.body = "";
	reply.latency_ms = -1;
	request->done(request->ctx, &reply);
}

/* build_line: the command line of a request, from the table (or as the
 * user typed it); *command is its table entry. NULL when the line would
 * hold CR or LF, or when a gated command comes as typed text. */
static char *build_line(const pop3_request_t *request, const pop3_command_t **command,
			bool *has_argument)
{
	char *line;
	if (request->verb == POP3_CMD_RAW) {
		if (!request->line)
			return NULL;
		*command = pop3_command_typed(request->line, has_argument);
		/* DELE goes only as its verb, which callers send after the gate agreed. */
		if ((*command)->gated)
			return NULL;
		line = xstrdup(request->line);
	} else {
		*command = pop3_command(request->verb);
		buf_t text;
		buf_init(&text);
		buf_append_str(&text, (*command)->name);
		for (unsigned i = 0; i < request->argc && i < 2; i++)
			buf_printf(&text, " %llu", (unsigned long long)request->args[i]);
		if (request->line && *request->line)
			buf_printf(&text, " %s", request->line);
		*has_argument = request->argc > 0 || (request->line && *request->line);
		line = xstrdup(text.data);
		secret_wipe(text.data, text.len);
		buf_free(&text);
	}
	if (!line_is_clean(line)) {
		secret_free(line);
		return NULL;
	}
	return line;
}

uint64_t pop3_submit_internal(pop3_t *pop3, const pop3_request_t *request, bool barrier,
			      pop3_continue_fn on_continue)
{
	const pop3_command_t *command;
	bool has_argument = false;
	char *line = build_line(request, &command, &has_argument);
	if (!line) {
		refuse_request(request, POP3_E_PROTOCOL);
		return 0;
	}
	pop3_cmd_t *cmd = xcalloc(1, sizeof *cmd);
	cmd->id = pop3->next_id++;
	cmd->line = line;
	cmd->multiline = pop3_command_multiline(command, has_argument);
	cmd->barrier = barrier || command->barrier;
	cmd->collect_limit = request->collect_limit;
	cmd->verb = command->verb;
	cmd->max_octets =
	    pop3_body_bound(pop3, request->max_octets, request->expect_octets, command->verb);
	cmd->bound_at_status =
	    !request->max_octets && pop3->logged_in && pop3->phase != PHASE_READY;
	cmd->expect_octets = request->expect_octets;
	cmd->sink = request->sink;
	cmd->done = request->done;
	cmd->ctx = request->ctx;
	cmd->on_continue = on_continue;
	cmd->latency_ms = -1;
	if (command->gated)
		pop3->deletes_queued = true;
	pop3_body_init(&cmd->decoder);
	buf_init(&cmd->body);
	buf_init(&cmd->trace_line_buf);
	append_pending(pop3, cmd);
	return cmd->id;
}

uint64_t pop3_submit(pop3_t *pop3, const pop3_request_t *request)
{
	bool logged_in =
	    pop3->phase == PHASE_READY || (pop3->phase == PHASE_LOGIN && pop3->logged_in);
	if (!logged_in || pop3->quit_sent) {
		refuse_request(request, pop3->phase == PHASE_FAILED ? pop3->error : POP3_E_CLOSED);
		return 0;
	}
	return pop3_submit_internal(pop3, request, false, NULL);
}

void pop3_cancel(pop3_t *pop3, uint64_t id)
{
	for (pop3_cmd_t *cmd = pop3->inflight_head; cmd; cmd = cmd->next)
		if (cmd->id == id) {
			cmd->cancelled = true;
			return;
		}
	pop3_cmd_t *prev = NULL;
	for (pop3_cmd_t *cmd = pop3->pending_head; cmd; prev = cmd, cmd = cmd->next) {
		if (cmd->id != id)
			continue;
		if (prev)
			prev->next = cmd->next;
		else
			pop3->pending_head = cmd->next;
		if (pop3->pending_tail == cmd)
			pop3->pending_tail = prev;
		pop3->pending_count--;
		cmd->cancelled = true;
		finish_cmd(pop3, cmd, POP3_E_CANCELLED);
		return;
	}
}

void pop3_quit(pop3_t *pop3, pop3_done_fn done, void *ctx)
{
	pop3_request_t request = {.verb = POP3_CMD_QUIT, .done = done, .ctx = ctx};
	if (pop3->phase != PHASE_READY || pop3->quit_sent) {
		refuse_request(&request, POP3_E_CLOSED);
		return;
	}
	pop3_submit_internal(pop3, &request, true, NULL);
	pop3->quit_sent = true;
	pop3->feed = NULL;
}

void pop3_quit_behind(pop3_t *pop3, pop3_done_fn done, void *ctx)
{
	bool queued = pop3->phase == PHASE_READY && !pop3->quit_sent;
	pop3_quit(pop3, done, ctx);
	if (queued && !pop3->deletes_queued)
		pop3->pending_tail->barrier = false;
}

void pop3_set_feeder(pop3_t *pop3, pop3_feed_fn feed, void *ctx)
{
	if (pop3->quit_sent || pop3->phase == PHASE_FAILED || pop3->phase == PHASE_CLOSED)
		return;
	pop3->feed = feed;
	pop3->feed_ctx = ctx;
}

/* ---- sending ---- */

/* pipelining: several commands may be in flight: in the transaction state
 * when the server offers PIPELINING, and from the login on when it offered
 * it before (login.c: logged_in). */
static bool pipelining(const pop3_t *pop3)
{
	if (pop3->phase == PHASE_READY)
		return pop3->capa.pipelining;
	return pop3->phase == PHASE_LOGIN && pop3->logged_in && pop3->login_pipelining;
}

/* count_cap: the most commands in flight: one without PIPELINING (or
 * before the login), else --pipeline's bound if any. */
static size_t count_cap(const pop3_t *pop3)
{
	if (!pipelining(pop3))
		return 1;
	return pop3->config.pipeline_window ? pop3->config.pipeline_window : SIZE_MAX;
}

/* window_admits: one more command whose reply is multiline / expected to
 * be expect_octets may join those in flight. */
static bool window_admits(const pop3_t *pop3, bool multiline, uint64_t expect_octets)
{
	if (pop3->inflight_count == 0)
		return true;
	if (pop3->inflight_tail->barrier || pop3->inflight_count >= count_cap(pop3))
		return false;
	return pop3_window_has_room(&pop3->window, pop3_window_estimate(multiline, expect_octets));
}

static void send_line(pop3_t *pop3, const char *line, const char *trace_line)
{
	conn_write(pop3->conn, line, strlen(line));
	conn_write(pop3->conn, "\r\n", 2);
	trace_emit(pop3->trace, TRACE_SEND, -1, trace_line, strlen(trace_line));
}

const char *pop3_cmd_shown(pop3_cmd_t *cmd)
{
	if (!cmd->trace_line)
		cmd->trace_line = trace_mask_command(cmd->line, strlen(cmd->line), false);
	return cmd->trace_line;
}

/* send_cmd: the command's line, and its masked form to the trace when
 * anything reads it (masking costs a copy per command). */
static void send_cmd(pop3_t *pop3, pop3_cmd_t *cmd)
{
	if (trace_wanted(pop3->trace)) {
		send_line(pop3, cmd->line, pop3_cmd_shown(cmd));
		return;
	}
	conn_write(pop3->conn, cmd->line, strlen(cmd->line));
	conn_write(pop3->conn, "\r\n", 2);
}

/* can_send_next: the head of the queue may go out now. */
static bool can_send_next(const pop3_t *pop3)
{
	const pop3_cmd_t *cmd = pop3->pending_head;
	if (!cmd || (pop3->phase != PHASE_LOGIN && pop3->phase != PHASE_READY &&
		     !(pop3->phase == PHASE_GREETING && pop3->capa_before_greeting)))
		return false;
	/* The peer has closed: a command written now is never read (so a QUIT
	 * held back here is known not to have reached the server). */
	if (conn_state(pop3->conn) == CONN_CLOSED)
		return false;
	if (pop3->inflight_count && cmd->barrier)
		return false;
	return window_admits(pop3, cmd->multiline, cmd->expect_octets);
}

/* can_feed: nothing is queued and the window has room for one more reply
 * of the usual size: time to ask the feeder for background work. */
static bool can_feed(const pop3_t *pop3)
{
	if (!pop3->feed || pop3->pending_head || pop3->phase != PHASE_READY || pop3->quit_sent ||
	    conn_state(pop3->conn) == CONN_CLOSED)
		return false;
	return window_admits(pop3, true, 0);
}

/* feed: ask the feeder for one command; false when it gave none (it is
 * detached once it says it has nothing left). */
static bool feed(pop3_t *pop3)
{
	if (!pop3->feed(pop3->feed_ctx, pop3))
		pop3->feed = NULL;
	return pop3->pending_head != NULL;
}

/* refuse_unsolicited: bytes wait in the input while no command is in
 * flight, so nobody asked for them; a command sent now would take them for
 * its reply. Fails the session and returns true when there are such bytes. */
static bool refuse_unsolicited(pop3_t *pop3)
{
	size_t avail;
	const char *data = conn_input(pop3->conn, &avail);
	if (avail == 0)
		return false;
	const char *lf = memchr(data, '\n', avail);
	size_t len = lf ? (size_t)(lf - data) : avail;
	if (len > POP3_MAX_STATUS_LINE)
		len = POP3_MAX_STATUS_LINE;
	if (len && data[len - 1] == '\r')
		len--;
	trace_emit(pop3->trace, TRACE_RECV, -1, data, len);
	pop3_fail(pop3, POP3_E_PROTOCOL, data, len, POP3_CODE_NONE, "%s",
		  _("the server sent a reply nobody asked for"));
	return true;
}

static void send_pending(pop3_t *pop3)
{
	for (;;) {
		if (can_feed(pop3) && !feed(pop3))
			return;
		if (!can_send_next(pop3))
			return;
		/* Before the greeting, what waits is the greeting. */
		if (pop3->inflight_count == 0 && pop3->phase != PHASE_GREETING &&
		    refuse_unsolicited(pop3))
			return;
		pop3_cmd_t *cmd = pop3->pending_head;
		/* The first command after a quiet spell starts the clock: the
		 * server owes nothing until it was sent. */
		if (pop3->inflight_count == 0)
			pop3->last_progress_ms = pop3_now_ms();
		pop3->pending_head = cmd->next;
		if (!pop3->pending_head)
			pop3->pending_tail = NULL;
		pop3->pending_count--;
		cmd->next = NULL;
		if (pop3->inflight_tail)
			pop3->inflight_tail->next = cmd;
		else
			pop3->inflight_head = cmd;
		pop3->inflight_tail = cmd;
		pop3->inflight_count++;
		cmd->sent_ms = pop3_now_ms();
		cmd->sent_us = now_us();
		cmd->estimate = pop3_window_estimate(cmd->multiline, cmd->expect_octets);
		cmd->delivered_at_send = pop3_window_sent(&pop3->window, cmd->estimate);
		send_cmd(pop3, cmd);
	}
}

/* ---- receiving ---- */

static void trace_body_bytes(pop3_t *pop3, pop3_cmd_t *cmd, const char *data, size_t len)
{
	/* The first lines of a body go to the trace, when anything reads it. */
	unsigned limit = trace_wanted(pop3->trace) ? pop3->config.trace_body_lines : 0;
	buf_t *line = &cmd->trace_line_buf;
	size_t i = 0;
	while (i < len && cmd->traced_lines < limit) {
		const char *lf = memchr(data + i, '\n', len - i);
		size_t end = lf ? (size_t)(lf - data) : len;
		size_t room = line->len < TRACE_LINE_MAX ? TRACE_LINE_MAX - line->len : 0;
		if (room)
			buf_append(line, data + i, end - i < room ? end - i : room);
		if (!lf)
			return;
		size_t n = line->len;
		if (n && line->data[n - 1] == '\r')
			n--;
		trace_emit(pop3->trace, TRACE_BODY, -1, line->data ? line->data : "", n);
		buf_clear(line);
		cmd->traced_lines++;
		i = end + 1;
	}
}

typedef struct {
	pop3_t *pop3;
	pop3_cmd_t *cmd;
} body_target_t;

static int body_out(void *ctx, const char *data, size_t len)
{
	body_target_t *target = ctx;
	pop3_cmd_t *cmd = target->cmd;
	/* The decoder has counted these bytes already; past the bound nothing
	 * more is delivered anywhere. */
	if (cmd->decoder.octets > cmd->max_octets) {
		cmd->oversize = true;
		return 1;
	}
	trace_body_bytes(target->pop3, cmd, data, len);
	if (cmd->cancelled || cmd->sink_failed)
		return 0;
	if (cmd->collect_limit) {
		size_t room =
		    cmd->collect_limit > cmd->body.len ? cmd->collect_limit - cmd->body.len : 0;
		size_t take = len < room ? len : room;
		if (take)
			buf_append(&cmd->body, data, take);
		if (take < len)
			cmd->body_truncated = true;
	}
	if (cmd->sink && cmd->sink(cmd->ctx, data, len) != 0)
		cmd->sink_failed = true;
	return 0;
}

static void trace_body_summary(pop3_t *pop3, pop3_cmd_t *cmd)
{
	if (cmd->decoder.lines > cmd->traced_lines)
		trace_emitf(pop3->trace, TRACE_SUMMARY,
			    ngettext("(%llu more line; body %llu lines, %llu octets)",
				     "(%llu more lines; body %llu lines, %llu octets)",
				     cmd->decoder.lines - cmd->traced_lines),
			    (unsigned long long)(cmd->decoder.lines - cmd->traced_lines),
			    (unsigned long long)cmd->decoder.lines,
			    (unsigned long long)cmd->decoder.octets);
}

static void complete_head(pop3_t *pop3)
{
	pop3_cmd_t *cmd = pop3->inflight_head;
	pop3_floor_reset(pop3);
	pop3->inflight_head = cmd->next;
	if (!pop3->inflight_head)
		pop3->inflight_tail = NULL;
	pop3->inflight_count--;
	cmd->next = NULL;
	uint64_t reply_bytes = cmd->status_len + 2;
	if (cmd->in_body)
		reply_bytes += cmd->decoder.octets + 3;
	long long now = now_us();
	pop3_window_done(&pop3->window, cmd->estimate, reply_bytes,
			 cmd->in_body && !cmd->expect_octets && cmd->verb == POP3_CMD_TOP,
			 cmd->delivered_at_send, cmd->sent_us, cmd->status_us - cmd->sent_us, now);
	finish_cmd(pop3, cmd, POP3_OK);
}

static void answer_continuation(pop3_t *pop3, pop3_cmd_t *cmd)
{
	char *response = NULL;
	if (cmd->on_continue)
		response = cmd->on_continue(pop3, cmd->status.text, cmd->status.text_len);
	if (!response) {
		/* RFC 5034: "*" cancels the exchange; the server answers -ERR. */
		send_line(pop3, "*", "*");
		return;
	}
	char *masked = trace_mask_command(response, strlen(response), true);
	send_line(pop3, response, masked);
	free(masked);
	secret_free(response);
}

/* handle_status_line: one status line for the command at the head. Returns
 * false when the engine failed. */
static bool handle_status_line(pop3_t *pop3, pop3_cmd_t *cmd, const char *line, size_t len)
{
	free(cmd->status_copy);
	cmd->status_copy = xstrndup(line, len);
	cmd->status_len = len;
	pop3_parse_status(cmd->status_copy, len, &cmd->status);
	cmd->latency_ms = (long)(pop3_now_ms() - cmd->sent_ms);
	cmd->status_us = now_us();

	if (cmd->status.status == POP3_STATUS_CONT) {
		char *masked = trace_mask_command(line, len, true);
		trace_emit(pop3->trace, TRACE_RECV, cmd->latency_ms, masked, strlen(masked));
		free(masked);
		if (!cmd->on_continue) {
			pop3_fail(pop3, POP3_E_PROTOCOL, line, len, POP3_CODE_NONE,
				  _("the server sent a continuation line to %s"),
				  pop3_cmd_shown(cmd));
			return false;
		}
		answer_continuation(pop3, cmd);
		cmd->sent_ms = pop3_now_ms();
		return true;
	}
	trace_emit(pop3->trace, TRACE_RECV, cmd->latency_ms, line, len);
	if (cmd->status.status == POP3_STATUS_BAD) {
		pop3_fail(pop3, POP3_E_PROTOCOL, line, len, POP3_CODE_NONE,
			  _("the server's reply to %s is neither +OK nor -ERR"),
			  pop3_cmd_shown(cmd));
		return false;
	}
	if (cmd->status.status == POP3_STATUS_OK && cmd->multiline) {
		/* Replies come in order: STAT's has been read by now. */
		if (cmd->bound_at_status)
			cmd->max_octets = pop3_body_bound(pop3, 0, cmd->expect_octets, cmd->verb);
		cmd->in_body = true;
		return true;
	}
	complete_head(pop3);
	return true;
}

static bool handle_greeting(pop3_t *pop3, const char *line, size_t len)
{
	pop3_status_line_t status;
	trace_emit(pop3->trace, TRACE_RECV, -1, line, len);
	pop3_parse_status(line, len, &status);
	if (status.status != POP3_STATUS_OK) {
		if (status.status == POP3_STATUS_ERR)
			pop3_fail(pop3, POP3_E_GREETING, status.text, status.text_len, status.code,
				  _("the server refused the connection"));
		else
			pop3_fail(pop3, POP3_E_PROTOCOL, line, len, POP3_CODE_NONE,
				  _("the server's greeting is not a POP3 greeting"));
		return false;
	}
	pop3_floor_reset(pop3);
	pop3->greeting = sanitize_display(line, len, false, false);
	pop3->apop_timestamp = pop3_apop_timestamp(line, len);
	pop3_emit(pop3, POP3_EVENT_GREETING);
	pop3->phase = PHASE_LOGIN;
	if (!pop3->capa_before_greeting)
		pop3_login_begin(pop3);
	return pop3->phase != PHASE_FAILED;
}

/* process_input: consume what the connection holds. Returns when more
 * bytes are needed or the engine stopped. */
static void process_input(pop3_t *pop3)
{
	for (;;) {
		if (pop3->phase == PHASE_FAILED || pop3->phase == PHASE_CLOSED ||
		    pop3->phase == PHASE_TLS_STLS || pop3->phase == PHASE_TLS_IMPLICIT ||
		    pop3->phase == PHASE_RESOLVING || pop3->phase == PHASE_CONNECTING)
			return;
		size_t avail;
		const char *data = conn_input(pop3->conn, &avail);
		if (avail == 0)
			return;

		pop3_cmd_t *cmd = pop3->inflight_head;
		if (cmd && cmd->in_body) {
			body_target_t target = {pop3, cmd};
			size_t used = pop3_body_feed(&cmd->decoder, data, avail, body_out, &target);
			conn_consume(pop3->conn, used);
			if (cmd->oversize) {
				pop3_fail_oversize(pop3, cmd);
				return;
			}
			if (cmd->decoder.done) {
				if (cmd->trace_line_buf.len && trace_wanted(pop3->trace) &&
				    cmd->traced_lines < pop3->config.trace_body_lines)
					trace_emit(pop3->trace, TRACE_BODY, -1,
						   cmd->trace_line_buf.data,
						   cmd->trace_line_buf.len);
				trace_body_summary(pop3, cmd);
				complete_head(pop3);
			}
			continue;
		}

		if (!cmd && pop3->phase != PHASE_GREETING) {
			refuse_unsolicited(pop3);
			return;
		}
		if (pop3->phase == PHASE_GREETING && pop3_is_tls_record(data, avail)) {
			pop3_fail_tls_port(pop3);
			return;
		}
		if (pop3->phase == PHASE_GREETING && pop3->tls_probe_sent) {
			/* A POP3 server after all, but too slow: the probe's QUIT
			 * is on its way, this session cannot go on. */
			pop3_fail(pop3, POP3_E_TIMEOUT, NULL, 0, POP3_CODE_NONE,
				  ngettext("no greeting from the server within %d second",
					   "no greeting from the server within %d seconds",
					   (unsigned long)(pop3->config.timeout_ms / 1000)),
				  pop3->config.timeout_ms / 1000);
			return;
		}
		size_t line_len;
		long used = pop3_find_line(data, avail, POP3_MAX_STATUS_LINE, &line_len);
		if (used < 0) {
			pop3_fail(pop3, POP3_E_PROTOCOL, NULL, 0, POP3_CODE_NONE,
				  _("the server sent a line longer than %d bytes"),
				  POP3_MAX_STATUS_LINE);
			return;
		}
		if (used == 0)
			return;
		/* Copy: callbacks may consume or reallocate the input buffer. */
		char *line = xstrndup(data, line_len);
		conn_consume(pop3->conn, (size_t)used);
		bool alive;
		if (pop3->phase == PHASE_GREETING)
			alive = handle_greeting(pop3, line, line_len);
		else
			alive = handle_status_line(pop3, cmd, line, line_len);
		free(line);
		if (!alive)
			return;
		send_pending(pop3);
	}
}

/* ---- connection phases ---- */

static void fail_from_conn(pop3_t *pop3)
{
	pop3_error_t error;
	switch (conn_failure(pop3->conn)) {
	case CONN_FAIL_RESOLVE: error = POP3_E_RESOLVE; break;
	case CONN_FAIL_CONNECT: error = POP3_E_CONNECT; break;
	case CONN_FAIL_VERIFY:
	case CONN_FAIL_FINGERPRINT: error = POP3_E_VERIFY; break;
	case CONN_FAIL_TLS: error = POP3_E_TLS; break;
	default: error = POP3_E_CLOSED; break;
	}
	pop3_fail(pop3, error, NULL, 0, POP3_CODE_NONE, "%s", conn_error(pop3->conn));
}

static void trace_tls_facts(pop3_t *pop3)
{
	const tls_info_t *info = conn_tls_info(pop3->conn);
	if (!info)
		return;
	trace_emitf(pop3->trace, TRACE_TLS, _("%s, cipher %s"), info->protocol, info->cipher);
	trace_emitf(pop3->trace, TRACE_TLS, _("certificate: %s"), info->subject);
	trace_emitf(pop3->trace, TRACE_TLS, _("issuer: %s"), info->issuer);
	trace_emitf(pop3->trace, TRACE_TLS, _("valid %s to %s (%ld days left)"), info->not_before,
		    info->not_after, info->days_left);
	trace_emitf(pop3->trace, TRACE_TLS, _("fingerprint %s"), info->fingerprint);
	if (info->insecure && !info->verified)
		trace_emitf(pop3->trace, TRACE_WARN,
			    _("certificate NOT verified (%s); continuing because of --insecure"),
			    info->verify_result);
	else
		trace_emitf(pop3->trace, TRACE_TLS, _("verification: %s"), info->verify_result);
}

static void tls_established(pop3_t *pop3)
{
	trace_tls_facts(pop3);
	pop3_emit(pop3, POP3_EVENT_TLS);
	if (pop3->phase == PHASE_TLS_IMPLICIT) {
		pop3->phase = PHASE_GREETING;
		/* The first CAPA rides with the handshake's last flight instead of
		 * a round trip later: over TLS the server's first word is always
		 * the greeting, and it reads CAPA after sending it. */
		pop3->capa_before_greeting = true;
		pop3_login_begin(pop3);
	} else {
		pop3->phase = PHASE_LOGIN;
		pop3_login_begin(pop3);
	}
}

static void advance_connection(pop3_t *pop3)
{
	conn_state_t state = conn_state(pop3->conn);
	if (state == CONN_FAILED) {
		fail_from_conn(pop3);
		return;
	}
	if (pop3->phase == PHASE_RESOLVING && state == CONN_IDLE) {
		pop3_emit(pop3, POP3_EVENT_RESOLVED);
		pop3->phase = PHASE_CONNECTING;
		/* Connecting gets the whole timeout, whatever resolving took. */
		pop3->last_progress_ms = pop3_now_ms();
		if (conn_start_connect(pop3->conn) != 0) {
			fail_from_conn(pop3);
			return;
		}
		advance_connection(pop3);
		return;
	}
	if (pop3->phase == PHASE_CONNECTING && state == CONN_OPEN) {
		trace_emitf(pop3->trace, TRACE_INFO, _("connected to %s"), conn_peer(pop3->conn));
		pop3_emit(pop3, POP3_EVENT_CONNECTED);
		if (pop3->config.tls_mode == POP3_TLS_IMPLICIT) {
			pop3->phase = PHASE_TLS_IMPLICIT;
			if (conn_start_tls(pop3->conn, pop3->config.host, &pop3->config.tls) != 0) {
				fail_from_conn(pop3);
				return;
			}
			conn_handle_io(pop3->conn, NULL, 0);
			advance_connection(pop3);
			return;
		}
		pop3->phase = PHASE_GREETING;
		return;
	}
	if ((pop3->phase == PHASE_TLS_IMPLICIT || pop3->phase == PHASE_TLS_STLS) &&
	    state == CONN_TLS_OPEN)
		tls_established(pop3);
}

void pop3_open(pop3_t *pop3, pop3_event_fn on_event, void *ctx)
{
	pop3->on_event = on_event;
	pop3->event_ctx = ctx;
	pop3->phase_start_ms = pop3_now_ms();
	pop3->last_progress_ms = pop3->phase_start_ms;
	if (pop3->config.tls.insecure)
		trace_emitf(pop3->trace, TRACE_WARN,
			    _("--insecure: the server's certificate will not be verified"));
	if (pop3->config.tls_mode == POP3_TLS_NONE)
		trace_emitf(pop3->trace, TRACE_WARN,
			    _("--plaintext: this connection is not encrypted"));
	trace_emitf(pop3->trace, TRACE_INFO, _("resolving %s port %s"), pop3->config.host,
		    pop3->config.port);
	pop3->phase = PHASE_RESOLVING;
	if (conn_start_resolve(pop3->conn, pop3->config.host, pop3->config.port) != 0) {
		fail_from_conn(pop3);
		return;
	}
	advance_connection(pop3);
}

bool pop3_is_running(const pop3_t *pop3)
{
	return pop3->phase != PHASE_IDLE && pop3->phase != PHASE_FAILED &&
	       pop3->phase != PHASE_CLOSED;
}

void pop3_start_stls_handshake(pop3_t *pop3)
{
	pop3->phase = PHASE_TLS_STLS;
	if (conn_start_tls(pop3->conn, pop3->config.host, &pop3->config.tls) != 0) {
		fail_from_conn(pop3);
		return;
	}
	conn_handle_io(pop3->conn, NULL, 0);
	advance_connection(pop3);
}

/* ---- poll integration ---- */

const struct pollfd *pop3_poll_fds(pop3_t *pop3, size_t *count)
{
	if (!pop3_is_running(pop3)) {
		*count = 0;
		return NULL;
	}
	return conn_poll_fds(pop3->conn, count);
}

int pop3_timeout_ms(const pop3_t *pop3)
{
	/* Commands queued since the last round go out in the next one. */
	if (can_send_next(pop3) || can_feed(pop3))
		return 0;
	int deadline = pop3_deadline_left_ms(pop3);
	int timers = conn_timeout_ms(pop3->conn);
	if (deadline < 0)
		return timers;
	return timers >= 0 && timers < deadline ? timers : deadline;
}

static void check_closed(pop3_t *pop3)
{
	if (conn_state(pop3->conn) != CONN_CLOSED)
		return;
	size_t avail;
	conn_input(pop3->conn, &avail);
	if (avail)
		return; /* finish what is buffered first */
	if (pop3->phase == PHASE_FAILED || pop3->phase == PHASE_CLOSED)
		return;
	if (pop3->phase == PHASE_GREETING && pop3->tls_probe_sent) {
		/* Closed on the probe without a word: a TLS server. */
		pop3_fail_tls_port(pop3);
		return;
	}
	if (pop3->quit_sent && pop3->inflight_count == 0 && !pop3->pending_head) {
		pop3->phase = PHASE_CLOSED;
		conn_close(pop3->conn);
		pop3_emit(pop3, POP3_EVENT_CLOSED);
		return;
	}
	if (pop3->auth_fallback && !pop3->logged_in)
		/* It closed after refusing -PLUS, before the retry without channel
		 * binding could go: the refusal is the news, not the password. */
		pop3_fail(pop3, POP3_E_CLOSED, NULL, 0, POP3_CODE_NONE,
			  _("the server closed the connection after %s, before the retry without "
			    "channel binding"),
			  pop3->auth_fallback);
	else
		pop3_fail(pop3, POP3_E_CLOSED, NULL, 0, POP3_CODE_NONE,
			  _("the server closed the connection"));
}

void pop3_handle_io(pop3_t *pop3, const struct pollfd *fds, size_t count)
{
	if (!pop3_is_running(pop3))
		return;
	short revents = 0;
	for (size_t i = 0; i < count; i++)
		revents |= fds[i].revents;
	size_t before_in, before_out = conn_output_pending(pop3->conn);
	conn_input(pop3->conn, &before_in);
	/* The resolver's timers run on a wake-up without events too. */
	if (revents || pop3->phase == PHASE_RESOLVING)
		conn_handle_io(pop3->conn, fds, count);
	size_t after_in, after_out = conn_output_pending(pop3->conn);
	conn_input(pop3->conn, &after_in);
	long long now = pop3_now_ms();
	/* Name server traffic is no progress: resolving must end within the
	 * timeout as a whole. */
	if (pop3->phase != PHASE_RESOLVING &&
	    (after_in != before_in || after_out != before_out || revents & (POLLIN | POLLOUT)))
		pop3->last_progress_ms = now;
	/* Only reading grows the input; it shrinks as it is consumed below. */
	pop3_floor_count(pop3, after_in > before_in ? after_in - before_in : 0, now);

	advance_connection(pop3);
	process_input(pop3);
	send_pending(pop3);
	check_closed(pop3);
	if (pop3->phase != PHASE_FAILED && pop3->phase != PHASE_CLOSED)
		conn_flush(pop3->conn);

	pop3_check_timers(pop3);
}

/* ---- accessors ---- */

size_t pop3_busy(const pop3_t *pop3)
{
	return pop3->inflight_count + pop3->pending_count + (pop3->feed != NULL);
}

bool pop3_feeding(const pop3_t *pop3)
{
	return pop3->feed != NULL;
}

bool pop3_is_ready(const pop3_t *pop3)
{
	return pop3->phase == PHASE_READY && !pop3->quit_sent;
}

pop3_error_t pop3_error(const pop3_t *pop3)
{
	return pop3->error;
}

const char *pop3_errstr(const pop3_t *pop3)
{
	return pop3->errstr ? pop3->errstr : "";
}

const char *pop3_server_text(const pop3_t *pop3)
{
	return pop3->server_text;
}

pop3_code_t pop3_server_code(const pop3_t *pop3)
{
	return pop3->server_code;
}

const pop3_capa_t *pop3_capa(const pop3_t *pop3)
{
	return &pop3->capa;
}

const tls_info_t *pop3_tls_info(const pop3_t *pop3)
{
	return conn_tls_info(pop3->conn);
}

const char *pop3_peer(const pop3_t *pop3)
{
	return conn_peer(pop3->conn);
}

const char *pop3_greeting(const pop3_t *pop3)
{
	return pop3->greeting;
}

const char *pop3_auth_method(const pop3_t *pop3)
{
	return pop3->auth_method;
}

bool pop3_is_tls(const pop3_t *pop3)
{
	return conn_is_tls(pop3->conn);
}

uint64_t pop3_stat_count(const pop3_t *pop3)
{
	return pop3->stat_count;
}

uint64_t pop3_stat_octets(const pop3_t *pop3)
{
	return pop3->stat_octets;
}
