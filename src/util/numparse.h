/* numparse.h: strict decimal number parsing for protocol fields. */
#ifndef POPSCOPE_NUMPARSE_H
#define POPSCOPE_NUMPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* parse_u64: parse exactly len bytes of ASCII digits (no sign, no spaces,
 * 1..20 digits) into *out. Fails (returns false) on empty input, any
 * non-digit, overflow, or a value greater than max. */
bool parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);

/* parse_u64_str: same for a NUL-terminated string. */
bool parse_u64_str(const char *s, uint64_t max, uint64_t *out);

/* parse_size: octets written as digits and an optional binary unit: K
 * (KiB, 1024), M (MiB) or G (GiB), in either case, alone or followed by
 * "iB" or "B" ("500k", "10M", "2GiB"); at most max octets. */
bool parse_size(const char *s, uint64_t max, uint64_t *out);

#endif
