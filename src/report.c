/* report.c: the end-of-session report for both front ends. */
#include <config.h>

#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/gettext.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

report_outcome_t report_outcome(const mailbox_t *mailbox)
{
	if (mailbox_count_state(mailbox, MSG_DELETE_UNCERTAIN))
		return OUTCOME_UNCERTAIN;
	if (mailbox_count_state(mailbox, MSG_DELETED))
		return OUTCOME_DELETED;
	return OUTCOME_NOTHING_DELETED;
}

static char *shown(const char *text)
{
	return sanitize_display(text, strlen(text), false, false);
}

void report_saved_line(const mailbox_save_t *save, FILE *out)
{
	char *uidl = shown(save->uidl ? save->uidl : "-");
	char *path = shown(save->path);
	fprintf(out, "saved %llu %s %s %llu\n", (unsigned long long)save->number, uidl, path,
		(unsigned long long)save->octets);
	free(uidl);
	free(path);
}

void report_deleted_lines(const mailbox_t *mailbox, FILE *out)
{
	for (size_t i = 0; i < mailbox_count(mailbox); i++) {
		const mailbox_msg_t *msg = mailbox_at(mailbox, i);
		const char *word = msg->state == MSG_DELETED            ? "deleted"
				   : msg->state == MSG_DELETE_UNCERTAIN ? "uncertain"
									: NULL;
		if (!word)
			continue;
		char *uidl = shown(msg->uidl ? msg->uidl : "-");
		fprintf(out, "%s %llu %s\n", word, (unsigned long long)msg->number, uidl);
		free(uidl);
	}
}

/* numbers_in: "3, 7, 12" for the messages in a state. */
static char *numbers_in(const mailbox_t *mailbox, msg_state_t state)
{
	buf_t list;
	buf_init(&list);
	for (size_t i = 0; i < mailbox_count(mailbox); i++) {
		const mailbox_msg_t *msg = mailbox_at(mailbox, i);
		if (msg->state == state)
			buf_printf(&list, "%s%llu", list.len ? ", " : "",
				   (unsigned long long)msg->number);
	}
	char *text = xstrdup(list.data ? list.data : "");
	buf_free(&list);
	return text;
}

char *report_outcome_text(const mailbox_t *mailbox, const char *why)
{
	size_t deleted = mailbox_count_state(mailbox, MSG_DELETED);
	size_t unsure = mailbox_count_state(mailbox, MSG_DELETE_UNCERTAIN);
	char *text;
	if (unsure) {
		char *numbers = numbers_in(mailbox, MSG_DELETE_UNCERTAIN);
		text = xasprintf(ngettext("QUIT was sent but not confirmed (%s): the server may or "
					  "may not have deleted message %s; check the server "
					  "(popscope --list)",
					  "QUIT was sent but not confirmed (%s): the server may or "
					  "may not have deleted messages %s; check the server "
					  "(popscope --list)",
					  unsure),
				 why && *why ? why : _("no answer"), numbers);
		free(numbers);
	} else if (deleted) {
		text = xasprintf(ngettext("the server confirmed the deletion of %zu message",
					  "the server confirmed the deletion of %zu messages",
					  deleted),
				 deleted);
	} else if (mailbox_quit_state(mailbox) == QUIT_CONFIRMED) {
		text = xstrdup(_("nothing was deleted"));
	} else {
		text = xstrdup(_("QUIT was never sent, so the server deleted nothing"));
	}
	return text;
}

void report_summary(const mailbox_t *mailbox, const char *why, FILE *out)
{
	for (size_t i = 0; i < mailbox_save_count(mailbox); i++) {
		const mailbox_save_t *save = mailbox_save_at(mailbox, i);
		report_saved_line(save, out);
		if (save->note)
			fprintf(out, _("note: message %llu: %s\n"),
				(unsigned long long)save->number, save->note);
	}
	for (size_t i = 0; i < mailbox_count(mailbox); i++) {
		const mailbox_msg_t *msg = mailbox_at(mailbox, i);
		if (msg->state != MSG_DELETED && msg->state != MSG_DELETE_UNCERTAIN)
			continue;
		char *uidl = shown(msg->uidl ? msg->uidl : "-");
		char *from = shown(mailbox_sender(msg));
		char *subject = shown(mailbox_subject(msg));
		/* TRANSLATORS: "deleted" / "uncertain", number and UIDL stay as they are. */
		fprintf(out,
			ngettext("%s %llu %s (%llu octet, from %s, subject %s)\n",
				 "%s %llu %s (%llu octets, from %s, subject %s)\n", msg->size),
			msg->state == MSG_DELETED ? "deleted" : "uncertain",
			(unsigned long long)msg->number, uidl, (unsigned long long)msg->size, from,
			subject);
		free(uidl);
		free(from);
		free(subject);
	}
	char *text = report_outcome_text(mailbox, why);
	fprintf(out, "%s\n", text);
	free(text);
}
