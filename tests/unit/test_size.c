/* test_size: the one size formatter, binary units named as such. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/size.h"

static void check(uint64_t octets, const char *want)
{
	char out[SIZE_TEXT_MAX];

	assert_string_equal(size_format(octets, out, sizeof out), want);
}

static void test_octets_below_one_kib(void **state)
{
	(void)state;
	check(0, "0 B");
	check(512, "512 B");
	check(1023, "1023 B");
}

static void test_binary_units(void **state)
{
	(void)state;
	check(1024, "1.0 KiB");
	check(5632, "5.5 KiB");
	check(152576, "149 KiB"); /* the same message the list shows */
	check(4305180, "4.1 MiB");
	check(30ull << 20, "30 MiB");
	check(2ull << 30, "2.0 GiB");
	check(3ull << 40, "3.0 TiB");
}

static void test_rounding_moves_up_a_unit(void **state)
{
	(void)state;
	check(10188, "9.9 KiB");
	check(10189, "10 KiB"); /* 9.95 KiB would print as "10.0" */
	check(1023487, "999 KiB");
	check(1023488, "1.0 MiB"); /* 999.5 KiB would print as "1000" */
	check(1048575, "1.0 MiB");
}

static void test_largest_fits(void **state)
{
	(void)state;
	char out[SIZE_TEXT_MAX];

	check(UINT64_MAX, "16 EiB");
	/* Every result fits the list's seven-cell column, and a short buffer
	 * is never overrun. */
	for (uint64_t v = 1; v < UINT64_MAX / 3; v *= 3)
		assert_true(strlen(size_format(v, out, sizeof out)) <= 7);
	char tiny[4];
	assert_string_equal(size_format(4305180, tiny, sizeof tiny), "4.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_octets_below_one_kib),
	    cmocka_unit_test(test_binary_units),
	    cmocka_unit_test(test_rounding_moves_up_a_unit),
	    cmocka_unit_test(test_largest_fits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
