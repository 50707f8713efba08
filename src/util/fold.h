/* fold.h: ASCII case folding for comparing and searching text: only A-Z
 * fold (to a-z); every other byte, UTF-8 included, stays as it is. The
 * same in every locale, and no folded copy of the text is needed. */
#ifndef POPSCOPE_FOLD_H
#define POPSCOPE_FOLD_H

#include <stdbool.h>

/* fold_copy: s folded. Caller frees. */
char *fold_copy(const char *s);
/* fold_cmp: strcmp of the folded forms of a and b; NULL compares as "". */
int fold_cmp(const char *a, const char *b);
/* fold_has: haystack, folded, contains needle (already folded: see
 * fold_copy); exact: is needle. A NULL haystack has nothing. */
bool fold_has(const char *haystack, const char *needle, bool exact);

#endif
