/* summary_view.c: the mailbox summary (M), a full-screen overlay: size
 * and count by sender or by month (session/tally.h) as bar charts, the
 * largest first. Tab switches the chart, Enter narrows the list to the
 * selected bar (its limit pattern) and closes the summary; q or Esc close
 * it. Every message of the mailbox counts, whatever limit is in force. */
#include <config.h>

#include "ui/views.h"

#include <stdio.h>
#include <string.h>

#include "session/tally.h"
#include "ui/draw.h"
#include "util/gettext.h"
#include "util/size.h"
#include "util/xalloc.h"

/* The summary's own state. */
typedef struct {
	tally_by_t by;
	tally_t *tally;
	unsigned long serial; /* the session's serial the tally was built at */
	size_t selected;
	size_t offset;
	int height; /* bar lines at the last draw */
	const char *note;
} summary_t;

/* tally_now: the tally for the model as it is (headers keep arriving). */
static tally_t *tally_now(ui_t *ui, summary_t *sum)
{
	unsigned long serial = session_serial(ui->session);
	if (!sum->tally || sum->serial != serial) {
		tally_free(sum->tally);
		sum->tally = tally_build(session_mailbox(ui->session), sum->by);
		sum->serial = serial;
	}
	if (sum->selected >= sum->tally->count)
		sum->selected = sum->tally->count ? sum->tally->count - 1 : 0;
	return sum->tally;
}

static void summary_close(ui_t *ui, view_t *view)
{
	summary_t *sum = view->private;
	tally_free(sum->tally);
}

static void draw_bar_line(int y, int x, int w, const tally_group_t *group, uint64_t largest,
			  bool selected)
{
	draw_role_t role = selected ? ROLE_SELECTED : ROLE_NORMAL;
	int label_w = w >= 80 ? 32 : w * 2 / 5;
	int size_w = 8, count_w = 7; /* "999 KiB" and a blank before it */
	int bar_w = w - 1 - label_w - 1 - size_w - count_w - 1;
	draw_fill(y, x, w, role);
	draw_text(y, x, 1, selected ? ">" : " ", role, false);
	draw_text(y, x + 1, label_w, group->label, role, false);
	int col = x + 1 + label_w + 1;
	if (bar_w > 0) {
		char bar[512];
		int filled =
		    largest ? (int)((double)group->octets / (double)largest * bar_w + 0.5) : 0;
		if (filled < 1 && group->octets)
			filled = 1;
		if (bar_w > (int)sizeof bar - 1)
			bar_w = (int)sizeof bar - 1;
		if (filled > bar_w)
			filled = bar_w;
		memset(bar, '#', (size_t)filled);
		bar[filled] = '\0';
		draw_text(y, col, bar_w, bar, selected ? role : ROLE_FLAG, false);
		col += bar_w;
	}
	char size[16], text[32];
	size_format(group->octets, size, sizeof size);
	snprintf(text, sizeof text, "%*s", size_w, size);
	draw_text(y, col, size_w, text, role, false);
	snprintf(text, sizeof text, "%*zu", count_w, group->count);
	draw_text(y, col + size_w, count_w, text, role, false);
}

/* right_aligned: a heading ending at the right edge of width cells at x;
 * it keeps one blank cell on its left and is cut when it is wider. */
static void right_aligned(int y, int x, int width, const char *label)
{
	int used = draw_width(label);
	if (used > width - 1)
		used = width - 1;
	draw_text(y, x + width - used, used, label, ROLE_DIM, false);
}

static void summary_draw(ui_t *ui, view_t *view, int top, int left, int lines, int cols)
{
	summary_t *sum = view->private;
	tally_t *tally = tally_now(ui, sum);
	char text[256], total[16];
	size_format(tally->octets, total, sizeof total);
	snprintf(text, sizeof text,
		 sum->by == TALLY_BY_SENDER
		     /* TRANSLATORS: the summary's title: message count, their size. */
		     ? ngettext(" Mailbox by sender: %zu message, %s",
				" Mailbox by sender: %zu "
				"messages, %s",
				tally->messages)
		     : ngettext(" Mailbox by month: %zu message, %s",
				" Mailbox by month: %zu messages, %s", tally->messages),
		 tally->messages, total);
	draw_text(top, left, cols, text, ROLE_TITLE, true);
	/* The headings over the columns of draw_bar_line, measured in cells. */
	draw_fill(top + 1, left, cols, ROLE_DIM);
	int label_w = cols >= 80 ? 32 : cols * 2 / 5;
	draw_text(top + 1, left + 2, label_w, sum->by == TALLY_BY_SENDER ? _("Sender") : _("Month"),
		  ROLE_DIM, false);
	right_aligned(top + 1, left + cols - 1 - 7 - 8, 8, _("Size"));
	right_aligned(top + 1, left + cols - 1 - 7, 7, _("Msgs"));
	sum->height = lines - 3;
	if (sum->height < 1)
		sum->height = 1;
	if (!tally->count)
		draw_text(top + 2, left + 1, cols - 1, _("(no messages listed yet)"), ROLE_DIM,
			  true);
	if (sum->selected < sum->offset)
		sum->offset = sum->selected;
	if (sum->selected >= sum->offset + (size_t)sum->height)
		sum->offset = sum->selected - (size_t)sum->height + 1;
	uint64_t largest = tally->count ? tally->groups[0].octets : 0;
	for (int i = 0; i < sum->height && sum->offset + (size_t)i < tally->count; i++) {
		size_t g = sum->offset + (size_t)i;
		draw_bar_line(top + 2 + i, left, cols, &tally->groups[g], largest,
			      g == sum->selected);
	}
	const char *hint = sum->note ? sum->note
			   : sum->by == TALLY_BY_SENDER
			       /* TRANSLATORS: keep it short: it must fit 40 columns if it can. */
			       ? _("Tab: by month  Enter: limit  q: close")
			       : _("Tab: by sender  Enter: limit  q: close");
	draw_text(top + lines - 1, left, cols, hint, sum->note ? ROLE_ERROR : ROLE_DIM, true);
}

/* apply: the selected bar's limit; the list shows it, focused. */
static bool apply(ui_t *ui, summary_t *sum)
{
	if (!sum->tally || sum->selected >= sum->tally->count)
		return true;
	const tally_group_t *group = &sum->tally->groups[sum->selected];
	if (!group->pattern) {
		sum->note = sum->by == TALLY_BY_SENDER
				? _("No limit for messages without a sender.")
				: _("No limit for messages without a date.");
		return true;
	}
	if (!ui_apply_limit(ui, group->pattern))
		return true;
	ui->layout.focus = PANE_LIST;
	return false;
}

/* summary_request: moving keys move, Tab switches the chart; Enter applies
 * the bar and, like any key not handled here, closes the summary. */
static bool summary_request(ui_t *ui, view_t *view, ui_request_t request)
{
	summary_t *sum = view->private;
	size_t count = sum->tally ? sum->tally->count : 0;
	size_t page = sum->height > 1 ? (size_t)sum->height - 1 : 1;
	sum->note = NULL;
	switch (request) {
	case UIREQ_UP:
		if (sum->selected)
			sum->selected--;
		return true;
	case UIREQ_DOWN:
		if (sum->selected + 1 < count)
			sum->selected++;
		return true;
	case UIREQ_PAGE_UP:
		sum->selected = sum->selected > page ? sum->selected - page : 0;
		return true;
	case UIREQ_PAGE_DOWN:
		sum->selected = sum->selected + page < count ? sum->selected + page
				: count                      ? count - 1
							     : 0;
		return true;
	case UIREQ_HOME: sum->selected = 0; return true;
	case UIREQ_END: sum->selected = count ? count - 1 : 0; return true;
	case UIREQ_FOCUS_NEXT:
		sum->by = sum->by == TALLY_BY_SENDER ? TALLY_BY_MONTH : TALLY_BY_SENDER;
		tally_free(sum->tally);
		sum->tally = NULL;
		sum->selected = sum->offset = 0;
		return true;
	case UIREQ_ENTER: return apply(ui, sum);
	default: return false;
	}
}

const view_ops_t summary_view_ops = {
    .name = N_("Mailbox summary"),
    .private_size = sizeof(summary_t),
    .close = summary_close,
    .draw = summary_draw,
    .request = summary_request,
};
