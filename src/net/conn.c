#include <config.h>

#include "net/conn.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "net/resolve.h"
#include "net/tls.h"
#include "util/buf.h"
#include "util/gettext.h"
#include "util/xalloc.h"

/* One read() or SSL_read() moves at most this much. */
#define CONN_READ_CHUNK (64 * 1024)
/* Reading pauses while this much input waits to be consumed. */
#define CONN_INPUT_LIMIT (256 * 1024)
/* Sent output is dropped from the front of the buffer only past this. */
#define CONN_OUTPUT_COMPACT (64 * 1024)

struct conn {
	conn_state_t state;
	conn_failure_t failure;
	char *error;
	int fd;
	struct pollfd stream_poll; /* what conn_poll_fds hands out for fd */

	char *host, *port;  /* as given to conn_start_resolve, for messages */
	resolve_t *resolve; /* the lookup, then its answer */
	size_t next_addr;   /* index of the next address to try after the current one */
	char peer[NI_MAXHOST + NI_MAXSERV + 2];
	char peer_host[NI_MAXHOST];
	char peer_port[NI_MAXSERV];

	/* Input: bytes in[in_start .. in_end) are unconsumed. */
	char *in;
	size_t in_start, in_end, in_cap;

	/* Output: bytes out.data[out_sent .. out.len) wait to be sent. */
	buf_t out;
	size_t out_sent;

	tls_session_t *tls;
	bool tls_open;         /* a handshake completed on this stream */
	short handshake_wants; /* POLLIN or POLLOUT the handshake waits for */
	bool read_wants_write; /* SSL_read needs the socket writable */
	bool write_wants_read; /* SSL_write needs the socket readable */
};

static void conn_fail(conn_t *conn, conn_failure_t failure, char *message)
{
	free(conn->error);
	conn->error = message;
	conn->failure = failure;
	conn->state = CONN_FAILED;
}

conn_t *conn_new(void)
{
	conn_t *conn = xcalloc(1, sizeof(*conn));

	conn->fd = -1;
	conn->state = CONN_IDLE;
	buf_init(&conn->out);
	return conn;
}

/* notify: send TLS close_notify first (an orderly close, not a failure). */
static void conn_close_socket(conn_t *conn, bool notify)
{
	if (conn->tls)
		tls_session_close(conn->tls, notify);
	if (conn->fd >= 0)
		close(conn->fd);
	conn->fd = -1;
}

static void conn_reset_output(conn_t *conn)
{
	/* Output held PASS and AUTH lines: wipe, do not just forget. */
	if (conn->out.data)
		secret_wipe(conn->out.data, conn->out.len);
	buf_clear(&conn->out);
	conn->out_sent = 0;
}

void conn_free(conn_t *conn)
{
	if (!conn)
		return;
	conn_close(conn);
	tls_session_free(conn->tls);
	free(conn->host);
	free(conn->port);
	buf_wipe_free(&conn->out);
	free(conn->in);
	free(conn->error);
	free(conn);
}

/* After the resolver made progress: an answer leaves the connection IDLE
 * (ready for conn_start_connect), a failure FAILED. */
static void conn_resolve_progress(conn_t *conn)
{
	switch (resolve_state(conn->resolve)) {
	case RESOLVE_PENDING: break;
	case RESOLVE_DONE:
		conn->state = CONN_IDLE;
		conn->next_addr = 0;
		break;
	case RESOLVE_FAILED:
		conn_fail(conn, CONN_FAIL_RESOLVE,
			  xasprintf(_("cannot resolve %s port %s: %s"), conn->host, conn->port,
				    resolve_error(conn->resolve)));
		break;
	}
}

int conn_start_resolve(conn_t *conn, const char *host, const char *port)
{
	conn_close(conn);
	tls_session_free(conn->tls);
	conn->tls = NULL;
	conn->tls_open = false;
	conn->in_start = 0;
	conn->in_end = 0;
	conn->next_addr = 0;
	conn->state = CONN_IDLE;
	conn->failure = CONN_FAIL_NONE;
	free(conn->error);
	conn->error = NULL;
	free(conn->host);
	free(conn->port);
	conn->host = xstrdup(host ? host : "");
	conn->port = xstrdup(port ? port : "");

	if (!*conn->host || !*conn->port) {
		conn_fail(conn, CONN_FAIL_RESOLVE,
			  xstrdup(_("no host name or port to connect to")));
		return -1;
	}
	conn->state = CONN_RESOLVING;
	conn->resolve = resolve_start(conn->host, conn->port);
	conn_resolve_progress(conn);
	return conn->state == CONN_FAILED ? -1 : 0;
}

static void conn_set_peer(conn_t *conn, const resolve_addr_t *addr)
{
	if (getnameinfo((const struct sockaddr *)&addr->addr, addr->len, conn->peer_host,
			sizeof(conn->peer_host), conn->peer_port, sizeof(conn->peer_port),
			NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(conn->peer_host, sizeof(conn->peer_host), "?");
		snprintf(conn->peer_port, sizeof(conn->peer_port), "?");
	}
	snprintf(conn->peer, sizeof(conn->peer), "%s %s", conn->peer_host, conn->peer_port);
}

static int conn_socket_setup(int fd)
{
	int one = 1;
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -1;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return -1;
	/* POP3 is command/response: a short command must leave at once. Failure
	 * only costs latency, so it is not an error. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

static void conn_connect_failed(conn_t *conn, int err)
{
	conn_close_socket(conn, false);
	free(conn->error);
	conn->error = xasprintf(_("cannot connect to %s port %s: %s"), conn->peer_host,
				conn->peer_port, strerror(err));
}

/* Start connecting to the next address that gets as far as "in progress";
 * addresses refused at once are skipped. */
static void conn_try_next(conn_t *conn)
{
	size_t count;
	const resolve_addr_t *addrs = resolve_addrs(conn->resolve, &count);

	while (conn->next_addr < count) {
		const resolve_addr_t *addr = &addrs[conn->next_addr++];
		conn_set_peer(conn, addr);

		conn->fd = socket(addr->addr.ss_family, SOCK_STREAM, 0);
		if (conn->fd < 0 || conn_socket_setup(conn->fd) < 0) {
			conn_connect_failed(conn, errno);
			continue;
		}
		if (connect(conn->fd, (const struct sockaddr *)&addr->addr, addr->len) == 0) {
			conn->state = CONN_OPEN;
			return;
		}
		if (errno == EINPROGRESS || errno == EINTR) {
			conn->state = CONN_CONNECTING;
			return;
		}
		conn_connect_failed(conn, errno);
	}
	/* conn->error already names the last address tried. */
	char *message = conn->error ? conn->error : xstrdup(_("no address to connect to"));
	conn->error = NULL;
	conn_fail(conn, CONN_FAIL_CONNECT, message);
}

int conn_start_connect(conn_t *conn)
{
	if (conn->state != CONN_IDLE || !conn->resolve ||
	    resolve_state(conn->resolve) != RESOLVE_DONE) {
		if (conn->state != CONN_FAILED)
			conn_fail(conn, CONN_FAIL_CONNECT,
				  xstrdup(_("internal error: connect without a resolved address")));
		return -1;
	}
	conn->next_addr = 0;
	free(conn->error);
	conn->error = NULL;
	conn_try_next(conn);
	return conn->state == CONN_FAILED ? -1 : 0;
}

static void conn_finish_connect(conn_t *conn)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(conn->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == 0) {
		free(conn->error);
		conn->error = NULL;
		conn->state = CONN_OPEN;
		return;
	}
	if (err == EINPROGRESS || err == EALREADY)
		return;
	conn_connect_failed(conn, err);
	conn_try_next(conn);
}

static void conn_handshake_step(conn_t *conn)
{
	conn_failure_t failure = CONN_FAIL_TLS;
	char *errstr = NULL;

	switch (tls_session_handshake(conn->tls, &failure, &errstr)) {
	case TLS_DONE:
		conn->state = CONN_TLS_OPEN;
		conn->tls_open = true;
		conn->handshake_wants = 0;
		break;
	case TLS_WANT_READ: conn->handshake_wants = POLLIN; break;
	case TLS_WANT_WRITE: conn->handshake_wants = POLLOUT; break;
	case TLS_EOF:
	case TLS_ERROR:
		conn_fail(conn, failure,
			  errstr ? errstr
				 : xasprintf(_("TLS handshake with %s port %s failed"),
					     conn->peer_host, conn->peer_port));
		conn_close_socket(conn, false);
		break;
	}
}

/* OpenSSL writes with write(), not send(MSG_NOSIGNAL): a peer that resets
 * the stream would kill the process with SIGPIPE and leave the terminal in
 * curses mode. Errors come back as EPIPE instead; a handler someone else
 * installed is left alone. */
static void conn_ignore_sigpipe(void)
{
	struct sigaction old;

	if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
	    !(old.sa_flags & SA_SIGINFO))
		signal(SIGPIPE, SIG_IGN);
}

int conn_start_tls(conn_t *conn, const char *host, const tls_options_t *options)
{
	conn_failure_t failure = CONN_FAIL_TLS;
	char *errstr = NULL;

	if (conn->state != CONN_OPEN) {
		if (conn->state != CONN_FAILED)
			conn_fail(conn, CONN_FAIL_TLS,
				  xstrdup(_("internal error: TLS requested on a stream "
					    "that is not open")));
		return -1;
	}
	/* Bytes that arrived in clear text must never be read as if they had
	 * come through TLS (the STLS injection attack), and queued output must
	 * not leave encrypted when it was written for the clear stream. */
	if (conn->in_end > conn->in_start || conn->out.len > conn->out_sent) {
		conn_fail(conn, CONN_FAIL_TLS,
			  xasprintf(_("%s port %s sent data before the TLS handshake"),
				    conn->peer_host, conn->peer_port));
		conn_close_socket(conn, false);
		return -1;
	}
	conn_ignore_sigpipe();
	tls_session_free(conn->tls);
	conn->tls = tls_session_new(conn->fd, host, options, &failure, &errstr);
	if (!conn->tls) {
		conn_fail(conn, failure, errstr);
		conn_close_socket(conn, false);
		return -1;
	}
	conn->state = CONN_TLS_HANDSHAKE;
	conn_handshake_step(conn);
	return conn->state == CONN_FAILED ? -1 : 0;
}

static size_t conn_input_len(const conn_t *conn)
{
	return conn->in_end - conn->in_start;
}

static bool conn_wants_input(const conn_t *conn)
{
	return conn_input_len(conn) < CONN_INPUT_LIMIT;
}

/* The events the stream's socket waits for now (0 when idle). */
static short conn_stream_events(const conn_t *conn)
{
	short events = 0;

	if (conn->fd < 0)
		return 0;
	switch (conn->state) {
	case CONN_CONNECTING: return POLLOUT;
	case CONN_TLS_HANDSHAKE: return conn->handshake_wants;
	case CONN_OPEN:
	case CONN_TLS_OPEN: break;
	default: return 0;
	}
	if (conn_wants_input(conn))
		events |= conn->read_wants_write ? POLLOUT : POLLIN;
	if (conn->out.len > conn->out_sent)
		events |= conn->write_wants_read ? POLLIN : POLLOUT;
	return events;
}

/* Make room for one chunk at the end of the input buffer, sliding the
 * unconsumed bytes to the front only when the tail is too short. */
static void conn_input_reserve(conn_t *conn)
{
	if (conn->in_cap - conn->in_end >= CONN_READ_CHUNK + 1)
		return;
	if (conn->in_start > 0) {
		size_t len = conn_input_len(conn);
		memmove(conn->in, conn->in + conn->in_start, len);
		conn->in_start = 0;
		conn->in_end = len;
	}
	if (conn->in_cap - conn->in_end < CONN_READ_CHUNK + 1) {
		conn->in_cap = conn->in_end + CONN_READ_CHUNK + 1;
		conn->in = xrealloc(conn->in, conn->in_cap);
	}
}

static void conn_io_failed(conn_t *conn, conn_failure_t failure, char *message)
{
	conn_fail(conn, failure, message);
	conn_close_socket(conn, false);
}

static void conn_tls_failed(conn_t *conn, char *why)
{
	conn_io_failed(conn, CONN_FAIL_TLS,
		       xasprintf(_("TLS error on the connection to %s port %s: %s"),
				 conn->peer_host, conn->peer_port, why));
	free(why);
}

static void conn_errno_failed(conn_t *conn, bool reading, int err)
{
	conn_io_failed(
	    conn, CONN_FAIL_IO,
	    xasprintf(
		/* TRANSLATORS: "cannot read from 192.0.2.1 port 995: Connection reset by peer" */
		reading ? _("cannot read from %s port %s: %s") : _("cannot send to %s port %s: %s"),
		conn->peer_host, conn->peer_port, strerror(err)));
}

static void conn_got_eof(conn_t *conn)
{
	conn->state = CONN_CLOSED;
	conn->read_wants_write = false;
	conn->write_wants_read = false;
}

static void conn_read_plain(conn_t *conn)
{
	conn_input_reserve(conn);
	ssize_t n;
	do
		n = read(conn->fd, conn->in + conn->in_end, CONN_READ_CHUNK);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		conn->in_end += (size_t)n;
		conn->in[conn->in_end] = '\0';
	} else if (n == 0) {
		conn_got_eof(conn);
	} else if (errno != EAGAIN && errno != EWOULDBLOCK) {
		conn_errno_failed(conn, true, errno);
	}
}

/* Decrypted bytes left inside OpenSSL wake no poll(), so they are always
 * drained, even past the input limit (by less than one TLS record); new
 * records are read only below the limit. */
static void conn_read_tls(conn_t *conn)
{
	size_t total = 0;

	conn->read_wants_write = false;
	while (conn->state == CONN_TLS_OPEN) {
		bool pending = tls_session_pending(conn->tls);
		if (!pending && (!conn_wants_input(conn) || total >= CONN_READ_CHUNK))
			break;
		conn_input_reserve(conn);
		size_t done = 0;
		char *errstr = NULL;
		tls_status_t status = tls_session_read(conn->tls, conn->in + conn->in_end,
						       CONN_READ_CHUNK, &done, &errstr);
		switch (status) {
		case TLS_DONE:
			conn->in_end += done;
			conn->in[conn->in_end] = '\0';
			total += done;
			break;
		case TLS_WANT_READ: return;
		case TLS_WANT_WRITE: conn->read_wants_write = true; return;
		case TLS_EOF: conn_got_eof(conn); return;
		case TLS_ERROR: conn_tls_failed(conn, errstr); return;
		}
	}
}

static void conn_output_sent(conn_t *conn, size_t n)
{
	conn->out_sent += n;
	if (conn->out_sent == conn->out.len) {
		conn_reset_output(conn);
		return;
	}
	if (conn->out_sent >= CONN_OUTPUT_COMPACT && conn->out_sent * 2 >= conn->out.len) {
		size_t old_len = conn->out.len;
		buf_consume(&conn->out, conn->out_sent);
		secret_wipe(conn->out.data + conn->out.len, old_len - conn->out.len);
		conn->out_sent = 0;
	}
}

static void conn_write_pending(conn_t *conn)
{
	conn->write_wants_read = false;
	while (conn->out.len > conn->out_sent &&
	       (conn->state == CONN_OPEN || conn->state == CONN_TLS_OPEN)) {
		const char *data = conn->out.data + conn->out_sent;
		size_t len = conn->out.len - conn->out_sent;
		if (conn->tls) {
			size_t done = 0;
			char *errstr = NULL;
			switch (tls_session_write(conn->tls, data, len, &done, &errstr)) {
			case TLS_DONE: conn_output_sent(conn, done); continue;
			case TLS_WANT_READ: conn->write_wants_read = true; return;
			case TLS_WANT_WRITE: return;
			case TLS_EOF: conn_got_eof(conn); return;
			case TLS_ERROR: conn_tls_failed(conn, errstr); return;
			}
		}
		ssize_t n = send(conn->fd, data, len, MSG_NOSIGNAL);
		if (n > 0) {
			conn_output_sent(conn, (size_t)n);
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return;
		} else {
			conn_errno_failed(conn, false, n < 0 ? errno : EPIPE);
			return;
		}
	}
}

static void conn_stream_io(conn_t *conn, short revents)
{
	bool readable = revents & (POLLIN | POLLHUP | POLLERR);
	bool writable = revents & (POLLOUT | POLLERR);

	if (conn->out.len > conn->out_sent && (conn->write_wants_read ? readable : writable))
		conn_write_pending(conn);
	if (conn->state != CONN_OPEN && conn->state != CONN_TLS_OPEN)
		return;
	if (conn->tls) {
		if ((conn->read_wants_write ? writable : readable) ||
		    tls_session_pending(conn->tls))
			conn_read_tls(conn);
	} else if (readable && conn_wants_input(conn)) {
		conn_read_plain(conn);
	}
	/* With reading paused, a reset would otherwise be reported by every
	 * poll() without anyone collecting it. */
	if ((revents & POLLERR) && conn->fd >= 0 &&
	    (conn->state == CONN_OPEN || conn->state == CONN_TLS_OPEN)) {
		int err = 0;
		socklen_t len = sizeof(err);
		if (getsockopt(conn->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err != 0)
			conn_errno_failed(conn, true, err);
	}
}

static void conn_stream_handle_io(conn_t *conn, short revents)
{
	if (conn->fd < 0)
		return;
	if (revents & POLLNVAL) {
		conn_errno_failed(conn, true, EBADF);
		return;
	}
	switch (conn->state) {
	case CONN_CONNECTING:
		if (revents & (POLLOUT | POLLERR | POLLHUP))
			conn_finish_connect(conn);
		/* Output queued while connecting may leave at once. */
		if (conn->state == CONN_OPEN && conn->out.len > conn->out_sent)
			conn_write_pending(conn);
		break;
	case CONN_TLS_HANDSHAKE:
		if (revents & (conn->handshake_wants | POLLERR | POLLHUP))
			conn_handshake_step(conn);
		/* The first records may already wait behind the Finished message. */
		if (conn->state == CONN_TLS_OPEN)
			conn_stream_io(conn, POLLIN | POLLOUT);
		break;
	case CONN_OPEN:
	case CONN_TLS_OPEN: conn_stream_io(conn, revents); break;
	default: break;
	}
}

const struct pollfd *conn_poll_fds(conn_t *conn, size_t *count)
{
	if (conn->state == CONN_RESOLVING)
		return resolve_poll_fds(conn->resolve, count);
	conn->stream_poll.fd = conn->fd;
	conn->stream_poll.events = conn_stream_events(conn);
	conn->stream_poll.revents = 0;
	*count = conn->stream_poll.events ? 1 : 0;
	return &conn->stream_poll;
}

int conn_timeout_ms(const conn_t *conn)
{
	return conn->state == CONN_RESOLVING ? resolve_timeout_ms(conn->resolve) : -1;
}

void conn_handle_io(conn_t *conn, const struct pollfd *fds, size_t count)
{
	short revents = 0;

	if (conn->state == CONN_RESOLVING) {
		resolve_handle_io(conn->resolve, fds, count);
		conn_resolve_progress(conn);
		return;
	}
	for (size_t i = 0; i < count; i++)
		if (fds[i].fd == conn->fd)
			revents |= fds[i].revents;
	conn_stream_handle_io(conn, revents);
}

void conn_flush(conn_t *conn)
{
	if ((conn->state == CONN_OPEN || conn->state == CONN_TLS_OPEN) &&
	    conn->out.len > conn->out_sent)
		conn_write_pending(conn);
}

conn_state_t conn_state(const conn_t *conn)
{
	return conn->state;
}

conn_failure_t conn_failure(const conn_t *conn)
{
	return conn->failure;
}

const char *conn_error(const conn_t *conn)
{
	return conn->state == CONN_FAILED && conn->error ? conn->error : "";
}

const char *conn_peer(const conn_t *conn)
{
	return conn->peer;
}

bool conn_is_tls(const conn_t *conn)
{
	return conn->tls_open;
}

const char *conn_input(const conn_t *conn, size_t *len)
{
	*len = conn_input_len(conn);
	return conn->in ? conn->in + conn->in_start : "";
}

void conn_consume(conn_t *conn, size_t len)
{
	if (len >= conn_input_len(conn)) {
		conn->in_start = 0;
		conn->in_end = 0;
		if (conn->in)
			conn->in[0] = '\0';
		return;
	}
	conn->in_start += len;
}

void conn_write(conn_t *conn, const void *data, size_t len)
{
	switch (conn->state) {
	case CONN_CONNECTING:
	case CONN_OPEN:
	case CONN_TLS_HANDSHAKE:
	case CONN_TLS_OPEN: buf_append(&conn->out, data, len); break;
	default:
		/* Nobody will read it: the stream is gone. */
		break;
	}
}

size_t conn_output_pending(const conn_t *conn)
{
	return conn->out.len - conn->out_sent;
}

const tls_info_t *conn_tls_info(const conn_t *conn)
{
	return conn->tls ? tls_session_info(conn->tls) : NULL;
}

static char *copy_text(const char *text)
{
	return text ? xstrdup(text) : NULL;
}

tls_info_t *conn_tls_info_copy(const tls_info_t *info)
{
	if (!info)
		return NULL;
	tls_info_t *copy = xmalloc(sizeof *copy);
	*copy = *info;
	copy->subject = copy_text(info->subject);
	copy->issuer = copy_text(info->issuer);
	copy->sans = copy_text(info->sans);
	copy->not_before = copy_text(info->not_before);
	copy->not_after = copy_text(info->not_after);
	copy->fingerprint = copy_text(info->fingerprint);
	copy->protocol = copy_text(info->protocol);
	copy->cipher = copy_text(info->cipher);
	copy->verify_result = copy_text(info->verify_result);
	return copy;
}

void conn_tls_info_free(tls_info_t *info)
{
	if (!info)
		return;
	tls_info_clear(info);
	free(info);
}

const char *conn_channel_binding(conn_t *conn, unsigned char *out, size_t *len)
{
	if (!conn->tls || conn->state != CONN_TLS_OPEN)
		return NULL;
	return tls_session_channel_binding(conn->tls, out, len);
}

void conn_close(conn_t *conn)
{
	if (!conn)
		return;
	conn_close_socket(conn, true);
	resolve_free(conn->resolve);
	conn->resolve = NULL;
	conn_reset_output(conn);
	conn->read_wants_write = false;
	conn->write_wants_read = false;
	conn->handshake_wants = 0;
	if (conn->state != CONN_FAILED && conn->state != CONN_IDLE)
		conn->state = CONN_CLOSED;
}

char *conn_tls_library_version(void)
{
	return tls_library_version();
}

char *conn_resolver_library_version(void)
{
	return resolve_library_version();
}
