/* strpool.h: many small strings that live as long as their owner, packed
 * into large chunks. A string is never freed alone: the pool goes as a
 * whole. Rows of a 100,000-message mailbox hold several strings each;
 * one malloc per string would cost more in allocator overhead and in
 * fragmentation (short-lived reply buffers between long-lived strings)
 * than the strings themselves. */
#ifndef POPSCOPE_STRPOOL_H
#define POPSCOPE_STRPOOL_H

#include <stddef.h>

typedef struct strpool strpool_t;

strpool_t *strpool_new(void);
void strpool_free(strpool_t *pool);
/* strpool_add: a copy of the len bytes at s, NUL-terminated, that lives
 * until strpool_free. */
const char *strpool_add(strpool_t *pool, const char *s, size_t len);
/* strpool_add_str: the same for a C string; NULL gives NULL. */
const char *strpool_add_str(strpool_t *pool, const char *s);
/* strpool_bytes: the bytes the pool holds (for deciding when to compact). */
size_t strpool_bytes(const strpool_t *pool);

#endif
