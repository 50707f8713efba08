/* buf.h: a growable byte buffer with a consumed-prefix cursor. */
#ifndef POPSCOPE_BUF_H
#define POPSCOPE_BUF_H

#include <stddef.h>

typedef struct {
	char *data; /* always NUL-terminated after data[len] when data != NULL */
	size_t len; /* bytes held */
	size_t cap; /* bytes allocated */
} buf_t;

void buf_init(buf_t *buf);
void buf_append(buf_t *buf, const void *data, size_t len);
void buf_append_str(buf_t *buf, const char *s);
void buf_printf(buf_t *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* buf_consume: drop the first n bytes (n <= len). */
void buf_consume(buf_t *buf, size_t n);
void buf_clear(buf_t *buf);
/* buf_steal: hand the NUL-terminated contents to the caller; the buffer is empty after. */
char *buf_steal(buf_t *buf);
void buf_free(buf_t *buf);
/* buf_wipe_free: overwrite everything ever held (secrets), then free. */
void buf_wipe_free(buf_t *buf);

#endif
