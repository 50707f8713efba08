#include <config.h>

#include "cli/batch.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exitcode.h"
#include "gate.h"
#include "loop.h"
#include "ticket.h"
#include "util/gettext.h"
#include "util/sanitize.h"
#include "util/signal_pipe.h"
#include "util/xalloc.h"

/* Bodies of LIST / UIDL for the largest mailbox we model. */
#define SCAN_COLLECT_LIMIT (256u * 1024 * 1024)

static int interrupted; /* the first SIGINT / SIGTERM / SIGHUP, or 0 */
static int signal_fd = -1;

static void on_signal_ready(void *ctx, short revents)
{
	int got[16];
	size_t n = signal_pipe_read(got, 16);
	if (n && !interrupted)
		interrupted = got[0];
}

void batch_signals_install(void)
{
	static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
	signal_fd = signal_pipe_open(signals, sizeof signals / sizeof *signals);
}

int batch_interrupted(void)
{
	return interrupted;
}

/* iterate: one loop round over the engine and the signal pipe. */
static void iterate(pop3_t *pop3)
{
	loop_watch_t watch = {
	    .fd = signal_fd, .events = POLLIN, .on_ready = on_signal_ready, .ctx = NULL};
	loop_iterate(pop3, signal_fd >= 0 ? &watch : NULL, signal_fd >= 0 ? 1 : 0, -1);
}

const char *batch_signal_name(int signo)
{
	switch (signo) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	default: return "a signal";
	}
}

/* The load of one batch session: UIDL and LIST, queued when the login
 * succeeds (so they go out with CAPA and STAT) and taken into the model
 * when LIST's reply comes. Static, like the open state below: the engine
 * keeps pointers to it until the session ends, and a batch mode runs one
 * session. */
typedef struct {
	mailbox_t *mailbox;
	bool done; /* LIST answered or failed */
	int status;
	char *problem;
	char *uidl_body;
	size_t uidl_len;
	bool uidl_ok;
} load_state_t;

static load_state_t load;

static void on_load_uidl(void *ctx, const pop3_reply_t *reply)
{
	if (reply->error != POP3_OK || !reply->ok || reply->body_truncated)
		return;
	load.uidl_ok = true;
	load.uidl_body = xstrndup(reply->body, reply->body_len);
	load.uidl_len = reply->body_len;
}

/* on_load_list: replies come in order, so UIDL's is in and no TOP's yet. */
static void on_load_list(void *ctx, const pop3_reply_t *reply)
{
	pop3_t *pop3 = ctx;
	load.done = true;
	if (reply->error != POP3_OK) {
		load.status = -1;
	} else if (!reply->ok || reply->body_truncated) {
		load.problem = xstrdup(_("the server did not give the message list (LIST)"));
		load.status = EXIT_PROTOCOL;
	} else if (mailbox_take_list(load.mailbox, reply->body, reply->body_len,
				     pop3_stat_count(pop3), &load.problem) < 0) {
		load.status = EXIT_PROTOCOL;
	} else {
		mailbox_take_uidl(load.mailbox, load.uidl_ok ? load.uidl_body : NULL, load.uidl_len,
				  &load.problem);
		mailbox_set_online(load.mailbox, true);
	}
	free(load.uidl_body);
	load.uidl_body = NULL;
}

/* load_begin: UIDL first: a server may change a message when it first
 * gives it a UIDL (GNU Mailutils writes an X-UIDL header into the mbox),
 * and LIST must give the sizes RETR will send in this session. The CAPA
 * after login is not in yet: a server without UIDL says -ERR, which
 * leaves the rows without UIDLs, as a CAPA without UIDL would. */
static void load_begin(pop3_t *pop3)
{
	pop3_request_t uidl = {
	    .verb = POP3_CMD_UIDL, .collect_limit = SCAN_COLLECT_LIMIT, .done = on_load_uidl};
	pop3_request_t list = {.verb = POP3_CMD_LIST,
			       .collect_limit = SCAN_COLLECT_LIMIT,
			       .done = on_load_list,
			       .ctx = pop3};
	mailbox_begin_connection(load.mailbox);
	pop3_submit(pop3, &uidl);
	pop3_submit(pop3, &list);
}

typedef struct {
	pop3_t *pop3;
	bool ready;
	bool failed;
	bool closed;
} open_state_t;

static void on_open_event(void *ctx, pop3_event_t event, long elapsed_ms)
{
	open_state_t *state = ctx;
	if (event == POP3_EVENT_LOGGED_IN && load.mailbox)
		load_begin(state->pop3);
	else if (event == POP3_EVENT_READY)
		state->ready = true;
	else if (event == POP3_EVENT_FAILED)
		state->failed = true;
	else if (event == POP3_EVENT_CLOSED)
		state->closed = true;
}

int batch_report_failure(const pop3_t *pop3)
{
	fprintf(stderr, "popscope: %s\n", pop3_errstr(pop3));
	return exitcode_for_engine(pop3);
}

int batch_write_report(const cli_options_t *options, const pop3_config_t *config,
		       const pop3_t *pop3, const mailbox_t *mailbox, const char *why, int status)
{
	if (!options->report_file)
		return status;
	ticket_t ticket = ticket_of(config, pop3);
	ticket.mailbox = mailbox;
	ticket.problem = why && *why ? why : pop3_error(pop3) != POP3_OK ? pop3_errstr(pop3) : NULL;
	char *errstr = NULL;
	if (ticket_write(options->report_file, &ticket, &errstr) == 0)
		return status;
	fprintf(stderr, "popscope: %s\n", errstr);
	free(errstr);
	return status == 0 ? EXIT_IOERR : status;
}

int batch_open(pop3_t *pop3, mailbox_t *mailbox)
{
	/* Static: the engine keeps this context and may report FAILED or
	 * CLOSED after batch_open has returned. */
	static open_state_t state;
	state = (open_state_t){.pop3 = pop3};
	free(load.problem);
	load = (load_state_t){.mailbox = mailbox};
	pop3_open(pop3, on_open_event, &state);
	while (!state.ready && !state.failed && pop3_is_running(pop3) && !interrupted)
		iterate(pop3);
	if (interrupted) {
		fprintf(stderr,
			_("popscope: interrupted by %s before login; nothing was changed\n"),
			batch_signal_name(interrupted));
		return 128 + interrupted;
	}
	if (!state.ready)
		return batch_report_failure(pop3);
	return 0;
}

void batch_drain(pop3_t *pop3)
{
	while (pop3_busy(pop3) > 0 && pop3_is_running(pop3) && !interrupted)
		iterate(pop3);
}

typedef struct {
	bool answered;
	pop3_error_t error;
	bool ok;
	bool sent;
	char *refusal; /* "server said: -ERR ..." when QUIT was answered -ERR */
} quit_state_t;

static void on_quit(void *ctx, const pop3_reply_t *reply)
{
	quit_state_t *state = ctx;
	state->answered = true;
	state->error = reply->error;
	state->ok = reply->error == POP3_OK && reply->ok;
	state->sent = reply->sent;
	if (reply->error == POP3_OK && !reply->ok) {
		char *text = sanitize_display(reply->text, reply->text_len, false, false);
		state->refusal = xasprintf(_("server said: -ERR %s"), text);
		free(text);
	}
}

/* The QUIT batch_drain_quitting queued, if it did. */
static quit_state_t early_quit;
static bool early_quit_queued;

void batch_drain_quitting(pop3_t *pop3)
{
	while (pop3_busy(pop3) > 0 && pop3_is_running(pop3) && !interrupted) {
		iterate(pop3);
		if (!early_quit_queued && pop3_is_ready(pop3) && !pop3_feeding(pop3)) {
			early_quit_queued = true;
			pop3_quit_behind(pop3, on_quit, &early_quit);
		}
	}
}

bool batch_still_good(const pop3_t *pop3)
{
	return pop3_is_ready(pop3) ||
	       (early_quit_queued && early_quit.answered && early_quit.error == POP3_OK);
}

mailbox_quit_t batch_quit(pop3_t *pop3, mailbox_t *mailbox, char **why)
{
	quit_state_t fresh = {0};
	quit_state_t *state = early_quit_queued ? &early_quit : &fresh;
	if (!early_quit_queued) {
		if (mailbox)
			gate_quit_sent(mailbox);
		pop3_quit(pop3, on_quit, state);
	}
	while (!state->answered && pop3_is_running(pop3) && !interrupted)
		iterate(pop3);
	if (why)
		*why = state->refusal ? state->refusal : xstrdup(pop3_errstr(pop3));
	else
		free(state->refusal);
	state->refusal = NULL;
	if (!mailbox)
		return state->ok ? QUIT_CONFIRMED : QUIT_FAILED;
	if (state->answered && state->error == POP3_OK)
		gate_quit_answered(mailbox, state->ok);
	else /* no answer: unless the engine says QUIT never left, it may have */
		gate_quit_failed(mailbox, !state->answered || state->sent);
	return mailbox_quit_state(mailbox);
}

int batch_load(pop3_t *pop3, char **problem)
{
	while (!load.done && pop3_is_running(pop3) && !interrupted)
		iterate(pop3);
	*problem = load.problem;
	load.problem = NULL;
	if (interrupted || !pop3_is_ready(pop3) || !load.done)
		return -1;
	return load.status;
}
