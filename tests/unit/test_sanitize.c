/* test_sanitize: hostile bytes made harmless for screens, logs and file names. */
#include <config.h>

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "util/sanitize.h"

#define FFFD "\xef\xbf\xbd"

/* check: sanitize len bytes of in and compare with want. */
static void check(const char *in, size_t len, bool keep_tab, bool ascii_only, const char *want)
{
	char *got = sanitize_display(in, len, keep_tab, ascii_only);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

#define CHECK(in, want) check(in, sizeof(in) - 1, false, false, want)
#define CHECK_ASCII(in, want) check(in, sizeof(in) - 1, false, true, want)

static void test_plain_text_unchanged(void **state)
{
	CHECK("Hello, world", "Hello, world");
#define MIXED "h\xc3\xa9llo \xe2\x82\xac \xf0\x9d\x84\x9e"
	CHECK(MIXED, MIXED);
#undef MIXED
	CHECK("", "");
	check(NULL, 0, false, false, "");
}

/* sanitize_is_plain vouches for exactly the bytes sanitize_display keeps
 * as they are on their own. */
static void test_is_plain(void **state)
{
	for (int c = 1; c < 256; c++) {
		char one[2] = {(char)c, '\0'};
		char *shown = sanitize_display(one, 1, false, false);
		bool plain = c >= 0x20 && c <= 0x7e;
		assert_int_equal(sanitize_is_plain(one), plain);
		if (plain)
			assert_string_equal(shown, one);
		free(shown);
	}
	assert_true(sanitize_is_plain(""));
	assert_true(sanitize_is_plain("Re: [list] 50% off ~all~ {items}"));
	assert_false(sanitize_is_plain("tab\there"));
	assert_false(sanitize_is_plain("h\xc3\xa9llo"));
}

static void test_c0_become_control_pictures(void **state)
{
	CHECK("\x1b[31mred", "\xe2\x90\x9b[31mred");
	CHECK("a\nb", "a\xe2\x90\x8a"
		      "b");
	CHECK("a\rb", "a\xe2\x90\x8d"
		      "b");
	CHECK("\x01", "\xe2\x90\x81");
	CHECK("\x1f", "\xe2\x90\x9f");
	CHECK("\x7f", "\xe2\x90\xa1");
	CHECK("\x07\x08", "\xe2\x90\x87\xe2\x90\x88");
}

static void test_tab_kept_on_request(void **state)
{
	check("a\tb", 3, true, false, "a\tb");
	check("a\tb", 3, false, false,
	      "a\xe2\x90\x89"
	      "b");
	check("a\tb", 3, true, true, "a\tb");
	check("a\tb", 3, false, true, "a^Ib");
}

static void test_nul_is_replaced(void **state)
{
	check("a\0b", 3, false, false, "a" FFFD "b");
	check("a\0b", 3, false, true, "a?b");
}

static void test_c1_and_bidi_replaced(void **state)
{
	CHECK("\xc2\x9b"
	      "31m",
	      FFFD "31m");
	CHECK("\xc2\x80\xc2\x9f", FFFD FFFD);
	CHECK("\xc2\xa0", "\xc2\xa0"); /* U+00A0 is not C1 */
	CHECK("abc\xe2\x80\xae"
	      "fdp.exe",
	      "abc" FFFD "fdp.exe");
	CHECK("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", FFFD FFFD FFFD FFFD);
	CHECK("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", FFFD FFFD FFFD FFFD);
	CHECK("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", FFFD FFFD FFFD);
	CHECK("\xe2\x80\xa9", "\xe2\x80\xa9"); /* U+2029 is neither */
}

static void test_invalid_utf8_replaced(void **state)
{
	CHECK("\x9b", FFFD);                   /* raw C1 byte: stray continuation */
	CHECK("\xc0\xaf", FFFD FFFD);          /* overlong '/' */
	CHECK("\xe0\x80\xaf", FFFD FFFD FFFD); /* overlong, three bytes */
	CHECK("\xf0\x80\x80\xaf", FFFD FFFD FFFD FFFD);
	CHECK("\xed\xa0\x80", FFFD FFFD FFFD);          /* surrogate U+D800 */
	CHECK("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* above U+10FFFF */
	CHECK("\xf5\xff\xfe", FFFD FFFD FFFD);
	CHECK("\xe2\x82", FFFD); /* truncated at the end */
	CHECK("\xe2\x82"
	      "A",
	      FFFD "A");                               /* truncated, next byte kept */
	CHECK("\xe2\x1b", FFFD "\xe2\x90\x9b");        /* ESC cannot hide in a sequence */
	CHECK("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"); /* U+10FFFF is valid */
}

static void test_ascii_only(void **state)
{
	CHECK_ASCII("plain", "plain");
	CHECK_ASCII("h\xc3\xa9llo", "h?llo");
	CHECK_ASCII("\xf0\x9d\x84\x9e", "?");
	CHECK_ASCII("\x1b[2J", "^[[2J");
	CHECK_ASCII("\x01\x1f", "^A^_");
	CHECK_ASCII("\x7f", "^?");
	CHECK_ASCII("\xc2\x9b\xe2\x80\xae\xff", "???");
}

static void test_respects_length(void **state)
{
	check("abc\x1b", 3, false, false, "abc");
	check("\xe2\x82\xac", 2, false, false, FFFD);
}

static void test_worst_case_growth(void **state)
{
	char in[256];
	char want[256 * 3 + 1];

	memset(in, 0x01, sizeof(in));
	for (size_t i = 0; i < sizeof(in); i++)
		memcpy(want + 3 * i, "\xe2\x90\x81", 3);
	want[sizeof(want) - 1] = '\0';
	check(in, sizeof(in), false, false, want);
}

static void test_every_byte_is_safe(void **state)
{
	/* Every single byte and every two-byte pair: no C0, DEL or C1 gets through. */
	for (unsigned a = 0; a < 256; a++) {
		for (unsigned b = 0; b < 256; b++) {
			char in[2] = {(char)a, (char)b};
			char *got = sanitize_display(in, 2, false, false);
			for (const unsigned char *p = (const unsigned char *)got; *p; p++) {
				assert_true(*p >= 0x20 && *p != 0x7f);
				if (*p == 0xc2)
					assert_true(p[1] >= 0xa0);
			}
			free(got);
			got = sanitize_display(in, 2, false, true);
			for (const unsigned char *p = (const unsigned char *)got; *p; p++)
				assert_true(*p >= 0x20 && *p < 0x7f);
			free(got);
		}
	}
}

static void check_name(const char *in, size_t max_len, const char *want)
{
	char *got = sanitize_filename_for(in, max_len, false);
	assert_string_equal(got, want);
	assert_true(strlen(got) <= (max_len < 8 ? 8 : max_len));
	free(got);
}

static void check_utf8_name(const char *in, size_t max_len, const char *want)
{
	char *got = sanitize_filename_for(in, max_len, true);
	assert_string_equal(got, want);
	assert_true(strlen(got) <= (max_len < 8 ? 8 : max_len));
	free(got);
}

static void test_filename(void **state)
{
	check_name("Re: Hello World!", 64, "Re_Hello_World_");
	check_name("report-2024_v1.2+final.pdf", 64, "report-2024_v1.2+final.pdf");
	check_name("../../etc/passwd", 64, "_.._etc_passwd");
	check_name(".hidden", 64, "hidden");
	check_name("...", 64, "message");
	check_name("..", 64, "message");
	check_name("", 64, "message");
	check_name(NULL, 64, "message");
	check_name("a\x1b[31mb", 64, "a_31mb");
	check_name("\xc3\xa4\xc3\xa4kk\xc3\xb6nen", 64, "_kk_nen");
	check_name("a / \\ b", 64, "a_b");
	check_name("abcdefghijkl", 8, "abcdefgh");
	check_name("abcdefghijkl", 3, "abcdefgh");
	check_name("<1234@example.com>", 10, "_1234_exam");
	/* A cut keeps the extension. */
	check_name("a-very-long-report-name.pdf", 12, "a-very-l.pdf");
	check_name("Bericht \xc3\xbc"
		   "ber Gr\xc3\xb6\xc3\x9f"
		   "e.bin",
		   64, "Bericht_ber_Gr_e.bin");
}

/* In a UTF-8 locale: letters and digits of any script stay. */
static void test_filename_utf8(void **state)
{
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	assert_true(sanitize_locale_is_utf8());
	check_utf8_name("Bericht \xc3\xbc"
			"ber Gr\xc3\xb6\xc3\x9f"
			"e.bin",
			64,
			"Bericht \xc3\xbc"
			"ber Gr\xc3\xb6\xc3\x9f"
			"e.bin");
	/* the locale's rules, through the plain entry point */
	char *got = sanitize_filename("Gr\xc3\xb6\xc3\x9f"
				      "e.txt",
				      64);
	assert_string_equal(got, "Gr\xc3\xb6\xc3\x9f"
				 "e.txt");
	free(got);
	check_utf8_name("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.pdf", 64,
			"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.pdf"); /* Japanese */
	check_utf8_name("\xd8\xaa\xd9\x82\xd8\xb1\xd9\x8a\xd8\xb1 \xd9\xa2\xd9\xa0\xd9\xa2\xd9\xa4",
			64,
			"\xd8\xaa\xd9\x82\xd8\xb1\xd9\x8a\xd8\xb1 "
			"\xd9\xa2\xd9\xa0\xd9\xa2\xd9\xa4"); /* Arabic, Arabic-Indic digits */
	check_utf8_name("\xd0\x9e\xd1\x82\xd1\x87\xd1\x91\xd1\x82 (2), final.odt", 64,
			"\xd0\x9e\xd1\x82\xd1\x87\xd1\x91\xd1\x82 (2), final.odt"); /* Cyrillic */
	/* combining marks (decomposed u + U+0308) stay after a letter, not alone */
	check_utf8_name("u\xcc\x88"
			"ber",
			64,
			"u\xcc\x88"
			"ber");
	check_utf8_name("\xcc\x88x", 64, "_x");
	/* symbols and punctuation: a run, with the spaces around it, is one '_' */
	check_utf8_name("Gr\xc3\xb6\xc3\x9f"
			"enänderung \xe2\x9c\x93 \xe6\x97\xa5",
			64,
			"Gr\xc3\xb6\xc3\x9f"
			"enänderung_\xe6\x97\xa5");
	check_utf8_name("Re: Hello World!", 64, "Re_Hello World_");
	check_utf8_name("fun \xf0\x9f\x8e\x89 party", 64, "fun_party");
	check_utf8_name("a / \\ b", 64, "a_b");
	check_utf8_name("../../etc/passwd", 64, "_.._etc_passwd");
	check_utf8_name("a:b*c?d\"e<f>g|h$i`j;k", 64, "a_b_c_d_e_f_g_h_i_j_k");
	/* spaces: one, none leading or trailing; the other Unicode spaces too */
	check_utf8_name("  a   b  ", 64, "a b");
	check_utf8_name("a\xc2\xa0"
			"b\xe3\x80\x80"
			"c",
			64, "a b c");
	/* leading dots, also after spaces */
	check_utf8_name(".hidden", 64, "hidden");
	check_utf8_name(" ..x", 64, "x");
	check_utf8_name("..", 64, "message");
	check_utf8_name("", 64, "message");
	check_utf8_name(NULL, 64, "message");
	check_utf8_name(" \xe2\x80\x8b ", 64, "message");
	/* controls (C0, DEL, C1) are removed */
	check_utf8_name("a\tb\x7f"
			"c\xc2\x85"
			"d\re\n",
			64, "abcde");
	check_utf8_name("a\x1b[31mb", 64, "a_31mb");
	/* bidi and other format characters are removed */
	check_utf8_name("invoice\xe2\x80\xae"
			"fdp.exe",
			64, "invoicefdp.exe");
	check_utf8_name("\xe2\x81\xa6x\xe2\x81\xa9\xe2\x80\x8e"
			"y\xe2\x80\x8f\xd8\x9c"
			"z",
			64, "xyz");
	check_utf8_name("a\xe2\x80\xaa"
			"b\xe2\x80\xab"
			"c\xe2\x80\xac"
			"d\xe2\x80\xad"
			"e",
			64, "abcde");
	check_utf8_name("\xef\xbb\xbfname\xc2\xad"
			"d\xe2\x80\x8b"
			"e\xf3\xa0\x80\x81",
			64,
			"named"
			"e");
	/* invalid UTF-8 is replaced */
	check_utf8_name("a\xff"
			"b",
			64, "a_b");
	check_utf8_name("\xc3(", 64, "_(");
	check_utf8_name("\xc0\xaf"
			"x",
			64, "_x");
	check_utf8_name("\xed\xa0\x80"
			"x",
			64, "_x"); /* a surrogate */
	/* the bound is in bytes, cut on a character boundary, keeping the extension */
	check_utf8_name("\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4", 8,
			"\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4");
	check_utf8_name("\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4", 9,
			"\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4");
	check_utf8_name("Bericht \xc3\xbc"
			"ber Gr\xc3\xb6\xc3\x9f"
			"e.bin",
			16,
			"Bericht \xc3\xbc"
			"be.bin");
	check_utf8_name("Bericht \xc3\xbc"
			"ber Gr\xc3\xb6\xc3\x9f"
			"e.bin",
			17,
			"Bericht \xc3\xbc"
			"ber.bin");
	check_utf8_name("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe5\xa0\xb1.pdf", 12,
			"\xe6\x97\xa5\xe6\x9c\xac.pdf");
	check_utf8_name("ab cd efgh.txt", 10, "ab cd.txt"); /* no space before the extension */
	check_utf8_name("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae", 8,
			"\xe6\x97\xa5\xe6\x9c\xac");
	setlocale(LC_CTYPE, "C");
}

/* Every code point between two letters: never a control, a format
 * character, '/' or invalid UTF-8 in the name. */
static void test_filename_utf8_every_code_point(void **state)
{
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	for (uint32_t cp = 0x01; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		wchar_t wide[4] = {L'a', (wchar_t)cp, L'b', 0};
		char in[16];
		assert_true(wcstombs(in, wide, sizeof in) != (size_t)-1);
		char *got = sanitize_filename_for(in, 64, true);
		mbstate_t mb;
		memset(&mb, 0, sizeof mb);
		const char *p = got;
		assert_true(got[0] == 'a');
		while (*p) {
			wchar_t wc;
			size_t used = mbrtowc(&wc, p, strlen(p), &mb);
			assert_true(used > 0 && used <= 4);
			assert_false(wc < 0x20 || (wc >= 0x7F && wc <= 0x9F) || wc == L'/');
			assert_false(wc == 0x200E || wc == 0x200F || wc == 0x061C || wc == 0xFEFF ||
				     (wc >= 0x202A && wc <= 0x202E) ||
				     (wc >= 0x2066 && wc <= 0x2069));
			p += used;
		}
		free(got);
	}
	setlocale(LC_CTYPE, "C");
}

static void test_uidl(void **state)
{
	char uid[72];

	assert_true(sanitize_is_clean_uidl("abc", 3));
	assert_true(sanitize_is_clean_uidl("!~", 2));
	assert_false(sanitize_is_clean_uidl("", 0));
	assert_false(sanitize_is_clean_uidl(NULL, 0));
	assert_false(sanitize_is_clean_uidl("a b", 3));
	assert_false(sanitize_is_clean_uidl("ab\x7f", 3));
	assert_false(sanitize_is_clean_uidl("ab\x80", 3));
	assert_false(sanitize_is_clean_uidl("a\0b", 3));
	assert_false(sanitize_is_clean_uidl("\x1b[2J", 4));
	memset(uid, 'x', sizeof(uid));
	assert_true(sanitize_is_clean_uidl(uid, 70));
	assert_false(sanitize_is_clean_uidl(uid, 71));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_text_unchanged),
	    cmocka_unit_test(test_is_plain),
	    cmocka_unit_test(test_c0_become_control_pictures),
	    cmocka_unit_test(test_tab_kept_on_request),
	    cmocka_unit_test(test_nul_is_replaced),
	    cmocka_unit_test(test_c1_and_bidi_replaced),
	    cmocka_unit_test(test_invalid_utf8_replaced),
	    cmocka_unit_test(test_ascii_only),
	    cmocka_unit_test(test_respects_length),
	    cmocka_unit_test(test_worst_case_growth),
	    cmocka_unit_test(test_every_byte_is_safe),
	    cmocka_unit_test(test_filename),
	    cmocka_unit_test(test_filename_utf8),
	    cmocka_unit_test(test_filename_utf8_every_code_point),
	    cmocka_unit_test(test_uidl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
