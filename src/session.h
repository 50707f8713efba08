/* session.h: the full-screen view's session: one mailbox model
 * (mailbox.h) kept current through the engine. No curses here.
 *
 * It loads the mailbox (LIST, UIDL, then pipelined TOP n 0: rows the user
 * looks at first, the rest in the background), orders and searches the
 * rows, runs saves, deletions, previews, fetches and raw commands, and
 * hands every save/delete state change to gate.c, the one place that
 * decides when DELE may be sent.
 *
 * The files: session.c (life cycle, requests, dispatch), order.c (limit,
 * sort, search), limit.c (the limit pattern language), tally.c (sums by
 * sender and month), load.c (LIST, UIDL, header scan, keep-alive), save.c (saves),
 * delete.c (DELE, RSET, QUIT, the summary), preview.c (preview, parts,
 * spool fetch), raw.c (the raw command line).
 *
 * Message numbers live for one connection; after session_attach on a new
 * connection, saves are carried over by UIDL under gate.h's rule.
 *
 * Strings in mailbox_msg_t are decoded but NOT sanitized. */
#ifndef POPSCOPE_SESSION_H
#define POPSCOPE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mailbox.h"
#include "mime.h"
#include "pop3/engine.h"
#include "trace.h"
#include "util/buf.h"

typedef enum {
	SESSION_IDLE,         /* no connection attached yet */
	SESSION_LOADING,      /* LIST / UIDL in flight */
	SESSION_READY,        /* transaction state, list known */
	SESSION_DISCONNECTED, /* the connection dropped; nothing was deleted */
	SESSION_QUITTING,     /* QUIT (maybe after RSET) submitted */
	SESSION_CLOSED,       /* QUIT answered, or the link died after QUIT was sent */
} session_state_t;

typedef enum {
	SESSION_SORT_NUMBER,
	SESSION_SORT_SIZE,
	SESSION_SORT_DATE,
	SESSION_SORT_FROM,
	SESSION_SORT_SUBJECT,
	SESSION_SORT_PROBLEMS, /* the worst problem first (mailbox_problem_rank), then more
				* problems, then bigger */
	SESSION_SORT_COUNT,
} session_sort_t;

typedef struct session session_t;

/* session_new: an empty model. preview_lines is the k of TOP n k. */
session_t *session_new(trace_t *trace, unsigned preview_lines);
/* session_set_big: the size over which a message is a problem (mailbox_set_big). */
void session_set_big(session_t *session, uint64_t octets);
void session_free(session_t *session);

/* session_attach: the engine reached POP3_EVENT_LOGGED_IN: load UIDL and
 * LIST (queued behind the engine's CAPA and STAT).
 * On a second connection saves are carried over by UIDL (gate.h). */
void session_attach(session_t *session, pop3_t *pop3);
/* session_detach: the connection is gone (why: translated reason). Every
 * command in flight is abandoned; pending deletions are dropped (the server
 * deletes nothing without QUIT) or, when QUIT was sent and not answered,
 * become uncertain. The state becomes DISCONNECTED (or CLOSED after QUIT). */
void session_detach(session_t *session, const char *why);
session_state_t session_state(const session_t *session);
pop3_t *session_engine(const session_t *session);
const mailbox_t *session_mailbox(const session_t *session);

/* Rows in view order (sorted), only those the limit shows. */
size_t session_count(const session_t *session);
const mailbox_msg_t *session_row(const session_t *session, size_t row);
/* session_row_of: the row showing message number; false when none. */
bool session_row_of(const session_t *session, uint64_t number, size_t *row);
const mailbox_msg_t *session_by_number(const session_t *session, uint64_t number);
uint64_t session_total_octets(const session_t *session);
/* session_total_count: messages in the mailbox, shown or not. */
size_t session_total_count(const session_t *session);
/* session_shown_octets: the size of the rows the limit shows. */
uint64_t session_shown_octets(const session_t *session);
size_t session_pending_count(const session_t *session);

/* session_limit: show only the messages pattern matches (session/limit.h);
 * a blank pattern shows them all. The limit stays in force as headers
 * arrive, states change and the mailbox is listed again after a
 * reconnect. Returns 0, or -1 with *errstr (translated, naming the bad
 * term; caller frees) and the limit in force unchanged. */
int session_limit(session_t *session, const char *pattern, char **errstr);
/* session_limit_pattern: the pattern in force, or NULL when none is. */
const char *session_limit_pattern(const session_t *session);

void session_sort(session_t *session, session_sort_t key, bool reverse);
/* session_prepare_orders: call it when a round of the loop brought no key
 * and changed nothing. When no header is awaited, it sorts the mailbox
 * ahead of time by each of size, date and problems whose order is stale
 * (the messages' keys changed since), so that a later sort by one of them
 * reads that order instead of sorting 100,000 rows while a key waits. */
void session_prepare_orders(session_t *session);
session_sort_t session_sort_key(const session_t *session);
bool session_sort_reverse(const session_t *session);
/* session_sort_name: translated name of a sort key. */
const char *session_sort_name(session_sort_t key);

/* session_search: next row (after from_row, wrapping) whose sender (name
 * or address), subject or UIDL contains query (case-insensitive). */
bool session_search(const session_t *session, const char *query, size_t from_row, bool forward,
		    size_t *row);

/* session_want_rows: rows the user sees now; their headers are fetched
 * before the background scan goes on. */
void session_want_rows(session_t *session, size_t first_row, size_t count);
/* session_tick: housekeeping once per loop round: keep the header scan
 * going, re-sort when headers that the sort depends on arrived. */
void session_tick(session_t *session);
/* session_header_progress: headers known of total. */
void session_header_progress(const session_t *session, size_t *known, size_t *total);

/* session_status: the last thing worth telling the user (translated,
 * sanitized), and whether it is bad news. session_serial grows whenever
 * the model changed (redraw). */
const char *session_status(const session_t *session, bool *is_error);
void session_set_status(session_t *session, bool is_error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
unsigned long session_serial(const session_t *session);

/* Saving. session_default_name: file name for a message (caller frees).
 * session_save: stream RETR into dir/name (.eml) or, with mbox, append to
 * the mbox at path `name` (dir ignored when name is absolute). Returns 0
 * when the RETR was submitted, -1 with *errstr. */
char *session_default_name(const session_t *session, uint64_t number);
int session_save(session_t *session, uint64_t number, const char *dir, const char *name, bool mbox,
		 char **errstr);

/* session_save_active: a save is running: the one the server is sending
 * (or, when only cancelled saves are left, one draining), its octets
 * written so far and LIST's size, how many other saves run, and whether it
 * is a cancelled one whose rest the engine discards. */
bool session_save_active(const session_t *session, uint64_t *number, uint64_t *got, uint64_t *total,
			 size_t *others, bool *cancelling);
/* session_save_cancel: Esc: every running save is given up: its partial
 * file removed at once, the message back to its state before the save
 * (gate_save_cancelled), the rest of its RETR read and discarded by the
 * engine (POP3 cannot stop a transfer). Returns how many. */
size_t session_save_cancel(session_t *session);

/* A save waiting for the user's word: RETR delivered a complete copy
 * (terminator seen, no unstuffed dot) whose size differs from LIST's the
 * way a server that counts a line end as one octet makes it
 * (SIZE_LINE_ENDS_AS_ONE). The octets that arrived wait in the save's
 * temporary file (an mbox stays locked); the message stays SAVING, so it
 * can be neither saved again nor deleted until the question is answered. */
typedef struct {
	uint64_t number;
	uint64_t listed;   /* LIST's size */
	uint64_t received; /* octets that arrived (CRLF line ends, unstuffed) */
	uint64_t lines;    /* lines that arrived */
	const char *note;  /* mailbox_size_note's explanation (translated) */
} session_size_question_t;

/* session_size_question: the oldest save waiting for an answer, or NULL.
 * Valid until the next call into the session. */
const session_size_question_t *session_size_question(const session_t *session);
/* session_answer_size: accept: the waiting file is committed with the
 * octets that arrived as its expected size (store_commit's other checks
 * unchanged) and the save counts as verified, with the note; refuse: the
 * file is removed and the message stays unsaved, the note in its error.
 * Returns 0, or -1 with *errstr when number has no question waiting (the
 * connection was lost: nothing was kept) or the commit failed. */
int session_answer_size(session_t *session, uint64_t number, bool accept, char **errstr);

/* session_may_delete: gate_may_delete on the session's mailbox: true when
 * DELE number may be sent; otherwise *why says why not (translated; caller
 * frees). */
bool session_may_delete(const session_t *session, uint64_t number, char **why);
/* session_delete: the gate, then DELE. Returns 0 when submitted. */
int session_delete(session_t *session, uint64_t number, char **errstr);
/* session_undelete_all: RSET; every pending deletion is restored. */
int session_undelete_all(session_t *session, char **errstr);

typedef enum {
	SESSION_RAW_SENT,    /* submitted; the reply goes to the log (and the raw reply) */
	SESSION_RAW_REFUSED, /* not sent; *errstr says why */
	SESSION_RAW_QUIT,    /* QUIT: the caller runs the quit flow */
	SESSION_RAW_EMPTY,
} session_raw_result_t;

/* session_raw: a command typed at the raw command line. DELE goes through
 * the gate, RSET and DELE update the model, QUIT is handed back, STLS and
 * CR/LF are refused. */
session_raw_result_t session_raw(session_t *session, const char *line, char **errstr);
/* session_raw_reply: the last multi-line reply to a raw command (status
 * line, then the body, unsanitized); serial changes with each new one. */
const char *session_raw_reply(const session_t *session, size_t *len, unsigned long *serial);

/* Preview: TOP n preview_lines (RETR with a memory cap when the server has
 * no TOP, noted in the preview). A new request cancels the previous one. */
typedef enum {
	PREVIEW_NONE,
	PREVIEW_LOADING,
	PREVIEW_READY,
	PREVIEW_FAILED,
} preview_state_t;

typedef struct {
	uint64_t number;
	preview_state_t state;
	bool via_retr;   /* no TOP: fetched with RETR */
	bool partial;    /* only the first lines (TOP) or truncated at the memory cap */
	bool from_spool; /* parsed from a full RETR spool file */
	char *raw;       /* the message text as received (unsanitized) */
	size_t raw_len;
	mime_message_t *mime; /* NULL when unparsable */
	char *text;           /* readable body (mime_body_text), unsanitized */
	char *error;
} session_preview_t;

void session_preview(session_t *session, uint64_t number);
const session_preview_t *session_get_preview(const session_t *session);

/* The last preview or save submitted, and when its command went out and
 * its reply began (the engine's monotonic clock, microseconds): what the
 * view's POPSCOPE_TIMINGS records for a key that asked for one. */
typedef struct {
	unsigned long asked;    /* grows with each preview or save submitted */
	unsigned long answered; /* equals asked once that one's reply is in */
	bool save;              /* a save, else a preview */
	uint64_t number;
	long long sent_us;  /* 0: never sent */
	long long reply_us; /* 0: no status line */
} session_timing_t;

const session_timing_t *session_timing(const session_t *session);
/* session_save_part: decode MIME part index of the current preview into
 * dir/name (store rules). Returns 0 and *path (caller frees), or -1. */
int session_save_part(session_t *session, size_t index, const char *dir, const char *name,
		      char **path, char **errstr);

/* session_part_data: MIME part index of the current preview, decoded,
 * appended to out. Returns 0, or -1 with *errstr. */
int session_part_data(const session_t *session, size_t index, buf_t *out, char **errstr);

/* The whole of a message, to hand to another program: in memory when the
 * preview holds it whole (a short message, or one fetched with f), else
 * the spool file a fetch too large to preview kept (path; len is its
 * size). parsed: the preview's MIME parts are those of the whole message. */
typedef struct {
	const char *data;
	const char *path;
	size_t len;
	bool parsed;
} session_whole_t;

/* session_whole_message: where message number is held whole now; false
 * when nowhere (fetch it first). Valid until the next call into the session. */
bool session_whole_message(const session_t *session, uint64_t number, session_whole_t *out);

/* Full RETR to a spool file (never in memory), with progress and cancel.
 * When it completes, the preview shows the whole message. */
int session_fetch(session_t *session, uint64_t number, const char *spool_dir, char **errstr);
/* session_fetch_active: a fetch is running; *cancelling when Esc was
 * pressed and the engine is discarding the rest (POP3 cannot stop a RETR). */
bool session_fetch_active(const session_t *session, uint64_t *number, uint64_t *got,
			  uint64_t *total, bool *cancelling);
void session_fetch_cancel(session_t *session);

/* session_quit: commit (plain QUIT) or RSET first, then QUIT. The state
 * becomes QUITTING, then CLOSED when the server answered or the link died;
 * report_outcome on session_mailbox tells what that meant. */
void session_quit(session_t *session, bool commit);
/* session_print_summary: report_summary for the normal terminal after the
 * screen closed: saves, deletions, and whether they are confirmed. */
void session_print_summary(const session_t *session, FILE *out);
/* session_end_reason: why the last connection ended (translated), or NULL
 * while it lasts or when it ended well. */
const char *session_end_reason(const session_t *session);

#endif
