/* radix.h: sorting many items by 64-bit keys in linear time (a least
 * significant digit radix sort, a byte a pass, passes that would move
 * nothing skipped). */
#ifndef POPSCOPE_RADIX_H
#define POPSCOPE_RADIX_H

#include <stddef.h>
#include <stdint.h>

/* Room the passes write to, kept from one sort to the next: fresh pages for
 * every sort of a big mailbox would cost more than the sort. */
typedef struct {
	uint64_t *keys;
	uint32_t *items;
	size_t size; /* items they hold */
} radix_scratch_t;

/* radix_sort: the n items ascending by their keys (keys[i] is items[i]'s;
 * both arrays are permuted together). Stable: items with equal keys keep
 * their order, so sorting by a second key after a first orders by the
 * second, then the first. */
void radix_sort(uint64_t *keys, uint32_t *items, size_t n, radix_scratch_t *scratch);
/* radix_scratch_fit: room for sorts of n items, made ahead of the first. */
void radix_scratch_fit(radix_scratch_t *scratch, size_t n);
void radix_scratch_free(radix_scratch_t *scratch);

#endif
