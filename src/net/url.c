#include <config.h>

#include "net/url.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/gettext.h"
#include "util/numparse.h"
#include "util/xalloc.h"

/* Longest host name DNS allows (RFC 1035), and its longest label. */
#define URL_HOST_MAX 253
#define URL_LABEL_MAX 63

static const struct {
	const char *name;
	url_scheme_t scheme;
	const char *port;
} url_schemes[] = {
    {"pop3", URL_SCHEME_POP3, "110"},
    {"pop3s", URL_SCHEME_POP3S, "995"},
};

static int url_fail(char **errstr, char *message)
{
	*errstr = message;
	return -1;
}

/* The whole text is checked first so that no later message has to quote
 * a control character back at the terminal. */
static int url_check_bytes(const char *text, char **errstr)
{
	for (size_t i = 0; text[i] != '\0'; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == ' ')
			return url_fail(
			    errstr,
			    xasprintf(
				/* TRANSLATORS: %zu is a 1-based character position. */
				_("space at position %zu in the URL (encode it as %%20 if it "
				  "belongs to the user name)"),
				i + 1));
		if (c < 0x20 || c == 0x7f)
			return url_fail(
			    errstr,
			    xasprintf(_("control character at position %zu in the URL"), i + 1));
	}
	return 0;
}

static int url_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The user name ends up in "USER name\r\n", so a decoded CR, LF or any other
 * control character would let a URL inject commands: refuse them. */
static int url_decode_user(const char *s, size_t len, const char *text, char **user, char **errstr)
{
	char *out = xmalloc(len + 1);
	size_t n = 0;

	if (len == 0) {
		free(out);
		return url_fail(errstr, xasprintf(_("empty user name before '@' in %s"), text));
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ':') {
			free(out);
			return url_fail(
			    errstr,
			    xasprintf(_("unexpected ':' in the user name in %s (passwords are not "
					"accepted in URLs; write a literal colon as %%3A)"),
				      text));
		}
		if (c != '%') {
			out[n++] = (char)c;
			continue;
		}
		int hi = i + 2 < len ? url_hex_value(s[i + 1]) : -1;
		int lo = hi >= 0 ? url_hex_value(s[i + 2]) : -1;
		if (lo < 0) {
			free(out);
			return url_fail(
			    errstr, xasprintf(_("invalid percent-encoding in the user name in %s "
						"(expected %% and two hex digits)"),
					      text));
		}
		c = (unsigned char)(hi * 16 + lo);
		if (c < 0x20 || c == 0x7f) {
			free(out);
			return url_fail(
			    errstr,
			    xasprintf(_("encoded control character %%%c%c in the user name in %s"),
				      s[i + 1], s[i + 2], text));
		}
		out[n++] = (char)c;
		i += 2;
	}
	out[n] = '\0';
	*user = out;
	return 0;
}

static bool url_is_ipv4_shaped(const char *host)
{
	for (const char *p = host; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return false;
	return true;
}

static bool url_host_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

/* A DNS name (letters, digits, '-', '_', dots between non-empty labels,
 * one optional trailing dot) or a dotted-quad IPv4 address. */
static int url_check_host(const char *host, const char *text, char **errstr)
{
	size_t len = strlen(host);
	size_t label = 0;

	if (len == 0)
		return url_fail(errstr, xasprintf(_("missing host name in %s"), text));
	if (strchr(host, ':'))
		return url_fail(
		    errstr,
		    xasprintf(
			_("IPv6 address in %s must be written in brackets, e.g. pop3://[::1]"),
			text));
	if (url_is_ipv4_shaped(host)) {
		struct in_addr addr;
		if (inet_pton(AF_INET, host, &addr) != 1)
			return url_fail(
			    errstr, xasprintf(_("invalid IPv4 address \"%s\" in %s"), host, text));
		return 0;
	}
	if (len > URL_HOST_MAX)
		return url_fail(errstr, xasprintf(_("host name in %s is longer than %d characters"),
						  text, URL_HOST_MAX));
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)host[i];
		if (!url_host_char(c))
			return url_fail(
			    errstr, xasprintf(_("invalid character '%c' in host name \"%s\" in %s"),
					      c >= 0x80 ? '?' : c, host, text));
		if (c != '.') {
			if (++label > URL_LABEL_MAX)
				return url_fail(
				    errstr,
				    xasprintf(_("host name \"%s\" in %s has a part longer than %d "
						"characters"),
					      host, text, URL_LABEL_MAX));
			continue;
		}
		if (label == 0)
			return url_fail(errstr, xasprintf(_("empty part in host name \"%s\" in %s"),
							  host, text));
		label = 0;
	}
	return 0;
}

static int url_parse_port(const char *s, size_t len, const char *text, char **port, char **errstr)
{
	uint64_t value;

	if (len == 0)
		return url_fail(errstr, xasprintf(_("empty port after ':' in %s"), text));
	if (!parse_u64(s, len, 65535, &value) || value == 0) {
		char *shown = xstrndup(s, len);
		char *msg = xasprintf(
		    /* TRANSLATORS: first %s is the port as typed, second the whole URL. */
		    _("invalid port \"%s\" in %s (expected 1-65535)"), shown, text);
		free(shown);
		return url_fail(errstr, msg);
	}
	/* Canonical form: "0110" and "110" name the same port. */
	*port = xasprintf("%u", (unsigned)value);
	return 0;
}

static int url_parse_scheme(const char *text, url_scheme_t *scheme, const char **port,
			    const char **rest, char **errstr)
{
	const char *sep = strstr(text, "://");

	if (!sep)
		return url_fail(
		    errstr, xasprintf(_("missing pop3:// or pop3s:// at the start of %s"), text));
	size_t len = (size_t)(sep - text);
	for (size_t i = 0; i < sizeof(url_schemes) / sizeof(url_schemes[0]); i++) {
		if (strlen(url_schemes[i].name) == len &&
		    strncasecmp(text, url_schemes[i].name, len) == 0) {
			*scheme = url_schemes[i].scheme;
			*port = url_schemes[i].port;
			*rest = sep + 3;
			return 0;
		}
	}
	char *name = xstrndup(text, len);
	char *msg =
	    xasprintf(_("unsupported scheme \"%s\" in %s (expected pop3 or pop3s)"), name, text);
	free(name);
	return url_fail(errstr, msg);
}

/* Split "host[:port]" or "[v6][:port]" into host and port. */
static int url_parse_hostport(const char *s, size_t len, const char *text, char **host,
			      const char **port_start, size_t *port_len, char **errstr)
{
	const char *end = s + len;
	const char *colon;

	*port_start = NULL;
	*port_len = 0;
	if (len > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close)
			return url_fail(errstr,
					xasprintf(_("missing ']' after IPv6 address in %s"), text));
		char *literal = xstrndup(s + 1, (size_t)(close - s - 1));
		struct in6_addr addr;
		if (inet_pton(AF_INET6, literal, &addr) != 1) {
			char *msg =
			    xasprintf(_("invalid IPv6 address \"%s\" in %s"), literal, text);
			free(literal);
			return url_fail(errstr, msg);
		}
		if (close + 1 < end && close[1] != ':') {
			free(literal);
			return url_fail(errstr,
					xasprintf(_("unexpected text after ']' in %s"), text));
		}
		if (close + 1 < end) {
			*port_start = close + 2;
			*port_len = (size_t)(end - close - 2);
		}
		*host = literal;
		return 0;
	}
	colon = memchr(s, ':', len);
	/* Two colons mean an unbracketed IPv6 address: keep it whole so the
	 * host check names the real problem. */
	if (colon && memchr(colon + 1, ':', (size_t)(end - colon - 1)))
		colon = NULL;
	*host = xstrndup(s, colon ? (size_t)(colon - s) : len);
	if (url_check_host(*host, text, errstr) < 0) {
		free(*host);
		*host = NULL;
		return -1;
	}
	if (colon) {
		*port_start = colon + 1;
		*port_len = (size_t)(end - colon - 1);
	}
	return 0;
}

int url_parse(const char *text, pop_url_t *url, char **errstr)
{
	const char *rest, *default_port, *port_start, *at, *slash;
	size_t port_len, len;
	url_scheme_t scheme;
	char *user = NULL, *host = NULL, *port = NULL;

	memset(url, 0, sizeof(*url));
	*errstr = NULL;
	if (!text || !*text)
		return url_fail(errstr, xstrdup(_("empty URL (expected pop3://host or "
						  "pop3s://host)")));
	if (url_check_bytes(text, errstr) < 0)
		return -1;
	if (url_parse_scheme(text, &scheme, &default_port, &rest, errstr) < 0)
		return -1;

	const char *query = strpbrk(rest, "?#");
	if (query)
		return url_fail(errstr, xasprintf(_("query or fragment \"%s\" not allowed in %s"),
						  query, text));
	len = strcspn(rest, "/");
	if (rest[len] == '/' && rest[len + 1] != '\0') {
		slash = rest + len;
		return url_fail(errstr,
				xasprintf(_("path \"%s\" not allowed in %s (POP3 has no folders)"),
					  slash, text));
	}

	/* The last '@' ends the user name: "a@b.example@host" is user
	 * "a@b.example" as many people type it. */
	at = NULL;
	for (const char *p = rest; p < rest + len; p++)
		if (*p == '@')
			at = p;
	if (at && url_decode_user(rest, (size_t)(at - rest), text, &user, errstr) < 0)
		return -1;
	const char *hostport = at ? at + 1 : rest;
	if (url_parse_hostport(hostport, (size_t)(rest + len - hostport), text, &host, &port_start,
			       &port_len, errstr) < 0)
		goto fail;
	if (port_start) {
		if (url_parse_port(port_start, port_len, text, &port, errstr) < 0)
			goto fail;
	} else {
		port = xstrdup(default_port);
	}

	url->scheme = scheme;
	url->user = user;
	url->host = host;
	url->port = port;
	return 0;
fail:
	free(user);
	free(host);
	return -1;
}

void url_free(pop_url_t *url)
{
	if (!url)
		return;
	free(url->user);
	free(url->host);
	free(url->port);
	url->user = NULL;
	url->host = NULL;
	url->port = NULL;
}
