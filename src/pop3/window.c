/* window.c: the pipelining window, in bytes, sized from the measured
 * bandwidth-delay product (see window.h). */
#include <config.h>

#include "pop3/window.h"

/* A first guess for a reply of unknown size: about one header block. */
#define INITIAL_REPLY_AVERAGE 1024u
/* Bandwidth is measured over stretches of this many round trips, so that
 * a slow spell is forgotten soon. */
#define MEASURE_ROUND_TRIPS 4
/* Single-line replies ("+OK 2 320"). */
#define STATUS_LINE_ESTIMATE 64u

void pop3_window_init(pop3_window_t *window)
{
	*window = (pop3_window_t){
	    .budget = POP3_WINDOW_MIN_BYTES,
	    .reply_average = INITIAL_REPLY_AVERAGE,
	    .round_trip_us = -1,
	    .busy_since_us = -1,
	};
}

uint64_t pop3_window_estimate(const pop3_window_t *window, bool multiline, uint64_t expect_octets)
{
	if (!multiline)
		return STATUS_LINE_ESTIMATE;
	if (expect_octets)
		return expect_octets + STATUS_LINE_ESTIMATE;
	return window->reply_average;
}

bool pop3_window_has_room(const pop3_window_t *window, uint64_t estimate)
{
	return window->in_flight == 0 || window->in_flight + estimate <= window->budget;
}

void pop3_window_sent(pop3_window_t *window, uint64_t estimate, long long now_us)
{
	if (window->busy_since_us < 0) {
		window->busy_since_us = now_us;
		window->busy_bytes = 0;
	}
	window->in_flight += estimate;
}

static void resize(pop3_window_t *window, long long now_us)
{
	long long elapsed = now_us - window->busy_since_us;
	/* Over less than a round trip the bytes are a burst the server had
	 * ready, no measure of the link: a reply read a microsecond after the
	 * stretch began would make the window megabytes, and a command the
	 * user asks for would then wait seconds behind it. */
	if (window->round_trip_us <= 0 || elapsed < window->round_trip_us)
		return;
	/* bytes per microsecond times microseconds: the bandwidth-delay product */
	double product =
	    (double)window->busy_bytes / (double)elapsed * (double)window->round_trip_us;
	double budget = 2 * product;
	if (budget < POP3_WINDOW_MIN_BYTES)
		budget = POP3_WINDOW_MIN_BYTES;
	if (budget > POP3_WINDOW_MAX_BYTES)
		budget = POP3_WINDOW_MAX_BYTES;
	window->budget = (uint64_t)budget;
	if (elapsed >= MEASURE_ROUND_TRIPS * window->round_trip_us) {
		window->busy_since_us = now_us;
		window->busy_bytes = 0;
	}
}

void pop3_window_done(pop3_window_t *window, uint64_t estimate, uint64_t reply_bytes,
		      bool unsized_body, long long latency_us, long long now_us, bool idle)
{
	window->in_flight = window->in_flight > estimate ? window->in_flight - estimate : 0;
	if (latency_us >= 0 && (window->round_trip_us < 0 || latency_us < window->round_trip_us))
		window->round_trip_us = latency_us;
	if (unsized_body)
		window->reply_average = (window->reply_average * 7 + reply_bytes) / 8;
	if (window->busy_since_us >= 0) {
		window->busy_bytes += reply_bytes;
		resize(window, now_us);
	}
	if (idle)
		window->busy_since_us = -1;
}
