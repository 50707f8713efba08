#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "mime.h"
#include "util/buf.h"
#include "util/xalloc.h"

static int group_setup(void **state)
{
	mime_init();
	return 0;
}

static int group_teardown(void **state)
{
	mime_done();
	return 0;
}

static mime_message_t *parse_ok(const char *text)
{
	char *err = NULL;
	mime_message_t *m = mime_parse(text, strlen(text), &err);

	assert_non_null(m);
	assert_null(err);
	return m;
}

static char *subject_of(const char *headers)
{
	mime_summary_t s;
	char *subject;

	mime_summarize(headers, strlen(headers), &s);
	subject = s.subject != NULL ? xstrdup(s.subject) : NULL;
	mime_summary_free(&s);
	return subject;
}

/* ---- encoded words ---- */

static void test_subject_utf8_b(void **state)
{
	char *s = subject_of("Subject: =?UTF-8?B?SGVsbG8gd8O2cmxk?=\r\n\r\n");

	assert_string_equal(s, "Hello w\xc3\xb6rld");
	free(s);
}

static void test_subject_utf8_q(void **state)
{
	char *s = subject_of("Subject: =?utf-8?Q?J=C3=BCrgen_says_hi?=\r\n\r\n");

	assert_string_equal(s, "J\xc3\xbcrgen says hi");
	free(s);
}

static void test_subject_latin1(void **state)
{
	char *s = subject_of("Subject: =?ISO-8859-1?Q?Caf=E9_cr=E8me?=\r\n\r\n");

	assert_string_equal(s, "Caf\xc3\xa9 cr\xc3\xa8me");
	free(s);
}

static void test_subject_mixed(void **state)
{
	/* White space between adjacent encoded words goes; around plain text
	 * it stays; a folded header is unfolded. */
	char *s = subject_of("Subject: Re: =?utf-8?q?caf=C3=A9?= =?iso-8859-1?q?_cr=E8me?=\r\n"
			     " and plain\r\n\r\n");

	assert_string_equal(s, "Re: caf\xc3\xa9 cr\xc3\xa8me and plain");
	free(s);
}

static void test_subject_broken(void **state)
{
	static const char *const cases[] = {
	    "Subject: =?utf-8?B?broken\r\n\r\n",
	    "Subject: =?utf-8?X?abc?=\r\n\r\n",
	    "Subject: =?no-such-charset?Q?abc=E9?=\r\n\r\n",
	    "Subject: =?utf-8?B?!!!!?= tail\r\n\r\n",
	    "Subject: =?=?=?==?utf-8?q?\?=\r\n\r\n",
	    "Subject: raw 8-bit caf\xe9\r\n\r\n",
	    "Subject: raw utf-8 caf\xc3\xa9\r\n\r\n",
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = subject_of(cases[i]);

		assert_non_null(s);
		assert_true(g_utf8_validate(s, -1, NULL));
		free(s);
	}
	{
		char *s = subject_of("Subject: =?utf-8?B?broken\r\n\r\n");

		assert_non_null(strstr(s, "broken"));
		free(s);
		s = subject_of("Subject: raw 8-bit caf\xe9\r\n\r\n");
		assert_string_equal(s, "raw 8-bit caf\xc3\xa9");
		free(s);
		s = subject_of("Subject: raw utf-8 caf\xc3\xa9\r\n\r\n");
		assert_string_equal(s, "raw utf-8 caf\xc3\xa9");
		free(s);
	}
}

/* ---- From ---- */

static void test_from_display_name(void **state)
{
	const char *h = "From: \"Doe, Jane\" <jane@example.com>\r\n\r\n";
	mime_summary_t s;

	mime_summarize(h, strlen(h), &s);
	assert_string_equal(s.from, "Doe, Jane");
	assert_string_equal(s.from_address, "jane@example.com");
	mime_summary_free(&s);
}

static void test_from_bare_address(void **state)
{
	const char *h = "From: bob@example.net\r\n\r\n";
	const char *h2 = "From: <carol@example.org>\r\n\r\n";
	mime_summary_t s;

	mime_summarize(h, strlen(h), &s);
	assert_string_equal(s.from, "bob@example.net");
	assert_string_equal(s.from_address, "bob@example.net");
	mime_summary_free(&s);
	mime_summarize(h2, strlen(h2), &s);
	assert_string_equal(s.from, "carol@example.org");
	assert_string_equal(s.from_address, "carol@example.org");
	mime_summary_free(&s);
}

/* A display name that looks like an address is shown with the real one. */
static void test_from_name_like_an_address(void **state)
{
	const char *h = "From: \"ceo@bank.example\" <attacker@evil.example>\r\n\r\n";
	const char *h2 = "From: \"bob@example.net\" <bob@example.net>\r\n\r\n";
	mime_summary_t s;

	mime_summarize(h, strlen(h), &s);
	assert_string_equal(s.from, "ceo@bank.example <attacker@evil.example>");
	assert_string_equal(s.from_address, "attacker@evil.example");
	mime_summary_free(&s);
	mime_summarize(h2, strlen(h2), &s);
	assert_string_equal(s.from, "bob@example.net");
	mime_summary_free(&s);
}

static void test_from_encoded_name(void **state)
{
	const char *h = "From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <jm@example.de>\r\n"
			"To: a@example.com, =?iso-8859-1?q?Ren=E9?= <rene@example.fr>\r\n"
			"Cc: c@example.com\r\n\r\n";
	mime_summary_t s;

	mime_summarize(h, strlen(h), &s);
	assert_string_equal(s.from, "J\xc3\xbcrgen M\xc3\xbcller");
	assert_string_equal(s.from_address, "jm@example.de");
	/* The list needs no recipients: they come with the parsed message. */
	assert_null(s.to);
	mime_summary_free(&s);
	char *errstr = NULL;
	mime_message_t *m = mime_parse(h, strlen(h), &errstr);
	assert_non_null(m);
	const mime_summary_t *full = mime_message_summary(m);
	assert_string_equal(full->from, "J\xc3\xbcrgen M\xc3\xbcller");
	assert_non_null(strstr(full->to, "Ren\xc3\xa9 <rene@example.fr>"));
	assert_non_null(strstr(full->to, "a@example.com"));
	assert_string_equal(full->cc, "c@example.com");
	mime_free(m);
}

/* ---- Date ---- */

static void test_date(void **state)
{
	const char *h = "Date: Tue, 1 Jul 2003 10:52:37 +0200\r\n"
			"Message-ID: <abc.123@example.com>\r\n\r\n";
	const char *folded = "Date: Thu, 01 Jan 1970\r\n 00:01:40 +0000\r\n\r\n";
	const char *bad = "Date: next Tuesday, probably\r\n\r\n";
	const char *none = "Subject: no date\r\n\r\n";
	mime_summary_t s;

	mime_summarize(h, strlen(h), &s);
	assert_int_equal(s.date, 1057049557LL);
	assert_string_equal(s.date_text, "Tue, 1 Jul 2003 10:52:37 +0200");
	mime_summary_free(&s);
	char *errstr = NULL;
	mime_message_t *m = mime_parse(h, strlen(h), &errstr);
	assert_non_null(m);
	assert_int_equal(mime_message_summary(m)->date, 1057049557LL);
	assert_string_equal(mime_message_summary(m)->message_id, "abc.123@example.com");
	mime_free(m);

	mime_summarize(folded, strlen(folded), &s);
	assert_int_equal(s.date, 100);
	assert_null(strchr(s.date_text, '\n'));
	mime_summary_free(&s);

	mime_summarize(bad, strlen(bad), &s);
	assert_int_equal(s.date, 0);
	assert_string_equal(s.date_text, "next Tuesday, probably");
	mime_summary_free(&s);

	mime_summarize(none, strlen(none), &s);
	assert_int_equal(s.date, 0);
	assert_null(s.date_text);
	assert_null(s.from);
	mime_summary_free(&s);
}

/* ---- header blocks ---- */

static const char header_block[] = "Return-Path: <x@example.com>\r\n"
				   "From: Alice <alice@example.com>\r\n"
				   "Subject: the subject\r\n"
				   "Date: Tue, 1 Jul 2003 10:52:37 +0200\r\n";

static void check_alice(const char *data, size_t len)
{
	mime_summary_t s;

	mime_summarize(data, len, &s);
	assert_string_equal(s.from, "Alice");
	assert_string_equal(s.from_address, "alice@example.com");
	assert_string_equal(s.subject, "the subject");
	assert_int_equal(s.date, 1057049557LL);
	mime_summary_free(&s);
}

static void test_header_only(void **state)
{
	buf_t b;

	/* As TOP n 0 gives it after dot-unstuffing, with and without the
	 * empty line, and with a body following. */
	check_alice(header_block, strlen(header_block));
	buf_init(&b);
	buf_append_str(&b, header_block);
	buf_append_str(&b, "\r\n");
	check_alice(b.data, b.len);
	buf_append_str(&b, "Subject: in the body, not a header\r\n");
	check_alice(b.data, b.len);
	buf_free(&b);
	check_alice("From: Alice <alice@example.com>\nSubject: the subject\n"
		    "Date: Tue, 1 Jul 2003 10:52:37 +0200\n\nbody\n",
		    strlen("From: Alice <alice@example.com>\nSubject: the subject\n"
			   "Date: Tue, 1 Jul 2003 10:52:37 +0200\n\nbody\n"));
}

static void test_header_only_parse(void **state)
{
	mime_message_t *m = parse_ok(header_block);
	char *body;

	assert_string_equal(mime_message_summary(m)->subject, "the subject");
	assert_int_equal(mime_part_count(m), 1);
	assert_string_equal(mime_part(m, 0)->id, "0");
	assert_string_equal(mime_part(m, 0)->content_type, "text/plain");
	assert_null(mime_part(m, 1));
	body = mime_body_text(m);
	assert_string_equal(body, "");
	free(body);
	mime_free(m);
}

/* ---- bodies ---- */

static const char alternative[] = "From: a@example.com\r\n"
				  "Subject: alt\r\n"
				  "MIME-Version: 1.0\r\n"
				  "Content-Type: multipart/alternative; boundary=\"=_alt\"\r\n"
				  "\r\n"
				  "preamble\r\n"
				  "--=_alt\r\n"
				  "Content-Type: text/plain; charset=utf-8\r\n"
				  "Content-Transfer-Encoding: 8bit\r\n"
				  "\r\n"
				  "Plain caf\xc3\xa9\r\nsecond line\r\n"
				  "--=_alt\r\n"
				  "Content-Type: text/html; charset=utf-8\r\n"
				  "\r\n"
				  "<p>HTML version</p>\r\n"
				  "--=_alt--\r\n";

static void test_alternative_text_wins(void **state)
{
	mime_message_t *m = parse_ok(alternative);
	char *body = mime_body_text(m);

	assert_string_equal(body, "Plain caf\xc3\xa9\nsecond line");
	assert_int_equal(mime_part_count(m), 3);
	assert_string_equal(mime_part(m, 0)->id, "0");
	assert_true(mime_part(m, 0)->is_multipart);
	assert_string_equal(mime_part(m, 0)->content_type, "multipart/alternative");
	assert_string_equal(mime_part(m, 1)->id, "1");
	assert_string_equal(mime_part(m, 1)->charset, "utf-8");
	assert_int_equal(mime_part(m, 1)->depth, 1);
	assert_false(mime_part(m, 1)->is_attachment);
	assert_string_equal(mime_part(m, 2)->id, "2");
	assert_string_equal(mime_part(m, 2)->content_type, "text/html");
	free(body);
	mime_free(m);
}

static const char html_only[] =
    "From: news@example.com\r\n"
    "Content-Type: text/html; charset=\"UTF-8\"\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "<html><head><title>T</title><style>p {color: red}</style></head><body>=\r\n"
    "<h1>Hello</h1><p>Read   <a href=3D\"https://example.com/x\">this</a> &amp; =\r\n"
    "<a href=3D\"https://example.com\">https://example.com</a>.</p>=\r\n"
    "<ul><li>one</li><li>two</li></ul><script>alert(1)</script>=\r\n"
    "<div>caf&eacute;&nbsp;&lt;ok&gt;</div></body></html>\r\n";

static void test_html_only(void **state)
{
	mime_message_t *m = parse_ok(html_only);
	char *body = mime_body_text(m);

	assert_string_equal(body, "Hello\n\n"
				  "Read this <https://example.com/x> & https://example.com.\n\n"
				  "- one\n"
				  "- two\n"
				  "caf\xc3\xa9 <ok>\n");
	free(body);
	mime_free(m);
}

static void test_html_to_text(void **state)
{
	static const char html[] = "<p>a<br>b<br><br>c</p><pre>  x   y\n  z</pre>"
				   "<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>"
				   "<a href=\"mailto:m@example.com\">m@example.com</a> "
				   "<a href=\"#top\">top</a>";
	/* Converted text stays UTF-8 even when its meta says otherwise. */
	static const char meta[] = "<meta charset=\"iso-8859-1\"><p>caf\xc3\xa9</p>";
	/* Latin-1 bytes with their declaration. */
	static const char latin1[] = "<html><head><meta http-equiv=\"Content-Type\" "
				     "content=\"text/html; charset=iso-8859-1\"></head>"
				     "<body>caf\xe9</body></html>";
	char *t;

	t = mime_html_to_text(html, strlen(html));
	assert_string_equal(t, "a\nb\n\nc\n\n  x   y\n  z\n\n1 2\n3\n\nm@example.com top\n");
	free(t);
	t = mime_html_to_text(meta, strlen(meta));
	assert_string_equal(t, "caf\xc3\xa9\n");
	free(t);
	t = mime_html_to_text(latin1, strlen(latin1));
	assert_string_equal(t, "caf\xc3\xa9\n");
	free(t);
	t = mime_html_to_text("", 0);
	assert_string_equal(t, "");
	free(t);
	t = mime_html_to_text("<script>only()</script>", 23);
	assert_string_equal(t, "");
	free(t);
}

static void test_html_unlabelled_latin1(void **state)
{
	/* No charset parameter, not UTF-8: the document's <meta> decides. */
	static const char text[] = "From: a@example.com\r\n"
				   "Content-Type: text/html\r\n"
				   "\r\n"
				   "<html><head><meta charset=\"windows-1252\"></head>"
				   "<body><p>\x93"
				   "caf\xe9\x94</p></body></html>\r\n";
	mime_message_t *m = parse_ok(text);
	char *body = mime_body_text(m);

	assert_string_equal(body, "\xe2\x80\x9c"
				  "caf\xc3\xa9\xe2\x80\x9d\n");
	free(body);
	mime_free(m);
}

static void test_qp_latin1(void **state)
{
	static const char text[] = "From: a@example.com\r\n"
				   "Content-Type: text/plain; charset=ISO-8859-1\r\n"
				   "Content-Transfer-Encoding: quoted-printable\r\n"
				   "\r\n"
				   "Caf=E9 cr=E8me br=FBl=E9e, a very long line that is=\r\n"
				   " soft-broken.\r\n"
				   "Second =3D line\r\n";
	mime_message_t *m = parse_ok(text);
	char *body = mime_body_text(m);

	assert_string_equal(body, "Caf\xc3\xa9 cr\xc3\xa8me br\xc3\xbbl\xc3\xa9"
				  "e, a very long line that is soft-broken.\n"
				  "Second = line\n");
	assert_string_equal(mime_part(m, 0)->charset, "ISO-8859-1");
	free(body);
	mime_free(m);
}

static void test_unknown_charset(void **state)
{
	static const char text[] = "From: a@example.com\r\n"
				   "Content-Type: text/plain; charset=x-no-such-thing\r\n"
				   "\r\n"
				   "caf\xe9 \x93q\x94\r\nnul\0byte\r\n";
	char *err = NULL;
	mime_message_t *m = mime_parse(text, sizeof(text) - 1, &err);
	char *body;

	assert_non_null(m);
	body = mime_body_text(m);
	/* Not UTF-8: read as Windows-1252; NUL dropped. */
	assert_string_equal(body, "caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d\nnulbyte\n");
	free(body);
	mime_free(m);
}

static void test_attachment_rfc2231(void **state)
{
	unsigned char original[256];
	char *b64, *text, *err = NULL;
	mime_message_t *m;
	const mime_part_info_t *p;
	buf_t out;
	size_t i;

	for (i = 0; i < sizeof(original); i++)
		original[i] = (unsigned char)(255 - i);
	b64 = g_base64_encode(original, sizeof(original));
	text = xasprintf("From: a@example.com\r\n"
			 "MIME-Version: 1.0\r\n"
			 "Content-Type: multipart/mixed; boundary=\"mix\"\r\n"
			 "\r\n"
			 "--mix\r\n"
			 "Content-Type: text/plain\r\n"
			 "\r\n"
			 "see attached\r\n"
			 "--mix\r\n"
			 "Content-Type: application/octet-stream\r\n"
			 "Content-Disposition: attachment;\r\n"
			 " filename*0*=utf-8''na%%C3%%AFve%%20;\r\n"
			 " filename*1*=r%%C3%%A9sum%%C3%%A9.bin\r\n"
			 "Content-Transfer-Encoding: base64\r\n"
			 "\r\n"
			 "%.76s\r\n%s\r\n"
			 "--mix--\r\n",
			 b64, strlen(b64) > 76 ? b64 + 76 : "");
	m = mime_parse(text, strlen(text), &err);
	assert_non_null(m);
	assert_int_equal(mime_part_count(m), 3);
	p = mime_part(m, 2);
	assert_string_equal(p->id, "2");
	assert_string_equal(p->content_type, "application/octet-stream");
	assert_string_equal(p->filename, "na\xc3\xafve r\xc3\xa9sum\xc3\xa9.bin");
	assert_true(p->is_attachment);
	assert_false(p->is_multipart);
	/* The decoded size, what saving the part writes, not the base64 length. */
	assert_int_equal(p->size, sizeof(original));
	buf_init(&out);
	assert_int_equal(mime_part_decode(m, 2, &out, &err), 0);
	assert_int_equal(out.len, sizeof(original));
	assert_memory_equal(out.data, original, sizeof(original));
	buf_free(&out);
	{
		char *body = mime_body_text(m);

		/* The line break before a boundary belongs to the boundary. */
		assert_string_equal(body, "see attached");
		free(body);
	}
	/* A container has no content; an index out of range is refused. */
	buf_init(&out);
	assert_int_equal(mime_part_decode(m, 0, &out, &err), -1);
	assert_non_null(err);
	free(err);
	err = NULL;
	assert_int_equal(mime_part_decode(m, 99, &out, &err), -1);
	assert_non_null(err);
	free(err);
	buf_free(&out);
	mime_free(m);
	free(text);
	g_free(b64);
}

static void test_message_rfc822_leaf(void **state)
{
	static const char text[] = "From: a@example.com\r\n"
				   "Content-Type: multipart/mixed; boundary=\"o\"\r\n"
				   "\r\n"
				   "--o\r\n"
				   "Content-Type: message/rfc822\r\n"
				   "\r\n"
				   "From: inner@example.com\r\n"
				   "Subject: inner\r\n"
				   "Content-Type: multipart/mixed; boundary=\"i\"\r\n"
				   "\r\n"
				   "--i\r\n"
				   "Content-Type: text/plain\r\n"
				   "\r\n"
				   "inner text\r\n"
				   "--i--\r\n"
				   "--o--\r\n";
	mime_message_t *m = parse_ok(text);
	char *err = NULL;
	buf_t out;

	assert_int_equal(mime_part_count(m), 2);
	assert_string_equal(mime_part(m, 1)->content_type, "message/rfc822");
	assert_false(mime_part(m, 1)->is_multipart);
	assert_true(mime_part(m, 1)->size > 0);
	buf_init(&out);
	assert_int_equal(mime_part_decode(m, 1, &out, &err), 0);
	assert_non_null(strstr(out.data, "Subject: inner"));
	assert_non_null(strstr(out.data, "inner text"));
	buf_free(&out);
	mime_free(m);
}

static void test_truncated_multipart(void **state)
{
	/* TOP n k cut it inside the second part: no closing boundary. */
	static const char text[] = "From: a@example.com\r\n"
				   "Subject: cut\r\n"
				   "Content-Type: multipart/mixed; boundary=\"XX\"\r\n"
				   "\r\n"
				   "--XX\r\n"
				   "Content-Type: multipart/alternative; boundary=\"YY\"\r\n"
				   "\r\n"
				   "--YY\r\n"
				   "Content-Type: text/plain; charset=utf-8\r\n"
				   "\r\n"
				   "Hello there\r\n"
				   "--YY\r\n"
				   "Content-Type: text/html\r\n"
				   "\r\n"
				   "<p>Hello</p>\r\n"
				   "--XX\r\n"
				   "Content-Type: application/pdf; name=\"doc.pdf\"\r\n"
				   "Content-Transfer-Encoding: base64\r\n"
				   "\r\n"
				   "JVBERi0xLjQKJeLjz9MK";
	mime_message_t *m = parse_ok(text);
	char *body = mime_body_text(m);
	char *err = NULL;
	buf_t out;

	assert_string_equal(body, "Hello there");
	assert_int_equal(mime_part_count(m), 5);
	assert_string_equal(mime_part(m, 2)->id, "1.1");
	assert_int_equal(mime_part(m, 2)->depth, 2);
	assert_string_equal(mime_part(m, 3)->id, "1.2");
	assert_string_equal(mime_part(m, 4)->id, "2");
	assert_string_equal(mime_part(m, 4)->filename, "doc.pdf");
	assert_true(mime_part(m, 4)->is_attachment);
	buf_init(&out);
	assert_int_equal(mime_part_decode(m, 4, &out, &err), 0);
	assert_int_equal(out.len, 15);
	assert_memory_equal(out.data, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", 15);
	buf_free(&out);
	free(body);
	mime_free(m);
}

/* ---- hostile input ---- */

/* A NUL inside a header must not end it early: everything after it stays,
 * and the NUL itself shows as U+2400. */
static void test_nul_in_headers(void **state)
{
	static const char headers[] = "From: ceo@bank.example\0 <attacker@evil.example>\r\n"
				      "Subject: Invoice\0 paid, wire the rest\r\n"
				      "\r\n"
				      "body\0with a NUL\r\n";
	mime_summary_t s;
	char *err = NULL;

	(void)state;
	mime_summarize(headers, sizeof headers - 1, &s);
	assert_string_equal(s.from, "ceo@bank.example\xe2\x90\x80 <attacker@evil.example>");
	assert_string_equal(s.from_address, "attacker@evil.example");
	assert_string_equal(s.subject, "Invoice\xe2\x90\x80 paid, wire the rest");
	mime_summary_free(&s);

	/* The same through the full parse; the body keeps its NUL as it is. */
	mime_message_t *m = mime_parse(headers, sizeof headers - 1, &err);
	assert_non_null(m);
	assert_string_equal(mime_message_summary(m)->from_address, "attacker@evil.example");
	assert_string_equal(mime_message_summary(m)->subject,
			    "Invoice\xe2\x90\x80 paid, wire the rest");
	buf_t out;
	buf_init(&out);
	assert_int_equal(mime_part_decode(m, 0, &out, &err), 0);
	assert_int_equal(out.len, sizeof "body\0with a NUL\r\n" - 1);
	assert_memory_equal(out.data, "body\0with a NUL\r\n", out.len);
	buf_free(&out);
	mime_free(m);
}

/* ---- what a header block breaks (mime_summarize's problems) ---- */

static unsigned problems_of(const char *data, size_t len)
{
	mime_summary_t s;
	mime_summarize(data, len, &s);
	unsigned problems = s.problems;
	mime_summary_free(&s);
	return problems;
}

#define GOOD_HEADERS "Date: Mon, 02 Mar 2026 09:00:00 +0000\r\nFrom: a@example.org\r\n"

static void test_header_problems_fields(void **state)
{
	(void)state;
	static const char good[] = GOOD_HEADERS "Subject: fine\r\n\r\nbody\r\n";
	assert_int_equal(problems_of(good, sizeof good - 1), 0);
	static const char none[] = "Subject: neither\r\n\r\n";
	assert_int_equal(problems_of(none, sizeof none - 1),
			 MIME_PROBLEM_NO_DATE | MIME_PROBLEM_NO_FROM);
	static const char twice[] = GOOD_HEADERS "DATE: Tue, 03 Mar 2026 09:00:00 +0000\r\n"
						 "from: b@example.org\r\n\r\n";
	assert_int_equal(problems_of(twice, sizeof twice - 1),
			 MIME_PROBLEM_DUP_DATE | MIME_PROBLEM_DUP_FROM);
	/* Look-alikes are other fields; a From in the body is no header. */
	static const char alike[] = GOOD_HEADERS "Resent-From: c@example.org\r\n"
						 "X-Date: then\r\n\r\nFrom: d@example.org\r\n";
	assert_int_equal(problems_of(alike, sizeof alike - 1), 0);
	/* No header at all: the first line is no field. */
	static const char bodyonly[] = "just text\r\n\r\n";
	assert_int_equal(problems_of(bodyonly, sizeof bodyonly - 1),
			 MIME_PROBLEM_NO_DATE | MIME_PROBLEM_NO_FROM);
	/* A refused TOP: nothing known, nothing flagged. */
	assert_int_equal(problems_of(NULL, 0), 0);
}

static void test_header_problems_bytes(void **state)
{
	(void)state;
	static const char nul[] = GOOD_HEADERS "Subject: a\0b\r\n\r\n";
	assert_int_equal(problems_of(nul, sizeof nul - 1), MIME_PROBLEM_NUL);
	/* 8-bit bytes at any position of the eight-byte stride, and in the tail. */
	for (size_t at = 0; at < 9; at++) {
		char text[128];
		int n = snprintf(text, sizeof text, "%sX: %.*s\xc3\xa9\r\n\r\n", GOOD_HEADERS,
				 (int)at, "........");
		assert_int_equal(problems_of(text, (size_t)n), MIME_PROBLEM_8BIT);
	}
	/* 8-bit bytes and NUL in the body count for nothing. */
	static const char body[] = GOOD_HEADERS "\r\n\xc3\xa9\0\r\n";
	assert_int_equal(problems_of(body, sizeof body - 1), 0);
	/* A raw 8-bit byte is not a control: ESC is not flagged here. */
	static const char esc[] = GOOD_HEADERS "Subject: \x1b[31m\r\n\r\n";
	assert_int_equal(problems_of(esc, sizeof esc - 1), 0);
}

static void test_header_problems_lengths(void **state)
{
	(void)state;
	buf_t b;
	buf_init(&b);
	/* 998 octets and its CRLF are allowed, 999 are not; LF alone too. */
	buf_append_str(&b, GOOD_HEADERS "X: ");
	for (size_t i = 3; i < 998; i++)
		buf_append_str(&b, "x");
	buf_append_str(&b, "\r\n\r\n");
	assert_int_equal(problems_of(b.data, b.len), 0);
	buf_clear(&b);
	buf_append_str(&b, GOOD_HEADERS "X: ");
	for (size_t i = 3; i < 999; i++)
		buf_append_str(&b, "x");
	buf_append_str(&b, "\n\n");
	assert_int_equal(problems_of(b.data, b.len), MIME_PROBLEM_LONG_LINE);
	/* A block over 64 KiB of short lines; the same cut short of its
	 * empty line (a capped TOP) counts as well. */
	buf_clear(&b);
	buf_append_str(&b, GOOD_HEADERS);
	while (b.len <= MIME_MAX_HEADER_BLOCK)
		buf_append_str(&b, "X-Filler: 0123456789012345678901234567890123456789\r\n");
	assert_int_equal(problems_of(b.data, b.len), MIME_PROBLEM_HUGE);
	buf_append_str(&b, "\r\nbody\r\n");
	assert_int_equal(problems_of(b.data, b.len), MIME_PROBLEM_HUGE);
	/* The body's long lines are not the header's. */
	buf_clear(&b);
	buf_append_str(&b, GOOD_HEADERS "\r\n");
	for (size_t i = 0; i < 2000; i++)
		buf_append_str(&b, "y");
	assert_int_equal(problems_of(b.data, b.len), 0);
	buf_free(&b);
}

/* GMime's structure warnings: a multipart without boundary is broken
 * whole or cut; one cut before its end is broken only when whole. */
static void test_mime_broken(void **state)
{
	(void)state;
	mime_message_t *m = parse_ok(GOOD_HEADERS "Content-Type: multipart/mixed\r\n\r\n"
						  "--x\r\n\r\npart\r\n--x--\r\n");
	assert_non_null(mime_message_broken(m, false));
	assert_string_equal(mime_message_broken(m, true), "a multipart without a boundary");
	mime_free(m);
	m = parse_ok(GOOD_HEADERS "Content-Type: multipart/mixed; boundary=x\r\n\r\n"
				  "--x\r\nContent-Type: text/plain\r\n\r\nfirst lines of a ");
	assert_non_null(mime_message_broken(m, false));
	assert_null(mime_message_broken(m, true));
	mime_free(m);
	m = parse_ok(GOOD_HEADERS "Content-Type: multipart/mixed; boundary=x\r\n\r\n"
				  "--x\r\nContent-Type: text/plain\r\n\r\nwhole\r\n--x--\r\n");
	assert_null(mime_message_broken(m, false));
	mime_free(m);
}

static void exercise(const char *data, size_t len)
{
	mime_summary_t s;
	mime_message_t *m;
	char *err = NULL;

	mime_summarize(data, len, &s);
	mime_summary_free(&s);
	m = mime_parse(data, len, &err);
	if (m == NULL) {
		assert_non_null(err);
		free(err);
		return;
	}
	{
		char *body = mime_body_text(m);
		size_t i;

		assert_true(g_utf8_validate(body, -1, NULL));
		free(body);
		for (i = 0; i < mime_part_count(m); i++) {
			const mime_part_info_t *p = mime_part(m, i);
			buf_t out;

			assert_non_null(p->id);
			assert_non_null(p->content_type);
			buf_init(&out);
			if (mime_part_decode(m, i, &out, &err) != 0) {
				assert_true(p->is_multipart);
				free(err);
				err = NULL;
			}
			buf_free(&out);
		}
	}
	mime_free(m);
}

static void test_garbage(void **state)
{
	static const char *const nasty[] = {
	    "",
	    "\r\n",
	    "\r\n\r\nbody only",
	    ":",
	    "Content-Type: multipart/mixed\r\n\r\n--\r\n--\r\n",
	    "Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n----\r\n",
	    "Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n--a\r\n--a--",
	    "Content-Type: /\r\nContent-Transfer-Encoding: base64\r\n\r\n====",
	    "Content-Type: text/plain; charset=\r\n\r\nx",
	    "Content-Type: text/html; charset=utf-16\r\n\r\n<p>\xff\xfe</p>",
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n=\r\n=X=\r",
	    "Content-Type: message/rfc822\r\n\r\n",
	    "From: <<<>>>@@@, \"unterminated\r\nTo: ;;;,,,\r\n\r\n",
	    "Subject: =?utf-8?b?=?= =?=?\r\nDate: 99 Foo 99999 99:99:99 +9999\r\n",
	};
	static const char mimeish[] = "-=?:\r\n ;\"boundary=multipart/text\\";
	unsigned int seed = 12345;
	char block[512];
	size_t i, j;

	for (i = 0; i < sizeof(nasty) / sizeof(nasty[0]); i++)
		exercise(nasty[i], strlen(nasty[i]));
	exercise("From: a\0b@example.com\r\nSubject: n\0ul\r\n\r\n\0\0", 40);
	for (i = 0; i < 300; i++) {
		for (j = 0; j < sizeof(block); j++) {
			seed = seed * 1103515245u + 12345u;
			block[j] = (char)(seed >> 16);
			/* Mostly MIME-looking bytes, so the parser goes deep. */
			if ((seed >> 8) % 4 != 0)
				block[j] = mimeish[(seed >> 20) % (sizeof(mimeish) - 1)];
		}
		exercise(block, sizeof(block));
	}
	{
		/* One huge header line and a huge subject. */
		size_t n = 1 << 20;
		char *big = xmalloc(n);

		memcpy(big, "Subject: ", 9);
		memset(big + 9, 'x', n - 9);
		exercise(big, n);
		free(big);
	}
	assert_true(true);
}

static void test_deep_nesting(void **state)
{
	buf_t b;
	size_t depth = 5000, i;
	mime_message_t *m;
	char *err = NULL, *text;

	buf_init(&b);
	buf_append_str(&b, "From: a@example.com\r\n"
			   "Content-Type: multipart/mixed; boundary=b0\r\n\r\n");
	for (i = 1; i < depth; i++)
		buf_printf(&b, "--b%zu\r\nContent-Type: multipart/mixed; boundary=b%zu\r\n\r\n",
			   i - 1, i);
	buf_printf(&b, "--b%zu\r\nContent-Type: text/plain\r\n\r\ninnermost\r\n", depth - 1);
	m = mime_parse(b.data, b.len, &err);
	assert_non_null(m);
	/* The list stops at 64 levels. */
	assert_int_equal(mime_part_count(m), 65);
	assert_int_equal(mime_part(m, 64)->depth, 64);
	text = mime_body_text(m);
	assert_string_equal(text, "");
	free(text);
	mime_free(m);
	buf_free(&b);

	/* 200,000 nested elements for the HTML walker. */
	buf_init(&b);
	for (i = 0; i < 100000; i++)
		buf_append_str(&b, "<div><b>");
	buf_append_str(&b, "deep");
	text = mime_html_to_text(b.data, b.len);
	assert_non_null(text);
	assert_true(strlen(text) < 16);
	free(text);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_subject_utf8_b),
	    cmocka_unit_test(test_subject_utf8_q),
	    cmocka_unit_test(test_subject_latin1),
	    cmocka_unit_test(test_subject_mixed),
	    cmocka_unit_test(test_subject_broken),
	    cmocka_unit_test(test_from_display_name),
	    cmocka_unit_test(test_from_bare_address),
	    cmocka_unit_test(test_from_name_like_an_address),
	    cmocka_unit_test(test_from_encoded_name),
	    cmocka_unit_test(test_date),
	    cmocka_unit_test(test_header_only),
	    cmocka_unit_test(test_header_only_parse),
	    cmocka_unit_test(test_alternative_text_wins),
	    cmocka_unit_test(test_html_only),
	    cmocka_unit_test(test_html_to_text),
	    cmocka_unit_test(test_html_unlabelled_latin1),
	    cmocka_unit_test(test_qp_latin1),
	    cmocka_unit_test(test_unknown_charset),
	    cmocka_unit_test(test_attachment_rfc2231),
	    cmocka_unit_test(test_message_rfc822_leaf),
	    cmocka_unit_test(test_truncated_multipart),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_nul_in_headers),
	    cmocka_unit_test(test_header_problems_fields),
	    cmocka_unit_test(test_header_problems_bytes),
	    cmocka_unit_test(test_header_problems_lengths),
	    cmocka_unit_test(test_mime_broken),
	    cmocka_unit_test(test_deep_nesting),
	};

	return cmocka_run_group_tests_name("mime", tests, group_setup, group_teardown);
}
