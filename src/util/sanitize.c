#include <config.h>

#include "util/sanitize.h"

#include <langinfo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

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

bool sanitize_is_plain(const char *s)
{
	for (; *s; s++)
		if (*s < ' ' || *s > '~')
			return false;
	return true;
}

bool sanitize_locale_is_utf8(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

/* is_format_char: Unicode's general category Cf (format: bidi marks and
 * overrides, zero-width characters, the soft hyphen, BOM, tag characters). */
static bool is_format_char(int32_t cp)
{
	static const struct {
		int32_t first, last;
	} ranges[] = {
	    {0x00AD, 0x00AD},   {0x0600, 0x0605},   {0x061C, 0x061C},   {0x06DD, 0x06DD},
	    {0x070F, 0x070F},   {0x0890, 0x0891},   {0x08E2, 0x08E2},   {0x180E, 0x180E},
	    {0x200B, 0x200F},   {0x202A, 0x202E},   {0x2060, 0x2064},   {0x2066, 0x206F},
	    {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD},
	    {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
	    {0xE0020, 0xE007F},
	};
	for (size_t i = 0; i < sizeof ranges / sizeof *ranges; i++)
		if (cp >= ranges[i].first && cp <= ranges[i].last)
			return true;
	return false;
}

static bool is_unicode_space(int32_t cp)
{
	return cp == ' ' || cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
	       cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

static bool is_ascii_filename_char(int32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '+';
}

/* What becomes of one code point in a file name. */
typedef enum {
	NAME_KEEP,    /* copied */
	NAME_MARK,    /* a combining mark: copied after a kept letter or digit */
	NAME_SPACE,   /* a space: runs become one ' ' */
	NAME_REPLACE, /* runs (with the spaces around them) become one '_' */
	NAME_DROP,    /* removed without a trace: controls, format characters */
} name_class_t;

static name_class_t classify(int32_t cp, bool utf8)
{
	if (!utf8)
		return is_ascii_filename_char(cp) ? NAME_KEEP : NAME_REPLACE;
	if (cp < 0)
		return NAME_REPLACE; /* invalid UTF-8 */
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		return NAME_DROP;
	if (is_format_char(cp))
		return NAME_DROP;
	if (is_unicode_space(cp))
		return NAME_SPACE;
	if (cp < 0x80)
		return is_ascii_filename_char(cp) || cp == ',' || cp == '(' || cp == ')'
			   ? NAME_KEEP
			   : NAME_REPLACE;
	if (iswalnum((wint_t)cp))
		return NAME_KEEP;
	if (iswgraph((wint_t)cp) && wcwidth((wchar_t)cp) == 0)
		return NAME_MARK;
	return NAME_REPLACE;
}

/* utf8_boundary: the largest cut <= at that does not split a UTF-8 sequence. */
static size_t utf8_boundary(const char *s, size_t at)
{
	while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80)
		at--;
	return at;
}

/* extension_start: where ".ext" begins (1 to 10 ASCII letters or digits
 * after the last dot, not a leading one), or len when there is none. */
static size_t extension_start(const char *s, size_t len)
{
	const char *dot = memrchr(s, '.', len);
	if (dot == NULL || dot == s)
		return len;
	size_t ext = len - (size_t)(dot - s) - 1;
	if (ext < 1 || ext > 10)
		return len;
	for (const char *p = dot + 1; p < s + len; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9')))
			return len;
	return (size_t)(dot - s);
}

/* bound_length: cut name (len bytes) to at most max bytes on a character
 * boundary, keeping an extension when the stem has room for a character. */
static void bound_length(char *name, size_t len, size_t max)
{
	if (len <= max)
		return;
	size_t ext = extension_start(name, len);
	size_t ext_len = len - ext;
	if (ext < len && ext_len < max) {
		size_t stem = utf8_boundary(name, max - ext_len);
		while (stem > 0 && name[stem - 1] == ' ')
			stem--;
		if (stem > 0) {
			memmove(name + stem, name + ext, ext_len);
			name[stem + ext_len] = '\0';
			return;
		}
	}
	size_t cut = utf8_boundary(name, max);
	while (cut > 0 && name[cut - 1] == ' ')
		cut--;
	name[cut] = '\0';
}

char *sanitize_filename_for(const char *in, size_t max_len, bool utf8)
{
	static const char fallback[] = "message";

	if (max_len < FILENAME_MIN_LEN)
		max_len = FILENAME_MIN_LEN;
	if (in == NULL)
		return xstrdup(fallback);

	/* Each code point gives at most as many bytes as it took. */
	size_t in_len = strlen(in);
	char *out = xmalloc(in_len + 1);
	size_t n = 0;
	name_class_t pending = NAME_DROP; /* a space or replace run not written yet */
	bool after_letter = false;
	const unsigned char *s = (const unsigned char *)in;

	for (size_t i = 0; i < in_len;) {
		int32_t cp;
		size_t used = utf8 ? decode_utf8(s + i, in_len - i, &cp) : 1;
		if (!utf8)
			cp = s[i];
		name_class_t class = classify(cp, utf8);
		if (class == NAME_MARK && !after_letter)
			class = NAME_REPLACE;
		if (class == NAME_SPACE || class == NAME_REPLACE) {
			if (class == NAME_REPLACE || pending != NAME_REPLACE)
				pending = class;
			after_letter = false;
		} else if (class != NAME_DROP) {
			/* A leading dot would make a hidden file, or "." / "..". */
			if (n == 0 && pending != NAME_REPLACE && cp == '.') {
				i += used;
				continue;
			}
			if (pending == NAME_REPLACE || (pending == NAME_SPACE && n > 0))
				out[n++] = pending == NAME_REPLACE ? '_' : ' ';
			pending = NAME_DROP;
			memcpy(out + n, s + i, used);
			n += used;
			after_letter = class == NAME_MARK || iswalnum((wint_t)cp);
		}
		i += used;
	}
	if (pending == NAME_REPLACE)
		out[n++] = '_';
	out[n] = '\0';
	bound_length(out, n, max_len);
	if (out[0] == '\0') {
		free(out);
		return xstrdup(fallback);
	}
	return out;
}

char *sanitize_filename(const char *in, size_t max_len)
{
	return sanitize_filename_for(in, max_len, sanitize_locale_is_utf8());
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
