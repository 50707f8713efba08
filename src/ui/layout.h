/* layout.h: pane geometry: the title line, the list, preview and log
 * panes, the status line and the key-hint line, for each layout mode. */
#ifndef POPSCOPE_LAYOUT_H
#define POPSCOPE_LAYOUT_H

#include <stdbool.h>

typedef struct {
	int y, x, h, w; /* h includes the pane's own header line */
} rect_t;

typedef enum {
	PANE_LIST,
	PANE_PREVIEW,
	PANE_LOG,
	PANE_COUNT,
} pane_t;

typedef enum {
	LAYOUT_LOG_RIGHT,
	LAYOUT_LOG_BELOW,
	LAYOUT_LOG_HIDDEN,
	LAYOUT_LOG_FULL,
	LAYOUT_COUNT,
} layout_mode_t;

typedef struct {
	layout_mode_t mode;
	pane_t focus;
	rect_t pane[PANE_COUNT];
	bool visible[PANE_COUNT];
	int title_y, status_y, hints_y, cols;
} layout_t;

/* layout_compute: place everything for a lines x cols screen. */
void layout_compute(layout_t *layout, int lines, int cols);
/* layout_next_mode: right -> below -> hidden -> full -> right. */
void layout_next_mode(layout_t *layout);
/* layout_next_focus: the next visible pane (Tab). */
void layout_next_focus(layout_t *layout);
/* layout_pane_at: the visible pane covering (y, x), or -1. */
int layout_pane_at(const layout_t *layout, int y, int x);
const char *layout_mode_name(layout_mode_t mode);

#endif
