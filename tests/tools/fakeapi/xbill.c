/* xbill.c — the fake X counts what it serves as X bills it: each post id
 * rendered (in data or includes.tweets, any endpoint) once per UTC day of
 * the fake's clock. /_fake/stats shows "x_billed" (every day's) and
 * "x_billed_today". Kept in f->net_state[NET_X]. */
#include "fakeapi.h"

#include <stdlib.h>

struct xbill {
	struct { int64_t day; uint64_t id; } *slot;   /* open addressing; id 0 = empty */
	size_t n, cap;
	uint64_t total;
};

static size_t slot_of(const struct xbill *b, int64_t day, uint64_t id)
{
	uint64_t h = (id ^ ((uint64_t)day * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
	size_t i = (size_t)(h >> 17) & (b->cap - 1);

	while (b->slot[i].id && !(b->slot[i].id == id && b->slot[i].day == day))
		i = (i + 1) & (b->cap - 1);
	return i;
}

static bool grow(struct xbill *b)
{
	struct xbill old = *b;

	b->cap = old.cap ? old.cap * 2 : 1024;
	b->slot = calloc(b->cap, sizeof *b->slot);
	if (!b->slot) {
		*b = old;
		return false;
	}
	for (size_t i = 0; i < old.cap; i++)
		if (old.slot[i].id)
			b->slot[slot_of(b, old.slot[i].day, old.slot[i].id)] = old.slot[i];
	free(old.slot);
	return true;
}

void xbill_note(struct fake *f, uint64_t id)
{
	struct xbill *b = f->net_state[NET_X];
	int64_t day = clock_now(f) / 86400000;
	size_t i;

	if (!b && !(b = f->net_state[NET_X] = calloc(1, sizeof *b)))
		return;
	if ((b->n + 1) * 2 > b->cap && !grow(b))
		return;
	i = slot_of(b, day, id);
	if (b->slot[i].id)
		return;
	b->slot[i].day = day;
	b->slot[i].id = id;
	b->n++;
	b->total++;
}

void xbill_stats(struct jw *j, struct fake *f)
{
	const struct xbill *b = f->net_state[NET_X];
	int64_t day = clock_now(f) / 86400000;
	uint64_t today = 0;

	for (size_t i = 0; b && i < b->cap; i++)
		today += b->slot[i].id && b->slot[i].day == day;
	jw_kint(j, "x_billed", b ? (long long)b->total : 0);
	jw_kint(j, "x_billed_today", (long long)today);
}

void xbill_free(struct fake *f)
{
	struct xbill *b = f->net_state[NET_X];

	if (b)
		free(b->slot);
	free(b);
	f->net_state[NET_X] = NULL;
}
