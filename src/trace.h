/* trace.h: the protocol log: every line sent and received, TLS events and
 * notes, timestamped; masking of secrets; a ring for the log pane; a file sink.
 *
 * Masking happens before an event exists: the engine hands only masked text
 * to trace_emit, so no consumer (pane, file, stderr) can ever see a secret.
 * Sanitizing happens when an event is stored: text is kept as
 * sanitize_display() made it. */
#ifndef POPSCOPE_TRACE_H
#define POPSCOPE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

typedef enum {
	TRACE_SEND,    /* a command line we sent (masked) */
	TRACE_RECV,    /* a status or continuation line the server sent */
	TRACE_BODY,    /* a line of a multi-line body (only the first few per reply) */
	TRACE_SUMMARY, /* "(N more lines, M octets)" closing a long body */
	TRACE_TLS,     /* handshake, certificate, verification facts */
	TRACE_INFO,    /* connection events and notes of ours */
	TRACE_WARN,    /* things the user must notice: --insecure, plaintext */
	TRACE_ERROR,   /* failures */
} trace_kind_t;

typedef struct {
	struct timespec when; /* CLOCK_REALTIME */
	trace_kind_t kind;
	int latency_ms; /* for TRACE_RECV status lines: since the command was sent; else -1 */
	char *text;     /* sanitized UTF-8, no line ending */
} trace_event_t;

typedef struct trace trace_t;

/* trace_new: a log keeping the last `capacity` events in memory (0 = none
 * kept); the ring grows as events come. */
trace_t *trace_new(size_t capacity);
/* trace_set_byte_limit: also keep no more than max_bytes of events (the
 * oldest go first; 0 = no bound in bytes). */
void trace_set_byte_limit(trace_t *trace, size_t max_bytes);
void trace_free(trace_t *trace);

/* trace_set_ascii: sanitize for a non-UTF-8 terminal (the C locale). */
void trace_set_ascii(trace_t *trace, bool ascii_only);

/* trace_open_file: also append every event to path (created 0600, not
 * following a symlink, only a regular file: a FIFO or a device at path is
 * refused at once, never waited on). Returns 0 or -1 with *errstr set. */
int trace_open_file(trace_t *trace, const char *path, char **errstr);
/* trace_set_stream: also write every event to an open stream (stderr for -v). */
void trace_set_stream(trace_t *trace, FILE *stream);

/* trace_wanted: something reads the events (the ring, a file, a stream).
 * When nothing does, emitting costs only the serial; callers may skip
 * preparing text. */
bool trace_wanted(const trace_t *trace);
/* trace_emit: record one event; text is raw bytes (already masked) of length len. */
void trace_emit(trace_t *trace, trace_kind_t kind, long latency_ms, const char *text, size_t len);
/* trace_emitf: record a note of ours (printf format). */
void trace_emitf(trace_t *trace, trace_kind_t kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The ring: events in order, oldest first. Index 0..count-1. */
size_t trace_count(const trace_t *trace);
const trace_event_t *trace_get(const trace_t *trace, size_t index);
/* trace_serial: grows by one with every event (lets views notice news). */
unsigned long trace_serial(const trace_t *trace);

/* How an event's time is written. */
typedef enum {
	TRACE_TIME_CLOCK, /* "13:05:07.045": the log pane, where width is short */
	TRACE_TIME_DATED, /* ISO 8601 local time with its offset,
			   * "2026-11-30T13:05:07.045+01:00": every file and stream */
} trace_time_t;

/* trace_format: "13:05:07.045 C: USER bob" style line for an event, the
 * time as style says (caller frees). */
char *trace_format(const trace_event_t *event, trace_time_t style);
/* trace_dropped: how many events the ring has let go since the trace was
 * made (the oldest first), so that trace_dropped() + index names one event
 * for as long as it is kept. */
unsigned long long trace_dropped(const trace_t *trace);
/* trace_is_brief: an event the brief log shows: anything but body lines
 * and the summary closing a body. */
bool trace_is_brief(trace_kind_t kind);
/* trace_find: the next event (forward) or previous one after index from,
 * going round the ring and ending at from itself, whose prefix and text
 * ("C: RETR 4") hold needle, ASCII case ignored; brief_only skips what
 * trace_is_brief refuses. Returns true and *found, or false. */
bool trace_find(const trace_t *trace, const char *needle, size_t from, bool forward,
		bool brief_only, size_t *found);
/* trace_save: write every event in the ring, dated, to path (0600, a new regular
 * file: no overwrite, no symlink). Returns 0 or -1 with *errstr set. */
int trace_save(const trace_t *trace, const char *path, char **errstr);

/* trace_mask_command: the form of a command line fit for a log: PASS and
 * APOP arguments, AUTH initial responses and SASL continuation lines
 * (is_sasl_response) replaced by "****". Caller frees. */
char *trace_mask_command(const char *line, size_t len, bool is_sasl_response);

#endif
