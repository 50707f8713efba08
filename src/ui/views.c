#include <config.h>

#include "ui/views.h"

#include <stdlib.h>

#include "util/xalloc.h"

/* The view in each pane. A new pane's view is one file and one line here
 * (and a place for the pane in layout.c). */
static const view_ops_t *const pane_views[PANE_COUNT] = {
    [PANE_LIST] = &list_view_ops,
    [PANE_PREVIEW] = &preview_view_ops,
    [PANE_LOG] = &log_view_ops,
};

void view_open(ui_t *ui, view_t *view, const view_ops_t *ops)
{
	view->ops = ops;
	view->private = xcalloc(1, ops->private_size);
	if (ops->open)
		ops->open(ui, view);
}

void view_close(ui_t *ui, view_t *view)
{
	if (!view->ops)
		return;
	if (view->ops->close)
		view->ops->close(ui, view);
	free(view->private);
	view->private = NULL;
	view->ops = NULL;
}

void views_open(ui_t *ui)
{
	for (int p = 0; p < PANE_COUNT; p++)
		view_open(ui, &ui->views[p], pane_views[p]);
}

void views_close(ui_t *ui)
{
	view_close(ui, &ui->overlay);
	for (int p = 0; p < PANE_COUNT; p++)
		view_close(ui, &ui->views[p]);
}

int views_tick(ui_t *ui)
{
	int soonest = -1;
	for (int p = 0; p < PANE_COUNT; p++) {
		view_t *view = &ui->views[p];
		int want = view->ops && view->ops->tick ? view->ops->tick(ui, view) : -1;
		if (want >= 0 && (soonest < 0 || want < soonest))
			soonest = want;
	}
	return soonest;
}
