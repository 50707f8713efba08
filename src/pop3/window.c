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
	    .period_start_us = -1,
	};
}

uint64_t pop3_window_estimate(bool multiline, uint64_t expect_octets)
{
	if (!multiline)
		return STATUS_LINE_ESTIMATE;
	if (expect_octets)
		return expect_octets + STATUS_LINE_ESTIMATE;
	return POP3_WINDOW_UNSIZED;
}

/* bytes_of: the reply bytes an estimate stands for now. */
static uint64_t bytes_of(const pop3_window_t *window, uint64_t estimate)
{
	return estimate == POP3_WINDOW_UNSIZED ? window->reply_average : estimate;
}

bool pop3_window_has_room(const pop3_window_t *window, uint64_t estimate)
{
	uint64_t in_flight = window->in_flight + window->unsized_in_flight * window->reply_average;
	return in_flight == 0 || in_flight + bytes_of(window, estimate) <= window->budget;
}

uint64_t pop3_window_sent(pop3_window_t *window, uint64_t estimate)
{
	if (estimate == POP3_WINDOW_UNSIZED)
		window->unsized_in_flight++;
	else
		window->in_flight += estimate;
	return window->delivered;
}

/* take_rate: a delivery rate measured now_us: the best of the current round
 * trip (a round trip after the last one began, a new one begins), and the
 * window follows the best of the last round trips. */
static void take_rate(pop3_window_t *window, double rate, long long now_us)
{
	if (window->period_start_us < 0)
		window->period_start_us = now_us;
	if (now_us - window->period_start_us >= window->round_trip_us) {
		window->rates[window->next_rate] = window->period_best;
		window->next_rate = (window->next_rate + 1) % POP3_WINDOW_RATE_SAMPLES;
		window->period_best = 0;
		window->period_start_us = now_us;
	}
	if (rate > window->period_best)
		window->period_best = rate;
	double best = window->period_best;
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
		      bool header_block, uint64_t delivered_at_send, long long sent_us,
		      long long latency_us, long long now_us)
{
	if (estimate == POP3_WINDOW_UNSIZED)
		window->unsized_in_flight -= window->unsized_in_flight > 0;
	else
		window->in_flight = window->in_flight > estimate ? window->in_flight - estimate : 0;
	window->delivered += reply_bytes;
	if (latency_us >= 0 && (window->round_trip_us < 0 || latency_us < window->round_trip_us))
		window->round_trip_us = latency_us;
	if (header_block)
		window->reply_average = (window->reply_average * 7 + reply_bytes) / 8;
	/* The replies that completed while this command was in flight, over
	 * that time: a round trip or more, so bytes the server had ready and
	 * that were read at once are no measure of the link (a burst over a
	 * microsecond would make the window megabytes, and a command the user
	 * asks for would then wait seconds behind it). Measured at every reply,
	 * the rate follows the window up within the round trip that shows it,
	 * not a round trip later. */
	long long elapsed = now_us - sent_us;
	if (window->round_trip_us > 0 && elapsed >= window->round_trip_us)
		take_rate(window, (double)(window->delivered - delivered_at_send) / (double)elapsed,
			  now_us);
}
