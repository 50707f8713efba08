#include <config.h>

#include "util/radix.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define PASSES 8

void radix_sort(uint64_t *keys, uint32_t *items, size_t n)
{
	if (n < 2)
		return;
	/* One read for every pass's counts. */
	size_t(*counts)[256] = xcalloc(PASSES, sizeof *counts);
	for (size_t i = 0; i < n; i++)
		for (int pass = 0; pass < PASSES; pass++)
			counts[pass][(keys[i] >> (8 * pass)) & 0xff]++;
	uint64_t *key_tmp = xreallocarray(NULL, n, sizeof *key_tmp);
	uint32_t *item_tmp = xreallocarray(NULL, n, sizeof *item_tmp);
	uint64_t *key_from = keys, *key_to = key_tmp;
	uint32_t *item_from = items, *item_to = item_tmp;
	for (int pass = 0; pass < PASSES; pass++) {
		size_t *count = counts[pass];
		unsigned shift = 8u * (unsigned)pass;
		if (count[(key_from[0] >> shift) & 0xff] == n)
			continue; /* every key has the same byte here */
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
	free(key_tmp);
	free(item_tmp);
	free(counts);
}
