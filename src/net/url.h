/* url.h: pop3:// and pop3s:// addresses. */
#ifndef POPSCOPE_URL_H
#define POPSCOPE_URL_H

#include <stdbool.h>

typedef enum {
	URL_SCHEME_POP3,  /* port 110, STLS required unless --plaintext */
	URL_SCHEME_POP3S, /* port 995, implicit TLS */
} url_scheme_t;

typedef struct {
	url_scheme_t scheme;
	char *user; /* percent-decoded; NULL when the URL has none */
	char *host; /* without IPv6 brackets */
	char *port; /* decimal string, "110" or "995" by default */
} pop_url_t;

/* url_parse: parse "pop3[s]://[user@]host[:port][/]".
 * user may be percent-encoded (%40 for '@'); host may be a name, an IPv4
 * address or a bracketed IPv6 literal; port is 1..65535.
 * Returns 0 and fills *url, or -1 with *errstr set to one translated line
 * saying what is wrong (caller frees). */
int url_parse(const char *text, pop_url_t *url, char **errstr);

void url_free(pop_url_t *url);

#endif
