/* size.h: one way to write a size for people, everywhere popscope shows one. */
#ifndef POPSCOPE_SIZE_H
#define POPSCOPE_SIZE_H

#include <stddef.h>
#include <stdint.h>

/* Room for any size_format result, NUL included ("999 KiB", "16 EiB"). */
#define SIZE_TEXT_MAX 16

/* size_format: octets in binary units named as such: "512 B" below 1 KiB,
 * then "5.5 KiB", "149 KiB", "4.1 MiB", "2.0 GiB" (one decimal below 10,
 * none above; a value that would print as 1000 or more moves to the next
 * unit, so a result is at most seven characters: "1023 B", "999 KiB").
 * The decimal separator follows LC_NUMERIC. Writes at most outlen bytes
 * (SIZE_TEXT_MAX is always enough) and returns out. Exact octet counts,
 * where scripts read them, are printed as plain numbers instead. */
const char *size_format(uint64_t octets, char *out, size_t outlen);

#endif
