#include <config.h>

#include "util/sanitize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define REPLACEMENT_CHAR 0xFFFDu
#define CONTROL_PICTURES 0x2400u
#define CONTROL_PICTURE_DEL 0x2421u
/* Each input byte becomes at most three output bytes (U+FFFD or a control picture). */
#define MAX_GROWTH 3
#define UIDL_MAX_LEN 70
#define FILENAME_MIN_LEN 8

/* decode_utf8: decode one code point at s (n > 0 bytes available). Returns the
 * bytes to consume and sets *cp, or *cp = -1 for an invalid sequence; then the
 * count covers the maximal ill-formed subpart, so one U+FFFD replaces it as
 * Unicode recommends, and a truncated sequence never swallows a valid byte. */
static size_t decode_utf8(const unsigned char *s, size_t n, int32_t *cp)
{
	unsigned char c = s[0];
	size_t need;
	int32_t value;
	unsigned char lo = 0x80, hi = 0xBF;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		value = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		value = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		value = c & 0x07;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		/* stray continuation, C0/C1 overlong leads, F5..FF */
		*cp = -1;
		return 1;
	}
	for (size_t i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*cp = -1;
			return i;
		}
		value = (value << 6) | (s[i] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = value;
	return need + 1;
}

static bool is_bidi_control(int32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
	       cp == 0x200F || cp == 0x061C;
}

static char *put_utf8(char *p, uint32_t cp)
{
	if (cp < 0x80) {
		*p++ = (char)cp;
	} else if (cp < 0x800) {
		*p++ = (char)(0xC0 | (cp >> 6));
		*p++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*p++ = (char)(0xE0 | (cp >> 12));
		*p++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*p++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*p++ = (char)(0xF0 | (cp >> 18));
		*p++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*p++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*p++ = (char)(0x80 | (cp & 0x3F));
	}
	return p;
}

/* put_safe: append one decoded code point (-1 = invalid) in its safe form. */
static char *put_safe(char *p, int32_t cp, bool keep_tab, bool ascii_only)
{
	if (cp == '\t' && keep_tab) {
		*p++ = '\t';
	} else if (cp > 0 && cp < 0x20) {
		if (ascii_only) {
			*p++ = '^';
			*p++ = (char)(cp + 0x40);
		} else {
			p = put_utf8(p, CONTROL_PICTURES + (uint32_t)cp);
		}
	} else if (cp == 0x7F) {
		if (ascii_only) {
			*p++ = '^';
			*p++ = '?';
		} else {
			p = put_utf8(p, CONTROL_PICTURE_DEL);
		}
	} else if (cp <= 0 || (cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp)) {
		/* NUL, invalid, C1 controls and direction overrides */
		if (ascii_only)
			*p++ = '?';
		else
			p = put_utf8(p, REPLACEMENT_CHAR);
	} else if (cp >= 0x80 && ascii_only) {
		*p++ = '?';
	} else {
		p = put_utf8(p, (uint32_t)cp);
	}
	return p;
}

char *sanitize_display(const char *in, size_t len, bool keep_tab, bool ascii_only)
{
	if (in == NULL)
		len = 0;

	/* xreallocarray refuses a product that overflows; len + 1 cannot, as in is an object. */
	char *out = xreallocarray(NULL, len + 1, MAX_GROWTH);
	char *p = out;
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0;

	while (i < len) {
		int32_t cp;
		size_t used = decode_utf8(s + i, len - i, &cp);
		p = put_safe(p, cp, keep_tab, ascii_only);
		i += used;
	}
	*p = '\0';
	return xrealloc(out, (size_t)(p - out) + 1);
}

static bool is_filename_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '+';
}

char *sanitize_filename(const char *in, size_t max_len)
{
	static const char fallback[] = "message";

	if (max_len < FILENAME_MIN_LEN)
		max_len = FILENAME_MIN_LEN;
	if (in == NULL)
		return xstrdup(fallback);

	size_t in_len = strlen(in);
	size_t cap = in_len < max_len ? in_len : max_len;
	char *out = xmalloc(cap + 1);
	size_t n = 0;
	bool in_run = false;

	for (const unsigned char *s = (const unsigned char *)in; *s != '\0' && n < cap; s++) {
		if (is_filename_char(*s)) {
			/* A leading dot would make a hidden file, or "." / "..". */
			if (n == 0 && *s == '.')
				continue;
			out[n++] = (char)*s;
			in_run = false;
		} else if (!in_run) {
			out[n++] = '_';
			in_run = true;
		}
	}
	out[n] = '\0';
	if (n == 0) {
		free(out);
		return xstrdup(fallback);
	}
	return out;
}

bool sanitize_is_clean_uidl(const char *uidl, size_t len)
{
	if (uidl == NULL || len == 0 || len > UIDL_MAX_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)uidl[i];
		if (c < 0x21 || c > 0x7E)
			return false;
	}
	return true;
}
