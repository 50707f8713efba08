/* mime.h: what the views need from a message, by way of GMime 3 (and
 * libxml2's HTML parser for text/html). Everything returned is UTF-8 but
 * NOT sanitized: callers pass it through sanitize_display before drawing. */
#ifndef POPSCOPE_MIME_H
#define POPSCOPE_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* mime_init / mime_done: once per process. */
void mime_init(void);
void mime_done(void);
/* mime_library_version / mime_html_library_version: "GMime 3.2.13" and
 * "libxml2 2.9.14", the libraries popscope runs with (no mime_init
 * needed); newly allocated strings. */
char *mime_library_version(void);
char *mime_html_library_version(void);

/* What the header block breaks of RFC 5322 (bits of mime_summary_t.problems,
 * found by mime_summarize) and a MIME structure GMime reports as broken
 * (mime_message_broken). */
enum {
	MIME_PROBLEM_NO_DATE = 1u << 0,   /* no Date field */
	MIME_PROBLEM_DUP_DATE = 1u << 1,  /* more than one Date field */
	MIME_PROBLEM_NO_FROM = 1u << 2,   /* no From field */
	MIME_PROBLEM_DUP_FROM = 1u << 3,  /* more than one From field */
	MIME_PROBLEM_NUL = 1u << 4,       /* a NUL byte in the header block */
	MIME_PROBLEM_8BIT = 1u << 5,      /* a raw byte over 127 in the header block */
	MIME_PROBLEM_LONG_LINE = 1u << 6, /* a header line over MIME_MAX_LINE octets */
	MIME_PROBLEM_HUGE = 1u << 7,      /* a header block over MIME_MAX_HEADER_BLOCK */
	MIME_PROBLEM_BROKEN = 1u << 8,    /* GMime's parser warned about the structure */
};
/* RFC 5322 2.1.1: at most 998 octets a line, CRLF not counted. */
#define MIME_MAX_LINE 998
/* A header block larger than this (64 KiB) is a problem of its own. */
#define MIME_MAX_HEADER_BLOCK (64u * 1024)

typedef struct {
	char *subject;      /* RFC 2047 decoded; NULL when absent */
	char *from;         /* display name if any, else the address; decoded; a
			     * name with an '@' that is not the address itself
			     * comes as "name <address>" */
	char *from_address; /* addr-spec only */
	char *to;           /* decoded, as one line */
	char *cc;
	char *message_id;
	char *date_text;   /* the Date header as sent (unfolded) */
	long long date;    /* seconds since the epoch, UTC; 0 when absent or unparsable */
	unsigned problems; /* MIME_PROBLEM_* bits of the header block (mime_summarize) */
} mime_summary_t;

/* mime_summarize: what the list shows (subject, from, from_address,
 * date_text, date) from the header block at the start of data (a whole
 * message or just its headers, as TOP n 0 returns them; CRLF or LF). The
 * block is read field by field and each value decoded by GMime's own
 * decoders, without building a message: to, cc and message_id stay NULL
 * (mime_message_summary has them). Read as a parsed message reads them: a
 * first line that is no field means no headers, later such lines are
 * skipped; the last Subject and Date count, the first From with an address
 * (date_text is the first Date). A NUL in a header never ends it: it
 * becomes U+2400 (a visible symbol) and the rest of the header is kept;
 * mime_parse does the same. Never fails: missing or broken fields stay
 * NULL / 0.
 * problems gets the header block's MIME_PROBLEM_* bits (no or several
 * Date / From fields, a NUL or a raw 8-bit byte, a line over MIME_MAX_LINE
 * octets, a block over MIME_MAX_HEADER_BLOCK; a block that was cut, as a
 * capped TOP gives it, counts whole up to the cut). A first line that is
 * no field counts as no Date and no From. */
void mime_summarize(const char *data, size_t len, mime_summary_t *summary);
void mime_summary_free(mime_summary_t *summary);

typedef struct {
	char *id;           /* "0" for the top (the whole body: a single part or the outer
			     * container), then "1", "1.2", ... as IMAP numbers them */
	int depth;          /* nesting level, 0 for top */
	char *content_type; /* "text/plain; charset=utf-8" reduced to "text/plain" */
	char *charset;      /* NULL when none */
	char *filename;     /* RFC 2231 / 2047 decoded; NULL when none */
	uint64_t size;      /* decoded size in octets of the part's content (its
			     * transfer encoding undone: what saving the part
			     * writes; of what arrived, when TOP cut the message);
			     * 0 for a container; for message/rfc822 the embedded
			     * message as written */
	bool is_attachment; /* Content-Disposition: attachment, or has a file name */
	bool is_multipart;  /* a container, nothing to save */
} mime_part_info_t;

typedef struct mime_message mime_message_t;

/* mime_parse: parse a message (possibly truncated, as TOP n k gives it).
 * Returns NULL with *errstr (caller frees) only when nothing could be parsed. */
mime_message_t *mime_parse(const char *data, size_t len, char **errstr);
void mime_free(mime_message_t *message);

const mime_summary_t *mime_message_summary(const mime_message_t *message);
/* mime_message_broken: what GMime's parser reported wrong with the MIME
 * structure (a multipart without boundary or without parts, a conflicting
 * or invalid Content-Type, a part without headers or content, nesting too
 * deep, a truncated or malformed message), as one translated sentence, or
 * NULL. With partial true (only the first lines were parsed, as TOP n k
 * gives them) what a cut alone causes does not count. */
const char *mime_message_broken(const mime_message_t *message, bool partial);

/* The MIME structure, depth first. A message/rfc822 part is one leaf (not
 * descended); containers nested deeper than 64 levels, and parts beyond
 * the 10,000th, are not listed. */
size_t mime_part_count(const mime_message_t *message);
const mime_part_info_t *mime_part(const mime_message_t *message, size_t index);

/* mime_body_text: the readable text: the first text/plain part that is not
 * an attachment (decoded, converted to UTF-8), else the first such text/html
 * part reduced to text, else "". Line endings are LF; an unknown charset is
 * read as UTF-8 when valid, else as Windows-1252. Caller frees. */
char *mime_body_text(const mime_message_t *message);

/* mime_part_decode: the decoded content of a leaf part (base64 /
 * quoted-printable undone; for message/rfc822 the embedded message),
 * appended to out. Returns 0 or -1 with *errstr (caller frees). */
int mime_part_decode(const mime_message_t *message, size_t index, buf_t *out, char **errstr);

/* mime_html_to_text: readable text from HTML (libxml2's parser): block
 * elements become line breaks, script/style dropped, entities decoded,
 * links kept as "text <url>". Input that is valid UTF-8 is read as UTF-8
 * whatever its <meta> says; other input by its own declaration (Latin-1
 * without one). Caller frees. */
char *mime_html_to_text(const char *html, size_t len);

#endif
