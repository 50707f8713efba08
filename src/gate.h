/* gate.h: the save-before-delete state machine. Every change of a
 * message's save/delete state happens in gate.c, through one function per
 * transition, each checking its preconditions; read that one file to audit
 * when DELE can be sent. Both front ends (session.c and cli/save.c) call
 * these and send DELE only when gate_delete_begin said yes.
 *
 *   LISTED --save_begin--> SAVING --save_verified--> SAVED
 *                          SAVING --save_failed--> LISTED (or SAVED, if saved before)
 *                          SAVING --save_cancelled--> LISTED (or SAVED, if saved before)
 *   SAVED --delete_begin--> DELETE_SENT --delete_answered(+OK)--> DELETE_PENDING
 *                           DELETE_SENT --delete_answered(-ERR)--> SAVED
 *   DELETE_PENDING --rset_confirmed--> SAVED
 *   DELETE_PENDING --quit_answered(+OK)--> DELETED
 *   DELETE_PENDING --quit_answered(-ERR), quit_failed(written) or
 *                    connection_lost after QUIT--> DELETE_UNCERTAIN
 *   DELETE_SENT, DELETE_PENDING --connection_lost before QUIT--> SAVED (nothing deleted)
 *
 * DELE needs: state SAVED with a verified file; the UIDL well formed and
 * unique on this connection (UIDL_OK); the connection online, QUIT not
 * sent. A save made on an earlier connection counts (gate_carry_over) only
 * for a message with the same UIDL and the same LIST size, its UIDL unique
 * then and now. */
#ifndef POPSCOPE_GATE_H
#define POPSCOPE_GATE_H

#include <stdbool.h>
#include <stdint.h>

#include "mailbox.h"

/* gate_save_begin: a RETR into a file is about to be sent. Returns 0, or
 * -1 with *why (translated; caller frees): no such message, not listed yet,
 * being saved, or marked for deletion. */
int gate_save_begin(mailbox_t *mailbox, uint64_t number, char **why);
/* gate_save_verified: store_commit accepted every check for the file at
 * path (octets on disk; sha256 of them read back, or NULL or "" when not
 * computed). Records the save in the ledger, with note when the size
 * differed from LIST's in a way accepted (mailbox_judge_size). */
void gate_save_verified(mailbox_t *mailbox, uint64_t number, const char *path, uint64_t octets,
			const char *sha256, const char *note);
/* gate_save_failed: the save was refused or cut (why: translated);
 * size_mismatch when RETR delivered other than LIST said. */
void gate_save_failed(mailbox_t *mailbox, uint64_t number, const char *why, bool size_mismatch);
/* gate_save_cancelled: the user gave the save up (its file is already
 * removed): back to the state before gate_save_begin, with no error. */
void gate_save_cancelled(mailbox_t *mailbox, uint64_t number);

/* gate_may_delete: whether DELE number may be sent now; *why when not
 * (translated; caller frees). */
bool gate_may_delete(const mailbox_t *mailbox, uint64_t number, char **why);
/* gate_delete_begin: gate_may_delete, then the message is DELETE_SENT.
 * The caller sends DELE only when this returns 0. */
int gate_delete_begin(mailbox_t *mailbox, uint64_t number, char **why);
/* gate_delete_answered: the server's answer to DELE (ok: +OK); why is the
 * failure when not ok (the deletion ledger keeps it as not carried out). */
void gate_delete_answered(mailbox_t *mailbox, uint64_t number, bool ok, const char *why);
/* gate_rset_confirmed: RSET +OK: every pending deletion is undone. Returns
 * how many. */
size_t gate_rset_confirmed(mailbox_t *mailbox);

/* gate_quit_sent: QUIT is on its way; nothing more is sent after it. */
void gate_quit_sent(mailbox_t *mailbox);
/* gate_quit_answered: +OK (ok) commits the pending deletions; -ERR
 * leaves them uncertain (RFC 1939: some may not have been removed). */
void gate_quit_answered(mailbox_t *mailbox, bool ok);
/* gate_quit_failed: QUIT got no answer: written (it may have reached the
 * server) leaves the pending deletions uncertain; not written means the
 * server deleted nothing. */
void gate_quit_failed(mailbox_t *mailbox, bool written);
/* gate_connection_lost: the link is gone. Before QUIT, nothing was
 * deleted (returns the pending deletions dropped); after QUIT was sent and
 * before its answer, pending deletions become uncertain. Deletions whose
 * end is known this way or by QUIT's answer go into the model's deletion
 * ledger (mailbox_deletion_at); RSET's do not. */
size_t gate_connection_lost(mailbox_t *mailbox);

/* gate_carry_over: on a new connection, once UIDL is known: a save from
 * the ledger counts for a message with the same UIDL and size, unique
 * then and now; other near matches get a note saying why not. Called by
 * mailbox_take_uidl. */
void gate_carry_over(mailbox_t *mailbox);

#endif
