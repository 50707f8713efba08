#include <config.h>

#include "ui/draw.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util/sanitize.h"
#include "util/xalloc.h"

static bool use_color;
static bool ascii;
static attr_t role_attr[ROLE_COUNT];

void draw_init(bool no_color, bool ascii_only)
{
	ascii = ascii_only;
	use_color = !no_color && has_colors();
	/* Without color the roles still differ by weight and reverse video. */
	role_attr[ROLE_NORMAL] = A_NORMAL;
	role_attr[ROLE_TITLE] = A_REVERSE | A_BOLD;
	role_attr[ROLE_HEADER] = A_UNDERLINE;
	role_attr[ROLE_FOCUS] = A_REVERSE;
	role_attr[ROLE_SELECTED] = A_REVERSE;
	role_attr[ROLE_WARN] = A_BOLD | A_REVERSE;
	role_attr[ROLE_ERROR] = A_BOLD;
	role_attr[ROLE_OK] = A_NORMAL;
	role_attr[ROLE_DIM] = A_DIM;
	role_attr[ROLE_SEND] = A_BOLD;
	role_attr[ROLE_RECV] = A_NORMAL;
	role_attr[ROLE_TLS] = A_NORMAL;
	role_attr[ROLE_FLAG] = A_BOLD;
	if (!use_color)
		return;
	start_color();
	use_default_colors();
	static const struct {
		draw_role_t role;
		short fg, bg;
		int extra;
	} colors[] = {
	    {ROLE_TITLE, COLOR_WHITE, COLOR_BLUE, A_BOLD},
	    {ROLE_FOCUS, COLOR_BLACK, COLOR_CYAN, 0},
	    {ROLE_WARN, COLOR_WHITE, COLOR_RED, A_BOLD},
	    {ROLE_ERROR, COLOR_RED, -1, A_BOLD},
	    {ROLE_OK, COLOR_GREEN, -1, 0},
	    {ROLE_SEND, COLOR_CYAN, -1, 0},
	    {ROLE_RECV, COLOR_GREEN, -1, 0},
	    {ROLE_TLS, COLOR_MAGENTA, -1, 0},
	    {ROLE_FLAG, COLOR_YELLOW, -1, A_BOLD},
	};
	for (size_t i = 0; i < sizeof colors / sizeof *colors; i++) {
		short pair = (short)(i + 1);
		init_pair(pair, colors[i].fg, colors[i].bg);
		role_attr[colors[i].role] = (attr_t)COLOR_PAIR(pair) | (attr_t)colors[i].extra;
	}
}

static attr_t attr_for(draw_role_t role)
{
	return role < ROLE_COUNT ? role_attr[role] : A_NORMAL;
}

/* next_char: decode one character of sanitized UTF-8 and its width. */
static size_t next_char(const char *s, size_t n, wchar_t *wc, int *width)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t len = mbrtowc(wc, s, n, &st);
	if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
		*wc = L'?';
		*width = 1;
		return 1;
	}
	if (*wc == L'\t')
		*wc = L' ';
	*width = wcwidth(*wc);
	if (*width < 0) {
		*wc = L'?';
		*width = 1;
	}
	return len;
}

/* clean_width: display cells of sanitized UTF-8 text. */
static int clean_width(const char *clean)
{
	int cols = 0;
	size_t n = strlen(clean);
	while (n) {
		wchar_t wc;
		int w;
		size_t len = next_char(clean, n, &wc, &w);
		cols += w;
		clean += len;
		n -= len;
	}
	return cols;
}

/* put_clean: the one place text goes to the screen. Its callers in this
 * file hand it only the output of sanitize_display. */
static int put_clean(int y, int x, int width, const char *clean, draw_role_t role, bool fill)
{
	if (width <= 0 || y < 0 || x < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + width > COLS)
		width = COLS - x;
	attrset(attr_for(role));
	move(y, x);
	int used = 0;
	size_t n = strlen(clean);
	wchar_t chunk[128];
	int count = 0;
	while (n) {
		wchar_t wc;
		int w;
		size_t len = next_char(clean, n, &wc, &w);
		if (used + w > width)
			break;
		if (w == 0 && count == 0) {
			/* A combining mark with nothing to combine with. */
			clean += len;
			n -= len;
			continue;
		}
		chunk[count++] = wc;
		used += w;
		clean += len;
		n -= len;
		if (count == (int)(sizeof chunk / sizeof *chunk) - 1) {
			addnwstr(chunk, count);
			count = 0;
		}
	}
	if (count)
		addnwstr(chunk, count);
	if (fill)
		for (int i = used; i < width; i++)
			addch(' ');
	attrset(A_NORMAL);
	return used;
}

/* make_safe: the text as it may be drawn; a tab is kept (it shows as one space). */
static char *make_safe(const char *text, size_t len)
{
	return sanitize_display(text ? text : "", text ? len : 0, true, ascii);
}

int draw_text(int y, int x, int width, const char *text, draw_role_t role, bool fill)
{
	return draw_text_len(y, x, width, text, text ? strlen(text) : 0, role, fill);
}

int draw_text_len(int y, int x, int width, const char *text, size_t len, draw_role_t role,
		  bool fill)
{
	char *clean = make_safe(text, len);
	int used = put_clean(y, x, width, clean, role, fill);
	free(clean);
	return used;
}

int draw_text_end(int y, int x, int width, const char *text, draw_role_t role)
{
	char *clean = make_safe(text, text ? strlen(text) : 0);
	const char *tail = clean;
	while (clean_width(tail) > width - 1 && *tail)
		tail++;
	while ((*tail & 0xC0) == 0x80)
		tail++;
	int used = put_clean(y, x, width, tail, role, true);
	free(clean);
	return used;
}

int draw_width(const char *text)
{
	char *clean = make_safe(text, text ? strlen(text) : 0);
	int cells = clean_width(clean);
	free(clean);
	return cells;
}

/* wrap_piece: how many bytes of clean fill one line of width cells: up to
 * the last space that fits when it is past half the line, else as many
 * characters as fit (at least one), so that "Saved to: /a/long/path" keeps
 * the path's start beside its label. *next: where the next line starts,
 * the spaces at the break skipped. */
static size_t wrap_piece(const char *clean, int width, const char **next)
{
	size_t n = strlen(clean), pos = 0, space = 0;
	int used = 0;
	while (pos < n) {
		wchar_t wc;
		int w;
		size_t len = next_char(clean + pos, n - pos, &wc, &w);
		if (used + w > width && pos > 0)
			break;
		if (wc == L' ' && used * 2 >= width)
			space = pos;
		used += w;
		pos += len;
	}
	size_t end = pos < n && space > 0 ? space : pos;
	const char *rest = clean + end;
	while (*rest == ' ')
		rest++;
	*next = rest;
	return end;
}

int draw_wrap_count(const char *text, int width)
{
	char *clean = make_safe(text, text ? strlen(text) : 0);
	int lines = 0;
	const char *p = clean;
	if (width < 1)
		width = 1;
	do {
		wrap_piece(p, width, &p);
		lines++;
	} while (*p);
	free(clean);
	return lines;
}

int draw_text_wrap(int y, int x, int width, int max_lines, const char *text, draw_role_t role)
{
	char *clean = make_safe(text, text ? strlen(text) : 0);
	int lines = 0;
	const char *p = clean;
	if (width < 1)
		width = 1;
	while (lines < max_lines) {
		const char *next;
		size_t len = wrap_piece(p, width, &next);
		char *piece = xstrndup(p, len);
		put_clean(y + lines, x, width, piece, role, false);
		free(piece);
		lines++;
		p = next;
		if (!*p)
			break;
	}
	free(clean);
	return lines;
}

void draw_fill(int y, int x, int width, draw_role_t role)
{
	put_clean(y, x, width, "", role, true);
}

void draw_vline(int y, int x, int height)
{
	for (int i = 0; i < height; i++)
		mvaddch(y + i, x, ACS_VLINE);
}

size_t draw_fit(const char *text, size_t len, int width)
{
	size_t pos = 0;
	int cols = 0;
	while (pos < len) {
		wchar_t wc;
		int w;
		size_t n = next_char(text + pos, len - pos, &wc, &w);
		if (cols + w > width && pos > 0)
			break;
		cols += w;
		pos += n;
	}
	return pos;
}
