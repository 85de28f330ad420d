/* Unit tests for nudges: the full review in steps (how the notifier runs
 * it, so that 10,000 mentors do not hold the loop) finds exactly what the
 * review in one go finds and stops at NUDGES_MAX the same way. */
#include "mentors/nudges.h"
#include "mentors/mentor_cache.h"
#include "ingest/ingest.h"
#include "net/post.h"
#include "store/store.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW 1790000000LL

/* n mentors from docFIRST on Mastodon, each with one opportunity post a day old. */
static int populate(struct store *s, struct mentor_cache *c, int first, int n)
{
	struct ingest_me me = { "mastodon", "900", "me", c, false, NULL };
	int r = 0;
	for (int i = first; i < first + n && r >= 0; i++) {
		char handle[64], id[16], key[32], name[32];
		int64_t mentor, acc;
		snprintf(handle, sizeof handle, "doc%d@med.social", i);
		snprintf(id, sizeof id, "%d", 1000 + i);
		snprintf(key, sizeof key, "p%d", i);
		snprintf(name, sizeof name, "Dr %d", i);
		if ((r = store_follow(s, "mastodon", handle, name, 0, &mentor, &acc)) < 0 ||
		    (r = store_account_resolved(s, acc, id, NULL, name)) < 0 ||
		    (r = mentor_cache_refresh(c, mentor)) < 0)
			break;
		struct post p = { .network = "mastodon", .id = key, .key = key, .author_id = id,
		                  .author_handle = handle,
		                  .text = (char *)"Call for abstracts: cardiology education symposium, deadline Friday",
		                  .created_at = NOW - 86400 - i, .url = (char *)"https://med.social/@doc/1",
		                  .n_likes = -1, .n_reposts = -1, .n_replies = -1, .n_quotes = -1 };
		struct ingest_stats st = { 0 };
		if ((r = store_begin(s)) < 0)
			break;
		if ((r = ingest_posts(s, &me, &p, 1, &st, NULL, NULL)) < 0) {
			store_rollback(s);
			break;
		}
		r = store_commit(s);
	}
	return r;
}

static bool same(const struct nudge_list *a, const struct nudge_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].mentor_id != b->v[i].mentor_id || a->v[i].kind != b->v[i].kind || a->v[i].at != b->v[i].at)
			return false;
	return true;
}

/* Pins the order of one kind of nudge: priority, then the newest first. */
static bool newest_first(const struct nudge_list *l)
{
	for (size_t i = 1; i < l->n; i++)
		if (l->v[i - 1].priority < l->v[i].priority ||
		    (l->v[i - 1].priority == l->v[i].priority && l->v[i - 1].at <= l->v[i].at))
			return false;
	return l->n > 0;
}

/* The review in steps of budget mentors; returns how many steps. */
static int stepped(struct store *s, struct mentor_cache *c, size_t budget, struct nudge_list *l)
{
	int64_t from = 0;
	int steps = 0, r = 1;
	while (r > 0 && steps < 10000) {
		r = nudges_collect_step(s, c, NOW, &from, budget, l);
		steps++;
	}
	return r < 0 ? r : steps;
}

int main(void)
{
	struct store *s;
	struct mentor_cache *c;
	struct nudge_list *whole = calloc(1, sizeof *whole), *steps = calloc(1, sizeof *steps);
	int k;

	if (!ok(whole && steps && store_open(&s, ":memory:") == 0, "store"))
		return tap_done();
	if (!ok(mentor_cache_new(&c, s, NULL, 0) == 0, "mentor cache"))
		return tap_done();
	ok(populate(s, c, 1, 40) == 0, "40 mentors with an opportunity each");
	ok(nudges_collect(s, c, NOW, NULL, 0, whole) == 0, "the review in one go");
	is_int(whole->n, 40, "finds 40 nudges");
	ok(newest_first(whole), "one kind: the newest post first, no two at the same place");
	ok(store_begin(s) == 0, "the review's read snapshot is closed after it");
	store_rollback(s);
	k = stepped(s, c, 7, steps);
	is_int(k, 6, "in steps of 7 mentors: 6 steps");
	ok(same(whole, steps), "the same nudges in the same order");
	nudges_free(steps);
	/* Inside a write transaction the review reads that transaction. */
	steps = calloc(1, sizeof *steps);
	ok(store_begin(s) == 0 && nudges_collect(s, c, NOW, NULL, 0, steps) == 0, "a review inside a transaction");
	ok(store_in_tx(s) && same(whole, steps), "leaves it open, same nudges");
	store_rollback(s);
	nudges_free(whole);
	nudges_free(steps);

	/* More mentors than NUDGES_MAX: both stop at the same 100. */
	whole = calloc(1, sizeof *whole);
	steps = calloc(1, sizeof *steps);
	ok(populate(s, c, 41, 90) == 0, "130 mentors");
	ok(nudges_collect(s, c, NOW, NULL, 0, whole) == 0, "the review in one go");
	is_int(whole->n, NUDGES_MAX, "stops at NUDGES_MAX");
	ok(stepped(s, c, 9, steps) > 1, "in steps of 9");
	ok(same(whole, steps), "the same NUDGES_MAX nudges");
	nudges_free(whole);
	nudges_free(steps);

	mentor_cache_free(c);
	store_close(s);
	return tap_done();
}
