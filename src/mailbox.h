/* mailbox.h: the mailbox model under both front ends (the full-screen view
 * through session.c, the batch modes through cli/). No engine, no I/O, no
 * curses: it is fed reply bodies and tells what it knows.
 *
 * It holds the rows of one connection (number, LIST size, UIDL and how far
 * that UIDL can be trusted, header summary, save/delete state), the one
 * LIST/UIDL/STAT policy, and the ledger of verified saves that outlives a
 * connection. The save/delete state of a row changes only through the
 * transition functions in gate.h; this header gives read access.
 *
 * Strings are decoded but NOT sanitized: whoever shows them sanitizes. */
#ifndef POPSCOPE_MAILBOX_H
#define POPSCOPE_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mime.h"

/* How far a message's UIDL identifies it. Only UIDL_OK unlocks DELE. */
typedef enum {
	UIDL_UNKNOWN,   /* UIDL not answered yet */
	UIDL_OK,        /* well formed and unique on this connection */
	UIDL_MISSING,   /* the server gave none (no UIDL command, or no line for it) */
	UIDL_DUPLICATE, /* another message has the same UIDL */
	UIDL_MALFORMED, /* its UIDL line was bad (control bytes, too long) or repeated */
} mailbox_uidl_t;

/* Save/delete state of a message; changed only by gate.c. */
typedef enum {
	MSG_LISTED,           /* on the server, no verified save */
	MSG_SAVING,           /* RETR streaming into a file */
	MSG_SAVED,            /* a verified save exists (saved_path) */
	MSG_DELETE_SENT,      /* DELE in flight */
	MSG_DELETE_PENDING,   /* DELE answered +OK: removed at QUIT */
	MSG_DELETED,          /* QUIT answered +OK: the server removed it */
	MSG_DELETE_UNCERTAIN, /* QUIT sent but not confirmed: check the server */
	MSG_STATES            /* how many states there are */
} msg_state_t;

/* Why a message may block a mailbox or a mail client: the bits of
 * mailbox_problems(), mime.h's MIME_PROBLEM_* (the header block, the MIME
 * structure) and these. */
enum {
	MAILBOX_PROBLEM_BIG = 1u << 16,           /* LIST size over the mailbox_set_big threshold */
	MAILBOX_PROBLEM_SIZE_MISMATCH = 1u << 17, /* RETR delivered other than LIST said */
	MAILBOX_PROBLEM_TOP_REFUSED = 1u << 18,   /* the server refused TOP n 0 for it */
};
/* How many kinds of problem there are (mailbox_problem_at). */
#define MAILBOX_PROBLEM_KINDS 12
/* The default threshold of MAILBOX_PROBLEM_BIG: 10 MiB. */
#define MAILBOX_BIG_DEFAULT (10u * 1024 * 1024)

typedef struct {
	/* The sort keys in the first 32 bytes: a sort reads those of each
	 * message, not the rest. */
	uint64_t number;
	uint64_t size;      /* LIST size */
	long long date;     /* UTC seconds; 0 = unknown */
	unsigned problems;  /* what was found so far (read it with mailbox_problems) */
	bool size_mismatch; /* a RETR delivered other than LIST said */
	bool headers;       /* TOP n 0 answered (or refused): summary final */
	bool headers_asked; /* TOP n 0 submitted (scheduling, see session) */
	bool save_carried;  /* the save was made on an earlier connection */
	msg_state_t state;
	mailbox_uidl_t uidl_status;

	const char *uidl; /* NULL when missing or malformed */
	const char *from; /* display name, else the address; NULL until known */
	const char *from_address;
	const char *subject;
	char *saved_path; /* the verified save (state SAVED and later) */
	char *error;      /* the last failure about this message (translated) */
	char *note;       /* why an earlier save was not carried over (translated), or NULL */
} mailbox_msg_t;

/* A message's header summary as it was when a save or a deletion was
 * recorded (rows do not outlive their connection; the report needs it). */
typedef struct {
	bool headers; /* the row's headers were known then */
	char *from;
	char *from_address;
	char *subject;
	long long date;
} mailbox_summary_t;

/* A verified save: kept for the whole program run, across connections. */
typedef struct {
	uint64_t number; /* the number it had then */
	unsigned connection;
	char *uidl;    /* NULL unless the UIDL was UIDL_OK when it was saved */
	uint64_t size; /* the LIST size it had then */
	char *path;
	uint64_t octets; /* bytes on disk */
	char *note;      /* why a size other than LIST's was accepted, or NULL */
	char *sha256;    /* of the octets read back from disk (store_want_digest), or NULL */
	mailbox_summary_t summary;
} mailbox_save_t;

/* A deletion whose end is known, kept for the whole program run: the
 * server confirmed it at QUIT (outcome MSG_DELETED), QUIT left it
 * unconfirmed (MSG_DELETE_UNCERTAIN), or the server kept the message
 * (MSG_SAVED): DELE was refused or not answered, or the connection ended
 * before QUIT was sent. An RSET the user asked for leaves no record.
 * Written by gate.c as the state changes. */
typedef struct {
	uint64_t number;
	unsigned connection;
	char *uidl;
	uint64_t size;
	char *saved_path;
	msg_state_t outcome;
	mailbox_summary_t summary;
} mailbox_deletion_t;

/* A difference between the size LIST gave and the octets RETR delivered,
 * judged (see SAFETY in the man page). */
typedef enum {
	SIZE_AS_LISTED,        /* the same */
	SIZE_FINAL_LINE_END,   /* exactly one CRLF more: the server ended a last line its
				* copy left open (the copy is complete) */
	SIZE_LINE_ENDS_AS_ONE, /* the difference equals the line count: LIST counted each
				* line end as one octet; or the line count plus one:
				* that, and a last line left open that the server
				* ended (accepted only when the user says so) */
	SIZE_DIFFERENT,        /* anything else: possibly another message, never accepted */
} mailbox_size_t;

/* mailbox_judge_size: listed (LIST), received (content octets after
 * unstuffing, CRLF line ends) and lines (body lines). */
mailbox_size_t mailbox_judge_size(uint64_t listed, uint64_t received, uint64_t lines);
/* mailbox_size_note: one translated sentence explaining a verdict other
 * than SIZE_AS_LISTED. Caller frees. */
char *mailbox_size_note(mailbox_size_t verdict, uint64_t listed, uint64_t received, uint64_t lines);

/* How the end of the session went, for the report and the exit status. */
typedef enum {
	QUIT_NOT_SENT,  /* QUIT was never sent: the server deleted nothing */
	QUIT_SENT,      /* sent, no answer yet */
	QUIT_CONFIRMED, /* +OK: the pending deletions are done */
	QUIT_FAILED,    /* -ERR, or the link died after QUIT was sent */
} mailbox_quit_t;

typedef struct mailbox mailbox_t;

mailbox_t *mailbox_new(void);
void mailbox_free(mailbox_t *mailbox);
/* mailbox_keep_order: the mailbox keeps its rows in sender order and in
 * subject order as headers come (mailbox_sorted: the full-screen view
 * sorts by them at a key press); the batch modes do without. */
void mailbox_keep_order(mailbox_t *mailbox);

/* mailbox_set_big: messages whose LIST size is over octets get
 * MAILBOX_PROBLEM_BIG (0: none does); rows already listed too. The
 * default is MAILBOX_BIG_DEFAULT. */
void mailbox_set_big(mailbox_t *mailbox, uint64_t octets);

/* mailbox_begin_connection: a new connection starts; its rows come with
 * mailbox_take_list. Call gate_connection_lost for the old one first. */
void mailbox_begin_connection(mailbox_t *mailbox);
unsigned mailbox_connection(const mailbox_t *mailbox);
/* mailbox_set_online: whether commands can be sent now (transaction state,
 * QUIT not sent). DELE needs it. */
void mailbox_set_online(mailbox_t *mailbox, bool online);
bool mailbox_online(const mailbox_t *mailbox);

/* The policy, one for both front ends.
 *
 * mailbox_take_list: the LIST body. Every line must be "n size" with n in
 * 1..stat_count (STAT's count; 0 means unknown and allows up to
 * POP3_MAX_MESSAGES), no number twice, and as many lines as STAT counted
 * when it is known. Otherwise returns -1 with *errstr and no rows: message
 * numbers that cannot be trusted are not shown, saved or deleted. */
int mailbox_take_list(mailbox_t *mailbox, const char *body, size_t len, uint64_t stat_count,
		      char **errstr);
/* mailbox_take_uidl: the UIDL body, or NULL when the server has none or
 * refused it (every row UIDL_MISSING). A line naming an unknown number is
 * ignored; a line with a bad id, or a second line for one number, makes
 * that message UIDL_MALFORMED; ids shared by several messages make each
 * UIDL_DUPLICATE. Then saves of earlier connections are carried over (see
 * gate.h) and header summaries of unchanged messages kept. Returns the
 * number of problems found (lines ignored, messages not UIDL_OK while
 * the server has UIDL); *first_problem describes the first (translated;
 * caller frees; may be NULL). */
size_t mailbox_take_uidl(mailbox_t *mailbox, const char *body, size_t len, char **first_problem);
/* mailbox_listed: LIST was taken on this connection; mailbox_identified:
 * and UIDL too. Saves and deletions wait for both. */
bool mailbox_listed(const mailbox_t *mailbox);
bool mailbox_identified(const mailbox_t *mailbox);

/* Rows in number order. */
size_t mailbox_count(const mailbox_t *mailbox);
const mailbox_msg_t *mailbox_at(const mailbox_t *mailbox, size_t index);
/* mailbox_index_of: the row index of a message; false when none. */
bool mailbox_index_of(const mailbox_t *mailbox, uint64_t number, size_t *index);
const mailbox_msg_t *mailbox_find(const mailbox_t *mailbox, uint64_t number);
/* mailbox_find_uidl: the message with this UIDL; NULL with *why when no
 * message has it, or several do (translated; caller frees). */
const mailbox_msg_t *mailbox_find_uidl(const mailbox_t *mailbox, const char *uidl, char **why);
uint64_t mailbox_total_octets(const mailbox_t *mailbox);
/* mailbox_count_state: rows in a state. */
size_t mailbox_count_state(const mailbox_t *mailbox, msg_state_t state);

/* The text orders mailbox_keep_order keeps. */
typedef enum {
	MAILBOX_BY_FROM,    /* the sender as the rows hold it (from), ASCII case folded */
	MAILBOX_BY_SUBJECT, /* the subject, ASCII case folded */
} mailbox_order_t;
/* mailbox_sorted: every row's index, ascending by the text (a row without
 * headers has ""), then by number, into out (mailbox_count of them).
 * Without mailbox_keep_order: in number order. */
void mailbox_sorted(const mailbox_t *mailbox, mailbox_order_t by, uint32_t *out);

/* mailbox_take_headers: a TOP n 0 answer (data NULL: refused, no headers);
 * the header block's problems replace those of an earlier answer. */
void mailbox_take_headers(mailbox_t *mailbox, uint64_t number, const char *data, size_t len);
/* mailbox_note_problems: problems found about a message outside the header
 * scan (MAILBOX_PROBLEM_TOP_REFUSED, MIME_PROBLEM_BROKEN); they stay for
 * the connection. Returns true when a bit was new. */
bool mailbox_note_problems(mailbox_t *mailbox, uint64_t number, unsigned problems);
/* mailbox_mark_headers_asked: the scheduler submitted TOP n 0 (or it was
 * abandoned: asked false). */
void mailbox_mark_headers_asked(mailbox_t *mailbox, size_t index, bool asked);
size_t mailbox_headers_known(const mailbox_t *mailbox);
/* mailbox_keys_epoch: changes whenever the rows, or a row's size, date or
 * problems, may have changed (orders derived from them are stale). */
unsigned long mailbox_keys_epoch(const mailbox_t *mailbox);

/* The ledger of verified saves, oldest first. */
size_t mailbox_save_count(const mailbox_t *mailbox);
const mailbox_save_t *mailbox_save_at(const mailbox_t *mailbox, size_t index);

/* The deletions whose end is known, in the order they ended. */
size_t mailbox_deletion_count(const mailbox_t *mailbox);
const mailbox_deletion_t *mailbox_deletion_at(const mailbox_t *mailbox, size_t index);

mailbox_quit_t mailbox_quit_state(const mailbox_t *mailbox);

/* mailbox_problems: what is known to be wrong with a message, the bits
 * above (0: nothing). */
unsigned mailbox_problems(const mailbox_msg_t *msg);
/* mailbox_problem_at: the kinds of problem, the most likely to block a
 * mailbox or a client first (index < MAILBOX_PROBLEM_KINDS): the bit, its
 * code (short, stable ASCII: "big", "no-date", ...; for scripts, not
 * translated) and why it matters (translated). */
unsigned mailbox_problem_at(size_t index, const char **code, const char **reason);
/* mailbox_problem_codes: the codes of problems, worst first, joined by
 * sep ("big,no-date"; "" for none). Caller frees. */
char *mailbox_problem_codes(unsigned problems, const char *sep);
/* mailbox_problem_rank: how bad problems are, for sorting: the index of
 * the worst (mailbox_problem_at), MAILBOX_PROBLEM_KINDS for none. */
size_t mailbox_problem_rank(unsigned problems);

/* mailbox_sender / mailbox_subject: what to show for a message's sender
 * (address, else display name) and subject, or a translated placeholder
 * when it has none: "(no sender)", "(no subject)", or "(headers not
 * loaded)" before TOP answered. Not sanitized. */
const char *mailbox_sender(const mailbox_msg_t *msg);
const char *mailbox_subject(const mailbox_msg_t *msg);

/* mailbox_describe: "message 4 (UIDL x, 1.2 MB, from Ann, subject Hello)"
 * for confirmations and reports: sanitized, translated; caller frees. */
char *mailbox_describe(const mailbox_msg_t *msg);

#endif
