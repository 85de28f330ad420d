/* nudges.c — gathering each mentor's recent history for ledger_nudges(),
 * and the strangers' posts that tagged the user in a flagged post. */
#include "mentors/nudges.h"
#include "mentors/mentor_cache.h"
#include "store/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gather {
	struct ledger_post_view posts[50];
	char *texts[50], *urls[50], *tagbufs[50];
	const char *tags[50][16];
	size_t n_posts;
	struct ledger_event events[200];
	char *etexts[200], *eurls[200];
	size_t n_events;
};

static void gather_clear(struct gather *g)
{
	for (size_t i = 0; i < g->n_posts; i++) {
		free(g->texts[i]);
		free(g->urls[i]);
		free(g->tagbufs[i]);
	}
	for (size_t i = 0; i < g->n_events; i++) {
		free(g->etexts[i]);
		free(g->eurls[i]);
	}
	g->n_posts = g->n_events = 0;
}

static int take_post(const struct store_recent_post *p, void *userdata)
{
	struct gather *g = userdata;
	size_t i = g->n_posts, nt = 0;
	char *save = NULL;
	if (i >= 50)
		return 0;
	g->texts[i] = strdup(p->text ? p->text : "");
	g->urls[i] = p->url ? strdup(p->url) : NULL;
	g->tagbufs[i] = strdup(p->tags ? p->tags : "");
	if (!g->texts[i] || !g->tagbufs[i])
		return -ENOMEM;
	for (char *w = strtok_r(g->tagbufs[i], " ", &save); w && nt < 16; w = strtok_r(NULL, " ", &save))
		g->tags[i][nt++] = w;
	g->posts[i] = (struct ledger_post_view){
		.post_id = p->id, .url = g->urls[i], .text = g->texts[i], .tags = g->tags[i], .n_tags = nt,
		.at = p->at, .flags = p->kind == 1 ? LEDGER_F_REPOST : 0, .user_replied = p->user_replied,
	};
	g->n_posts++;
	return 0;
}

static int take_event(const struct store_event_row *e, void *userdata)
{
	struct gather *g = userdata;
	size_t i = g->n_events;
	int k = ledger_kind_from_name(e->kind);
	if (i >= 200 || k < 0)
		return 0;
	g->etexts[i] = e->text ? strdup(e->text) : NULL;
	g->eurls[i] = e->url ? strdup(e->url) : NULL;
	g->events[i] = (struct ledger_event){ .kind = (enum ledger_kind)k, .at = e->at, .platform = NULL,
	                                      .text = g->etexts[i], .post_id = e->post_id, .url = g->eurls[i] };
	g->n_events++;
	return 0;
}

static int nudge_cmp(const void *a, const void *b)
{
	const struct ledger_nudge *x = a, *y = b;
	if (x->priority != y->priority)
		return y->priority - x->priority;
	return x->at < y->at ? 1 : x->at > y->at ? -1 : 0;
}

static int nudges_for(struct store *st, struct mentor_cache *mc, struct mentor_entry *e, int64_t now, struct gather *g, struct nudge_list *f)
{
	struct ledger_nudge out[LEDGER_NUDGE_KIND_COUNT];
	struct ledger_nudge_input in = { .mentor_id = e->id, .mentor_name = e->name, .agg = &e->agg,
	                                 .pinned = (enum ledger_stage)e->pin };
	size_t k;
	int r;

	if ((r = store_recent_posts(st, e->id, now - 14 * LEDGER_DAY, take_post, g)) < 0 ||
	    (r = store_recent_events(st, e->id, now - 7 * LEDGER_DAY, take_event, g)) < 0)
		return r;
	in.posts = g->posts;
	in.n_posts = g->n_posts;
	in.recent = g->events;
	in.n_recent = g->n_events;
	k = ledger_nudges(&in, now, mentor_cache_interests(mc), NULL, out, LEDGER_NUDGE_KIND_COUNT);
	for (size_t i = 0; i < k && f->n < NUDGES_MAX; i++) {
		f->v[f->n] = out[i];
		/* The URL points into this mentor's gathered posts: copy it. */
		f->url[f->n] = out[i].url ? strdup(out[i].url) : NULL;
		f->v[f->n].url = f->url[f->n];
		f->n++;
	}
	return 0;
}

/* A stranger's post that tagged the user and was announced as a risk:
 * mentor 0, named by its author's handle. */
static int take_tagged(const struct store_tagged *t, void *userdata)
{
	struct nudge_list *f = userdata;
	char who[300];
	if (f->n >= NUDGES_MAX)
		return 0;
	snprintf(who, sizeof who, "%s%s (not followed, %s)", t->author && *t->author != '@' ? "@" : "",
	         t->author ? t->author : "someone", t->platform);
	f->url[f->n] = t->url ? strdup(t->url) : NULL;
	if (t->url && !f->url[f->n])
		return -ENOMEM;
	ledger_nudge_tagged(&f->v[f->n], 0, who, f->url[f->n], t->post_id, t->at);
	f->n++;
	return 0;
}

/* One mentor's nudges into f; 0 without a look when it has none to give
 * (a source, or no activity for a year), 1 when it was looked at. */
static int collect_one(struct store *st, struct mentor_cache *mc, struct mentor_entry *e, int64_t now,
                       struct gather *g, struct nudge_list *f)
{
	int r;
	if (!e || e->source || ledger_agg_last_activity(&e->agg) < now - 365 * LEDGER_DAY)
		return 0;
	r = nudges_for(st, mc, e, now, g, f);
	gather_clear(g);
	return r < 0 ? r : 1;
}

int nudges_collect(struct store *st, struct mentor_cache *mc, int64_t now, const int64_t *only, size_t n_only, struct nudge_list *f)
{
	struct gather *g = calloc(1, sizeof *g);
	size_t n = only ? n_only : mentor_cache_count(mc);
	int r = 0, snap;

	if (!g)
		return -ENOMEM;
	if ((snap = store_read_begin(st)) < 0) {
		free(g);
		return snap;
	}
	for (size_t i = 0; i < n && r >= 0 && f->n < NUDGES_MAX; i++)
		r = collect_one(st, mc, only ? mentor_cache_get(mc, only[i]) : mentor_cache_at(mc, i), now, g, f);
	free(g);
	/* Strangers have no ledger of their own to be reviewed: the store
	 * remembers which of their posts were announced as tagging the user. */
	if (r >= 0 && !only)
		r = store_recent_tagged(st, now - 7 * LEDGER_DAY, 20, take_tagged, f);
	store_read_end(st, snap);
	if (r >= 0)
		qsort(f->v, f->n, sizeof *f->v, nudge_cmp);
	return r < 0 ? r : 0;
}

int nudges_collect_step(struct store *st, struct mentor_cache *mc, int64_t now, int64_t *from_id,
                        size_t budget, struct nudge_list *f)
{
	struct gather *g = calloc(1, sizeof *g);
	size_t i = 0, n = mentor_cache_count(mc);
	int r = 0, snap;

	if (!g)
		return -ENOMEM;
	if ((snap = store_read_begin(st)) < 0) {
		free(g);
		return snap;
	}
	/* By id, not by place: mentors come and go between steps. */
	while (i < n && mentor_cache_at(mc, i)->id < *from_id)
		i++;
	for (; i < n && budget > 0 && f->n < NUDGES_MAX; i++) {
		if ((r = collect_one(st, mc, mentor_cache_at(mc, i), now, g, f)) < 0)
			break;
		budget -= (size_t)r;
	}
	store_read_end(st, snap);
	free(g);
	if (r < 0)
		return r;
	if (i < n && f->n < NUDGES_MAX) {
		*from_id = mentor_cache_at(mc, i)->id;
		return 1;
	}
	qsort(f->v, f->n, sizeof *f->v, nudge_cmp);
	return 0;
}

void nudges_free(struct nudge_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->url[i]);
	free(l);
}
