/* index.c — the part of the scenario that is stored: posts by tag and by
 * mentioned account, my notifications (likes and follows exist only here),
 * and the posts and events added at run time. Built once at start-up from
 * world.c and kept sorted by time, so streams can binary-search them. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakeapi.h"

void index_refvec_push(struct refvec *v, int64_t t, uint32_t a, uint32_t j)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 16;
		v->v = util_realloc(v->v, v->cap * sizeof *v->v);
	}
	v->v[v->n++] = (struct ref){ t, a, j };
}

static int ref_cmp(const void *x, const void *y)
{
	const struct ref *r = x, *s = y;
	if (r->t != s->t)
		return r->t < s->t ? -1 : 1;
	return r->a < s->a ? -1 : r->a > s->a;
}

/* keeps the vector sorted: run-time additions may land before the tail */
static void refvec_insert(struct refvec *v, int64_t t, uint32_t a, uint32_t j)
{
	struct ref r = { t, a, j };
	size_t i = v->n;

	index_refvec_push(v, t, a, j);
	while (i > 0 && ref_cmp(&v->v[i - 1], &r) > 0) {
		v->v[i] = v->v[i - 1];
		i--;
	}
	v->v[i] = r;
}

static void notif_push(struct notifvec *v, struct notif n)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 64;
		v->v = util_realloc(v->v, v->cap * sizeof *v->v);
	}
	v->v[v->n++] = n;
}

static int notif_cmp(const void *x, const void *y)
{
	const struct notif *r = x, *s = y;
	if (r->t != s->t)
		return r->t < s->t ? -1 : 1;
	return r->from < s->from ? -1 : r->from > s->from;
}

/* How long after the post a notification from `from` arrives (ms), or -1:
 * the network has no such delays (and keeps the original rules: added
 * notifications go last). */
static int64_t notif_delay(const struct fake *f, int net, uint32_t from)
{
	const struct fake_net *nd = net_list[net];
	return nd->notif_delay ? nd->notif_delay(f, from) : -1;
}

/* A notification, late by its delay; added at run time with delays on, it
 * goes into its place by time (it may arrive after later ones). */
static void notif_add(struct fake *f, int net, struct notif n, bool sorted_insert)
{
	struct notifvec *v = &f->nd[net].notifs;
	int64_t d = notif_delay(f, net, n.from);
	size_t i;

	if (d > 0)
		n.t += d;
	notif_push(v, n);
	if (!sorted_insert || d < 0)
		return;
	for (i = v->n - 1; i > 0 && notif_cmp(&v->v[i - 1], &n) > 0; i--)
		v->v[i] = v->v[i - 1];
	v->v[i] = n;
}

/* Adds a post to the tag, mention and notification indexes. */
static void index_post(struct fake *f, const struct post *p, bool sorted_insert)
{
	struct netdata *nd = &f->nd[p->net];
	void (*add)(struct refvec *, int64_t, uint32_t, uint32_t) = sorted_insert ? refvec_insert : index_refvec_push;

	if (p->type != P_REPOST) {
		for (int i = 0; i < p->ntags; i++)
			add(&nd->tags[p->tags[i]], p->t, p->a, p->j);
		if (p->mention >= 0)
			add(&nd->mentions[p->mention], p->t, p->a, p->j);
		if (p->tgt_a >= 0 && p->tgt_a != p->mention && (uint32_t)p->tgt_a != p->a)
			add(&nd->mentions[p->tgt_a], p->t, p->a, p->j);
	}
	if (p->a == 0)
		return;
	if (p->mention == 0 && p->type != P_REPOST)
		notif_add(f, p->net, (struct notif){ p->t, N_MENTION, p->a, (int32_t)p->j, -1 }, sorted_insert);
	else if (p->tgt_a == 0)
		notif_add(f, p->net, (struct notif){ p->t,
			p->type == P_REPLY ? N_REPLY : p->type == P_QUOTE ? N_QUOTE : N_REPOST,
			p->a, (int32_t)p->j, p->tgt_j }, sorted_insert);
}

/* Event times must be unique: Bluesky cursors are timestamps. */
static void notifs_finish(struct notifvec *v)
{
	if (v->n > 1)
		qsort(v->v, v->n, sizeof *v->v, notif_cmp);
	for (size_t i = 1; i < v->n; i++)
		if (v->v[i].t <= v->v[i - 1].t)
			v->v[i].t = v->v[i - 1].t + 1;
}

static void build_likes_follows(struct fake *f, int net)
{
	for (uint32_t d = 1; d <= f->nengaged; d++) {
		notif_add(f, net, (struct notif){ f->end_ms - f->span_ms +
			(int64_t)(world_hash(f, net, d, 0, 21) % (uint64_t)(f->span_ms / 2 + 1)), N_FOLLOW, d, -1, -1 }, false);
		for (uint32_t j = 0; j < world_gen_count(f, 0); j++) {
			if (world_hash(f, net, d, j, 20) % 100 >= 15 || world_quick_type(f, net, 0, j) == P_REPOST)
				continue;
			int64_t t = world_gen_time(f, net, 0, j) + 1000 + (int64_t)(world_hash(f, net, d, j, 22) % (6 * 3600 * 1000));
			if (t <= f->end_ms)     /* additions must land after every generated event */
				notif_add(f, net, (struct notif){ t, N_LIKE, d, -1, (int32_t)j }, false);
		}
	}
}

void index_build(struct fake *f)
{
	for (int net = 0; net < NNET; net++) {
		struct netdata *nd = &f->nd[net];
		nd->mentions = calloc(world_nacc(f), sizeof *nd->mentions);
		nd->extras = calloc(world_nacc(f), sizeof *nd->extras);
		if (!nd->mentions || !nd->extras) {
			fprintf(stderr, "fakeapi: out of memory\n");
			exit(2);
		}
		for (uint32_t a = 0; a < world_nacc(f); a++)
			for (uint32_t j = 0; j < world_gen_count(f, a); j++) {
				struct post p;
				world_post_get(f, net, a, j, &p);
				index_post(f, &p, false);
			}
		for (int t = 0; t < f->ntags; t++)
			if (nd->tags[t].n > 1)
				qsort(nd->tags[t].v, nd->tags[t].n, sizeof(struct ref), ref_cmp);
		for (uint32_t a = 0; a < world_nacc(f); a++)
			if (nd->mentions[a].n > 1)
				qsort(nd->mentions[a].v, nd->mentions[a].n, sizeof(struct ref), ref_cmp);
		build_likes_follows(f, net);
		notifs_finish(&nd->notifs);
	}
}

void index_free(struct fake *f)
{
	for (int net = 0; net < NNET; net++) {
		struct netdata *nd = &f->nd[net];
		for (int t = 0; t < MAX_TAGS; t++)
			free(nd->tags[t].v);
		for (uint32_t a = 0; nd->mentions && a < world_nacc(f); a++)
			free(nd->mentions[a].v);
		for (uint32_t a = 0; nd->extras && a < world_nacc(f); a++) {
			for (size_t i = 0; i < nd->extras[a].n; i++)
				free(nd->extras[a].v[i].text);
			free(nd->extras[a].v);
		}
		free(nd->mentions);
		free(nd->extras);
		free(nd->notifs.v);
	}
	for (int t = 0; t < f->ntags; t++)
		free(f->tags[t]);
}

int index_tag_find(const struct fake *f, const char *name)
{
	for (int i = 0; i < f->ntags; i++)
		if (strcasecmp(f->tags[i], name) == 0)
			return i;
	return -1;
}

int index_tag_add(struct fake *f, const char *name)
{
	int i = index_tag_find(f, name);
	if (i >= 0 || f->ntags == MAX_TAGS)
		return i;
	f->tags[f->ntags] = util_strdup(name);
	for (char *c = f->tags[f->ntags]; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return f->ntags++;
}

/* Number of refs with t <= now. */
size_t index_refs_visible(const struct refvec *v, int64_t now)
{
	size_t lo = 0, hi = v->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v->v[mid].t <= now)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* --- network ids --- */

/* Adds a post at run time; t is after every post of a and after every post
 * added before it on the network, so ids keep increasing in the order posts
 * are added: ids carry the account in their low bits, and a post of doc1 in
 * the same millisecond as doc2's would sort below it and slip under a
 * since_id watermark taken in between (real ids grow with time). Returns
 * its index. */
uint32_t index_add_post(struct fake *f, int net, uint32_t a, uint8_t type, int32_t tgt_a, int32_t mention,
			const int *tags, int ntags, const char *text, int64_t now)
{
	struct xpostvec *xv = &f->nd[net].extras[a];
	uint32_t n = world_total_count(f, net, a);
	int64_t t = now;
	struct xpost *x;
	struct post p;

	if (n > 0 && world_post_time(f, net, a, n - 1) >= t)
		t = world_post_time(f, net, a, n - 1) + 1;
	if (f->nd[net].last_added_t >= t)
		t = f->nd[net].last_added_t + 1;
	f->nd[net].last_added_t = t;
	if (f->frozen && t > f->frozen_ms)   /* a frozen clock moves just enough to show it */
		f->frozen_ms = t;
	if (xv->n == xv->cap) {
		xv->cap = xv->cap ? xv->cap * 2 : 8;
		xv->v = util_realloc(xv->v, xv->cap * sizeof *xv->v);
	}
	x = &xv->v[xv->n++];
	memset(x, 0, sizeof *x);
	x->t = t;
	x->type = type;
	x->mention = mention;
	x->tgt_a = tgt_a;
	x->tgt_j = tgt_a >= 0 ? world_pick_target(f, net, (uint32_t)tgt_a, t + 1, 0) : -1;
	if (tgt_a >= 0 && x->tgt_j < 0) {     /* nothing to reply to yet */
		x->type = P_ORIG;
		x->tgt_a = -1;
	}
	for (int i = 0; i < ntags && i < 3 && x->type != P_REPOST; i++)
		x->tags[x->ntags++] = (uint8_t)tags[i];
	x->text = text ? util_strdup(text) : NULL;
	world_post_get(f, net, a, n, &p);
	index_post(f, &p, true);
	/* notifs were sorted; a new one may need to move into place (with
	 * delays, notif_add put it there) */
	if (notif_delay(f, net, a) < 0) {
		struct notifvec *nv = &f->nd[net].notifs;
		if (nv->n > 1 && nv->v[nv->n - 1].t <= nv->v[nv->n - 2].t)
			nv->v[nv->n - 1].t = nv->v[nv->n - 2].t + 1;
		if (nv->n && f->frozen && nv->v[nv->n - 1].t > f->frozen_ms)
			f->frozen_ms = nv->v[nv->n - 1].t;
	}
	return n;
}

void index_add_event(struct fake *f, int net, uint32_t from, uint8_t type, int64_t now)
{
	struct notifvec *nv = &f->nd[net].notifs;
	int32_t my_j = -1;
	int64_t t = now;

	if (type == N_LIKE) {
		my_j = (int32_t)world_count_upto(f, net, 0, now) - 1;
		while (my_j >= 0 && world_quick_type(f, net, 0, (uint32_t)my_j) == P_REPOST)
			my_j--;
		if (my_j < 0)
			return;
	}
	if (notif_delay(f, net, from) >= 0) {   /* into its place; late by the sender's delay */
		notif_add(f, net, (struct notif){ t, type, from, -1, my_j }, true);
		return;
	}
	if (nv->n && nv->v[nv->n - 1].t >= t)
		t = nv->v[nv->n - 1].t + 1;
	if (f->frozen && t > f->frozen_ms)
		f->frozen_ms = t;
	notif_push(nv, (struct notif){ t, type, from, -1, my_j });
}
