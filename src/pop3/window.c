/* window.c: the pipelining window, in bytes, sized from the measured
 * bandwidth-delay product (see window.h). */
#include <config.h>

#include "pop3/window.h"

/* A first guess for a reply of unknown size: about one header block. */
#define INITIAL_REPLY_AVERAGE 1024u
/* The window is this many times the bandwidth-delay product. Replies queue
 * at the server and in the client, so a reply's time often runs to two or
 * three shortest round trips, and a window of twice the product would hold
 * the rate where it is instead of finding the link's; and a server reads
 * commands in batches, each the faster the larger. Against Dovecot at a
 * 20 ms round trip a header scan speeds up until 8 and no further
 * (bench/header-scan.sh); a command queued behind a full window waits
 * about this many round trips. */
#define WINDOW_GAIN 8.0
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

/* take_sample: a stretch of at least a round trip ended at now_us: its rate
 * joins the recent samples, and the window follows the best of them. */
static void take_sample(pop3_window_t *window, long long now_us)
{
	long long elapsed = now_us - window->busy_since_us;
	window->rates[window->next_rate] = (double)window->busy_bytes / (double)elapsed;
	window->next_rate = (window->next_rate + 1) % POP3_WINDOW_RATE_SAMPLES;
	window->busy_since_us = now_us;
	window->busy_bytes = 0;
	double best = 0;
	for (size_t i = 0; i < POP3_WINDOW_RATE_SAMPLES; i++)
		if (window->rates[i] > best)
			best = window->rates[i];
	/* bytes per microsecond times microseconds: the bandwidth-delay product */
	double budget = WINDOW_GAIN * best * (double)window->round_trip_us;
	if (budget < POP3_WINDOW_MIN_BYTES)
		budget = POP3_WINDOW_MIN_BYTES;
	if (budget > POP3_WINDOW_MAX_BYTES)
		budget = POP3_WINDOW_MAX_BYTES;
	window->budget = (uint64_t)budget;
}

void pop3_window_done(pop3_window_t *window, uint64_t estimate, uint64_t reply_bytes,
		      bool header_block, long long latency_us, long long now_us, bool idle)
{
	window->in_flight = window->in_flight > estimate ? window->in_flight - estimate : 0;
	if (latency_us >= 0 && (window->round_trip_us < 0 || latency_us < window->round_trip_us))
		window->round_trip_us = latency_us;
	if (header_block)
		window->reply_average = (window->reply_average * 7 + reply_bytes) / 8;
	if (window->busy_since_us >= 0) {
		window->busy_bytes += reply_bytes;
		/* Over less than a round trip the bytes are a burst the server
		 * had ready, no measure of the link: a reply read a microsecond
		 * after the stretch began would make the window megabytes, and a
		 * command the user asks for would then wait seconds behind it. */
		if (window->round_trip_us > 0 &&
		    now_us - window->busy_since_us >= window->round_trip_us)
			take_sample(window, now_us);
	}
	if (idle)
		window->busy_since_us = -1;
}
