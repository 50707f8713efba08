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
	if (parse_u64_str(ui->jump, UINT64_MAX, &number) &&
	    session_row_of(ui->session, number, &row))
		list_view_select_row(ui, row);
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
