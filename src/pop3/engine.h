/* engine.h: the POP3 protocol engine: a state machine over one connection,
 * fed by the poll loop, with a queue of commands each carrying its own
 * completion callback. With PIPELINING up to a window of commands are in
 * flight; otherwise one at a time. Never prints, never blocks.
 *
 *   pop3_t *p = pop3_new(&config, trace);
 *   pop3_open(p, on_event, ctx);            resolve, connect, TLS, login
 *   loop: pop3_poll_fds / pop3_timeout_ms -> poll -> pop3_handle_io (src/loop.c)
 *   pop3_submit(p, &request);               after POP3_EVENT_READY
 */
#ifndef POPSCOPE_ENGINE_H
#define POPSCOPE_ENGINE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/conn.h"
#include "pop3/command.h"
#include "pop3/reply.h"
#include "trace.h"

typedef struct pop3 pop3_t;

typedef enum {
	POP3_TLS_IMPLICIT, /* pop3s:// */
	POP3_TLS_STLS,     /* pop3:// with STLS required */
	POP3_TLS_NONE,     /* pop3:// --plaintext: no TLS, as the user asked by name */
} pop3_tls_mode_t;

typedef struct {
	const char *host;
	const char *port;
	pop3_tls_mode_t tls_mode;
	tls_options_t tls;
	const char *user;
	const char *password;    /* may be NULL when a token is used */
	const char *oauth_token; /* XOAUTH2 / OAUTHBEARER */
	const char *auth;        /* --auth MECH: "USER", "APOP", or a SASL name; NULL = automatic */
	bool allow_plaintext_password; /* --plaintext: the user asked for clear text by name */
	bool skip_login;               /* stop after CAPA (connection tests without credentials) */
	int timeout_ms;                /* resolve, connect and I/O timeout */
	/* With PIPELINING the replies in flight are bounded in bytes by a
	 * window sized from the link (pop3/window.h); this caps their count
	 * too (0 = no cap). */
	unsigned pipeline_window;
	unsigned trace_body_lines; /* body lines copied to the trace per reply */
	/* The speed floor (--speed-limit): from the first byte of a reply (or of
	 * the greeting) until it is complete, fewer than speed_limit bytes per
	 * second, counted over each stretch of timeout_ms, fail the session with
	 * POP3_E_TIMEOUT. timeout_ms itself stays the idle timeout. 0 = no floor. */
	unsigned speed_limit;
} pop3_config_t;

/* Engine-level failures, independent of the server's -ERR. */
typedef enum {
	POP3_OK = 0,
	POP3_E_RESOLVE,   /* host name did not resolve (also: no answer within timeout_ms) */
	POP3_E_CONNECT,   /* no address accepted the connection */
	POP3_E_TLS,       /* TLS handshake or record failure */
	POP3_E_VERIFY,    /* certificate did not verify (chain, name or fingerprint) */
	POP3_E_NO_STLS,   /* STLS required and not offered */
	POP3_E_INJECTION, /* bytes were buffered after +OK to STLS */
	POP3_E_GREETING,  /* the server refused us (-ERR greeting) */
	POP3_E_AUTH,      /* authentication failed or not possible */
	POP3_E_INSECURE,  /* would send a password in clear without --plaintext */
	POP3_E_PROTOCOL,  /* the server broke the protocol */
	POP3_E_TIMEOUT,   /* no progress within the timeout */
	POP3_E_CLOSED,    /* the server closed the connection */
	POP3_E_CANCELLED, /* the command was cancelled by us */
	POP3_E_SINK,      /* the body sink refused data (disk full...) */
	POP3_E_OVERSIZE,  /* a multi-line reply ran past its bound (see pop3_request_t) */
} pop3_error_t;

/* Phases of pop3_open, reported through the event callback in order, each
 * with the milliseconds it took. */
typedef enum {
	POP3_EVENT_RESOLVED,
	POP3_EVENT_CONNECTED,
	POP3_EVENT_GREETING,
	POP3_EVENT_STLS,      /* the server said +OK to STLS; the handshake starts */
	POP3_EVENT_TLS,       /* handshake done (implicit or after STLS); see pop3_tls_info */
	POP3_EVENT_CAPA,      /* capabilities known (sent again after TLS and login) */
	POP3_EVENT_LOGGED_IN, /* authentication accepted */
	POP3_EVENT_READY,     /* STAT done, transaction state: submit commands now */
	POP3_EVENT_FAILED,    /* pop3_error() / pop3_errstr() say why; the engine is dead */
	POP3_EVENT_CLOSED,    /* after QUIT (or the server closed in transaction state) */
} pop3_event_t;

typedef void (*pop3_event_fn)(void *ctx, pop3_event_t event, long elapsed_ms);

typedef struct {
	pop3_error_t error; /* POP3_OK when the server answered */
	bool ok;            /* +OK */
	const char *text;   /* status text after "+OK " / "-ERR " (raw bytes) */
	size_t text_len;
	pop3_code_t code;
	const char *body; /* collected body (NUL-terminated) when collect_limit > 0 */
	size_t body_len;
	bool body_truncated;  /* more than collect_limit arrived; the rest was discarded */
	uint64_t body_octets; /* content octets of the body (after unstuffing) */
	uint64_t body_lines;
	bool terminated;     /* the "." terminator was seen */
	bool bad_stuffing;   /* a body line began with an unstuffed "." (ambiguous content) */
	long latency_ms;     /* command sent -> status line received */
	bool sent;           /* the command was written to the connection (it may have
			      * reached the server even when error says it failed) */
	long long sent_us;   /* when it was written (monotonic clock, us; 0: never) */
	long long status_us; /* when its status line arrived (0: none) */
} pop3_reply_t;

/* sink: content bytes of a multi-line body as they arrive; return 0, or -1
 * to stop (the rest of the body is read and discarded; reply.error =
 * POP3_E_SINK). */
typedef int (*pop3_sink_fn)(void *ctx, const char *data, size_t len);
typedef void (*pop3_done_fn)(void *ctx, const pop3_reply_t *reply);

/* Every multi-line body has a bound on its content octets. A body that runs
 * past it fails the command with POP3_E_OVERSIZE at once: neither the sink
 * nor the collected body gets another byte, and as the stream cannot be
 * brought back in step the engine closes the connection without QUIT (so
 * the server deletes nothing) and fails the session.
 *
 * The bound is the smaller of
 *  - expect_octets + pop3_size_margin(expect_octets) when expect_octets is
 *    set: the size LIST gave may be exceeded by 1/16, at least 4096 octets;
 *  - max_octets when set, else the engine's default: for RETR and TOP the
 *    mailbox size STAT gave plus its margin, for LIST and UIDL 128 octets a
 *    message STAT counted, either at least POP3_MIN_REPLY_BOUND (1 MiB);
 *    for CAPA and AUTH POP3_MIN_REPLY_BOUND; for anything else, and before
 *    STAT, POP3_MAX_MESSAGE_SIZE.
 * collect_limit only decides what is kept in memory; it never ends a reply. */
/* A command: its verb and arguments, built into a line by the engine from
 * the table in command.h, or (POP3_CMD_RAW) a line as the user typed it.
 * A line that would hold CR or LF is refused (POP3_E_PROTOCOL), and so is a
 * gated command (DELE) given as typed text: DELE goes only as its verb,
 * which the front ends send after gate_delete_begin agreed. */
typedef struct {
	pop3_verb_t verb;
	uint64_t args[2]; /* message-number arguments (TOP: number, lines) */
	unsigned argc;
	const char *line;     /* POP3_CMD_RAW: the whole command; else text after the
			   * verb and numbers (USER name, AUTH mechanism...) or NULL */
	size_t collect_limit; /* collect the body in memory up to this many bytes */
	pop3_sink_fn sink;    /* or stream it here (both may be set) */
	pop3_done_fn done;    /* called exactly once (also on failure / cancel) */
	void *ctx;
	uint64_t expect_octets; /* the message's size from LIST; 0 = unknown */
	uint64_t max_octets;    /* most body octets accepted; 0 = the engine's default */
} pop3_request_t;

pop3_t *pop3_new(const pop3_config_t *config, trace_t *trace);
/* pop3_free: closes the connection without QUIT (nothing pending is deleted). */
void pop3_free(pop3_t *pop3);

/* pop3_open: start resolving, connecting, TLS, CAPA, login, CAPA, STAT.
 * The event callback hears each phase. Nothing blocks: the name is looked
 * up through the poll loop like everything else (a numeric address or a
 * name in /etc/hosts is answered inside this call, so RESOLVED, and FAILED,
 * may be reported before it returns). The resolution as a whole must end
 * within timeout_ms, else POP3_E_RESOLVE; connecting gets its own
 * timeout_ms from the answer on. */
void pop3_open(pop3_t *pop3, pop3_event_fn on_event, void *ctx);
/* pop3_is_running: pop3_open was called and the engine has neither failed
 * nor closed. */
bool pop3_is_running(const pop3_t *pop3);

/* Poll integration. pop3_poll_fds: the descriptors the engine waits on
 * now, with their events (several while resolving; at most one, the
 * server's socket, afterwards); *count 0 when none. The array belongs to
 * the engine and changes with the next call: poll a copy. */
const struct pollfd *pop3_poll_fds(pop3_t *pop3, size_t *count);
/* pop3_timeout_ms: milliseconds until the engine must run even without
 * events (its own deadline, the resolver's timers, or 0 when queued
 * commands can be sent now); -1 = none. */
int pop3_timeout_ms(const pop3_t *pop3);
/* pop3_handle_io: after poll() on a copy of pop3_poll_fds with the revents
 * filled in; count 0 (or no revents) on a timeout wake-up. */
void pop3_handle_io(pop3_t *pop3, const struct pollfd *fds, size_t count);

/* pop3_submit: queue a command (transaction state). Returns an id > 0, or 0
 * when the engine is not ready (done is then called with POP3_E_CLOSED).
 * From POP3_EVENT_LOGGED_IN on a command is queued behind the engine's
 * CAPA and STAT and, when the server offered PIPELINING, goes out in the
 * same flight; a failed STAT fails it with the session. */
uint64_t pop3_submit(pop3_t *pop3, const pop3_request_t *request);
/* pop3_cancel: a queued command is dropped; one in flight has the rest of
 * its body discarded. done is called with POP3_E_CANCELLED. */
void pop3_cancel(pop3_t *pop3, uint64_t id);
/* pop3_quit: queue QUIT after everything else; POP3_EVENT_CLOSED follows. */
void pop3_quit(pop3_t *pop3, pop3_done_fn done, void *ctx);
/* pop3_quit_behind: pop3_quit for a session that queued no DELE: QUIT goes
 * out right behind the commands in flight instead of after their answers
 * (there is nothing for it to commit, so no answer could change the
 * decision to end). Once a DELE was queued it is pop3_quit. */
void pop3_quit_behind(pop3_t *pop3, pop3_done_fn done, void *ctx);

/* Background work (a header scan) is not queued up front: the engine asks
 * the feeder for the next command whenever nothing else is queued and the
 * window has room, so a command submitted meanwhile (a preview, a save)
 * goes out next, behind only what is already in flight. The feeder submits
 * one command with pop3_submit and returns true, or returns false when it
 * has nothing to do; it is then detached until pop3_set_feeder is called
 * again. pop3_quit and a failure detach it too. */
typedef bool (*pop3_feed_fn)(void *ctx, pop3_t *pop3);
void pop3_set_feeder(pop3_t *pop3, pop3_feed_fn feed, void *ctx);

/* pop3_busy: commands queued or in flight, plus one while a feeder is
 * attached. */
size_t pop3_busy(const pop3_t *pop3);
/* pop3_feeding: a feeder is attached (it has not yet said it is done). */
bool pop3_feeding(const pop3_t *pop3);
bool pop3_is_ready(const pop3_t *pop3);
pop3_error_t pop3_error(const pop3_t *pop3);
/* pop3_errstr: translated description of the failure ("" when none). */
const char *pop3_errstr(const pop3_t *pop3);
/* pop3_server_text: the server's own text of the last -ERR that failed the
 * session (sanitized), or NULL. */
const char *pop3_server_text(const pop3_t *pop3);
/* pop3_server_code: the response code of that -ERR (POP3_CODE_NONE if none). */
pop3_code_t pop3_server_code(const pop3_t *pop3);

const pop3_capa_t *pop3_capa(const pop3_t *pop3);
const tls_info_t *pop3_tls_info(const pop3_t *pop3);
const char *pop3_peer(const pop3_t *pop3);
const char *pop3_greeting(const pop3_t *pop3);    /* sanitized */
const char *pop3_auth_method(const pop3_t *pop3); /* what login used */
/* pop3_auth_fallback: when the automatic -PLUS mechanism was refused and
 * login retried it without channel binding, what failed and the server's
 * words (translated, sanitized); else NULL. Defined in login.c. */
const char *pop3_auth_fallback(const pop3_t *pop3);
bool pop3_is_tls(const pop3_t *pop3);
/* STAT after login. */
uint64_t pop3_stat_count(const pop3_t *pop3);
uint64_t pop3_stat_octets(const pop3_t *pop3);

#endif
