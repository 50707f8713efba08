/* xalloc.h: allocation that never returns NULL, and secret wiping.
 *
 * Out of memory is not recoverable for an interactive tool: these print one
 * line and exit with EX_OSERR (71). */
#ifndef POPSCOPE_XALLOC_H
#define POPSCOPE_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* xreallocarray: realloc for count * size, failing on overflow. */
void *xreallocarray(void *ptr, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t len);
/* xasprintf: printf into a fresh string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* secret_wipe: overwrite len bytes so the compiler cannot drop the store. */
void secret_wipe(void *ptr, size_t len);
/* secret_free: wipe a NUL-terminated secret string, then free it. NULL is fine. */
void secret_free(char *secret);

#endif
