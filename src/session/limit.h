/* limit.h: the limit pattern language (the `l` key, as in mutt): a pattern
 * is parsed once into a limit, which then tells for each message whether
 * the narrowed list shows it. Pure: no curses, no engine, no session; the
 * caller gives the time that relative dates count back from.
 *
 * A pattern is terms separated by spaces; all of them must hold (AND).
 *
 *   ~f TEXT     the sender's display name or address contains TEXT
 *   ~f =TEXT    the sender's display name or address is TEXT
 *   ~s TEXT     the subject contains TEXT
 *   ~z SIZE     the size: >5M, <100k, >=1M, <=2G, 1M-5M, 1M..5M, 1M-, -5M,
 *               or exactly 1234 octets; k, M, G (and KiB, MiB, GiB) count
 *               1024, kB, MB, GB 1000
 *   ~d DATE     the date: 2026-03-14 (a day), 2026-03 (a month), 2026 (a
 *               year), FROM..TO (both included, either may be left out),
 *               <DATE (before), >DATE (after), <30d (newer than 30 days),
 *               >30d (older); units h, d, w, m (months), y; local time
 *   ~F FLAG     a flag (limit_flag_names): saved, saving, pending, deleted,
 *               uncertain, mismatch, nouidl, error, noheaders
 *   WORD        the sender or the subject contains WORD
 *   !TERM       TERM does not hold
 *
 * Text compares case-insensitively (ASCII letters). An argument with
 * spaces is quoted ("..." or '...'); a backslash takes the next character
 * as it is. A message whose headers have not arrived yet is shown only
 * when the pattern holds without them: every term it has is a size or a
 * flag term (~z, ~F), and they hold. Any sender, subject, date or word
 * term, negated or not, waits for the headers. */
#ifndef POPSCOPE_LIMIT_H
#define POPSCOPE_LIMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "mailbox.h"

typedef struct limit limit_t;

/* Where and why a pattern was refused. */
typedef struct {
	char *message; /* translated; names the bad term; caller frees */
	size_t offset; /* the bad term's first byte in the pattern */
	size_t length; /* its length in bytes */
} limit_error_t;

/* limit_blank: the pattern has no term (NULL, empty, spaces): no limit. */
bool limit_blank(const char *pattern);

/* limit_compile: a pattern into a limit; now (UTC seconds) is what <30d
 * and >30d count back from. Returns NULL with *error filled when the
 * pattern is blank or has a bad term. */
limit_t *limit_compile(const char *pattern, long long now, limit_error_t *error);
void limit_free(limit_t *limit);

/* limit_match: whether the narrowed list shows msg. */
bool limit_match(const limit_t *limit, const mailbox_msg_t *msg);
/* limit_needs_headers: some term waits for headers (a message's answer may
 * change when they arrive). */
bool limit_needs_headers(const limit_t *limit);

/* limit_quote: text as one argument of a term (quoted and escaped when it
 * has spaces, quotes, backslashes, or starts with = or !). Caller frees. */
char *limit_quote(const char *text);

/* limit_help: the pattern language for the help screen, one term kind at
 * a time: its form ("~z SIZE", not translated) and what it matches
 * (translated). False after the last. */
bool limit_help(size_t index, const char **label, const char **text);

#endif
