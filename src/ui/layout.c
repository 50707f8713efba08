#include <config.h>

#include "ui/layout.h"

#include "util/gettext.h"

/* Below these sizes a pane is not worth showing. */
#define MIN_PANE_LINES 3
/* A log on the right needs a list at least this wide beside it. */
#define MIN_SIDE_BY_SIDE_COLUMNS 100

static void place(rect_t *r, int y, int x, int h, int w)
{
	r->y = y;
	r->x = x;
	r->h = h > 0 ? h : 0;
	r->w = w > 0 ? w : 0;
}

void layout_compute(layout_t *layout, int lines, int cols)
{
	int top = 1;
	int height = lines - 3; /* title, status, hints */
	if (height < 0)
		height = 0;
	layout->title_y = 0;
	layout->status_y = lines - 2;
	layout->hints_y = lines - 1;
	layout->cols = cols;
	for (int i = 0; i < PANE_COUNT; i++) {
		layout->visible[i] = true;
		place(&layout->pane[i], top, 0, 0, 0);
	}
	layout_mode_t mode = layout->mode;
	if (mode == LAYOUT_LOG_RIGHT && cols < MIN_SIDE_BY_SIDE_COLUMNS)
		mode = LAYOUT_LOG_BELOW;
	switch (mode) {
	case LAYOUT_LOG_RIGHT: {
		int log_w = cols * 2 / 5;
		int left = cols - log_w;
		int list_h = height * 45 / 100;
		place(&layout->pane[PANE_LIST], top, 0, list_h, left);
		place(&layout->pane[PANE_PREVIEW], top + list_h, 0, height - list_h, left);
		place(&layout->pane[PANE_LOG], top, left, height, log_w);
		break;
	}
	case LAYOUT_LOG_BELOW: {
		int list_h = height * 40 / 100;
		int preview_h = height * 30 / 100;
		place(&layout->pane[PANE_LIST], top, 0, list_h, cols);
		place(&layout->pane[PANE_PREVIEW], top + list_h, 0, preview_h, cols);
		place(&layout->pane[PANE_LOG], top + list_h + preview_h, 0,
		      height - list_h - preview_h, cols);
		break;
	}
	case LAYOUT_LOG_HIDDEN: {
		int list_h = height * 45 / 100;
		place(&layout->pane[PANE_LIST], top, 0, list_h, cols);
		place(&layout->pane[PANE_PREVIEW], top + list_h, 0, height - list_h, cols);
		layout->visible[PANE_LOG] = false;
		break;
	}
	default:
		place(&layout->pane[PANE_LOG], top, 0, height, cols);
		layout->visible[PANE_LIST] = layout->visible[PANE_PREVIEW] = false;
		break;
	}
	for (int i = 0; i < PANE_COUNT; i++)
		if (layout->pane[i].h < 2)
			layout->visible[i] = false;
	/* A tiny screen: keep the list at least. */
	if (!layout->visible[PANE_LIST] && mode != LAYOUT_LOG_FULL && height >= 2) {
		place(&layout->pane[PANE_LIST], top, 0, height, cols);
		layout->visible[PANE_LIST] = true;
	}
	if (!layout->visible[layout->focus])
		layout_next_focus(layout);
}

void layout_next_mode(layout_t *layout)
{
	layout->mode = (layout_mode_t)((layout->mode + 1) % LAYOUT_COUNT);
	if (layout->mode == LAYOUT_LOG_FULL)
		layout->focus = PANE_LOG;
	else if (layout->focus == PANE_LOG && layout->mode == LAYOUT_LOG_HIDDEN)
		layout->focus = PANE_LIST;
}

void layout_next_focus(layout_t *layout)
{
	for (int step = 1; step <= PANE_COUNT; step++) {
		pane_t p = (pane_t)((layout->focus + step) % PANE_COUNT);
		if (layout->visible[p]) {
			layout->focus = p;
			return;
		}
	}
}

int layout_pane_at(const layout_t *layout, int y, int x)
{
	for (int i = 0; i < PANE_COUNT; i++) {
		const rect_t *r = &layout->pane[i];
		if (layout->visible[i] && y >= r->y && y < r->y + r->h && x >= r->x &&
		    x < r->x + r->w)
			return i;
	}
	return -1;
}

const char *layout_mode_name(layout_mode_t mode)
{
	static const char *const names[LAYOUT_COUNT] = {
	    N_("log right"),
	    N_("log below"),
	    N_("log hidden"),
	    N_("log full screen"),
	};
	return mode < LAYOUT_COUNT ? _(names[mode]) : "";
}
