/* bus_suggest.c — Suggest, Dismiss and Nudges: what mentord proposes. */
#include "bus_internal.h"
#include "book.h"
#include "mentord.h"
#include "mentord-bus.h"
#include "store.h"
#include "links.h"
#include "validate.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define CANDIDATE_POOL 500     /* most-seen candidates ranked per request */
#define MAX_NUDGES 100

struct pool {
	struct ledger_agg *aggs;
	struct ledger_candidate *c;
	char (*platform)[16];
	char **handle, **name;
	size_t n;
};

static void pool_clear(struct pool *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->handle[i]);
		free(p->name[i]);
	}
	free(p->aggs);
	free(p->c);
	free(p->platform);
	free(p->handle);
	free(p->name);
}

static int count_words(const char *s)
{
	int n = 0;
	for (bool in = false; s && *s; s++) {
		if (*s != ' ' && !in)
			n++;
		in = *s != ' ';
	}
	return n;
}

static int take_candidate(const struct store_candidate *c, void *userdata)
{
	struct pool *p = userdata;
	size_t i = p->n;
	if (ledger_agg_parse(&p->aggs[i], c->ledger) < 0)
		return 0;
	p->c[i] = (struct ledger_candidate){ .id = (int64_t)i, .agg = &p->aggs[i],
	                                     .seen_in_tags = c->seen_in_tags,
	                                     .seen_in_threads = c->seen_in_threads,
	                                     .n_mentors = (uint32_t)count_words(c->mentors) };
	snprintf(p->platform[i], sizeof p->platform[i], "%s", c->platform);
	p->handle[i] = strdup(c->handle ? c->handle : c->author_id);
	p->name[i] = strdup(c->name ? c->name : "");
	p->n++;
	return p->handle[i] && p->name[i] ? 0 : -ENOMEM;
}

int bus_method_suggest(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct mentord *m = userdata;
	reply_unref sd_bus_message *reply = NULL;
	struct ledger_suggestion out[100];
	struct pool p = { 0 };
	uint32_t limit;
	size_t n;
	int r;

	if ((r = sd_bus_message_read(msg, "u", &limit)) < 0)
		return r;
	if (limit == 0 || limit > 100)
		limit = 20;
	p.aggs = calloc(CANDIDATE_POOL, sizeof *p.aggs);
	p.c = calloc(CANDIDATE_POOL, sizeof *p.c);
	p.platform = calloc(CANDIDATE_POOL, sizeof *p.platform);
	p.handle = calloc(CANDIDATE_POOL, sizeof *p.handle);
	p.name = calloc(CANDIDATE_POOL, sizeof *p.name);
	if (!p.aggs || !p.c || !p.platform || !p.handle || !p.name) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = store_for_each_candidate(m->store, CANDIDATE_POOL, take_candidate, &p)) < 0) {
		r = bus_internal_error(error, r);
		goto out;
	}
	n = ledger_suggest(p.c, p.n, mentord_now(m), book_interests(m->book),
	                   book_df(m->book), out, limit);
	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(sssdas)")) < 0)
		goto out;
	for (size_t i = 0; i < n && r >= 0; i++) {
		size_t k = (size_t)out[i].id;
		if ((r = sd_bus_message_open_container(reply, 'r', "sssdas")) < 0 ||
		    (r = sd_bus_message_append(reply, "sssd", p.platform[k], p.handle[k], p.name[k], out[i].fit)) < 0 ||
		    (r = sd_bus_message_open_container(reply, 'a', "s")) < 0)
			break;
		for (size_t j = 0; j < out[i].n_reasons && r >= 0; j++)
			r = sd_bus_message_append(reply, "s", out[i].reasons[j]);
		if (r >= 0 && (r = sd_bus_message_close_container(reply)) >= 0)
			r = sd_bus_message_close_container(reply);
	}
	if (r >= 0 && (r = sd_bus_message_close_container(reply)) >= 0)
		r = sd_bus_send(NULL, reply, NULL);
out:
	pool_clear(&p);
	return r;
}

int bus_method_dismiss(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct mentord *m = userdata;
	const char *platform, *handle;
	char norm[MENTORD_MAX_HANDLE + 1];
	int r;

	if ((r = sd_bus_message_read(msg, "ss", &platform, &handle)) < 0)
		return r;
	if ((r = bus_check_caller(msg, error)) < 0 || (r = bus_check_handle(platform, handle, norm, error)) < 0)
		return r;
	if ((r = store_dismiss(m->store, platform, norm)) < 0)
		return bus_internal_error(error, r);
	return sd_bus_reply_method_return(msg, "");
}

/* ---- nudges ---- */

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

struct found {
	struct ledger_nudge v[MAX_NUDGES];
	const char *name[MAX_NUDGES];
	char *url[MAX_NUDGES];
	size_t n;
};

static int nudge_cmp(const void *a, const void *b)
{
	const struct ledger_nudge *x = a, *y = b;
	if (x->priority != y->priority)
		return y->priority - x->priority;
	return x->at < y->at ? 1 : x->at > y->at ? -1 : 0;
}

static int nudges_for(struct mentord *m, struct book_entry *e, int64_t now, struct gather *g, struct found *f)
{
	struct ledger_nudge out[LEDGER_NUDGE_KIND_COUNT];
	struct ledger_nudge_input in = { .mentor_id = e->id, .mentor_name = e->name, .agg = &e->agg,
	                                 .pinned = (enum ledger_stage)e->pin };
	size_t k;
	int r;

	if ((r = store_recent_posts(m->store, e->id, now - 14 * LEDGER_DAY, take_post, g)) < 0 ||
	    (r = store_recent_events(m->store, e->id, now - 7 * LEDGER_DAY, take_event, g)) < 0)
		return r;
	in.posts = g->posts;
	in.n_posts = g->n_posts;
	in.recent = g->events;
	in.n_recent = g->n_events;
	k = ledger_nudges(&in, now, book_interests(m->book), NULL, out, LEDGER_NUDGE_KIND_COUNT);
	for (size_t i = 0; i < k && f->n < MAX_NUDGES; i++) {
		f->v[f->n] = out[i];
		f->name[f->n] = e->name;
		/* The URL points into this mentor's gathered posts: copy it. */
		f->url[f->n] = out[i].url ? strdup(out[i].url) : NULL;
		f->v[f->n].url = f->url[f->n];
		f->n++;
	}
	return 0;
}

int bus_method_nudges(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct mentord *m = userdata;
	reply_unref sd_bus_message *reply = NULL;
	struct gather *g = calloc(1, sizeof *g);
	struct found *f = calloc(1, sizeof *f);
	int64_t now = mentord_now(m);
	int r = 0;

	if (!g || !f) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < book_count(m->book) && r >= 0 && f->n < MAX_NUDGES; i++) {
		struct book_entry *e = book_at(m->book, i);
		/* Nothing to say about a mentor with no activity for a year. */
		if (ledger_agg_last_activity(&e->agg) < now - 365 * LEDGER_DAY)
			continue;
		r = nudges_for(m, e, now, g, f);
		gather_clear(g);
	}
	if (r < 0) {
		r = bus_internal_error(error, r);
		goto out;
	}
	qsort(f->v, f->n, sizeof *f->v, nudge_cmp);
	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(tssxsss)")) < 0)
		goto out;
	for (size_t i = 0; i < f->n && r >= 0; i++) {
		struct book_entry *e = book_get(m->book, f->v[i].mentor_id);
		r = sd_bus_message_append(reply, "(tssxsss)", (uint64_t)f->v[i].mentor_id, e ? e->name : "",
		                          ledger_nudge_kind_name(f->v[i].kind), f->v[i].at,
		                          f->v[i].url ? f->v[i].url : "", f->v[i].message, f->v[i].action);
	}
	if (r >= 0 && (r = sd_bus_message_close_container(reply)) >= 0)
		r = sd_bus_send(NULL, reply, NULL);
out:
	if (f)
		for (size_t i = 0; i < f->n; i++)
			free(f->url[i]);
	if (g)
		gather_clear(g);
	free(g);
	free(f);
	return r;
}

/* ---- same-person links ---- */

struct link_scan {
	struct mentord *m;
	sd_bus_message *reply;
	unsigned n;
};

static int scan_bio(const struct store_bio *b, void *userdata)
{
	struct link_scan *sc = userdata;
	struct link_ref refs[8];
	size_t n = links_from_bio(b->bio, refs, 8);
	struct book_entry *e = book_get(sc->m->book, b->mentor_id);
	int r;

	for (size_t i = 0; i < n && sc->n < 200; i++) {
		int64_t owner = 0;
		int64_t acc = store_account_id(sc->m->store, refs[i].platform, refs[i].handle, &owner);
		if (acc < 0)
			return (int)acc;
		if (owner == b->mentor_id || (strcmp(refs[i].platform, b->platform) == 0 &&
		                              strcasecmp(refs[i].handle, b->handle) == 0))
			continue;   /* already one person */
		r = sd_bus_message_append(sc->reply, "(tssstss)", (uint64_t)b->mentor_id, e ? e->name : "",
		                          b->platform, b->handle, (uint64_t)(owner > 0 ? owner : 0),
		                          refs[i].platform, refs[i].handle);
		if (r < 0)
			return r;
		sc->n++;
	}
	return 0;
}

int bus_method_link_suggestions(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct mentord *m = userdata;
	reply_unref sd_bus_message *reply = NULL;
	struct link_scan sc = { .m = m };
	int r;

	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(tssstss)")) < 0)
		return r;
	sc.reply = reply;
	if ((r = store_for_each_bio(m->store, scan_bio, &sc)) < 0)
		return r == -ENOMEM ? r : bus_internal_error(error, r);
	if ((r = sd_bus_message_close_container(reply)) < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}
