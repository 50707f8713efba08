#include <config.h>

#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void buf_init(buf_t *buf)
{
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
}

static void buf_reserve(buf_t *buf, size_t extra)
{
	if (buf->len + extra + 1 <= buf->cap)
		return;
	size_t cap = buf->cap ? buf->cap : 256;
	while (cap < buf->len + extra + 1)
		cap *= 2;
	buf->data = xrealloc(buf->data, cap);
	buf->cap = cap;
}

void buf_append(buf_t *buf, const void *data, size_t len)
{
	buf_reserve(buf, len);
	if (len)
		memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}

void buf_append_str(buf_t *buf, const char *s)
{
	buf_append(buf, s, strlen(s));
}

void buf_printf(buf_t *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_append_str(buf, s);
	free(s);
}

void buf_consume(buf_t *buf, size_t n)
{
	if (n >= buf->len) {
		buf_clear(buf);
		return;
	}
	memmove(buf->data, buf->data + n, buf->len - n);
	buf->len -= n;
	buf->data[buf->len] = '\0';
}

void buf_clear(buf_t *buf)
{
	buf->len = 0;
	if (buf->data)
		buf->data[0] = '\0';
}

char *buf_steal(buf_t *buf)
{
	/* Trim the slack: stolen strings live long (one per header per message). */
	char *p = buf->data ? xrealloc(buf->data, buf->len + 1) : xstrdup("");
	buf_init(buf);
	return p;
}

void buf_free(buf_t *buf)
{
	free(buf->data);
	buf_init(buf);
}

void buf_wipe_free(buf_t *buf)
{
	secret_wipe(buf->data, buf->cap);
	buf_free(buf);
}
