/* window.h: how much the engine keeps in flight with PIPELINING.
 *
 * The bound is in bytes, not commands: the replies in flight (estimated:
 * the size LIST gave when the request names it, else the average header
 * block seen so far, as it is now) may add up to a few times the link's
 * bandwidth-delay product (window.c: WINDOW_GAIN). The product is measured
 * as replies complete: the round trip is the shortest time from a command
 * to its status line; the bandwidth is the best delivery rate of the last
 * round trips, each rate taken as a reply completes: the reply bytes that
 * completed while its command was in flight, over that time (a round trip
 * or more, so a burst read at once measures nothing). While the window is
 * what limits the transfer, the measured bandwidth is about window / round
 * trip, so the window grows each round until the link, not the window, sets
 * the pace (as TCP's slow start does).
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
/* The bandwidth is the best rate of this many recent round trips: a slow
 * spell is forgotten soon, a momentary dip is not taken for the link's
 * speed. */
#define POP3_WINDOW_RATE_SAMPLES 8

typedef struct {
	uint64_t budget;            /* reply bytes that may be in flight */
	uint64_t in_flight;         /* reply bytes of the sized commands in flight */
	uint64_t unsized_in_flight; /* commands in flight counted at the average */
	uint64_t reply_average;     /* header blocks (TOP n 0) seen so far */
	long long round_trip_us;    /* shortest command-to-status time; -1 = none yet */
	uint64_t delivered;         /* reply bytes completed so far */
	/* the best delivery rate (bytes a microsecond) of each of the last
	 * round trips, and of the current one, which began at period_start_us */
	double rates[POP3_WINDOW_RATE_SAMPLES];
	size_t next_rate; /* the slot the current round trip's best goes to */
	double period_best;
	long long period_start_us; /* -1: no reply yet */
} pop3_window_t;

void pop3_window_init(pop3_window_t *window);
/* A multi-line reply whose size nobody gave (a TOP of the header scan):
 * counted at the average header block, while it is in flight too, so that
 * the window holds as many as the average now says (the first guess is a
 * kilobyte: four times the size of small header blocks). */
#define POP3_WINDOW_UNSIZED 0u

/* pop3_window_estimate: the reply bytes to expect for a command, or
 * POP3_WINDOW_UNSIZED. */
uint64_t pop3_window_estimate(bool multiline, uint64_t expect_octets);
/* pop3_window_has_room: one more command of this estimate fits (a command
 * is always allowed when nothing is in flight). */
bool pop3_window_has_room(const pop3_window_t *window, uint64_t estimate);
/* pop3_window_sent: a command of this estimate goes out. Returns the reply
 * bytes delivered so far, for the command to hand back as it completes. */
uint64_t pop3_window_sent(pop3_window_t *window, uint64_t estimate);
/* pop3_window_done: its reply is complete at now_us: reply_bytes arrived;
 * the command went out at sent_us, when delivered_at_send bytes had been
 * delivered, and its status line came latency_us later (-1 if unknown);
 * header_block when it was a TOP reply whose size nobody gave (it updates
 * the average: the one-off listings, CAPA, UIDL and LIST, are thousands of
 * times a header block in a large mailbox and would make the TOPs after
 * them look as large). */
void pop3_window_done(pop3_window_t *window, uint64_t estimate, uint64_t reply_bytes,
		      bool header_block, uint64_t delivered_at_send, long long sent_us,
		      long long latency_us, long long now_us);

#endif
