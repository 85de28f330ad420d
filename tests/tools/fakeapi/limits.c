/* limits.c — rate budgets and Bluesky's session tokens. Buckets are declared
 * by the networks (struct fake_bucket) and live here as one array in network
 * order; the windows, the counters and the rule that a scripted 429 never
 * promises an earlier reset than a spent real window are the same for all,
 * while the headers and the 429 body are each network's (fake_net hooks). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakeapi.h"

/* Every network's buckets, in network order, and within a network with
 * views one set per view, view after view: /_fake/stats lists them so. A
 * view's buckets are named "name@view". */
void limits_init(struct fake *f)
{
	f->nbuckets = 0;
	for (int n = 0; n < NNET; n++) {
		const struct fake_net *net = net_list[n];
		int views = net->views ? net->views(f) : 1;

		f->bucket_base[n] = f->nbuckets;
		for (int v = 0; v < views; v++)
			for (size_t i = 0; i < net->nbuckets; i++) {
				const struct fake_bucket *d = &net->buckets[i];
				const char *vn = net->view_name ? net->view_name(f, v) : NULL;
				struct bucket *b;
				if (f->nbuckets == MAX_BUCKETS) {
					fprintf(stderr, "fakeapi: more than %d rate buckets\n", MAX_BUCKETS);
					exit(2);
				}
				b = &f->buckets[f->nbuckets++];
				*b = (struct bucket){ .net = n, .view = v, .local = (int)i, .unmatched = d->unmatched,
						      .shared = d->shared, .limit = d->limit, .window_s = d->window_s,
						      .remaining = d->limit };
				snprintf(b->name, sizeof b->name, vn ? "%s@%s" : "%s", d->name, vn);
			}
	}
	f->bucket_base[NNET] = f->nbuckets;
}

/* The buckets a name stands for (--rate, POST /_fake/rate): the one of
 * that name, or, for a bucket that exists per view, every view's. */
int limits_select(struct fake *f, const char *name, struct bucket **out, int max)
{
	size_t n = strlen(name);
	int got = 0;

	for (int i = 0; i < f->nbuckets && got < max; i++) {
		const char *bn = f->buckets[i].name;
		if (strcmp(bn, name) == 0 || (strncmp(bn, name, n) == 0 && bn[n] == '@'))
			out[got++] = &f->buckets[i];
	}
	return got;
}

/* Fixed windows that start with the first request after the previous one
 * ended, like X's 15-minute windows. */
void limits_roll(struct bucket *b, int64_t now)
{
	if (b->reset_s == 0 || now / 1000 >= b->reset_s) {
		b->reset_s = now / 1000 + b->window_s;
		b->remaining = b->limit;
	}
}

/* Rolls the window; true if a request may take from the bucket now (its
 * window is not spent and no "hold" rule closed it). */
bool limits_open(struct bucket *b, int64_t now)
{
	limits_roll(b, now);
	return b->remaining > 0 && now >= b->held_s * 1000;
}

static bool bucket_take(struct bucket *b, int64_t now)
{
	if (!limits_open(b, now))
		return false;
	b->remaining--;
	return true;
}

/* A "hold" rule fired: every request on b gets 429 until until_s. */
void limits_hold(struct bucket *b, int64_t until_s)
{
	if (until_s > b->held_s)
		b->held_s = until_s;
}

/* The request's network's bucket number `local` (its index in
 * fake_net.buckets), for the request's view. */
struct bucket *limits_bucket(struct rq *r, int local)
{
	const struct fake_net *net = net_get(r->net);

	return &r->f->buckets[r->f->bucket_base[r->net] + r->view * (int)net->nbuckets + local];
}

/* The bucket a scripted 429 on this request shows: its endpoint's, else the
 * one declared for unmatched paths (of the request's view, if its network
 * has it). */
struct bucket *limits_endpoint_bucket(struct rq *r)
{
	struct fake *f = r->f;
	const struct fake_endpoint *e = net_endpoint_def(r->ep, NULL);

	if (e)
		return limits_bucket(r, e->bucket);
	for (int i = 0; i < f->nbuckets; i++)
		if (f->buckets[i].unmatched && f->buckets[i].net == r->net && f->buckets[i].view == r->view)
			return &f->buckets[i];
	for (int i = 0; i < f->nbuckets; i++)
		if (f->buckets[i].unmatched)
			return &f->buckets[i];
	return &f->buckets[0];
}

/* An API request arrived: for every bucket it draws on, count it if it
 * comes inside a window that a 429 for that bucket announced (a client
 * that waits for the announced reset keeps these at 0), and apart if it
 * comes on a connection that carried such a 429: its client had read the
 * 429 before it sent this one (one request at a time per connection), so
 * it was not already on the wire when the 429 came. */
void limits_arrival(struct rq *r)
{
	const struct fake_endpoint *e = net_endpoint_def(r->ep, NULL);
	const struct fake_net *nd = net_get(r->net);
	const int64_t *told = main_conn_told(r->f, r->req);
	unsigned keys;

	if (!e || !nd)
		return;
	keys = nd->rate_keys ? nd->rate_keys(r) : 1u << e->bucket;
	for (size_t i = 0; i < nd->nbuckets; i++) {
		struct bucket *b = limits_bucket(r, (int)i);
		size_t k = (size_t)(b - r->f->buckets);
		if (!(keys & (1u << i)) || r->now >= b->announced_s * 1000)
			continue;
		r->f->st.after_429[k]++;
		if (told && r->now < told[k] * 1000)
			r->f->st.after_429_read[k]++;
	}
}

/* --- rate-limit headers and 429s, each network's own --- */

void limits_headers(struct rq *r, const struct bucket *b)
{
	const struct fake_net *net = net_get(r->net);

	if (net)
		net->rate_headers(r, b);
}

/* A scripted 429 never promises an earlier end than the real window's: a
 * client trusting it must not run into that one. */
static void honour_window(struct bucket *shown, struct bucket *rb, int64_t now)
{
	limits_roll(rb, now);
	if (rb->remaining <= 0 && rb->reset_s > shown->reset_s)
		shown->reset_s = rb->reset_s;
	if (rb->held_s > shown->reset_s)
		shown->reset_s = rb->held_s;
}

/* A 429 in the network's own shape. reset_in_s > 0: a scripted one, which
 * shows that reset instead of b's. The reset shown is announced for b;
 * returns it. */
int64_t limits_too_many(struct rq *r, struct bucket *b, long reset_in_s)
{
	const struct fake_net *net = net_get(r->net);
	struct bucket shown = *b;
	int64_t *told;

	shown.remaining = 0;
	if (reset_in_s > 0) {
		shown.reset_s = r->now / 1000 + reset_in_s;
		honour_window(&shown, b, r->now);
		for (size_t i = 0; net && i < net->nbuckets; i++)
			if (net->buckets[i].shared)
				honour_window(&shown, limits_bucket(r, (int)i), r->now);
	} else if (b->remaining > 0 && r->now < b->held_s * 1000) {
		shown.reset_s = b->held_s;      /* held, not spent: open again at the hold's end */
	}
	if (b->held_s > shown.reset_s)
		shown.reset_s = b->held_s;
	limits_headers(r, &shown);
	/* a path no network claims has always had Bluesky's body (and no rate headers) */
	(net ? net : net_list[NET_B])->too_many(r, &shown);
	r->f->st.ep_429[r->ep]++;
	if (shown.reset_s > b->announced_s)
		b->announced_s = shown.reset_s;
	if ((told = main_conn_told(r->f, r->req)) && shown.reset_s > told[b - r->f->buckets])
		told[b - r->f->buckets] = shown.reset_s;
	return shown.reset_s;
}

/* Refuses the request: b's window is spent. */
void limits_refuse(struct rq *r, struct bucket *b)
{
	r->f->st.rate_limited++;
	r->f->st.over[b - r->f->buckets]++;
	limits_too_many(r, b, 0);
}

/* Takes one request from the network's bucket `local`; false (and a 429) when spent. */
bool limits_check(struct rq *r, int local)
{
	struct bucket *b = limits_bucket(r, local);

	if (!bucket_take(b, r->now)) {
		limits_refuse(r, b);
		return false;
	}
	limits_headers(r, b);
	return true;
}

/* --- Bluesky session tokens: opaque JWT-shaped strings --- */

const char *limits_token_new(struct fake *f, bool refresh, int64_t now)
{
	struct buf b = { 0 };
	char did[40];
	int64_t exp = now + (refresh ? 90 * DAY_MS : f->b_access_ttl_s * 1000);
	struct token *t;

	world_did_of(f, 0, did);
	f->token_serial++;
	buf_printf(&b, "eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJIUzI1NiJ9.%s-%s-%" PRIu64 "-%" PRId64 ".fakesig%08" PRIx64,
		   refresh ? "refresh" : "access", did + 8, f->token_serial, exp / 1000,
		   util_mix64(f->token_serial ^ f->seed) & 0xffffffffu);
	if (f->ntokens == f->cap_tokens) {
		f->cap_tokens = f->cap_tokens ? f->cap_tokens * 2 : 16;
		f->tokens = util_realloc(f->tokens, f->cap_tokens * sizeof *f->tokens);
	}
	t = &f->tokens[f->ntokens++];
	*t = (struct token){ b.p, refresh, false, exp };
	return t->s;
}

struct token *limits_token_find(struct fake *f, const char *s)
{
	for (size_t i = 0; i < f->ntokens; i++)
		if (strcmp(f->tokens[i].s, s) == 0)
			return &f->tokens[i];
	return NULL;
}
