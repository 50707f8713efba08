#include <config.h>

#include "cli/batch.h"

#include <stdio.h>

#include "cli/exitcode.h"
#include "loop.h"
#include "util/gettext.h"

typedef struct {
	bool ready;
	bool failed;
	bool closed;
} open_state_t;

static void on_open_event(void *ctx, pop3_event_t event, long elapsed_ms)
{
	open_state_t *state = ctx;
	if (event == POP3_EVENT_READY)
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

int batch_open(pop3_t *pop3)
{
	/* Static: the engine keeps this context and may report FAILED or
	 * CLOSED after batch_open has returned. */
	static open_state_t state;
	state = (open_state_t){0};
	pop3_open(pop3, on_open_event, &state);
	while (!state.ready && !state.failed && pop3_is_running(pop3))
		loop_iterate(pop3, NULL, 0, -1);
	if (!state.ready)
		return batch_report_failure(pop3);
	return 0;
}

void batch_drain(pop3_t *pop3)
{
	while (pop3_busy(pop3) > 0 && pop3_is_running(pop3))
		loop_iterate(pop3, NULL, 0, -1);
}

typedef struct {
	bool answered;
	bool ok;
} quit_state_t;

static void on_quit(void *ctx, const pop3_reply_t *reply)
{
	quit_state_t *state = ctx;
	state->answered = true;
	state->ok = reply->error == POP3_OK && reply->ok;
}

bool batch_quit(pop3_t *pop3)
{
	quit_state_t state = {0};
	pop3_quit(pop3, on_quit, &state);
	while (!state.answered && pop3_is_running(pop3))
		loop_iterate(pop3, NULL, 0, -1);
	return state.ok;
}

const char *format_size(unsigned long long octets, char *buf, size_t size)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
	double value = (double)octets;
	size_t unit = 0;
	while (value >= 1000.0 && unit + 1 < sizeof units / sizeof *units) {
		value /= 1000.0;
		unit++;
	}
	if (unit == 0)
		snprintf(buf, size, "%llu B", octets);
	else
		snprintf(buf, size, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
	return buf;
}
