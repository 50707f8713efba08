#include <config.h>
#include "sasl.h"

#include <errno.h>
#include <gsasl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/gettext.h"
#include "util/xalloc.h"

/* A challenge longer than this (base64 characters) is refused: no mechanism
 * we run needs more, and a hostile server must not make us decode megabytes. */
#define SASL_CHALLENGE_MAX 16384

/* Channel binding data is 12 (tls-unique) to 64 bytes; anything far larger is a bug. */
#define SASL_CB_MAX 1024

/* The server picks SCRAM's iteration count (RFC 5802, section 5.1): real
 * ones ask for 4,096 to some 100,000; a hostile one could ask for billions
 * and keep us computing for hours. More than this is refused: about a
 * quarter of a second of PBKDF2 on a current CPU. */
#define SASL_SCRAM_ITER_MAX 1000000

/* POP3 is "pop" in the GSSAPI service registry (RFC 5034, section 4). */
#define SASL_SERVICE "pop"

#define SASL_COUNT(array) (sizeof(array) / sizeof((array)[0]))

#if GSASL_VERSION_NUMBER >= 0x020200
#define SASL_HAVE_TLS_EXPORTER 1
#endif

enum sasl_kind {
	SASL_KIND_GSASL,
	SASL_KIND_XOAUTH2,
	SASL_KIND_OAUTHBEARER,
};

struct sasl_mech {
	const char *name;
	enum sasl_kind kind;
	bool client_first; /* may send an initial response on the AUTH line */
	bool needs_password;
	bool needs_token;
	bool plus; /* needs channel binding */
	/* How many client responses carry the credentials: once this many
	 * were sent, a refusal may be about them; before, it cannot be. */
	unsigned proof_step;
};

static const struct sasl_mech sasl_mechs[] = {
    {"SCRAM-SHA-256-PLUS", SASL_KIND_GSASL, true, true, false, true, 2},
    {"SCRAM-SHA-1-PLUS", SASL_KIND_GSASL, true, true, false, true, 2},
    {"SCRAM-SHA-256", SASL_KIND_GSASL, true, true, false, false, 2},
    {"SCRAM-SHA-1", SASL_KIND_GSASL, true, true, false, false, 2},
    {"CRAM-MD5", SASL_KIND_GSASL, false, true, false, false, 1},
    {"DIGEST-MD5", SASL_KIND_GSASL, false, true, false, false, 1},
    {"PLAIN", SASL_KIND_GSASL, true, true, false, false, 1},
    {"LOGIN", SASL_KIND_GSASL, false, true, false, false, 2},
    {"GSSAPI", SASL_KIND_GSASL, true, false, false, false, 1},
    {"OAUTHBEARER", SASL_KIND_OAUTHBEARER, true, false, true, false, 1},
    {"XOAUTH2", SASL_KIND_XOAUTH2, true, false, true, false, 1},
};

/* What sasl_choose tries, strongest first. GSSAPI is left out on purpose:
 * it needs a Kerberos ticket we cannot see, so it is used only when asked for
 * by name. DIGEST-MD5 (historic since RFC 6331) comes after CRAM-MD5: both
 * keep the password off the wire, but its realm and digest-uri rules make it
 * the one more servers get wrong; before PLAIN and LOGIN, which send the
 * password itself. OAUTHBEARER is the standard one, XOAUTH2 its older cousin. */
static const char *const sasl_password_order[] = {
    "SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-1",
    "CRAM-MD5",           "DIGEST-MD5",       "PLAIN",         "LOGIN",
};
static const char *const sasl_token_order[] = {"OAUTHBEARER", "XOAUTH2"};

struct sasl_exchange {
	const struct sasl_mech *mech;
	Gsasl_session *session; /* SASL_KIND_GSASL */
	char *payload;          /* OAuth: the raw client response (holds the token) */
	size_t payload_len;
	char *server_error; /* OAuth: decoded error report from the server */
	unsigned steps;     /* client responses produced so far */
	bool done;          /* the mechanism finished on our side */
	bool failed;
	char *failure;        /* why our side ended the exchange */
	char *refusal;        /* why the callback refused what the server asked */
	bool server_unproven; /* the server's proof of the password did not verify */
	bool error_answered;  /* OAuth: the dummy response to an error was sent */
};

static Gsasl *sasl_ctx;

static char *sasl_error(const char *mech, const char *what)
{
	/* TRANSLATORS: %1$s is a SASL mechanism name, %2$s what went wrong. */
	return xasprintf(_("%1$s authentication: %2$s"), mech, what);
}

static void sasl_set_error(char **errstr, const char *mech, const char *what)
{
	if (errstr)
		*errstr = sasl_error(mech, what);
}

/* sasl_fail: our side ends the exchange; the reason is kept for
 * sasl_failure, since the server's -ERR to our cancel comes later. */
static void sasl_fail(sasl_exchange_t *exchange, char **errstr, const char *what)
{
	exchange->failed = true;
	free(exchange->failure);
	exchange->failure = sasl_error(exchange->mech->name, what);
	if (errstr)
		*errstr = xstrdup(exchange->failure);
}

/* Base64 with OpenSSL. EVP_DecodeBlock is lenient (it skips blanks and keeps
 * the padding as zero bytes), so the text is checked strictly here first. */
static char *sasl_b64_encode(const void *data, size_t len)
{
	if (len == 0)
		return xstrdup("");

	char *out = xmalloc(4 * ((len + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

static bool sasl_b64_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

/* sasl_b64_decode: decode text into a fresh buffer (NUL-terminated, wipe it
 * with secret_wipe). Returns -1 when text is not canonical base64. */
static int sasl_b64_decode(const char *text, unsigned char **out, size_t *out_len)
{
	size_t len = strlen(text);
	size_t pad = 0;

	if (len % 4 != 0 || len > SASL_CHALLENGE_MAX)
		return -1;
	if (len > 0 && text[len - 1] == '=')
		pad++;
	if (len > 1 && text[len - 2] == '=')
		pad++;
	for (size_t i = 0; i < len - pad; i++)
		if (!sasl_b64_char((unsigned char)text[i]))
			return -1;

	unsigned char *data = xmalloc(len / 4 * 3 + 1);
	int n = len > 0 ? EVP_DecodeBlock(data, (const unsigned char *)text, (int)len) : 0;
	if (n < 0 || (size_t)n < pad) {
		free(data);
		return -1;
	}
	*out_len = (size_t)n - pad;
	data[*out_len] = '\0';
	*out = data;
	return 0;
}

static const struct sasl_mech *sasl_find(const char *name, size_t len)
{
	for (size_t i = 0; i < SASL_COUNT(sasl_mechs); i++)
		if (strlen(sasl_mechs[i].name) == len &&
		    strncasecmp(sasl_mechs[i].name, name, len) == 0)
			return &sasl_mechs[i];
	return NULL;
}

static bool sasl_mech_usable(const struct sasl_mech *mech)
{
	if (!mech)
		return false;
	if (mech->kind != SASL_KIND_GSASL)
		return true;
	return sasl_ctx && gsasl_client_support_p(sasl_ctx, mech->name);
}

/* sasl_scram_refuse: the server asked for more than we compute. GNU SASL
 * derives the key from the password when the callback gives none, so the
 * password goes: the step then fails with GSASL_NO_PASSWORD, reported as
 * the refusal. */
static int sasl_scram_refuse(Gsasl_session *session, sasl_exchange_t *exchange, const char *iter)
{
	const char *password = gsasl_property_fast(session, GSASL_PASSWORD);

	if (password)
		secret_wipe((char *)password, strlen(password));
	gsasl_property_set(session, GSASL_PASSWORD, NULL);
	free(exchange->refusal);
	exchange->refusal =
	    /* TRANSLATORS: %1$s is the server's iteration count, %2$d the limit. */
	    xasprintf(_("the server asks for %1$.20s iterations of the password hash; "
			"popscope computes at most %2$d"),
		      iter, SASL_SCRAM_ITER_MAX);
	return GSASL_NO_CALLBACK;
}

/* sasl_scram_salted_password: SCRAM's SaltedPassword, PBKDF2 of the
 * password with the salt and iteration count the server sent (GNU SASL sets
 * them as properties before it asks). OpenSSL computes it several times
 * faster than GNU SASL's own hash, and the count is bounded here. */
static int sasl_scram_salted_password(Gsasl_session *session)
{
	sasl_exchange_t *exchange = gsasl_session_hook_get(session);
	const char *iter = gsasl_property_fast(session, GSASL_SCRAM_ITER);
	const char *salt_b64 = gsasl_property_fast(session, GSASL_SCRAM_SALT);
	const char *password = gsasl_property_fast(session, GSASL_PASSWORD);

	if (!exchange || !iter || !salt_b64 || !password)
		return GSASL_NO_CALLBACK;
	char *end;
	errno = 0;
	unsigned long count = strtoul(iter, &end, 10);
	if (*iter < '1' || *iter > '9' || *end || errno)
		return GSASL_NO_CALLBACK; /* GNU SASL's parser refuses it */
	if (count > SASL_SCRAM_ITER_MAX)
		return sasl_scram_refuse(session, exchange, iter);

	const EVP_MD *md = strstr(exchange->mech->name, "SHA-256") ? EVP_sha256() : EVP_sha1();
	unsigned char *salt, key[EVP_MAX_MD_SIZE];
	size_t salt_len;
	int key_len = EVP_MD_get_size(md);
	if (sasl_b64_decode(salt_b64, &salt, &salt_len) < 0)
		return GSASL_NO_CALLBACK;
	int ok = PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, (int)salt_len, (int)count,
				   md, key_len, key);
	free(salt);
	if (!ok)
		return GSASL_NO_CALLBACK;

	static const char hex[] = "0123456789abcdef";
	char text[2 * EVP_MAX_MD_SIZE + 1];
	for (int i = 0; i < key_len; i++) {
		text[2 * i] = hex[key[i] >> 4];
		text[2 * i + 1] = hex[key[i] & 15];
	}
	text[2 * key_len] = '\0';
	int rc = gsasl_property_set(session, GSASL_SCRAM_SALTED_PASSWORD, text);
	secret_wipe(key, sizeof(key));
	secret_wipe(text, sizeof(text));
	return rc;
}

/* sasl_callback: GNU SASL asks for a property it does not hold. Everything
 * else is set before the exchange starts. */
static int sasl_callback(Gsasl *ctx, Gsasl_session *session, Gsasl_property prop)
{
	(void)ctx;
	if (prop == GSASL_SCRAM_SALTED_PASSWORD)
		return sasl_scram_salted_password(session);
	return GSASL_NO_CALLBACK;
}

int sasl_init(char **errstr)
{
	if (sasl_ctx)
		return 0;
	int rc = gsasl_init(&sasl_ctx);
	if (rc != GSASL_OK) {
		sasl_ctx = NULL;
		if (errstr)
			*errstr =
			    xasprintf(_("cannot initialise GNU SASL: %s"), gsasl_strerror(rc));
		return -1;
	}
	gsasl_callback_set(sasl_ctx, sasl_callback);
	return 0;
}

void sasl_done(void)
{
	if (sasl_ctx)
		gsasl_done(sasl_ctx);
	sasl_ctx = NULL;
}

bool sasl_supported(const char *mech)
{
	return mech && sasl_mech_usable(sasl_find(mech, strlen(mech)));
}

/* sasl_offered: whether the space-separated list holds name. */
static bool sasl_offered(const char *offered, const char *name)
{
	size_t name_len = strlen(name);
	const char *p = offered;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t len = strcspn(p, " \t");
		if (len == name_len && strncasecmp(p, name, len) == 0)
			return true;
		p += len;
	}
	return false;
}

static const char *sasl_choose_from(const char *const *order, size_t count, const char *offered,
				    bool have_cb)
{
	for (size_t i = 0; i < count; i++) {
		const struct sasl_mech *mech = sasl_find(order[i], strlen(order[i]));
		if (mech->plus && !have_cb)
			continue;
		if (sasl_offered(offered, mech->name) && sasl_mech_usable(mech))
			return mech->name;
	}
	return NULL;
}

const char *sasl_choose(const char *offered, bool have_password, bool have_token, bool have_cb)
{
	if (!offered)
		return NULL;
	if (have_token)
		return sasl_choose_from(sasl_token_order, SASL_COUNT(sasl_token_order), offered,
					have_cb);
	if (have_password)
		return sasl_choose_from(sasl_password_order, SASL_COUNT(sasl_password_order),
					offered, have_cb);
	return NULL;
}

/* OAuth fields end up between \x01 separators: a control character in
 * one of them would let it forge another field. */
static bool sasl_oauth_field_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* The payloads hold the token, so each is built in one allocation sized up
 * front: a growing buffer would leave copies behind in freed memory. */
static char *sasl_put(char *p, const char *s)
{
	size_t len = strlen(s);

	memcpy(p, s, len);
	return p + len;
}

static bool sasl_oauth_fields_ok(const sasl_credentials_t *cred)
{
	const char *fields[] = {cred->user, cred->host, cred->port, cred->oauth_token};

	for (size_t i = 0; i < SASL_COUNT(fields); i++)
		if (fields[i] && !sasl_oauth_field_ok(fields[i]))
			return false;
	return true;
}

static void sasl_build_xoauth2(sasl_exchange_t *exchange, const sasl_credentials_t *cred)
{
	char *data = xmalloc(32 + strlen(cred->user) + strlen(cred->oauth_token));
	char *p = data;

	p = sasl_put(p, "user=");
	p = sasl_put(p, cred->user);
	p = sasl_put(p, "\001auth=Bearer ");
	p = sasl_put(p, cred->oauth_token);
	p = sasl_put(p, "\001\001");
	*p = '\0';
	exchange->payload = data;
	exchange->payload_len = (size_t)(p - data);
}

/* RFC 7628 section 3.1: gs2-header "n,a=saslname," where ',' and '=' in the
 * name become "=2C" and "=3D" (RFC 5801); host and port are optional. */
static void sasl_build_oauthbearer(sasl_exchange_t *exchange, const sasl_credentials_t *cred)
{
	const char *user = cred->user ? cred->user : "";
	const char *host = cred->host ? cred->host : "";
	const char *port = cred->port ? cred->port : "";
	char *data = xmalloc(64 + 3 * strlen(user) + strlen(host) + strlen(port) +
			     strlen(cred->oauth_token));
	char *p = data;

	p = sasl_put(p, "n,");
	if (*user) {
		p = sasl_put(p, "a=");
		for (const char *u = user; *u; u++) {
			if (*u == ',')
				p = sasl_put(p, "=2C");
			else if (*u == '=')
				p = sasl_put(p, "=3D");
			else
				*p++ = *u;
		}
	}
	p = sasl_put(p, ",\001");
	if (*host) {
		p = sasl_put(p, "host=");
		p = sasl_put(p, host);
		p = sasl_put(p, "\001");
	}
	if (*port) {
		p = sasl_put(p, "port=");
		p = sasl_put(p, port);
		p = sasl_put(p, "\001");
	}
	p = sasl_put(p, "auth=Bearer ");
	p = sasl_put(p, cred->oauth_token);
	p = sasl_put(p, "\001\001");
	*p = '\0';
	exchange->payload = data;
	exchange->payload_len = (size_t)(p - data);
}

static int sasl_set_property(Gsasl_session *session, Gsasl_property prop, const char *value)
{
#if GSASL_VERSION_MAJOR >= 2
	return gsasl_property_set(session, prop, value);
#else
	gsasl_property_set(session, prop, value);
	return GSASL_OK;
#endif
}

static int sasl_set_channel_binding(sasl_exchange_t *exchange, const sasl_credentials_t *cred,
				    char **errstr)
{
	const char *mech = exchange->mech->name;
	Gsasl_property prop;

	if (!cred->cb_type || !cred->cb_data || cred->cb_len == 0) {
		sasl_set_error(errstr, mech, _("channel binding data is not available"));
		return -1;
	}
	if (cred->cb_len > SASL_CB_MAX) {
		sasl_set_error(errstr, mech, _("channel binding data is too long"));
		return -1;
	}
	if (strcmp(cred->cb_type, "tls-unique") == 0) {
		prop = GSASL_CB_TLS_UNIQUE;
#ifdef SASL_HAVE_TLS_EXPORTER
	} else if (strcmp(cred->cb_type, "tls-exporter") == 0) {
		prop = GSASL_CB_TLS_EXPORTER;
#endif
	} else {
		/* TRANSLATORS: %s is a channel binding type such as "tls-exporter". */
		char *what =
		    xasprintf(_("channel binding type %s is not supported"), cred->cb_type);
		sasl_set_error(errstr, mech, what);
		free(what);
		return -1;
	}

	char *b64 = sasl_b64_encode(cred->cb_data, cred->cb_len);
	int rc = sasl_set_property(exchange->session, prop, b64);
	free(b64);
	if (rc != GSASL_OK) {
		sasl_set_error(errstr, mech, gsasl_strerror(rc));
		return -1;
	}
	return 0;
}

static int sasl_start_gsasl(sasl_exchange_t *exchange, const sasl_credentials_t *cred,
			    char **errstr)
{
	const char *mech = exchange->mech->name;
	int rc;

	if (!sasl_ctx) {
		sasl_set_error(errstr, mech, _("GNU SASL is not initialised"));
		return -1;
	}
	/* Properties are set up front; gsasl asks the callback only for those
	 * it does not hold (SCRAM's salted password, sasl_callback). */
	rc = gsasl_client_start(sasl_ctx, mech, &exchange->session);
	if (rc != GSASL_OK) {
		exchange->session = NULL;
		sasl_set_error(errstr, mech, gsasl_strerror(rc));
		return -1;
	}
	gsasl_session_hook_set(exchange->session, exchange);
	if (cred->user && *cred->user)
		rc = sasl_set_property(exchange->session, GSASL_AUTHID, cred->user);
	if (rc == GSASL_OK && cred->password)
		rc = sasl_set_property(exchange->session, GSASL_PASSWORD, cred->password);
	if (rc == GSASL_OK)
		rc = sasl_set_property(exchange->session, GSASL_SERVICE, SASL_SERVICE);
	if (rc == GSASL_OK && cred->host && *cred->host)
		rc = sasl_set_property(exchange->session, GSASL_HOSTNAME, cred->host);
	if (rc != GSASL_OK) {
		sasl_set_error(errstr, mech, gsasl_strerror(rc));
		return -1;
	}
	/* Only -PLUS gets the binding: GNU SASL 2.2 fails a plain SCRAM client
	 * that holds one (it would have to send the "y" flag). */
	if (exchange->mech->plus)
		return sasl_set_channel_binding(exchange, cred, errstr);
	return 0;
}

sasl_exchange_t *sasl_start(const char *mech_name, const sasl_credentials_t *cred, char **errstr)
{
	const struct sasl_mech *mech = mech_name ? sasl_find(mech_name, strlen(mech_name)) : NULL;

	if (!mech || !sasl_mech_usable(mech)) {
		if (errstr)
			/* TRANSLATORS: %s is a SASL mechanism name. */
			*errstr = xasprintf(_("SASL mechanism %s is not supported"),
					    mech_name ? mech_name : "(null)");
		return NULL;
	}
	if (mech->needs_password && !cred->password) {
		sasl_set_error(errstr, mech->name, _("a password is needed"));
		return NULL;
	}
	if (mech->needs_token && (!cred->oauth_token || !*cred->oauth_token)) {
		sasl_set_error(errstr, mech->name, _("an OAuth token is needed"));
		return NULL;
	}
	/* GSSAPI takes the name from the ticket, OAUTHBEARER from the token. */
	if ((mech->needs_password || mech->kind == SASL_KIND_XOAUTH2) &&
	    (!cred->user || !*cred->user)) {
		sasl_set_error(errstr, mech->name, _("a user name is needed"));
		return NULL;
	}
	if (mech->needs_token && !sasl_oauth_fields_ok(cred)) {
		sasl_set_error(errstr, mech->name,
			       _("the user name, host, port or token holds a control character"));
		return NULL;
	}

	sasl_exchange_t *exchange = xcalloc(1, sizeof(*exchange));
	exchange->mech = mech;
	switch (mech->kind) {
	case SASL_KIND_GSASL:
		if (sasl_start_gsasl(exchange, cred, errstr) < 0) {
			sasl_finish(exchange);
			return NULL;
		}
		break;
	case SASL_KIND_XOAUTH2: sasl_build_xoauth2(exchange, cred); break;
	case SASL_KIND_OAUTHBEARER: sasl_build_oauthbearer(exchange, cred); break;
	}
	return exchange;
}

static void sasl_gsasl_free(char *data, size_t len)
{
	if (data) {
		secret_wipe(data, len);
		gsasl_free(data);
	}
}

/* sasl_gsasl_step: one gsasl step; returns the base64 response ("" for an
 * empty one) or NULL with *errstr. The base64 is done here rather than by
 * gsasl_step64, which frees the decoded response (PLAIN's holds the
 * password) without wiping it. */
static char *sasl_gsasl_step(sasl_exchange_t *exchange, const char *input, char **errstr)
{
	unsigned char *in;
	size_t in_len;

	if (sasl_b64_decode(input, &in, &in_len) < 0) {
		sasl_fail(exchange, errstr, _("the server's challenge is not valid base64"));
		return NULL;
	}

	char *out = NULL;
	size_t out_len = 0;
	int rc = gsasl_step(exchange->session, (const char *)in, in_len, &out, &out_len);
	secret_wipe(in, in_len);
	free(in);
	if (rc != GSASL_OK && rc != GSASL_NEEDS_MORE) {
		sasl_gsasl_free(out, out_len);
		/* After our proof, an authentication error is about the server's
		 * answer to it: SCRAM's signature, DIGEST-MD5's rspauth. */
		if (rc == GSASL_AUTHENTICATION_ERROR &&
		    exchange->steps >= exchange->mech->proof_step) {
			exchange->server_unproven = true;
			sasl_fail(exchange, errstr,
				  _("the server's proof did not verify: it does not know the "
				    "password, or someone is in the middle"));
		} else {
			sasl_fail(exchange, errstr,
				  exchange->refusal ? exchange->refusal : gsasl_strerror(rc));
		}
		return NULL;
	}
	char *response = sasl_b64_encode(out, out_len);
	sasl_gsasl_free(out, out_len);
	exchange->steps++;
	if (rc == GSASL_OK)
		exchange->done = true;
	return response;
}

int sasl_initial_response(sasl_exchange_t *exchange, char **response, char **errstr)
{
	*response = NULL;
	if (exchange->steps > 0 || exchange->failed || exchange->done) {
		sasl_set_error(errstr, exchange->mech->name, _("the exchange has already begun"));
		return -1;
	}
	if (!exchange->mech->client_first)
		return 0;

	char *out;
	if (exchange->mech->kind == SASL_KIND_GSASL) {
		out = sasl_gsasl_step(exchange, "", errstr);
		if (!out)
			return -1;
	} else {
		out = sasl_b64_encode(exchange->payload, exchange->payload_len);
		exchange->steps++;
		exchange->done = true;
	}
	if (*out == '\0') {
		free(out);
		out = xstrdup("=");
	}
	*response = out;
	return 0;
}

/* An OAuth server that refuses the token sends its JSON error report as a
 * challenge and waits for a dummy response before its -ERR (RFC 7628
 * section 3.2.3; Google and Microsoft do the same for XOAUTH2). */
static char *sasl_oauth_step(sasl_exchange_t *exchange, const char *challenge, char **errstr)
{
	if (exchange->steps == 0) {
		/* No initial response was sent: the server's empty "+ " asks for it. */
		if (*challenge != '\0') {
			sasl_fail(exchange, errstr, _("the server sent an unexpected challenge"));
			return NULL;
		}
		exchange->steps++;
		exchange->done = true;
		return sasl_b64_encode(exchange->payload, exchange->payload_len);
	}
	if (exchange->error_answered) {
		sasl_fail(exchange, errstr,
			  _("the server sent a challenge after its error report"));
		return NULL;
	}

	unsigned char *text;
	size_t text_len;
	if (sasl_b64_decode(challenge, &text, &text_len) == 0) {
		free(exchange->server_error);
		exchange->server_error = xstrndup((const char *)text, text_len);
		secret_wipe(text, text_len);
		free(text);
	}
	exchange->error_answered = true;
	exchange->done = false;
	exchange->steps++;
	return xstrdup(exchange->mech->kind == SASL_KIND_OAUTHBEARER ? "AQ==" : "");
}

char *sasl_step(sasl_exchange_t *exchange, const char *challenge_b64, char **errstr)
{
	const char *mech = exchange->mech->name;
	const char *challenge = challenge_b64 ? challenge_b64 : "";

	if (exchange->failed) {
		sasl_set_error(errstr, mech, _("the exchange has already failed"));
		return NULL;
	}
	if (strlen(challenge) > SASL_CHALLENGE_MAX) {
		sasl_fail(exchange, errstr, _("the server's challenge is too long"));
		return NULL;
	}
	/* Some servers write an empty challenge the way RFC 5034 writes an empty
	 * initial response. */
	if (strcmp(challenge, "=") == 0)
		challenge = "";

	if (exchange->mech->kind != SASL_KIND_GSASL)
		return sasl_oauth_step(exchange, challenge, errstr);

	if (exchange->done) {
		/* Mechanisms such as PLAIN would happily answer again: a challenge
		 * after the last step is the server's doing and ends the exchange. */
		sasl_fail(exchange, errstr, _("the server sent a challenge after the last step"));
		return NULL;
	}
	return sasl_gsasl_step(exchange, challenge, errstr);
}

bool sasl_complete(const sasl_exchange_t *exchange)
{
	return exchange && exchange->done && !exchange->failed;
}

const char *sasl_server_error(const sasl_exchange_t *exchange)
{
	return exchange ? exchange->server_error : NULL;
}

bool sasl_credentials_sent(const sasl_exchange_t *exchange)
{
	return exchange && exchange->steps >= exchange->mech->proof_step;
}

const char *sasl_failure(const sasl_exchange_t *exchange, bool *server_unproven)
{
	if (server_unproven)
		*server_unproven = exchange && exchange->server_unproven;
	return exchange ? exchange->failure : NULL;
}

bool sasl_is_plus(const char *mech)
{
	const struct sasl_mech *found = mech ? sasl_find(mech, strlen(mech)) : NULL;
	return found && found->plus;
}

/* GNU SASL keeps its own copies of the password and of what SCRAM derives
 * from it, and frees them without wiping. They live in memory it allocated
 * and hands out read-only, so we overwrite them before gsasl_finish. */
static void sasl_wipe_gsasl_secrets(Gsasl_session *session)
{
	static const Gsasl_property secrets[] = {
		GSASL_PASSWORD,
		GSASL_SCRAM_SALTED_PASSWORD,
#if GSASL_VERSION_NUMBER >= 0x020000
		GSASL_SCRAM_SERVERKEY,
		GSASL_SCRAM_STOREDKEY,
#endif
	};

	for (size_t i = 0; i < SASL_COUNT(secrets); i++) {
		const char *value = gsasl_property_fast(session, secrets[i]);
		if (value)
			secret_wipe((char *)value, strlen(value));
	}
}

void sasl_finish(sasl_exchange_t *exchange)
{
	if (!exchange)
		return;
	if (exchange->session) {
		sasl_wipe_gsasl_secrets(exchange->session);
		gsasl_finish(exchange->session);
	}
	if (exchange->payload) {
		secret_wipe(exchange->payload, exchange->payload_len);
		free(exchange->payload);
	}
	secret_free(exchange->server_error);
	free(exchange->failure);
	free(exchange->refusal);
	secret_wipe(exchange, sizeof(*exchange));
	free(exchange);
}

char *sasl_library_version(void)
{
	return xasprintf("GNU SASL %s", gsasl_check_version(NULL));
}
