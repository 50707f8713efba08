/* textlines.c: text cut into screen lines (see textlines.h). */
#include <config.h>

#include "ui/textlines.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util/xalloc.h"

/* fit: how many bytes of s (len) fill at most width columns (at least one character). */
static size_t fit(const char *s, size_t len, int width)
{
	size_t pos = 0;
	int cols = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	while (pos < len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + pos, len - pos, &st);
		int w = 1;
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			n = 1;
			memset(&st, 0, sizeof st);
		} else if (wc >= 0x20 && wc != 0x7f) {
			w = wcwidth(wc);
			if (w < 0)
				w = 1;
		}
		if (cols + w > width && pos > 0)
			break;
		cols += w;
		pos += n;
	}
	return pos ? pos : (len ? 1 : 0);
}

static void add_line(text_lines_t *out, size_t start, size_t len)
{
	if (out->count == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 64;
		out->lines = xreallocarray(out->lines, out->cap, sizeof *out->lines);
	}
	out->lines[out->count].start = start;
	out->lines[out->count].len = len;
	out->count++;
}

void text_lines_split(text_lines_t *out, const char *text, size_t len, int width)
{
	out->count = 0;
	const char *d = text ? text : "";
	size_t pos = 0;
	if (width < 1)
		width = 1;
	while (pos <= len) {
		const char *nl = memchr(d + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - d) : len;
		size_t line_end = end;
		if (line_end > pos && d[line_end - 1] == '\r')
			line_end--;
		size_t at = pos;
		do {
			size_t n = fit(d + at, line_end - at, width);
			add_line(out, at, n);
			at += n;
		} while (at < line_end);
		if (!nl)
			break;
		pos = end + 1;
	}
}

void text_lines_free(text_lines_t *lines)
{
	free(lines->lines);
	memset(lines, 0, sizeof *lines);
}
