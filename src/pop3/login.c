/* login.c: from the greeting to the transaction state: CAPA, STLS (RFC 2595),
 * UTF8 (RFC 6856), authentication (USER/PASS, APOP, SASL per RFC 5034), CAPA
 * again, STAT.
 * Each step is a queued command whose completion starts the next. */
#include <config.h>

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pop3/engine_internal.h"
#include "util/gettext.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

static void request_capa(pop3_t *pop3);
static void start_auth(pop3_t *pop3);
static void start_sasl(pop3_t *pop3, const char *mech);
static void on_stls(void *ctx, const pop3_reply_t *reply);

/* submit: a login step (text: what follows the verb, or NULL); done gets
 * the engine as its context. Steps before the login change the session's
 * state and go alone; CAPA and STAT after it do not. */
static void submit(pop3_t *pop3, pop3_verb_t verb, const char *text, pop3_done_fn done,
		   pop3_continue_fn on_continue)
{
	pop3_request_t request = {
	    .verb = verb,
	    .line = text,
	    .collect_limit = verb == POP3_CMD_CAPA ? 64 * 1024 : 0,
	    .done = done,
	    .ctx = pop3,
	};
	pop3_submit_internal(pop3, &request, !pop3->logged_in, on_continue);
}

/* offers: whether the space-separated mechanism list holds mech. */
static bool offers(const char *list, const char *mech)
{
	size_t len = strlen(mech);
	for (const char *p = list; p && *p;) {
		size_t word = strcspn(p, " ");
		if (word == len && strncasecmp(p, mech, len) == 0)
			return true;
		p += word;
		p += strspn(p, " ");
	}
	return false;
}

/* fail_auth: the server refused the login or what follows it: its
 * verdict, with the response code explained. */
static void fail_auth(pop3_t *pop3, const pop3_reply_t *reply)
{
	/* The response code ([IN-USE], [AUTH], ...) travels with the failure. */
	const char *why = pop3_code_explain(reply->code);
	char *server = sanitize_display(reply->text, reply->text_len, false, false);
	if (why)
		pop3_fail(pop3, POP3_E_AUTH, reply->text, reply->text_len, reply->code,
			  _("login failed: %s (server said: %s)"), why, server);
	else
		pop3_fail(pop3, POP3_E_AUTH, reply->text, reply->text_len, reply->code,
			  _("login failed (server said: %s)"), server);
	free(server);
}

static void on_stat(void *ctx, const pop3_reply_t *reply)
{
	pop3_t *pop3 = ctx;
	if (reply->error != POP3_OK)
		return;
	if (!reply->ok) {
		fail_auth(pop3, reply);
		return;
	}
	if (!pop3_parse_stat(reply->text, reply->text_len, &pop3->stat_count, &pop3->stat_octets)) {
		pop3_fail(pop3, POP3_E_PROTOCOL, reply->text, reply->text_len, POP3_CODE_NONE,
			  _("the server's STAT reply is malformed or out of range"));
		return;
	}
	pop3->phase = PHASE_READY;
	pop3_emit(pop3, POP3_EVENT_READY);
}

static void on_utf8(void *ctx, const pop3_reply_t *reply)
{
	pop3_t *pop3 = ctx;
	if (reply->error != POP3_OK)
		return;
	if (reply->ok) {
		trace_emitf(pop3->trace, TRACE_INFO, "%s",
			    pop3->capa.utf8_user
				? _("UTF-8 mode on (RFC 6856); the server accepts UTF-8 user names "
				    "and passwords too")
				: _("UTF-8 mode on (RFC 6856)"));
	} else {
		/* Not fatal: the session goes on in ASCII mode, where the server
		 * may substitute messages with raw UTF-8 headers (the size check
		 * refuses to save such a substitute). */
		char *said = sanitize_display(reply->text, reply->text_len, false, false);
		trace_emitf(pop3->trace, TRACE_WARN,
			    _("the server refused UTF8 (server said: %s); carrying on without "
			      "UTF-8 mode"),
			    said);
		free(said);
	}
	start_auth(pop3);
}

/* before_auth: RFC 6856 makes UTF8 a command of the AUTHORIZATION state:
 * it goes after STLS and the CAPA that follows it (so the capability is
 * the one announced under TLS) and before USER, APOP or AUTH, so that a
 * server announcing "UTF8 USER" reads the credentials as UTF-8 too.
 * Servers that announce UTF8 substitute a message with raw UTF-8 headers
 * (Courier: a "Cannot display Unicode content" wrapper) for a client that
 * did not send it. */
static void before_auth(pop3_t *pop3)
{
	if (pop3->capa.known && pop3->capa.utf8) {
		submit(pop3, POP3_CMD_UTF8, NULL, on_utf8, NULL);
		return;
	}
	start_auth(pop3);
}

/* after_capa: what comes after a CAPA, depending on how far we are. */
static void after_capa(pop3_t *pop3)
{
	bool need_stls = pop3->config.tls_mode == POP3_TLS_STLS && !pop3->stls_done;
	if (need_stls) {
		if (pop3->capa.known && !pop3->capa.stls) {
			pop3_fail(pop3, POP3_E_NO_STLS, NULL, 0, POP3_CODE_NONE,
				  _("the server does not offer STLS; refusing to continue "
				    "unencrypted (use pop3s:// or, knowingly, --plaintext)"));
			return;
		}
		submit(pop3, POP3_CMD_STLS, NULL, on_stls, NULL);
		return;
	}
	if (pop3->logged_in) /* STAT went with this CAPA (logged_in) */
		return;
	if (pop3->config.skip_login) {
		pop3->phase = PHASE_READY;
		pop3_emit(pop3, POP3_EVENT_READY);
		return;
	}
	before_auth(pop3);
}

static void on_capa(void *ctx, const pop3_reply_t *reply)
{
	pop3_t *pop3 = ctx;
	if (reply->error != POP3_OK)
		return;
	pop3_capa_free(&pop3->capa);
	if (reply->ok)
		pop3_parse_capa(reply->body, reply->body_len, &pop3->capa);
	pop3_emit(pop3, POP3_EVENT_CAPA);
	after_capa(pop3);
}

static void request_capa(pop3_t *pop3)
{
	/* RFC 2595 / 2449: capabilities change with TLS and login; ask again. */
	pop3_capa_free(&pop3->capa);
	submit(pop3, POP3_CMD_CAPA, NULL, on_capa, NULL);
}

static void on_stls(void *ctx, const pop3_reply_t *reply)
{
	pop3_t *pop3 = ctx;
	if (reply->error != POP3_OK)
		return;
	if (!reply->ok) {
		pop3_fail(pop3, POP3_E_NO_STLS, reply->text, reply->text_len, reply->code,
			  _("the server refused STLS"));
		return;
	}
	size_t leftover;
	conn_input(pop3->conn, &leftover);
	if (leftover) {
		pop3_fail(pop3, POP3_E_INJECTION, NULL, 0, POP3_CODE_NONE,
			  ngettext("%zu byte arrived after the server's +OK to STLS and before "
				   "TLS: possible command injection; disconnected",
				   "%zu bytes arrived after the server's +OK to STLS and before "
				   "TLS: possible command injection; disconnected",
				   leftover),
			  leftover);
		return;
	}
	pop3->stls_done = true;
	pop3_emit(pop3, POP3_EVENT_STLS);
	pop3_start_stls_handshake(pop3);
}

void pop3_login_begin(pop3_t *pop3)
{
	request_capa(pop3);
}

/* logged_in: CAPA again and STAT are queued together, before the front end
 * hears LOGGED_IN and may queue its own first commands behind them. When
 * the CAPA before login offered PIPELINING they all go out in one flight. */
static void logged_in(pop3_t *pop3)
{
	pop3->logged_in = true;
	pop3->login_pipelining = pop3->capa.known && pop3->capa.pipelining;
	trace_emitf(pop3->trace, TRACE_INFO, _("logged in as %s with %s"), pop3->config.user,
		    pop3->auth_method);
	request_capa(pop3);
	submit(pop3, POP3_CMD_STAT, NULL, on_stat, NULL);
	pop3_emit(pop3, POP3_EVENT_LOGGED_IN);
}

/* server_state_code: a response code about the server or the mailbox
 * ([IN-USE], [LOGIN-DELAY], [SYS/...]), not about how we logged in: another
 * mechanism would meet the same answer. */
static bool server_state_code(pop3_code_t code)
{
	return code == POP3_CODE_IN_USE || code == POP3_CODE_LOGIN_DELAY ||
	       code == POP3_CODE_SYS_TEMP || code == POP3_CODE_SYS_PERM;
}

/* blames_protocol: the server's words say the exchange itself went wrong
 * (Cyrus: "bad protocol / cancel", also under [AUTH]; Dovecot:
 * "Unsupported authentication mechanism"), not the credentials. */
static bool blames_protocol(const char *text, size_t len)
{
	static const char *const words[] = {
	    "protocol",    "cancel",        "channel binding", "channel-binding",
	    "unsupported", "not supported", "malformed",       "invalid base64",
	};
	char *lower = xstrndup(text, len);
	for (char *c = lower; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	bool found = false;
	for (size_t i = 0; i < sizeof words / sizeof *words && !found; i++)
		found = strstr(lower, words[i]) != NULL;
	free(lower);
	return found;
}

/* fail_exchange: a SASL exchange failed for a reason that is not the
 * credentials: say so, with our reason or the server's words, and never
 * blame the password (POP3_E_PROTOCOL, exit 76). */
static void fail_exchange(pop3_t *pop3, const pop3_reply_t *reply, const char *ours)
{
	char *server = sanitize_display(reply->text, reply->text_len, false, false);
	if (ours)
		/* TRANSLATORS: %1$s says what went wrong on our side (it names the
		 * mechanism), %2$s is the server's reply to our cancel. */
		pop3_fail(pop3, POP3_E_PROTOCOL, reply->text, reply->text_len, reply->code,
			  _("%1$s; the exchange was cancelled (server said: %2$s)"), ours, server);
	else if (sasl_is_plus(pop3->auth_method))
		/* TRANSLATORS: %1$s is a -PLUS mechanism, %2$s the server's reply,
		 * %3$.*4$s the mechanism without "-PLUS". */
		pop3_fail(pop3, POP3_E_PROTOCOL, reply->text, reply->text_len, reply->code,
			  _("the %1$s exchange failed, not the password (server said: %2$s); the "
			    "server may not support channel binding on this connection (--auth "
			    "%3$.*4$s logs in without it)"),
			  pop3->auth_method, server, pop3->auth_method,
			  (int)(strlen(pop3->auth_method) - strlen("-PLUS")));
	else
		pop3_fail(pop3, POP3_E_PROTOCOL, reply->text, reply->text_len, reply->code,
			  _("the %1$s exchange failed, not the password (server said: %2$s)"),
			  pop3->auth_method, server);
	free(server);
}

/* login_refused: the server answered -ERR to PASS, APOP or AUTH. Tell a
 * verdict on the credentials from an exchange that went wrong. */
static void login_refused(pop3_t *pop3, const pop3_reply_t *reply)
{
	if (server_state_code(reply->code)) {
		fail_auth(pop3, reply);
		return;
	}
	if (pop3->sasl) {
		bool unproven = false;
		const char *ours = sasl_failure(pop3->sasl, &unproven);
		if (ours && unproven) {
			/* The server could not prove it knows the password: an
			 * authentication failure, but not the user's password. */
			pop3_fail(pop3, POP3_E_AUTH, reply->text, reply->text_len, reply->code,
				  "%s", ours);
			return;
		}
		if (ours || !sasl_credentials_sent(pop3->sasl) ||
		    blames_protocol(reply->text, reply->text_len)) {
			fail_exchange(pop3, reply, ours);
			return;
		}
	}
	if (strcasecmp(pop3->auth_method, "APOP") == 0) {
		char *server = sanitize_display(reply->text, reply->text_len, false, false);
		pop3_fail(pop3, POP3_E_AUTH, reply->text, reply->text_len, reply->code,
			  _("login failed: APOP was refused (server said: %s); APOP uses a secret "
			    "the server keeps for it, which may differ from the password or not "
			    "exist (over TLS, --auth USER)"),
			  server);
		free(server);
		return;
	}
	fail_auth(pop3, reply);
}

/* retry_without_binding: the -PLUS mechanism popscope chose by itself was
 * refused: try the same mechanism without channel binding, once, on the
 * same connection (POP3 stays in the AUTHORIZATION state after -ERR).
 * Servers that offer -PLUS without supporting the binding TLS 1.3 needs
 * (Cyrus 3.6: tls-unique only) refuse it with words as various as "bad
 * protocol" or "authentication failed", the same words as for a wrong
 * password, so any refusal but a server state gets the retry; a wrong
 * password is then refused again and reported as such. A forced -PLUS,
 * a failure on our side (the server's proof did not verify: maybe someone
 * in the middle), a plain variant not on offer or a server that already
 * closed the connection get no retry. Returns true when the retry is
 * under way. */
static bool retry_without_binding(pop3_t *pop3, const pop3_reply_t *reply)
{
	if (!pop3->sasl || pop3->config.auth || pop3->auth_fallback ||
	    !sasl_is_plus(pop3->auth_method) || server_state_code(reply->code) ||
	    sasl_failure(pop3->sasl, NULL) || conn_state(pop3->conn) == CONN_CLOSED)
		return false;
	size_t base_len = strlen(pop3->auth_method) - strlen("-PLUS");
	char *base = xstrndup(pop3->auth_method, base_len);
	if (!offers(pop3->capa.sasl, base) || !sasl_supported(base)) {
		free(base);
		return false;
	}
	char *server = sanitize_display(reply->text, reply->text_len, false, false);
	/* TRANSLATORS: %1$s is the -PLUS mechanism, %2$s the server's words. */
	pop3->auth_fallback =
	    xasprintf(_("%1$s failed (server said: %2$s)"), pop3->auth_method, server);
	/* TRANSLATORS: the first %s is "MECH failed (server said: ...)", the
	 * second the mechanism tried next. */
	trace_emitf(pop3->trace, TRACE_WARN, _("%s; trying %s without channel binding"),
		    pop3->auth_fallback, base);
	free(server);
	sasl_finish(pop3->sasl);
	pop3->sasl = NULL;
	free(pop3->auth_method);
	pop3->auth_method = base;
	trace_emitf(pop3->trace, TRACE_INFO, _("authenticating as %s with %s"), pop3->config.user,
		    base);
	start_sasl(pop3, base);
	return true;
}

static void on_login_reply(void *ctx, const pop3_reply_t *reply)
{
	pop3_t *pop3 = ctx;
	if (reply->error != POP3_OK)
		return;
	if (!reply->ok) {
		if (pop3->sasl) {
			const char *detail = sasl_server_error(pop3->sasl);
			if (detail)
				trace_emitf(pop3->trace, TRACE_INFO, _("server's SASL error: %s"),
					    detail);
		}
		if (!retry_without_binding(pop3, reply))
			login_refused(pop3, reply);
		return;
	}
	if (pop3->sasl && !sasl_complete(pop3->sasl)) {
		pop3_fail(pop3, POP3_E_AUTH, NULL, 0, POP3_CODE_NONE,
			  _("the server accepted the login without proving it knows the password "
			    "(%s exchange incomplete); disconnected"),
			  pop3->auth_method);
		return;
	}
	if (pop3->sasl) {
		sasl_finish(pop3->sasl);
		pop3->sasl = NULL;
	}
	logged_in(pop3);
}

static void on_user(void *ctx, const pop3_reply_t *reply)
{
	pop3_t *pop3 = ctx;
	if (reply->error != POP3_OK)
		return;
	if (!reply->ok) {
		login_refused(pop3, reply);
		return;
	}
	submit(pop3, POP3_CMD_PASS, pop3->config.password, on_login_reply, NULL);
}

static char *sasl_continue(pop3_t *pop3, const char *challenge, size_t len)
{
	char *text = xstrndup(challenge, len);
	char *errstr = NULL;
	char *response = sasl_step(pop3->sasl, text, &errstr);
	free(text);
	if (!response) {
		trace_emitf(pop3->trace, TRACE_ERROR, _("%s: %s"), pop3->auth_method,
			    errstr ? errstr : "");
		free(errstr);
	}
	return response;
}

static bool reveals_password(const char *mech)
{
	static const char *const clear[] = {"USER", "PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER"};
	for (size_t i = 0; i < sizeof clear / sizeof *clear; i++)
		if (strcasecmp(mech, clear[i]) == 0)
			return true;
	return false;
}

static char *apop_digest(const char *timestamp, const char *password)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	EVP_MD_CTX *md_ctx = EVP_MD_CTX_new();
	if (!md_ctx)
		return NULL;
	/* APOP is MD5 by definition (RFC 1939); it is only offered as a login method. */
	int ok = EVP_DigestInit_ex(md_ctx, EVP_md5(), NULL) &&
		 EVP_DigestUpdate(md_ctx, timestamp, strlen(timestamp)) &&
		 EVP_DigestUpdate(md_ctx, password, strlen(password)) &&
		 EVP_DigestFinal_ex(md_ctx, md, &md_len);
	EVP_MD_CTX_free(md_ctx);
	if (!ok)
		return NULL;
	char *hex = xmalloc(md_len * 2 + 1);
	for (unsigned i = 0; i < md_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	secret_wipe(md, sizeof md);
	return hex;
}

/* forced_not_offered: --auth names a SASL mechanism the server's CAPA
 * does not list: say so here rather than send it (servers drop the
 * connection or stall on an unknown mechanism). Returns true after
 * failing the session. */
static bool forced_not_offered(pop3_t *pop3, const char *mech)
{
	if (!pop3->config.auth || !pop3->capa.known || strcasecmp(mech, "USER") == 0 ||
	    strcasecmp(mech, "APOP") == 0 || offers(pop3->capa.sasl, mech))
		return false;
	buf_t offered;
	buf_init(&offered);
	buf_append_str(&offered, pop3->capa.sasl ? pop3->capa.sasl : "");
	if (pop3->capa.user)
		buf_printf(&offered, "%sUSER", offered.len ? " " : "");
	if (pop3->apop_timestamp)
		buf_printf(&offered, "%sAPOP", offered.len ? " " : "");
	pop3_fail(pop3, POP3_E_AUTH, NULL, 0, POP3_CODE_NONE,
		  _("the server does not offer %s; it offers %s"), mech,
		  offered.len ? offered.data : _("no login method popscope knows"));
	buf_free(&offered);
	return true;
}

static const char *choose_method(pop3_t *pop3)
{
	if (pop3->config.auth)
		return pop3->config.auth;
	unsigned char cb[128];
	size_t cb_len = sizeof cb;
	bool have_cb =
	    conn_is_tls(pop3->conn) && conn_channel_binding(pop3->conn, cb, &cb_len) != NULL;
	const char *mech = NULL;
	if (pop3->capa.sasl)
		mech = sasl_choose(pop3->capa.sasl, pop3->config.password != NULL,
				   pop3->config.oauth_token != NULL, have_cb);
	if (mech)
		return mech;
	if (pop3->config.oauth_token)
		return NULL;
	/* Over TLS, USER and PASS when offered: TLS guards the password, and
	 * APOP needs a secret the server keeps apart, which many users do not
	 * have (GNU Mailutils puts a timestamp in every greeting all the
	 * same). Without TLS, APOP keeps the password off the wire. */
	bool user_offered = !pop3->capa.known || pop3->capa.user;
	if (pop3->apop_timestamp && (!conn_is_tls(pop3->conn) || !user_offered))
		return "APOP";
	return "USER";
}

static void start_sasl(pop3_t *pop3, const char *mech)
{
	unsigned char cb[128];
	size_t cb_len = sizeof cb;
	const char *cb_type = NULL;
	if (conn_is_tls(pop3->conn))
		cb_type = conn_channel_binding(pop3->conn, cb, &cb_len);
	sasl_credentials_t cred = {
	    .user = pop3->config.user,
	    .password = pop3->config.password,
	    .oauth_token = pop3->config.oauth_token,
	    .host = pop3->config.host,
	    .port = pop3->config.port,
	    .cb_type = cb_type,
	    .cb_data = cb_type ? cb : NULL,
	    .cb_len = cb_type ? cb_len : 0,
	};
	char *errstr = NULL;
	pop3->sasl = sasl_start(mech, &cred, &errstr);
	secret_wipe(cb, sizeof cb);
	if (!pop3->sasl) {
		pop3_fail(pop3, POP3_E_AUTH, NULL, 0, POP3_CODE_NONE, _("cannot start %s: %s"),
			  mech, errstr ? errstr : "");
		free(errstr);
		return;
	}
	char *initial = NULL;
	if (sasl_initial_response(pop3->sasl, &initial, &errstr) != 0) {
		pop3_fail(pop3, POP3_E_AUTH, NULL, 0, POP3_CODE_NONE, _("%s failed: %s"), mech,
			  errstr ? errstr : "");
		free(errstr);
		return;
	}
	char *text = initial ? xasprintf("%s %s", mech, initial) : xstrdup(mech);
	secret_free(initial);
	submit(pop3, POP3_CMD_AUTH, text, on_login_reply, sasl_continue);
	secret_free(text);
}

static void start_auth(pop3_t *pop3)
{
	const char *mech = choose_method(pop3);
	if (!mech) {
		pop3_fail(pop3, POP3_E_AUTH, NULL, 0, POP3_CODE_NONE,
			  _("the server offers no OAuth mechanism (XOAUTH2 or OAUTHBEARER)"));
		return;
	}
	if (forced_not_offered(pop3, mech))
		return;
	pop3->auth_method = xstrdup(mech);
	if (!conn_is_tls(pop3->conn) && !pop3->config.allow_plaintext_password &&
	    reveals_password(mech)) {
		pop3_fail(pop3, POP3_E_INSECURE, NULL, 0, POP3_CODE_NONE,
			  _("refusing to send the password in clear text with %s over an "
			    "unencrypted connection (use TLS, or --plaintext to allow it)"),
			  mech);
		return;
	}
	bool token_mech = strcasecmp(mech, "XOAUTH2") == 0 || strcasecmp(mech, "OAUTHBEARER") == 0;
	if (token_mech ? !pop3->config.oauth_token : !pop3->config.password) {
		pop3_fail(pop3, POP3_E_AUTH, NULL, 0, POP3_CODE_NONE,
			  token_mech ? _("%s needs an OAuth token (--oauth-token-command)")
				     : _("%s needs a password"),
			  mech);
		return;
	}
	trace_emitf(pop3->trace, TRACE_INFO, _("authenticating as %s with %s"), pop3->config.user,
		    mech);
	if (strcasecmp(mech, "USER") == 0) {
		submit(pop3, POP3_CMD_USER, pop3->config.user, on_user, NULL);
		return;
	}
	if (strcasecmp(mech, "APOP") == 0) {
		if (!pop3->apop_timestamp) {
			pop3_fail(pop3, POP3_E_AUTH, NULL, 0, POP3_CODE_NONE,
				  _("APOP is not possible: the greeting has no timestamp"));
			return;
		}
		char *digest = apop_digest(pop3->apop_timestamp, pop3->config.password);
		if (!digest) {
			pop3_fail(pop3, POP3_E_AUTH, NULL, 0, POP3_CODE_NONE,
				  _("APOP is not possible: MD5 is not available"));
			return;
		}
		char *text = xasprintf("%s %s", pop3->config.user, digest);
		submit(pop3, POP3_CMD_APOP, text, on_login_reply, NULL);
		secret_free(text);
		secret_free(digest);
		return;
	}
	if (!sasl_supported(mech)) {
		pop3_fail(pop3, POP3_E_AUTH, NULL, 0, POP3_CODE_NONE,
			  _("authentication method %s is not supported"), mech);
		return;
	}
	start_sasl(pop3, mech);
}

const char *pop3_auth_fallback(const pop3_t *pop3)
{
	return pop3->auth_fallback;
}
