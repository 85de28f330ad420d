/* stream.c — paging shared by every network: a stream is a time-ordered view
 * (one account's posts, an index of posts, my notifications) of which only
 * the items visible "now" count; a page is up to `limit` of them between two
 * keys, newest first. Networks differ only in the key (ids, or times) and in
 * how they write the page, so the cutting lives here once. */
#include <stdlib.h>

#include "fakeapi.h"

void stream_post(const struct stream *s, size_t i, struct post *p)
{
	if (s->kind == ST_ACCOUNT)
		world_post_get(s->f, s->net, s->a, (uint32_t)i, p);
	else
		world_post_get(s->f, s->net, s->rv->v[i].a, s->rv->v[i].j, p);
}

int64_t stream_time(const struct stream *s, size_t i)
{
	if (s->kind == ST_ACCOUNT)
		return world_post_time(s->f, s->net, s->a, (uint32_t)i);
	if (s->kind == ST_REFS)
		return s->rv->v[i].t;
	return s->f->nd[s->net].notifs.v[i].t;
}

/* the sort key of item i in its network's paging */
uint64_t stream_key(const struct stream *s, size_t i)
{
	const struct fake_net *net = net_list[s->net];

	if (s->kind == ST_ACCOUNT)
		return net->post_order(s->f, s->view, world_post_time(s->f, s->net, s->a, (uint32_t)i), s->a);
	if (s->kind == ST_REFS)
		return net->post_order(s->f, s->view, s->rv->v[i].t, s->rv->v[i].a);
	return net->notif_key ? net->notif_key(i) : (uint64_t)s->f->nd[s->net].notifs.v[i].t;
}

static bool stream_keep(const struct stream *s, size_t i)
{
	if (s->min_t && stream_time(s, i) < s->min_t)
		return false;
	if (s->author >= 0 && s->kind == ST_REFS && s->rv->v[i].a != (uint32_t)s->author)
		return false;
	if (s->kind == ST_NOTIFS)
		return !s->type_mask || (s->type_mask & (1u << s->f->nd[s->net].notifs.v[i].type));
	if (s->keep && !(s->kind == ST_ACCOUNT ? s->keep(s, world_post_time(s->f, s->net, s->a, (uint32_t)i), s->a)
			 : s->keep(s, s->rv->v[i].t, s->rv->v[i].a)))
		return false;
	if (s->filter) {
		uint8_t t = s->kind == ST_ACCOUNT ? world_quick_type(s->f, s->net, s->a, (uint32_t)i)
			: world_quick_type(s->f, s->net, s->rv->v[i].a, s->rv->v[i].j);
		if (((s->filter & F_NO_REPLIES) && t == P_REPLY) || ((s->filter & F_NO_REPOSTS) && t == P_REPOST) ||
		    ((s->filter & F_ONLY_ORIG) && t != P_ORIG))
			return false;
	}
	return true;
}

void stream_account(struct stream *s, struct fake *f, int net, uint32_t a, int64_t now)
{
	*s = (struct stream){ .f = f, .kind = ST_ACCOUNT, .net = net, .a = a, .author = -1, .now = now };
	s->n = world_count_upto(f, net, a, now);
}

void stream_refs(struct stream *s, struct fake *f, int net, const struct refvec *rv, int64_t now)
{
	*s = (struct stream){ .f = f, .kind = ST_REFS, .net = net, .rv = rv, .author = -1, .now = now };
	s->n = index_refs_visible(rv, now);
}

void stream_notifs(struct stream *s, struct fake *f, int net, int64_t now)
{
	const struct notifvec *nv = &f->nd[net].notifs;
	size_t lo = 0, hi = nv->n;

	*s = (struct stream){ .f = f, .kind = ST_NOTIFS, .net = net, .author = -1, .now = now };
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (nv->v[mid].t <= now)
			lo = mid + 1;
		else
			hi = mid;
	}
	s->n = lo;
}

/* first index whose key is > k */
size_t stream_after(const struct stream *s, uint64_t k)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (stream_key(s, mid) <= k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* first index whose key is >= k */
size_t stream_from(const struct stream *s, uint64_t k)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (stream_key(s, mid) < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Selects up to limit items with lo < key < hi (either bound optional) at
 * or after index s->first.
 * Default: the newest such items. oldest_above (Mastodon min_id, X previous
 * page): the oldest items above lo. Output is newest first either way. */
void stream_select(const struct stream *s, const uint64_t *lo, const uint64_t *hi, size_t limit,
		   bool oldest_above, struct page *pg)
{
	size_t start = lo ? stream_after(s, *lo) : 0;
	size_t end = hi ? stream_from(s, *hi) : s->n;

	if (start < s->first) {
		start = s->first;
		if (end < start)
			end = start;
	}

	pg->idx = util_malloc((limit * 2 + 2) * sizeof *pg->idx);
	pg->n = 0;
	pg->more_older = pg->more_newer = false;
	if (!oldest_above) {
		size_t i = end;
		while (i > start && pg->n < limit) {
			i--;
			if (stream_keep(s, i))
				pg->idx[pg->n++] = i;
		}
		while (i > start && !pg->more_older)
			pg->more_older = stream_keep(s, --i);
		pg->more_newer = end < s->n;
	} else {
		size_t i = start;
		while (i < end && pg->n < limit) {
			if (stream_keep(s, i))
				pg->idx[pg->n++] = i;
			i++;
		}
		for (; i < end && !pg->more_newer; i++)
			pg->more_newer = stream_keep(s, i);
		pg->more_older = start > s->first;
		for (size_t a = 0, b = pg->n; a + 1 < b; a++, b--) {
			size_t t = pg->idx[a];
			pg->idx[a] = pg->idx[b - 1];
			pg->idx[b - 1] = t;
		}
	}
}

/* Script effects on the item list: duplicates and out-of-order items. */
void stream_mangle(struct rq *r, struct page *pg)
{
	if (r->dup && pg->n > 0) {
		size_t n = pg->n, out = 0;
		size_t *v = util_malloc((n * 2 + 2) * sizeof *v);
		for (size_t i = 0; i < n; i++) {
			v[out++] = pg->idx[i];
			if (i % 3 == 0)
				v[out++] = pg->idx[i];
		}
		v[out++] = pg->idx[0];
		free(pg->idx);
		pg->idx = v;
		pg->n = out;
	}
	if (r->shuffle && pg->n > 1) {
		uint64_t h = util_mix64(r->f->seed ^ pg->n);
		for (size_t i = pg->n - 1; i > 0; i--) {
			size_t k = (size_t)((h = util_mix64(h)) % (i + 1));
			size_t t = pg->idx[i];
			pg->idx[i] = pg->idx[k];
			pg->idx[k] = t;
		}
		if (pg->n == 2 || pg->idx[0] > pg->idx[pg->n - 1]) {   /* make sure it is out of order */
			size_t t = pg->idx[0];
			pg->idx[0] = pg->idx[pg->n - 1];
			pg->idx[pg->n - 1] = t;
		}
	}
}
