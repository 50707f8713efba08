#include <config.h>

#include "net/resolve.h"

#include <arpa/inet.h>
#include <ares.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "util/gettext.h"
#include "util/xalloc.h"

struct resolve {
	ares_channel channel; /* NULL once the answer is in (or it never started) */
	resolve_state_t state;
	char *error;
	resolve_addr_t *addrs;
	size_t addr_count;
	/* The channel's sockets, kept up to date by on_socket_state. */
	struct pollfd *fds;
	size_t fd_count, fd_cap;
};

/* Our words for the answers a user meets; c-ares's own text for the rest. */
static char *resolve_why(int status)
{
	switch (status) {
	case ARES_ENOTFOUND: return xstrdup(_("no such host"));
	case ARES_ENODATA: return xstrdup(_("the name has no IPv4 or IPv6 address"));
	case ARES_ETIMEOUT: return xstrdup(_("the name servers did not answer"));
	case ARES_ECONNREFUSED: return xstrdup(_("the name servers refused the connection"));
	case ARES_ESERVFAIL: return xstrdup(_("the name server failed (SERVFAIL)"));
	case ARES_EREFUSED: return xstrdup(_("the name server refused the query"));
	default: return xstrdup(ares_strerror(status));
	}
}

static void resolve_fail(resolve_t *resolve, int status)
{
	free(resolve->error);
	resolve->error = resolve_why(status);
	resolve->state = RESOLVE_FAILED;
}

/* c-ares opens, closes and changes interest in its sockets through this. */
static void on_socket_state(void *data, ares_socket_t fd, int readable, int writable)
{
	resolve_t *resolve = data;
	size_t i = 0;

	while (i < resolve->fd_count && resolve->fds[i].fd != fd)
		i++;
	if (!readable && !writable) {
		if (i < resolve->fd_count)
			resolve->fds[i] = resolve->fds[--resolve->fd_count];
		return;
	}
	if (i == resolve->fd_count) {
		if (resolve->fd_count == resolve->fd_cap) {
			resolve->fd_cap = resolve->fd_cap ? resolve->fd_cap * 2 : 4;
			resolve->fds =
			    xrealloc(resolve->fds, resolve->fd_cap * sizeof *resolve->fds);
		}
		resolve->fd_count++;
	}
	resolve->fds[i].fd = fd;
	resolve->fds[i].events = (short)((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));
	resolve->fds[i].revents = 0;
}

static void on_answer(void *arg, int status, int timeouts, struct ares_addrinfo *result)
{
	resolve_t *resolve = arg;

	/* resolve_free cancelled the query: resolve is going away. */
	if (status == ARES_EDESTRUCTION) {
		if (result)
			ares_freeaddrinfo(result);
		return;
	}
	if (status == ARES_SUCCESS && result) {
		size_t n = 0;
		for (const struct ares_addrinfo_node *node = result->nodes; node;
		     node = node->ai_next)
			n++;
		resolve->addrs = xcalloc(n, sizeof *resolve->addrs);
		for (const struct ares_addrinfo_node *node = result->nodes; node;
		     node = node->ai_next) {
			if ((node->ai_family != AF_INET && node->ai_family != AF_INET6) ||
			    node->ai_addrlen > sizeof resolve->addrs->addr)
				continue;
			resolve_addr_t *addr = &resolve->addrs[resolve->addr_count++];
			memcpy(&addr->addr, node->ai_addr, node->ai_addrlen);
			addr->len = (socklen_t)node->ai_addrlen;
		}
	}
	if (result)
		ares_freeaddrinfo(result);
	if (status != ARES_SUCCESS)
		resolve_fail(resolve, status);
	else if (resolve->addr_count == 0)
		resolve_fail(resolve, ARES_ENODATA);
	else
		resolve->state = RESOLVE_DONE;
}

/* Once the answer is in, the channel and its sockets go. Never called from
 * inside a c-ares callback. */
static void resolve_close_channel(resolve_t *resolve)
{
	if (resolve->channel)
		ares_destroy(resolve->channel);
	resolve->channel = NULL;
	resolve->fd_count = 0;
}

resolve_t *resolve_start(const char *host, const char *port)
{
	static bool library_ready;
	resolve_t *resolve = xcalloc(1, sizeof *resolve);
	struct ares_options options;
	int status;

	resolve->state = RESOLVE_PENDING;
	if (!library_ready) {
		status = ares_library_init(ARES_LIB_INIT_ALL);
		if (status != ARES_SUCCESS) {
			resolve_fail(resolve, status);
			return resolve;
		}
		library_ready = true;
	}
	memset(&options, 0, sizeof options);
	options.sock_state_cb = on_socket_state;
	options.sock_state_cb_data = resolve;
	status = ares_init_options(&resolve->channel, &options, ARES_OPT_SOCK_STATE_CB);
	if (status != ARES_SUCCESS) {
		resolve->channel = NULL;
		resolve_fail(resolve, status);
		return resolve;
	}
	struct ares_addrinfo_hints hints = {
	    .ai_flags = ARES_AI_NUMERICSERV,
	    .ai_family = AF_UNSPEC,
	    .ai_socktype = SOCK_STREAM,
	};
	/* A numeric address is answered without a query only when the family
	 * matches it: with AF_UNSPEC c-ares 1.18 sends an IPv4 literal to the
	 * name servers too (and waits for them). */
	struct in6_addr numeric;
	if (inet_pton(AF_INET, host, &numeric) == 1)
		hints.ai_family = AF_INET;
	else if (inet_pton(AF_INET6, host, &numeric) == 1)
		hints.ai_family = AF_INET6;
	if (hints.ai_family != AF_UNSPEC)
		hints.ai_flags |= ARES_AI_NUMERICHOST;
	ares_getaddrinfo(resolve->channel, host, port, &hints, on_answer, resolve);
	if (resolve->state != RESOLVE_PENDING)
		resolve_close_channel(resolve);
	return resolve;
}

void resolve_free(resolve_t *resolve)
{
	if (!resolve)
		return;
	resolve_close_channel(resolve);
	free(resolve->fds);
	free(resolve->addrs);
	free(resolve->error);
	free(resolve);
}

resolve_state_t resolve_state(const resolve_t *resolve)
{
	return resolve->state;
}

const char *resolve_error(const resolve_t *resolve)
{
	return resolve->state == RESOLVE_FAILED && resolve->error ? resolve->error : "";
}

const resolve_addr_t *resolve_addrs(const resolve_t *resolve, size_t *count)
{
	if (resolve->state != RESOLVE_DONE) {
		*count = 0;
		return NULL;
	}
	*count = resolve->addr_count;
	return resolve->addrs;
}

const struct pollfd *resolve_poll_fds(const resolve_t *resolve, size_t *count)
{
	*count = resolve->state == RESOLVE_PENDING ? resolve->fd_count : 0;
	return resolve->fds;
}

int resolve_timeout_ms(const resolve_t *resolve)
{
	struct timeval tv;

	if (resolve->state != RESOLVE_PENDING || !resolve->channel)
		return -1;
	const struct timeval *left = ares_timeout(resolve->channel, NULL, &tv);
	if (!left)
		return -1;
	/* Rounded up: waking a fraction of a millisecond early would spin. */
	long long ms = (long long)left->tv_sec * 1000 + (left->tv_usec + 999) / 1000;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

void resolve_handle_io(resolve_t *resolve, const struct pollfd *fds, size_t count)
{
	bool any = false;

	for (size_t i = 0; i < count && resolve->state == RESOLVE_PENDING; i++) {
		short revents = fds[i].revents;
		if (!revents)
			continue;
		any = true;
		ares_socket_t readable =
		    revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL) ? fds[i].fd : ARES_SOCKET_BAD;
		ares_socket_t writable =
		    revents & (POLLOUT | POLLERR) ? fds[i].fd : ARES_SOCKET_BAD;
		ares_process_fd(resolve->channel, readable, writable);
	}
	/* Retransmissions and c-ares's own timeouts. */
	if (!any && resolve->state == RESOLVE_PENDING)
		ares_process_fd(resolve->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	if (resolve->state != RESOLVE_PENDING)
		resolve_close_channel(resolve);
}

char *resolve_library_version(void)
{
	return xasprintf("c-ares %s", ares_version(NULL));
}
