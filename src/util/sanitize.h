/* sanitize.h: make hostile bytes harmless before they reach a screen or a file name.
 *
 * Every string that came from the server passes through here before it is
 * drawn, written to a log, or used in a path. */
#ifndef POPSCOPE_SANITIZE_H
#define POPSCOPE_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

/* sanitize_display: return a fresh NUL-terminated UTF-8 string in which
 *  - C0 controls (including ESC, but not TAB when keep_tab) become U+2400+c
 *    "control pictures" (ESC shows as U+241B), DEL as U+2421;
 *  - C1 controls (U+0080..U+009F) and the bidi/isolate overrides
 *    (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C) become U+FFFD;
 *  - invalid or overlong UTF-8, surrogates and NUL become U+FFFD.
 * When ascii_only is true (the C locale), every non-ASCII code point becomes
 * '?' and control pictures become '^X' style two-character escapes. */
char *sanitize_display(const char *in, size_t len, bool keep_tab, bool ascii_only);

/* sanitize_filename: a safe single path component built from server data:
 * ASCII letters, digits, '-', '_', '.', and '+' are kept, runs of anything
 * else become one '_', no leading '.', at most max_len bytes (>= 8),
 * never empty (returns "message" then). */
char *sanitize_filename(const char *in, size_t max_len);

/* sanitize_is_clean_uidl: true when a UIDL is 1..70 bytes of 0x21..0x7E (RFC 1939). */
bool sanitize_is_clean_uidl(const char *uidl, size_t len);

#endif
