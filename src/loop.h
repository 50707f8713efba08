/* loop.h: the one poll() loop over the engine's sockets and any other file
 * descriptors (the terminal, a signal pipe). Shared by the UI and the batch
 * modes so both run the same non-blocking engine. */
#ifndef POPSCOPE_LOOP_H
#define POPSCOPE_LOOP_H

#include <stddef.h>

#include "pop3/engine.h"

typedef struct {
	int fd;
	short events;                               /* POLLIN etc. */
	void (*on_ready)(void *ctx, short revents); /* called when revents != 0 */
	void *ctx;
} loop_watch_t;

/* loop_iterate: one round: poll the engine's descriptors (pop3_poll_fds:
 * the server's socket, or the resolver's sockets while the host name is
 * looked up; pop3 may be NULL) and the watches, at most max_wait_ms (-1 =
 * until something happens or pop3_timeout_ms), then feed the engine and
 * call the watches' handlers.
 * Returns 0, or -1 when poll failed for a reason other than EINTR. */
int loop_iterate(pop3_t *pop3, const loop_watch_t *watches, size_t count, int max_wait_ms);

#endif
