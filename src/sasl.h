/* sasl.h: SASL client exchanges for POP3 AUTH (RFC 5034).
 *
 * GNU SASL does PLAIN, LOGIN, CRAM-MD5, DIGEST-MD5 (authentication only,
 * qop=auth: no security layer), SCRAM-SHA-1/-256 and their -PLUS variants
 * (and GSSAPI where built in); XOAUTH2 and OAUTHBEARER are ours.
 * Payloads in and out are base64 text as they travel in POP3. */
#ifndef POPSCOPE_SASL_H
#define POPSCOPE_SASL_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sasl_exchange sasl_exchange_t;

typedef struct {
	const char *user;
	const char *password;    /* for password mechanisms; may be NULL */
	const char *oauth_token; /* for XOAUTH2 / OAUTHBEARER; may be NULL */
	const char *host;        /* for OAUTHBEARER's host= and GSSAPI */
	const char *port;
	/* channel binding for -PLUS: type "tls-unique" or "tls-exporter" and raw data; NULL = none */
	const char *cb_type;
	const unsigned char *cb_data;
	size_t cb_len;
} sasl_credentials_t;

/* sasl_init / sasl_done: once per process. sasl_init returns 0 or -1 with *errstr. */
int sasl_init(char **errstr);
void sasl_done(void);
/* sasl_library_version: "GNU SASL 2.2.0", the libgsasl popscope runs with
 * (no sasl_init needed); a newly allocated string. */
char *sasl_library_version(void);

/* sasl_supported: true when we can run mechanism `mech` (upper case name). */
bool sasl_supported(const char *mech);

/* sasl_choose: pick the strongest mechanism offered by the server
 * (space-separated list from CAPA SASL) that we support and that suits
 * the credentials: with a token only OAUTHBEARER, then XOAUTH2; -PLUS only when
 * channel binding is available; order SCRAM-SHA-256-PLUS, SCRAM-SHA-1-PLUS,
 * SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, DIGEST-MD5, PLAIN, LOGIN: first what
 * proves the password without sending it, DIGEST-MD5 (historic, RFC 6331,
 * and the one servers most often get wrong) last of those. GSSAPI is never
 * chosen here (only by name). Returns a static name or NULL. */
const char *sasl_choose(const char *offered, bool have_password, bool have_token, bool have_cb);

/* sasl_start: begin an exchange. Returns NULL with *errstr on failure. */
sasl_exchange_t *sasl_start(const char *mech, const sasl_credentials_t *cred, char **errstr);

/* sasl_initial_response: the base64 initial response to put on the AUTH line
 * ("=" for an empty one, RFC 5034), or *response = NULL when the mechanism
 * waits for the server first (LOGIN, CRAM-MD5). Returns 0, or -1 with *errstr.
 * Caller frees *response with secret_free. Call it only when the result will
 * be sent; otherwise (e.g. the AUTH line would be too long) skip it and answer
 * the server's empty challenge with sasl_step, which yields the same payload. */
int sasl_initial_response(sasl_exchange_t *exchange, char **response, char **errstr);

/* sasl_step: given the server's base64 challenge (text after "+ "), return the
 * base64 response line to send (caller frees with secret_free; "" means send
 * an empty line), or NULL with *errstr when the exchange failed (e.g. server
 * signature did not verify, bad base64, a challenge after the last step).
 * XOAUTH2 / OAUTHBEARER: a challenge after the token is the server's error
 * report; the answer is the dummy response the server waits for before its
 * -ERR, sasl_complete turns false and sasl_server_error holds the report. */
char *sasl_step(sasl_exchange_t *exchange, const char *challenge_b64, char **errstr);

/* sasl_complete: true when the mechanism finished, including verifying the
 * server where it can (SCRAM's server signature). Checked after +OK. */
bool sasl_complete(const sasl_exchange_t *exchange);

/* sasl_server_error: the decoded error report (JSON) an XOAUTH2 / OAUTHBEARER
 * server sent, or NULL. Server text, not sanitized. Owned by the exchange. */
const char *sasl_server_error(const sasl_exchange_t *exchange);

/* sasl_credentials_sent: whether the responses sent so far carry the
 * credentials (SCRAM's client-final, PLAIN's initial response, LOGIN's
 * second answer, ...). A refusal before that cannot be about the password. */
bool sasl_credentials_sent(const sasl_exchange_t *exchange);

/* sasl_failure: why our side ended the exchange (the reason sasl_step gave
 * when it returned NULL), or NULL when it did not. *server_unproven (may be
 * NULL) tells whether that reason is the server's failed proof of the
 * password (SCRAM's signature, DIGEST-MD5's rspauth). Owned by the exchange. */
const char *sasl_failure(const sasl_exchange_t *exchange, bool *server_unproven);

/* sasl_is_plus: whether mech is a channel-binding (-PLUS) mechanism we know. */
bool sasl_is_plus(const char *mech);

/* sasl_finish: wipe and free the exchange. */
void sasl_finish(sasl_exchange_t *exchange);

#endif
