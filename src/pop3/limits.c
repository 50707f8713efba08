/* limits.c: what the server may send, and how slowly: the bound on each
 * multi-line body (engine.h tells the rules), the --timeout on silence and
 * the --speed-limit floor on a reply that crawls. */
#include <config.h>

#include "pop3/engine_internal.h"

#include "util/gettext.h"

static uint64_t add_capped(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t at_least_min_bound(uint64_t bound)
{
	return bound > POP3_MIN_REPLY_BOUND ? bound : POP3_MIN_REPLY_BOUND;
}

/* default_bound: the bound on a body when the request sets no max_octets
 * (the rules are in engine.h). STAT is known once the session is ready
 * after a login. */
static uint64_t default_bound(const pop3_t *pop3, pop3_verb_t verb)
{
	if (verb == POP3_CMD_CAPA || verb == POP3_CMD_AUTH)
		return POP3_MIN_REPLY_BOUND;
	if (pop3->phase != PHASE_READY || !pop3->logged_in)
		return POP3_MAX_MESSAGE_SIZE;
	if (verb == POP3_CMD_RETR || verb == POP3_CMD_TOP)
		return at_least_min_bound(
		    add_capped(pop3->stat_octets, pop3_size_margin(pop3->stat_octets)));
	if (verb == POP3_CMD_LIST || verb == POP3_CMD_UIDL)
		return at_least_min_bound(pop3->stat_count * POP3_SCAN_LINE_BOUND);
	return POP3_MAX_MESSAGE_SIZE;
}

/* expected_bound: the size LIST gave plus its margin. */
static uint64_t expected_bound(uint64_t expect_octets)
{
	return add_capped(expect_octets, pop3_size_margin(expect_octets));
}

/* pop3_fail_oversize: the body of cmd ran past its bound. What follows in the
 * stream is the rest of that body, so no later reply can be found: the
 * session ends here, without QUIT. */
void pop3_fail_oversize(pop3_t *pop3, pop3_cmd_t *cmd)
{
	unsigned long long bound = cmd->max_octets;
	if (cmd->expect_octets && cmd->max_octets == expected_bound(cmd->expect_octets))
		pop3_fail(pop3, POP3_E_OVERSIZE, NULL, 0, POP3_CODE_NONE,
			  /* TRANSLATORS: LIST is the POP3 command; keep it as is. */
			  _("the reply to %s is longer than %llu octets, though LIST gave its "
			    "size as %llu; the connection was closed"),
			  pop3_cmd_shown(cmd), bound, (unsigned long long)cmd->expect_octets);
	else
		pop3_fail(pop3, POP3_E_OVERSIZE, NULL, 0, POP3_CODE_NONE,
			  _("the reply to %s is longer than %llu octets, the most accepted for "
			    "it; the connection was closed"),
			  pop3_cmd_shown(cmd), bound);
}

uint64_t pop3_body_bound(const pop3_t *pop3, uint64_t max_octets, uint64_t expect_octets,
			 pop3_verb_t verb)
{
	uint64_t bound = max_octets ? max_octets : default_bound(pop3, verb);
	if (expect_octets && expected_bound(expect_octets) < bound)
		bound = expected_bound(expect_octets);
	return bound;
}

static bool waiting_for_server(const pop3_t *pop3)
{
	switch (pop3->phase) {
	case PHASE_RESOLVING:
	case PHASE_CONNECTING:
	case PHASE_TLS_IMPLICIT:
	case PHASE_TLS_STLS:
	case PHASE_GREETING: return true;
	case PHASE_LOGIN:
	case PHASE_READY: return pop3->inflight_count > 0 || conn_output_pending(pop3->conn) > 0;
	default: return false;
	}
}

/* floor_running: the speed floor is on and a reply has begun to arrive. */
static bool floor_running(const pop3_t *pop3)
{
	if (!pop3->config.speed_limit || pop3->floor_start_ms < 0)
		return false;
	if (pop3->phase == PHASE_GREETING)
		return true;
	return (pop3->phase == PHASE_LOGIN || pop3->phase == PHASE_READY) &&
	       pop3->inflight_count > 0;
}

/* deadline_left_ms: milliseconds until the timeout or the speed floor fails
 * the session, -1 = none. */
int pop3_deadline_left_ms(const pop3_t *pop3)
{
	if (!waiting_for_server(pop3))
		return -1;
	long long now = pop3_now_ms();
	long long left = pop3->last_progress_ms + pop3->config.timeout_ms - now;
	if (floor_running(pop3)) {
		long long floor_left = pop3->floor_start_ms + pop3->config.timeout_ms - now;
		if (floor_left < left)
			left = floor_left;
	}
	return left < 0 ? 0 : (int)left;
}

static void fail_timeout(pop3_t *pop3)
{
	int seconds = pop3->config.timeout_ms / 1000;
	if (pop3->phase == PHASE_RESOLVING)
		pop3_fail(pop3, POP3_E_RESOLVE, NULL, 0, POP3_CODE_NONE,
			  ngettext("cannot resolve %s port %s: no answer within %d second",
				   "cannot resolve %s port %s: no answer within %d seconds",
				   seconds),
			  pop3->config.host, pop3->config.port, seconds);
	else
		pop3_fail(pop3, POP3_E_TIMEOUT, NULL, 0, POP3_CODE_NONE,
			  _("no answer from the server within %d seconds"), seconds);
}

/* floor_count: bytes arrived; the first byte of a reply starts a stretch. */
void pop3_floor_count(pop3_t *pop3, size_t received, long long now)
{
	if (!received)
		return;
	if (pop3->floor_start_ms < 0)
		pop3->floor_start_ms = now;
	pop3->floor_bytes += received;
}

/* check_floor: at the end of each stretch of timeout_ms the bytes it
 * brought must reach the floor; then the next stretch starts. */
static void check_floor(pop3_t *pop3, long long now)
{
	if (!floor_running(pop3))
		return;
	long long elapsed = now - pop3->floor_start_ms;
	if (elapsed < pop3->config.timeout_ms)
		return;
	unsigned limit = pop3->config.speed_limit;
	unsigned long long got = pop3->floor_bytes;
	if (got < (unsigned long long)limit * (unsigned long long)elapsed / 1000) {
		pop3_fail(pop3, POP3_E_TIMEOUT, NULL, 0, POP3_CODE_NONE,
			  /* TRANSLATORS: the arguments are bytes received, seconds, and
			   * the --speed-limit in bytes per second. */
			  ngettext("the server sent %llu byte in the last %lld s (below the floor "
				   "of %u bytes/s)",
				   "the server sent %llu bytes in the last %lld s (below the floor "
				   "of %u bytes/s)",
				   (unsigned long)got),
			  got, elapsed / 1000, limit);
		return;
	}
	pop3->floor_start_ms = now;
	pop3->floor_bytes = 0;
}

/* floor_reset: a reply is complete; the speed floor waits for the next one. */
void pop3_floor_reset(pop3_t *pop3)
{
	pop3->floor_start_ms = -1;
	pop3->floor_bytes = 0;
}

void pop3_check_timers(pop3_t *pop3)
{
	if (!waiting_for_server(pop3))
		return;
	long long now = pop3_now_ms();
	if (now >= pop3->last_progress_ms + pop3->config.timeout_ms) {
		if (!pop3_greeting_timed_out(pop3))
			fail_timeout(pop3);
	} else {
		check_floor(pop3, now);
	}
}
