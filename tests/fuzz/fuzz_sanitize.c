/* fuzz_sanitize: libFuzzer harness for the display and file name filters.
 *
 *   clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -I src -I <builddir> \
 *       src/util/xalloc.c src/util/sanitize.c tests/fuzz/fuzz_sanitize.c -lcrypto \
 *       -o fuzz_sanitize
 *
 * Checks what the filters promise, not just "no crash": no C0, DEL or C1
 * control and no bidi override survives; the output is valid UTF-8; the
 * file name is a safe, bounded, non-empty path component, under the ASCII
 * rules and under the UTF-8 locale's. */
#include <config.h>

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* utf8_next: strict decode of one code point, -1 when invalid. */
static long utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	long cp;
	int n;

	if (s[0] < 0x80) {
		*p += 1;
		return s[0];
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 1;
		cp = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 2;
		cp = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 3;
		cp = s[0] & 0x07;
	} else {
		return -1;
	}
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*p += n + 1;
	return cp;
}

static void check_display(const uint8_t *data, size_t size, bool keep_tab)
{
	char *out = sanitize_display((const char *)data, size, keep_tab, false);
	const unsigned char *p = (const unsigned char *)out;

	if (strlen(out) > size * 3)
		abort();
	while (*p) {
		long cp = utf8_next(&p);
		if (cp < 0 || (cp < 0x20 && !(keep_tab && cp == '\t')) ||
		    (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F || cp == 0x061C)
			abort();
	}
	free(out);

	out = sanitize_display((const char *)data, size, keep_tab, true);
	for (p = (const unsigned char *)out; *p; p++) {
		if ((*p < 0x20 && !(keep_tab && *p == '\t')) || *p >= 0x7F)
			abort();
	}
	if (strlen(out) > size * 2)
		abort();
	free(out);
}

static void check_filename(const uint8_t *data, size_t size)
{
	size_t max_len = size ? data[0] % 80 : 8;
	char *in = malloc(size + 1);

	if (in == NULL)
		return;
	memcpy(in, data, size);
	in[size] = '\0';
	char *name = sanitize_filename_for(in, max_len, false);
	size_t len = strlen(name);
	if (len == 0 || len > (max_len < 8 ? 8 : max_len) || name[0] == '.')
		abort();
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.' || c == '+'))
			abort();
	}
	free(name);

	/* The UTF-8 locale's rules: valid UTF-8, no control, bidi mark or '/'. */
	name = sanitize_filename_for(in, max_len, true);
	len = strlen(name);
	if (len == 0 || len > (max_len < 8 ? 8 : max_len) || name[0] == '.' || name[0] == ' ')
		abort();
	for (const unsigned char *p = (const unsigned char *)name; *p;) {
		long cp = utf8_next(&p);
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == '/' ||
		    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
		    cp == 0x200E || cp == 0x200F || cp == 0x061C)
			abort();
	}
	free(name);
	free(in);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* iswalnum classifies letters of every script only in a UTF-8 locale. */
	setlocale(LC_CTYPE, "C.UTF-8");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_display(data, size, false);
	check_display(data, size, true);
	check_filename(data, size);
	(void)sanitize_is_clean_uidl((const char *)data, size);
	return 0;
}
