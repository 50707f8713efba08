#include <config.h>

#include "ui/views.h"

#include <stdio.h>
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

/* The log's own state. */
typedef struct {
	int height;        /* lines at the last draw */
	size_t offset;     /* first event shown */
	size_t line_count; /* events at the last draw */
	bool follow;       /* stay at the end */
} log_t;

static void log_open(ui_t *ui, view_t *view)
{
	log_t *log = view->private;
	log->follow = true;
}

static void log_header(ui_t *ui, view_t *view, char *out, size_t size)
{
	log_t *log = view->private;
	snprintf(out, size, " %s%s", _(view->ops->name),
		 log->follow ? "" : _(" (scrolled; End follows)"));
}

static void log_draw(ui_t *ui, view_t *view, int y, int x, int h, int w)
{
	log_t *log = view->private;
	size_t count = trace_count(ui->trace);
	log->height = h;
	log->line_count = count;
	if (log->follow || log->offset + (size_t)h > count)
		log->offset = count > (size_t)h ? count - (size_t)h : 0;
	for (int i = 0; i < h; i++) {
		size_t index = log->offset + (size_t)i;
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

static void scroll_by(log_t *log, long delta)
{
	long max = (long)log->line_count - log->height;
	long target = (long)log->offset + delta;
	if (target >= max) {
		target = max;
		log->follow = true;
	} else {
		log->follow = false;
	}
	if (target < 0)
		target = 0;
	log->offset = (size_t)target;
}

static bool log_request(ui_t *ui, view_t *view, ui_request_t request)
{
	log_t *log = view->private;
	long page = log->height > 1 ? log->height - 1 : 1;
	switch (request) {
	case UIREQ_UP: scroll_by(log, -1); return true;
	case UIREQ_DOWN: scroll_by(log, 1); return true;
	case UIREQ_PAGE_UP: scroll_by(log, -page); return true;
	case UIREQ_PAGE_DOWN: scroll_by(log, page); return true;
	case UIREQ_HOME:
		log->follow = false;
		log->offset = 0;
		return true;
	case UIREQ_END: log->follow = true; return true;
	default: return false;
	}
}

static void log_scroll(ui_t *ui, view_t *view, int delta)
{
	scroll_by(view->private, delta);
}

const view_ops_t log_view_ops = {
    .name = N_("Protocol log"),
    .private_size = sizeof(log_t),
    .open = log_open,
    .header = log_header,
    .draw = log_draw,
    .request = log_request,
    .wheel = log_scroll,
};
