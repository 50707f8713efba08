#include <config.h>

#include "ui/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/draw.h"
#include "util/gettext.h"
#include "util/xalloc.h"

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

/* A place in the log: an event (its index in the ring) and, when lines
 * wrap, a screen row of it. */
typedef struct {
	size_t index;
	long row;
} log_pos_t;

/* The log's own state. Events are remembered by trace_dropped() + index,
 * which stays theirs while the ring lets older events go. */
typedef struct {
	int height, width;                          /* at the last draw */
	unsigned long long top;                     /* the first event shown */
	long top_row;                               /* its rows above the pane, when lines wrap */
	bool follow;                                /* stay at the end */
	bool wrap;                                  /* W: long lines wrap instead of being cut */
	bool brief;                                 /* F: commands and status lines only */
	int hscroll;                                /* columns cut on the left (no wrap) */
	int longest;                                /* the widest line shown at the last draw */
	unsigned long long shown_first, shown_last; /* events on screen at the last draw */
	bool shown_any;
	bool marked;             /* a search match is highlighted */
	unsigned long long mark; /* which */
	char *search;            /* the last search */
} log_t;

static log_t *log_of(ui_t *ui)
{
	return ui->views[PANE_LOG].private;
}

static void log_open(ui_t *ui, view_t *view)
{
	log_t *log = view->private;
	log->follow = true;
}

static void log_close(ui_t *ui, view_t *view)
{
	log_t *log = view->private;
	free(log->search);
}

static void log_header(ui_t *ui, view_t *view, char *out, size_t size)
{
	log_t *log = view->private;
	int n = snprintf(out, size, " %s", _(view->ops->name));
	if (n >= 0 && (size_t)n < size && log->brief)
		n += snprintf(out + n, size - (size_t)n, " [%s]", _("no bodies"));
	if (n >= 0 && (size_t)n < size && log->wrap)
		n += snprintf(out + n, size - (size_t)n, " [%s]", _("wrap"));
	if (n >= 0 && (size_t)n < size && !log->wrap && log->hscroll)
		/* TRANSLATORS: the log pane's header: its first column shown. */
		n += snprintf(out + n, size - (size_t)n, _(" [column %d]"), log->hscroll + 1);
	if (n >= 0 && (size_t)n < size && !log->follow)
		snprintf(out + n, size - (size_t)n, "%s", _(" (scrolled; End follows)"));
}

static bool shown(const log_t *log, const trace_event_t *event)
{
	return !log->brief || trace_is_brief(event->kind);
}

/* rows_of: the screen rows an event takes: one, or more when lines wrap. */
static long rows_of(const log_t *log, const trace_event_t *event)
{
	if (!log->wrap || log->width < 1)
		return 1;
	char *line = trace_format(event, TRACE_TIME_CLOCK);
	size_t len = strlen(line), at = 0;
	long rows = 0;
	do {
		at += draw_fit(line + at, len - at, log->width);
		rows++;
	} while (at < len);
	free(line);
	return rows;
}

/* next_shown / prev_shown: the nearest event shown from index on (or back). */
static bool next_shown(ui_t *ui, const log_t *log, size_t *index)
{
	size_t count = trace_count(ui->trace);
	for (size_t i = *index; i < count; i++)
		if (shown(log, trace_get(ui->trace, i))) {
			*index = i;
			return true;
		}
	return false;
}

static bool prev_shown(ui_t *ui, const log_t *log, size_t *index)
{
	for (size_t i = *index + 1; i-- > 0;)
		if (shown(log, trace_get(ui->trace, i))) {
			*index = i;
			return true;
		}
	return false;
}

/* bottom: where the top is when the last event shown ends the pane. */
static log_pos_t bottom(ui_t *ui, const log_t *log)
{
	log_pos_t pos = {0, 0};
	size_t count = trace_count(ui->trace);
	long need = log->height > 0 ? log->height : 1;
	size_t index = count;
	while (need > 0 && index > 0) {
		index--;
		if (!prev_shown(ui, log, &index))
			break;
		long rows = rows_of(log, trace_get(ui->trace, index));
		pos.index = index;
		pos.row = rows > need ? rows - need : 0;
		need -= rows;
	}
	return pos;
}

static bool before(log_pos_t a, log_pos_t b)
{
	return a.index < b.index || (a.index == b.index && a.row < b.row);
}

/* top: the first place shown, as kept (an event let go or hidden moves it on). */
static log_pos_t top(ui_t *ui, const log_t *log)
{
	if (log->follow)
		return bottom(ui, log);
	unsigned long long dropped = trace_dropped(ui->trace);
	log_pos_t pos = {0, 0};
	if (log->top >= dropped) {
		pos.index = (size_t)(log->top - dropped);
		pos.row = log->top_row;
	}
	size_t index = pos.index;
	if (!next_shown(ui, log, &index))
		return bottom(ui, log);
	if (index != pos.index)
		pos.row = 0;
	pos.index = index;
	return pos;
}

static void set_top(ui_t *ui, log_t *log, log_pos_t pos)
{
	log->top = trace_dropped(ui->trace) + pos.index;
	log->top_row = pos.row;
}

/* scroll_by: delta screen rows; reaching the end follows again. */
static void scroll_by(ui_t *ui, log_t *log, long delta)
{
	log_pos_t pos = top(ui, log);
	log_pos_t end = bottom(ui, log);
	while (delta < 0) {
		if (pos.row > 0) {
			long step = -delta < pos.row ? -delta : pos.row;
			pos.row -= step;
			delta += step;
			continue;
		}
		if (pos.index == 0)
			break;
		size_t index = pos.index - 1;
		if (!prev_shown(ui, log, &index))
			break;
		pos.index = index;
		pos.row = rows_of(log, trace_get(ui->trace, index)) - 1;
		delta++;
	}
	while (delta > 0 && before(pos, end)) {
		long rows = rows_of(log, trace_get(ui->trace, pos.index));
		if (pos.row + 1 < rows) {
			pos.row++;
		} else {
			size_t index = pos.index + 1;
			if (!next_shown(ui, log, &index))
				break;
			pos.index = index;
			pos.row = 0;
		}
		delta--;
	}
	log->follow = !before(pos, end);
	set_top(ui, log, log->follow ? end : pos);
}

/* draw_cut: one event's line without wrapping: hscroll columns cut on the
 * left, a marker where the line goes on past either edge. */
static void draw_cut(ui_t *ui, log_t *log, const char *line, int y, int x, int w, draw_role_t role)
{
	const char *left = ui->ascii ? "<" : "\u00ab", *right = ui->ascii ? ">" : "\u00bb";
	size_t len = strlen(line), skip = 0;
	int width = draw_width(line);
	if (width > log->longest)
		log->longest = width;
	if (log->hscroll > 0 && w > 2) {
		skip = draw_fit(line, len, log->hscroll);
		if (skip >= len) {
			draw_fill(y, x, w, role);
			draw_text(y, x, 1, left, ROLE_FLAG, false);
			return;
		}
		draw_text(y, x, 1, left, ROLE_FLAG, false);
		x++;
		w--;
	}
	const char *rest = line + skip;
	size_t rest_len = len - skip;
	if (draw_width(rest) > w && w > 1) {
		size_t fits = draw_fit(rest, rest_len, w - 1);
		int used = draw_text_len(y, x, w - 1, rest, fits, role, role == ROLE_SELECTED);
		draw_text(y, x + used, 1, right, ROLE_FLAG, false);
		return;
	}
	draw_text_len(y, x, w, rest, rest_len, role, role == ROLE_SELECTED);
}

/* draw_wrapped: one event's rows from row first on, at most h of them.
 * Returns the rows drawn. */
static int draw_wrapped(const char *line, long first, int y, int x, int w, int h, draw_role_t role)
{
	size_t len = strlen(line), at = 0;
	int drawn = 0;
	for (long row = 0; drawn < h; row++) {
		size_t n = draw_fit(line + at, len - at, w);
		if (row >= first)
			draw_text_len(y + drawn++, x, w, line + at, n, role, role == ROLE_SELECTED);
		at += n;
		if (at >= len)
			break;
	}
	return drawn;
}

static void log_draw(ui_t *ui, view_t *view, int y, int x, int h, int w)
{
	log_t *log = view->private;
	log->height = h;
	log->width = w;
	log->longest = 0;
	log->shown_any = false;
	log_pos_t pos = top(ui, log);
	if (!log->follow && !before(pos, bottom(ui, log)))
		log->follow = true;
	set_top(ui, log, pos);
	unsigned long long dropped = trace_dropped(ui->trace);
	size_t count = trace_count(ui->trace), index = pos.index;
	int line_y = 0;
	long first_row = pos.row;
	while (line_y < h && next_shown(ui, log, &index)) {
		const trace_event_t *event = trace_get(ui->trace, index);
		char *line = trace_format(event, TRACE_TIME_CLOCK);
		bool is_mark = log->marked && log->mark == dropped + index;
		draw_role_t role = is_mark ? ROLE_SELECTED : role_for(event->kind);
		if (log->wrap) {
			line_y += draw_wrapped(line, first_row, y + line_y, x, w, h - line_y, role);
		} else {
			draw_cut(ui, log, line, y + line_y, x, w, role);
			line_y++;
		}
		free(line);
		if (!log->shown_any)
			log->shown_first = dropped + index;
		log->shown_any = true;
		log->shown_last = dropped + index;
		first_row = 0;
		if (++index >= count)
			break;
	}
}

/* hscroll_by: Left and Right without wrapping, by half the pane. */
static void hscroll_by(ui_t *ui, log_t *log, int direction)
{
	if (log->wrap) {
		ui_message(ui, true, "%s",
			   _("The log's lines wrap: W cuts them, then Left and Right scroll"));
		return;
	}
	int step = log->width > 3 ? log->width / 2 : 1;
	int most = log->longest > log->width ? log->longest - log->width / 2 : 0;
	int to = log->hscroll + direction * step;
	if (to > most)
		to = most;
	log->hscroll = to > 0 ? to : 0;
}

/* show_match: highlight the event found and put it on the screen. */
static void show_match(ui_t *ui, log_t *log, size_t index)
{
	unsigned long long id = trace_dropped(ui->trace) + index;
	log->marked = true;
	log->mark = id;
	if (log->shown_any && id >= log->shown_first && id < log->shown_last) {
		log->follow = false;
		return;
	}
	log->follow = false;
	set_top(ui, log, (log_pos_t){index, 0});
}

static void search_step(ui_t *ui, log_t *log, bool forward)
{
	if (!log->search) {
		ui_message(ui, true, "%s", _("No search yet: press /"));
		return;
	}
	unsigned long long dropped = trace_dropped(ui->trace);
	size_t count = trace_count(ui->trace), from;
	if (log->marked && log->mark >= dropped && log->mark - dropped < count) {
		from = (size_t)(log->mark - dropped);
	} else {
		/* From the top of the pane, that line included. */
		log_pos_t pos = top(ui, log);
		from = forward ? (pos.index ? pos.index - 1 : count) : pos.index;
	}
	size_t found;
	if (trace_find(ui->trace, log->search, from, forward, log->brief, &found))
		show_match(ui, log, found);
	else
		ui_message(ui, true, _("Not found: %s"), log->search);
}

static void on_search(ui_t *ui, const char *answer, int key, uint64_t arg)
{
	if (!answer || !*answer)
		return;
	log_t *log = log_of(ui);
	free(log->search);
	log->search = xstrdup(answer);
	log->marked = false;
	search_step(ui, log, true);
}

static void toggle(ui_t *ui, log_t *log, ui_request_t request)
{
	/* The event at the top stays there. */
	log_pos_t pos = top(ui, log);
	pos.row = 0;
	if (request == UIREQ_LOG_WRAP) {
		log->wrap = !log->wrap;
		log->hscroll = 0;
		ui_message(ui, false, "%s",
			   log->wrap ? _("Log: long lines wrap")
				     : _("Log: long lines are cut (Left, Right scroll)"));
	} else {
		log->brief = !log->brief;
		ui_message(ui, false, "%s",
			   log->brief ? _("Log: commands and status lines only")
				      : _("Log: everything, bodies too"));
	}
	if (!log->follow)
		set_top(ui, log, pos);
}

static bool log_request(ui_t *ui, view_t *view, ui_request_t request)
{
	log_t *log = view->private;
	long page = log->height > 1 ? log->height - 1 : 1;
	switch (request) {
	case UIREQ_UP: scroll_by(ui, log, -1); return true;
	case UIREQ_DOWN: scroll_by(ui, log, 1); return true;
	case UIREQ_PAGE_UP: scroll_by(ui, log, -page); return true;
	case UIREQ_PAGE_DOWN: scroll_by(ui, log, page); return true;
	case UIREQ_HALF_PAGE_UP: scroll_by(ui, log, -(page + 1) / 2); return true;
	case UIREQ_HALF_PAGE_DOWN: scroll_by(ui, log, (page + 1) / 2); return true;
	case UIREQ_HOME:
		log->follow = false;
		log->top = trace_dropped(ui->trace);
		log->top_row = 0;
		return true;
	case UIREQ_END: log->follow = true; return true;
	case UIREQ_LEFT: hscroll_by(ui, log, -1); return true;
	case UIREQ_RIGHT: hscroll_by(ui, log, 1); return true;
	case UIREQ_LOG_WRAP:
	case UIREQ_LOG_BRIEF: toggle(ui, log, request); return true;
	case UIREQ_SEARCH:
		prompt_line(&ui->prompt, "/", "", HISTORY_SEARCH, on_search, 0);
		return true;
	case UIREQ_SEARCH_NEXT: search_step(ui, log, true); return true;
	case UIREQ_SEARCH_PREV: search_step(ui, log, false); return true;
	default: return false;
	}
}

static void log_scroll(ui_t *ui, view_t *view, int delta)
{
	scroll_by(ui, view->private, delta);
}

const view_ops_t log_view_ops = {
    .name = N_("Protocol log"),
    .no_action = N_("%s: no action in the log pane"),
    .private_size = sizeof(log_t),
    .open = log_open,
    .close = log_close,
    .header = log_header,
    .draw = log_draw,
    .request = log_request,
    .wheel = log_scroll,
};
