#include <config.h>

#include "pop3/reply.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#include "util/gettext.h"
#include "util/numparse.h"
#include "util/sanitize.h"

long pop3_find_line(const char *data, size_t len, size_t max, size_t *line_len)
{
	/* The return type is long: never promise more than it can say. */
	if (max > (size_t)LONG_MAX)
		max = (size_t)LONG_MAX;

	size_t scan = len < max ? len : max;
	const char *lf = scan ? memchr(data, '\n', scan) : NULL;

	if (lf == NULL)
		return len >= max ? -1 : 0;

	size_t end = (size_t)(lf - data);
	*line_len = (end > 0 && data[end - 1] == '\r') ? end - 1 : end;
	return (long)(end + 1);
}

uint64_t pop3_size_margin(uint64_t announced)
{
	uint64_t margin = announced / 16;
	return margin > POP3_MIN_SIZE_MARGIN ? margin : POP3_MIN_SIZE_MARGIN;
}

/* starts_with: line begins with the literal prefix (case-sensitive, as RFC 1939 says). */
static bool starts_with(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(line, prefix, n) == 0;
}

static bool is_code_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

/* code_is: code (without brackets) is name, or a child of it in the RFC 2449
 * hierarchy ("SYS/TEMP/QUOTA" is a SYS/TEMP for a client that knows no more). */
static bool code_is(const char *code, size_t len, const char *name)
{
	size_t n = strlen(name);
	if (len < n || strncasecmp(code, name, n) != 0)
		return false;
	return len == n || code[n] == '/';
}

/* parse_code: the RFC 2449 "[CODE/SUB]" at the start of text, if well formed. */
static pop3_code_t parse_code(const char *text, size_t len)
{
	static const struct {
		const char *name;
		pop3_code_t code;
	} known[] = {
	    {"IN-USE", POP3_CODE_IN_USE},     {"LOGIN-DELAY", POP3_CODE_LOGIN_DELAY},
	    {"SYS/TEMP", POP3_CODE_SYS_TEMP}, {"SYS/PERM", POP3_CODE_SYS_PERM},
	    {"AUTH", POP3_CODE_AUTH},
	};
	size_t i;

	if (len < 3 || text[0] != '[')
		return POP3_CODE_NONE;
	/* resp-code = resp-level *("/" resp-level); resp-level = 1*(ALPHA / DIGIT / "-") */
	for (i = 1; i < len && text[i] != ']'; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '/') {
			if (text[i - 1] == '[' || text[i - 1] == '/')
				return POP3_CODE_NONE;
		} else if (!is_code_char(c)) {
			return POP3_CODE_NONE;
		}
	}
	if (i >= len || i == 1 || text[i - 1] == '/')
		return POP3_CODE_NONE;

	const char *code = text + 1;
	size_t code_len = i - 1;
	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		if (code_is(code, code_len, known[k].name))
			return known[k].code;
	}
	return POP3_CODE_OTHER;
}

/* set_text: the status text starts after the status word and one space. */
static void set_text(pop3_status_line_t *out, const char *line, size_t len, size_t word_len)
{
	size_t skip = word_len < len ? word_len + 1 : word_len;
	out->text = line + skip;
	out->text_len = len - skip;
}

void pop3_parse_status(const char *line, size_t len, pop3_status_line_t *out)
{
	out->code = POP3_CODE_NONE;
	out->text = line;
	out->text_len = len;

	if (starts_with(line, len, "+OK") && (len == 3 || line[3] == ' ')) {
		out->status = POP3_STATUS_OK;
		set_text(out, line, len, 3);
	} else if (starts_with(line, len, "-ERR") && (len == 4 || line[4] == ' ')) {
		out->status = POP3_STATUS_ERR;
		set_text(out, line, len, 4);
	} else if (len >= 1 && line[0] == '+' && (len == 1 || line[1] == ' ')) {
		/* SASL continuation; no response codes there */
		out->status = POP3_STATUS_CONT;
		set_text(out, line, len, 1);
		return;
	} else {
		out->status = POP3_STATUS_BAD;
		return;
	}
	out->code = parse_code(out->text, out->text_len);
}

const char *pop3_code_explain(pop3_code_t code)
{
	switch (code) {
	case POP3_CODE_IN_USE:
		/* TRANSLATORS: explains the server's [IN-USE] response code */
		return _("the mailbox is locked by another session; "
			 "wait or close the other client");
	case POP3_CODE_LOGIN_DELAY:
		/* TRANSLATORS: explains the server's [LOGIN-DELAY] response code */
		return _("the server limits how often you may log in; wait before trying again");
	case POP3_CODE_SYS_TEMP:
		/* TRANSLATORS: explains the server's [SYS/TEMP] response code */
		return _("the server has a temporary problem; try again later");
	case POP3_CODE_SYS_PERM:
		/* TRANSLATORS: explains the server's [SYS/PERM] response code */
		return _("the server has a permanent problem; ask its administrator");
	case POP3_CODE_AUTH:
		/* TRANSLATORS: explains the server's [AUTH] response code */
		return _("the user name or password was not accepted");
	case POP3_CODE_NONE:
	case POP3_CODE_OTHER: break;
	}
	return NULL;
}

/* Body decoder states. A leading '.' (and a CR after it) is held back until
 * the next byte tells a terminator from content; everything else is
 * delivered in spans of the input as it stands, cut only where a stuffing
 * dot is dropped or at the end of the input. */
enum {
	BODY_LINE_START, /* at the first byte of a line */
	BODY_AFTER_DOT,  /* a line began with '.', held */
	BODY_IN_LINE,    /* inside a line, up to and including its LF */
	BODY_DOT_CR,     /* a line began with ".\r", held */
	BODY_DONE,
};
#define BODY_STATE_MASK 0xff
/* Set in state once out asked to stop; the counts go on. */
#define BODY_STOPPED 0x100

void pop3_body_init(pop3_body_t *body)
{
	body->state = BODY_LINE_START;
	body->octets = 0;
	body->lines = 0;
	body->done = false;
	body->bad_stuffing = false;
}

static void body_deliver(pop3_body_t *body, const char *data, size_t len, pop3_body_out_fn out,
			 void *ctx)
{
	if (len == 0)
		return;
	body->octets += len;
	if (out != NULL && !(body->state & BODY_STOPPED) && out(ctx, data, len) != 0)
		body->state |= BODY_STOPPED;
}

/* held_start: where the held bytes (n of them, ending before pos) begin in this
 * input; 0 when some of them came with an earlier input. */
static size_t held_start(size_t pos, size_t n)
{
	return pos >= n ? pos - n : 0;
}

size_t pop3_body_feed(pop3_body_t *body, const char *data, size_t len, pop3_body_out_fn out,
		      void *ctx)
{
	int state = body->state & BODY_STATE_MASK;
	size_t i = 0;
	size_t span = 0; /* start of the input bytes not yet delivered */

	if (body->done || state == BODY_DONE || len == 0)
		return 0;

	while (i < len) {
		char c = data[i];
		switch (state) {
		case BODY_LINE_START:
			if (c == '.')
				state = BODY_AFTER_DOT;
			else if (c == '\n')
				body->lines++;
			else
				state = BODY_IN_LINE;
			i++;
			break;
		case BODY_IN_LINE: {
			const char *lf = memchr(data + i, '\n', len - i);
			if (lf == NULL) {
				i = len;
			} else {
				i = (size_t)(lf - data) + 1;
				body->lines++;
				state = BODY_LINE_START;
			}
			break;
		}
		case BODY_AFTER_DOT:
			if (c == '\n') {
				body_deliver(body, data + span, held_start(i, 1) - span, out, ctx);
				goto terminated;
			}
			if (c == '\r') {
				state = BODY_DOT_CR;
				i++;
				break;
			}
			if (c == '.') {
				/* ".." loses its first dot */
				body_deliver(body, data + span, held_start(i, 1) - span, out, ctx);
				span = i;
			} else {
				body->bad_stuffing = true;
				if (i ==
				    0) /* a lenient leading dot, held over from the last input */
					body_deliver(body, ".", 1, out, ctx);
			}
			state = BODY_IN_LINE;
			break;
		case BODY_DOT_CR:
			if (c == '\n') {
				body_deliver(body, data + span, held_start(i, 2) - span, out, ctx);
				goto terminated;
			}
			/* ".\r" then something else: content after all. Held bytes from
			 * this input are still in the span; earlier ones are given back. */
			if (i < 2)
				body_deliver(body, ".\r", 2 - i, out, ctx);
			body->bad_stuffing = true;
			state = BODY_IN_LINE;
			break;
		}
	}
	size_t end = len;
	if (state == BODY_AFTER_DOT)
		end = held_start(len, 1);
	else if (state == BODY_DOT_CR)
		end = held_start(len, 2);
	body_deliver(body, data + span, end - span, out, ctx);
	body->state = (body->state & ~BODY_STATE_MASK) | state;
	return len;

terminated:
	body->state = (body->state & ~BODY_STATE_MASK) | BODY_DONE;
	body->done = true;
	return i + 1;
}

/* take_number: digits from line[*pos] up to a space or the end, strictly parsed. */
static bool take_number(const char *line, size_t len, size_t *pos, uint64_t max, uint64_t *out)
{
	size_t start = *pos;
	size_t end = start;

	while (end < len && line[end] != ' ')
		end++;
	if (!parse_u64(line + start, end - start, max, out))
		return false;
	*pos = end;
	return true;
}

/* take_space: exactly one space at line[*pos]. */
static bool take_space(const char *line, size_t len, size_t *pos)
{
	if (*pos >= len || line[*pos] != ' ')
		return false;
	(*pos)++;
	return true;
}

/* at_end_or_extension: nothing more, or a space and text RFC 2449 lets
 * extensions append, which we ignore. */
static bool at_end_or_extension(const char *line, size_t len, size_t pos)
{
	return pos == len || line[pos] == ' ';
}

bool pop3_parse_stat(const char *text, size_t len, uint64_t *count, uint64_t *octets)
{
	size_t pos = 0;
	uint64_t n, size;

	if (!take_number(text, len, &pos, POP3_MAX_MESSAGES, &n) || !take_space(text, len, &pos) ||
	    !take_number(text, len, &pos, UINT64_MAX, &size) ||
	    !at_end_or_extension(text, len, pos))
		return false;
	*count = n;
	*octets = size;
	return true;
}

bool pop3_parse_scan_line(const char *line, size_t len, uint64_t max_number, uint64_t *number,
			  uint64_t *size)
{
	size_t pos = 0;
	uint64_t n, octets;

	if (!take_number(line, len, &pos, max_number, &n) || n == 0 ||
	    !take_space(line, len, &pos) ||
	    !take_number(line, len, &pos, POP3_MAX_MESSAGE_SIZE, &octets) ||
	    !at_end_or_extension(line, len, pos))
		return false;
	*number = n;
	*size = octets;
	return true;
}

bool pop3_parse_uidl_line(const char *line, size_t len, uint64_t max_number, uint64_t *number,
			  const char **uid, size_t *uid_len)
{
	size_t pos = 0;
	uint64_t n;

	if (!take_number(line, len, &pos, max_number, &n) || n == 0 ||
	    !take_space(line, len, &pos) || !sanitize_is_clean_uidl(line + pos, len - pos))
		return false;
	*number = n;
	*uid = line + pos;
	*uid_len = len - pos;
	return true;
}
