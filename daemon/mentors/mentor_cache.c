/* mentor_cache.c — mentors and their aggregates in memory, kept sorted by id. */
#include "mentors/mentor_cache.h"
#include "net/post.h"
#include "base/log.h"

#include <stdlib.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

struct mentor_cache {
	struct store *s;
	struct mentor_entry *v;
	size_t n, cap;
	struct textvec_df df;
	bool df_dirty;
	struct textvec_query *q;
	uint64_t gen;                /* bumped by every change */
	/* Mentors whose aggregate changed in the open transaction: written
	 * once before its COMMIT (dirty), re-read after a ROLLBACK (all). */
	struct {
		int64_t *id;
		size_t n, cap;
	} touched;
	struct {
		struct mentor_row *v;
		size_t n;
		uint64_t gen;
		enum store_sort sort;
		int64_t at;
	} rank;
};

static int entry_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct mentor_entry *)a)->id, y = ((const struct mentor_entry *)b)->id;
	return x < y ? -1 : x > y;
}

struct mentor_entry *mentor_cache_get(struct mentor_cache *b, int64_t id)
{
	struct mentor_entry key = { .id = id };
	return b->n ? bsearch(&key, b->v, b->n, sizeof *b->v, entry_cmp) : NULL;
}

size_t mentor_cache_count(const struct mentor_cache *b)
{
	return b->n;
}

struct mentor_entry *mentor_cache_at(struct mentor_cache *b, size_t i)
{
	return i < b->n ? &b->v[i] : NULL;
}

bool mentor_cache_is_source(struct mentor_cache *b, int64_t id)
{
	const struct mentor_entry *e = mentor_cache_get(b, id);
	return e && e->source;
}

static int fill_entry(struct mentor_entry *e, const struct store_mentor_rec *m)
{
	char *name = strdup(m->name ? m->name : "");
	if (!name)
		return -ENOMEM;
	free(e->name);
	e->id = m->id;
	e->name = name;
	e->pin = m->stage_override ? ledger_stage_from_name(m->stage_override) : LEDGER_STAGE_NONE;
	if (e->pin < 0)
		e->pin = LEDGER_STAGE_NONE;
	e->muted_until = m->muted_until;
	e->source = m->source;
	e->stale = !m->ledger || strcmp(m->ledger, "v1") == 0;
	if (ledger_agg_parse(&e->agg, m->ledger ? m->ledger : "v1") < 0) {
		log_warn("ledger: mentor %lld has an unreadable aggregate; rebuilding", (long long)m->id);
		e->stale = true;
	}
	if (e->stale)
		ledger_agg_init(&e->agg, m->created_at);
	return 0;
}

/* Inserts or updates, keeping the array sorted (mentor ids only grow, so
 * an insert is nearly always an append). */
static int upsert(const struct store_mentor_rec *m, void *userdata)
{
	struct mentor_cache *b = userdata;
	struct mentor_entry *e = mentor_cache_get(b, m->id);
	size_t pos;

	b->gen++;
	if (e)
		return fill_entry(e, m);
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 64;
		struct mentor_entry *v = realloc(b->v, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		b->v = v;
		b->cap = cap;
	}
	for (pos = b->n; pos > 0 && b->v[pos - 1].id > m->id; pos--)
		;
	memmove(&b->v[pos + 1], &b->v[pos], (b->n - pos) * sizeof *b->v);
	memset(&b->v[pos], 0, sizeof b->v[pos]);
	b->n++;
	b->df_dirty = true;
	b->gen++;
	return fill_entry(&b->v[pos], m);
}

int mentor_cache_refresh(struct mentor_cache *b, int64_t id)
{
	int r = store_get_mentor(b->s, id, upsert, b);
	struct mentor_entry *e;
	if (r > 0 && (e = mentor_cache_get(b, id)) && e->stale)
		return mentor_cache_rebuild(b, id);   /* e.g. a mentor made by unlink */
	if (r != 0 || !(e = mentor_cache_get(b, id)))
		return r < 0 ? r : 0;
	free(e->name);
	memmove(e, e + 1, (size_t)(&b->v[b->n] - (e + 1)) * sizeof *e);
	b->n--;
	b->gen++;
	b->df_dirty = true;
	return 0;
}

static int write_agg(struct mentor_cache *b, const struct mentor_entry *e)
{
	char text[LEDGER_AGG_TEXT_MAX];
	if (ledger_agg_format(&e->agg, text, sizeof text) < 0)
		return -ENOSPC;
	return store_save_aggregate(b->s, e->id, text, ledger_agg_last_activity(&e->agg),
	                            ledger_agg_last_contact(&e->agg));
}

/* In a transaction the aggregate is written once, before its COMMIT
 * (a page of twenty posts by one mentor: one UPDATE, not twenty); the
 * entry is remembered either way, so a ROLLBACK can undo it in memory. */
static int save(struct mentor_cache *b, struct mentor_entry *e, bool defer)
{
	b->gen++;
	if (!store_in_tx(b->s))
		return write_agg(b, e);
	if (!e->touched) {
		if (b->touched.n == b->touched.cap) {
			size_t cap = b->touched.cap ? 2 * b->touched.cap : 32;
			int64_t *v = realloc(b->touched.id, cap * sizeof *v);
			if (!v)
				return -ENOMEM;
			b->touched.id = v;
			b->touched.cap = cap;
		}
		b->touched.id[b->touched.n++] = e->id;
		e->touched = true;
	}
	e->dirty = defer;
	return defer ? 0 : write_agg(b, e);
}

static int flush(struct mentor_cache *b)
{
	int r = 0;
	for (size_t i = 0; i < b->touched.n && r >= 0; i++) {
		struct mentor_entry *e = mentor_cache_get(b, b->touched.id[i]);
		if (e && e->dirty && (r = write_agg(b, e)) >= 0)
			e->dirty = false;
	}
	return r;
}

/* What the transaction (or the part since its savepoint) did to the
 * aggregates is undone by reading them back; one that cannot be read is
 * rebuilt from its events when next touched. */
static void restore(struct mentor_cache *b, bool whole)
{
	for (size_t i = 0; i < b->touched.n; i++) {
		int64_t id = b->touched.id[i];
		struct mentor_entry *e = mentor_cache_get(b, id);
		if (!e)
			continue;
		e->dirty = false;
		e->touched = !whole;
		if (store_get_mentor(b->s, id, upsert, b) <= 0 && (e = mentor_cache_get(b, id))) {
			log_warn("ledger: mentor %lld: aggregate not re-read after a rollback; rebuilding later",
			         (long long)id);
			e->stale = true;
		}
	}
	if (whole)
		b->touched.n = 0;
	b->gen++;
	b->df_dirty = true;
}

static int on_tx(enum store_tx_phase phase, void *data)
{
	struct mentor_cache *b = data;
	/* A savepoint starts from written aggregates, so that what a rollback
	 * to it leaves is what the database holds. */
	if (phase == STORE_TX_PRECOMMIT || phase == STORE_TX_SAVEPOINT)
		return flush(b);
	if (phase == STORE_TX_ROLLED_BACK || phase == STORE_TX_ROLLED_BACK_TO) {
		restore(b, phase == STORE_TX_ROLLED_BACK);
		return 0;
	}
	for (size_t i = 0; i < b->touched.n; i++) {
		struct mentor_entry *e = mentor_cache_get(b, b->touched.id[i]);
		if (e)
			e->touched = e->dirty = false;
	}
	b->touched.n = 0;
	return 0;
}

/* Splits "a b c" in place into at most max words. */
static size_t split(char *s, const char **v, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *w = s ? strtok_r(s, " ", &save) : NULL; w && n < max; w = strtok_r(NULL, " ", &save))
		v[n++] = w;
	return n;
}

struct rebuild_ctx {
	struct ledger_agg *agg;
	int err;
};

static int rebuild_one(const struct store_event_row *row, void *userdata)
{
	struct rebuild_ctx *c = userdata;
	char tagbuf[1024];
	const char *tags[32];
	int kind = ledger_kind_from_name(row->kind);
	struct ledger_event ev = { .at = row->at, .platform = row->platform, .text = row->text,
	                           .post_id = row->post_id, .url = row->url };
	if (kind < 0)
		return 0;
	ev.kind = (enum ledger_kind)kind;
	snprintf(tagbuf, sizeof tagbuf, "%s", row->tags ? row->tags : "");
	ev.n_tags = split(tagbuf, tags, 32);
	ev.tags = tags;
	if (row->post_kind == POST_REPOST)
		ev.flags |= LEDGER_F_REPOST;
	if (kind == LEDGER_POST && row->reply_to_author && row->author_id &&
	    strcmp(row->reply_to_author, row->author_id) != 0)
		ev.flags |= LEDGER_F_REPLY_TO_OTHER;
	if (ledger_agg_add(c->agg, &ev) < 0)
		c->err++;
	return 0;
}

int mentor_cache_rebuild(struct mentor_cache *b, int64_t id)
{
	struct mentor_entry *e = mentor_cache_get(b, id);
	struct rebuild_ctx c;
	int r;

	if (!e)
		return 0;
	ledger_agg_init(&e->agg, e->agg.follow_at);
	e->stale = false;
	c.agg = &e->agg;
	c.err = 0;
	if ((r = store_mentor_events(b->s, id, 0, rebuild_one, &c)) < 0)
		return r;
	b->df_dirty = true;
	return save(b, e, false);
}

unsigned mentor_cache_post_flags(const struct post *p)
{
	unsigned f = 0;
	if (!p)
		return 0;
	if (p->kind == POST_REPOST)
		f |= LEDGER_F_REPOST;
	if (p->reply_to.id && p->reply_to.author_id && p->author_id &&
	    strcmp(p->reply_to.author_id, p->author_id) != 0)
		f |= LEDGER_F_REPLY_TO_OTHER;
	return f;
}

int mentor_cache_add_event(struct mentor_cache *b, int64_t mentor_id, const char *kind, int64_t at,
                   const char *platform, const struct post *post)
{
	struct mentor_entry *e = mentor_cache_get(b, mentor_id);
	int k = ledger_kind_from_name(kind);
	struct ledger_event ev = { .at = at, .platform = platform };

	if (!e) {
		int r = mentor_cache_refresh(b, mentor_id);
		if (r < 0 || !(e = mentor_cache_get(b, mentor_id)))
			return r < 0 ? r : -ENOENT;
	}
	if (k < 0)
		return -EINVAL;
	ev.kind = (enum ledger_kind)k;
	if (post) {
		ev.text = post->text;
		ev.tags = (const char *const *)post->tags;
		ev.n_tags = post->n_tags;
		ev.url = post->url;
		/* A mentor's reply to the user is reply_to_me, not "to another". */
		if (k == LEDGER_POST)
			ev.flags = mentor_cache_post_flags(post);
	}
	if (e->stale) {
		/* Never written: fold in the history first (this event is already
		 * stored, so the rebuild includes it). */
		return mentor_cache_rebuild(b, mentor_id);
	}
	if (ledger_agg_add(&e->agg, &ev) < 0)
		return 0;   /* an event the arithmetic cannot use (at <= 0) */
	if (k == LEDGER_POST)
		b->df_dirty = true;
	return save(b, e, true);
}

const struct textvec_df *mentor_cache_df(struct mentor_cache *b)
{
	/* Rebuilt lazily: 10,000 mentors take ~10 ms, and a slightly stale
	 * table changes nothing the user could see. */
	if (b->df_dirty) {
		textvec_df_finish(&b->df);
		if (textvec_df_init(&b->df) == 0)
			for (size_t i = 0; i < b->n; i++)
				textvec_df_add(&b->df, &b->v[i].agg.terms);
		b->df_dirty = false;
	}
	return &b->df;
}

uint64_t mentor_cache_generation(const struct mentor_cache *b)
{
	return b->gen;
}

const struct textvec_query *mentor_cache_interests(struct mentor_cache *b)
{
	return b->q;
}

void mentor_cache_set_interests(struct mentor_cache *b, const char *const *interests, size_t n)
{
	if (!b->q)
		return;
	b->gen++;
	textvec_query_build(b->q, interests, n, mentor_cache_df(b));
}

double mentor_cache_strength(struct mentor_cache *b, const struct mentor_entry *e, int64_t now, struct ledger_score *why)
{
	return ledger_strength(&e->agg, now, why);
}

double mentor_cache_fit(struct mentor_cache *b, const struct mentor_entry *e, int64_t now, struct ledger_score *why)
{
	return ledger_fit(&e->agg, now, b->q, mentor_cache_df(b), why);
}

static int stage_order(enum ledger_stage s)
{
	/* The furthest along first; dormant after follow. */
	static const int order[LEDGER_STAGE_COUNT] = {
		[LEDGER_CONNECTED] = 0, [LEDGER_ESTABLISH] = 1, [LEDGER_PARTICIPATE] = 2,
		[LEDGER_FOLLOW] = 3, [LEDGER_DORMANT] = 4,
	};
	return s >= 0 && s < LEDGER_STAGE_COUNT ? order[s] : 5;
}

static int row_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct mentor_row *a = pa, *b = pb;
	double x, y;
	switch (*(const enum store_sort *)ctx) {
	case STORE_SORT_FIT: x = b->fit; y = a->fit; break;
	case STORE_SORT_RECENT:
		x = (double)ledger_agg_last_activity(&b->e->agg);
		y = (double)ledger_agg_last_activity(&a->e->agg);
		break;
	case STORE_SORT_STAGE:
		x = stage_order(a->stage);
		y = stage_order(b->stage);
		if (x == y) { x = b->score; y = a->score; }
		break;
	default: x = b->score; y = a->score;
	}
	if (x != y)
		return x < y ? -1 : 1;
	return a->e->id < b->e->id ? -1 : a->e->id > b->e->id;
}

int mentor_cache_ranked(struct mentor_cache *b, enum store_sort sort, int64_t now,
                const struct mentor_row **rows, size_t *n)
{
	if (b->rank.v && b->rank.gen == b->gen && b->rank.sort == sort &&
	    now >= b->rank.at && now - b->rank.at < 60) {
		*rows = b->rank.v;
		*n = b->rank.n;
		return 0;
	}
	struct mentor_row *v = realloc(b->rank.v, (b->n ? b->n : 1) * sizeof *v);
	if (!v)
		return -ENOMEM;
	size_t k = 0;
	mentor_cache_df(b);
	for (size_t i = 0; i < b->n; i++) {
		struct ledger_stage_info st;
		struct mentor_entry *e = &b->v[i];
		if (e->source)
			continue;
		ledger_stage(&e->agg, now, (enum ledger_stage)e->pin, &st);
		v[k++] = (struct mentor_row){ e, ledger_strength(&e->agg, now, NULL),
		                            ledger_fit(&e->agg, now, b->q, &b->df, NULL), st.stage };
	}
	if (k > 1)
		qsort_r(v, k, sizeof *v, row_cmp, &sort);
	b->rank.v = v;
	b->rank.n = k;
	b->rank.gen = b->gen;
	b->rank.sort = sort;
	b->rank.at = now;
	*rows = v;
	*n = k;
	return 0;
}

/* Mentors whose aggregate predates migration 003 have events but an empty
 * aggregate: rebuild those once. */
static int rebuild_stale(struct mentor_cache *b)
{
	int r = 0;
	for (size_t i = 0; i < b->n && r >= 0; i++) {
		if (b->v[i].stale)
			r = mentor_cache_rebuild(b, b->v[i].id);
	}
	return r;
}

int mentor_cache_new(struct mentor_cache **out, struct store *s, const char *const *interests, size_t n_interests)
{
	struct mentor_cache *b = calloc(1, sizeof *b);
	int r;

	if (!b || !(b->q = calloc(1, sizeof *b->q)) || textvec_df_init(&b->df) < 0) {
		mentor_cache_free(b);
		return -ENOMEM;
	}
	b->s = s;
	store_set_tx_hook(s, on_tx, b);
	if ((r = store_for_each_mentor(s, upsert, b)) < 0)
		goto fail;
	if ((r = store_begin(s)) < 0)
		goto fail;
	if ((r = rebuild_stale(b)) < 0) {
		store_rollback(s);
		goto fail;
	}
	if ((r = store_commit(s)) < 0)
		goto fail;
	b->df_dirty = true;
	mentor_cache_set_interests(b, interests, n_interests);
	*out = b;
	return 0;
fail:
	mentor_cache_free(b);
	return r;
}

void mentor_cache_free(struct mentor_cache *b)
{
	if (!b)
		return;
	if (b->s)
		store_set_tx_hook(b->s, NULL, NULL);
	free(b->touched.id);
	for (size_t i = 0; i < b->n; i++)
		free(b->v[i].name);
	free(b->v);
	free(b->rank.v);
	textvec_df_finish(&b->df);
	free(b->q);
	free(b);
}
