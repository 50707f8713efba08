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

/* sanitize_is_plain: s is printable ASCII (0x20..0x7E) only, which
 * sanitize_display gives back unchanged. */
bool sanitize_is_plain(const char *s);

/* sanitize_locale_is_utf8: the character set of LC_CTYPE is UTF-8. */
bool sanitize_locale_is_utf8(void);

/* sanitize_filename_for: a safe single path component built from server
 * data (UTF-8), never empty (returns "message" then), without a leading
 * '.', at most max_len bytes (at least 8): a longer name is cut on a
 * character boundary, keeping its extension (a last '.' and 1 to 10 ASCII
 * letters or digits) when the rest has room.
 *  - utf8 false (other locales): ASCII letters, digits, '-', '_', '.' and
 *    '+' are kept, runs of anything else become one '_'.
 *  - utf8 true (LC_CTYPE must be a UTF-8 locale, for iswalnum): letters and
 *    digits of any script are kept, so are combining marks after them,
 *    '-', '_', '.', '+', ',', '(' and ')'; spaces (U+0020 and the other
 *    Unicode spaces) become one ' ', none leading or trailing; controls (C0,
 *    DEL, C1) and format characters (Unicode category Cf: the bidi marks,
 *    overrides and isolates U+200E/F, U+202A..U+202E, U+2066..U+2069,
 *    U+061C, zero-width characters, BOM, ...) are removed; a run of
 *    anything else ('/', '\', ':', '*', symbols, emoji, invalid UTF-8),
 *    with the spaces around it, becomes one '_'. */
char *sanitize_filename_for(const char *in, size_t max_len, bool utf8);

/* sanitize_filename: sanitize_filename_for in the rules of the current
 * locale (sanitize_locale_is_utf8). */
char *sanitize_filename(const char *in, size_t max_len);

/* sanitize_is_clean_uidl: true when a UIDL is 1..70 bytes of 0x21..0x7E (RFC 1939). */
bool sanitize_is_clean_uidl(const char *uidl, size_t len);

#endif
