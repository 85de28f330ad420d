/* check_util.c — the small containers the rule engine is built from. */
#include "check/check_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_ARENA_BLOCK 65536

struct check_arena_block {
	struct check_arena_block *next;
	size_t used, size;
	max_align_t data[];
};

void *check_arena_alloc(struct check_arena *a, size_t n)
{
	struct check_arena_block *b = a->head;
	size_t size;
	void *p;

	n = (n + 7) & ~(size_t)7;
	if (!b || b->size - b->used < n) {
		size = n > CHECK_ARENA_BLOCK ? n : CHECK_ARENA_BLOCK;
		b = malloc(sizeof *b + size);
		if (!b)
			return NULL;
		b->used = 0;
		b->size = size;
		b->next = a->head;
		a->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *check_arena_strndup(struct check_arena *a, const char *s, size_t n)
{
	char *p = check_arena_alloc(a, n + 1);

	if (p)
		memcpy(p, s, n);
	return p;
}

void check_arena_free(struct check_arena *a)
{
	while (a->head) {
		struct check_arena_block *next = a->head->next;
		free(a->head);
		a->head = next;
	}
}

int check_vec_reserve(void *items, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 8;
	void *p, *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	/* items points at a typed pointer (struct x **): copy its bytes rather
	 * than reading it through void **, which would break aliasing rules. */
	memcpy(&p, items, sizeof p);
	q = realloc(p, n * size);
	if (!q)
		return -ENOMEM;
	memcpy(items, &q, sizeof q);
	*cap = n;
	return 0;
}

uint64_t check_hash(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;

	while (n--) {
		h ^= *s++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static struct check_dict_slot *check_dict_find(const struct check_dict *d, const char *key,
					       size_t len, uint64_t h)
{
	size_t mask = d->cap - 1, i = h & mask;

	for (;; i = (i + 1) & mask) {
		struct check_dict_slot *s = &d->slots[i];
		if (!s->key || (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0))
			return s;
	}
}

static int check_dict_grow(struct check_dict *d)
{
	struct check_dict old = *d;
	size_t i;

	d->cap = old.cap ? old.cap * 2 : 64;
	d->slots = calloc(d->cap, sizeof *d->slots);
	if (!d->slots) {
		*d = old;
		return -ENOMEM;
	}
	for (i = 0; i < old.cap; i++)
		if (old.slots[i].key)
			*check_dict_find(d, old.slots[i].key, old.slots[i].len, old.slots[i].hash) = old.slots[i];
	free(old.slots);
	return 0;
}

int check_dict_upsert(struct check_dict *d, const char *key, size_t len, uint32_t **value)
{
	uint64_t h = check_hash(key, len, CHECK_HASH_SEED);
	struct check_dict_slot *s;

	/* Keep the load under one half so probes stay short. */
	if ((d->n + 1) * 2 > d->cap && check_dict_grow(d) < 0)
		return -ENOMEM;
	s = check_dict_find(d, key, len, h);
	if (!s->key) {
		s->key = key;
		s->len = (uint32_t)len;
		s->hash = h;
		s->value = CHECK_NONE;
		d->n++;
	}
	*value = &s->value;
	return 0;
}

uint32_t check_dict_get(const struct check_dict *d, const char *key, size_t len)
{
	const struct check_dict_slot *s;

	if (!d->cap)
		return CHECK_NONE;
	s = check_dict_find(d, key, len, check_hash(key, len, CHECK_HASH_SEED));
	return s->key ? s->value : CHECK_NONE;
}

void check_dict_free(struct check_dict *d)
{
	free(d->slots);
	memset(d, 0, sizeof *d);
}

int check_errf(char **err, const char *file, unsigned line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!err)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	free(*err);
	*err = NULL;
	if (asprintf(err, "%s:%u: %s", file ? file : "?", line, msg) < 0)
		*err = NULL;
	return -EINVAL;
}
