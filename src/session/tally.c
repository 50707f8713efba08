/* tally.c: messages grouped by sender or month: each message gets a key,
 * the keys are sorted so that a group is a run, the runs are summed. */
#include <config.h>

#include "session/tally.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "session/limit.h"
#include "util/gettext.h"
#include "util/xalloc.h"

/* Groups that are no sender or month sort their keys apart from real ones
 * (which never start with a control byte: the key is the folded text). */
#define KEY_NOT_LOADED "\001a"
#define KEY_NONE "\001b"

typedef struct {
	char *key;
	const mailbox_msg_t *msg;
} keyed_t;

/* cmp_keyed: by key, then by number, so that a group's label comes from
 * its first message. */
static int cmp_keyed(const void *pa, const void *pb)
{
	const keyed_t *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);
	if (c)
		return c;
	return a->msg->number < b->msg->number ? -1 : a->msg->number > b->msg->number;
}

static char *month_of(long long date)
{
	time_t t = (time_t)date;
	struct tm tm;
	char out[16];
	if (!date || !localtime_r(&t, &tm) || !strftime(out, sizeof out, "%Y-%m", &tm))
		return NULL;
	return xstrdup(out);
}

static char *key_of(const mailbox_msg_t *msg, tally_by_t by)
{
	if (!msg->headers)
		return xstrdup(KEY_NOT_LOADED);
	if (by == TALLY_BY_MONTH) {
		char *month = month_of(msg->date);
		return month ? month : xstrdup(KEY_NONE);
	}
	const char *sender = msg->from_address && *msg->from_address ? msg->from_address
			     : msg->from && *msg->from               ? msg->from
								     : NULL;
	if (!sender)
		return xstrdup(KEY_NONE);
	char *key = xstrdup(sender);
	for (char *p = key; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return key;
}

/* label_and_pattern: what a group shows and the limit for it, from its
 * key and one of its messages. */
static void label_and_pattern(tally_group_t *group, const char *key, const mailbox_msg_t *msg,
			      tally_by_t by)
{
	if (strcmp(key, KEY_NOT_LOADED) == 0) {
		group->label = xstrdup(_("(headers not loaded)"));
		group->pattern = xstrdup("~F noheaders");
	} else if (strcmp(key, KEY_NONE) == 0) {
		group->label = xstrdup(by == TALLY_BY_MONTH ? _("(no date)") : _("(no sender)"));
	} else if (by == TALLY_BY_MONTH) {
		group->label = xstrdup(key);
		group->pattern = xasprintf("~d %s", key);
	} else {
		group->label = xstrdup(msg->from_address && *msg->from_address ? msg->from_address
									       : msg->from);
		char *quoted = limit_quote(group->label);
		group->pattern = xasprintf("~f =%s", quoted);
		free(quoted);
	}
}

static int cmp_groups(const void *pa, const void *pb)
{
	const tally_group_t *a = pa, *b = pb;
	if (a->octets != b->octets)
		return a->octets > b->octets ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->label, b->label);
}

tally_t *tally_build(const mailbox_t *mailbox, tally_by_t by)
{
	size_t n = mailbox_count(mailbox);
	keyed_t *keyed = xreallocarray(NULL, n ? n : 1, sizeof *keyed);
	tally_t *tally = xcalloc(1, sizeof *tally);
	for (size_t i = 0; i < n; i++) {
		keyed[i].msg = mailbox_at(mailbox, i);
		keyed[i].key = key_of(keyed[i].msg, by);
		tally->octets += keyed[i].msg->size;
	}
	tally->messages = n;
	qsort(keyed, n, sizeof *keyed, cmp_keyed);
	tally->groups = xreallocarray(NULL, n ? n : 1, sizeof *tally->groups);
	for (size_t i = 0; i < n;) {
		tally_group_t *group = &tally->groups[tally->count++];
		memset(group, 0, sizeof *group);
		label_and_pattern(group, keyed[i].key, keyed[i].msg, by);
		size_t j = i;
		for (; j < n && strcmp(keyed[j].key, keyed[i].key) == 0; j++) {
			group->count++;
			group->octets += keyed[j].msg->size;
		}
		i = j;
	}
	for (size_t i = 0; i < n; i++)
		free(keyed[i].key);
	free(keyed);
	qsort(tally->groups, tally->count, sizeof *tally->groups, cmp_groups);
	return tally;
}

void tally_free(tally_t *tally)
{
	if (!tally)
		return;
	for (size_t i = 0; i < tally->count; i++) {
		free(tally->groups[i].label);
		free(tally->groups[i].pattern);
	}
	free(tally->groups);
	free(tally);
}
