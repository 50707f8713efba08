/* radix.h: sorting many items by 64-bit keys in linear time (a least
 * significant digit radix sort, a byte a pass, passes that would move
 * nothing skipped). */
#ifndef POPSCOPE_RADIX_H
#define POPSCOPE_RADIX_H

#include <stddef.h>
#include <stdint.h>

/* radix_sort: the n items ascending by their keys (keys[i] is items[i]'s;
 * both arrays are permuted together). Stable: items with equal keys keep
 * their order, so sorting by a second key after a first orders by the
 * second, then the first. */
void radix_sort(uint64_t *keys, uint32_t *items, size_t n);

#endif
