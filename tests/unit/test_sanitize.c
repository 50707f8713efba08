/* test_sanitize: hostile bytes made harmless for screens, logs and file names. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
	char *got = sanitize_filename(in, max_len);
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
	    cmocka_unit_test(test_uidl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
