/* internal.h: what the files of src/session/ share. Not for the views. */
#ifndef POPSCOPE_SESSION_INTERNAL_H
#define POPSCOPE_SESSION_INTERNAL_H

#include "gate.h"
#include "mailbox.h"
#include "session.h"
#include "session/limit.h"
#include "store.h"
#include "util/buf.h"
#include "util/radix.h"

typedef enum {
	REQ_LIST,
	REQ_UIDL,
	REQ_HEADERS,
	REQ_PREVIEW,
	REQ_SAVE,
	REQ_DELE,
	REQ_RSET,
	REQ_RAW,
	REQ_FETCH,
	REQ_QUIT,
	REQ_NOOP,
} req_kind_t;

/* One command the session submitted; the engine hands it back in done. */
typedef struct req {
	struct req *prev, *next;
	session_t *session;
	req_kind_t kind;
	unsigned generation; /* the connection it belongs to */
	uint64_t id;
	uint64_t number;
	bool then_quit;     /* RSET of "RSET and quit" */
	store_file_t *file; /* REQ_SAVE */
	char *sink_error;
	int fd; /* REQ_FETCH */
	char *spool_path;
	uint64_t got;
	bool cancelling;
	unsigned long timing; /* its session_timing_t.asked; 0: not timed */
} req_t;

/* Every row in the order of one radix key (size, date, problems), ties by
 * number: good while the mailbox's keys epoch is the one it was made at. */
typedef struct {
	uint32_t *rows; /* NULL until the first sort by the key */
	size_t count;
	unsigned long epoch;
} kept_order_t;

struct session {
	trace_t *trace;
	pop3_t *pop3;
	mailbox_t *mailbox;
	unsigned generation;
	unsigned preview_lines;
	session_state_t state;
	bool no_top;
	bool top_announced; /* CAPA lists TOP: a refused TOP is about one message */
	char *uidl_body;    /* its body while LIST is awaited; NULL: no usable UIDL */
	size_t uidl_len;

	uint32_t *order;         /* row -> index in the mailbox */
	uint32_t *row_of;        /* index in the mailbox -> row; UINT32_MAX: hidden by the limit */
	unsigned char *verdicts; /* a bit an index: the limit shows it (as of the last resort) */
	uint64_t *sort_keys;     /* room for a sort key an index */
	radix_scratch_t radix;   /* the sort's own room, kept between sorts */
	kept_order_t kept[SESSION_SORT_COUNT]; /* by radix key; the others stay unused */
	size_t ordered;                        /* rows in order */
	size_t indexed;                        /* indices in row_of */
	uint64_t shown_octets;                 /* the sizes of the rows the limit shows */
	limit_t *limit;                        /* NULL: every message is shown */
	char *limit_pattern;
	session_sort_t sort_key;
	bool reverse;
	bool sort_dirty;
	long long last_sort_ms;
	long long last_submit_ms; /* for the keep-alive NOOP */

	size_t headers_inflight;
	size_t scan_cursor;
	size_t want_first, want_count;

	char *status;
	bool status_error;
	unsigned long serial;
	char *end_reason; /* why the connection ended, for the summary */

	req_t *reqs;
	req_t *preview_req;
	req_t *fetch_req;
	session_preview_t preview;
	/* The last fetch too large to preview whole: its file, kept for the user. */
	char *kept_spool;
	uint64_t kept_number, kept_octets;

	buf_t raw_reply;
	unsigned long raw_serial;
	session_timing_t timing;

	/* Saves waiting for session_answer_size, oldest first. */
	struct size_wait {
		session_size_question_t question; /* question.note is note */
		char *note;
		store_file_t *file;
	} * size_waits;
	size_t size_wait_count;
};

long long session_now_ms(void);
void session_touch(session_t *session);
req_t *req_new(session_t *session, req_kind_t kind, uint64_t number);
void req_free(session_t *session, req_t *req);
/* session_submit: hand a request (verb, arguments, limits, sink) to the
 * engine with req as its context. The engine may call the completion
 * before returning (then req is gone), so callers must not touch req after
 * it. Returns the engine's id, 0 when refused. */
uint64_t session_submit(session_t *session, req_t *req, pop3_request_t request);
/* session_submit_quit: pop3_quit with req as its context. */
void session_submit_quit(session_t *session, req_t *req);
/* session_reply_problem: what went wrong with a reply, for the user
 * (translated, sanitized; caller frees). */
char *session_reply_problem(const session_t *session, const pop3_reply_t *reply);
bool session_connected(const session_t *session);

/* order.c */
void session_resort(session_t *session);
/* session_limit_stale: a message's state changed: with a limit in force,
 * the rows are narrowed again, and sorted by problems, sorted again (a
 * save can find a size mismatch), at the next tick. */
void session_limit_stale(session_t *session);

/* load.c: session_load_begin: UIDL, then LIST, for a new connection. */
void session_load_begin(session_t *session);

/* The completions, by request kind. */
void session_on_list(session_t *session, const pop3_reply_t *reply);
void session_on_uidl(session_t *session, const pop3_reply_t *reply);
void session_on_headers(session_t *session, req_t *req, const pop3_reply_t *reply);
void session_on_save(session_t *session, req_t *req, const pop3_reply_t *reply);
void session_on_dele(session_t *session, req_t *req, const pop3_reply_t *reply);
void session_on_rset(session_t *session, req_t *req, const pop3_reply_t *reply);
void session_on_raw(session_t *session, const pop3_reply_t *reply);
void session_on_preview(session_t *session, req_t *req, const pop3_reply_t *reply);
void session_on_fetch(session_t *session, req_t *req, const pop3_reply_t *reply);
void session_on_quit(session_t *session, const pop3_reply_t *reply);
void session_preview_reset(session_t *session);
/* session_drop_size_waits: the connection is gone or the session ends:
 * every save waiting for an answer is given up (files removed). */
void session_drop_size_waits(session_t *session);
void session_pump_headers(session_t *session);

#endif
