/* draw.h: the only way text reaches the screen. Every draw_text*
 * function takes text of any origin, server bytes included, and makes it
 * safe itself (sanitize_display: C0/C1 controls, DEL, ESC, bidi overrides
 * and broken UTF-8 become visible replacements, a tab one space), then cuts
 * it to a width in display cells (wcwidth, so wide characters count two).
 * Colors by role (off with NO_COLOR / --no-color). tests/ui/draw_only.sh
 * fails when another file in src/ui calls curses to output text. */
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

/* draw_text: text of any origin (NULL: none) at (y, x), cut to width
 * cells; the rest of the width is filled with spaces when fill. Returns the
 * cells used. */
int draw_text(int y, int x, int width, const char *text, draw_role_t role, bool fill);
/* draw_text_len: draw_text for len bytes that need not end in a NUL (a
 * NUL within them shows as a replacement character). */
int draw_text_len(int y, int x, int width, const char *text, size_t len, draw_role_t role,
		  bool fill);
/* draw_text_end: a line being typed: the end of text that fits in
 * width - 1 cells (the last one is for the cursor), the rest of the width
 * filled. Returns the cells used. */
int draw_text_end(int y, int x, int width, const char *text, draw_role_t role);
/* draw_width: the cells text (of any origin) takes once made safe. */
int draw_width(const char *text);
/* draw_fill: blank a run of a line in a role. */
void draw_fill(int y, int x, int width, draw_role_t role);
/* draw_vline: a vertical line of height cells from (y, x) down. */
void draw_vline(int y, int x, int height);

/* draw_size: human size "512", "1.2K", "34M" into out (>= 8 bytes). */
void draw_size(uint64_t octets, char *out, size_t outlen);

#endif
