/* test_gate_property: random event sequences against the mailbox model
 * and the gate, checked after every step against a simulated server that
 * knows the truth.
 *
 * The server holds messages (content id, size, UIDL). Between connections
 * it deletes, adds, reorders, gives a UIDL to another message of another
 * size, shares a UIDL between two messages, omits or garbles UIDL lines.
 * The client saves (verified, failed, or cut by a dropped link), deletes
 * through the gate (the server may answer -ERR), RSETs, drops, and QUITs
 * (answered +OK, -ERR, or cut before or after the server got it).
 *
 * Invariants, after every step:
 *   1. DELE is only let through for a message whose content was verified
 *      saved (on this connection or an earlier one).
 *   2. No message is reported deleted that the server did not remove,
 *      and nothing the server removed is reported as not deleted.
 *
 * A failure prints the seed and the steps; GATE_SEED=N replays one
 * sequence, GATE_SEQUENCES=N sets how many run (default 4000). A server
 * that hands a UIDL to a different message of the SAME size cannot be told
 * apart by UIDL and size; it is not generated (see gate.h). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gate.h"
#include "mailbox.h"
#include "report.h"
#include "util/buf.h"

#define MAX_MESSAGES 12
#define STEPS 40

typedef struct {
	unsigned content; /* identity of the bytes */
	uint64_t size;
	char uidl[24];
	enum {
		ID_GOOD,
		ID_NONE,
		ID_GARBLED
	} id;
	bool dele; /* marked on the server in this session */
} server_msg_t;

typedef struct {
	uint64_t rng;
	server_msg_t msgs[MAX_MESSAGES];
	size_t count;
	unsigned next_content;
	unsigned next_uidl;
	bool verified[4096]; /* content ids saved and verified */
	bool removed[4096];  /* content ids the server removed */
	buf_t log;
	/* figures */
	unsigned long steps, dele_allowed, dele_refused, reconnects, quits;
} world_t;

static unsigned long total_steps, total_allowed, total_refused, total_reconnects, total_quits;

static unsigned roll(world_t *w, unsigned n)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return (unsigned)(w->rng % n);
}

static void note(world_t *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char line[256];
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	buf_printf(&w->log, "  %s\n", line);
}

static void fail_sequence(world_t *w, uint64_t seed, const char *what)
{
	/* The steps can be long: print them whole, then fail. */
	print_error("gate property violated: %s\nreplay with GATE_SEED=%llu; the steps:\n%s", what,
		    (unsigned long long)seed, w->log.data ? w->log.data : "");
	fail();
}

static void add_message(world_t *w)
{
	if (w->count == MAX_MESSAGES)
		return;
	server_msg_t *m = &w->msgs[w->count++];
	memset(m, 0, sizeof *m);
	m->content = ++w->next_content;
	m->size = 100 + roll(w, 50) * 10 + m->content % 7;
	snprintf(m->uidl, sizeof m->uidl, "u%u", ++w->next_uidl);
}

/* mutate: what another client or the server does between connections. */
static void mutate(world_t *w)
{
	if (!w->count) {
		add_message(w);
		note(w, "server: a message arrives in the empty mailbox");
		return;
	}
	switch (roll(w, 8)) {
	case 0:
		if (w->count > 1) {
			size_t i = roll(w, (unsigned)w->count);
			memmove(&w->msgs[i], &w->msgs[i + 1], (w->count - i - 1) * sizeof *w->msgs);
			w->count--;
			note(w, "server: message %zu removed by another client", i + 1);
		}
		break;
	case 1:
		add_message(w);
		note(w, "server: a message arrives");
		break;
	case 2:
		if (w->count > 1) {
			size_t a = roll(w, (unsigned)w->count), b = roll(w, (unsigned)w->count);
			server_msg_t t = w->msgs[a];
			w->msgs[a] = w->msgs[b];
			w->msgs[b] = t;
			note(w, "server: messages %zu and %zu swap places", a + 1, b + 1);
		}
		break;
	case 3: {
		/* The same UIDL on another message of another size. */
		size_t i = roll(w, (unsigned)w->count);
		server_msg_t *m = &w->msgs[i];
		m->content = ++w->next_content;
		m->size += 1 + roll(w, 500);
		note(w, "server: UIDL %s now names another message (%llu octets)", m->uidl,
		     (unsigned long long)m->size);
		break;
	}
	case 4:
		if (w->count > 1) {
			size_t a = roll(w, (unsigned)w->count), b = roll(w, (unsigned)w->count);
			if (a != b) {
				/* Another message, of a size that UIDL never had. */
				memcpy(w->msgs[b].uidl, w->msgs[a].uidl, sizeof w->msgs[b].uidl);
				w->msgs[b].content = ++w->next_content;
				w->msgs[b].size = 100000 + w->next_content;
				note(w, "server: messages %zu and %zu share UIDL %s", a + 1, b + 1,
				     w->msgs[a].uidl);
			}
		}
		break;
	case 5: {
		size_t i = roll(w, (unsigned)w->count);
		w->msgs[i].id = roll(w, 2) ? ID_NONE : ID_GARBLED;
		note(w, "server: message %zu gets %s UIDL line", i + 1,
		     w->msgs[i].id == ID_NONE ? "no" : "a garbled");
		break;
	}
	case 6: {
		size_t i = roll(w, (unsigned)w->count);
		w->msgs[i].id = ID_GOOD;
		break;
	}
	default: break;
	}
}

static void connect(world_t *w, mailbox_t *mb, uint64_t seed)
{
	buf_t list, uidl;
	buf_init(&list);
	buf_init(&uidl);
	for (size_t i = 0; i < w->count; i++) {
		w->msgs[i].dele = false;
		buf_printf(&list, "%zu %llu\r\n", i + 1, (unsigned long long)w->msgs[i].size);
		if (w->msgs[i].id == ID_GOOD)
			buf_printf(&uidl, "%zu %s\r\n", i + 1, w->msgs[i].uidl);
		else if (w->msgs[i].id == ID_GARBLED)
			buf_printf(&uidl, "%zu bad\x1b[2Jid\r\n", i + 1);
	}
	mailbox_begin_connection(mb);
	char *err = NULL;
	if (mailbox_take_list(mb, list.data ? list.data : "", list.len, w->count, &err) != 0)
		fail_sequence(w, seed, err);
	char *problem = NULL;
	mailbox_take_uidl(mb, uidl.data ? uidl.data : "", uidl.len, &problem);
	free(problem);
	mailbox_set_online(mb, true);
	buf_free(&list);
	buf_free(&uidl);
	note(w, "connect: %zu messages", w->count);
}

/* check_reports: invariant 2, once the connection has ended. */
static void check_reports(world_t *w, mailbox_t *mb, uint64_t seed, bool server_committed,
			  const bool *committed)
{
	for (size_t i = 0; i < mailbox_count(mb); i++) {
		const mailbox_msg_t *msg = mailbox_at(mb, i);
		bool gone = server_committed && committed[msg->number - 1];
		if (msg->state == MSG_DELETED && !gone)
			fail_sequence(w, seed, "a message is reported deleted the server kept");
		if (gone && msg->state != MSG_DELETED && msg->state != MSG_DELETE_UNCERTAIN)
			fail_sequence(w, seed, "a deletion the server made is not reported");
	}
	if (report_outcome(mb) == OUTCOME_NOTHING_DELETED && server_committed)
		for (size_t i = 0; i < w->count; i++)
			if (committed[i])
				fail_sequence(w, seed,
					      "\"nothing deleted\" but the server deleted");
}

/* commit: the server's UPDATE state: marked messages go away. */
static void commit(world_t *w, const bool *committed)
{
	size_t kept = 0;
	for (size_t i = 0; i < w->count; i++) {
		if (committed[i]) {
			w->removed[w->msgs[i].content] = true;
			continue;
		}
		w->msgs[kept++] = w->msgs[i];
	}
	w->count = kept;
}

/* quit: returns after the connection ended one way or another. */
static void quit(world_t *w, mailbox_t *mb, uint64_t seed)
{
	bool committed[MAX_MESSAGES] = {0};
	for (size_t i = 0; i < w->count; i++)
		committed[i] = w->msgs[i].dele;
	gate_quit_sent(mb);
	w->quits++;
	switch (roll(w, 4)) {
	case 0:
		note(w, "QUIT +OK");
		gate_quit_answered(mb, true);
		check_reports(w, mb, seed, true, committed);
		commit(w, committed);
		break;
	case 1:
		/* -ERR: the server removed only some (RFC 1939). */
		for (size_t i = 0; i < w->count; i++)
			committed[i] = committed[i] && roll(w, 2);
		note(w, "QUIT -ERR (some removed)");
		gate_quit_answered(mb, false);
		check_reports(w, mb, seed, true, committed);
		commit(w, committed);
		break;
	case 2:
		note(w, "QUIT reached the server, the answer was lost");
		gate_quit_failed(mb, true);
		check_reports(w, mb, seed, true, committed);
		commit(w, committed);
		break;
	default:
		note(w, "the link died before QUIT left");
		gate_quit_failed(mb, false);
		check_reports(w, mb, seed, false, committed);
		break;
	}
}

static void try_delete(world_t *w, mailbox_t *mb, uint64_t seed, uint64_t number)
{
	char *why = NULL;
	if (gate_delete_begin(mb, number, &why) != 0) {
		w->dele_refused++;
		note(w, "DELE %llu refused: %s", (unsigned long long)number, why);
		free(why);
		return;
	}
	w->dele_allowed++;
	server_msg_t *s = &w->msgs[number - 1];
	note(w, "DELE %llu sent (content %u)", (unsigned long long)number, s->content);
	if (!w->verified[s->content])
		fail_sequence(w, seed, "DELE let through for a message never verified saved");
	bool ok = !s->dele && roll(w, 6) != 0;
	if (ok)
		s->dele = true;
	gate_delete_answered(mb, number, ok, ok ? NULL : "-ERR");
}

/* session: one connection's worth of steps. */
static void session(world_t *w, mailbox_t *mb, uint64_t seed)
{
	connect(w, mb, seed);
	for (unsigned step = 0; step < STEPS; step++) {
		w->steps++;
		if (!w->count)
			break;
		uint64_t n = 1 + roll(w, (unsigned)w->count);
		unsigned what = roll(w, 20);
		if (what < 7) {
			char *why = NULL;
			if (gate_save_begin(mb, n, &why) != 0) {
				free(why);
				continue;
			}
			unsigned outcome = roll(w, 7);
			if (outcome < 4) {
				w->verified[w->msgs[n - 1].content] = true;
				gate_save_verified(mb, n, "/saved", w->msgs[n - 1].size, NULL,
						   NULL);
				note(w, "save %llu verified (content %u)", (unsigned long long)n,
				     w->msgs[n - 1].content);
			} else if (outcome == 4) {
				gate_save_failed(mb, n, "size differs", true);
				note(w, "save %llu failed", (unsigned long long)n);
			} else if (outcome == 5) {
				gate_save_cancelled(mb, n);
				note(w, "save %llu cancelled", (unsigned long long)n);
			} else {
				note(w, "save %llu cut: link dropped", (unsigned long long)n);
				gate_connection_lost(mb);
				check_reports(w, mb, seed, false, (bool[MAX_MESSAGES]){0});
				return;
			}
		} else if (what < 14) {
			try_delete(w, mb, seed, n);
		} else if (what < 16) {
			for (size_t i = 0; i < w->count; i++)
				w->msgs[i].dele = false;
			note(w, "RSET: %zu undone", gate_rset_confirmed(mb));
		} else if (what < 18) {
			note(w, "link dropped");
			gate_connection_lost(mb);
			check_reports(w, mb, seed, false, (bool[MAX_MESSAGES]){0});
			return;
		} else {
			quit(w, mb, seed);
			return;
		}
	}
	quit(w, mb, seed);
}

static void run_sequence(uint64_t seed)
{
	world_t w;
	memset(&w, 0, sizeof w);
	w.rng = seed * 2654435761u + 1;
	buf_init(&w.log);
	unsigned initial = 1 + roll(&w, MAX_MESSAGES - 2);
	for (unsigned i = 0; i < initial; i++)
		add_message(&w);
	mailbox_t *mb = mailbox_new();
	unsigned connections = 1 + roll(&w, 6);
	for (unsigned c = 0; c < connections; c++) {
		if (c) {
			w.reconnects++;
			unsigned changes = roll(&w, 4);
			for (unsigned k = 0; k < changes; k++)
				mutate(&w);
		}
		session(&w, mb, seed);
	}
	mailbox_free(mb);
	buf_free(&w.log);
	total_steps += w.steps;
	total_allowed += w.dele_allowed;
	total_refused += w.dele_refused;
	total_reconnects += w.reconnects;
	total_quits += w.quits;
}

static void test_random_sequences(void **state)
{
	const char *replay = getenv("GATE_SEED");
	const char *count_env = getenv("GATE_SEQUENCES");
	unsigned long sequences = count_env ? strtoul(count_env, NULL, 10) : 4000;
	if (replay) {
		run_sequence(strtoull(replay, NULL, 10));
		return;
	}
	for (unsigned long seed = 1; seed <= sequences; seed++)
		run_sequence(seed);
	print_message("%lu sequences, %lu steps, %lu connections after the first, %lu QUITs, "
		      "DELE let through %lu times and refused %lu times, no violation\n",
		      sequences, total_steps, total_reconnects, total_quits, total_allowed,
		      total_refused);
	/* The generator must reach both sides of the gate. */
	assert_true(total_allowed > sequences / 4);
	assert_true(total_refused > sequences / 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_sequences),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
