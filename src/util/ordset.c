#include <config.h>

#include "util/ordset.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* 1 KiB of items a block: small enough to move within at once, large
 * enough that the directory of blocks stays short (400 for 100,000). */
#define BLOCK_ITEMS 256

typedef struct {
	size_t count;
	uint32_t items[BLOCK_ITEMS];
} block_t;

struct ordset {
	ordset_cmp_t cmp;
	const void *ctx;
	block_t **blocks; /* in order; none empty */
	size_t nblocks, cap;
	size_t count;
};

ordset_t *ordset_new(ordset_cmp_t cmp, const void *ctx)
{
	ordset_t *set = xcalloc(1, sizeof *set);
	set->cmp = cmp;
	set->ctx = ctx;
	return set;
}

void ordset_clear(ordset_t *set)
{
	for (size_t i = 0; i < set->nblocks; i++)
		free(set->blocks[i]);
	free(set->blocks);
	set->blocks = NULL;
	set->nblocks = set->cap = set->count = 0;
}

void ordset_free(ordset_t *set)
{
	if (!set)
		return;
	ordset_clear(set);
	free(set);
}

size_t ordset_count(const ordset_t *set)
{
	return set->count;
}

/* find_block: the first block whose last item does not order before item
 * (nblocks when every block's does). */
static size_t find_block(const ordset_t *set, uint32_t item)
{
	size_t low = 0, high = set->nblocks;
	while (low < high) {
		size_t mid = low + (high - low) / 2;
		const block_t *b = set->blocks[mid];
		if (set->cmp(b->items[b->count - 1], item, set->ctx) < 0)
			low = mid + 1;
		else
			high = mid;
	}
	return low;
}

/* find_in_block: the first position in b whose item does not order before item. */
static size_t find_in_block(const ordset_t *set, const block_t *b, uint32_t item)
{
	size_t low = 0, high = b->count;
	while (low < high) {
		size_t mid = low + (high - low) / 2;
		if (set->cmp(b->items[mid], item, set->ctx) < 0)
			low = mid + 1;
		else
			high = mid;
	}
	return low;
}

/* add_block: a new empty block at directory position at. */
static block_t *add_block(ordset_t *set, size_t at)
{
	if (set->nblocks == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->blocks = xreallocarray(set->blocks, set->cap, sizeof *set->blocks);
	}
	memmove(&set->blocks[at + 1], &set->blocks[at], (set->nblocks - at) * sizeof *set->blocks);
	block_t *b = xmalloc(sizeof *b);
	b->count = 0;
	set->blocks[at] = b;
	set->nblocks++;
	return b;
}

void ordset_insert(ordset_t *set, uint32_t item)
{
	size_t at = find_block(set, item);
	if (at == set->nblocks && at > 0)
		at--; /* after every item: the end of the last block */
	if (at == set->nblocks)
		add_block(set, 0);
	block_t *b = set->blocks[at];
	size_t pos = find_in_block(set, b, item);
	if (b->count == BLOCK_ITEMS) {
		if (pos == BLOCK_ITEMS) {
			/* At a full block's end (items often come in order): a
			 * new block, the full one stays full. */
			b = add_block(set, at + 1);
			pos = 0;
		} else {
			block_t *upper = add_block(set, at + 1);
			size_t half = BLOCK_ITEMS / 2;
			memcpy(upper->items, b->items + half,
			       (BLOCK_ITEMS - half) * sizeof *b->items);
			upper->count = BLOCK_ITEMS - half;
			b->count = half;
			if (pos > half) {
				b = upper;
				pos -= half;
			}
		}
	}
	memmove(&b->items[pos + 1], &b->items[pos], (b->count - pos) * sizeof *b->items);
	b->items[pos] = item;
	b->count++;
	set->count++;
}

bool ordset_remove(ordset_t *set, uint32_t item)
{
	size_t at = find_block(set, item);
	if (at == set->nblocks)
		return false;
	block_t *b = set->blocks[at];
	size_t pos = find_in_block(set, b, item);
	if (pos == b->count || b->items[pos] != item)
		return false;
	memmove(&b->items[pos], &b->items[pos + 1], (b->count - pos - 1) * sizeof *b->items);
	b->count--;
	set->count--;
	if (!b->count) {
		free(b);
		memmove(&set->blocks[at], &set->blocks[at + 1],
			(set->nblocks - at - 1) * sizeof *set->blocks);
		set->nblocks--;
	}
	return true;
}

void ordset_copy(const ordset_t *set, uint32_t *out)
{
	for (size_t i = 0; i < set->nblocks; i++) {
		memcpy(out, set->blocks[i]->items, set->blocks[i]->count * sizeof *out);
		out += set->blocks[i]->count;
	}
}
