#include <config.h>

#include "ui/draw.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util/sanitize.h"

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
	int width = clean_width(clean);
	free(clean);
	return width;
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

void draw_size(uint64_t octets, char *out, size_t outlen)
{
	static const char units[] = "KMGT";
	if (octets < 1000) {
		snprintf(out, outlen, "%llu", (unsigned long long)octets);
		return;
	}
	double v = (double)octets / 1024.0;
	size_t u = 0;
	while (v >= 1000.0 && u < sizeof units - 2) {
		v /= 1024.0;
		u++;
	}
	if (v < 10.0)
		snprintf(out, outlen, "%.1f%c", v, units[u]);
	else
		snprintf(out, outlen, "%.0f%c", v, units[u]);
}
