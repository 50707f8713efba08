/* ordset.h: a set of 32-bit items kept in the order of a comparison, for
 * lists that are read whole in order much more often than they change (a
 * mailbox's rows by sender or subject, re-sorted at a key press). Items
 * sit in blocks of a few hundred, so inserting or removing one costs a
 * binary search and a short move, and reading all of them in order is a
 * copy per block.
 *
 * The comparison must be a total order on the items in the set (no two
 * compare equal) and must not change for an item while it is in the set:
 * remove it before what it is compared by changes, insert it after. */
#ifndef POPSCOPE_ORDSET_H
#define POPSCOPE_ORDSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ordset ordset_t;

/* ordset_cmp_t: <0, 0 or >0 as a orders before, as or after b. */
typedef int (*ordset_cmp_t)(uint32_t a, uint32_t b, const void *ctx);

ordset_t *ordset_new(ordset_cmp_t cmp, const void *ctx);
void ordset_free(ordset_t *set);
/* ordset_clear: no items (the memory goes too). */
void ordset_clear(ordset_t *set);
/* ordset_insert: add item, which is not in the set. */
void ordset_insert(ordset_t *set, uint32_t item);
/* ordset_remove: take item out; false when it is not there. */
bool ordset_remove(ordset_t *set, uint32_t item);
size_t ordset_count(const ordset_t *set);
/* ordset_copy: every item, in order, into out (ordset_count of them). */
void ordset_copy(const ordset_t *set, uint32_t *out);

#endif
