/* window.h: how much the engine keeps in flight with PIPELINING.
 *
 * The bound is in bytes, not commands: the replies in flight (estimated:
 * the size LIST gave when the request names it, else the average of the
 * multi-line replies seen so far) may add up to a few times the link's
 * bandwidth-delay product (window.c: WINDOW_GAIN). The product is measured
 * as replies complete: the round trip is the shortest time from a command
 * to its status line, the bandwidth the best of the recent samples, each
 * the reply bytes of a stretch of at least a round trip over its duration
 * (a burst read at once measures nothing). While the window is what limits
 * the transfer, the measured bandwidth is about window / round trip, so the
 * window grows each round until the link, not the window, sets the pace (as
 * TCP's slow start does).
 * The count cap (--pipeline) stays an upper bound on top. */
#ifndef POPSCOPE_POP3_WINDOW_H
#define POPSCOPE_POP3_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The window never shrinks below what about a hundred header blocks need,
 * nor grows past what a fast link with a long round trip can use. */
#define POP3_WINDOW_MIN_BYTES (64u * 1024)
#define POP3_WINDOW_MAX_BYTES (64u * 1024 * 1024)
/* The bandwidth is the best of this many recent samples (a round trip or
 * more each): a slow spell is forgotten soon, a momentary dip is not
 * taken for the link's speed. */
#define POP3_WINDOW_RATE_SAMPLES 8

typedef struct {
	uint64_t budget;         /* reply bytes that may be in flight */
	uint64_t in_flight;      /* estimated reply bytes of the commands in flight */
	uint64_t reply_average;  /* header blocks (TOP n 0) seen so far */
	long long round_trip_us; /* shortest command-to-status time; -1 = none yet */
	long long busy_since_us; /* start of the current busy stretch; -1 = idle */
	uint64_t busy_bytes;     /* reply bytes completed in that stretch */
	/* bytes a microsecond over the last stretches of a round trip or more */
	double rates[POP3_WINDOW_RATE_SAMPLES];
	size_t next_rate; /* the slot the next sample takes */
} pop3_window_t;

void pop3_window_init(pop3_window_t *window);
/* pop3_window_estimate: the reply bytes to expect for a command. */
uint64_t pop3_window_estimate(const pop3_window_t *window, bool multiline, uint64_t expect_octets);
/* pop3_window_has_room: one more command of this estimate fits (a command
 * is always allowed when nothing is in flight). */
bool pop3_window_has_room(const pop3_window_t *window, uint64_t estimate);
/* pop3_window_sent: a command of this estimate went out at now_us. */
void pop3_window_sent(pop3_window_t *window, uint64_t estimate, long long now_us);
/* pop3_window_done: its reply is complete: reply_bytes arrived, latency_us
 * after it was sent (-1 if unknown); header_block when it was a TOP reply
 * whose size nobody gave (it updates the average: the one-off listings,
 * CAPA, UIDL and LIST, are thousands of times a header block in a large
 * mailbox and would make the TOPs after them look as large); idle when
 * nothing else is in flight now. */
void pop3_window_done(pop3_window_t *window, uint64_t estimate, uint64_t reply_bytes,
		      bool header_block, long long latency_us, long long now_us, bool idle);

#endif
