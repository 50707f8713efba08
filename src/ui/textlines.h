/* textlines.h: text cut into screen lines: at each newline (a CR before
 * it dropped) and where a line is wider than the width in display cells.
 * The preview pane and the full-screen pager share it. */
#ifndef POPSCOPE_TEXTLINES_H
#define POPSCOPE_TEXTLINES_H

#include <stddef.h>

typedef struct {
	struct {
		size_t start, len; /* bytes of the text */
	} * lines;
	size_t count;
	size_t cap;
} text_lines_t;

/* text_lines_split: replace out's lines with those of text (len bytes)
 * at width cells. */
void text_lines_split(text_lines_t *out, const char *text, size_t len, int width);
void text_lines_free(text_lines_t *lines);

#endif
