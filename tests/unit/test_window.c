/* test_window: the pipelining window against a simulated link: it grows
 * until the link, not the window, sets the pace; it stays small where the
 * round trip is short; it never passes its bounds. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>

#include "pop3/window.h"

/* A link: replies of reply_bytes each, round_trip_us from a command to the
 * first byte of its reply, at most bandwidth bytes a microsecond. The
 * client sends whenever the window has room. */
typedef struct {
	double bandwidth;
	long long round_trip_us;
	uint64_t reply_bytes;
	/* All but every tenth reply wait this long more (queued at the server
	 * or in the client): the shortest round trip is seldom the usual one. */
	long long queued_us;
} link_t;

typedef struct {
	uint64_t budget;     /* the window at the end */
	double throughput;   /* bytes a microsecond over the last quarter */
	size_t most_pending; /* commands in flight at once, at most */
} outcome_t;

static outcome_t simulate(const link_t *link, size_t replies)
{
	pop3_window_t window;
	pop3_window_init(&window);
	long long *sent = calloc(replies, sizeof *sent);
	uint64_t *delivered = calloc(replies, sizeof *delivered);
	assert_non_null(sent);
	assert_non_null(delivered);
	size_t next_send = 0, next_done = 0, most = 0;
	long long now = 0, last_done = 0, quarter_start = 0;
	double transfer_us = (double)link->reply_bytes / link->bandwidth;
	while (next_done < replies) {
		while (next_send < replies &&
		       pop3_window_has_room(&window, pop3_window_estimate(true, 0))) {
			sent[next_send] = now;
			delivered[next_send] =
			    pop3_window_sent(&window, pop3_window_estimate(true, 0));
			next_send++;
		}
		if (next_send - next_done > most)
			most = next_send - next_done;
		/* The next reply ends a round trip after its command, and not before
		 * the link has carried it after the previous one. */
		long long first_byte =
		    sent[next_done] + link->round_trip_us + (next_done % 10 ? link->queued_us : 0);
		long long end =
		    (long long)((double)(first_byte > last_done ? first_byte : last_done) +
				transfer_us);
		now = last_done = end;
		if (next_done == replies * 3 / 4)
			quarter_start = now;
		uint64_t estimate = pop3_window_estimate(true, 0);
		next_done++;
		pop3_window_done(&window, estimate, link->reply_bytes, true,
				 delivered[next_done - 1], sent[next_done - 1],
				 first_byte - sent[next_done - 1], now);
	}
	free(sent);
	free(delivered);
	double quarter_bytes = (double)(replies - replies * 3 / 4 - 1) * (double)link->reply_bytes;
	return (outcome_t){window.budget, quarter_bytes / (double)(now - quarter_start), most};
}

static void test_grows_to_the_link(void **state)
{
	(void)state;
	/* 20 ms round trip, 50 MB/s, 1 KB header blocks: the link holds 1 MB. */
	link_t link = {.bandwidth = 50.0, .round_trip_us = 20000, .reply_bytes = 1024};
	outcome_t out = simulate(&link, 20000);
	assert_true(out.budget >= 1000000);
	assert_true(out.budget <= POP3_WINDOW_MAX_BYTES);
	/* The end of the scan runs at the link's speed. */
	assert_true(out.throughput >= 0.8 * link.bandwidth);
}

static void test_grows_through_queues(void **state)
{
	(void)state;
	/* Replies usually take two and a half round trips: the window still
	 * grows until the link sets the pace. */
	link_t link = {
	    .bandwidth = 20.0, .round_trip_us = 20000, .reply_bytes = 420, .queued_us = 30000};
	outcome_t out = simulate(&link, 40000);
	assert_true(out.throughput >= 0.8 * link.bandwidth);
}

static void test_short_round_trip_stays_small(void **state)
{
	(void)state;
	/* Loopback: 40 us, 500 MB/s: the product is 20 KB; the window stays
	 * a few times that, not the megabytes of a long path. */
	link_t link = {.bandwidth = 500.0, .round_trip_us = 40, .reply_bytes = 1024};
	outcome_t out = simulate(&link, 5000);
	assert_true(out.budget <= 256 * 1024);
	assert_true(out.most_pending <= 256 + 1);
}

static void test_bounded_above(void **state)
{
	(void)state;
	/* A fat long pipe (1 GB/s, 300 ms: 300 MB) meets the ceiling. */
	link_t link = {.bandwidth = 1000.0, .round_trip_us = 300000, .reply_bytes = 64 * 1024};
	outcome_t out = simulate(&link, 20000);
	assert_int_equal(out.budget, POP3_WINDOW_MAX_BYTES);
}

/* A server that answers in bursts: each round trip, up to burst_bytes of
 * replies (1 KB each, oldest command first) arrive within a few
 * microseconds, then nothing until the next round trip. Returns the
 * largest budget seen. */
static uint64_t simulate_bursts(long long round_trip_us, uint64_t burst_bytes, int rounds)
{
	pop3_window_t window;
	pop3_window_init(&window);
	/* The commands in flight, oldest first: when each went out, and the
	 * bytes delivered then. */
	size_t cap = POP3_WINDOW_MAX_BYTES / 1024 * 2, head = 0, tail = 0;
	long long *sent = calloc(cap, sizeof *sent);
	uint64_t *delivered = calloc(cap, sizeof *delivered);
	assert_non_null(sent);
	assert_non_null(delivered);
	uint64_t largest = 0;
	long long now = 0;
	for (int round = 0; round < rounds; round++) {
		while (pop3_window_has_room(&window, 1024)) {
			assert_true(tail - head < cap);
			sent[tail % cap] = now;
			delivered[tail % cap] = pop3_window_sent(&window, 1024);
			tail++;
		}
		now += round_trip_us;
		for (uint64_t done = 0; done < burst_bytes / 1024 && head < tail; done++, head++) {
			now++;
			pop3_window_done(&window, 1024, 1024, true, delivered[head % cap],
					 sent[head % cap], now - sent[head % cap], now);
			if (window.budget > largest)
				largest = window.budget;
		}
	}
	free(sent);
	free(delivered);
	return largest;
}

static void test_bursts_do_not_inflate(void **state)
{
	(void)state;
	/* 20 ms, 200 KB a round trip (10 MB/s): the product is 200 KB. A burst
	 * read in microseconds is no measure of the link (200 KB over 200 us
	 * would make the window the 64 MB ceiling): the window grows to hold
	 * the product, and no further than the gain (window.c: 8) times it, so
	 * a command queued behind it waits a few round trips, not seconds. */
	uint64_t largest = simulate_bursts(20000, 200 * 1024, 200);
	assert_true(largest >= 200 * 1024);
	assert_true(largest <= 9 * 200 * 1024);
}

static void test_estimates(void **state)
{
	(void)state;
	pop3_window_t window;
	pop3_window_init(&window);
	/* A size LIST gave counts as given; a single line is small. */
	assert_true(pop3_window_estimate(true, 5000000) >= 5000000);
	assert_true(pop3_window_estimate(false, 0) < 100);
	/* Unsized replies teach the average; sized ones do not. */
	for (int i = 0; i < 100; i++) {
		uint64_t delivered = pop3_window_sent(&window, 0);
		pop3_window_done(&window, 0, 8000, true, delivered, i, 1, i + 1);
	}
	uint64_t average = window.reply_average;
	assert_true(average > 7000 && average <= 8000);
	uint64_t delivered = pop3_window_sent(&window, 0);
	pop3_window_done(&window, 0, 90000000, false, delivered, 200, 1, 201);
	assert_int_equal(window.reply_average, average);
	/* Unsized replies in flight count at the average as it is now. */
	uint64_t budget = window.budget;
	for (uint64_t i = 0; i < budget / average; i++) {
		assert_true(pop3_window_has_room(&window, POP3_WINDOW_UNSIZED));
		pop3_window_sent(&window, POP3_WINDOW_UNSIZED);
	}
	assert_false(pop3_window_has_room(&window, POP3_WINDOW_UNSIZED));
	window.reply_average = average / 4;
	assert_true(pop3_window_has_room(&window, POP3_WINDOW_UNSIZED));
	window.reply_average = average;
	for (uint64_t i = 0; i < budget / average; i++)
		pop3_window_done(&window, POP3_WINDOW_UNSIZED, 0, false, 0, 300, 1, 301);
	assert_int_equal(window.unsized_in_flight, 0);
	/* Anything fits when nothing is in flight; then the budget counts. */
	assert_true(pop3_window_has_room(&window, POP3_WINDOW_MAX_BYTES * 2ull));
	pop3_window_sent(&window, window.budget);
	assert_false(pop3_window_has_room(&window, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_grows_to_the_link),
	    cmocka_unit_test(test_grows_through_queues),
	    cmocka_unit_test(test_short_round_trip_stays_small),
	    cmocka_unit_test(test_bounded_above),
	    cmocka_unit_test(test_bursts_do_not_inflate),
	    cmocka_unit_test(test_estimates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
