#include <config.h>

#include "util/radix.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define PASSES 8

void radix_scratch_fit(radix_scratch_t *scratch, size_t n)
{
	if (scratch->size >= n)
		return;
	free(scratch->keys);
	free(scratch->items);
	/* Touched now, so that the first sort does not pay for fresh pages. */
	scratch->keys = xreallocarray(NULL, n, sizeof *scratch->keys);
	scratch->items = xreallocarray(NULL, n, sizeof *scratch->items);
	memset(scratch->keys, 0, n * sizeof *scratch->keys);
	memset(scratch->items, 0, n * sizeof *scratch->items);
	scratch->size = n;
}

void radix_sort(uint64_t *keys, uint32_t *items, size_t n, radix_scratch_t *scratch)
{
	if (n < 2)
		return;
	radix_scratch_fit(scratch, n);
	/* The bytes in which some key differs from the first: the others need
	 * no pass, nor counting (sizes, dates and the like leave most of the
	 * eight bytes alike). */
	uint64_t differs = 0;
	for (size_t i = 1; i < n; i++)
		differs |= keys[i] ^ keys[0];
	int passes[PASSES] = {0}, npasses = 0;
	for (int pass = 0; pass < PASSES; pass++)
		if ((differs >> (8 * pass)) & 0xff)
			passes[npasses++] = pass;
	/* One read for every pass's counts. */
	size_t counts[PASSES][256];
	memset(counts, 0, sizeof counts);
	for (size_t i = 0; i < n; i++)
		for (int p = 0; p < npasses; p++)
			counts[p][(keys[i] >> (8 * passes[p])) & 0xff]++;
	uint64_t *key_from = keys, *key_to = scratch->keys;
	uint32_t *item_from = items, *item_to = scratch->items;
	for (int p = 0; p < npasses; p++) {
		size_t *count = counts[p];
		unsigned shift = 8u * (unsigned)passes[p];
		size_t start = 0;
		for (int b = 0; b < 256; b++) {
			size_t c = count[b];
			count[b] = start;
			start += c;
		}
		for (size_t i = 0; i < n; i++) {
			size_t at = count[(key_from[i] >> shift) & 0xff]++;
			key_to[at] = key_from[i];
			item_to[at] = item_from[i];
		}
		uint64_t *k = key_from;
		key_from = key_to;
		key_to = k;
		uint32_t *it = item_from;
		item_from = item_to;
		item_to = it;
	}
	if (key_from != keys) {
		memcpy(keys, key_from, n * sizeof *keys);
		memcpy(items, item_from, n * sizeof *items);
	}
}

void radix_scratch_free(radix_scratch_t *scratch)
{
	free(scratch->keys);
	free(scratch->items);
	*scratch = (radix_scratch_t){0};
}
