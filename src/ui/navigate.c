#include <config.h>

#include "ui/views.h"

#include <stdlib.h>

#include "util/gettext.h"
#include "util/numparse.h"
#include "util/xalloc.h"

void ui_action_search_step(ui_t *ui, bool forward)
{
	size_t row;
	if (!ui->search) {
		ui_message(ui, true, "%s", _("No search yet: press /"));
		return;
	}
	if (session_search(ui->session, ui->search, list_view_selected_row(ui), forward, &row))
		list_view_select_row(ui, row);
	else if (session_limit_pattern(ui->session))
		ui_message(ui, true, _("Not found among the messages the limit shows: %s"),
			   ui->search);
	else
		ui_message(ui, true, _("Not found: %s"), ui->search);
}

static void on_search(ui_t *ui, const char *answer, int key, uint64_t arg)
{
	if (!answer || !*answer)
		return;
	free(ui->search);
	ui->search = xstrdup(answer);
	ui_action_search_step(ui, true);
}

void ui_action_search(ui_t *ui)
{
	prompt_line(&ui->prompt, "/", "", HISTORY_SEARCH, on_search, 0);
}

void ui_action_jump(ui_t *ui)
{
	uint64_t number;
	size_t row;
	ui->jump[ui->jump_len] = '\0';
	bool known = parse_u64_str(ui->jump, UINT64_MAX, &number);
	if (known && session_row_of(ui->session, number, &row))
		list_view_select_row(ui, row);
	else if (known && session_by_number(ui->session, number))
		ui_message(ui, true,
			   _("Message %s is hidden by the limit (l, then Enter: show all)"),
			   ui->jump);
	else
		ui_message(ui, true, _("No message %s"), ui->jump);
	ui->jump_len = 0;
}

void ui_action_sort_next(ui_t *ui)
{
	session_sort(ui->session,
		     (session_sort_t)((session_sort_key(ui->session) + 1) % SESSION_SORT_COUNT),
		     session_sort_reverse(ui->session));
	ui_message(ui, false, _("Sorted by %s"), session_sort_name(session_sort_key(ui->session)));
}

void ui_action_sort_reverse(ui_t *ui)
{
	session_sort(ui->session, session_sort_key(ui->session),
		     !session_sort_reverse(ui->session));
}

void ui_action_sort_problems(ui_t *ui)
{
	session_sort(ui->session, SESSION_SORT_PROBLEMS, false);
	list_view_select_row(ui, 0);
	ui_message(ui, false, "%s", _("Sorted by problems, the worst first"));
}

void ui_action_sort_biggest(ui_t *ui)
{
	session_sort(ui->session, SESSION_SORT_SIZE, true);
	list_view_select_row(ui, 0);
	ui_message(ui, false, "%s", _("Sorted by size, biggest first"));
}

bool ui_apply_limit(ui_t *ui, const char *pattern)
{
	char *err = NULL;
	const mailbox_msg_t *selected = list_view_selected(ui);
	uint64_t number = selected ? selected->number : 0;
	size_t row;
	if (session_limit(ui->session, pattern, &err) < 0) {
		ui_message(ui, true, _("Limit unchanged: %s"), err);
		free(err);
		return false;
	}
	/* The selection stays on its message when the limit shows it. */
	if (session_row_of(ui->session, number, &row))
		list_view_select_row(ui, row);
	else
		list_view_select_row(ui, 0);
	size_t shown = session_count(ui->session), total = session_total_count(ui->session);
	if (!session_limit_pattern(ui->session))
		ui_message(ui, false,
			   ngettext("No limit: all %zu message shown",
				    "No limit: all %zu messages shown", total),
			   total);
	else
		/* TRANSLATORS: messages shown of all messages, then the pattern. */
		ui_message(ui, false,
			   ngettext("Limit: %zu of %zu message: %s",
				    "Limit: %zu of %zu messages: %s", total),
			   shown, total, session_limit_pattern(ui->session));
	return true;
}

static void on_limit(ui_t *ui, const char *answer, int key, uint64_t arg)
{
	if (answer)
		ui_apply_limit(ui, answer);
}

void ui_action_limit(ui_t *ui)
{
	prompt_line(&ui->prompt, _("Limit (empty: all): "), "", HISTORY_LIMIT, on_limit, 0);
}
