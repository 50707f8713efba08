#include <config.h>

#include "ui/views.h"

#include <stdio.h>
#include <stdlib.h>

#include "ui/draw.h"
#include "util/gettext.h"
#include "util/size.h"
#include "util/xalloc.h"

#define QUIT_LIST_MAX 12

static void on_quit_answer(ui_t *ui, const char *answer, int key, uint64_t arg)
{
	if (key == 'c') {
		session_quit(ui->session, true);
		ui->quitting = true;
	} else if (key == 'r') {
		session_quit(ui->session, false);
		ui->quitting = true;
	} else {
		ui_message(ui, false, "%s", _("Quit cancelled."));
	}
}

void quit_begin(ui_t *ui)
{
	session_t *s = ui->session;
	if (session_state(s) != SESSION_READY) {
		/* No connection: closing deletes nothing. */
		ui->running = false;
		return;
	}
	size_t pending = session_pending_count(s);
	if (!pending) {
		session_quit(s, true);
		ui->quitting = true;
		return;
	}
	char *question =
	    xasprintf(ngettext("%zu message will be DELETED from the server at quit:",
			       "%zu messages will be DELETED from the server at quit:", pending),
		      pending);
	prompt_dialog(&ui->prompt, question, "cra", 'a', on_quit_answer, 0);
	free(question);
	size_t shown = 0;
	for (size_t row = 0; row < session_count(s); row++) {
		const mailbox_msg_t *msg = session_row(s, row);
		if (msg->state != MSG_DELETE_PENDING && msg->state != MSG_DELETE_SENT)
			continue;
		if (shown == QUIT_LIST_MAX) {
			prompt_add_line(&ui->prompt, "...");
			break;
		}
		char size[16];
		size_format(msg->size, size, sizeof size);
		char *line = xasprintf("%llu  %s  %s  %s", (unsigned long long)msg->number, size,
				       mailbox_sender(msg), mailbox_subject(msg));
		prompt_add_line(&ui->prompt, line);
		free(line);
		shown++;
	}
	prompt_add_line(&ui->prompt, "");
	prompt_add_line(&ui->prompt, _("c: commit (delete them) and quit"));
	prompt_add_line(&ui->prompt, _("r: RSET (keep them all) and quit"));
	prompt_add_line(&ui->prompt, _("a or Esc: cancel, stay"));
}

void quit_summary(ui_t *ui, FILE *out)
{
	session_print_summary(ui->session, out);
	bool is_error;
	const char *status = session_status(ui->session, &is_error);
	if (is_error && *status)
		fprintf(out, "%s\n", status);
}
