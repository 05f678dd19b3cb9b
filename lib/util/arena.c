/* Arena: chunks of at least 64 KiB, freed together. */
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

struct chunk {
	struct chunk *next;
	size_t used, size;
	max_align_t data[];
};

struct tg_arena {
	struct chunk *head;
};

tg_arena *tg_arena_new(void)
{
	tg_arena *a = calloc(1, sizeof *a);
	if (!a)
		abort();
	return a;
}

void *tg_arena_alloc(tg_arena *a, size_t n)
{
	n = (n + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
	struct chunk *c = a->head;
	if (!c || c->size - c->used < n) {
		size_t size = n > 65536 ? n : 65536;
		c = malloc(sizeof *c + size);
		if (!c)
			abort();
		c->next = a->head;
		c->used = 0;
		c->size = size;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

char *tg_arena_strdup(tg_arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(tg_arena_alloc(a, n), s, n);
}

void tg_arena_free(tg_arena *a)
{
	if (!a)
		return;
	for (struct chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}
