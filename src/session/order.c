/* order.c: the rows in the order the view shows them: the limit that
 * narrows them, sorting, lookup by row, search. */
#include <config.h>

#include "session/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/gettext.h"
#include "util/xalloc.h"

static const session_t *sort_session; /* qsort has no context argument in C11 */

static int cmp_text(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* cmp_problems: the worst problem first, then the most problems, then the
 * biggest message. */
static int cmp_problems(const mailbox_msg_t *a, const mailbox_msg_t *b)
{
	unsigned pa = mailbox_problems(a), pb = mailbox_problems(b);
	size_t ra = mailbox_problem_rank(pa), rb = mailbox_problem_rank(pb);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	int na = __builtin_popcount(pa), nb = __builtin_popcount(pb);
	if (na != nb)
		return na > nb ? -1 : 1;
	return a->size > b->size ? -1 : a->size < b->size;
}

static int cmp_rows(const void *pa, const void *pb)
{
	const mailbox_msg_t *a = mailbox_at(sort_session->mailbox, *(const size_t *)pa);
	const mailbox_msg_t *b = mailbox_at(sort_session->mailbox, *(const size_t *)pb);
	int c = 0;
	switch (sort_session->sort_key) {
	case SESSION_SORT_SIZE: c = a->size < b->size ? -1 : a->size > b->size; break;
	case SESSION_SORT_DATE: c = a->date < b->date ? -1 : a->date > b->date; break;
	case SESSION_SORT_FROM: c = cmp_text(a->from_key, b->from_key); break;
	case SESSION_SORT_SUBJECT: c = cmp_text(a->subject_key, b->subject_key); break;
	case SESSION_SORT_PROBLEMS: c = cmp_problems(a, b); break;
	default: break;
	}
	if (c == 0)
		c = a->number < b->number ? -1 : a->number > b->number;
	return sort_session->reverse ? -c : c;
}

void session_resort(session_t *session)
{
	size_t count = mailbox_count(session->mailbox);
	free(session->order);
	free(session->row_of);
	session->order = xreallocarray(NULL, count ? count : 1, sizeof(size_t));
	session->row_of = xreallocarray(NULL, count ? count : 1, sizeof(size_t));
	size_t shown = 0;
	for (size_t i = 0; i < count; i++) {
		session->row_of[i] = SIZE_MAX;
		if (!session->limit || limit_match(session->limit, mailbox_at(session->mailbox, i)))
			session->order[shown++] = i;
	}
	sort_session = session;
	qsort(session->order, shown, sizeof *session->order, cmp_rows);
	sort_session = NULL;
	for (size_t row = 0; row < shown; row++)
		session->row_of[session->order[row]] = row;
	session->ordered = shown;
	session->indexed = count;
	session->sort_dirty = false;
	session->last_sort_ms = session_now_ms();
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
	    session->row_of[index] == SIZE_MAX)
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
	if (!session->limit)
		return mailbox_total_octets(session->mailbox);
	uint64_t octets = 0;
	for (size_t row = 0; row < session->ordered; row++)
		octets += session_row(session, row)->size;
	return octets;
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
	if (session->limit)
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
	session->sort_key = key;
	session->reverse = reverse;
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
	char *needle = mailbox_search_key(query);
	bool found = false;
	for (size_t step = 1; step <= count && !found; step++) {
		size_t r =
		    forward ? (from_row + step) % count : (from_row + count - step % count) % count;
		const mailbox_msg_t *msg = session_row(session, r);
		if ((msg->from_key && strstr(msg->from_key, needle)) ||
		    (msg->address_key && strstr(msg->address_key, needle)) ||
		    (msg->subject_key && strstr(msg->subject_key, needle)) ||
		    (msg->uidl && strcasestr(msg->uidl, needle))) {
			*row = r;
			found = true;
		}
	}
	free(needle);
	return found;
}
