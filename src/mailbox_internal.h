/* mailbox_internal.h: the mailbox's fields, for mailbox.c and gate.c only. */
#ifndef POPSCOPE_MAILBOX_INTERNAL_H
#define POPSCOPE_MAILBOX_INTERNAL_H

#include "mailbox.h"
#include "util/ordset.h"
#include "util/strpool.h"

struct mailbox {
	unsigned connection;
	strpool_t *strings; /* the rows' UIDLs, header summaries and keys */
	bool online;
	bool listed;
	bool identified;
	mailbox_quit_t quit;
	uint64_t big; /* the MAILBOX_PROBLEM_BIG threshold, 0 for none */

	mailbox_msg_t *msgs; /* this connection's rows, in number order */
	size_t count;
	unsigned long keys_epoch; /* mailbox_keys_epoch */
	size_t headers_known;
	uint64_t octets;                /* the rows' LIST sizes, summed */
	size_t state_count[MSG_STATES]; /* rows by state (gate.c keeps it) */
	ordset_t *by_from, *by_subject; /* row indices (mailbox_keep_order), or NULL */
	mailbox_msg_t *previous;        /* the last connection's rows, until UIDL is taken */
	size_t previous_count;

	mailbox_save_t *saves; /* the ledger */
	size_t save_count;
	mailbox_deletion_t *deletions; /* deletions whose end is known */
	size_t deletion_count;
};

/* mailbox_summary_of: a copy of a row's header summary (free with
 * mailbox_summary_clear). */
mailbox_summary_t mailbox_summary_of(const mailbox_msg_t *msg);
void mailbox_summary_clear(mailbox_summary_t *summary);
/* mailbox_record_deletion: the end of msg's deletion (see mailbox_deletion_t). */
void mailbox_record_deletion(mailbox_t *mailbox, const mailbox_msg_t *msg, msg_state_t outcome);

/* mailbox_lookup: the writable row of a message, or NULL. */
mailbox_msg_t *mailbox_lookup(const mailbox_t *mailbox, uint64_t number);
int mailbox_cmp_number(const void *a, const void *b);

#endif
