#include <config.h>

#include "pop3/reply.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/numparse.h"
#include "util/xalloc.h"

/* RFC 2449 caps a capability line at 512 octets; anything much longer is garbage. */
#define CAPA_MAX_LINE 1024
/* The whole announced mechanism list, separators included. */
#define CAPA_MAX_SASL 1024
/* RFC 4422: a mechanism name is 1..20 of A-Z, 0-9, '-', '_'. */
#define SASL_MECH_MAX 20
#define CAPA_MAX_IMPLEMENTATION 256
/* LOGIN-DELAY seconds and EXPIRE days beyond this are nonsense. */
#define CAPA_MAX_NUMBER 100000000u
#define APOP_MAX_TIMESTAMP 256

static void capa_reset(pop3_capa_t *capa)
{
	memset(capa, 0, sizeof(*capa));
	capa->sasl = NULL;
	capa->implementation = NULL;
	capa->login_delay = -1;
	capa->expire = -1;
}

void pop3_capa_free(pop3_capa_t *capa)
{
	free(capa->sasl);
	free(capa->implementation);
	capa_reset(capa);
}

/* next_word: the next space-separated word of line from *pos, or false at the end. */
static bool next_word(const char *line, size_t len, size_t *pos, const char **word,
		      size_t *word_len)
{
	size_t i = *pos;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == len)
		return false;
	size_t start = i;
	while (i < len && line[i] != ' ' && line[i] != '\t')
		i++;
	*word = line + start;
	*word_len = i - start;
	*pos = i;
	return true;
}

static bool word_is(const char *word, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(word, name, len) == 0;
}

/* sasl_has: the upper-case mechanism is already in the list. */
static bool sasl_has(const buf_t *list, const char *mech, size_t len)
{
	if (list->len == 0)
		return false;

	const char *p = list->data;
	const char *end = list->data + list->len;

	while (p < end) {
		const char *space = memchr(p, ' ', (size_t)(end - p));
		size_t n = space ? (size_t)(space - p) : (size_t)(end - p);
		if (n == len && memcmp(p, mech, len) == 0)
			return true;
		p += n + 1;
	}
	return false;
}

/* add_mechanisms: append the well-formed mechanisms of a SASL line, upper-cased,
 * without duplicates, while the list stays within its bound. */
static void add_mechanisms(buf_t *list, const char *line, size_t len, size_t pos)
{
	const char *word;
	size_t word_len;

	while (next_word(line, len, &pos, &word, &word_len)) {
		char mech[SASL_MECH_MAX];
		bool ok = word_len <= SASL_MECH_MAX;

		for (size_t i = 0; ok && i < word_len; i++) {
			unsigned char c = (unsigned char)word[i];
			if (c >= 'a' && c <= 'z')
				c = (unsigned char)(c - 'a' + 'A');
			ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
			     c == '_';
			mech[i] = (char)c;
		}
		if (!ok || sasl_has(list, mech, word_len))
			continue;
		if (list->len + word_len + 1 > CAPA_MAX_SASL)
			return;
		if (list->len > 0)
			buf_append(list, " ", 1);
		buf_append(list, mech, word_len);
	}
}

/* parse_number_arg: the first argument as a bounded number, or fallback. */
static long parse_number_arg(const char *line, size_t len, size_t pos, long fallback)
{
	const char *word;
	size_t word_len;
	uint64_t value;

	if (!next_word(line, len, &pos, &word, &word_len) ||
	    !parse_u64(word, word_len, CAPA_MAX_NUMBER, &value))
		return fallback;
	return (long)value;
}

static void parse_capa_line(pop3_capa_t *capa, buf_t *sasl, const char *line, size_t len)
{
	static const struct {
		const char *name;
		size_t offset;
	} flags[] = {
	    {"TOP", offsetof(pop3_capa_t, top)},
	    {"UIDL", offsetof(pop3_capa_t, uidl)},
	    {"USER", offsetof(pop3_capa_t, user)},
	    {"PIPELINING", offsetof(pop3_capa_t, pipelining)},
	    {"STLS", offsetof(pop3_capa_t, stls)},
	    {"RESP-CODES", offsetof(pop3_capa_t, resp_codes)},
	    {"AUTH-RESP-CODE", offsetof(pop3_capa_t, auth_resp_code)},
	    {"SASL-IR", offsetof(pop3_capa_t, sasl_ir)},
	};
	const char *name;
	size_t name_len;
	size_t pos = 0;

	if (!next_word(line, len, &pos, &name, &name_len))
		return;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (word_is(name, name_len, flags[i].name)) {
			*(bool *)((char *)capa + flags[i].offset) = true;
			return;
		}
	}
	if (word_is(name, name_len, "SASL")) {
		add_mechanisms(sasl, line, len, pos);
	} else if (word_is(name, name_len, "IMPLEMENTATION")) {
		while (pos < len && line[pos] == ' ')
			pos++;
		size_t text_len = len - pos;
		if (text_len > CAPA_MAX_IMPLEMENTATION)
			text_len = CAPA_MAX_IMPLEMENTATION;
		free(capa->implementation);
		capa->implementation = text_len ? xstrndup(line + pos, text_len) : NULL;
	} else if (word_is(name, name_len, "UTF8")) {
		/* RFC 6856: "UTF8", optionally with the argument USER. */
		const char *word;
		size_t word_len;
		capa->utf8 = true;
		while (next_word(line, len, &pos, &word, &word_len))
			if (word_is(word, word_len, "USER"))
				capa->utf8_user = true;
	} else if (word_is(name, name_len, "LOGIN-DELAY")) {
		capa->login_delay = parse_number_arg(line, len, pos, -1);
	} else if (word_is(name, name_len, "EXPIRE")) {
		const char *word;
		size_t word_len;
		size_t arg = pos;
		if (next_word(line, len, &arg, &word, &word_len) &&
		    word_is(word, word_len, "NEVER"))
			capa->expire = -2;
		else
			capa->expire = parse_number_arg(line, len, pos, -1);
	}
}

void pop3_parse_capa(const char *body, size_t len, pop3_capa_t *capa)
{
	buf_t sasl;
	size_t pos = 0;

	capa_reset(capa);
	capa->known = true;
	buf_init(&sasl);

	while (pos < len) {
		const char *line = body + pos;
		const char *lf = memchr(line, '\n', len - pos);
		size_t line_len = lf ? (size_t)(lf - line) : len - pos;

		pos += line_len + (lf ? 1 : 0);
		if (line_len > 0 && line[line_len - 1] == '\r')
			line_len--;
		if (line_len <= CAPA_MAX_LINE && memchr(line, '\0', line_len) == NULL)
			parse_capa_line(capa, &sasl, line, line_len);
	}
	capa->sasl = sasl.len ? buf_steal(&sasl) : NULL;
	buf_free(&sasl);
}

static bool is_timestamp_char(unsigned char c)
{
	return c >= 0x21 && c <= 0x7E;
}

char *pop3_apop_timestamp(const char *greeting, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *open = memchr(greeting + i, '<', len - i);
		if (open == NULL)
			return NULL;
		size_t start = (size_t)(open - greeting);
		size_t end = start + 1;
		bool at = false;

		while (end < len && end - start < APOP_MAX_TIMESTAMP && greeting[end] != '>' &&
		       greeting[end] != '<' && is_timestamp_char((unsigned char)greeting[end])) {
			if (greeting[end] == '@')
				at = true;
			end++;
		}
		if (end < len && greeting[end] == '>' && at)
			return xstrndup(greeting + start, end - start + 1);
		/* Not a timestamp: look again from where this candidate broke. */
		i = end > start + 1 ? end : start + 1;
	}
	return NULL;
}
