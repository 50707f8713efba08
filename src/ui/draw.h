/* draw.h: the drawing helpers every view uses: text of any origin drawn
 * at a position within a width (sanitized, wide characters measured with
 * wcwidth), colors by role (off with NO_COLOR / --no-color). */
#ifndef POPSCOPE_DRAW_H
#define POPSCOPE_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	ROLE_NORMAL,
	ROLE_TITLE,    /* title bar */
	ROLE_HEADER,   /* a pane's header line */
	ROLE_FOCUS,    /* header of the focused pane */
	ROLE_SELECTED, /* the selected row */
	ROLE_WARN,     /* TLS NOT VERIFIED, PLAINTEXT, warnings */
	ROLE_ERROR,
	ROLE_OK,
	ROLE_DIM,
	ROLE_SEND, /* log: lines we sent */
	ROLE_RECV, /* log: status lines received */
	ROLE_TLS,
	ROLE_FLAG, /* saved / pending flags */
	ROLE_COUNT,
} draw_role_t;

/* draw_init: after initscr; colors unless no_color or the terminal has none.
 * ascii_only: the locale is not UTF-8 (sanitize to ASCII). */
void draw_init(bool no_color, bool ascii_only);
bool draw_ascii_only(void);
/* draw_attr: the curses attribute for a role (returned as int to keep
 * curses out of callers' signatures that do not need it). */
int draw_attr(draw_role_t role);

/* draw_text: UTF-8 text that is ALREADY sanitized, at (y, x), cut to width
 * columns; the rest of the width is filled with spaces when fill. Returns
 * the columns used. */
int draw_text(int y, int x, int width, const char *text, draw_role_t role, bool fill);
/* draw_untrusted: server bytes: sanitized (sanitize_display), then drawn. */
int draw_untrusted(int y, int x, int width, const char *text, size_t len, draw_role_t role,
		   bool fill);
/* draw_fill: blank a run of a line in a role. */
void draw_fill(int y, int x, int width, draw_role_t role);
/* draw_width: display columns of sanitized UTF-8 text. */
int draw_width(const char *text);

/* draw_size: human size "512", "1.2K", "34M" into out (>= 8 bytes). */
void draw_size(uint64_t octets, char *out, size_t outlen);

#endif
