/* tally.h: where a mailbox's space goes: its messages counted and summed
 * by sender or by month, the largest group first, each with the limit
 * pattern (limit.h) that narrows the list to it. Pure: reads the mailbox
 * model only; the summary view (ui/summary_view.c) draws it. */
#ifndef POPSCOPE_TALLY_H
#define POPSCOPE_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "mailbox.h"

typedef enum {
	TALLY_BY_SENDER, /* the address, else the display name */
	TALLY_BY_MONTH,  /* YYYY-MM of the date, local time */
} tally_by_t;

typedef struct {
	char *label;   /* what to show (not sanitized), or a translated placeholder:
			* "(headers not loaded)", "(no sender)", "(no date)" */
	char *pattern; /* the limit showing this group, or NULL when none can */
	size_t count;
	uint64_t octets;
} tally_group_t;

typedef struct {
	tally_group_t *groups; /* the most octets first, then the most messages */
	size_t count;
	size_t messages;
	uint64_t octets;
} tally_t;

/* tally_build: every message of the mailbox, grouped. Messages whose
 * headers are not known yet make one group, "(headers not loaded)", whose
 * pattern is ~F noheaders. */
tally_t *tally_build(const mailbox_t *mailbox, tally_by_t by);
void tally_free(tally_t *tally);

#endif
