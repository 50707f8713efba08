/* order.c: the rows in the order the view shows them: the limit that
 * narrows them, sorting, lookup by row, search. */
#include <config.h>

#include "session/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/fold.h"
#include "util/gettext.h"
#include "util/radix.h"
#include "util/xalloc.h"

/* shown: whether the limit shows the row at index (its verdict as of the
 * last filter). */
static bool shown(const session_t *session, size_t index)
{
	return !session->limit || (session->verdicts[index / 8] >> (index % 8)) & 1;
}

/* filter: the limit's verdict on every row, kept for sorting again, and
 * the octets of the rows it shows. */
static void filter(session_t *session)
{
	session->shown_octets = 0;
	if (!session->limit)
		return;
	size_t count = mailbox_count(session->mailbox);
	memset(session->verdicts, 0, (count + 7) / 8);
	for (size_t i = 0; i < count; i++) {
		const mailbox_msg_t *msg = mailbox_at(session->mailbox, i);
		if (limit_match(session->limit, msg)) {
			session->verdicts[i / 8] |= (unsigned char)(1u << (i % 8));
			session->shown_octets += msg->size;
		}
	}
}

/* fit: the arrays for count rows (their contents are rebuilt). */
static void fit(session_t *session, size_t count)
{
	if (session->indexed == count && session->order)
		return;
	free(session->order);
	free(session->row_of);
	free(session->verdicts);
	free(session->sort_keys);
	session->order = xreallocarray(NULL, count ? count : 1, sizeof *session->order);
	session->row_of = xreallocarray(NULL, count ? count : 1, sizeof *session->row_of);
	/* Touched now, so that the first sort does not pay for fresh pages. */
	session->sort_keys = xreallocarray(NULL, count ? count : 1, sizeof *session->sort_keys);
	memset(session->sort_keys, 0, (count ? count : 1) * sizeof *session->sort_keys);
	radix_scratch_fit(&session->radix, count);
	session->verdicts = xcalloc(count / 8 + 1, 1);
	session->indexed = count;
	session->ordered = 0;
}

/* Sizes above this sort as equal among the problems' ties (64 PiB). */
#define PROBLEM_SIZE_BITS 56
_Static_assert(MAILBOX_PROBLEM_KINDS < 16, "a problem's rank fits in four bits");

/* radix_key: the sort key of a message as a number that sorts ascending. */
static uint64_t radix_key(const mailbox_msg_t *msg, session_sort_t key)
{
	switch (key) {
	case SESSION_SORT_SIZE: return msg->size;
	/* Two's complement with the sign bit flipped orders as signed. */
	case SESSION_SORT_DATE: return (uint64_t)msg->date ^ (UINT64_C(1) << 63);
	case SESSION_SORT_PROBLEMS: {
		/* The worst problem first, then the most problems, then the
		 * biggest message: one key, so one sort. The first two share
		 * the top byte, so that they cost one pass. */
		unsigned problems = mailbox_problems(msg);
		uint64_t size_mask = (UINT64_C(1) << PROBLEM_SIZE_BITS) - 1;
		uint64_t size = msg->size < size_mask ? msg->size : size_mask;
		/* Most messages have none: no need to rank them one by one. */
		uint64_t rank = problems ? mailbox_problem_rank(problems) : MAILBOX_PROBLEM_KINDS;
		uint64_t count = problems ? (uint64_t)__builtin_popcount(problems) : 0;
		return rank << 60 | (15 - (count < 15 ? count : 15)) << PROBLEM_SIZE_BITS |
		       (size_mask - size);
	}
	default: return 0;
	}
}

/* sort_rows: rows (indices, in number order) by key, then number. The keys
 * are read in that order: the messages lie in memory by number, and reading
 * them in a sorted order would miss the cache at every row. */
static void sort_rows(session_t *session, uint32_t *rows, size_t n, session_sort_t key)
{
	uint64_t *keys = session->sort_keys;
	for (size_t i = 0; i < n; i++)
		keys[i] = radix_key(mailbox_at(session->mailbox, rows[i]), key);
	radix_sort(keys, rows, n, &session->radix);
}

/* kept_order: every row in the order of a radix key, sorted now unless
 * the rows' keys stayed as they were since the last time. Needs fit. */
static const uint32_t *kept_order(session_t *session, session_sort_t key)
{
	kept_order_t *kept = &session->kept[key];
	size_t count = mailbox_count(session->mailbox);
	unsigned long epoch = mailbox_keys_epoch(session->mailbox);
	if (kept->rows && kept->epoch == epoch && kept->count == count)
		return kept->rows;
	if (!kept->rows || kept->count != count) {
		free(kept->rows);
		kept->rows = xreallocarray(NULL, count ? count : 1, sizeof *kept->rows);
	}
	for (size_t i = 0; i < count; i++)
		kept->rows[i] = (uint32_t)i;
	sort_rows(session, kept->rows, count, key);
	kept->count = count;
	kept->epoch = epoch;
	return kept->rows;
}

/* radix_sorted: the keys kept_order sorts by (the mailbox keeps the
 * orders of texts, and the number is the rows' own order). */
static bool radix_sorted(session_sort_t key)
{
	return key == SESSION_SORT_SIZE || key == SESSION_SORT_DATE || key == SESSION_SORT_PROBLEMS;
}

/* arrange: the rows the limit showed at the last filter, in the order of
 * the sort key and direction. Proportional to the mailbox: no comparison
 * sort of texts (the mailbox keeps those orders as headers come). */
static void arrange(session_t *session)
{
	size_t count = mailbox_count(session->mailbox), n = 0;
	session_sort_t key = session->sort_key;
	fit(session, count);
	if (key == SESSION_SORT_FROM || key == SESSION_SORT_SUBJECT) {
		mailbox_sorted(session->mailbox,
			       key == SESSION_SORT_FROM ? MAILBOX_BY_FROM : MAILBOX_BY_SUBJECT,
			       session->order);
		for (size_t i = 0; i < count; i++)
			if (shown(session, session->order[i]))
				session->order[n++] = session->order[i];
	} else {
		const uint32_t *all = radix_sorted(key) ? kept_order(session, key) : NULL;
		for (size_t i = 0; i < count; i++) {
			uint32_t index = all ? all[i] : (uint32_t)i;
			if (shown(session, index))
				session->order[n++] = index;
		}
	}
	if (session->reverse)
		for (size_t i = 0; i < n / 2; i++) {
			uint32_t t = session->order[i];
			session->order[i] = session->order[n - 1 - i];
			session->order[n - 1 - i] = t;
		}
	if (n < count) /* the rows the limit hides have none */
		for (size_t i = 0; i < count; i++)
			session->row_of[i] = UINT32_MAX;
	for (size_t row = 0; row < n; row++)
		session->row_of[session->order[row]] = (uint32_t)row;
	session->ordered = n;
	session->last_sort_ms = session_now_ms();
	session_touch(session);
}

void session_prepare_orders(session_t *session)
{
	/* While headers stream in, every order would be stale at once; and
	 * the rows' arrays are made by the first sort (fit). */
	if (session->headers_inflight || !session->order ||
	    session->indexed != mailbox_count(session->mailbox))
		return;
	for (session_sort_t key = 0; key < SESSION_SORT_COUNT; key++)
		if (radix_sorted(key))
			kept_order(session, key);
}

void session_resort(session_t *session)
{
	fit(session, mailbox_count(session->mailbox));
	filter(session);
	session->sort_dirty = false;
	arrange(session);
}

/* flip: the same rows in the other direction. */
static void flip(session_t *session)
{
	size_t n = session->ordered;
	for (size_t i = 0; i < n / 2; i++) {
		uint32_t t = session->order[i];
		session->order[i] = session->order[n - 1 - i];
		session->order[n - 1 - i] = t;
	}
	for (size_t row = 0; row < n; row++)
		session->row_of[session->order[row]] = (uint32_t)row;
	session->reverse = !session->reverse;
	session_touch(session);
}

size_t session_count(const session_t *session)
{
	return session->ordered;
}

const mailbox_msg_t *session_row(const session_t *session, size_t row)
{
	if (row >= session->ordered)
		return NULL;
	return mailbox_at(session->mailbox, session->order[row]);
}

bool session_row_of(const session_t *session, uint64_t number, size_t *row)
{
	size_t index;
	if (!mailbox_index_of(session->mailbox, number, &index) || index >= session->indexed ||
	    session->row_of[index] == UINT32_MAX)
		return false;
	*row = session->row_of[index];
	return true;
}

const mailbox_msg_t *session_by_number(const session_t *session, uint64_t number)
{
	return mailbox_find(session->mailbox, number);
}

uint64_t session_total_octets(const session_t *session)
{
	return mailbox_total_octets(session->mailbox);
}

size_t session_total_count(const session_t *session)
{
	return mailbox_count(session->mailbox);
}

uint64_t session_shown_octets(const session_t *session)
{
	return session->limit ? session->shown_octets : mailbox_total_octets(session->mailbox);
}

int session_limit(session_t *session, const char *pattern, char **errstr)
{
	limit_t *limit = NULL;
	if (!limit_blank(pattern)) {
		limit_error_t error;
		limit = limit_compile(pattern, (long long)time(NULL), &error);
		if (!limit) {
			*errstr = error.message;
			return -1;
		}
	}
	limit_free(session->limit);
	free(session->limit_pattern);
	session->limit = limit;
	session->limit_pattern = limit ? xstrdup(pattern) : NULL;
	session_resort(session);
	return 0;
}

const char *session_limit_pattern(const session_t *session)
{
	return session->limit_pattern;
}

void session_limit_stale(session_t *session)
{
	if (session->limit || session->sort_key == SESSION_SORT_PROBLEMS)
		session->sort_dirty = true;
}

size_t session_pending_count(const session_t *session)
{
	return mailbox_count_state(session->mailbox, MSG_DELETE_PENDING) +
	       mailbox_count_state(session->mailbox, MSG_DELETE_SENT);
}

void session_sort(session_t *session, session_sort_t key, bool reverse)
{
	if (key >= SESSION_SORT_COUNT)
		key = SESSION_SORT_NUMBER;
	/* Nothing changed since the last sort: the limit's verdicts stand,
	 * and the other direction is the same rows read backwards (ties
	 * too: the number breaks them in the sort's direction). */
	bool current = !session->sort_dirty && session->order &&
		       session->indexed == mailbox_count(session->mailbox);
	if (current && key == session->sort_key && reverse != session->reverse) {
		flip(session);
		return;
	}
	session->sort_key = key;
	session->reverse = reverse;
	if (current)
		arrange(session);
	else
		session_resort(session);
}

session_sort_t session_sort_key(const session_t *session)
{
	return session->sort_key;
}

bool session_sort_reverse(const session_t *session)
{
	return session->reverse;
}

const char *session_sort_name(session_sort_t key)
{
	static const char *const names[SESSION_SORT_COUNT] = {
	    N_("number"), N_("size"), N_("date"), N_("from"), N_("subject"), N_("problems"),
	};
	return key < SESSION_SORT_COUNT ? _(names[key]) : "";
}

bool session_search(const session_t *session, const char *query, size_t from_row, bool forward,
		    size_t *row)
{
	size_t count = session->ordered;
	if (!count || !query || !*query)
		return false;
	char *needle = fold_copy(query);
	bool found = false;
	for (size_t step = 1; step <= count && !found; step++) {
		size_t r =
		    forward ? (from_row + step) % count : (from_row + count - step % count) % count;
		const mailbox_msg_t *msg = session_row(session, r);
		if (fold_has(msg->from, needle, false) ||
		    fold_has(msg->from_address, needle, false) ||
		    fold_has(msg->subject, needle, false) || fold_has(msg->uidl, needle, false)) {
			*row = r;
			found = true;
		}
	}
	free(needle);
	return found;
}
