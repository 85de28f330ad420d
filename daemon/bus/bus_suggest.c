/* bus_suggest.c — Suggest, Dismiss and Nudges: what mentord proposes. */
#include "bus/bus_internal.h"
#include "base/clock.h"
#include "mentors/mentor_cache.h"
#include "mentord-bus.h"
#include "store/store.h"
#include "mentors/bio_handles.h"
#include "store/store_linkedin.h"
#include "mentors/nudges.h"
#include "base/validate.h"
#include "base/log.h"

#include <stdlib.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define CANDIDATE_POOL 500     /* most-seen candidates ranked per request */

struct bus_suggest_pool {
	struct ledger_agg aggs[CANDIDATE_POOL];
	struct ledger_candidate c[CANDIDATE_POOL];
	char platform[CANDIDATE_POOL][16];
	char *handle[CANDIDATE_POOL], *name[CANDIDATE_POOL];
	size_t n;
	bool valid;
	int64_t changes;        /* store_change_count() when read */
};

static void pool_clear(struct bus_suggest_pool *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->handle[i]);
		free(p->name[i]);
	}
	p->n = 0;
	p->valid = false;
}

void bus_suggest_pool_free(struct bus_suggest_pool *p)
{
	if (!p)
		return;
	pool_clear(p);
	free(p);
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
	struct bus_suggest_pool *p = userdata;
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

/* The pool as the store has it now: the candidates, who is followed and
 * who dismissed all live in the store, and the daemon is its only writer,
 * so an unchanged change count means an unchanged pool. What depends on
 * the time or the interests is ranked afresh on every call. */
static int pool_fresh(struct bus *b)
{
	struct bus_suggest_pool *p = b->suggest_pool;
	int64_t changes = store_change_count(b->store);
	int r;

	if (!p && !(p = b->suggest_pool = calloc(1, sizeof *p)))
		return -ENOMEM;
	if (p->valid && p->changes == changes)
		return 0;
	pool_clear(p);
	if ((r = store_for_each_candidate(b->store, CANDIDATE_POOL, take_candidate, p)) < 0) {
		pool_clear(p);
		return r;
	}
	p->valid = true;
	p->changes = changes;
	return 0;
}

int bus_suggest_mentors(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	reply_unref sd_bus_message *reply = NULL;
	struct ledger_suggestion out[100];
	struct bus_suggest_pool *p;
	uint32_t limit;
	size_t n;
	int r;

	if ((r = sd_bus_message_read(msg, "u", &limit)) < 0)
		return r;
	if (limit == 0 || limit > 100)
		limit = 20;
	if ((r = pool_fresh(b)) < 0)
		return r == -ENOMEM ? r : bus_args_internal_error(error, r);
	p = b->suggest_pool;
	n = ledger_suggest(p->c, p->n, clock_now(b->clock), mentor_cache_interests(b->mentors),
	                   mentor_cache_df(b->mentors), out, limit);
	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(sssdas)")) < 0)
		return r;
	for (size_t i = 0; i < n && r >= 0; i++) {
		size_t k = (size_t)out[i].id;
		if ((r = sd_bus_message_open_container(reply, 'r', "sssdas")) < 0 ||
		    (r = sd_bus_message_append(reply, "sssd", p->platform[k], p->handle[k], p->name[k], out[i].fit)) < 0 ||
		    (r = sd_bus_message_open_container(reply, 'a', "s")) < 0)
			break;
		for (size_t j = 0; j < out[i].n_reasons && r >= 0; j++)
			r = sd_bus_message_append(reply, "s", out[i].reasons[j]);
		if (r >= 0 && (r = sd_bus_message_close_container(reply)) >= 0)
			r = sd_bus_message_close_container(reply);
	}
	if (r >= 0 && (r = sd_bus_message_close_container(reply)) >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	return r;
}

int bus_suggest_dismiss(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	const char *platform, *handle;
	char norm[MENTORD_MAX_HANDLE + 1];
	int r;

	if ((r = sd_bus_message_read(msg, "ss", &platform, &handle)) < 0)
		return r;
	if ((r = bus_args_handle(platform, handle, norm, error)) < 0)
		return r;
	if ((r = store_dismiss(b->store, platform, norm)) < 0)
		return bus_args_internal_error(error, r);
	return sd_bus_reply_method_return(msg, "");
}

/* ---- nudges ---- */

/* The list as a fresh review at now would give it. Everything a review
 * reads is the store (posts, events, announced tagged posts), the mentor
 * cache (aggregates, names, pins, interests) and now, to the second; the
 * daemon is the store's only writer, so with the change count, the cache's
 * generation and the second all unchanged the last list is that review's
 * answer, byte for byte. Repeated calls (a script, a bar polling) cost the
 * reply alone. */
static int nudges_fresh(struct bus *b, int64_t now, const struct nudge_list **out)
{
	int64_t changes = store_change_count(b->store);
	uint64_t gen = mentor_cache_generation(b->mentors);
	struct nudge_list *f;
	int r;

	if (b->nudges && b->nudges_now == now && b->nudges_changes == changes && b->nudges_gen == gen) {
		*out = b->nudges;
		return 0;
	}
	nudges_free(b->nudges);
	b->nudges = NULL;
	if (!(f = calloc(1, sizeof *f)))
		return -ENOMEM;
	if ((r = nudges_collect(b->store, b->mentors, now, NULL, 0, f)) < 0) {
		nudges_free(f);
		return r;
	}
	b->nudges = f;
	b->nudges_now = now;
	b->nudges_changes = changes;
	b->nudges_gen = gen;
	*out = f;
	return 0;
}

void bus_suggest_nudges_free(struct bus *b)
{
	nudges_free(b->nudges);
	b->nudges = NULL;
}

int bus_suggest_nudges(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	reply_unref sd_bus_message *reply = NULL;
	const struct nudge_list *f;
	int r;

	if ((r = nudges_fresh(b, clock_now(b->clock), &f)) < 0)
		return bus_args_internal_error(error, r);
	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(tssxsss)")) < 0)
		return r;
	for (size_t i = 0; i < f->n && r >= 0; i++) {
		struct mentor_entry *e = mentor_cache_get(b->mentors, f->v[i].mentor_id);
		r = sd_bus_message_append(reply, "(tssxsss)", (uint64_t)f->v[i].mentor_id, e ? e->name : "",
		                          ledger_nudge_kind_name(f->v[i].kind), f->v[i].at,
		                          f->v[i].url ? f->v[i].url : "", f->v[i].message, f->v[i].action);
	}
	if (r >= 0 && (r = sd_bus_message_close_container(reply)) >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	return r;
}

/* ---- same-person links ---- */

struct link_scan {
	struct bus *bus;
	sd_bus_message *reply;
	unsigned n;
};

static int scan_bio(const struct store_bio *bio, void *userdata)
{
	struct link_scan *sc = userdata;
	struct bio_handle refs[8];
	size_t n = bio_handles_find(bio->bio, refs, 8);
	struct mentor_entry *e = mentor_cache_get(sc->bus->mentors, bio->mentor_id);
	int r;

	for (size_t i = 0; i < n && sc->n < 200; i++) {
		int64_t owner = 0;
		int64_t acc = store_account_id(sc->bus->store, refs[i].platform, refs[i].handle, &owner);
		if (acc < 0)
			return (int)acc;
		if (owner == bio->mentor_id || (strcmp(refs[i].platform, bio->platform) == 0 &&
		                              strcasecmp(refs[i].handle, bio->handle) == 0))
			continue;   /* already one person */
		r = sd_bus_message_append(sc->reply, "(tssstss)", (uint64_t)bio->mentor_id, e ? e->name : "",
		                          bio->platform, bio->handle, (uint64_t)(owner > 0 ? owner : 0),
		                          refs[i].platform, refs[i].handle);
		if (r < 0)
			return r;
		sc->n++;
	}
	return 0;
}

static int first_account(const char *platform, const char *handle, void *userdata)
{
	const char **pair = userdata;
	if (!pair[0]) {
		pair[0] = strdup(platform);
		pair[1] = strdup(handle);
	}
	return 0;
}

/* A LinkedIn connection named like a mentor, or the e-mail address the
 * export gives for a linked profile: shown beside the mentor's first account. */
static int scan_linkedin(int64_t mentor_id, const char *mentor, const char *platform, const char *handle,
                         int64_t other, void *userdata)
{
	struct link_scan *sc = userdata;
	const char *pair[2] = { NULL, NULL };
	int r;

	if (sc->n >= 200)
		return 0;
	r = store_for_each_account_of(sc->bus->store, mentor_id, first_account, pair);
	if (r >= 0)
		r = sd_bus_message_append(sc->reply, "(tssstss)", (uint64_t)mentor_id, mentor,
		                          pair[0] ? pair[0] : "", pair[1] ? pair[1] : "", (uint64_t)other, platform, handle);
	free((char *)pair[0]);
	free((char *)pair[1]);
	sc->n += r >= 0;
	return r < 0 ? r : 0;
}

int bus_suggest_links(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	reply_unref sd_bus_message *reply = NULL;
	struct link_scan sc = { .bus = b };
	int r;

	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(tssstss)")) < 0)
		return r;
	sc.reply = reply;
	if ((r = store_for_each_bio(b->store, scan_bio, &sc)) < 0)
		return r == -ENOMEM ? r : bus_args_internal_error(error, r);
	if ((r = (int)store_linkedin_proposals(b->store, scan_linkedin, &sc)) < 0)
		return r == -ENOMEM ? r : bus_args_internal_error(error, r);
	if ((r = bus_mail_suggest_links(b, reply)) < 0)
		return r == -ENOMEM ? r : bus_args_internal_error(error, r);
	if ((r = sd_bus_message_close_container(reply)) < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}
