#include <config.h>

#include "ui/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui/draw.h"
#include "util/gettext.h"
#include "util/size.h"
#include "util/xalloc.h"

static void flags_text(const mailbox_msg_t *msg, char out[5])
{
	bool pending = msg->state == MSG_DELETE_PENDING || msg->state == MSG_DELETE_SENT;
	out[0] = msg->state == MSG_DELETED            ? 'x'
		 : msg->state == MSG_DELETE_UNCERTAIN ? '?'
		 : pending                            ? 'D'
						      : ' ';
	out[1] = msg->state == MSG_SAVING ? '~' : msg->saved_path ? 'S' : ' ';
	out[2] = msg->uidl_status > UIDL_OK ? 'U' : ' ';
	out[3] = msg->error || msg->note ? 'E' : ' ';
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

/* problems_text: "!" and how many problems ("!3"), or with room the
 * first code ("!no-date+1"); blank for none. */
static void problems_text(const mailbox_msg_t *msg, int width, char *out, size_t size)
{
	unsigned problems = mailbox_problems(msg);
	int count = __builtin_popcount(problems);
	out[0] = '\0';
	if (!count)
		return;
	const char *code = "";
	mailbox_problem_at(mailbox_problem_rank(problems), &code, NULL);
	int n = snprintf(out, size, "!%s", code);
	if (n > width)
		snprintf(out, size, count > 9 ? "!+" : "!%d", count);
	else if (count > 1 && n + 2 <= width)
		snprintf(out + n, size - (size_t)n, "+%d", count - 1);
}

/* Column widths for a pane width: flags, problems, number, size, date,
 * from, subject. */
typedef struct {
	int flags, problems, number, size, date, from, subject;
} columns_t;

static columns_t columns_for(int w)
{
	columns_t c = {4, 2, 6, 7, 16, 36, 0};
	w--; /* the cursor column */
	if (w >= 150)
		c.problems = 16;
	if (w < 110)
		c.from = 26;
	if (w < 90)
		c.from = 16;
	if (w < 76) /* the problem column's two cells: a subject keeps 18 at 72 */
		c.from = 14;
	if (w < 70)
		c.date = 0;
	int fixed = c.flags + c.problems + c.number + c.size + c.date + 5;
	c.subject = w - fixed - c.from;
	if (c.subject < 10) {
		c.from = c.from - (10 - c.subject);
		if (c.from < 6)
			c.from = 6;
		c.subject = w - fixed - c.from;
	}
	return c;
}

/* draw_sender: the name and the address when both fit the column, else
 * the address (the name when there is none). */
static void draw_sender(const mailbox_msg_t *msg, int y, int x, int width, draw_role_t role)
{
	const char *address = msg->from_address && *msg->from_address ? msg->from_address : NULL;
	if (!address || !msg->from || strcmp(msg->from, address) == 0 ||
	    strchr(msg->from, '<')) { /* a name with an '@' comes with its address */
		draw_text(y, x, width, msg->from ? msg->from : address, role, false);
		return;
	}
	char *both = xasprintf("%s <%s>", msg->from, address);
	draw_text(y, x, width, draw_width(both) <= width ? both : address, role, false);
	free(both);
}

static void draw_row(ui_t *ui, const mailbox_msg_t *msg, int y, int x, int w, bool selected)
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
	problems_text(msg, c.problems, buf, sizeof buf);
	draw_text(y, col, c.problems, buf, selected ? role : ROLE_WARN, false);
	col += c.problems;
	snprintf(buf, sizeof buf, "%*llu", c.number, (unsigned long long)msg->number);
	draw_text(y, col, c.number, buf, role, false);
	col += c.number + 1;
	char size[16];
	size_format(msg->size, size, sizeof size);
	snprintf(buf, sizeof buf, "%*s", c.size, size);
	draw_text(y, col, c.size, buf, role, false);
	col += c.size + 1;
	if (c.date) {
		date_text(msg->date, buf, sizeof buf);
		draw_text(y, col, c.date, buf, role, false);
		col += c.date + 1;
	}
	if (msg->headers) {
		draw_sender(msg, y, col, c.from, role);
		col += c.from + 1;
		draw_text(y, col, c.subject, msg->subject, role, false);
	} else {
		draw_text(y, col, c.from, "...", selected ? role : ROLE_DIM, false);
	}
}

/* The list's own state. */
typedef struct {
	int height;      /* rows at the last draw */
	size_t offset;   /* first row shown */
	size_t selected; /* the selected row */
	uint64_t selected_number;
} list_t;

static list_t *list_of(ui_t *ui)
{
	return ui->views[PANE_LIST].private;
}

const mailbox_msg_t *list_view_selected(ui_t *ui)
{
	return session_row(ui->session, list_of(ui)->selected);
}

size_t list_view_selected_row(ui_t *ui)
{
	return list_of(ui)->selected;
}

void list_view_select_row(ui_t *ui, size_t row)
{
	list_t *list = list_of(ui);
	const mailbox_msg_t *msg = session_row(ui->session, row);
	if (!msg)
		return;
	list->selected = row;
	list->selected_number = msg->number;
	preview_view_follow(ui, msg->number);
}

static void clamp_offset(list_t *list, size_t count)
{
	size_t h = list->height > 0 ? (size_t)list->height : 1;
	if (list->selected >= count)
		list->selected = count ? count - 1 : 0;
	if (list->selected < list->offset)
		list->offset = list->selected;
	if (list->selected >= list->offset + h)
		list->offset = list->selected - h + 1;
	if (count <= h)
		list->offset = 0;
	else if (list->offset > count - h)
		list->offset = count - h;
}

/* follow_selection: the selected message may have moved (sorting, a new
 * listing after reconnect): find its row again. */
static void follow_selection(ui_t *ui, list_t *list)
{
	size_t row;
	if (list->selected_number && session_row_of(ui->session, list->selected_number, &row))
		list->selected = row;
	clamp_offset(list, session_count(ui->session));
}

static void list_header(ui_t *ui, view_t *view, char *out, size_t size)
{
	int n = snprintf(out, size, " %s", _(view->ops->name));
	const char *pattern = session_limit_pattern(ui->session);
	/* The limit first: it must show on a narrow screen. */
	if (pattern && n > 0 && (size_t)n < size)
		/* TRANSLATORS: messages shown / all, then the limit pattern. */
		n +=
		    snprintf(out + n, size - (size_t)n, _(" %zu/%zu, limit %s"),
			     session_count(ui->session), session_total_count(ui->session), pattern);
	if (n > 0 && (size_t)n < size)
		snprintf(out + n, size - (size_t)n,
			 session_sort_reverse(ui->session)
			     /* TRANSLATORS: %s is a sort key: number, size, date, ... */
			     ? _(" (sorted by %s, reversed)")
			     : _(" (sorted by %s)"),
			 session_sort_name(session_sort_key(ui->session)));
}

/* heading: a column's heading in width cells at (y, x), then the sort
 * arrow in the column's last cell; numbers' headings are right-aligned. */
static void heading(int y, int x, int width, const char *label, const char *arrow, bool right)
{
	if (width < 2)
		return;
	int room = width - 1;
	int used = draw_width(label);
	if (used > room)
		used = room;
	draw_text(y, right ? x + room - used : x, used, label, ROLE_DIM, false);
	draw_text(y, x + room, 1, arrow, ROLE_DIM, false);
}

static void list_draw(ui_t *ui, view_t *view, int y, int x, int h, int w)
{
	list_t *list = view->private;
	session_t *s = ui->session;
	size_t count = session_count(s);
	list->height = h - 1;
	follow_selection(ui, list);
	columns_t c = columns_for(w);
	/* Column headings, each in its column: a translated word is measured
	 * in display cells, never in bytes. */
	const char *arrow = session_sort_reverse(s) ? "v" : "^";
	session_sort_t key = session_sort_key(s);
	draw_fill(y, x, w, ROLE_DIM);
	int col = x + 1 + c.flags;
	draw_text(y, col, c.problems,
		  key == SESSION_SORT_PROBLEMS ? (session_sort_reverse(s) ? "!v" : "!^") : "!",
		  ROLE_DIM, false);
	col += c.problems;
	heading(y, col, c.number, _("No"), key == SESSION_SORT_NUMBER ? arrow : "", true);
	col += c.number + 1;
	heading(y, col, c.size, _("Size"), key == SESSION_SORT_SIZE ? arrow : "", true);
	col += c.size + 1;
	if (c.date) {
		heading(y, col, c.date, _("Date"), key == SESSION_SORT_DATE ? arrow : "", false);
		col += c.date + 1;
	}
	heading(y, col, c.from, _("From"), key == SESSION_SORT_FROM ? arrow : "", false);
	col += c.from + 1;
	int used = draw_text(y, col, x + w - col, _("Subject"), ROLE_DIM, false);
	if (key == SESSION_SORT_SUBJECT)
		draw_text(y, col + used, x + w - col - used, arrow, ROLE_DIM, false);
	if (!count) {
		const char *empty = session_state(s) == SESSION_READY
					? _("(the mailbox is empty)")
					: _("(no messages listed yet)");
		if (session_total_count(s) && session_limit_pattern(s))
			empty = _("(no message matches the limit; l, then Enter: show all)");
		draw_text(y + 1, x + 1, w - 1, empty, ROLE_DIM, true);
		return;
	}
	for (int i = 0; i < h - 1; i++) {
		size_t row = list->offset + (size_t)i;
		const mailbox_msg_t *msg = session_row(s, row);
		if (!msg)
			break;
		draw_row(ui, msg, y + 1 + i, x, w, row == list->selected);
	}
	session_want_rows(s, list->offset, (size_t)(h - 1));
}

static void move_selection(ui_t *ui, list_t *list, long delta)
{
	size_t count = session_count(ui->session);
	if (!count)
		return;
	long target = (long)list->selected + delta;
	if (target < 0)
		target = 0;
	if ((size_t)target >= count)
		target = (long)count - 1;
	list_view_select_row(ui, (size_t)target);
}

/* open_selected: Enter shows the selected message now and moves to the preview. */
static void open_selected(ui_t *ui)
{
	const mailbox_msg_t *msg = list_view_selected(ui);
	if (!msg)
		return;
	preview_view_show(ui, msg->number);
	if (ui->layout.visible[PANE_PREVIEW])
		ui->layout.focus = PANE_PREVIEW;
}

static bool list_request(ui_t *ui, view_t *view, ui_request_t request)
{
	list_t *list = view->private;
	long page = list->height > 1 ? list->height - 1 : 1;
	switch (request) {
	case UIREQ_UP: move_selection(ui, list, -1); return true;
	case UIREQ_DOWN: move_selection(ui, list, 1); return true;
	case UIREQ_PAGE_UP: move_selection(ui, list, -page); return true;
	case UIREQ_PAGE_DOWN: move_selection(ui, list, page); return true;
	case UIREQ_HALF_PAGE_UP: move_selection(ui, list, -(page + 1) / 2); return true;
	case UIREQ_HALF_PAGE_DOWN: move_selection(ui, list, (page + 1) / 2); return true;
	case UIREQ_HOME: list_view_select_row(ui, 0); return true;
	case UIREQ_END:
		if (session_count(ui->session))
			list_view_select_row(ui, session_count(ui->session) - 1);
		return true;
	case UIREQ_ENTER:
	case UIREQ_RIGHT: open_selected(ui); return true;
	case UIREQ_LIMIT: ui_action_limit(ui); return true;
	default: return false;
	}
}

static void list_click(ui_t *ui, view_t *view, int line)
{
	list_t *list = view->private;
	if (line < 1)
		return; /* the column headings */
	size_t row = list->offset + (size_t)(line - 1);
	if (row < session_count(ui->session))
		list_view_select_row(ui, row);
}

static void list_scroll(ui_t *ui, view_t *view, int delta)
{
	move_selection(ui, view->private, delta);
}

/* list_tick: select the first message once there is one; when the
 * selected message left the rows (the limit no longer shows it), the one
 * now in its place. */
static int list_tick(ui_t *ui, view_t *view)
{
	list_t *list = view->private;
	size_t count = session_count(ui->session), row;
	if (!count)
		return -1;
	if (!list->selected_number)
		list_view_select_row(ui, 0);
	else if (!session_row_of(ui->session, list->selected_number, &row))
		list_view_select_row(ui, list->selected < count ? list->selected : count - 1);
	return -1;
}

const view_ops_t list_view_ops = {
    .name = N_("Messages"),
    .no_action = N_("%s: no action in the message list"),
    .private_size = sizeof(list_t),
    .header = list_header,
    .draw = list_draw,
    .request = list_request,
    .click = list_click,
    .wheel = list_scroll,
    .tick = list_tick,
};
