/* conn.h: one non-blocking, buffered byte stream to a server: name
 * resolution (c-ares, net/resolve.h), TCP, then optionally TLS (implicit,
 * or started later for STLS).
 *
 * The only file family that includes OpenSSL's SSL headers or c-ares. It
 * never blocks, never prints, and reports errors as values with a
 * translated message (conn_error). Driven by the poll loop:
 *   fds = conn_poll_fds(c, &n); copy; poll(copy, n, conn_timeout_ms(c) or less);
 *   conn_handle_io(c, copy, n);
 * then read conn_state() and the input buffer. */
#ifndef POPSCOPE_CONN_H
#define POPSCOPE_CONN_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct conn conn_t;

typedef enum {
	CONN_IDLE,          /* resolved, nothing started */
	CONN_RESOLVING,     /* looking up the host name (conn_start_resolve) */
	CONN_CONNECTING,    /* TCP connect in progress (trying addresses in turn) */
	CONN_OPEN,          /* TCP open, no TLS */
	CONN_TLS_HANDSHAKE, /* TLS handshake in progress */
	CONN_TLS_OPEN,      /* TLS established and verified (or --insecure) */
	CONN_CLOSED,        /* the peer closed the stream (EOF); buffered input remains readable */
	CONN_FAILED,        /* error; see conn_error() and conn_failure() */
} conn_state_t;

typedef enum {
	CONN_FAIL_NONE,
	CONN_FAIL_RESOLVE,     /* the host name did not resolve */
	CONN_FAIL_CONNECT,     /* every address refused or unreachable */
	CONN_FAIL_IO,          /* read/write error after connecting */
	CONN_FAIL_TLS,         /* handshake or TLS record error */
	CONN_FAIL_VERIFY,      /* certificate chain or host name did not verify */
	CONN_FAIL_FINGERPRINT, /* --fingerprint did not match */
} conn_failure_t;

typedef struct {
	const char *ca_file;     /* PEM bundle instead of the system store; NULL = system */
	const char *fingerprint; /* "sha256:HEX" (colons allowed in HEX); NULL = none */
	bool insecure;           /* skip chain and host verification (still records the result) */
} tls_options_t;

typedef struct {
	char *subject; /* one-line RFC 2253 form */
	char *issuer;
	char *sans;       /* comma-separated DNS names and IP addresses */
	char *not_before; /* "YYYY-MM-DD HH:MM:SS UTC" */
	char *not_after;
	long days_left;      /* whole days until not_after (negative when expired) */
	char *fingerprint;   /* "sha256:AA:BB:..." upper-case hex */
	char *protocol;      /* e.g. "TLSv1.3" */
	char *cipher;        /* e.g. "TLS_AES_256_GCM_SHA384" */
	bool verified;       /* chain and host name verified */
	char *verify_result; /* "ok" or OpenSSL's reason text */
	bool insecure;       /* verification was switched off by --insecure */
} tls_info_t;

/* conn_new: a connection object; nothing happens until conn_start_resolve. */
conn_t *conn_new(void);
void conn_free(conn_t *conn);

/* conn_start_resolve: begin looking up host's IPv4 and IPv6 addresses for
 * port (decimal), without blocking: /etc/hosts, then DNS. A numeric address
 * or a name in /etc/hosts is answered at once (state CONN_IDLE on return);
 * otherwise the state is CONN_RESOLVING until conn_handle_io sees the
 * answer (CONN_IDLE) or the failure (CONN_FAILED / CONN_FAIL_RESOLVE,
 * "cannot resolve HOST port PORT: why"). The lookup has no deadline of its
 * own beyond the resolver's configured retries: the caller bounds it and
 * calls conn_close to give up. Returns 0, or -1 when it failed at once. */
int conn_start_resolve(conn_t *conn, const char *host, const char *port);

/* conn_start_connect: begin a non-blocking connect to the first address;
 * on failure of one address the next is tried by conn_handle_io.
 * state becomes CONN_CONNECTING, then CONN_OPEN or CONN_FAILED. */
int conn_start_connect(conn_t *conn);

/* conn_start_tls: begin a TLS client handshake on an open TCP stream with
 * SNI and host name verification for host, TLS 1.2 minimum. The input
 * buffer must be empty (the caller checks this for STLS and treats
 * leftover bytes as an attack). state becomes CONN_TLS_HANDSHAKE, then
 * CONN_TLS_OPEN or CONN_FAILED (CONN_FAIL_TLS, _VERIFY or _FINGERPRINT). */
int conn_start_tls(conn_t *conn, const char *host, const tls_options_t *options);

/* conn_poll_fds: the descriptors this connection waits on now, with their
 * events: while resolving, the resolver's sockets (c-ares may use several);
 * afterwards at most one, the stream's socket. *count is 0 when it waits
 * for nothing. The array belongs to conn and changes with the next call on
 * conn: poll a copy. */
const struct pollfd *conn_poll_fds(conn_t *conn, size_t *count);
/* conn_timeout_ms: milliseconds until conn_handle_io must run even without
 * events (the resolver's retransmission timers); -1 when none. */
int conn_timeout_ms(const conn_t *conn);
/* conn_handle_io: make progress after poll() on a copy of conn_poll_fds,
 * revents filled in (count 0 on a timer wake-up): resolver answers, connect
 * completion, handshake steps, flushing output, reading input. Reading
 * stops while the input buffer holds CONN_INPUT_LIMIT bytes. */
void conn_handle_io(conn_t *conn, const struct pollfd *fds, size_t count);
/* conn_flush: send queued output now, as far as the socket takes it
 * (open streams only; otherwise it waits for conn_handle_io). */
void conn_flush(conn_t *conn);

conn_state_t conn_state(const conn_t *conn);
conn_failure_t conn_failure(const conn_t *conn);
/* conn_error: translated text of the failure; "" when none. */
const char *conn_error(const conn_t *conn);
/* conn_peer: "address port" of the connected (or last tried) address. */
const char *conn_peer(const conn_t *conn);
bool conn_is_tls(const conn_t *conn);

/* Input: bytes received and not yet consumed. */
const char *conn_input(const conn_t *conn, size_t *len);
void conn_consume(conn_t *conn, size_t len);

/* conn_write: queue bytes to send; they leave as poll allows. */
void conn_write(conn_t *conn, const void *data, size_t len);
size_t conn_output_pending(const conn_t *conn);

/* conn_tls_info: certificate and session facts once a handshake finished
 * (also after a verification failure, when a certificate was seen); else NULL. */
const tls_info_t *conn_tls_info(const conn_t *conn);
/* conn_tls_info_copy: a deep copy of info that outlives its connection
 * (NULL for NULL); conn_tls_info_free releases it. */
tls_info_t *conn_tls_info_copy(const tls_info_t *info);
void conn_tls_info_free(tls_info_t *info);

/* conn_channel_binding: "tls-exporter" (TLS 1.3) or "tls-unique" (TLS 1.2)
 * channel binding data for SCRAM-*-PLUS. Returns the binding type name and
 * fills out (up to *len bytes, *len updated), or NULL when unavailable. */
const char *conn_channel_binding(conn_t *conn, unsigned char *out, size_t *len);

/* conn_close: cancel a lookup in progress, close the socket (TLS
 * close_notify best effort). */
void conn_close(conn_t *conn);

/* The libraries below the transport as they run (for --version), each a
 * newly allocated "NAME VERSION": conn_tls_library_version OpenSSL's,
 * conn_resolver_library_version c-ares'. */
char *conn_tls_library_version(void);
char *conn_resolver_library_version(void);

#endif
