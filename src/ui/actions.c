#include <config.h>

#include "ui/views.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mime.h"
#include "ticket.h"
#include "ui/draw.h"
#include "util/gettext.h"
#include "util/numparse.h"
#include "util/sanitize.h"
#include "util/size.h"
#include "util/xalloc.h"

static const mailbox_msg_t *need_selection(ui_t *ui)
{
	const mailbox_msg_t *msg = list_view_selected(ui);
	if (!msg)
		ui_message(ui, true, "%s", _("No message selected."));
	return msg;
}

static char *default_dir(ui_t *ui)
{
	return xstrdup(ui->save_dir ? ui->save_dir : ".");
}

/* stamped_path: DIR/PREFIX-YYYYMMDD-HHMMSS.txt in the save directory, a
 * new name to propose for a file written on demand. Caller frees. */
static char *stamped_path(ui_t *ui, const char *prefix)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	char *dir = default_dir(ui);
	char *path = xasprintf("%s/%s-%s.txt", dir, prefix, stamp);
	free(dir);
	return path;
}

static void split_path(const char *path, char **dir, char **name)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		*dir = xstrdup(".");
		*name = xstrdup(path);
	} else {
		*dir = slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
		*name = xstrdup(slash + 1);
	}
}

static void on_save_path(ui_t *ui, const char *answer, int key, uint64_t number)
{
	if (!answer || !*answer)
		return;
	char *err = NULL;
	int rc;
	/* "mbox:PATH" or a name ending in .mbox appends to an mbox. */
	bool mbox = strncmp(answer, "mbox:", 5) == 0;
	const char *path = mbox ? answer + 5 : answer;
	size_t len = strlen(path);
	if (len > 5 && strcmp(path + len - 5, ".mbox") == 0)
		mbox = true;
	if (mbox) {
		rc = session_save(ui->session, number, NULL, path, true, &err);
	} else {
		char *dir, *name;
		split_path(path, &dir, &name);
		if (!*name)
			rc = -1, err = xstrdup(_("no file name given"));
		else
			rc = session_save(ui->session, number, dir, name, false, &err);
		free(dir);
		free(name);
	}
	if (rc < 0)
		ui_message(ui, true, _("Cannot save: %s"), err ? err : "");
	free(err);
}

void ui_action_save(ui_t *ui)
{
	const mailbox_msg_t *msg = need_selection(ui);
	if (!msg)
		return;
	char *dir = default_dir(ui);
	char *name = session_default_name(ui->session, msg->number);
	char *initial = strcmp(dir, ".") == 0 ? xstrdup(name) : xasprintf("%s/%s", dir, name);
	char *question = xasprintf(_("Save message %llu to (mbox:PATH appends): "),
				   (unsigned long long)msg->number);
	prompt_line(&ui->prompt, question, initial, HISTORY_PATH, on_save_path, msg->number);
	free(question);
	free(initial);
	free(name);
	free(dir);
}

static void on_delete_answer(ui_t *ui, const char *answer, int key, uint64_t number)
{
	if (key != 'y') {
		ui_message(ui, false, "%s", _("Not deleted."));
		return;
	}
	char *err = NULL;
	if (session_delete(ui->session, number, &err) < 0)
		ui_message(ui, true, "%s", err);
	free(err);
}

static void add_detail(ui_t *ui, const char *label, const char *value)
{
	/* TRANSLATORS: a label and its value, as in "From: alice@example.org". */
	char *line = xasprintf(_("%s: %s"), label, value ? value : "");
	prompt_add_line(&ui->prompt, line);
	free(line);
}

void ui_action_delete(ui_t *ui)
{
	const mailbox_msg_t *msg = need_selection(ui);
	if (!msg)
		return;
	char *why = NULL;
	if (!session_may_delete(ui->session, msg->number, &why)) {
		ui_message(ui, true, _("Refused: %s"), why);
		trace_emitf(ui->trace, TRACE_WARN, "DELE %llu refused: %s",
			    (unsigned long long)msg->number, why);
		free(why);
		return;
	}
	char *question = xasprintf(_("Delete message %llu from the server at quit? [y/N]"),
				   (unsigned long long)msg->number);
	prompt_dialog(&ui->prompt, question, "yn", 'n', on_delete_answer, msg->number);
	free(question);
	char size[16], octets[32];
	size_format(msg->size, size, sizeof size);
	snprintf(octets, sizeof octets,
		 /* TRANSLATORS: a size for people, then the exact count. */
		 ngettext("%s (%llu octet)", "%s (%llu octets)", msg->size), size,
		 (unsigned long long)msg->size);
	add_detail(ui, _("Size"), octets);
	add_detail(ui, _("From"), mailbox_sender(msg));
	add_detail(ui, _("Subject"), mailbox_subject(msg));
	add_detail(ui, _("Saved to"), msg->saved_path);
}

static void on_size_answer(ui_t *ui, const char *answer, int key, uint64_t number)
{
	char *err = NULL;
	if (session_answer_size(ui->session, number, key == 'y', &err) < 0)
		ui_message(ui, true, _("Not saved: %s"), err ? err : "");
	free(err);
}

/* size_dialog: the second confirmation of a save whose size LIST counted
 * with one octet a line end: both sizes, the line count and the
 * explanation; default No. */
static void size_dialog(ui_t *ui, const session_size_question_t *question)
{
	unsigned long long n = (unsigned long long)question->number;
	const mailbox_msg_t *msg = session_by_number(ui->session, question->number);
	char *text =
	    xasprintf(_("Keep message %llu as it arrived? Its size is not LIST's. [y/N]"), n);
	prompt_dialog(&ui->prompt, text, "yn", 'n', on_size_answer, question->number);
	free(text);
	add_detail(ui, _("From"), msg ? mailbox_sender(msg) : "");
	add_detail(ui, _("Subject"), msg ? mailbox_subject(msg) : "");
	unsigned long long listed = (unsigned long long)question->listed;
	text = xasprintf(ngettext("%llu octet", "%llu octets", listed), listed);
	add_detail(ui, _("LIST size"), text);
	free(text);
	text =
	    xasprintf(ngettext("%llu octets in %llu line", "%llu octets in %llu lines",
			       (unsigned long)question->lines),
		      (unsigned long long)question->received, (unsigned long long)question->lines);
	add_detail(ui, _("Received"), text);
	free(text);
	prompt_add_line(&ui->prompt, "");
	prompt_add_line(&ui->prompt, question->note);
	prompt_add_line(&ui->prompt, "");
	prompt_add_line(&ui->prompt,
			_("y: save these octets as they arrived; the save counts as "
			  "verified, so the message can then be deleted. n: discard them, "
			  "nothing is saved."));
}

void ui_ask_size(ui_t *ui)
{
	const session_size_question_t *question = session_size_question(ui->session);
	if (ui->prompt.kind == PROMPT_DIALOG && ui->prompt.done == on_size_answer) {
		/* The question went away with the connection: so does its dialog. */
		if (!question || question->number != ui->prompt.arg) {
			prompt_clear(&ui->prompt);
			ui->kick = true;
		}
		return;
	}
	if (!question || ui->quitting || prompt_active(&ui->prompt))
		return;
	size_dialog(ui, question);
	ui->kick = true;
}

static void on_undo_answer(ui_t *ui, const char *answer, int key, uint64_t arg)
{
	if (key != 'y')
		return;
	char *err = NULL;
	if (session_undelete_all(ui->session, &err) < 0)
		ui_message(ui, true, "%s", err);
	free(err);
}

void ui_action_undo(ui_t *ui)
{
	size_t pending = session_pending_count(ui->session);
	char *question =
	    xasprintf(_("Send RSET? It restores EVERY pending deletion (%zu). [y/N]"), pending);
	prompt_dialog(&ui->prompt, question, "yn", 'n', on_undo_answer, 0);
	free(question);
}

static void on_command(ui_t *ui, const char *answer, int key, uint64_t arg)
{
	if (!answer)
		return;
	char *err = NULL;
	switch (session_raw(ui->session, answer, &err)) {
	case SESSION_RAW_QUIT: quit_begin(ui); break;
	case SESSION_RAW_REFUSED: ui_message(ui, true, _("Not sent: %s"), err ? err : ""); break;
	default: break;
	}
	free(err);
}

void ui_action_command(ui_t *ui)
{
	prompt_line(&ui->prompt, "POP3> ", "", HISTORY_COMMAND, on_command, 0);
}

static void on_part_path(ui_t *ui, const char *answer, int key, uint64_t index)
{
	if (!answer || !*answer)
		return;
	char *dir, *name, *path = NULL, *err = NULL;
	split_path(answer, &dir, &name);
	if (session_save_part(ui->session, (size_t)index, dir, name, &path, &err) == 0)
		ui_message(ui, false, _("Part %llu saved to %s"), (unsigned long long)index, path);
	else
		ui_message(ui, true, _("Cannot save the part: %s"), err ? err : "");
	free(dir);
	free(name);
	free(path);
	free(err);
}

static void on_part_number(ui_t *ui, const char *answer, int key, uint64_t arg)
{
	const session_preview_t *p = session_get_preview(ui->session);
	uint64_t index;
	if (!answer || !p->mime)
		return;
	if (!parse_u64_str(answer, mime_part_count(p->mime), &index) ||
	    index >= mime_part_count(p->mime)) {
		ui_message(ui, true, "%s", _("No such part."));
		return;
	}
	const mime_part_info_t *part = mime_part(p->mime, (size_t)index);
	char *name = part->filename ? sanitize_filename(part->filename, 120)
				    : xasprintf("part-%llu-%llu.bin", (unsigned long long)p->number,
						(unsigned long long)index);
	char *dir = default_dir(ui);
	char *initial = strcmp(dir, ".") == 0 ? xstrdup(name) : xasprintf("%s/%s", dir, name);
	prompt_line(&ui->prompt, _("Save the part to: "), initial, HISTORY_PATH, on_part_path,
		    index);
	free(initial);
	free(dir);
	free(name);
}

void ui_action_save_part(ui_t *ui)
{
	const session_preview_t *p = session_get_preview(ui->session);
	if (p->state != PREVIEW_READY || !p->mime) {
		ui_message(ui, true, "%s", _("No parsed message in the preview."));
		return;
	}
	char initial[24] = "";
	for (size_t i = 0; i < mime_part_count(p->mime); i++) {
		if (mime_part(p->mime, i)->is_attachment) {
			snprintf(initial, sizeof initial, "%zu", i);
			break;
		}
	}
	prompt_line(&ui->prompt, _("Save which part (number in [ ]): "), initial, HISTORY_PATH,
		    on_part_number, 0);
}

void ui_action_fetch(ui_t *ui)
{
	const mailbox_msg_t *msg = need_selection(ui);
	if (!msg)
		return;
	const char *tmp = getenv("TMPDIR");
	char *err = NULL;
	if (session_fetch(ui->session, msg->number, tmp && *tmp ? tmp : "/tmp", &err) < 0)
		ui_message(ui, true, _("Cannot fetch: %s"), err);
	free(err);
}

static void on_log_path(ui_t *ui, const char *answer, int key, uint64_t arg)
{
	if (!answer || !*answer)
		return;
	char *err = NULL;
	if (trace_save(ui->trace, answer, &err) == 0)
		ui_message(ui, false, _("Protocol log written to %s"), answer);
	else
		ui_message(ui, true, _("Cannot write the log: %s"), err ? err : "");
	free(err);
}

void ui_action_write_log(ui_t *ui)
{
	char *initial = stamped_path(ui, "popscope-log");
	prompt_line(&ui->prompt, _("Write the protocol log to: "), initial, HISTORY_PATH,
		    on_log_path, 0);
	free(initial);
}

int ui_write_report(ui_t *ui, const char *path, const char *problem, char **errstr)
{
	ticket_t ticket = ticket_of(ui->config, NULL);
	ticket.tls = ui->tls;
	ticket.mailbox = session_mailbox(ui->session);
	ticket.problem = problem ? problem : session_end_reason(ui->session);
	return ticket_write(path, &ticket, errstr);
}

static void on_report_path(ui_t *ui, const char *answer, int key, uint64_t arg)
{
	if (!answer || !*answer)
		return;
	char *err = NULL;
	if (ui_write_report(ui, answer, NULL, &err) == 0)
		ui_message(ui, false, _("Report written to %s"), answer);
	else
		ui_message(ui, true, "%s", err);
	free(err);
}

void ui_action_write_report(ui_t *ui)
{
	char *initial = stamped_path(ui, "popscope-report");
	prompt_line(&ui->prompt, _("Write the report to: "), initial, HISTORY_PATH, on_report_path,
		    0);
	free(initial);
}
