#include <config.h>

#include "loop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>

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
	struct pollfd *fds = xcalloc(count + 1, sizeof *fds);
	size_t n = 0;
	int engine_slot = -1;
	int timeout = max_wait_ms;

	if (pop3) {
		timeout = shorter_timeout(timeout, pop3_timeout_ms(pop3));
		int fd = pop3_poll_fd(pop3);
		short events = pop3_poll_events(pop3);
		if (fd >= 0 && events) {
			fds[n].fd = fd;
			fds[n].events = events;
			engine_slot = (int)n++;
		}
	}
	for (size_t i = 0; i < count; i++) {
		fds[n].fd = watches[i].fd;
		fds[n].events = watches[i].events;
		n++;
	}

	int ready = poll(fds, (nfds_t)n, timeout);
	if (ready < 0 && errno != EINTR) {
		free(fds);
		return -1;
	}

	/* The engine runs even on a timeout wake-up so it can notice deadlines. */
	if (pop3)
		pop3_handle_io(pop3, engine_slot >= 0 ? fds[engine_slot].revents : 0);
	size_t first_watch = engine_slot >= 0 ? 1 : 0;
	for (size_t i = 0; i < count; i++) {
		short revents = fds[first_watch + i].revents;
		if (revents && watches[i].on_ready)
			watches[i].on_ready(watches[i].ctx, revents);
	}
	free(fds);
	return 0;
}
