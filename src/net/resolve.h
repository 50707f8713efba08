/* resolve.h: name resolution that never blocks: c-ares behind a small
 * interface, driven by the poll loop like the stream itself. Only conn.c
 * includes it; nothing above src/net/ sees c-ares.
 *
 *   r = resolve_start(host, port);
 *   while (resolve_state(r) == RESOLVE_PENDING):
 *     fds = resolve_poll_fds(r, &n); poll(copy of fds, n, resolve_timeout_ms(r));
 *     resolve_handle_io(r, copy, n);
 *   resolve_addrs(r, &count) or resolve_error(r)
 *
 * Never prints; errors are values with a translated message. */
#ifndef POPSCOPE_RESOLVE_H
#define POPSCOPE_RESOLVE_H

#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>

typedef struct resolve resolve_t;

typedef enum {
	RESOLVE_PENDING, /* queries in flight: poll resolve_poll_fds */
	RESOLVE_DONE,    /* resolve_addrs holds at least one address */
	RESOLVE_FAILED,  /* resolve_error says why */
} resolve_state_t;

typedef struct {
	struct sockaddr_storage addr; /* AF_INET or AF_INET6, the port filled in */
	socklen_t len;
} resolve_addr_t;

/* resolve_start: look up the IPv4 and IPv6 addresses of host for a TCP
 * connection to port (decimal): /etc/hosts first, then DNS as configured in
 * /etc/resolv.conf. A numeric address or a name in /etc/hosts is answered
 * before this returns (state DONE), as is a failure to start (FAILED). */
resolve_t *resolve_start(const char *host, const char *port);
/* resolve_free: cancels queries still in flight and closes their sockets. */
void resolve_free(resolve_t *resolve);

resolve_state_t resolve_state(const resolve_t *resolve);
/* resolve_error: why it failed (translated); "" unless FAILED. */
const char *resolve_error(const resolve_t *resolve);
/* resolve_addrs: the answer in the order to try it (c-ares sorts by RFC
 * 6724); NULL and *count 0 unless DONE. */
const resolve_addr_t *resolve_addrs(const resolve_t *resolve, size_t *count);

/* resolve_poll_fds: the resolver's sockets with the events it waits for
 * (c-ares may use several: one per name server, TCP after a truncated
 * answer); *count 0 unless PENDING. The array belongs to resolve and
 * changes with the next resolve_handle_io: poll a copy. */
const struct pollfd *resolve_poll_fds(const resolve_t *resolve, size_t *count);
/* resolve_timeout_ms: milliseconds until c-ares must run for its own
 * retransmission timers; -1 when none (or not PENDING). */
int resolve_timeout_ms(const resolve_t *resolve);
/* resolve_handle_io: after poll() on a copy of resolve_poll_fds, with the
 * revents filled in; count 0 (or no revents) on a timer wake-up. */
void resolve_handle_io(resolve_t *resolve, const struct pollfd *fds, size_t count);

/* resolve_library_version: "c-ares 1.18.1", the c-ares popscope runs with;
 * a newly allocated string. */
char *resolve_library_version(void);

#endif
