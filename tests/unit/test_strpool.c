/* test_strpool: strings packed into chunks keep their bytes, however many
 * and however long, until the pool goes. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/strpool.h"

static void test_many_small_strings(void **state)
{
	(void)state;
	strpool_t *pool = strpool_new();
	enum {
		COUNT = 20000
	};
	const char **kept = calloc(COUNT, sizeof *kept);
	assert_non_null(kept);
	size_t bytes = 0;
	for (int i = 0; i < COUNT; i++) {
		char text[32];
		int n = snprintf(text, sizeof text, "uidl-%d", i);
		kept[i] = strpool_add(pool, text, (size_t)n);
		bytes += (size_t)n + 1;
	}
	for (int i = 0; i < COUNT; i++) {
		char text[32];
		snprintf(text, sizeof text, "uidl-%d", i);
		assert_string_equal(kept[i], text);
	}
	assert_int_equal(strpool_bytes(pool), bytes);
	free(kept);
	strpool_free(pool);
}

static void test_long_strings_and_embedded_bytes(void **state)
{
	(void)state;
	strpool_t *pool = strpool_new();
	const char *before = strpool_add_str(pool, "before");
	size_t long_len = 100000;
	char *text = malloc(long_len);
	assert_non_null(text);
	for (size_t i = 0; i < long_len; i++)
		text[i] = (char)('a' + i % 26);
	const char *big = strpool_add(pool, text, long_len);
	const char *after = strpool_add_str(pool, "after");
	assert_memory_equal(big, text, long_len);
	assert_int_equal(big[long_len], '\0');
	assert_string_equal(before, "before");
	assert_string_equal(after, "after");
	/* A length, not a C string: the copy stops there and ends with NUL. */
	const char *cut = strpool_add(pool, "abc\0def", 5);
	assert_memory_equal(cut, "abc\0d", 5);
	assert_int_equal(cut[5], '\0');
	free(text);
	strpool_free(pool);
}

static void test_null_and_empty(void **state)
{
	(void)state;
	strpool_t *pool = strpool_new();
	assert_null(strpool_add_str(pool, NULL));
	assert_string_equal(strpool_add_str(pool, ""), "");
	assert_int_equal(strpool_bytes(pool), 1);
	strpool_free(pool);
	strpool_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_many_small_strings),
	    cmocka_unit_test(test_long_strings_and_embedded_bytes),
	    cmocka_unit_test(test_null_and_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
