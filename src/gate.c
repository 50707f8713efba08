/* gate.c: every change of a message's save/delete state (see gate.h). */
#include <config.h>

#include "gate.h"

#include <stdlib.h>
#include <string.h>

#include "mailbox_internal.h"
#include "util/gettext.h"
#include "util/xalloc.h"

static void set_text(char **field, const char *text)
{
	free(*field);
	*field = text ? xstrdup(text) : NULL;
}

/* set_state: the one place a row's state is written (the mailbox counts
 * rows by state). */
static void set_state(mailbox_t *mailbox, mailbox_msg_t *msg, msg_state_t state)
{
	mailbox->state_count[msg->state]--;
	mailbox->state_count[state]++;
	msg->state = state;
}

static mailbox_msg_t *existing(const mailbox_t *mailbox, uint64_t number, char **why)
{
	mailbox_msg_t *msg = mailbox->listed ? mailbox_lookup(mailbox, number) : NULL;
	if (!msg && why)
		*why = xasprintf(_("there is no message %llu"), (unsigned long long)number);
	return msg;
}

int gate_save_begin(mailbox_t *mailbox, uint64_t number, char **why)
{
	mailbox_msg_t *msg = existing(mailbox, number, why);
	if (!msg)
		return -1;
	if (!mailbox->identified || !mailbox_online(mailbox)) {
		*why = xstrdup(_("not connected"));
		return -1;
	}
	if (msg->state == MSG_SAVING) {
		*why =
		    xasprintf(_("message %llu is being saved already"), (unsigned long long)number);
		return -1;
	}
	if (msg->state != MSG_LISTED && msg->state != MSG_SAVED) {
		*why =
		    xasprintf(_("message %llu is marked for deletion"), (unsigned long long)number);
		return -1;
	}
	set_state(mailbox, msg, MSG_SAVING);
	set_text(&msg->error, NULL);
	return 0;
}

void gate_save_verified(mailbox_t *mailbox, uint64_t number, const char *path, uint64_t octets,
			const char *sha256, const char *note)
{
	mailbox_msg_t *msg = existing(mailbox, number, NULL);
	if (!msg || msg->state != MSG_SAVING)
		return;
	set_state(mailbox, msg, MSG_SAVED);
	mailbox->keys_epoch += msg->size_mismatch;
	msg->size_mismatch = false;
	msg->save_carried = false;
	set_text(&msg->saved_path, path);
	set_text(&msg->note, NULL);
	mailbox->saves =
	    xreallocarray(mailbox->saves, mailbox->save_count + 1, sizeof *mailbox->saves);
	mailbox_save_t *save = &mailbox->saves[mailbox->save_count++];
	save->number = msg->number;
	save->connection = mailbox->connection;
	save->uidl = msg->uidl_status == UIDL_OK ? xstrdup(msg->uidl) : NULL;
	save->size = msg->size;
	save->path = xstrdup(path);
	save->octets = octets;
	save->note = note ? xstrdup(note) : NULL;
	save->sha256 = sha256 && *sha256 ? xstrdup(sha256) : NULL;
	save->summary = mailbox_summary_of(msg);
}

void gate_save_failed(mailbox_t *mailbox, uint64_t number, const char *why, bool size_mismatch)
{
	mailbox_msg_t *msg = existing(mailbox, number, NULL);
	if (!msg || msg->state != MSG_SAVING)
		return;
	set_state(mailbox, msg, msg->saved_path ? MSG_SAVED : MSG_LISTED);
	mailbox->keys_epoch += msg->size_mismatch != size_mismatch;
	msg->size_mismatch = size_mismatch;
	set_text(&msg->error, why);
}

void gate_save_cancelled(mailbox_t *mailbox, uint64_t number)
{
	mailbox_msg_t *msg = existing(mailbox, number, NULL);
	if (!msg || msg->state != MSG_SAVING)
		return;
	set_state(mailbox, msg, msg->saved_path ? MSG_SAVED : MSG_LISTED);
}

bool gate_may_delete(const mailbox_t *mailbox, uint64_t number, char **why)
{
	const mailbox_msg_t *msg = existing(mailbox, number, why);
	if (!msg)
		return false;
	unsigned long long n = (unsigned long long)number;
	if (msg->state == MSG_DELETE_SENT || msg->state == MSG_DELETE_PENDING) {
		*why = xasprintf(_("message %llu is already marked for deletion"), n);
		return false;
	}
	if (msg->state != MSG_SAVED || !msg->saved_path) {
		*why = msg->note
			   ? xasprintf(_("message %llu has no verified save: %s"), n, msg->note)
			   : xasprintf(_("message %llu has not been saved in this session: "
					 "save it first"),
				       n);
		return false;
	}
	switch (msg->uidl_status) {
	case UIDL_OK: break;
	case UIDL_UNKNOWN:
		*why = xasprintf(_("the UIDL of message %llu is not known yet"), n);
		return false;
	case UIDL_MISSING:
		*why = xasprintf(_("message %llu has no UIDL, so popscope cannot be sure the "
				   "saved copy is this message; not deleted"),
				 n);
		return false;
	case UIDL_DUPLICATE:
		*why = xasprintf(_("message %llu shares its UIDL with another message, so "
				   "popscope cannot be sure which one was saved; not deleted"),
				 n);
		return false;
	case UIDL_MALFORMED:
		*why =
		    xasprintf(_("the server's UIDL for message %llu is malformed; not deleted"), n);
		return false;
	}
	if (!mailbox_online(mailbox)) {
		*why = xstrdup(_("not connected"));
		return false;
	}
	return true;
}

int gate_delete_begin(mailbox_t *mailbox, uint64_t number, char **why)
{
	if (!gate_may_delete(mailbox, number, why))
		return -1;
	set_state(mailbox, mailbox_lookup(mailbox, number), MSG_DELETE_SENT);
	return 0;
}

void gate_delete_answered(mailbox_t *mailbox, uint64_t number, bool ok, const char *why)
{
	mailbox_msg_t *msg = existing(mailbox, number, NULL);
	if (!msg || msg->state != MSG_DELETE_SENT)
		return;
	set_state(mailbox, msg, ok ? MSG_DELETE_PENDING : MSG_SAVED);
	if (!ok) {
		set_text(&msg->error, why);
		mailbox_record_deletion(mailbox, msg, MSG_SAVED);
	}
}

/* undo_pending: DELE that the server will never carry out; returns how
 * many. dropped: the connection ends before QUIT, and the deletion ledger
 * keeps them (the user's RSET leaves no record). */
static size_t undo_pending(mailbox_t *mailbox, bool dropped)
{
	size_t undone = 0;
	for (size_t i = 0; i < mailbox->count; i++) {
		mailbox_msg_t *msg = &mailbox->msgs[i];
		if (msg->state == MSG_DELETE_SENT || msg->state == MSG_DELETE_PENDING) {
			set_state(mailbox, msg, MSG_SAVED);
			if (dropped)
				mailbox_record_deletion(mailbox, msg, MSG_SAVED);
			undone++;
		}
	}
	return undone;
}

size_t gate_rset_confirmed(mailbox_t *mailbox)
{
	if (mailbox->quit != QUIT_NOT_SENT)
		return 0;
	return undo_pending(mailbox, false);
}

void gate_quit_sent(mailbox_t *mailbox)
{
	if (mailbox->quit == QUIT_NOT_SENT)
		mailbox->quit = QUIT_SENT;
}

/* settle: QUIT's outcome for every deletion the server accepted, kept in
 * the deletion ledger. */
static void settle(mailbox_t *mailbox, msg_state_t outcome)
{
	for (size_t i = 0; i < mailbox->count; i++)
		if (mailbox->msgs[i].state == MSG_DELETE_PENDING ||
		    mailbox->msgs[i].state == MSG_DELETE_SENT) {
			set_state(mailbox, &mailbox->msgs[i], outcome);
			mailbox_record_deletion(mailbox, &mailbox->msgs[i], outcome);
		}
}

void gate_quit_answered(mailbox_t *mailbox, bool ok)
{
	if (mailbox->quit != QUIT_SENT)
		return;
	mailbox->quit = ok ? QUIT_CONFIRMED : QUIT_FAILED;
	mailbox->online = false;
	settle(mailbox, ok ? MSG_DELETED : MSG_DELETE_UNCERTAIN);
}

void gate_quit_failed(mailbox_t *mailbox, bool written)
{
	if (mailbox->quit != QUIT_SENT)
		return;
	if (written) {
		gate_connection_lost(mailbox);
		return;
	}
	mailbox->quit = QUIT_NOT_SENT;
	gate_connection_lost(mailbox);
}

size_t gate_connection_lost(mailbox_t *mailbox)
{
	mailbox->online = false;
	for (size_t i = 0; i < mailbox->count; i++)
		if (mailbox->msgs[i].state == MSG_SAVING)
			set_state(mailbox, &mailbox->msgs[i],
				  mailbox->msgs[i].saved_path ? MSG_SAVED : MSG_LISTED);
	if (mailbox->quit == QUIT_SENT) {
		mailbox->quit = QUIT_FAILED;
		size_t unsure = mailbox_count_state(mailbox, MSG_DELETE_PENDING) +
				mailbox_count_state(mailbox, MSG_DELETE_SENT);
		settle(mailbox, MSG_DELETE_UNCERTAIN);
		return unsure;
	}
	if (mailbox->quit != QUIT_NOT_SENT)
		return 0;
	return undo_pending(mailbox, true);
}

/* ledger_match: the ledger's verdict on one message of a new connection:
 * the save that counts for it, or NULL with *note when a save of the same
 * UIDL exists but does not count. */
static const mailbox_save_t *ledger_match(const mailbox_t *mailbox, const mailbox_msg_t *msg,
					  char **note)
{
	const mailbox_save_t *near = NULL;
	for (size_t i = mailbox->save_count; i-- > 0;) {
		const mailbox_save_t *save = &mailbox->saves[i];
		if (save->connection == mailbox->connection || !save->uidl || !msg->uidl ||
		    strcmp(save->uidl, msg->uidl) != 0)
			continue;
		if (msg->uidl_status == UIDL_OK && save->size == msg->size)
			return save;
		near = save;
	}
	if (!near)
		return NULL;
	if (msg->uidl_status != UIDL_OK)
		*note = xstrdup(_("its UIDL is not unique on this connection, so the earlier save "
				  "of that UIDL may be another message"));
	else
		*note = xasprintf(ngettext("the earlier save of this UIDL had %llu octet, the "
					   "server now lists %llu: not the same message",
					   "the earlier save of this UIDL had %llu octets, the "
					   "server now lists %llu: not the same message",
					   near->size),
				  (unsigned long long)near->size, (unsigned long long)msg->size);
	return NULL;
}

void gate_carry_over(mailbox_t *mailbox)
{
	for (size_t i = 0; i < mailbox->count; i++) {
		mailbox_msg_t *msg = &mailbox->msgs[i];
		if (msg->state != MSG_LISTED)
			continue;
		char *note = NULL;
		const mailbox_save_t *save = ledger_match(mailbox, msg, &note);
		if (save) {
			set_state(mailbox, msg, MSG_SAVED);
			msg->save_carried = true;
			set_text(&msg->saved_path, save->path);
		}
		free(msg->note);
		msg->note = note;
	}
}
