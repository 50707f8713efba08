/* test_numparse: strict decimal parsing of protocol numbers. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/numparse.h"

static bool parse(const char *s, uint64_t max, uint64_t *out)
{
	return parse_u64(s, strlen(s), max, out);
}

static void test_accepts_plain_digits(void **state)
{
	uint64_t v = 99;

	assert_true(parse("0", UINT64_MAX, &v));
	assert_int_equal(v, 0);
	assert_true(parse("42", UINT64_MAX, &v));
	assert_int_equal(v, 42);
	assert_true(parse("007", UINT64_MAX, &v));
	assert_int_equal(v, 7);
	assert_true(parse("18446744073709551615", UINT64_MAX, &v));
	assert_true(v == UINT64_MAX);
}

static void test_rejects_overflow(void **state)
{
	uint64_t v = 5;

	assert_false(parse("18446744073709551616", UINT64_MAX, &v));
	assert_false(parse("99999999999999999999", UINT64_MAX, &v));
	/* 21 digits, even when the value would fit */
	assert_false(parse("000000000000000000001", UINT64_MAX, &v));
	assert_int_equal(v, 5);
}

static void test_rejects_non_digits(void **state)
{
	static const char *const bad[] = {
	    "", "+1", "-1", " 1", "1 ", "1a", "0x10", "1.5", "1,5", "\t1", "١",
	};
	uint64_t v = 5;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(parse(bad[i], UINT64_MAX, &v));
	assert_false(parse_u64("1\0"
			       "2",
			       3, UINT64_MAX, &v));
	assert_false(parse_u64(NULL, 0, UINT64_MAX, &v));
	assert_int_equal(v, 5);
}

static void test_respects_max(void **state)
{
	uint64_t v = 5;

	assert_false(parse("100", 99, &v));
	assert_int_equal(v, 5);
	assert_true(parse("100", 100, &v));
	assert_int_equal(v, 100);
	assert_true(parse("0", 0, &v));
	assert_int_equal(v, 0);
	assert_false(parse("1", 0, &v));
}

static void test_uses_exact_length(void **state)
{
	uint64_t v = 0;

	assert_true(parse_u64("123abc", 3, UINT64_MAX, &v));
	assert_int_equal(v, 123);
	assert_true(parse_u64("98 7", 2, UINT64_MAX, &v));
	assert_int_equal(v, 98);
}

static void test_str_variant(void **state)
{
	uint64_t v = 5;

	assert_true(parse_u64_str("65535", UINT64_MAX, &v));
	assert_int_equal(v, 65535);
	assert_false(parse_u64_str("", UINT64_MAX, &v));
	assert_false(parse_u64_str(NULL, UINT64_MAX, &v));
	assert_false(parse_u64_str("12 ", UINT64_MAX, &v));
	assert_false(parse_u64_str("123456789012345678901234567890", UINT64_MAX, &v));
	assert_false(parse_u64_str("70000", 65535, &v));
	assert_int_equal(v, 65535);
}

/* parse_size: octets with a binary unit, as --big takes them. */
static void test_size(void **state)
{
	(void)state;
	uint64_t v = 0;
	assert_true(parse_size("0", UINT64_MAX, &v));
	assert_int_equal(v, 0);
	assert_true(parse_size("12345", UINT64_MAX, &v));
	assert_int_equal(v, 12345);
	assert_true(parse_size("500k", UINT64_MAX, &v));
	assert_int_equal(v, 500 * 1024);
	assert_true(parse_size("10M", UINT64_MAX, &v));
	assert_int_equal(v, 10 * 1024 * 1024);
	assert_true(parse_size("10MiB", UINT64_MAX, &v));
	assert_int_equal(v, 10 * 1024 * 1024);
	assert_true(parse_size("2GB", UINT64_MAX, &v));
	assert_int_equal(v, 2ull << 30);
	v = 7;
	static const char *const bad[] = {
	    "",     "M",      "10X",  "10 M", "-1",
	    "10Mi", "10MiBs", "1.5M", "10kK", "99999999999999999999G"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_false(parse_size(bad[i], UINT64_MAX, &v));
	assert_false(parse_size("2G", (2ull << 30) - 1, &v));
	assert_false(parse_size(NULL, UINT64_MAX, &v));
	assert_int_equal(v, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepts_plain_digits),
	    cmocka_unit_test(test_rejects_overflow),
	    cmocka_unit_test(test_rejects_non_digits),
	    cmocka_unit_test(test_respects_max),
	    cmocka_unit_test(test_uses_exact_length),
	    cmocka_unit_test(test_str_variant),
	    cmocka_unit_test(test_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
