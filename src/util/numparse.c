#include <config.h>

#include "util/numparse.h"

#include <string.h>

/* 20 digits is the most a uint64_t can need (18446744073709551615). */
#define NUMPARSE_MAX_DIGITS 20

bool parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t value = 0;

	if (s == NULL || len == 0 || len > NUMPARSE_MAX_DIGITS)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < '0' || c > '9')
			return false;
		uint64_t digit = (uint64_t)(c - '0');
		if (value > (UINT64_MAX - digit) / 10)
			return false;
		value = value * 10 + digit;
	}
	if (value > max)
		return false;
	*out = value;
	return true;
}

bool parse_size(const char *s, uint64_t max, uint64_t *out)
{
	if (s == NULL)
		return false;
	size_t digits = strspn(s, "0123456789");
	const char *unit = s + digits;
	unsigned shift = 0;
	switch (*unit) {
	case '\0': break;
	case 'k':
	case 'K': shift = 10; break;
	case 'm':
	case 'M': shift = 20; break;
	case 'g':
	case 'G': shift = 30; break;
	default: return false;
	}
	if (shift && unit[1] && strcmp(unit + 1, "iB") != 0 && strcmp(unit + 1, "B") != 0)
		return false;
	uint64_t value;
	if (!parse_u64(s, digits, UINT64_MAX >> shift, &value) || (value << shift) > max)
		return false;
	*out = value << shift;
	return true;
}

bool parse_u64_str(const char *s, uint64_t max, uint64_t *out)
{
	if (s == NULL)
		return false;
	/* Look no further than one byte past the longest valid number. */
	size_t len = strnlen(s, NUMPARSE_MAX_DIGITS + 1);
	return parse_u64(s, len, max, out);
}
