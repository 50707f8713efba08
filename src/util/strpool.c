#include <config.h>

#include "util/strpool.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* A chunk holds many strings; a string longer than a quarter of it gets a
 * chunk of its own, so that little is left unused at a chunk's end. */
#define CHUNK_BYTES (64u * 1024)

typedef struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
} chunk_t;

struct strpool {
	chunk_t *head; /* the chunk being filled; older ones follow */
	size_t bytes;
};

strpool_t *strpool_new(void)
{
	return xcalloc(1, sizeof(strpool_t));
}

void strpool_free(strpool_t *pool)
{
	if (!pool)
		return;
	chunk_t *chunk = pool->head;
	while (chunk) {
		chunk_t *next = chunk->next;
		free(chunk);
		chunk = next;
	}
	free(pool);
}

static chunk_t *chunk_new(size_t size)
{
	chunk_t *chunk = xmalloc(sizeof *chunk + size);
	chunk->next = NULL;
	chunk->used = 0;
	chunk->size = size;
	return chunk;
}

const char *strpool_add(strpool_t *pool, const char *s, size_t len)
{
	size_t need = len + 1;
	chunk_t *chunk = pool->head;
	if (need > CHUNK_BYTES / 4) {
		/* Behind the current chunk, which keeps filling. */
		chunk_t *own = chunk_new(need);
		if (chunk) {
			own->next = chunk->next;
			chunk->next = own;
		} else {
			pool->head = own;
		}
		chunk = own;
	} else if (!chunk || chunk->size - chunk->used < need) {
		chunk = chunk_new(CHUNK_BYTES);
		chunk->next = pool->head;
		pool->head = chunk;
	}
	char *copy = chunk->data + chunk->used;
	memcpy(copy, s, len);
	copy[len] = '\0';
	chunk->used += need;
	pool->bytes += need;
	return copy;
}

const char *strpool_add_str(strpool_t *pool, const char *s)
{
	return s ? strpool_add(pool, s, strlen(s)) : NULL;
}

size_t strpool_bytes(const strpool_t *pool)
{
	return pool->bytes;
}
