/* feed.c — whom `me` follows on each network and the home timelines that
 * follow from it: the newest posts and reposts of the followed accounts,
 * newest first, of which only a window (--home-window, the newest N) is
 * served, as Mastodon keeps about 800 entries of a home feed. The networks'
 * files render it (mastodon.c timelines/home and relationships, bluesky.c
 * getTimeline and getProfiles' viewer.following, x.c reverse_chronological
 * and connection_status).
 *
 *   --follows SPEC        me follows these accounts on X, Mastodon and Bluesky:
 *                         "1-4000,4500" (account numbers, docN); default none
 *   --home-window N       entries a home timeline keeps (default 800)
 *   POST /_fake/follows?net=x|mastodon|bluesky[&set=SPEC][&add=SPEC][&remove=SPEC]
 *   GET  /_fake/follows   how many each network's me follows */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakeapi.h"

struct feed {
	const char *spec;              /* --follows, applied when first needed */
	bool *follows[NNET];           /* [a]: me follows a; NULL: not built yet */
	long window;
};

static struct feed *feed_of(struct fake *f)
{
	if (!f->feed) {
		f->feed = util_malloc(sizeof *f->feed);
		*f->feed = (struct feed){ .window = 800 };
	}
	return f->feed;
}

/* Applies "1-10,12" to v (value set); false on a malformed spec. */
static bool apply(const struct fake *f, bool *v, const char *spec, bool value)
{
	for (const char *p = spec; p && *p; ) {
		char *end;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;
		if (end == p)
			return false;
		if (*end == '-') {
			p = end + 1;
			hi = strtoul(p, &end, 10);
			if (end == p)
				return false;
		}
		for (unsigned long a = lo; a <= hi && a <= f->naccounts; a++)
			if (a >= 1)
				v[a] = value;
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return false;
	}
	return true;
}

static bool *follows(struct fake *f, int net)
{
	struct feed *fd = feed_of(f);

	if (!fd->follows[net]) {
		fd->follows[net] = calloc(f->naccounts + 1, sizeof (bool));
		if (!fd->follows[net])
			abort();
		apply(f, fd->follows[net], fd->spec, true);
	}
	return fd->follows[net];
}

int feed_option(struct fake *f, const char *name, const char *arg)
{
	struct feed *fd = feed_of(f);
	long v;

	if (strcmp(name, "home-window") == 0) {
		if (!util_parse_long(arg, &v) || v < 1)
			return -1;
		fd->window = v;
		return 0;
	}
	fd->spec = arg;
	return 0;
}

bool feed_follows(struct fake *f, int net, uint32_t a)
{
	return a >= 1 && a <= f->naccounts && follows(f, net)[a];
}

/* One followed account's next older post, for the merge. */
struct head { int64_t t; uint32_t a, j; };

static void sift_down(struct head *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && h[l].t > h[m].t)
			m = l;
		if (r < n && h[r].t > h[m].t)
			m = r;
		if (m == i)
			return;
		struct head tmp = h[i];
		h[i] = h[m];
		h[m] = tmp;
		i = m;
	}
}

void feed_home_refs(struct fake *f, int net, int64_t now, struct refvec *out)
{
	bool *v = follows(f, net);
	struct head *h = util_malloc((f->naccounts + 1) * sizeof *h);
	size_t n = 0, want = (size_t)feed_of(f)->window;

	*out = (struct refvec){ 0 };
	for (uint32_t a = 1; a <= f->naccounts; a++) {
		uint32_t c = v[a] ? world_count_upto(f, net, a, now) : 0;
		if (c)
			h[n++] = (struct head){ world_post_time(f, net, a, c - 1), a, c - 1 };
	}
	for (size_t i = n / 2; i-- > 0; )
		sift_down(h, n, i);
	/* Newest first into out, then turned oldest first as streams want. */
	while (n && out->n < want) {
		struct head top = h[0];
		index_refvec_push(out, top.t, top.a, top.j);
		if (top.j == 0)
			h[0] = h[--n];
		else
			h[0] = (struct head){ world_post_time(f, net, top.a, top.j - 1), top.a, top.j - 1 };
		sift_down(h, n, 0);
	}
	for (size_t i = 0; i < out->n / 2; i++) {
		struct ref tmp = out->v[i];
		out->v[i] = out->v[out->n - 1 - i];
		out->v[out->n - 1 - i] = tmp;
	}
	free(h);
}

static void reply_counts(struct rq *r)
{
	struct fake *f = r->f;

	rq_json(r, 200);
	jw_obj(&r->j);
	for (int net = 0; net < NNET; net++) {
		long c = 0;
		for (uint32_t a = 1; a <= f->naccounts; a++)
			c += follows(f, net)[a];
		jw_kint(&r->j, net == NET_X ? "x" : net == NET_M ? "mastodon" : "bluesky", c);
	}
	jw_kint(&r->j, "home_window", feed_of(f)->window);
	jw_end(&r->j);
}

bool feed_ctl_serve(struct rq *r, const char *path)
{
	const char *net = rq_param(r, "net");
	int n = -1;
	bool *v;

	if (strcmp(path, "/follows") != 0)
		return false;
	if (evhttp_request_get_command(r->req) != EVHTTP_REQ_POST) {
		reply_counts(r);
		return true;
	}
	if (net)
		n = strcmp(net, "mastodon") == 0 ? NET_M : strcmp(net, "bluesky") == 0 ? NET_B :
		    strcmp(net, "x") == 0 ? NET_X : -1;
	if (n < 0) {
		rq_raw(r, 400, "text/plain", "net=mastodon|bluesky|x required\n");
		return true;
	}
	v = follows(r->f, n);
	if (rq_param(r, "set"))
		memset(v, 0, (r->f->naccounts + 1) * sizeof *v);
	if (!apply(r->f, v, rq_param(r, "set"), true) || !apply(r->f, v, rq_param(r, "add"), true) ||
	    !apply(r->f, v, rq_param(r, "remove"), false)) {
		rq_raw(r, 400, "text/plain", "malformed account list (e.g. 1-10,12)\n");
		return true;
	}
	reply_counts(r);
	return true;
}

void feed_free(struct fake *f)
{
	if (!f->feed)
		return;
	for (int n = 0; n < NNET; n++)
		free(f->feed->follows[n]);
	free(f->feed);
	f->feed = NULL;
}
