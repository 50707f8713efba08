/* test_sasl.c: SASL client exchanges against published vectors, an
 * independent SCRAM computation, and GNU SASL's own server side. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsasl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sasl.h"
#include "util/xalloc.h"

/* ---- helpers -------------------------------------------------------- */

static char *b64(const void *data, size_t len)
{
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

static char *b64_str(const char *s)
{
	return b64(s, strlen(s));
}

/* unb64: decode canonical base64 into a NUL-terminated buffer. */
static char *unb64(const char *text, size_t *out_len)
{
	size_t len = strlen(text);
	size_t pad = (len > 0 && text[len - 1] == '=') + (len > 1 && text[len - 2] == '=');
	char *out = xmalloc(len / 4 * 3 + 1);
	int n = EVP_DecodeBlock((unsigned char *)out, (const unsigned char *)text, (int)len);
	assert_true(n >= 0);
	*out_len = (size_t)n - pad;
	out[*out_len] = '\0';
	return out;
}

static char *unb64_str(const char *text)
{
	size_t len;
	return unb64(text, &len);
}

static sasl_exchange_t *start_ok(const char *mech, const sasl_credentials_t *cred)
{
	char *err = NULL;
	sasl_exchange_t *ex = sasl_start(mech, cred, &err);
	if (!ex)
		fail_msg("sasl_start(%s): %s", mech, err);
	return ex;
}

/* step_text: feed a plain-text challenge, return the decoded response. */
static char *step_text(sasl_exchange_t *ex, const char *challenge)
{
	char *err = NULL;
	char *c = b64_str(challenge);
	char *r = sasl_step(ex, c, &err);
	free(c);
	if (!r)
		fail_msg("sasl_step: %s", err);
	char *text = unb64_str(r);
	secret_free(r);
	return text;
}

/* ---- an independent SCRAM computation (RFC 5802 section 3) ---------- */

struct scram_expect {
	char proof[128];    /* base64 ClientProof */
	char verifier[128]; /* base64 ServerSignature */
};

static void scram_compute(const EVP_MD *md, const char *password, const char *salt_b64, int iter,
			  const char *auth_message, struct scram_expect *out)
{
	unsigned char salted[EVP_MAX_MD_SIZE], client_key[EVP_MAX_MD_SIZE];
	unsigned char stored_key[EVP_MAX_MD_SIZE], server_key[EVP_MAX_MD_SIZE];
	unsigned char client_sig[EVP_MAX_MD_SIZE], server_sig[EVP_MAX_MD_SIZE];
	unsigned int n = (unsigned int)EVP_MD_get_size(md);
	unsigned int len;
	size_t salt_len;
	char *salt = unb64(salt_b64, &salt_len);

	assert_int_equal(PKCS5_PBKDF2_HMAC(password, (int)strlen(password), (unsigned char *)salt,
					   (int)salt_len, iter, md, (int)n, salted),
			 1);
	free(salt);
	assert_non_null(
	    HMAC(md, salted, (int)n, (const unsigned char *)"Client Key", 10, client_key, &len));
	assert_int_equal(EVP_Digest(client_key, n, stored_key, &len, md, NULL), 1);
	assert_non_null(HMAC(md, stored_key, (int)n, (const unsigned char *)auth_message,
			     strlen(auth_message), client_sig, &len));
	for (unsigned int i = 0; i < n; i++)
		client_sig[i] ^= client_key[i];
	assert_non_null(
	    HMAC(md, salted, (int)n, (const unsigned char *)"Server Key", 10, server_key, &len));
	assert_non_null(HMAC(md, server_key, (int)n, (const unsigned char *)auth_message,
			     strlen(auth_message), server_sig, &len));
	EVP_EncodeBlock((unsigned char *)out->proof, client_sig, (int)n);
	EVP_EncodeBlock((unsigned char *)out->verifier, server_sig, (int)n);
}

struct scram_vector {
	const char *mech;
	const EVP_MD *(*md)(void);
	const char *client_nonce; /* the RFC's */
	const char *server_nonce; /* the part the server appends */
	const char *salt;
	int iter;
	const char *proof;
	const char *verifier;
};

/* RFC 5802 section 5 and RFC 7677 section 3: user "user", password "pencil". */
static const struct scram_vector scram_sha1_vector = {
    "SCRAM-SHA-1",      EVP_sha1, "fyko+d2lbbFgONRv9qkxdawL",     "3rfcNHYJY1ZVvWVs7j",
    "QSXCR+Q6sek8bf92", 4096,     "v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=", "rmF9pqV8S7suAoZWja4dJRkFsKQ=",
};
static const struct scram_vector scram_sha256_vector = {
    "SCRAM-SHA-256",
    EVP_sha256,
    "rOprNGfwEbeRWgbNEkqO",
    "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
    "W22ZaJ0SNY7soEsUEjb6gQ==",
    4096,
    "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
};

static char *scram_auth_message(const char *client_nonce, const struct scram_vector *v,
				const char *cbind)
{
	return xasprintf("n=user,r=%s,r=%s%s,s=%s,i=%d,c=%s,r=%s%s", client_nonce, client_nonce,
			 v->server_nonce, v->salt, v->iter, cbind, client_nonce, v->server_nonce);
}

/* The computation above reproduces the RFC transcripts exactly. */
static void scram_vector_selfcheck(const struct scram_vector *v)
{
	struct scram_expect e;
	char *am = scram_auth_message(v->client_nonce, v, "biws");
	scram_compute(v->md(), "pencil", v->salt, v->iter, am, &e);
	free(am);
	assert_string_equal(e.proof, v->proof);
	assert_string_equal(e.verifier, v->verifier);
}

static void test_scram_vectors_selfcheck(void **state)
{
	scram_vector_selfcheck(&scram_sha1_vector);
	scram_vector_selfcheck(&scram_sha256_vector);
}

/* Our client against a scripted server that answers with the RFC's salt,
 * iteration count and server nonce; gsasl picks the client nonce at random,
 * so the expected client-final is computed for that nonce by the code the
 * self-check above pinned to the RFC. */
static void scram_scripted(const struct scram_vector *v, bool tamper)
{
	sasl_credentials_t cred = {.user = "user", .password = "pencil"};
	sasl_exchange_t *ex = start_ok(v->mech, &cred);
	char *ir = NULL, *err = NULL;

	assert_int_equal(sasl_initial_response(ex, &ir, &err), 0);
	assert_non_null(ir);
	char *first = unb64_str(ir);
	secret_free(ir);
	assert_memory_equal(first, "n,,n=user,r=", 12);
	const char *cnonce = first + 12;
	assert_true(strlen(cnonce) >= 16);
	assert_null(strchr(cnonce, ','));
	assert_false(sasl_complete(ex));

	char *server_first =
	    xasprintf("r=%s%s,s=%s,i=%d", cnonce, v->server_nonce, v->salt, v->iter);
	char *final = step_text(ex, server_first);
	struct scram_expect e;
	char *am = scram_auth_message(cnonce, v, "biws");
	scram_compute(v->md(), "pencil", v->salt, v->iter, am, &e);
	char *want = xasprintf("c=biws,r=%s%s,p=%s", cnonce, v->server_nonce, e.proof);
	assert_string_equal(final, want);
	assert_false(sasl_complete(ex));

	if (tamper)
		e.verifier[3] = e.verifier[3] == 'A' ? 'B' : 'A';
	char *server_final = xasprintf("v=%s", e.verifier);
	char *c = b64_str(server_final);
	char *r = sasl_step(ex, c, &err);
	if (tamper) {
		assert_null(r);
		assert_non_null(err);
		assert_false(sasl_complete(ex));
		free(err);
	} else {
		assert_non_null(r);
		assert_string_equal(r, "");
		assert_true(sasl_complete(ex));
		secret_free(r);
	}
	free(c);
	free(server_final);
	free(want);
	free(am);
	free(final);
	free(server_first);
	free(first);
	sasl_finish(ex);
}

static void test_scram_sha1_scripted(void **state)
{
	scram_scripted(&scram_sha1_vector, false);
}

static void test_scram_sha256_scripted(void **state)
{
	scram_scripted(&scram_sha256_vector, false);
}

static void test_scram_sha1_tampered(void **state)
{
	scram_scripted(&scram_sha1_vector, true);
}

static void test_scram_sha256_tampered(void **state)
{
	scram_scripted(&scram_sha256_vector, true);
}

/* scram_iterations: a server-first asking for iterations; returns the
 * error of the step (NULL when the step gave a client-final). */
static char *scram_iterations(const char *mech, const char *iterations)
{
	sasl_credentials_t cred = {.user = "user", .password = "pencil"};
	sasl_exchange_t *ex = start_ok(mech, &cred);
	char *ir = NULL, *err = NULL;

	assert_int_equal(sasl_initial_response(ex, &ir, &err), 0);
	char *first = unb64_str(ir);
	secret_free(ir);
	char *server_first = xasprintf("r=%s%s,s=%s,i=%s", first + 12, "3rfcNHYJY1ZVvWVs7j",
				       "QSXCR+Q6sek8bf92", iterations);
	char *c = b64_str(server_first);
	char *r = sasl_step(ex, c, &err);
	if (r) {
		assert_null(err);
		assert_true(strlen(r) > 0);
		secret_free(r);
	} else {
		assert_non_null(err);
		assert_false(sasl_complete(ex));
	}
	free(c);
	free(server_first);
	free(first);
	sasl_finish(ex);
	return err;
}

/* The server picks the iteration count: a hostile one must not keep us
 * computing for hours. The limit is said, and the exchange ends at once. */
static void test_scram_iterations_bounded(void **state)
{
	char *err = scram_iterations("SCRAM-SHA-256", "4294967295");
	assert_non_null(err);
	assert_string_equal(err, "SCRAM-SHA-256 authentication: the server asks for 4294967295 "
				 "iterations of the password hash; popscope computes at most "
				 "1000000");
	free(err);
	err = scram_iterations("SCRAM-SHA-1", "1000001");
	assert_non_null(err);
	assert_non_null(strstr(err, "1000001 iterations"));
	free(err);
	/* A count gsasl itself parses as too big for its size_t. */
	err = scram_iterations("SCRAM-SHA-256", "99999999999999999999999");
	assert_non_null(err);
	free(err);
	assert_null(scram_iterations("SCRAM-SHA-256", "10000"));
}

static void test_scram_bad_nonce(void **state)
{
	sasl_credentials_t cred = {.user = "user", .password = "pencil"};
	sasl_exchange_t *ex = start_ok("SCRAM-SHA-256", &cred);
	char *ir = NULL, *err = NULL;

	assert_int_equal(sasl_initial_response(ex, &ir, &err), 0);
	secret_free(ir);
	/* A server nonce that does not start with ours. */
	char *c = b64_str("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj,s=W22ZaJ0SNY7soEsUEjb6gQ==,"
			  "i=4096");
	assert_null(sasl_step(ex, c, &err));
	assert_non_null(err);
	assert_false(sasl_complete(ex));
	free(err);
	err = NULL;
	assert_null(sasl_step(ex, c, &err)); /* stays failed */
	free(err);
	free(c);
	sasl_finish(ex);
}

/* ---- against GNU SASL's server side, in process --------------------- */

struct server_setup {
	const char *password;
	const char *salt;
	const char *iter;
	const char *cb_unique;   /* base64 */
	const char *cb_exporter; /* base64 */
};

static struct server_setup server_setup;

static int server_callback(Gsasl *ctx, Gsasl_session *sctx, Gsasl_property prop)
{
	const char *value = NULL;

	switch (prop) {
	case GSASL_PASSWORD: value = server_setup.password; break;
	case GSASL_SCRAM_SALT: value = server_setup.salt; break;
	case GSASL_SCRAM_ITER: value = server_setup.iter; break;
	case GSASL_CB_TLS_UNIQUE: value = server_setup.cb_unique; break;
	case GSASL_CB_TLS_EXPORTER: value = server_setup.cb_exporter; break;
	default: return GSASL_NO_CALLBACK;
	}
	if (!value)
		return GSASL_NO_CALLBACK;
	gsasl_property_set(sctx, prop, value);
	return GSASL_OK;
}

enum outcome {
	OUTCOME_OK,
	OUTCOME_SERVER_REJECTS,
	OUTCOME_CLIENT_REJECTS
};

/* run_against_gsasl: a full exchange; tamper flips one character of the
 * server-final before the client sees it. */
static void run_against_gsasl(const char *mech, const sasl_credentials_t *cred, bool tamper,
			      enum outcome want, const char *want_gs2)
{
	Gsasl *server_ctx;
	Gsasl_session *server;
	char *ir = NULL, *err = NULL, *challenge = NULL;

	assert_int_equal(gsasl_init(&server_ctx), GSASL_OK);
	gsasl_callback_set(server_ctx, server_callback);
	assert_int_equal(gsasl_server_start(server_ctx, mech, &server), GSASL_OK);

	sasl_exchange_t *ex = start_ok(mech, cred);
	assert_int_equal(sasl_initial_response(ex, &ir, &err), 0);
	assert_non_null(ir);
	if (want_gs2) {
		char *first = unb64_str(ir);
		assert_memory_equal(first, want_gs2, strlen(want_gs2));
		free(first);
	}

	assert_false(sasl_credentials_sent(ex)); /* client-first: no proof yet */
	int rc = gsasl_step64(server, ir, &challenge);
	secret_free(ir);
	assert_int_equal(rc, GSASL_NEEDS_MORE);
	if (server_setup.salt) {
		char *text = unb64_str(challenge);
		char *tail = xasprintf(",s=%s,i=%s", server_setup.salt, server_setup.iter);
		assert_non_null(strstr(text, tail));
		free(tail);
		free(text);
	}

	char *response = sasl_step(ex, challenge, &err);
	gsasl_free(challenge);
	challenge = NULL;
	assert_non_null(response);
	rc = gsasl_step64(server, response, &challenge);
	secret_free(response);
	assert_true(sasl_credentials_sent(ex));
	if (want == OUTCOME_SERVER_REJECTS) {
		assert_int_not_equal(rc, GSASL_OK);
		assert_int_not_equal(rc, GSASL_NEEDS_MORE);
		assert_false(sasl_complete(ex));
		assert_null(sasl_failure(ex, NULL)); /* nothing went wrong on our side */
		goto out;
	}
	assert_int_equal(rc, GSASL_OK);
	assert_false(sasl_complete(ex)); /* the server has not proved itself yet */

	if (tamper) {
		size_t len;
		char *text = unb64(challenge, &len);
		text[4] = text[4] == 'A' ? 'B' : 'A';
		gsasl_free(challenge);
		challenge = b64(text, len);
		free(text);
	}
	response = sasl_step(ex, challenge, &err);
	if (want == OUTCOME_CLIENT_REJECTS) {
		bool unproven = false;
		assert_null(response);
		assert_non_null(err);
		assert_false(sasl_complete(ex));
		assert_string_equal(sasl_failure(ex, &unproven), err);
		assert_true(unproven);
		free(err);
	} else {
		assert_non_null(response);
		assert_string_equal(response, "");
		assert_true(sasl_complete(ex));
		secret_free(response);
	}
out:
	if (tamper)
		free(challenge);
	else
		gsasl_free(challenge);
	sasl_finish(ex);
	gsasl_finish(server);
	gsasl_done(server_ctx);
	memset(&server_setup, 0, sizeof(server_setup));
}

static void test_scram_sha1_gsasl_server(void **state)
{
	sasl_credentials_t cred = {.user = "user", .password = "pencil"};
	server_setup = (struct server_setup){"pencil", "QSXCR+Q6sek8bf92", "4096", NULL, NULL};
	run_against_gsasl("SCRAM-SHA-1", &cred, false, OUTCOME_OK, "n,,n=user,r=");
}

static void test_scram_sha256_gsasl_server(void **state)
{
	sasl_credentials_t cred = {.user = "user", .password = "pencil"};
	server_setup =
	    (struct server_setup){"pencil", "W22ZaJ0SNY7soEsUEjb6gQ==", "4096", NULL, NULL};
	run_against_gsasl("SCRAM-SHA-256", &cred, false, OUTCOME_OK, "n,,n=user,r=");
}

static void test_scram_sha256_gsasl_server_tampered(void **state)
{
	sasl_credentials_t cred = {.user = "user", .password = "pencil"};
	server_setup =
	    (struct server_setup){"pencil", "W22ZaJ0SNY7soEsUEjb6gQ==", "4096", NULL, NULL};
	run_against_gsasl("SCRAM-SHA-256", &cred, true, OUTCOME_CLIENT_REJECTS, NULL);
}

static void test_scram_gsasl_server_wrong_password(void **state)
{
	sasl_credentials_t cred = {.user = "user", .password = "pencil2"};
	server_setup = (struct server_setup){"pencil", "QSXCR+Q6sek8bf92", "4096", NULL, NULL};
	run_against_gsasl("SCRAM-SHA-1", &cred, false, OUTCOME_SERVER_REJECTS, NULL);
}

static const unsigned char cb_bytes[32] = {
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
};

static void test_scram_sha256_plus_exporter(void **state)
{
	sasl_credentials_t cred = {.user = "user",
				   .password = "pencil",
				   .cb_type = "tls-exporter",
				   .cb_data = cb_bytes,
				   .cb_len = sizeof(cb_bytes)};
	char *cb = b64(cb_bytes, sizeof(cb_bytes));
	server_setup =
	    (struct server_setup){"pencil", "W22ZaJ0SNY7soEsUEjb6gQ==", "4096", NULL, cb};
	run_against_gsasl("SCRAM-SHA-256-PLUS", &cred, false, OUTCOME_OK,
			  "p=tls-exporter,,n=user,r=");
	free(cb);
}

static void test_scram_sha1_plus_unique(void **state)
{
	sasl_credentials_t cred = {.user = "user",
				   .password = "pencil",
				   .cb_type = "tls-unique",
				   .cb_data = cb_bytes,
				   .cb_len = 12};
	char *cb = b64(cb_bytes, 12);
	server_setup = (struct server_setup){"pencil", "QSXCR+Q6sek8bf92", "4096", cb, NULL};
	run_against_gsasl("SCRAM-SHA-1-PLUS", &cred, false, OUTCOME_OK, "p=tls-unique,,n=user,r=");
	free(cb);
}

/* A man in the middle sees another TLS session: the binding differs. */
static void test_scram_plus_binding_mismatch(void **state)
{
	sasl_credentials_t cred = {.user = "user",
				   .password = "pencil",
				   .cb_type = "tls-exporter",
				   .cb_data = cb_bytes,
				   .cb_len = sizeof(cb_bytes)};
	char *cb = b64(cb_bytes + 1, sizeof(cb_bytes) - 1);
	server_setup =
	    (struct server_setup){"pencil", "W22ZaJ0SNY7soEsUEjb6gQ==", "4096", NULL, cb};
	run_against_gsasl("SCRAM-SHA-256-PLUS", &cred, false, OUTCOME_SERVER_REJECTS, NULL);
	free(cb);
}

static void test_scram_plus_needs_binding(void **state)
{
	sasl_credentials_t cred = {.user = "user", .password = "pencil"};
	char *err = NULL;

	assert_null(sasl_start("SCRAM-SHA-256-PLUS", &cred, &err));
	assert_non_null(err);
	free(err);
	err = NULL;
	cred.cb_type = "tls-server-end-point";
	cred.cb_data = cb_bytes;
	cred.cb_len = sizeof(cb_bytes);
	assert_null(sasl_start("SCRAM-SHA-256-PLUS", &cred, &err));
	assert_non_null(strstr(err, "tls-server-end-point"));
	free(err);
}

/* ---- PLAIN, CRAM-MD5, LOGIN ------------------------------------------ */

/* RFC 4616 section 4: authzid empty, "tim" / "tanstaaftanstaaf". */
static void test_plain_rfc4616(void **state)
{
	sasl_credentials_t cred = {.user = "tim", .password = "tanstaaftanstaaf"};
	sasl_exchange_t *ex = start_ok("PLAIN", &cred);
	char *ir = NULL, *err = NULL;

	assert_int_equal(sasl_initial_response(ex, &ir, &err), 0);
	assert_string_equal(ir, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
	size_t len;
	char *raw = unb64(ir, &len);
	assert_int_equal(len, 21);
	assert_memory_equal(raw, "\0tim\0tanstaaftanstaaf", 21);
	free(raw);
	secret_free(ir);
	assert_true(sasl_complete(ex));

	/* A challenge after the last step ends the exchange. */
	assert_null(sasl_step(ex, "", &err));
	assert_non_null(err);
	free(err);
	assert_false(sasl_complete(ex));
	sasl_finish(ex);
}

/* Without the initial response, the server's empty "+ " asks for it. */
static void test_plain_without_initial_response(void **state)
{
	sasl_credentials_t cred = {.user = "tim", .password = "tanstaaftanstaaf"};
	sasl_exchange_t *ex = start_ok("PLAIN", &cred);
	char *err = NULL;
	char *r = sasl_step(ex, "", &err);

	assert_string_equal(r, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
	secret_free(r);
	assert_true(sasl_complete(ex));
	char *ir = NULL;
	assert_int_equal(sasl_initial_response(ex, &ir, &err), -1);
	assert_null(ir);
	free(err);
	sasl_finish(ex);
}

/* RFC 2195 section 2. */
static void test_cram_md5_rfc2195(void **state)
{
	sasl_credentials_t cred = {.user = "tim", .password = "tanstaaftanstaaf"};
	sasl_exchange_t *ex = start_ok("CRAM-MD5", &cred);
	char *ir = (char *)"sentinel", *err = NULL;

	assert_int_equal(sasl_initial_response(ex, &ir, &err), 0);
	assert_null(ir);
	assert_false(sasl_complete(ex));
	char *r = step_text(ex, "<1896.697170952@postoffice.reston.mci.net>");
	assert_string_equal(r, "tim b913a602c7eda7a495b4e6e7334d3890");
	free(r);
	assert_true(sasl_complete(ex));
	sasl_finish(ex);

	/* The same on the wire, as the RFC prints it. */
	ex = start_ok("CRAM-MD5", &cred);
	r = sasl_step(ex, "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+", &err);
	assert_string_equal(r, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
	secret_free(r);
	sasl_finish(ex);
}

static void test_login(void **state)
{
	sasl_credentials_t cred = {.user = "tim", .password = "tanstaaftanstaaf"};
	sasl_exchange_t *ex = start_ok("LOGIN", &cred);
	char *ir = NULL, *err = NULL;

	assert_int_equal(sasl_initial_response(ex, &ir, &err), 0);
	assert_null(ir);
	char *r = step_text(ex, "Username:");
	assert_string_equal(r, "tim");
	free(r);
	assert_false(sasl_complete(ex));
	r = step_text(ex, "Password:");
	assert_string_equal(r, "tanstaaftanstaaf");
	free(r);
	assert_true(sasl_complete(ex));
	sasl_finish(ex);
}

/* DIGEST-MD5 (RFC 2831) against GNU SASL's server: qop=auth only, the
 * digest-uri "pop/HOST", the server's rspauth checked. */
static int digest_server_callback(Gsasl *ctx, Gsasl_session *sctx, Gsasl_property prop)
{
	if (prop != GSASL_PASSWORD)
		return GSASL_NO_CALLBACK;
	gsasl_property_set(sctx, prop, "pencil");
	return GSASL_OK;
}

enum digest_case {
	DIGEST_OK,
	DIGEST_WRONG_PASSWORD,
	DIGEST_BAD_RSPAUTH
};

static void run_digest(const char *password, enum digest_case want)
{
	Gsasl *server_ctx;
	Gsasl_session *server;
	sasl_credentials_t cred = {.user = "user", .password = password, .host = "pop.example.org"};
	char *ir = (char *)"sentinel", *err = NULL, *challenge = NULL;

	assert_int_equal(gsasl_init(&server_ctx), GSASL_OK);
	gsasl_callback_set(server_ctx, digest_server_callback);
	assert_int_equal(gsasl_server_start(server_ctx, "DIGEST-MD5", &server), GSASL_OK);
	gsasl_property_set(server, GSASL_REALM, "example.org");

	sasl_exchange_t *ex = start_ok("DIGEST-MD5", &cred);
	assert_int_equal(sasl_initial_response(ex, &ir, &err), 0);
	assert_null(ir); /* the server speaks first */
	assert_int_equal(gsasl_step64(server, "", &challenge), GSASL_NEEDS_MORE);
	assert_false(sasl_credentials_sent(ex));
	char *response = sasl_step(ex, challenge, &err);
	gsasl_free(challenge);
	challenge = NULL;
	assert_non_null(response);
	assert_true(sasl_credentials_sent(ex));
	char *text = unb64_str(response);
	assert_non_null(strstr(text, "username=\"user\""));
	assert_non_null(strstr(text, "digest-uri=\"pop/pop.example.org\""));
	assert_non_null(strstr(text, "qop=auth,"));
	free(text);

	int rc = gsasl_step64(server, response, &challenge);
	secret_free(response);
	if (want == DIGEST_WRONG_PASSWORD) {
		assert_int_equal(rc, GSASL_AUTHENTICATION_ERROR);
		assert_null(sasl_failure(ex, NULL));
	} else {
		assert_int_equal(rc, GSASL_OK);
		assert_false(sasl_complete(ex)); /* rspauth not seen yet */
		if (want == DIGEST_BAD_RSPAUTH) {
			size_t len;
			char *final = unb64(challenge, &len);
			final[len - 1] = final[len - 1] == 'a' ? 'b' : 'a';
			gsasl_free(challenge);
			challenge = b64(final, len);
			free(final);
		}
		response = sasl_step(ex, challenge, &err);
		if (want == DIGEST_OK) {
			assert_string_equal(response, "");
			assert_true(sasl_complete(ex));
			secret_free(response);
		} else {
			bool unproven = false;
			assert_null(response);
			assert_non_null(sasl_failure(ex, &unproven));
			assert_true(unproven);
			assert_false(sasl_complete(ex));
			free(err);
		}
	}
	if (want == DIGEST_BAD_RSPAUTH)
		free(challenge);
	else
		gsasl_free(challenge);
	sasl_finish(ex);
	gsasl_finish(server);
	gsasl_done(server_ctx);
}

static void test_digest_md5_gsasl_server(void **state)
{
	run_digest("pencil", DIGEST_OK);
	run_digest("pencil2", DIGEST_WRONG_PASSWORD);
	run_digest("pencil", DIGEST_BAD_RSPAUTH);
}

/* What a refusal may blame: the steps that carry the credentials. */
static void test_credentials_sent(void **state)
{
	sasl_credentials_t cred = {.user = "tim", .password = "tanstaaftanstaaf"};
	char *ir = NULL, *err = NULL;

	sasl_exchange_t *ex = start_ok("PLAIN", &cred);
	assert_false(sasl_credentials_sent(ex));
	assert_int_equal(sasl_initial_response(ex, &ir, &err), 0);
	secret_free(ir);
	assert_true(sasl_credentials_sent(ex));
	sasl_finish(ex);

	ex = start_ok("LOGIN", &cred);
	char *r = step_text(ex, "Username:");
	free(r);
	assert_false(sasl_credentials_sent(ex)); /* only the user name so far */
	r = step_text(ex, "Password:");
	free(r);
	assert_true(sasl_credentials_sent(ex));
	sasl_finish(ex);

	/* A challenge we cannot read: our failure, kept, not the server's proof. */
	ex = start_ok("CRAM-MD5", &cred);
	assert_null(sasl_step(ex, "not base64!", &err));
	bool unproven = true;
	assert_string_equal(sasl_failure(ex, &unproven), err);
	assert_false(unproven);
	assert_false(sasl_credentials_sent(ex));
	free(err);
	sasl_finish(ex);
	assert_null(sasl_failure(NULL, NULL));
	assert_false(sasl_credentials_sent(NULL));
}

static void test_hostile_challenges(void **state)
{
	sasl_credentials_t cred = {.user = "tim", .password = "tanstaaftanstaaf"};
	static const char *const bad[] = {"not base64!", "QUJD\r\n", "QUJ", "Q===", "=QUJ"};
	char *err = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sasl_exchange_t *ex = start_ok("CRAM-MD5", &cred);
		assert_null(sasl_step(ex, bad[i], &err));
		assert_non_null(err);
		free(err);
		err = NULL;
		assert_false(sasl_complete(ex));
		sasl_finish(ex);
	}

	/* Far longer than any mechanism needs. */
	size_t n = 1 << 20;
	char *huge = xmalloc(n + 1);
	memset(huge, 'A', n);
	huge[n] = '\0';
	sasl_exchange_t *ex = start_ok("CRAM-MD5", &cred);
	assert_null(sasl_step(ex, huge, &err));
	free(err);
	sasl_finish(ex);
	ex = start_ok("OAUTHBEARER", &(sasl_credentials_t){.user = "u", .oauth_token = "t"});
	char *ir = NULL;
	assert_int_equal(sasl_initial_response(ex, &ir, &err), 0);
	secret_free(ir);
	err = NULL;
	assert_null(sasl_step(ex, huge, &err));
	assert_non_null(err);
	free(err);
	assert_false(sasl_complete(ex));
	sasl_finish(ex);
	free(huge);
}

static void test_start_errors(void **state)
{
	sasl_credentials_t cred = {.user = "tim"};
	char *err = NULL;

	assert_null(sasl_start("PLAIN", &cred, &err)); /* no password */
	assert_non_null(err);
	free(err);
	err = NULL;
	assert_null(sasl_start("XOAUTH2", &cred, &err)); /* no token */
	free(err);
	err = NULL;
	assert_null(sasl_start("KERBEROS_V4", &cred, &err));
	assert_non_null(strstr(err, "KERBEROS_V4"));
	free(err);
	err = NULL;
	cred.oauth_token = "abc\001user=root";
	assert_null(sasl_start("XOAUTH2", &cred, &err)); /* field injection */
	free(err);
}

/* ---- XOAUTH2 and OAUTHBEARER ------------------------------------------ */

/* The example in Google's XOAUTH2 protocol documentation. */
static void test_xoauth2_bytes(void **state)
{
	sasl_credentials_t cred = {
	    .user = "someuser@example.com",
	    .oauth_token = "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg",
	};
	sasl_exchange_t *ex = start_ok("XOAUTH2", &cred);
	char *ir = NULL, *err = NULL;

	assert_int_equal(sasl_initial_response(ex, &ir, &err), 0);
	assert_string_equal(ir, "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRm"
				"dDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==");
	secret_free(ir);
	assert_true(sasl_complete(ex));
	assert_null(sasl_server_error(ex));
	sasl_finish(ex);
}

/* RFC 7628 section 4.1. */
static void test_oauthbearer_bytes(void **state)
{
	sasl_credentials_t cred = {.user = "user@example.com",
				   .host = "server.example.com",
				   .port = "143",
				   .oauth_token = "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="};
	sasl_exchange_t *ex = start_ok("OAUTHBEARER", &cred);
	char *ir = NULL, *err = NULL;

	assert_int_equal(sasl_initial_response(ex, &ir, &err), 0);
	assert_string_equal(ir, "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBv"
				"cnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1s"
				"emRHRXVZMjl0Q2c9PQEB");
	secret_free(ir);
	assert_true(sasl_complete(ex));
	sasl_finish(ex);
}

/* ',' and '=' in the name are escaped (RFC 5801); host and port optional. */
static void test_oauthbearer_escaping(void **state)
{
	sasl_credentials_t cred = {.user = "a,b=c", .oauth_token = "T"};
	sasl_exchange_t *ex = start_ok("OAUTHBEARER", &cred);
	char *err = NULL;
	char *r = sasl_step(ex, "", &err); /* no initial response: sent on "+ " */
	size_t len;
	char *raw = unb64(r, &len);
	static const char want[] = "n,a=a=2Cb=3Dc,\001auth=Bearer T\001\001";
	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(raw, want, len);
	free(raw);
	secret_free(r);
	assert_true(sasl_complete(ex));
	sasl_finish(ex);
}

static const char oauth_error_json[] =
    "{\"status\":\"invalid_token\",\"scope\":\"example_scope\","
    "\"openid-configuration\":\"https://example.com/.well-known/openid-configuration\"}";

static void oauth_error_flow(const char *mech, const char *dummy)
{
	sasl_credentials_t cred = {.user = "user@example.com",
				   .host = "server.example.com",
				   .port = "995",
				   .oauth_token = "expired"};
	sasl_exchange_t *ex = start_ok(mech, &cred);
	char *ir = NULL, *err = NULL;

	assert_int_equal(sasl_initial_response(ex, &ir, &err), 0);
	secret_free(ir);
	assert_true(sasl_complete(ex));

	/* RFC 7628 section 4.3 prints this challenge. */
	const char *challenge =
	    "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNv"
	    "bmZpZ3VyYXRpb24iOiJodHRwczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1"
	    "cmF0aW9uIn0=";
	char *r = sasl_step(ex, challenge, &err);
	assert_non_null(r);
	assert_string_equal(r, dummy);
	secret_free(r);
	assert_false(sasl_complete(ex));
	assert_string_equal(sasl_server_error(ex), oauth_error_json);

	/* Anything after the dummy response is a protocol error. */
	assert_null(sasl_step(ex, challenge, &err));
	assert_non_null(err);
	free(err);
	assert_false(sasl_complete(ex));
	sasl_finish(ex);
}

static void test_oauthbearer_error(void **state)
{
	oauth_error_flow("OAUTHBEARER", "AQ==");
}

static void test_xoauth2_error(void **state)
{
	oauth_error_flow("XOAUTH2", "");
}

/* A garbled error report still gets the dummy answer, so the server can
 * finish with -ERR; there is just no text to show. */
static void test_oauth_error_garbled(void **state)
{
	sasl_credentials_t cred = {.user = "u", .oauth_token = "t"};
	sasl_exchange_t *ex = start_ok("XOAUTH2", &cred);
	char *ir = NULL, *err = NULL;

	assert_int_equal(sasl_initial_response(ex, &ir, &err), 0);
	secret_free(ir);
	char *r = sasl_step(ex, "{not base64}", &err);
	assert_string_equal(r, "");
	secret_free(r);
	assert_null(sasl_server_error(ex));
	assert_false(sasl_complete(ex));
	sasl_finish(ex);
}

/* ---- sasl_supported, sasl_choose ------------------------------------- */

static void test_supported(void **state)
{
	assert_true(sasl_supported("XOAUTH2"));
	assert_true(sasl_supported("OAUTHBEARER"));
	assert_true(sasl_supported("PLAIN"));
	assert_true(sasl_supported("LOGIN"));
	assert_true(sasl_supported("CRAM-MD5"));
	assert_true(sasl_supported("DIGEST-MD5"));
	assert_true(sasl_supported("SCRAM-SHA-1"));
	assert_true(sasl_supported("SCRAM-SHA-256-PLUS"));
	assert_false(sasl_supported("KERBEROS_V4"));
	assert_false(sasl_supported("PLAIN2"));
	assert_false(sasl_supported(""));
}

static void test_is_plus(void **state)
{
	assert_true(sasl_is_plus("SCRAM-SHA-256-PLUS"));
	assert_true(sasl_is_plus("scram-sha-1-plus"));
	assert_false(sasl_is_plus("SCRAM-SHA-256"));
	assert_false(sasl_is_plus("GS2-KRB5-PLUS")); /* not one we know */
	assert_false(sasl_is_plus(NULL));
}

static void test_choose(void **state)
{
	const char *all = "PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256 SCRAM-SHA-1-PLUS "
			  "SCRAM-SHA-256-PLUS XOAUTH2 OAUTHBEARER GSSAPI";

	assert_string_equal(sasl_choose(all, true, false, true), "SCRAM-SHA-256-PLUS");
	assert_string_equal(sasl_choose(all, true, false, false), "SCRAM-SHA-256");
	assert_string_equal(sasl_choose("SCRAM-SHA-1-PLUS SCRAM-SHA-256", true, false, true),
			    "SCRAM-SHA-1-PLUS");
	assert_string_equal(sasl_choose("SCRAM-SHA-1-PLUS SCRAM-SHA-1", true, false, false),
			    "SCRAM-SHA-1");
	assert_string_equal(sasl_choose("PLAIN CRAM-MD5 LOGIN", true, false, false), "CRAM-MD5");
	/* DIGEST-MD5: after CRAM-MD5, before what sends the password. */
	assert_string_equal(sasl_choose("PLAIN DIGEST-MD5 CRAM-MD5", true, false, true),
			    "CRAM-MD5");
	assert_string_equal(sasl_choose("PLAIN LOGIN DIGEST-MD5", true, false, true), "DIGEST-MD5");
	assert_string_equal(sasl_choose("DIGEST-MD5 SCRAM-SHA-1", true, false, false),
			    "SCRAM-SHA-1");
	assert_string_equal(sasl_choose("LOGIN PLAIN", true, false, true), "PLAIN");
	assert_string_equal(sasl_choose("LOGIN", true, false, false), "LOGIN");
	assert_string_equal(sasl_choose("  plain\tlogin ", true, false, false), "PLAIN");
	/* With a token only the OAuth mechanisms. */
	assert_string_equal(sasl_choose(all, true, true, true), "OAUTHBEARER");
	assert_string_equal(sasl_choose("PLAIN XOAUTH2", false, true, false), "XOAUTH2");
	assert_null(sasl_choose("PLAIN SCRAM-SHA-256", true, true, false));
	/* Without a token, never OAuth; without anything, nothing. */
	assert_null(sasl_choose("XOAUTH2 OAUTHBEARER", true, false, false));
	assert_null(sasl_choose(all, false, false, true));
	/* GSSAPI only by name; unknown names and prefixes are no match. */
	assert_null(sasl_choose("GSSAPI NTLM SCRAM-SHA-256-PLUSX PLAINX", true, false, true));
	assert_null(sasl_choose("", true, false, false));
	assert_null(sasl_choose(NULL, true, false, false));
}

/* ---- main ------------------------------------------------------------- */

static int setup(void **state)
{
	char *err = NULL;
	if (sasl_init(&err) != 0) {
		free(err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	sasl_done();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_rfc4616),
	    cmocka_unit_test(test_plain_without_initial_response),
	    cmocka_unit_test(test_cram_md5_rfc2195),
	    cmocka_unit_test(test_login),
	    cmocka_unit_test(test_digest_md5_gsasl_server),
	    cmocka_unit_test(test_credentials_sent),
	    cmocka_unit_test(test_scram_vectors_selfcheck),
	    cmocka_unit_test(test_scram_sha1_scripted),
	    cmocka_unit_test(test_scram_sha256_scripted),
	    cmocka_unit_test(test_scram_sha1_tampered),
	    cmocka_unit_test(test_scram_sha256_tampered),
	    cmocka_unit_test(test_scram_bad_nonce),
	    cmocka_unit_test(test_scram_iterations_bounded),
	    cmocka_unit_test(test_scram_sha1_gsasl_server),
	    cmocka_unit_test(test_scram_sha256_gsasl_server),
	    cmocka_unit_test(test_scram_sha256_gsasl_server_tampered),
	    cmocka_unit_test(test_scram_gsasl_server_wrong_password),
	    cmocka_unit_test(test_scram_sha256_plus_exporter),
	    cmocka_unit_test(test_scram_sha1_plus_unique),
	    cmocka_unit_test(test_scram_plus_binding_mismatch),
	    cmocka_unit_test(test_scram_plus_needs_binding),
	    cmocka_unit_test(test_hostile_challenges),
	    cmocka_unit_test(test_start_errors),
	    cmocka_unit_test(test_xoauth2_bytes),
	    cmocka_unit_test(test_oauthbearer_bytes),
	    cmocka_unit_test(test_oauthbearer_escaping),
	    cmocka_unit_test(test_oauthbearer_error),
	    cmocka_unit_test(test_xoauth2_error),
	    cmocka_unit_test(test_oauth_error_garbled),
	    cmocka_unit_test(test_supported),
	    cmocka_unit_test(test_is_plus),
	    cmocka_unit_test(test_choose),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
