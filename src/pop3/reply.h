/* reply.h: the POP3 reply grammar, as pure functions over bytes: status
 * lines, response codes, the multi-line body decoder (terminator and
 * dot-unstuffing, correct at any split of the input), and the body formats
 * of STAT, LIST, UIDL and CAPA. No I/O, no allocation unless stated. */
#ifndef POPSCOPE_REPLY_H
#define POPSCOPE_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest status line accepted (RFC 1939 says 512 with CRLF; we are lenient). */
#define POP3_MAX_STATUS_LINE 8192
/* Most messages a mailbox may claim (STAT) before we refuse to model it. */
#define POP3_MAX_MESSAGES 10000000u
/* Largest message size we believe (LIST / STAT), 1 TiB. */
#define POP3_MAX_MESSAGE_SIZE (UINT64_C(1) << 40)
/* The smallest default bound on a multi-line reply (see pop3_request_t in
 * engine.h), and the bound on CAPA and AUTH lists, 1 MiB. */
#define POP3_MIN_REPLY_BOUND (UINT64_C(1) << 20)
/* Octets a LIST or UIDL body may spend on each message STAT counted. */
#define POP3_SCAN_LINE_BOUND 128
/* The least margin pop3_size_margin gives. */
#define POP3_MIN_SIZE_MARGIN 4096

/* pop3_size_margin: how many octets a body may run past the size announced
 * for it before it counts as oversize: 1/16 of the size, at least
 * POP3_MIN_SIZE_MARGIN (room for a server that counts a line ending as one
 * octet, in lines of 16 octets or more). */
uint64_t pop3_size_margin(uint64_t announced);

/* pop3_find_line: look for the end of a line (LF, CR optional) in data.
 * Returns the number of bytes to consume including the line ending and sets
 * *line_len to the length without it; returns 0 when no full line is there
 * yet; returns -1 when no line ending appears within max bytes. */
long pop3_find_line(const char *data, size_t len, size_t max, size_t *line_len);

typedef enum {
	POP3_STATUS_OK,   /* "+OK" */
	POP3_STATUS_ERR,  /* "-ERR" */
	POP3_STATUS_CONT, /* "+ " SASL continuation */
	POP3_STATUS_BAD,  /* anything else: a protocol violation */
} pop3_status_t;

typedef enum {
	POP3_CODE_NONE,
	POP3_CODE_IN_USE,      /* [IN-USE] */
	POP3_CODE_LOGIN_DELAY, /* [LOGIN-DELAY] */
	POP3_CODE_SYS_TEMP,    /* [SYS/TEMP] */
	POP3_CODE_SYS_PERM,    /* [SYS/PERM] */
	POP3_CODE_AUTH,        /* [AUTH] */
	POP3_CODE_OTHER,       /* some other [CODE] */
} pop3_code_t;

typedef struct {
	pop3_status_t status;
	pop3_code_t code;
	const char *
	    text; /* points into the line: after "+OK " / "-ERR " / "+ " (response code included) */
	size_t text_len;
} pop3_status_line_t;

/* pop3_parse_status: classify a status line (without its line ending). */
void pop3_parse_status(const char *line, size_t len, pop3_status_line_t *out);

/* pop3_code_explain: a translated, human explanation of a response code, e.g.
 * [IN-USE] -> "the mailbox is locked by another session; wait or close the
 * other client". NULL for POP3_CODE_NONE / POP3_CODE_OTHER. */
const char *pop3_code_explain(pop3_code_t code);

/* The multi-line body decoder. */
typedef struct {
	int state;         /* internal */
	uint64_t octets;   /* content octets delivered (after unstuffing, line endings included) */
	uint64_t lines;    /* content lines delivered */
	bool done;         /* the terminating "." line was consumed */
	bool bad_stuffing; /* a line began with a lone "." that was not the terminator:
			     * the server did not dot-stuff, so the content is ambiguous */
} pop3_body_t;

/* out receives content bytes, unstuffed, line endings as sent; return 0, or
 * non-zero to stop delivering (the decoder keeps consuming to the terminator). */
typedef int (*pop3_body_out_fn)(void *ctx, const char *data, size_t len);

void pop3_body_init(pop3_body_t *body);
/* pop3_body_feed: consume bytes of a body; stops right after the terminator
 * (done becomes true) so what follows belongs to the next reply. Returns
 * the number of bytes consumed. out may be NULL (discard). */
size_t pop3_body_feed(pop3_body_t *body, const char *data, size_t len, pop3_body_out_fn out,
		      void *ctx);

/* pop3_parse_stat: "+OK nn mm" text (after "+OK ") -> count and octets, checked. */
bool pop3_parse_stat(const char *text, size_t len, uint64_t *count, uint64_t *octets);
/* pop3_parse_scan_line: a LIST line "n size" (a status text or a body line),
 * n in 1..max_number, size <= POP3_MAX_MESSAGE_SIZE. */
bool pop3_parse_scan_line(const char *line, size_t len, uint64_t max_number, uint64_t *number,
			  uint64_t *size);
/* pop3_parse_uidl_line: "n uid"; uid must pass sanitize_is_clean_uidl.
 * *uid points into line, *uid_len its length. */
bool pop3_parse_uidl_line(const char *line, size_t len, uint64_t max_number, uint64_t *number,
			  const char **uid, size_t *uid_len);

/* Capabilities (RFC 2449), from a CAPA body. */
typedef struct {
	bool known; /* a CAPA reply was seen */
	bool top, uidl, user, pipelining, stls, resp_codes, auth_resp_code, sasl_ir;
	bool utf8;      /* RFC 6856: the UTF8 command switches the session to UTF-8 mode */
	bool utf8_user; /* "UTF8 USER": UTF-8 user names and passwords are accepted too */
	char *sasl;     /* space-separated mechanisms (upper case), NULL when none */
	char *implementation;
	long login_delay; /* seconds, -1 when not announced */
	long expire;      /* days, -1 = not announced, -2 = NEVER */
} pop3_capa_t;

/* pop3_parse_capa: fill *capa from a CAPA body (lines with line endings).
 * Unknown capabilities are ignored. Call pop3_capa_free before re-use. */
void pop3_parse_capa(const char *body, size_t len, pop3_capa_t *capa);
void pop3_capa_free(pop3_capa_t *capa);

/* pop3_apop_timestamp: the "<...@...>" token of a greeting, malloc'd, or NULL. */
char *pop3_apop_timestamp(const char *greeting, size_t len);

#endif
