#include <config.h>

#include "ui/keytime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static FILE *out;
static char pending[32]; /* the key waiting for its redraw, "" when none */
static long long pending_us;

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
