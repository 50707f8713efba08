#include <config.h>

#include "loop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static int shorter_timeout(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

int loop_iterate(pop3_t *pop3, const loop_watch_t *watches, size_t count, int max_wait_ms)
{
	const struct pollfd *engine_fds = NULL;
	size_t engine_count = 0;
	int timeout = max_wait_ms;

	if (pop3) {
		timeout = shorter_timeout(timeout, pop3_timeout_ms(pop3));
		engine_fds = pop3_poll_fds(pop3, &engine_count);
	}
	/* The engine's descriptors first (copied: its array may change while
	 * it handles them), then the watches. */
	struct pollfd *fds = xcalloc(engine_count + count, sizeof *fds);
	if (engine_count)
		memcpy(fds, engine_fds, engine_count * sizeof *fds);
	for (size_t i = 0; i < count; i++) {
		fds[engine_count + i].fd = watches[i].fd;
		fds[engine_count + i].events = watches[i].events;
	}

	int ready = poll(fds, (nfds_t)(engine_count + count), timeout);
	if (ready < 0 && errno != EINTR) {
		free(fds);
		return -1;
	}

	/* The engine runs even on a timeout wake-up so it can notice deadlines. */
	if (pop3)
		pop3_handle_io(pop3, fds, engine_count);
	for (size_t i = 0; i < count; i++) {
		short revents = fds[engine_count + i].revents;
		if (revents && watches[i].on_ready)
			watches[i].on_ready(watches[i].ctx, revents);
	}
	free(fds);
	return 0;
}
