/* tls.h: OpenSSL behind a small interface. Internal to src/net: only conn.c
 * includes it, so nothing above the transport sees an OpenSSL type.
 *
 * A session wraps one client SSL object on a non-blocking socket. Every call
 * returns at once; TLS_WANT_READ / TLS_WANT_WRITE say which socket readiness
 * the same call needs before it is retried (a read may need the socket
 * writable and a write may need it readable). Error texts are translated,
 * one line, and owned by the caller. */
#ifndef POPSCOPE_TLS_H
#define POPSCOPE_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "net/conn.h"

typedef struct tls_session tls_session_t;

typedef enum {
	TLS_DONE,       /* completed; for read/write *done bytes moved (> 0) */
	TLS_WANT_READ,  /* retry the same call when the socket is readable */
	TLS_WANT_WRITE, /* retry the same call when the socket is writable */
	TLS_EOF,        /* the peer closed the stream (close_notify or plain EOF) */
	TLS_ERROR,      /* failed; *errstr says why */
} tls_status_t;

/* tls_session_new: a client session on fd for host (a name or an IP
 * literal), configured from options (CA file or system store, pinning,
 * insecure). Returns NULL with *failure and *errstr set when the setup
 * fails (bad CA file, malformed fingerprint, no host). */
tls_session_t *tls_session_new(int fd, const char *host, const tls_options_t *options,
			       conn_failure_t *failure, char **errstr);

/* tls_session_handshake: one step of the client handshake. On TLS_DONE the
 * certificate was accepted (verified, pinned or --insecure) and the info is
 * filled. On TLS_ERROR *failure is CONN_FAIL_TLS, _VERIFY or _FINGERPRINT,
 * and the info is filled too when the server presented a certificate. */
tls_status_t tls_session_handshake(tls_session_t *tls, conn_failure_t *failure, char **errstr);

/* tls_session_read: decrypt up to len bytes into data. */
tls_status_t tls_session_read(tls_session_t *tls, void *data, size_t len, size_t *done,
			      char **errstr);

/* tls_session_write: encrypt and send up to len bytes of data. After
 * TLS_WANT_*, retry with the same bytes at the start of data (the buffer
 * may move and grow). */
tls_status_t tls_session_write(tls_session_t *tls, const void *data, size_t len, size_t *done,
			       char **errstr);

/* tls_session_pending: whether decrypted or undecoded bytes wait inside
 * OpenSSL, where poll() cannot see them. */
bool tls_session_pending(const tls_session_t *tls);

/* tls_session_info: certificate and session facts, or NULL before the
 * handshake has seen a certificate. Stays valid after tls_session_close. */
const tls_info_t *tls_session_info(const tls_session_t *tls);
/* tls_info_clear: free the fields of info and zero it. */
void tls_info_clear(tls_info_t *info);

/* tls_session_channel_binding: as conn_channel_binding. */
const char *tls_session_channel_binding(tls_session_t *tls, unsigned char *out, size_t *len);

/* tls_session_close: with notify, send close_notify once without waiting;
 * then release the OpenSSL objects (the info stays). The caller closes the
 * socket afterwards. */
void tls_session_close(tls_session_t *tls, bool notify);

void tls_session_free(tls_session_t *tls);

/* tls_library_version: the OpenSSL popscope runs with, as OpenSSL names it
 * ("OpenSSL 3.0.17 1 Jul 2025"); a newly allocated string. */
char *tls_library_version(void);

#endif
