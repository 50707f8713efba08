#include <config.h>

#include "ui/views.h"

#include <stdio.h>
#include <time.h>

#include "ui/draw.h"
#include "util/gettext.h"
#include "util/xalloc.h"

static void flags_text(const session_msg_t *msg, char out[5])
{
	bool pending = msg->flags & (MSG_DELETE_PENDING | MSG_DELETE_SENT);
	out[0] = (msg->flags & MSG_DELETED) ? 'x' : pending ? 'D' : ' ';
	out[1] = (msg->flags & MSG_SAVING) ? '~' : (msg->flags & MSG_SAVED) ? 'S' : ' ';
	out[2] = (msg->flags & MSG_SIZE_MISMATCH) ? '!' : ' ';
	out[3] = (msg->flags & MSG_ERROR) ? 'E' : ' ';
	out[4] = '\0';
}

static void date_text(long long date, char *out, size_t len)
{
	if (!date) {
		out[0] = '\0';
		return;
	}
	time_t t = (time_t)date;
	struct tm tm;
	if (!localtime_r(&t, &tm) || !strftime(out, len, "%Y-%m-%d %H:%M", &tm))
		out[0] = '\0';
}

/* Column widths for a pane width: flags, number, size, date, from, subject. */
typedef struct {
	int flags, number, size, date, from, subject;
} columns_t;

static columns_t columns_for(int w)
{
	columns_t c = {4, 6, 6, 16, 22, 0};
	w--; /* the cursor column */
	if (w < 90)
		c.from = 16;
	if (w < 70)
		c.date = 0;
	int used = c.flags + c.number + c.size + c.date + c.from + 5;
	c.subject = w - used;
	if (c.subject < 10) {
		c.from = c.from - (10 - c.subject);
		if (c.from < 6)
			c.from = 6;
		c.subject = w - (c.flags + c.number + c.size + c.date + c.from + 5);
	}
	return c;
}

static void draw_row(ui_t *ui, const session_msg_t *msg, int y, int x, int w, bool selected)
{
	draw_role_t role = selected ? ROLE_SELECTED : ROLE_NORMAL;
	columns_t c = columns_for(w);
	char buf[64];
	draw_fill(y, x, w, role);
	int col = x;
	flags_text(msg, buf);
	/* The cursor is visible without color or reverse video too (and in screen dumps). */
	draw_text(y, col, 1, selected ? ">" : " ", role, false);
	col++;
	draw_text(y, col, c.flags, buf, selected ? role : ROLE_FLAG, false);
	col += c.flags;
	snprintf(buf, sizeof buf, "%*llu", c.number, (unsigned long long)msg->number);
	draw_text(y, col, c.number, buf, role, false);
	col += c.number + 1;
	char size[16];
	draw_size(msg->size, size, sizeof size);
	snprintf(buf, sizeof buf, "%*s", c.size, size);
	draw_text(y, col, c.size, buf, role, false);
	col += c.size + 1;
	if (c.date) {
		date_text(msg->date, buf, sizeof buf);
		draw_text(y, col, c.date, buf, role, false);
		col += c.date + 1;
	}
	if (msg->flags & MSG_HEADERS) {
		draw_text(y, col, c.from, msg->from, role, false);
		col += c.from + 1;
		draw_text(y, col, c.subject, msg->subject, role, false);
	} else {
		draw_text(y, col, c.from, "...", selected ? role : ROLE_DIM, false);
	}
}

static void clamp_offset(view_t *view, size_t count)
{
	size_t h = view->height > 0 ? (size_t)view->height : 1;
	if (view->selected >= count)
		view->selected = count ? count - 1 : 0;
	if (view->selected < view->offset)
		view->offset = view->selected;
	if (view->selected >= view->offset + h)
		view->offset = view->selected - h + 1;
	if (count <= h)
		view->offset = 0;
	else if (view->offset > count - h)
		view->offset = count - h;
}

void list_view_follow_selection(ui_t *ui)
{
	view_t *view = &ui->views[PANE_LIST];
	size_t row;
	if (view->selected_number && session_row_of(ui->session, view->selected_number, &row))
		view->selected = row;
	clamp_offset(view, session_count(ui->session));
}

static void list_draw(ui_t *ui, view_t *view, int y, int x, int h, int w)
{
	session_t *s = ui->session;
	size_t count = session_count(s);
	view->height = h - 1;
	list_view_follow_selection(ui);
	columns_t c = columns_for(w);
	/* Column headings. */
	char head[256];
	const char *arrow = session_sort_reverse(s) ? "v" : "^";
	session_sort_t key = session_sort_key(s);
	snprintf(head, sizeof head, " %-*s%*s%s %*s%s %-*s%s %-*s%s %s%s", c.flags, "",
		 c.number - 1, _("No"), key == SESSION_SORT_NUMBER ? arrow : " ", c.size - 1,
		 _("Size"), key == SESSION_SORT_SIZE ? arrow : " ", c.date ? c.date - 1 : 0,
		 c.date ? _("Date") : "", c.date ? (key == SESSION_SORT_DATE ? arrow : " ") : "",
		 c.from - 1, _("From"), key == SESSION_SORT_FROM ? arrow : " ", _("Subject"),
		 key == SESSION_SORT_SUBJECT ? arrow : "");
	draw_text(y, x, w, head, ROLE_DIM, true);
	if (!count) {
		draw_text(y + 1, x + 1, w - 1,
			  session_state(s) == SESSION_READY ? _("(the mailbox is empty)")
							    : _("(no messages listed yet)"),
			  ROLE_DIM, true);
		return;
	}
	for (int i = 0; i < h - 1; i++) {
		size_t row = view->offset + (size_t)i;
		const session_msg_t *msg = session_row(s, row);
		if (!msg)
			break;
		draw_row(ui, msg, y + 1 + i, x, w, row == view->selected);
	}
	session_want_rows(s, view->offset, (size_t)(h - 1));
}

static void move_selection(ui_t *ui, view_t *view, long delta)
{
	size_t count = session_count(ui->session);
	if (!count)
		return;
	long target = (long)view->selected + delta;
	if (target < 0)
		target = 0;
	if ((size_t)target >= count)
		target = (long)count - 1;
	ui_select_row(ui, (size_t)target);
}

static bool list_request(ui_t *ui, view_t *view, ui_request_t request)
{
	long page = view->height > 1 ? view->height - 1 : 1;
	switch (request) {
	case UIREQ_UP: move_selection(ui, view, -1); return true;
	case UIREQ_DOWN: move_selection(ui, view, 1); return true;
	case UIREQ_PAGE_UP: move_selection(ui, view, -page); return true;
	case UIREQ_PAGE_DOWN: move_selection(ui, view, page); return true;
	case UIREQ_HOME: ui_select_row(ui, 0); return true;
	case UIREQ_END:
		if (session_count(ui->session))
			ui_select_row(ui, session_count(ui->session) - 1);
		return true;
	default: return false;
	}
}

static void list_click(ui_t *ui, view_t *view, int line)
{
	if (line < 1)
		return; /* the column headings */
	size_t row = view->offset + (size_t)(line - 1);
	if (row < session_count(ui->session))
		ui_select_row(ui, row);
}

static void list_scroll(ui_t *ui, view_t *view, int delta)
{
	move_selection(ui, view, delta);
}

const view_ops_t list_view_ops = {
    .name = N_("Messages"),
    .draw = list_draw,
    .request = list_request,
    .click = list_click,
    .wheel = list_scroll,
};
