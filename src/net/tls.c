#include <config.h>

#include "net/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "util/buf.h"
#include "util/gettext.h"
#include "util/xalloc.h"

#define TLS_SHA256_LEN 32
/* Bounds on what a hostile certificate can make us store and show. */
#define TLS_NAME_MAX 4096
#define TLS_SAN_MAX_COUNT 64
#define TLS_SAN_MAX_LEN 255
/* RFC 9266: tls-exporter is 32 bytes of keying material under this label. */
#define TLS_EXPORTER_LABEL "EXPORTER-Channel-Binding"
#define TLS_EXPORTER_LEN 32

struct tls_session {
	SSL_CTX *ctx;
	SSL *ssl;
	char *host;
	bool insecure;
	bool has_pin;
	unsigned char pin[TLS_SHA256_LEN];
	bool pin_checked; /* the leaf's digest was compared with pin */
	bool pin_ok;
	X509 *leaf; /* the server's certificate as seen by the verify callback */
	bool handshake_done;
	bool info_valid;
	tls_info_t info;
};

void tls_info_clear(tls_info_t *info)
{
	free(info->subject);
	free(info->issuer);
	free(info->sans);
	free(info->not_before);
	free(info->not_after);
	free(info->fingerprint);
	free(info->protocol);
	free(info->cipher);
	free(info->verify_result);
	memset(info, 0, sizeof(*info));
}

/* The earliest queued OpenSSL error names the cause; later ones wrap it. */
static char *tls_openssl_error(void)
{
	unsigned long code = ERR_peek_error();
	char text[256];

	ERR_clear_error();
	if (code == 0)
		return xstrdup(_("unknown TLS error"));
	const char *reason = ERR_reason_error_string(code);
	if (reason)
		return xstrdup(reason);
	ERR_error_string_n(code, text, sizeof(text));
	return xstrdup(text);
}

static int tls_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "sha256:" (any case) and 64 hex digits, colons allowed between bytes. */
static bool tls_parse_pin(const char *text, unsigned char *pin)
{
	size_t n = 0;
	const char *p;

	if (strncasecmp(text, "sha256:", 7) != 0)
		return false;
	for (p = text + 7; *p; p++) {
		if (*p == ':' && p[1] != ':' && p[1] != '\0' && p != text + 7)
			continue;
		int hi = tls_hex_value(p[0]);
		int lo = hi >= 0 ? tls_hex_value(p[1]) : -1;
		if (lo < 0 || n == TLS_SHA256_LEN)
			return false;
		pin[n++] = (unsigned char)(hi * 16 + lo);
		p++;
	}
	return n == TLS_SHA256_LEN;
}

static bool tls_cert_digest(X509 *cert, unsigned char *md)
{
	unsigned int len = 0;

	return X509_digest(cert, EVP_sha256(), md, &len) == 1 && len == TLS_SHA256_LEN;
}

static char *tls_format_digest(const unsigned char *md)
{
	char text[sizeof("sha256:") + TLS_SHA256_LEN * 3];
	size_t off = 0;

	off += (size_t)snprintf(text, sizeof(text), "sha256:");
	for (size_t i = 0; i < TLS_SHA256_LEN; i++)
		off +=
		    (size_t)snprintf(text + off, sizeof(text) - off, i ? ":%02X" : "%02X", md[i]);
	return xstrdup(text);
}

static bool tls_host_is_ip(const char *host)
{
	unsigned char addr[16];

	return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

/* Runs inside the handshake for every certificate and every error. It keeps
 * the leaf so a refused certificate can still be shown, and with a pin it
 * decides alone: a matching leaf is accepted whatever the chain says. */
static int tls_verify_callback(int preverify_ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
	tls_session_t *tls = ssl ? SSL_get_app_data(ssl) : NULL;
	X509 *leaf = X509_STORE_CTX_get0_cert(store);

	if (!tls)
		return 0;
	if (leaf && !tls->leaf && X509_up_ref(leaf) == 1)
		tls->leaf = leaf;
	if (!tls->has_pin)
		return preverify_ok;
	if (!tls->pin_checked && leaf) {
		unsigned char md[TLS_SHA256_LEN];
		tls->pin_checked = true;
		tls->pin_ok =
		    tls_cert_digest(leaf, md) && CRYPTO_memcmp(md, tls->pin, TLS_SHA256_LEN) == 0;
	}
	return tls->pin_ok ? 1 : 0;
}

static char *tls_name_text(const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL;
	char *text;

	if (!bio)
		return xstrdup("");
	X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
	long len = BIO_get_mem_data(bio, &data);
	if (len < 0 || !data)
		len = 0;
	text = xstrndup(data ? data : "", len > TLS_NAME_MAX ? TLS_NAME_MAX : (size_t)len);
	BIO_free(bio);
	return text;
}

/* DNS names in a certificate are server data: anything but printable ASCII
 * becomes '?' so nothing above needs to trust them. */
static void tls_append_dns(buf_t *out, const ASN1_STRING *str)
{
	const unsigned char *data = ASN1_STRING_get0_data(str);
	int len = ASN1_STRING_length(str);

	for (int i = 0; i < len && i < TLS_SAN_MAX_LEN; i++) {
		char c = (data[i] > 0x20 && data[i] < 0x7f) ? (char)data[i] : '?';
		buf_append(out, &c, 1);
	}
}

static char *tls_sans_text(X509 *cert)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	buf_t out;
	int shown = 0;

	buf_init(&out);
	for (int i = 0; names && i < sk_GENERAL_NAME_num(names); i++) {
		const GENERAL_NAME *gen = sk_GENERAL_NAME_value(names, i);
		char addr[INET6_ADDRSTRLEN];
		if (gen->type != GEN_DNS && gen->type != GEN_IPADD)
			continue;
		if (shown == TLS_SAN_MAX_COUNT) {
			buf_append_str(&out, ", ...");
			break;
		}
		if (shown++)
			buf_append_str(&out, ", ");
		if (gen->type == GEN_DNS) {
			tls_append_dns(&out, gen->d.dNSName);
			continue;
		}
		int len = ASN1_STRING_length(gen->d.iPAddress);
		const unsigned char *ip = ASN1_STRING_get0_data(gen->d.iPAddress);
		if ((len == 4 && inet_ntop(AF_INET, ip, addr, sizeof(addr))) ||
		    (len == 16 && inet_ntop(AF_INET6, ip, addr, sizeof(addr))))
			buf_append_str(&out, addr);
		else
			buf_append_str(&out, "?");
	}
	GENERAL_NAMES_free(names);
	return buf_steal(&out);
}

static char *tls_time_text(const ASN1_TIME *t)
{
	struct tm tm;
	char text[64];

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		return xstrdup("?");
	return xstrdup(text);
}

/* Whole days from now until not_after, rounded down, so a certificate that
 * expired an hour ago shows -1, not 0. */
static long tls_days_left(const ASN1_TIME *not_after)
{
	int days = 0, secs = 0;

	if (!not_after || ASN1_TIME_diff(&days, &secs, NULL, not_after) != 1)
		return 0;
	if (days <= 0 && secs < 0)
		return (long)days - 1;
	return days;
}

static void tls_fill_info(tls_session_t *tls, X509 *cert, bool verified, char *verify_result)
{
	tls_info_t *info = &tls->info;
	unsigned char md[TLS_SHA256_LEN];
	const char *cipher = SSL_get_cipher_name(tls->ssl);

	tls_info_clear(info);
	info->subject = tls_name_text(X509_get_subject_name(cert));
	info->issuer = tls_name_text(X509_get_issuer_name(cert));
	info->sans = tls_sans_text(cert);
	info->not_before = tls_time_text(X509_get0_notBefore(cert));
	info->not_after = tls_time_text(X509_get0_notAfter(cert));
	info->days_left = tls_days_left(X509_get0_notAfter(cert));
	info->fingerprint = tls_cert_digest(cert, md) ? tls_format_digest(md) : xstrdup("?");
	info->protocol = xstrdup(SSL_get_version(tls->ssl));
	info->cipher = xstrdup(cipher ? cipher : "");
	info->verified = verified;
	info->verify_result = verify_result;
	info->insecure = tls->insecure;
	tls->info_valid = true;
}

static char *tls_verify_text(long result)
{
	if (result == X509_V_OK)
		return xstrdup("ok");
	return xstrdup(X509_verify_cert_error_string(result));
}

static int tls_setup_verify(tls_session_t *tls, const tls_options_t *options,
			    conn_failure_t *failure, char **errstr)
{
	if (options->ca_file) {
		if (SSL_CTX_load_verify_locations(tls->ctx, options->ca_file, NULL) != 1) {
			char *why = tls_openssl_error();
			*errstr = xasprintf(_("cannot load CA certificates from %s: %s"),
					    options->ca_file, why);
			free(why);
			*failure = CONN_FAIL_TLS;
			return -1;
		}
	} else if (SSL_CTX_set_default_verify_paths(tls->ctx) != 1) {
		/* Not fatal: with an empty store verification fails later with a
		 * reason the user can act on, and --insecure or a pin still work. */
		ERR_clear_error();
	}

	/* A pin is an explicit trust decision, so it is enforced through the
	 * verify callback even with --insecure. */
	int mode = (options->insecure && !tls->has_pin) ? SSL_VERIFY_NONE : SSL_VERIFY_PEER;
	SSL_set_verify(tls->ssl, mode, tls_verify_callback);

	if (tls_host_is_ip(tls->host)) {
		/* RFC 6066 forbids IP literals in SNI. */
		X509_VERIFY_PARAM *param = SSL_get0_param(tls->ssl);
		if (X509_VERIFY_PARAM_set1_ip_asc(param, tls->host) != 1)
			goto fail;
		return 0;
	}
	SSL_set_hostflags(tls->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (SSL_set_tlsext_host_name(tls->ssl, tls->host) != 1 ||
	    SSL_set1_host(tls->ssl, tls->host) != 1)
		goto fail;
	return 0;
fail:
	*failure = CONN_FAIL_TLS;
	char *why = tls_openssl_error();
	*errstr = xasprintf(_("cannot set up TLS for %s: %s"), tls->host, why);
	free(why);
	return -1;
}

tls_session_t *tls_session_new(int fd, const char *host, const tls_options_t *options,
			       conn_failure_t *failure, char **errstr)
{
	static const tls_options_t no_options;
	tls_session_t *tls;

	if (!options)
		options = &no_options;
	if (!host || !*host) {
		*failure = CONN_FAIL_TLS;
		*errstr = xstrdup(_("cannot start TLS without a host name to verify"));
		return NULL;
	}
	tls = xcalloc(1, sizeof(*tls));
	tls->host = xstrdup(host);
	tls->insecure = options->insecure;
	if (options->fingerprint) {
		if (!tls_parse_pin(options->fingerprint, tls->pin)) {
			*failure = CONN_FAIL_FINGERPRINT;
			*errstr = xasprintf(_("invalid fingerprint \"%s\" (expected sha256: and "
					      "64 hex digits, colons allowed)"),
					    options->fingerprint);
			tls_session_free(tls);
			return NULL;
		}
		tls->has_pin = true;
	}

	ERR_clear_error();
	tls->ctx = SSL_CTX_new(TLS_client_method());
	if (!tls->ctx || SSL_CTX_set_min_proto_version(tls->ctx, TLS1_2_VERSION) != 1)
		goto fail;
	/* POP3 ends its own messages ("." and QUIT's +OK), so a server that drops
	 * the TCP stream without close_notify is closing, not truncating. */
	SSL_CTX_set_options(tls->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	/* A TLS 1.2 renegotiation would change the peer mid-session and the
	 * tls-unique binding with it; POP3 never needs one. */
	SSL_CTX_set_options(tls->ctx, SSL_OP_NO_RENEGOTIATION);
	/* conn.c writes from a growing buffer that may move between retries. */
	SSL_CTX_set_mode(tls->ctx,
			 SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* Read what the socket has, up to 64 KiB, not a record header and then
	 * its body: servers write header blocks in records of a kilobyte or
	 * two, and a scan of 10,000 took 3,400 reads. conn.c drains what
	 * OpenSSL holds before it polls again (tls_session_pending). */
	SSL_CTX_set_read_ahead(tls->ctx, 1);
	SSL_CTX_set_default_read_buffer_len(tls->ctx, 64 * 1024);
	tls->ssl = SSL_new(tls->ctx);
	if (!tls->ssl || SSL_set_fd(tls->ssl, fd) != 1)
		goto fail;
	SSL_set_app_data(tls->ssl, tls);
	if (tls_setup_verify(tls, options, failure, errstr) < 0) {
		tls_session_free(tls);
		return NULL;
	}
	SSL_set_connect_state(tls->ssl);
	return tls;
fail:
	*failure = CONN_FAIL_TLS;
	char *why = tls_openssl_error();
	*errstr = xasprintf(_("cannot set up TLS for %s: %s"), host, why);
	free(why);
	tls_session_free(tls);
	return NULL;
}

/* The handshake completed; decide whether the certificate is acceptable. */
static tls_status_t tls_check_peer(tls_session_t *tls, conn_failure_t *failure, char **errstr)
{
	X509 *cert = SSL_get0_peer_certificate(tls->ssl);
	long result = SSL_get_verify_result(tls->ssl);
	unsigned char md[TLS_SHA256_LEN];

	if (!cert) {
		*failure = CONN_FAIL_VERIFY;
		*errstr = xasprintf(_("%s presented no certificate"), tls->host);
		return TLS_ERROR;
	}
	if (tls->has_pin) {
		if (!tls_cert_digest(cert, md) || CRYPTO_memcmp(md, tls->pin, TLS_SHA256_LEN)) {
			tls_fill_info(tls, cert, false, xstrdup(_("fingerprint mismatch")));
			*failure = CONN_FAIL_FINGERPRINT;
			*errstr = xasprintf(_("certificate fingerprint of %s is %s, not the "
					      "pinned one"),
					    tls->host, tls->info.fingerprint);
			return TLS_ERROR;
		}
		char *why = tls_verify_text(result);
		char *text =
		    result == X509_V_OK
			? xstrdup("ok")
			: xasprintf(
			      /* TRANSLATORS: %s is OpenSSL's reason, e.g. "self-signed certificate". */
			      _("pinned by fingerprint (chain not trusted: %s)"), why);
		free(why);
		tls_fill_info(tls, cert, true, text);
		return TLS_DONE;
	}
	tls_fill_info(tls, cert, result == X509_V_OK, tls_verify_text(result));
	if (result != X509_V_OK && !tls->insecure) {
		/* SSL_VERIFY_PEER should have stopped the handshake already. */
		*failure = CONN_FAIL_VERIFY;
		*errstr = xasprintf(_("certificate of %s did not verify: %s"), tls->host,
				    tls->info.verify_result);
		return TLS_ERROR;
	}
	return TLS_DONE;
}

/* The handshake failed inside OpenSSL; say whether the certificate or the
 * protocol is to blame, and keep what the server presented. */
static tls_status_t tls_handshake_failed(tls_session_t *tls, int err, conn_failure_t *failure,
					 char **errstr)
{
	long result = SSL_get_verify_result(tls->ssl);
	char *why;

	if (err == SSL_ERROR_SSL)
		why = tls_openssl_error();
	else if (err == SSL_ERROR_SYSCALL && errno != 0)
		why = xstrdup(strerror(errno));
	else
		why = xstrdup(_("the server closed the connection"));
	ERR_clear_error();

	if (tls->has_pin && tls->pin_checked && !tls->pin_ok) {
		*failure = CONN_FAIL_FINGERPRINT;
		if (tls->leaf)
			tls_fill_info(tls, tls->leaf, false, xstrdup(_("fingerprint mismatch")));
		*errstr = xasprintf(_("certificate fingerprint of %s is %s, not the pinned one"),
				    tls->host, tls->info_valid ? tls->info.fingerprint : "?");
	} else if (result != X509_V_OK && err == SSL_ERROR_SSL && !tls->insecure) {
		*failure = CONN_FAIL_VERIFY;
		if (tls->leaf)
			tls_fill_info(tls, tls->leaf, false, tls_verify_text(result));
		*errstr = xasprintf(_("certificate of %s did not verify: %s"), tls->host,
				    X509_verify_cert_error_string(result));
	} else {
		*failure = CONN_FAIL_TLS;
		if (tls->leaf)
			tls_fill_info(tls, tls->leaf, false, tls_verify_text(result));
		*errstr = xasprintf(_("TLS handshake with %s failed: %s"), tls->host, why);
	}
	free(why);
	return TLS_ERROR;
}

tls_status_t tls_session_handshake(tls_session_t *tls, conn_failure_t *failure, char **errstr)
{
	ERR_clear_error();
	errno = 0;
	int rc = SSL_connect(tls->ssl);
	if (rc == 1) {
		tls_status_t status = tls_check_peer(tls, failure, errstr);
		tls->handshake_done = status == TLS_DONE;
		return status;
	}
	int err = SSL_get_error(tls->ssl, rc);
	if (err == SSL_ERROR_WANT_READ)
		return TLS_WANT_READ;
	if (err == SSL_ERROR_WANT_WRITE)
		return TLS_WANT_WRITE;
	return tls_handshake_failed(tls, err, failure, errstr);
}

/* Map the outcome of SSL_read_ex / SSL_write_ex that moved nothing. */
static tls_status_t tls_io_status(tls_session_t *tls, int rc, char **errstr)
{
	int err = SSL_get_error(tls->ssl, rc);

	switch (err) {
	case SSL_ERROR_WANT_READ: return TLS_WANT_READ;
	case SSL_ERROR_WANT_WRITE: return TLS_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN: return TLS_EOF;
	case SSL_ERROR_SYSCALL:
		if (errno == 0) {
			ERR_clear_error();
			return TLS_EOF;
		}
		*errstr = xstrdup(strerror(errno));
		ERR_clear_error();
		return TLS_ERROR;
	default: *errstr = tls_openssl_error(); return TLS_ERROR;
	}
}

tls_status_t tls_session_read(tls_session_t *tls, void *data, size_t len, size_t *done,
			      char **errstr)
{
	*done = 0;
	ERR_clear_error();
	errno = 0;
	int rc = SSL_read_ex(tls->ssl, data, len, done);
	if (rc == 1)
		return TLS_DONE;
	return tls_io_status(tls, rc, errstr);
}

tls_status_t tls_session_write(tls_session_t *tls, const void *data, size_t len, size_t *done,
			       char **errstr)
{
	*done = 0;
	ERR_clear_error();
	errno = 0;
	int rc = SSL_write_ex(tls->ssl, data, len, done);
	if (rc == 1)
		return TLS_DONE;
	return tls_io_status(tls, rc, errstr);
}

bool tls_session_pending(const tls_session_t *tls)
{
	return tls->ssl && (SSL_pending(tls->ssl) > 0 || SSL_has_pending(tls->ssl));
}

const tls_info_t *tls_session_info(const tls_session_t *tls)
{
	return tls->info_valid ? &tls->info : NULL;
}

const char *tls_session_channel_binding(tls_session_t *tls, unsigned char *out, size_t *len)
{
	if (!tls->ssl || !tls->handshake_done)
		return NULL;
	if (SSL_version(tls->ssl) >= TLS1_3_VERSION) {
		if (*len < TLS_EXPORTER_LEN)
			return NULL;
		if (SSL_export_keying_material(tls->ssl, out, TLS_EXPORTER_LEN, TLS_EXPORTER_LABEL,
					       strlen(TLS_EXPORTER_LABEL), NULL, 0, 0) != 1) {
			ERR_clear_error();
			return NULL;
		}
		*len = TLS_EXPORTER_LEN;
		return "tls-exporter";
	}
	/* tls-unique without the extended master secret is open to the triple
	 * handshake attack (RFC 7627), so offer no binding rather than a weak one. */
	if (SSL_get_extms_support(tls->ssl) != 1)
		return NULL;
	/* RFC 5929: the first Finished of the latest handshake, which is ours
	 * for a full handshake and the server's for a resumed one. */
	size_t n = SSL_session_reused(tls->ssl) ? SSL_get_peer_finished(tls->ssl, out, *len)
						: SSL_get_finished(tls->ssl, out, *len);
	if (n == 0 || n > *len)
		return NULL;
	*len = n;
	return "tls-unique";
}

void tls_session_close(tls_session_t *tls, bool notify)
{
	if (!tls)
		return;
	if (tls->ssl) {
		if (notify && tls->handshake_done) {
			/* One non-blocking attempt; a peer that is gone or slow does
			 * not get to hold up the exit. */
			ERR_clear_error();
			SSL_shutdown(tls->ssl);
			ERR_clear_error();
		}
		SSL_free(tls->ssl);
		tls->ssl = NULL;
	}
	SSL_CTX_free(tls->ctx);
	tls->ctx = NULL;
	X509_free(tls->leaf);
	tls->leaf = NULL;
	tls->handshake_done = false;
}

void tls_session_free(tls_session_t *tls)
{
	if (!tls)
		return;
	tls_session_close(tls, false);
	tls_info_clear(&tls->info);
	secret_wipe(tls->pin, sizeof(tls->pin));
	free(tls->host);
	free(tls);
}

char *tls_library_version(void)
{
	return xstrdup(OpenSSL_version(OPENSSL_VERSION));
}
