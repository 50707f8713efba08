#include <config.h>
#include "mime.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "util/gettext.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

/* Deeper containers are not listed: the views cannot show them usefully and
 * our walk must stay bounded whatever GMime built. */
#define MIME_MAX_DEPTH 64
/* More parts than this are not listed (a hostile message can hold many). */
#define MIME_MAX_PARTS 10000

struct mime_message {
	GMimeMessage *gmessage;
	mime_summary_t summary;
	GMimeParserWarning broken;     /* the first structural warning, 0 for none */
	GMimeParserWarning broken_cut; /* the first one a cut alone cannot cause */
	size_t count;
	size_t cap;
	mime_part_info_t *parts;
	GMimeObject **objects; /* borrowed from gmessage, parallel to parts */
};

static GMimeParserOptions *parser_options;
/* The message being parsed: the warning callback notes into it. */
static mime_message_t *parsing;

/* structural: the warnings about the MIME structure, as opposed to those
 * about one header's text (8-bit bytes, a bad encoded word, an address),
 * which the header scan judges itself. */
static bool structural(GMimeParserWarning code)
{
	switch (code) {
	case GMIME_WARN_INVALID_CONTENT_TYPE:
	case GMIME_WARN_MALFORMED_MULTIPART:
	case GMIME_WARN_TRUNCATED_MESSAGE:
	case GMIME_WARN_MALFORMED_MESSAGE:
	case GMIME_CRIT_CONFLICTING_HEADER:
	case GMIME_CRIT_CONFLICTING_PARAMETER:
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
	case GMIME_CRIT_NESTING_OVERFLOW:
	case GMIME_WARN_PART_WITHOUT_CONTENT:
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: return true;
	default: return false;
	}
}

/* cut_alone: what a message cut after its first lines shows as well. */
static bool cut_alone(GMimeParserWarning code)
{
	return code == GMIME_WARN_TRUNCATED_MESSAGE || code == GMIME_WARN_MALFORMED_MULTIPART ||
	       code == GMIME_WARN_MALFORMED_MESSAGE ||
	       code == GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT;
}

static void on_parser_warning(gint64 offset, GMimeParserWarning code, const gchar *item,
			      gpointer user_data)
{
	(void)offset, (void)item, (void)user_data;
	if (!parsing || !structural(code))
		return;
	if (!parsing->broken)
		parsing->broken = code;
	if (!parsing->broken_cut && !cut_alone(code))
		parsing->broken_cut = code;
}

void mime_init(void)
{
	/* Last one never fails: every byte is a Latin-1 character. */
	static const char *fallback[] = {"utf-8", "windows-1252", "iso-8859-1", NULL};

	if (parser_options != NULL)
		return;
	g_mime_init();
	xmlInitParser();
	parser_options = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(parser_options,
							  GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(parser_options,
							  GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(parser_options,
							    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_allow_addresses_without_domain(parser_options, TRUE);
	g_mime_parser_options_set_fallback_charsets(parser_options, fallback);
	g_mime_parser_options_set_warning_callback(parser_options, on_parser_warning, NULL);
}

char *mime_library_version(void)
{
	return xasprintf("GMime %u.%u.%u", gmime_major_version, gmime_minor_version,
			 gmime_micro_version);
}

/* libxml2 spells its version as one number, 20914 for 2.9.14, perhaps
 * followed by a suffix of its build. */
char *mime_html_library_version(void)
{
	unsigned long number = strtoul(xmlParserVersion, NULL, 10);
	return xasprintf("libxml2 %lu.%lu.%lu", number / 10000, number / 100 % 100, number % 100);
}

void mime_done(void)
{
	if (parser_options == NULL)
		return;
	g_mime_parser_options_free(parser_options);
	parser_options = NULL;
	g_mime_shutdown();
	xmlCleanupParser();
}

/* ---- text helpers ---- */

/* Windows-1252 for 0x80..0x9f (0 where undefined: kept as the C1 code point,
 * which the display sanitizer makes visible). Mislabelled or unlabelled
 * 8-bit mail is far more often cp1252 than anything else. */
static const unsigned short cp1252_high[32] = {
    0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017d, 0,      0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178,
};

static void append_codepoint(buf_t *out, unsigned int cp)
{
	char tmp[4];
	size_t n;

	if (cp < 0x80) {
		tmp[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		tmp[0] = (char)(0xc0 | (cp >> 6));
		tmp[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else {
		tmp[0] = (char)(0xe0 | (cp >> 12));
		tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		tmp[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	}
	buf_append(out, tmp, n);
}

/* append_bytes: append text to out, LF line endings (CRLF and lone CR
 * become LF), NUL dropped; lf_only false keeps line endings as they are. */
static void append_bytes(buf_t *out, const char *p, size_t len, bool lf_only)
{
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		if (p[i] != '\0' && (p[i] != '\r' || !lf_only))
			continue;
		buf_append(out, p + start, i - start);
		if (p[i] == '\r' && !(i + 1 < len && p[i + 1] == '\n'))
			buf_append(out, "\n", 1);
		start = i + 1;
	}
	buf_append(out, p + start, len - start);
}

/* utf8_repair: out gets p with every invalid sequence replaced by U+FFFD. */
static void utf8_repair(buf_t *out, const char *p, size_t len, bool lf_only)
{
	const char *end;

	if (len == 0)
		return;
	end = p + len;
	while (p < end) {
		const gchar *valid_end;

		g_utf8_validate(p, end - p, &valid_end);
		append_bytes(out, p, valid_end - p, lf_only);
		p = valid_end;
		if (p < end) {
			if (*p != '\0')
				buf_append(out, "\xef\xbf\xbd", 3);
			p++;
		}
	}
}

static void cp1252_to_utf8(buf_t *out, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned int cp = p[i];

		if (cp == 0)
			continue;
		if (cp == '\r') {
			if (!(i + 1 < len && p[i + 1] == '\n'))
				buf_append(out, "\n", 1);
			continue;
		}
		if (cp >= 0x80 && cp < 0xa0 && cp1252_high[cp - 0x80] != 0)
			cp = cp1252_high[cp - 0x80];
		append_codepoint(out, cp);
	}
}

static bool is_utf8(const char *p, size_t len)
{
	return len == 0 || g_utf8_validate(p, len, NULL);
}

/* header_string: a header value as one line of valid UTF-8, or NULL. */
static char *header_string(const char *s)
{
	buf_t b;
	size_t i;

	if (s == NULL)
		return NULL;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	if (sanitize_is_plain(s)) { /* most values: nothing to repair or replace */
		size_t len = strlen(s);
		while (len > 0 && s[len - 1] == ' ')
			len--;
		return len ? xstrndup(s, len) : NULL;
	}
	buf_init(&b);
	utf8_repair(&b, s, strlen(s), false);
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	for (i = 0; i < b.len; i++) {
		if (b.data[i] == '\r' || b.data[i] == '\n' || b.data[i] == '\t')
			b.data[i] = ' ';
	}
	while (b.len > 0 && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* ---- parsing ---- */

static GMimeMessage *parse_bytes(const char *data, size_t len)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *gmessage;

	if (parser_options == NULL)
		mime_init();
	stream = g_mime_stream_mem_new_with_buffer(data, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	gmessage = g_mime_parser_construct_message(parser, parser_options);
	g_object_unref(parser);
	g_object_unref(stream);
	return gmessage;
}

/* U+2400 SYMBOL FOR NULL, what a NUL in a header is shown as. */
#define VISIBLE_NUL "\xe2\x90\x80"

/* parse_visible: parse the first len bytes of data, the first hlen of them
 * being the header block. GMime reads header values as C strings and would
 * end one at a NUL ("From: boss@bank.example\0 <x@evil.example>" would
 * show only the first address), so a NUL there becomes VISIBLE_NUL first.
 * The body is left as it is. */
static GMimeMessage *parse_visible(const char *data, size_t hlen, size_t len)
{
	const char *p = data, *end = data + hlen, *nul;
	buf_t copy;
	GMimeMessage *gmessage;

	if (memchr(data, '\0', hlen) == NULL)
		return parse_bytes(data, len);
	buf_init(&copy);
	while ((nul = memchr(p, '\0', end - p)) != NULL) {
		buf_append(&copy, p, nul - p);
		buf_append(&copy, VISIBLE_NUL, sizeof VISIBLE_NUL - 1);
		p = nul + 1;
	}
	buf_append(&copy, p, data + len - p);
	gmessage = parse_bytes(copy.data, copy.len);
	buf_free(&copy);
	return gmessage;
}

/* header_block_len: length of the header block including its last line
 * break, not the empty line; all of data when no empty line is seen. */
static size_t header_block_len(const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	if (len > 0 && (data[0] == '\n' || (len > 1 && data[0] == '\r' && data[1] == '\n')))
		return 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);

		if (nl == NULL)
			break;
		p = nl + 1;
		if (p < end && (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')))
			return p - data;
	}
	return len;
}

/* summary_sender: from / from_address for a mailbox address. */
static void summary_sender(InternetAddress *ia, mime_summary_t *summary)
{
	const char *name;

	if (INTERNET_ADDRESS_IS_MAILBOX(ia))
		summary->from_address =
		    header_string(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
	name = internet_address_get_name(ia);
	summary->from = header_string(name);
	if (summary->from == NULL && summary->from_address != NULL)
		summary->from = xstrdup(summary->from_address);
	/* A display name that is an address of its own ("boss@bank.example"
	 * <x@evil.example>) would pass for the sender: the real address goes
	 * with it. */
	if (summary->from != NULL && summary->from_address != NULL &&
	    strchr(summary->from, '@') != NULL &&
	    strcmp(summary->from, summary->from_address) != 0) {
		char *both = xasprintf("%s <%s>", summary->from, summary->from_address);

		free(summary->from);
		summary->from = both;
	}
}

/* summary_address: the first From header with an address gives the
 * sender (a group stands for its first member); without one, the first
 * From header's text. */
static void summary_address(mime_summary_t *summary, InternetAddressList *list,
			    const char *first_from)
{
	InternetAddress *ia = NULL;
	if (list != NULL && internet_address_list_length(list) > 0)
		ia = internet_address_list_get_address(list, 0);
	if (ia != NULL && INTERNET_ADDRESS_IS_GROUP(ia)) {
		InternetAddressList *members =
		    internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia));

		if (members != NULL && internet_address_list_length(members) > 0 &&
		    INTERNET_ADDRESS_IS_MAILBOX(internet_address_list_get_address(members, 0)))
			ia = internet_address_list_get_address(members, 0);
	}
	if (ia == NULL) {
		summary->from = header_string(first_from);
		return;
	}
	summary_sender(ia, summary);
}

static void summary_from(GMimeMessage *gmessage, mime_summary_t *summary)
{
	summary_address(summary, g_mime_message_get_from(gmessage),
			g_mime_object_get_header(GMIME_OBJECT(gmessage), "From"));
}

static char *address_line(GMimeMessage *gmessage, GMimeAddressType type)
{
	InternetAddressList *list = g_mime_message_get_addresses(gmessage, type);
	char *text, *result;

	if (list == NULL || internet_address_list_length(list) == 0)
		return NULL;
	text = internet_address_list_to_string(list, NULL, FALSE);
	result = header_string(text);
	g_free(text);
	return result;
}

static void summary_fill(GMimeMessage *gmessage, mime_summary_t *summary)
{
	GDateTime *date;

	summary->subject = header_string(g_mime_message_get_subject(gmessage));
	summary_from(gmessage, summary);
	summary->to = address_line(gmessage, GMIME_ADDRESS_TYPE_TO);
	summary->cc = address_line(gmessage, GMIME_ADDRESS_TYPE_CC);
	summary->message_id = header_string(g_mime_message_get_message_id(gmessage));
	summary->date_text =
	    header_string(g_mime_object_get_header(GMIME_OBJECT(gmessage), "Date"));
	date = g_mime_message_get_date(gmessage);
	if (date != NULL && summary->date_text != NULL)
		summary->date = g_date_time_to_unix(date);
}

/* ---- the list's summary, from the header block itself ---- */

/* A header field of the block: its name and its raw value (folded, as
 * sent, a NUL made visible). */
typedef struct {
	const char *name;
	size_t name_len;
	buf_t value;
} field_t;

/* next_field: the field starting at *p (before end), *p moved past it.
 * False at the end of the block. A line that is no field (no colon, or a
 * name with spaces) is skipped, as GMime reads a header block; the caller
 * checks the first line (is_field_line). */
/* field_name_len: the length of the field name the line starts with
 * (spaces before the colon not counted), 0 when it is no field. */
static size_t field_name_len(const char *line, const char *line_end)
{
	const char *colon = memchr(line, ':', (size_t)(line_end - line));
	if (!colon)
		return 0;
	size_t len = (size_t)(colon - line);
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (memchr(line, ' ', len) || memchr(line, '\t', len))
		return 0;
	return len;
}

static bool next_field(const char **p, const char *end, field_t *field)
{
	while (*p < end) {
		const char *line = *p;
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *line_end = nl ? nl : end;
		*p = nl ? nl + 1 : end;
		/* Continuation lines belong to the field before them. */
		while (*p < end && (**p == ' ' || **p == '\t')) {
			const char *more = memchr(*p, '\n', (size_t)(end - *p));
			line_end = more ? more : end;
			*p = more ? more + 1 : end;
		}
		size_t name_len = field_name_len(line, line_end);
		if (!name_len)
			continue;
		const char *colon = memchr(line, ':', (size_t)(line_end - line));
		field->name = line;
		field->name_len = name_len;
		buf_clear(&field->value);
		for (const char *v = colon + 1, *nul; v < line_end; v = nul + 1) {
			nul = memchr(v, '\0', (size_t)(line_end - v));
			if (!nul) {
				buf_append(&field->value, v, (size_t)(line_end - v));
				break;
			}
			buf_append(&field->value, v, (size_t)(nul - v));
			buf_append(&field->value, VISIBLE_NUL, sizeof VISIBLE_NUL - 1);
		}
		if (!field->value.data)
			buf_append(&field->value, "", 0);
		return true;
	}
	return false;
}

static bool field_is(const field_t *field, const char *name)
{
	return field->name_len == strlen(name) &&
	       g_ascii_strncasecmp(field->name, name, field->name_len) == 0;
}

/* plain_value: the value, its line end and the blanks around it trimmed,
 * is printable ASCII without an encoded word ("=?") on one line: unfolding
 * and RFC 2047 decoding would only trim it. Most Subject and Date values
 * are such, and a header scan decodes thousands. *start and *len: the
 * trimmed value. */
static bool plain_value(const char *raw, const char **start, size_t *len)
{
	const char *p = raw + strspn(raw, " \t");
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n'))
		n--;
	for (size_t i = 0; i < n; i++)
		if ((p[i] < ' ' && p[i] != '\t') || p[i] > '~' ||
		    (p[i] == '=' && i + 1 < n && p[i + 1] == '?'))
			return false;
	*start = p;
	*len = n;
	return true;
}

/* decoded_value: a raw value unfolded and RFC 2047 decoded, as GMime gives
 * a header's value; g_free it. */
static char *decoded_value(const char *raw)
{
	const char *start;
	size_t len;
	if (plain_value(raw, &start, &len))
		return g_strndup(start, len);
	char *unfolded = g_mime_utils_header_unfold(raw);
	char *decoded = g_mime_utils_header_decode_text(parser_options, unfolded);
	g_free(unfolded);
	return decoded;
}

/* block_problems: what the raw bytes of a header block break: its size,
 * NUL and 8-bit bytes, line lengths. Runs for every message of a mailbox:
 * memchr and eight bytes at a time. */
static unsigned block_problems(const char *data, size_t len)
{
	unsigned problems = 0;
	if (len > MIME_MAX_HEADER_BLOCK)
		problems |= MIME_PROBLEM_HUGE;
	if (memchr(data, '\0', len) != NULL)
		problems |= MIME_PROBLEM_NUL;
	uint64_t high = 0;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t word;
		memcpy(&word, data + i, sizeof word);
		high |= word;
	}
	for (; i < len; i++)
		high |= (unsigned char)data[i];
	if (high & 0x8080808080808080ull)
		problems |= MIME_PROBLEM_8BIT;
	for (const char *p = data, *end = data + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (n > MIME_MAX_LINE) {
			problems |= MIME_PROBLEM_LONG_LINE;
			break;
		}
		p = nl ? nl + 1 : end;
	}
	return problems;
}

/* count_problems: a field that must be there once (RFC 5322 3.6). */
static unsigned count_problems(unsigned count, unsigned none, unsigned several)
{
	return count == 0 ? none : count > 1 ? several : 0;
}

void mime_summarize(const char *data, size_t len, mime_summary_t *summary)
{
	memset(summary, 0, sizeof(*summary));
	if (data == NULL)
		return;
	if (parser_options == NULL)
		mime_init();
	/* Only the header block is read: a full message costs no more than
	 * its headers. GMime decodes each value; no message object is built. */
	size_t hlen = header_block_len(data, len);
	const char *p = data, *end = data + hlen;
	summary->problems = block_problems(data, hlen);
	/* A message whose first line is no field has no headers at all. */
	const char *first_nl = memchr(data, '\n', hlen);
	if (field_name_len(data, first_nl ? first_nl : end) == 0) {
		summary->problems |= MIME_PROBLEM_NO_DATE | MIME_PROBLEM_NO_FROM;
		return;
	}
	field_t field = {0};
	char *subject = NULL, *date = NULL, *first_from = NULL; /* first_from raw */
	InternetAddressList *from = NULL;
	unsigned dates = 0, froms = 0;
	buf_init(&field.value);
	while (next_field(&p, end, &field)) {
		if (field_is(&field, "Subject")) {
			g_free(subject);
			subject = decoded_value(field.value.data);
		} else if (field_is(&field, "Date")) {
			dates++;
			/* The last Date counts, as in a parsed message; the first is shown. */
			g_free(date);
			date = decoded_value(field.value.data);
			if (summary->date_text == NULL)
				summary->date_text = header_string(date);
		} else if (field_is(&field, "From")) {
			froms++;
			if (first_from == NULL)
				first_from = g_strdup(field.value.data);
			if (from == NULL || internet_address_list_length(from) == 0) {
				if (from != NULL)
					g_object_unref(from);
				from =
				    internet_address_list_parse(parser_options, field.value.data);
			}
		}
	}
	buf_free(&field.value);
	summary->problems |= count_problems(dates, MIME_PROBLEM_NO_DATE, MIME_PROBLEM_DUP_DATE) |
			     count_problems(froms, MIME_PROBLEM_NO_FROM, MIME_PROBLEM_DUP_FROM);
	summary->subject = header_string(subject);
	/* The text of the first From is decoded only when no address was found. */
	char *from_text = NULL;
	if (first_from != NULL && (from == NULL || internet_address_list_length(from) == 0))
		from_text = decoded_value(first_from);
	summary_address(summary, from, from_text);
	g_free(from_text);
	if (date != NULL && summary->date_text != NULL) {
		GDateTime *when = g_mime_utils_header_decode_date(date);
		if (when != NULL) {
			summary->date = g_date_time_to_unix(when);
			g_date_time_unref(when);
		}
	}
	g_free(subject);
	g_free(date);
	g_free(first_from);
	if (from != NULL)
		g_object_unref(from);
}

void mime_summary_free(mime_summary_t *summary)
{
	if (summary == NULL)
		return;
	free(summary->subject);
	free(summary->from);
	free(summary->from_address);
	free(summary->to);
	free(summary->cc);
	free(summary->message_id);
	free(summary->date_text);
	memset(summary, 0, sizeof(*summary));
}

/* ---- structure ---- */

/* decoded_size: the octets a part's content has once its transfer encoding
 * (base64, quoted-printable, uuencode) is undone: what saving it writes.
 * Decoded into a counting null stream, so memory stays flat. */
static uint64_t decoded_size(GMimeDataWrapper *content)
{
	GMimeStream *null = g_mime_stream_null_new();
	uint64_t n = 0;

	if (g_mime_data_wrapper_write_to_stream(content, null) >= 0)
		n = GMIME_STREAM_NULL(null)->written;
	g_object_unref(null);
	return n;
}

static uint64_t embedded_message_size(GMimeMessagePart *mpart)
{
	GMimeMessage *inner = g_mime_message_part_get_message(mpart);
	GMimeStream *null;
	uint64_t n;

	if (inner == NULL)
		return 0;
	null = g_mime_stream_null_new();
	g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, null);
	n = GMIME_STREAM_NULL(null)->written;
	g_object_unref(null);
	return n;
}

static void part_describe(GMimeObject *obj, mime_part_info_t *info)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimeContentDisposition *disp = g_mime_object_get_content_disposition(obj);

	if (ct != NULL) {
		char *type = g_mime_content_type_get_mime_type(ct);

		if (type != NULL) {
			char *lower = g_ascii_strdown(type, -1);

			info->content_type = header_string(lower);
			g_free(lower);
			g_free(type);
		}
		info->charset = header_string(g_mime_content_type_get_parameter(ct, "charset"));
	}
	if (info->content_type == NULL)
		info->content_type = xstrdup("application/octet-stream");
	info->is_multipart = GMIME_IS_MULTIPART(obj);
	if (GMIME_IS_PART(obj)) {
		GMimePart *part = GMIME_PART(obj);
		GMimeDataWrapper *content = g_mime_part_get_content(part);

		info->filename = header_string(g_mime_part_get_filename(part));
		if (content != NULL)
			info->size = decoded_size(content);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		info->size = embedded_message_size(GMIME_MESSAGE_PART(obj));
		if (disp != NULL) {
			const char *name =
			    g_mime_content_disposition_get_parameter(disp, "filename");

			info->filename = header_string(name);
		}
	}
	info->is_attachment = !info->is_multipart &&
			      ((disp != NULL && g_mime_content_disposition_is_attachment(disp)) ||
			       info->filename != NULL);
}

static void parts_add(mime_message_t *message, GMimeObject *obj, const char *id, int depth)
{
	mime_part_info_t *info;

	if (message->count == message->cap) {
		message->cap = message->cap ? message->cap * 2 : 8;
		message->parts =
		    xreallocarray(message->parts, message->cap, sizeof(*message->parts));
		message->objects =
		    xreallocarray(message->objects, message->cap, sizeof(*message->objects));
	}
	info = &message->parts[message->count];
	memset(info, 0, sizeof(*info));
	info->id = xstrdup(id);
	info->depth = depth;
	part_describe(obj, info);
	message->objects[message->count] = obj;
	message->count++;
}

/* parts_walk: obj and, for a multipart, its children in order. Recursion is
 * bounded by MIME_MAX_DEPTH. */
static void parts_walk(mime_message_t *message, GMimeObject *obj, const char *id, int depth)
{
	GMimeMultipart *multipart;
	int i, n;

	if (message->count >= MIME_MAX_PARTS)
		return;
	parts_add(message, obj, id, depth);
	if (!GMIME_IS_MULTIPART(obj) || depth >= MIME_MAX_DEPTH)
		return;
	multipart = GMIME_MULTIPART(obj);
	n = g_mime_multipart_get_count(multipart);
	for (i = 0; i < n && message->count < MIME_MAX_PARTS; i++) {
		GMimeObject *child = g_mime_multipart_get_part(multipart, i);
		char *child_id;

		if (child == NULL)
			continue;
		/* The top is "0"; its children are numbered as IMAP does. */
		if (depth == 0)
			child_id = xasprintf("%d", i + 1);
		else
			child_id = xasprintf("%s.%d", id, i + 1);
		parts_walk(message, child, child_id, depth + 1);
		free(child_id);
	}
}

mime_message_t *mime_parse(const char *data, size_t len, char **errstr)
{
	GMimeMessage *gmessage;
	GMimeObject *body;
	mime_message_t *message;

	if (data == NULL || len == 0) {
		*errstr = xstrdup(_("empty message"));
		return NULL;
	}
	message = xcalloc(1, sizeof(*message));
	parsing = message;
	gmessage = parse_visible(data, header_block_len(data, len), len);
	parsing = NULL;
	if (gmessage == NULL) {
		free(message);
		*errstr = xstrdup(_("could not parse the message"));
		return NULL;
	}
	message->gmessage = gmessage;
	summary_fill(gmessage, &message->summary);
	body = g_mime_message_get_mime_part(gmessage);
	if (body != NULL)
		parts_walk(message, body, "0", 0);
	return message;
}

void mime_free(mime_message_t *message)
{
	size_t i;

	if (message == NULL)
		return;
	for (i = 0; i < message->count; i++) {
		free(message->parts[i].id);
		free(message->parts[i].content_type);
		free(message->parts[i].charset);
		free(message->parts[i].filename);
	}
	free(message->parts);
	free(message->objects);
	mime_summary_free(&message->summary);
	g_object_unref(message->gmessage);
	free(message);
}

const mime_summary_t *mime_message_summary(const mime_message_t *message)
{
	return &message->summary;
}

const char *mime_message_broken(const mime_message_t *message, bool partial)
{
	switch (partial ? message->broken_cut : message->broken) {
	case GMIME_WARN_INVALID_CONTENT_TYPE: return _("a Content-Type that cannot be read");
	case GMIME_WARN_MALFORMED_MULTIPART: return _("a multipart with no parts in it");
	case GMIME_WARN_TRUNCATED_MESSAGE: return _("the message ends inside a MIME part");
	case GMIME_WARN_MALFORMED_MESSAGE: return _("a malformed message structure");
	case GMIME_CRIT_CONFLICTING_HEADER: return _("conflicting MIME headers");
	case GMIME_CRIT_CONFLICTING_PARAMETER: return _("conflicting parameters in a MIME header");
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: return _("a multipart without a boundary");
	case GMIME_CRIT_NESTING_OVERFLOW: return _("MIME parts nested too deep");
	case GMIME_WARN_PART_WITHOUT_CONTENT:
		return _("a MIME part whose headers run into a boundary");
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
		return _("a MIME part with neither headers nor content");
	default: return NULL;
	}
}

size_t mime_part_count(const mime_message_t *message)
{
	return message->count;
}

const mime_part_info_t *mime_part(const mime_message_t *message, size_t index)
{
	if (index >= message->count)
		return NULL;
	return &message->parts[index];
}

/* ---- content ---- */

/* write_content: the decoded content of a leaf into stream; -1 on error. */
static int write_content(GMimeObject *obj, GMimeStream *stream)
{
	if (GMIME_IS_PART(obj)) {
		GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(obj));

		if (content == NULL)
			return 0;
		return g_mime_data_wrapper_write_to_stream(content, stream) < 0 ? -1 : 0;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));

		if (inner == NULL)
			return 0;
		return g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, stream) < 0 ? -1
											    : 0;
	}
	return -1;
}

int mime_part_decode(const mime_message_t *message, size_t index, buf_t *out, char **errstr)
{
	GMimeStream *mem;
	GByteArray *bytes;
	int rc;

	if (index >= message->count) {
		*errstr = xstrdup(_("no such part"));
		return -1;
	}
	if (message->parts[index].is_multipart) {
		*errstr = xstrdup(_("this part is a container, it holds no content of its own"));
		return -1;
	}
	mem = g_mime_stream_mem_new();
	rc = write_content(message->objects[index], mem);
	if (rc == 0) {
		bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
		if (bytes != NULL && bytes->len > 0)
			buf_append(out, bytes->data, bytes->len);
	} else {
		*errstr = xstrdup(_("could not decode the part"));
	}
	g_object_unref(mem);
	return rc;
}

static bool charset_is(const char *canon, const char *name)
{
	return canon != NULL && g_ascii_strcasecmp(canon, name) == 0;
}

/* part_text: the decoded content of a text part as UTF-8 with LF endings
 * into out; but when no charset was usable and the bytes are not UTF-8, and
 * raw is given, the bytes go to raw instead: for HTML the document's own
 * declaration is a better guess than ours. */
static void part_text(GMimeObject *obj, const char *charset, buf_t *out, buf_t *raw)
{
	const char *canon = charset != NULL ? g_mime_charset_canon_name(charset) : NULL;
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *bytes;
	bool converted = false;

	if (canon != NULL && !charset_is(canon, "utf-8") && !charset_is(canon, "us-ascii")) {
		GMimeFilter *filter = g_mime_filter_charset_new(canon, "utf-8");

		if (filter != NULL) {
			GMimeStream *filtered = g_mime_stream_filter_new(mem);

			g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), filter);
			converted = write_content(obj, filtered) == 0;
			g_mime_stream_flush(filtered);
			g_object_unref(filter);
			g_object_unref(filtered);
		}
	}
	if (!converted) {
		/* Unknown to iconv (or it failed): start again from the bytes. */
		g_object_unref(mem);
		mem = g_mime_stream_mem_new();
		write_content(obj, mem);
	}
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	if (converted || charset_is(canon, "utf-8") || is_utf8((char *)bytes->data, bytes->len))
		utf8_repair(out, (char *)bytes->data, bytes->len, true);
	else if (raw != NULL)
		buf_append(raw, bytes->data, bytes->len);
	else /* Unknown charset, or 8-bit bytes labelled as ASCII. */
		cp1252_to_utf8(out, bytes->data, bytes->len);
	g_object_unref(mem);
}

char *mime_body_text(const mime_message_t *message)
{
	const mime_part_info_t *html = NULL;
	GMimeObject *html_obj = NULL;
	buf_t out;
	size_t i;

	buf_init(&out);
	for (i = 0; i < message->count; i++) {
		const mime_part_info_t *info = &message->parts[i];

		if (info->is_multipart || info->is_attachment ||
		    !GMIME_IS_PART(message->objects[i]))
			continue;
		if (strcmp(info->content_type, "text/plain") == 0) {
			part_text(message->objects[i], info->charset, &out, NULL);
			return buf_steal(&out);
		}
		if (html == NULL && strcmp(info->content_type, "text/html") == 0) {
			html = info;
			html_obj = message->objects[i];
		}
	}
	if (html != NULL) {
		buf_t raw;
		char *text;

		buf_init(&raw);
		part_text(html_obj, html->charset, &out, &raw);
		if (raw.len > 0)
			text = mime_html_to_text(raw.data, raw.len);
		else
			text = mime_html_to_text(out.data != NULL ? out.data : "", out.len);
		buf_free(&raw);
		buf_free(&out);
		return text;
	}
	return xstrdup("");
}

/* ---- HTML to text ---- */

typedef struct {
	buf_t out;
	int pending_newlines; /* line breaks owed before the next text */
	bool pending_space;   /* a collapsed run of white space owed */
	int pre_depth;        /* inside <pre>: white space kept */
	xmlNodePtr anchor;    /* the <a> whose text is being written */
	size_t anchor_start;  /* where its text starts in out */
} html_text_t;

static bool name_in(const xmlChar *name, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (xmlStrcasecmp(name, (const xmlChar *)*list) == 0)
			return true;
	}
	return false;
}

static const char *const html_skipped[] = {"script",   "style",    "head", "title",
					   "template", "noscript", NULL};
static const char *const html_blocks[] = {
    "div",  "li",      "tr",      "ul",      "ol",      "dl",     "dt",  "dd",
    "pre",  "hr",      "section", "article", "header",  "footer", "nav", "aside",
    "form", "address", "figure",  "center",  "caption", "main",   NULL};
/* Blocks that stand apart by an empty line. */
static const char *const html_paragraphs[] = {"p",  "h1", "h2",         "h3",    "h4",
					      "h5", "h6", "blockquote", "table", NULL};

static void html_break(html_text_t *t, int newlines)
{
	if (t->out.len == 0)
		return;
	if (t->pending_newlines < newlines)
		t->pending_newlines = newlines;
	t->pending_space = false;
}

/* html_flush: pay what is owed before visible text. */
static void html_flush(html_text_t *t)
{
	char *data = t->out.data; /* NULL until something was written */
	if (t->pending_newlines > 0 && data && t->out.len > 0) {
		while (t->out.len > 0 && data[t->out.len - 1] == ' ')
			data[--t->out.len] = '\0';
		buf_append(&t->out, "\n\n", t->pending_newlines > 1 ? 2 : 1);
	} else if (t->pending_space && data && t->out.len > 0 && data[t->out.len - 1] != ' ' &&
		   data[t->out.len - 1] != '\n') {
		buf_append(&t->out, " ", 1);
	}
	t->pending_newlines = 0;
	t->pending_space = false;
}

/* Text flowing in HTML: runs of white space (and no-break spaces, which a
 * terminal shows as plain ones) become one space. */
static void html_text(html_text_t *t, const char *s)
{
	while (*s != '\0') {
		size_t n;

		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f') {
			t->pending_space = true;
			s++;
			continue;
		}
		if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0) {
			t->pending_space = true;
			s += 2;
			continue;
		}
		for (n = 0; s[n] != '\0' && s[n] != ' ' && s[n] != '\t' && s[n] != '\n' &&
			    s[n] != '\r' && s[n] != '\f' &&
			    !((unsigned char)s[n] == 0xc2 && (unsigned char)s[n + 1] == 0xa0);
		     n++)
			;
		html_flush(t);
		buf_append(&t->out, s, n);
		s += n;
	}
}

static void html_pre_text(html_text_t *t, const char *s)
{
	if (*s == '\0')
		return;
	html_flush(t);
	append_bytes(&t->out, s, strlen(s), true);
}

static bool html_link_shown(const char *href, const char *text, size_t text_len)
{
	size_t href_len = strlen(href);

	if (href_len == 0 || href[0] == '#' || g_ascii_strncasecmp(href, "javascript:", 11) == 0)
		return false;
	if (g_ascii_strncasecmp(href, "mailto:", 7) == 0 && text_len == href_len - 7 &&
	    memcmp(href + 7, text, text_len) == 0)
		return false;
	return !(text_len == href_len && memcmp(href, text, text_len) == 0);
}

static void html_enter(html_text_t *t, xmlNodePtr node)
{
	const xmlChar *name = node->name;

	if (name_in(name, html_paragraphs))
		html_break(t, 2);
	else if (name_in(name, html_blocks))
		html_break(t, 1);
	if (xmlStrcasecmp(name, (const xmlChar *)"br") == 0) {
		/* Consecutive <br> each end a line, unlike block boundaries. */
		if (t->out.len > 0 && t->pending_newlines < 2)
			t->pending_newlines++;
		t->pending_space = false;
	} else if (xmlStrcasecmp(name, (const xmlChar *)"li") == 0) {
		html_flush(t);
		buf_append(&t->out, "- ", 2);
	} else if (xmlStrcasecmp(name, (const xmlChar *)"pre") == 0) {
		t->pre_depth++;
	} else if (xmlStrcasecmp(name, (const xmlChar *)"a") == 0 && t->anchor == NULL) {
		t->anchor = node;
		html_flush(t);
		t->anchor_start = t->out.len;
	} else if (xmlStrcasecmp(name, (const xmlChar *)"img") == 0) {
		xmlChar *alt = xmlGetProp(node, (const xmlChar *)"alt");

		if (alt != NULL && alt[0] != '\0') {
			t->pending_space = true;
			html_text(t, "[");
			html_text(t, (const char *)alt);
			html_text(t, "]");
		}
		xmlFree(alt);
	}
}

static void html_leave(html_text_t *t, xmlNodePtr node)
{
	const xmlChar *name = node->name;

	if (xmlStrcasecmp(name, (const xmlChar *)"pre") == 0 && t->pre_depth > 0)
		t->pre_depth--;
	if (node == t->anchor) {
		xmlChar *href = xmlGetProp(node, (const xmlChar *)"href");

		if (href != NULL) {
			const char *text = t->out.data != NULL ? t->out.data + t->anchor_start : "";
			size_t text_len = t->out.len - t->anchor_start;
			char *trimmed = g_strstrip(g_strndup(text, text_len));
			char *url = g_strstrip(g_strdup((const char *)href));

			if (html_link_shown(url, trimmed, strlen(trimmed))) {
				/* Separated from the link text by one space. */
				t->pending_space = true;
				html_flush(t);
				buf_append(&t->out, "<", 1);
				append_bytes(&t->out, url, strlen(url), true);
				buf_append(&t->out, ">", 1);
			}
			g_free(trimmed);
			g_free(url);
			xmlFree(href);
		}
		t->anchor = NULL;
	}
	if (xmlStrcasecmp(name, (const xmlChar *)"td") == 0 ||
	    xmlStrcasecmp(name, (const xmlChar *)"th") == 0)
		t->pending_space = true;
	else if (name_in(name, html_paragraphs))
		html_break(t, 2);
	else if (name_in(name, html_blocks))
		html_break(t, 1);
}

/* html_walk: depth first over the tree by parent/sibling links, so nesting
 * depth costs no stack. */
static void html_walk(html_text_t *t, xmlNodePtr root)
{
	xmlNodePtr node = root;

	while (node != NULL) {
		bool descend = false;

		if (node->type == XML_ELEMENT_NODE) {
			if (!name_in(node->name, html_skipped)) {
				html_enter(t, node);
				descend = node->children != NULL;
				if (!descend)
					html_leave(t, node);
			}
		} else if ((node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) &&
			   node->content != NULL) {
			if (t->pre_depth > 0)
				html_pre_text(t, (const char *)node->content);
			else
				html_text(t, (const char *)node->content);
		}
		if (descend) {
			node = node->children;
			continue;
		}
		while (node != NULL && node != root && node->next == NULL) {
			node = node->parent;
			if (node != NULL && node->type == XML_ELEMENT_NODE)
				html_leave(t, node);
		}
		if (node == NULL || node == root)
			break;
		node = node->next;
	}
}

char *mime_html_to_text(const char *html, size_t len)
{
	html_text_t t;
	htmlDocPtr doc;
	const char *encoding;

	memset(&t, 0, sizeof(t));
	buf_init(&t.out);
	if (html == NULL || len == 0)
		return xstrdup("");
	if (len > INT_MAX)
		len = INT_MAX;
	/* Text we converted is UTF-8 whatever its <meta> says; otherwise let
	 * libxml2 read the document's own declaration. */
	encoding = is_utf8(html, len) ? "UTF-8" : NULL;
	doc = htmlReadMemory(html, (int)len, NULL, encoding,
			     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				 HTML_PARSE_NONET);
	if (doc == NULL)
		return xstrdup("");
	if (xmlDocGetRootElement(doc) != NULL)
		html_walk(&t, xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
	while (t.out.len > 0 &&
	       (t.out.data[t.out.len - 1] == ' ' || t.out.data[t.out.len - 1] == '\n'))
		t.out.data[--t.out.len] = '\0';
	if (t.out.len > 0)
		buf_append(&t.out, "\n", 1);
	/* libxml2 can pass through bytes that failed to decode mid-document. */
	if (t.out.len > 0 && !is_utf8(t.out.data, t.out.len)) {
		buf_t repaired;

		buf_init(&repaired);
		utf8_repair(&repaired, t.out.data, t.out.len, false);
		buf_free(&t.out);
		return buf_steal(&repaired);
	}
	return buf_steal(&t.out);
}
