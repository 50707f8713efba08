#include <config.h>

#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fdio.h"
#include "util/buf.h"
#include "util/gettext.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

/* A hostile server can send long lines; the ring must stay small, so the
 * text kept per event is bounded. */
#define TRACE_TEXT_MAX 4096

/* The ring keeps each event as one record in a block of bytes: its
 * trace_event_t, then its text (where the event's text points), padded to
 * RECORD_ALIGN. A record never wraps: one that does not fit before the
 * block's end goes to its start. So the ring's memory is the block itself
 * (--log-size), and a second, smaller ring holds each record's offset. */
#define RECORD_ALIGN 8
/* Offsets are 32 bits: no block is larger. */
#define BLOCK_MAX ((size_t)UINT32_MAX & ~(size_t)(RECORD_ALIGN - 1))
/* The first block of a ring without a bound in bytes. */
#define BLOCK_FIRST 4096

struct trace {
	char *block;       /* the records */
	size_t block_size; /* grows (by copying) only while no byte bound is reached */
	size_t write;      /* where the next record goes */
	uint32_t *offsets; /* of the kept records, oldest at first */
	size_t offsets_size;
	size_t first; /* index in offsets of the oldest event */
	size_t count;
	size_t max_events;
	size_t max_bytes;           /* 0: no bound in bytes */
	unsigned long long dropped; /* events the ring let go, ever */
	unsigned long serial;
	bool ascii_only;
	int fd;          /* file sink, -1 when none */
	char *file_path; /* named in the note when the sink fails */
	int file_errno;  /* a sink write failed; reported after the event */
	FILE *stream;
};

static const char *errno_text(int err)
{
	switch (err) {
	case ENOSPC: return _("the disk is full");
	case EROFS: return _("the file system is read-only");
	case EACCES:
	case EPERM: return _("permission denied");
	case ELOOP: return _("it is a symbolic link, which is never followed");
	/* open_regular's answer for a FIFO, a device or a socket (open itself
	 * gives ENXIO for a FIFO without a reader under O_NONBLOCK). */
	case ENXIO: return _("it is not a regular file");
	default: return strerror(err);
	}
}

/* open_regular: open path for writing (flags: O_WRONLY and the rest) and
 * accept only a regular file. O_NONBLOCK and O_NOCTTY make a FIFO or a
 * terminal planted at the path harmless until fstat has looked at it; a
 * symbolic link is never followed. Returns a blocking descriptor, or -1
 * with errno (ENXIO: not a regular file). */
static int open_regular(const char *path, int flags)
{
	int fd = open(path, flags | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	struct stat st;
	int err = 0;
	if (fstat(fd, &st) != 0)
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = ENXIO;
	int now = err ? 0 : fcntl(fd, F_GETFL);
	if (!err && (now < 0 || fcntl(fd, F_SETFL, now & ~O_NONBLOCK) != 0))
		err = errno;
	if (err) {
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

trace_t *trace_new(size_t capacity)
{
	trace_t *trace = xcalloc(1, sizeof *trace);

	trace->max_events = capacity;
	trace->fd = -1;
	return trace;
}

void trace_set_byte_limit(trace_t *trace, size_t max_bytes)
{
	trace->max_bytes =
	    max_bytes < BLOCK_MAX ? max_bytes & ~(size_t)(RECORD_ALIGN - 1) : BLOCK_MAX;
	if (max_bytes && !trace->max_bytes)
		trace->max_bytes = RECORD_ALIGN;
}

static void close_file(trace_t *trace)
{
	if (trace->fd >= 0)
		close(trace->fd);
	trace->fd = -1;
	free(trace->file_path);
	trace->file_path = NULL;
}

void trace_free(trace_t *trace)
{
	if (!trace)
		return;
	free(trace->block);
	free(trace->offsets);
	close_file(trace);
	free(trace);
}

void trace_set_ascii(trace_t *trace, bool ascii_only)
{
	trace->ascii_only = ascii_only;
}

int trace_open_file(trace_t *trace, const char *path, char **errstr)
{
	*errstr = NULL;
	int fd = open_regular(path, O_WRONLY | O_APPEND | O_CREAT);
	if (fd < 0) {
		*errstr = xasprintf(_("cannot open the log file %s: %s"), path, errno_text(errno));
		return -1;
	}
	close_file(trace);
	trace->fd = fd;
	trace->file_path = xstrdup(path);
	trace->file_errno = 0;
	return 0;
}

void trace_set_stream(trace_t *trace, FILE *stream)
{
	trace->stream = stream;
}

static const char *kind_prefix(trace_kind_t kind)
{
	switch (kind) {
	case TRACE_SEND: return "C: ";
	case TRACE_RECV: return "S: ";
	case TRACE_BODY: return "S| ";
	case TRACE_SUMMARY: return "   ";
	case TRACE_TLS: return "TLS ";
	case TRACE_INFO: return "--- ";
	case TRACE_WARN:
	case TRACE_ERROR: return "!!! ";
	}
	return "??? ";
}

/* format_time: the event's time as style says, into out. */
static void format_time(const struct timespec *when, trace_time_t style, char *out, size_t size)
{
	time_t secs = when->tv_sec;
	struct tm tm;
	long ms = when->tv_nsec / 1000000;

	if (!localtime_r(&secs, &tm))
		memset(&tm, 0, sizeof tm);
	if (ms < 0 || ms > 999)
		ms = 0;
	if (style == TRACE_TIME_CLOCK) {
		snprintf(out, size, "%02d:%02d:%02d.%03ld", tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
		return;
	}
	long offset = tm.tm_gmtoff / 60;
	char sign = offset < 0 ? '-' : '+';
	if (offset < 0)
		offset = -offset;
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ld%c%02ld:%02ld", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms, sign, offset / 60,
		 offset % 60);
}

char *trace_format(const trace_event_t *event, trace_time_t style)
{
	char stamp[64];
	format_time(&event->when, style, stamp, sizeof stamp);
	const char *text = event->text ? event->text : "";
	if (event->kind == TRACE_RECV && event->latency_ms >= 0)
		return xasprintf("%s %s%s  (%d ms)", stamp, kind_prefix(event->kind), text,
				 event->latency_ms);
	return xasprintf("%s %s%s", stamp, kind_prefix(event->kind), text);
}

/* stored_text: the sanitized, bounded form of raw event bytes. */
static char *stored_text(const trace_t *trace, const char *text, size_t len)
{
	if (!text)
		len = 0;
	if (len <= TRACE_TEXT_MAX)
		return sanitize_display(text ? text : "", len, false, trace->ascii_only);

	/* Cut on a UTF-8 character boundary so the cut itself adds no U+FFFD. */
	size_t cut = TRACE_TEXT_MAX;
	for (int back = 0; back < 3 && cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80; back++)
		cut--;
	char *head = sanitize_display(text, cut, false, trace->ascii_only);
	char *whole = xasprintf(_("%s [%zu more bytes not shown]"), head, len - cut);
	free(head);
	return whole;
}

static void write_sinks(trace_t *trace, const trace_event_t *event)
{
	if (trace->fd < 0 && !trace->stream)
		return;
	char *line = trace_format(event, TRACE_TIME_DATED);
	if (trace->fd >= 0) {
		/* One write per line, straight to the kernel: a crash keeps the log. */
		size_t len = strlen(line);
		line[len] = '\n';
		int err = fd_write_all(trace->fd, line, len + 1);
		line[len] = '\0';
		if (err)
			trace->file_errno = err;
	}
	if (trace->stream) {
		fprintf(trace->stream, "%s\n", line);
		fflush(trace->stream);
	}
	free(line);
}

/* record_size: the bytes a record with text_len bytes of text takes. */
static size_t record_size(size_t text_len)
{
	return (sizeof(trace_event_t) + text_len + 1 + RECORD_ALIGN - 1) &
	       ~(size_t)(RECORD_ALIGN - 1);
}

static trace_event_t *record_at(const trace_t *trace, size_t offset)
{
	return (trace_event_t *)(void *)(trace->block + offset);
}

/* block_limit: the largest block the ring may have. */
static size_t block_limit(const trace_t *trace)
{
	return trace->max_bytes ? trace->max_bytes : BLOCK_MAX;
}

static void ring_drop_oldest(trace_t *trace)
{
	trace->first = (trace->first + 1) % trace->offsets_size;
	trace->count--;
	trace->dropped++;
	if (!trace->count)
		trace->write = 0;
}

/* room_at: where a record of need bytes fits without touching a kept
 * one, or SIZE_MAX. Kept records lie from the oldest up to write, going
 * round the block's end once at most. */
static size_t room_at(const trace_t *trace, size_t need)
{
	if (!trace->count)
		return need <= trace->block_size ? 0 : SIZE_MAX;
	size_t oldest = trace->offsets[trace->first];
	if (trace->write > oldest) {
		if (trace->block_size - trace->write >= need)
			return trace->write;
		return oldest >= need ? 0 : SIZE_MAX;
	}
	return oldest - trace->write >= need ? trace->write : SIZE_MAX;
}

/* block_grow: a larger block with the kept records in order from its
 * start (their offsets and text pointers follow). A ring bounded in bytes
 * gets its whole block at once: pages never written take no memory, and
 * nothing is ever copied. */
static void block_grow(trace_t *trace, size_t need)
{
	size_t kept = 0;
	for (size_t i = 0; i < trace->count; i++)
		kept += record_size(strlen(trace_get(trace, i)->text));
	size_t size = trace->max_bytes;
	if (!size) {
		size = trace->block_size ? trace->block_size * 2 : BLOCK_FIRST;
		while (size < BLOCK_MAX / 2 && size - kept < need)
			size *= 2;
	}
	/* A bound set after events came may keep fewer of them. */
	while (trace->count && kept + need > size) {
		kept -= record_size(strlen(trace_get(trace, 0)->text));
		ring_drop_oldest(trace);
	}
	char *block = xmalloc(size);
	size_t at = 0;
	for (size_t i = 0; i < trace->count; i++) {
		size_t index = (trace->first + i) % trace->offsets_size;
		const trace_event_t *old = record_at(trace, trace->offsets[index]);
		size_t n = record_size(strlen(old->text));
		trace_event_t *moved = (trace_event_t *)(void *)(block + at);
		memcpy(moved, old, n);
		moved->text = block + at + sizeof *moved;
		trace->offsets[index] = (uint32_t)at;
		at += n;
	}
	free(trace->block);
	trace->block = block;
	trace->block_size = size;
	trace->write = at;
}

/* offsets_grow: room for one more offset, up to max_events. A ring bounded
 * in bytes gets all it can use at once: every record takes at least
 * record_size(0). */
static void offsets_grow(trace_t *trace)
{
	size_t size = trace->offsets_size ? trace->offsets_size * 2 : 256;
	if (trace->max_bytes && size < trace->max_bytes / record_size(0))
		size = trace->max_bytes / record_size(0);
	if (size > trace->max_events || size < trace->offsets_size)
		size = trace->max_events;
	uint32_t *offsets = xreallocarray(NULL, size, sizeof *offsets);
	for (size_t i = 0; trace->offsets_size && i < trace->count; i++)
		offsets[i] = trace->offsets[(trace->first + i) % trace->offsets_size];
	free(trace->offsets);
	trace->offsets = offsets;
	trace->offsets_size = size;
	trace->first = 0;
}

/* ring_push: keep the event (its text is copied into the ring and freed),
 * letting the oldest go as the bounds require. */
static void ring_push(trace_t *trace, trace_event_t *event)
{
	size_t len = strlen(event->text), need = record_size(len);
	if (trace->max_events == 0 || need > block_limit(trace)) {
		/* Letting it go alone would rename the kept events (see
		 * trace_dropped): it ends them all. */
		while (trace->count)
			ring_drop_oldest(trace);
		if (trace->max_events)
			trace->dropped++;
		free(event->text);
		return;
	}
	if (trace->block_size < block_limit(trace) && room_at(trace, need) == SIZE_MAX)
		block_grow(trace, need);
	if (trace->count == trace->offsets_size && trace->offsets_size < trace->max_events)
		offsets_grow(trace);
	size_t at = 0;
	while (trace->count &&
	       ((at = room_at(trace, need)) == SIZE_MAX || trace->count == trace->offsets_size))
		ring_drop_oldest(trace);
	if (!trace->count)
		at = 0; /* need fits the block: see above */
	trace_event_t *record = record_at(trace, at);
	*record = *event;
	record->text = trace->block + at + sizeof *record;
	memcpy(record->text, event->text, len + 1);
	free(event->text);
	trace->offsets[(trace->first + trace->count) % trace->offsets_size] = (uint32_t)at;
	trace->count++;
	trace->write = at + need;
}

bool trace_wanted(const trace_t *trace)
{
	return trace->max_events || trace->fd >= 0 || trace->stream;
}

void trace_emit(trace_t *trace, trace_kind_t kind, long latency_ms, const char *text, size_t len)
{
	trace_event_t event;

	trace->serial++;
	if (!trace_wanted(trace))
		return;
	if (clock_gettime(CLOCK_REALTIME, &event.when) != 0)
		memset(&event.when, 0, sizeof event.when);
	event.kind = kind;
	event.latency_ms = latency_ms < 0 ? -1 : latency_ms > INT_MAX ? INT_MAX : (int)latency_ms;
	event.text = stored_text(trace, text, len);
	write_sinks(trace, &event);
	ring_push(trace, &event);

	if (trace->file_errno) {
		/* Stop writing a broken log file, and say so once, in the ring. */
		int err = trace->file_errno;
		char *path = trace->file_path ? xstrdup(trace->file_path) : xstrdup("");
		close_file(trace);
		trace->file_errno = 0;
		trace_emitf(trace, TRACE_ERROR,
			    _("writing the log file %s failed (%s); it is closed"), path,
			    errno_text(err));
		free(path);
	}
}

void trace_emitf(trace_t *trace, trace_kind_t kind, const char *fmt, ...)
{
	va_list ap;

	if (!trace_wanted(trace)) {
		trace->serial++;
		return;
	}
	va_start(ap, fmt);
	char *text = xvasprintf(fmt, ap);
	va_end(ap);
	trace_emit(trace, kind, -1, text, strlen(text));
	free(text);
}

size_t trace_count(const trace_t *trace)
{
	return trace->count;
}

const trace_event_t *trace_get(const trace_t *trace, size_t index)
{
	if (index >= trace->count)
		return NULL;
	return record_at(trace, trace->offsets[(trace->first + index) % trace->offsets_size]);
}

unsigned long trace_serial(const trace_t *trace)
{
	return trace->serial;
}

unsigned long long trace_dropped(const trace_t *trace)
{
	return trace->dropped;
}

bool trace_is_brief(trace_kind_t kind)
{
	return kind != TRACE_BODY && kind != TRACE_SUMMARY;
}

/* event_holds: needle in the event's prefix and text, ASCII case ignored. */
static bool event_holds(const trace_event_t *event, const char *needle, buf_t *scratch)
{
	buf_clear(scratch);
	buf_append_str(scratch, kind_prefix(event->kind));
	buf_append_str(scratch, event->text ? event->text : "");
	buf_append(scratch, "", 1);
	return strcasestr(scratch->data, needle) != NULL;
}

bool trace_find(const trace_t *trace, const char *needle, size_t from, bool forward,
		bool brief_only, size_t *found)
{
	size_t count = trace->count;
	if (!count || !needle || !*needle)
		return false;
	if (from >= count)
		from = forward ? count - 1 : 0;
	buf_t scratch;
	buf_init(&scratch);
	bool hit = false;
	for (size_t step = 1; step <= count && !hit; step++) {
		size_t index =
		    forward ? (from + step) % count : (from + count - step % count) % count;
		const trace_event_t *event = trace_get(trace, index);
		if (brief_only && !trace_is_brief(event->kind))
			continue;
		if (event_holds(event, needle, &scratch)) {
			*found = index;
			hit = true;
		}
	}
	buf_free(&scratch);
	return hit;
}

int trace_save(const trace_t *trace, const char *path, char **errstr)
{
	*errstr = NULL;
	int fd = open_regular(path, O_WRONLY | O_CREAT | O_EXCL);
	if (fd < 0) {
		if (errno == EEXIST)
			*errstr = xasprintf(_("%s already exists; the log was not saved (it is "
					      "never overwritten, choose another name)"),
					    path);
		else
			*errstr = xasprintf(_("cannot create %s: %s"), path, errno_text(errno));
		return -1;
	}

	buf_t out;
	buf_init(&out);
	for (size_t i = 0; i < trace->count; i++) {
		char *line = trace_format(trace_get(trace, i), TRACE_TIME_DATED);
		buf_append_str(&out, line);
		buf_append(&out, "\n", 1);
		free(line);
	}
	int err = fd_write_all(fd, out.data ? out.data : "", out.len);
	buf_free(&out);
	if (!err && fsync(fd) != 0)
		err = errno;
	if (close(fd) != 0 && !err)
		err = errno;
	if (err) {
		unlink(path);
		*errstr = xasprintf(_("cannot write %s: %s"), path, errno_text(err));
		return -1;
	}
	return 0;
}

/* ---- masking ---- */

/* Servers split commands at spaces; any control byte counts as a
 * separator too, so "PASS\vsecret" cannot slip through unmasked. */
static bool is_separator(char c)
{
	return (unsigned char)c <= 0x20 || c == 0x7f;
}

static size_t skip_separators(const char *s, size_t len, size_t pos)
{
	while (pos < len && is_separator(s[pos]))
		pos++;
	return pos;
}

static size_t skip_word(const char *s, size_t len, size_t pos)
{
	while (pos < len && !is_separator(s[pos]))
		pos++;
	return pos;
}

static bool word_is(const char *s, size_t start, size_t end, const char *word)
{
	size_t len = strlen(word);

	return end - start == len && strncasecmp(s + start, word, len) == 0;
}

/* mask_segment: one command (no CR or LF inside). */
static void mask_segment(buf_t *out, const char *s, size_t len)
{
	size_t cmd_start = skip_separators(s, len, 0);
	size_t cmd_end = skip_word(s, len, cmd_start);
	size_t kept_words;
	bool pass = false;

	if (word_is(s, cmd_start, cmd_end, "PASS")) {
		kept_words = 0;
		pass = true;
	} else if (word_is(s, cmd_start, cmd_end, "APOP") ||
		   word_is(s, cmd_start, cmd_end, "AUTH")) {
		kept_words = 1; /* the user name, or the mechanism */
	} else {
		buf_append(out, s, len);
		return;
	}

	size_t keep_end = cmd_end;
	for (size_t k = 0; k < kept_words; k++) {
		size_t word = skip_separators(s, len, keep_end);
		if (word == len)
			break;
		keep_end = skip_word(s, len, word);
	}
	/* A password may be made of spaces: after PASS anything at all is secret. */
	size_t secret = pass ? keep_end : skip_separators(s, len, keep_end);
	if (secret >= len) {
		buf_append(out, s, len);
		return;
	}
	buf_append(out, s, keep_end);
	buf_append_str(out, " ****");
}

char *trace_mask_command(const char *line, size_t len, bool is_sasl_response)
{
	if (!line)
		len = 0;
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;

	if (is_sasl_response) {
		size_t start = skip_separators(line, len, 0);
		size_t end = len;
		while (end > start && is_separator(line[end - 1]))
			end--;
		if (len == 0)
			return xstrdup("");
		if (end - start == 1 && line[start] == '*')
			return xstrdup("*");
		return xstrdup("****");
	}

	/* An embedded line break would make two commands of one line:
	 * each is masked on its own. */
	buf_t out;
	buf_init(&out);
	size_t pos = 0;
	while (pos < len) {
		size_t end = pos;
		while (end < len && line[end] != '\r' && line[end] != '\n')
			end++;
		mask_segment(&out, line + pos, end - pos);
		if (end < len)
			buf_append(&out, line + end, 1);
		pos = end + 1;
	}
	return buf_steal(&out);
}
