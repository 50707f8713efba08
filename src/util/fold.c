#include <config.h>

#include "util/fold.h"

#include <string.h>

#include "util/xalloc.h"

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

char *fold_copy(const char *s)
{
	char *out = xstrdup(s);
	for (char *p = out; *p; p++)
		*p = (char)fold((unsigned char)*p);
	return out;
}

int fold_cmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)(a ? a : "");
	const unsigned char *y = (const unsigned char *)(b ? b : "");
	while (*x && fold(*x) == fold(*y)) {
		x++;
		y++;
	}
	return (int)fold(*x) - (int)fold(*y);
}

bool fold_has(const char *haystack, const char *needle, bool exact)
{
	if (!haystack)
		return false;
	size_t n = strlen(needle);
	for (const char *h = haystack; *h; h++) {
		size_t i = 0;
		while (i < n && h[i] && (char)fold((unsigned char)h[i]) == needle[i])
			i++;
		if (i == n)
			return !exact || h[n] == '\0';
		if (exact)
			return false;
	}
	return n == 0;
}
