/* pager_view.c: the preview's text full screen (p), over the panes as an
 * overlay: scrolling as in the panes, / n N to search it, v for the raw
 * source, q (or Esc, or p) closes it, as less does. */
#include <config.h>

#include "ui/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui/draw.h"
#include "ui/textlines.h"
#include "util/gettext.h"
#include "util/xalloc.h"

/* The pager's own state. */
typedef struct {
	size_t offset; /* first line shown */
	int height;    /* text lines at the last draw */
	int width;     /* and their width */
	unsigned long generation;
	const char *text; /* the preview's text, valid for one round */
	size_t len;
	text_lines_t lines;
	char *query;  /* the last search */
	size_t match; /* the line found, shown highlighted */
	bool matched;
} pager_t;

static pager_t *pager_of(ui_t *ui)
{
	return ui->overlay.ops == &pager_view_ops ? ui->overlay.private : NULL;
}

static void pager_close(ui_t *ui, view_t *view)
{
	pager_t *pg = view->private;
	text_lines_free(&pg->lines);
	free(pg->query);
}

static void refresh(ui_t *ui, pager_t *pg, int width)
{
	unsigned long generation;
	bool raw;
	pg->text = preview_view_text(ui, &pg->len, &generation, &raw);
	if (generation == pg->generation && width == pg->width && pg->lines.count)
		return;
	if (generation != pg->generation)
		pg->matched = false;
	pg->generation = generation;
	pg->width = width;
	text_lines_split(&pg->lines, pg->text, pg->len, width);
}

static void pager_draw(ui_t *ui, view_t *view, int top, int left, int lines, int cols)
{
	pager_t *pg = view->private;
	int h = lines - 1 > 1 ? lines - 1 : 1;
	refresh(ui, pg, cols);
	pg->height = h;
	size_t count = pg->lines.count;
	if (pg->offset + (size_t)h > count)
		pg->offset = count > (size_t)h ? count - (size_t)h : 0;
	for (int i = 0; i < h; i++) {
		size_t line = pg->offset + (size_t)i;
		if (line >= count)
			break;
		draw_role_t role = pg->matched && line == pg->match ? ROLE_SELECTED : ROLE_NORMAL;
		draw_text_len(top + i, left, cols, pg->text + pg->lines.lines[line].start,
			      pg->lines.lines[line].len, role, role == ROLE_SELECTED);
	}
	size_t last = pg->offset + (size_t)h < count ? pg->offset + (size_t)h : count;
	int pct = count ? (int)(last * 100 / count) : 100;
	char status[256];
	snprintf(status, sizeof status,
		 _(" lines %zu-%zu of %zu (%d%%)%s   q close  / search  v raw"),
		 count ? pg->offset + 1 : 0, last, count, pct, last >= count ? _(" END") : "");
	draw_text(top + h, left, cols, status, ROLE_TITLE, true);
}

/* line_has: whether line i holds query (ASCII letters compared without case). */
static bool line_has(const pager_t *pg, size_t i, const char *query)
{
	size_t qlen = strlen(query), len = pg->lines.lines[i].len;
	const char *s = pg->text + pg->lines.lines[i].start;
	for (size_t at = 0; qlen && at + qlen <= len; at++)
		if (strncasecmp(s + at, query, qlen) == 0)
			return true;
	return false;
}

static void search_step(ui_t *ui, pager_t *pg, bool forward)
{
	size_t count = pg->lines.count;
	if (!pg->query) {
		ui_message(ui, true, "%s", _("No search yet: press /"));
		return;
	}
	/* A new search starts at the top line shown; n goes on after the match. */
	size_t start = pg->matched
			   ? pg->match
			   : (forward ? pg->offset + count - 1 : pg->offset) % (count ? count : 1);
	for (size_t step = 1; step <= count; step++) {
		size_t i = forward ? (start + step) % count : (start + count - step) % count;
		if (line_has(pg, i, pg->query)) {
			pg->match = i;
			pg->matched = true;
			pg->offset = i > 2 ? i - 2 : 0;
			return;
		}
	}
	pg->matched = false;
	ui_message(ui, true, _("Not found: %s"), pg->query);
}

static void on_search(ui_t *ui, const char *answer, int key, uint64_t arg)
{
	pager_t *pg = pager_of(ui);
	if (!pg || !answer || !*answer)
		return;
	free(pg->query);
	pg->query = xstrdup(answer);
	pg->matched = false;
	search_step(ui, pg, true);
}

static void scroll_by(pager_t *pg, long delta)
{
	long max = (long)pg->lines.count - pg->height;
	long target = (long)pg->offset + delta;
	if (target > max)
		target = max;
	if (target < 0)
		target = 0;
	pg->offset = (size_t)target;
}

/* pager_request: q, Esc and p close the pager (false); keys that mean
 * nothing here are ignored, as in less. */
static bool pager_request(ui_t *ui, view_t *view, ui_request_t request)
{
	pager_t *pg = view->private;
	long page = pg->height > 1 ? pg->height - 1 : 1;
	switch (request) {
	case UIREQ_QUIT:
	case UIREQ_CANCEL:
	case UIREQ_PAGER: return false;
	case UIREQ_UP: scroll_by(pg, -1); break;
	case UIREQ_DOWN:
	case UIREQ_ENTER: scroll_by(pg, 1); break;
	case UIREQ_PAGE_UP: scroll_by(pg, -page); break;
	case UIREQ_PAGE_DOWN: scroll_by(pg, page); break;
	case UIREQ_HOME: pg->offset = 0; break;
	case UIREQ_END: scroll_by(pg, (long)pg->lines.count); break;
	case UIREQ_SEARCH: prompt_line(&ui->prompt, "/", "", HISTORY_SEARCH, on_search, 0); break;
	case UIREQ_SEARCH_NEXT: search_step(ui, pg, true); break;
	case UIREQ_SEARCH_PREV: search_step(ui, pg, false); break;
	case UIREQ_RAW_TOGGLE: preview_view_toggle_raw(ui); break;
	case UIREQ_OPEN_PAGER: ui_action_external(ui, EXTERNAL_PAGER); break;
	case UIREQ_EDIT: ui_action_external(ui, EXTERNAL_EDITOR); break;
	case UIREQ_PIPE: ui_action_external(ui, EXTERNAL_PIPE); break;
	default: break;
	}
	return true;
}

static void pager_wheel(ui_t *ui, view_t *view, int delta)
{
	scroll_by(view->private, delta);
}

const view_ops_t pager_view_ops = {
    .name = N_("Pager"),
    .private_size = sizeof(pager_t),
    .close = pager_close,
    .draw = pager_draw,
    .request = pager_request,
    .wheel = pager_wheel,
};
