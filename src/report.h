/* report.h: how a session ended, told the same way by both front ends:
 * what was saved where, and for deletions one of three truths: nothing
 * was deleted (QUIT never sent), deleted and confirmed (+OK to QUIT), or
 * uncertain (QUIT sent, not confirmed: check the server). */
#ifndef POPSCOPE_REPORT_H
#define POPSCOPE_REPORT_H

#include <stdio.h>

#include "mailbox.h"

typedef enum {
	OUTCOME_NOTHING_DELETED,
	OUTCOME_DELETED,
	OUTCOME_UNCERTAIN,
} report_outcome_t;

report_outcome_t report_outcome(const mailbox_t *mailbox);

/* report_saved_line / report_deleted_lines: the machine-readable lines,
 * never translated: "saved N UIDL PATH OCTETS" (UIDL "-" when none),
 * "deleted N UIDL" for each deletion the server confirmed, "uncertain N
 * UIDL" for each one QUIT left unconfirmed. */
void report_saved_line(const mailbox_save_t *save, FILE *out);
void report_deleted_lines(const mailbox_t *mailbox, FILE *out);

/* report_outcome_text: one translated sentence on the deletions; why is
 * the connection's failure, if any (may be NULL). Caller frees. */
char *report_outcome_text(const mailbox_t *mailbox, const char *why);

/* report_summary: the saves, the deletions described, and the outcome
 * sentence, for a person (the full-screen view prints it after the
 * screen closed). */
void report_summary(const mailbox_t *mailbox, const char *why, FILE *out);

#endif
