#include <config.h>

#include "ui/views.h"

#include <stdlib.h>

#include "ui/draw.h"
#include "util/gettext.h"

static draw_role_t role_for(trace_kind_t kind)
{
	switch (kind) {
	case TRACE_SEND: return ROLE_SEND;
	case TRACE_RECV: return ROLE_RECV;
	case TRACE_TLS: return ROLE_TLS;
	case TRACE_WARN: return ROLE_WARN;
	case TRACE_ERROR: return ROLE_ERROR;
	case TRACE_SUMMARY: return ROLE_DIM;
	default: return ROLE_NORMAL;
	}
}

static void log_draw(ui_t *ui, view_t *view, int y, int x, int h, int w)
{
	size_t count = trace_count(ui->trace);
	view->height = h;
	view->line_count = count;
	if (view->follow || view->offset + (size_t)h > count)
		view->offset = count > (size_t)h ? count - (size_t)h : 0;
	for (int i = 0; i < h; i++) {
		size_t index = view->offset + (size_t)i;
		if (index >= count)
			break;
		const trace_event_t *event = trace_get(ui->trace, index);
		if (!event)
			continue;
		char *line = trace_format(event);
		draw_text(y + i, x, w, line, role_for(event->kind), false);
		free(line);
	}
}

static void scroll_by(view_t *view, long delta)
{
	long max = (long)view->line_count - view->height;
	long target = (long)view->offset + delta;
	if (target >= max) {
		target = max;
		view->follow = true;
	} else {
		view->follow = false;
	}
	if (target < 0)
		target = 0;
	view->offset = (size_t)target;
}

static bool log_request(ui_t *ui, view_t *view, ui_request_t request)
{
	long page = view->height > 1 ? view->height - 1 : 1;
	switch (request) {
	case UIREQ_UP: scroll_by(view, -1); return true;
	case UIREQ_DOWN: scroll_by(view, 1); return true;
	case UIREQ_PAGE_UP: scroll_by(view, -page); return true;
	case UIREQ_PAGE_DOWN: scroll_by(view, page); return true;
	case UIREQ_HOME:
		view->follow = false;
		view->offset = 0;
		return true;
	case UIREQ_END: view->follow = true; return true;
	default: return false;
	}
}

static void log_scroll(ui_t *ui, view_t *view, int delta)
{
	scroll_by(view, delta);
}

const view_ops_t log_view_ops = {
    .name = N_("Protocol log"),
    .draw = log_draw,
    .request = log_request,
    .wheel = log_scroll,
};
