/* engine_internal.h: the engine's state, shared by engine.c (queue, I/O,
 * reply dispatch) and login.c (greeting, CAPA, STLS, authentication, STAT).
 * Nothing outside src/pop3/ includes this. */
#ifndef POPSCOPE_ENGINE_INTERNAL_H
#define POPSCOPE_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "pop3/engine.h"
#include "pop3/window.h"
#include "sasl.h"
#include "util/buf.h"

typedef enum {
	PHASE_IDLE,
	PHASE_RESOLVING, /* the host name is being looked up */
	PHASE_CONNECTING,
	PHASE_TLS_IMPLICIT, /* handshake on a pop3s:// connection */
	PHASE_GREETING,
	PHASE_LOGIN,    /* CAPA, STLS, AUTH, CAPA, STAT: commands in the queue */
	PHASE_TLS_STLS, /* handshake after +OK to STLS */
	PHASE_READY,
	PHASE_CLOSED,
	PHASE_FAILED,
} pop3_phase_t;

typedef struct pop3_cmd pop3_cmd_t;

/* A SASL continuation handler: the response to send for a "+ " line
 * (secret; freed with secret_free), or NULL to fail the command. */
typedef char *(*pop3_continue_fn)(pop3_t *pop3, const char *challenge, size_t len);

struct pop3_cmd {
	uint64_t id;
	char *line;       /* as sent, without CRLF */
	char *trace_line; /* masked form for the trace: pop3_cmd_shown */
	bool multiline;
	bool barrier; /* sent alone: changes the session state */
	size_t collect_limit;
	uint64_t max_octets;  /* the body's bound (see pop3_request_t) */
	bool bound_at_status; /* submitted before STAT was answered: max_octets is the
				 * engine's default, computed when the status line comes */
	pop3_verb_t verb;
	uint64_t expect_octets; /* as the request gave it, named when the bound is passed */
	pop3_sink_fn sink;
	pop3_done_fn done;
	void *ctx;
	pop3_continue_fn on_continue;

	bool cancelled;
	bool sink_failed;
	bool oversize; /* the body ran past max_octets */
	bool in_body;
	pop3_body_t decoder;
	buf_t body; /* collected body */
	bool body_truncated;
	pop3_status_line_t status;
	char *status_copy; /* the status line, kept for the reply */
	size_t status_len;
	long long sent_ms;          /* monotonic */
	long long sent_us;          /* the same, finer, for the window's round trip */
	long long status_us;        /* when the status line arrived */
	uint64_t estimate;          /* reply bytes the window counts while in flight */
	uint64_t delivered_at_send; /* the window's delivered bytes as it went out */
	long latency_ms;
	buf_t trace_line_buf; /* body line being assembled for the trace */
	unsigned traced_lines;
	pop3_cmd_t *next;
};

struct pop3 {
	pop3_config_t config; /* strings owned (copied) */
	trace_t *trace;
	conn_t *conn;
	pop3_phase_t phase;

	pop3_event_fn on_event;
	void *event_ctx;
	long long phase_start_ms;

	pop3_cmd_t *pending_head, *pending_tail;   /* not sent yet */
	pop3_cmd_t *inflight_head, *inflight_tail; /* sent, awaiting the reply */
	size_t pending_count;
	size_t inflight_count;
	pop3_window_t window;
	pop3_feed_fn feed; /* background work, asked for when nothing is queued */
	void *feed_ctx;
	uint64_t next_id;
	bool quit_sent;

	long long last_progress_ms; /* the timeout counts from here */
	/* The speed floor's current stretch: it starts with the first byte of
	 * a reply (-1: no stretch yet) and counts the bytes read since. */
	long long floor_start_ms;
	uint64_t floor_bytes;

	pop3_error_t error;
	char *errstr;
	char *server_text;
	pop3_code_t server_code;

	char *greeting;
	char *apop_timestamp;
	pop3_capa_t capa;
	bool stls_done;
	/* Implicit TLS: the first CAPA went out before the greeting came. */
	bool capa_before_greeting;
	char *auth_method;
	char *auth_fallback; /* set once a -PLUS login was retried without binding */
	sasl_exchange_t *sasl;
	uint64_t stat_count;
	uint64_t stat_octets;
	bool logged_in;
	/* The CAPA before login offered PIPELINING: from the login on, the
	 * queued commands (CAPA, STAT, the front end's first) go out together,
	 * before the CAPA after login is answered. */
	bool login_pipelining;
	bool tls_probe_sent; /* QUIT sent after a silent greeting (tlsport.c) */
	bool deletes_queued; /* a DELE was queued in this session */
};

long long pop3_now_ms(void);

/* pop3_cmd_shown: the command as the trace and error messages show it
 * (secrets masked), made when first asked for. */
const char *pop3_cmd_shown(pop3_cmd_t *cmd);

/* pop3_submit_internal: queue a command in any phase (login uses it). */
uint64_t pop3_submit_internal(pop3_t *pop3, const pop3_request_t *request, bool barrier,
			      pop3_continue_fn on_continue);
/* pop3_fail: the session is over: record why, tell the trace, close the
 * connection, finish every command with the error, send POP3_EVENT_FAILED. */
void pop3_fail(pop3_t *pop3, pop3_error_t error, const char *server_text, size_t server_len,
	       pop3_code_t code, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* pop3_emit: report a phase to the caller with the time since the last one. */
void pop3_emit(pop3_t *pop3, pop3_event_t event);

/* pop3_start_stls_handshake: after +OK to STLS (login.c calls it). */
void pop3_start_stls_handshake(pop3_t *pop3);

/* login.c */
/* pop3_login_begin: ask CAPA, after the greeting and again after STLS's
 * handshake; each completion decides the next login step. */
void pop3_login_begin(pop3_t *pop3);

/* limits.c: the body bound of a request, the timeout and the speed floor. */
uint64_t pop3_body_bound(const pop3_t *pop3, uint64_t max_octets, uint64_t expect_octets,
			 pop3_verb_t verb);
/* pop3_fail_oversize: the body of cmd ran past its bound; the session
 * ends without QUIT. */
void pop3_fail_oversize(pop3_t *pop3, pop3_cmd_t *cmd);

/* tlsport.c: a pop3:// URL that names a port speaking TLS.
 * pop3_is_tls_record: data (len bytes, before any greeting) begins a TLS record.
 * pop3_fail_tls_port: fail the session saying "use pop3s://".
 * pop3_greeting_timed_out: the greeting did not come within the timeout:
 * fails on port 995, or sends the probe once and extends the timeout a
 * little; returns false when the ordinary timeout should fail the session. */
bool pop3_is_tls_record(const char *data, size_t len);
void pop3_fail_tls_port(pop3_t *pop3);
bool pop3_greeting_timed_out(pop3_t *pop3);
/* pop3_deadline_left_ms: milliseconds until the timeout or the speed floor
 * fails the session, -1 = none. */
int pop3_deadline_left_ms(const pop3_t *pop3);
/* pop3_floor_count: bytes arrived; the first byte of a reply starts a stretch. */
void pop3_floor_count(pop3_t *pop3, size_t received, long long now);
/* pop3_floor_reset: a reply is complete; the floor waits for the next one. */
void pop3_floor_reset(pop3_t *pop3);
/* pop3_check_timers: after a loop round: fail a session silent for the
 * timeout, or a reply below the speed floor. */
void pop3_check_timers(pop3_t *pop3);

#endif
