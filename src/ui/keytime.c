#include <config.h>

#include "ui/keytime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static FILE *out;
static char pending[32]; /* the key waiting for its redraw, "" when none */
static long long pending_us;
static unsigned long awaited; /* the session_timing_t.asked awaited; 0: none */
static long long awaited_key_us;

void keytime_open(void)
{
	const char *path = getenv("POPSCOPE_TIMINGS");
	if (path && *path)
		out = fopen(path, "a");
}

void keytime_close(void)
{
	if (out)
		fclose(out);
	out = NULL;
}

bool keytime_on(void)
{
	return out != NULL;
}

long long keytime_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void keytime_key(const char *name, long long us)
{
	if (!out)
		return;
	if (pending[0]) /* two keys before a redraw: the first one alone */
		fprintf(out, "%s %.3f\n", pending, pending_us / 1000.0);
	snprintf(pending, sizeof pending, "%s", name);
	pending_us = us;
}

void keytime_drawn(long long us)
{
	if (!out || !pending[0])
		return;
	fprintf(out, "%s %.3f\n", pending, (pending_us + us) / 1000.0);
	fflush(out);
	pending[0] = '\0';
}

void keytime_request(const session_timing_t *timing, unsigned long asked_before, long long key_us)
{
	if (!out || timing->asked == asked_before)
		return;
	awaited = timing->asked;
	awaited_key_us = key_us;
}

/* since_key: microseconds since the key as milliseconds; -1 for no time. */
static double since_key(long long us)
{
	return us ? (us - awaited_key_us) / 1000.0 : -1.0;
}

void keytime_answered(const session_timing_t *timing, long long now_us)
{
	if (!out || !awaited || timing->answered != awaited)
		return;
	fprintf(out, "request:%s %.3f %.3f %.3f %llu\n", timing->save ? "save" : "preview",
		since_key(timing->sent_us), since_key(timing->reply_us), since_key(now_us),
		(unsigned long long)timing->number);
	fflush(out);
	awaited = 0;
}
