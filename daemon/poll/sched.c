/* sched.c — targets, due times, the one timer, dispatch and manual rounds. */
#include "poll/sched_internal.h"
#include "base/clock.h"
#include "config/config.h"
#include "store/store.h"
#include "http/http.h"
#include "base/log.h"
#include "base/clock.h"

#include <stdlib.h>
#include <errno.h>
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- building the target list ---- */

struct build {
	struct sched *s;
	struct sched_target **v;
	size_t n, cap;
	/* X accounts gathered for batching, per platform */
	struct { char **handles, **keys; size_t n; } batch[SCHED_MAX_PLATFORMS];
	struct { char **handles; int64_t *ids; size_t n; } unresolved[SCHED_MAX_PLATFORMS];
	int err;
};

static struct sched_platform *platform_named(struct sched *s, const char *name)
{
	for (size_t i = 0; i < s->n_platforms; i++)
		if (strcmp(s->platforms[i].net->name, name) == 0)
			return &s->platforms[i];
	return NULL;
}

static struct sched_target *add_target(struct build *b, struct sched_platform *p, enum target_kind kind,
                                       enum net_op op, const char *key, const char *arg, int64_t interval)
{
	struct sched_target *t;
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 64;
		struct sched_target **v = realloc(b->v, cap * sizeof *v);
		if (!v)
			return NULL;
		b->v = v;
		b->cap = cap;
	}
	t = calloc(1, sizeof *t);
	if (!t || !(t->key = strdup(key)) || (arg && !(t->arg = strdup(arg)))) {
		sched_target_free(t);
		return NULL;
	}
	t->s = b->s;
	t->p = p;
	t->kind = kind;
	t->op = op;
	t->interval = interval;
	t->home_posts = -1;
	b->v[b->n++] = t;
	return t;
}

static int push_str(char ***v, size_t n, const char *s)
{
	char **grown = realloc(*v, (n + 1) * sizeof *grown);
	if (!grown)
		return -ENOMEM;
	*v = grown;
	return (grown[n] = strdup(s)) ? 0 : -ENOMEM;
}

/* The account's back-fill, when its stored state says some is due. A
 * failure to read that state only delays it to the next rebuild. */
static int add_history(struct build *b, struct sched_platform *p, const struct store_followed *a,
                       const char *key, int64_t window)
{
	struct sched_target *t;
	int64_t since = 0, loaded = 0;
	char *token = NULL;
	int r = sched_history_plan(p, a, key, window, sched_now(b->s), &since, &loaded, &token);

	if (r <= 0)
		return r == -ENOMEM ? r : 0;
	if (!(t = add_target(b, p, TARGET_HISTORY, NET_OP_HISTORY, key, a->stable_id,
	                     b->s->config->poll_interval))) {
		free(token);
		return -ENOMEM;
	}
	t->mentor_id = a->mentor_id;
	t->window = window;
	t->since = since;
	t->loaded = loaded;
	t->token = token;
	return 0;
}

static int on_followed(const struct store_followed *a, void *userdata)
{
	struct build *b = userdata;
	struct sched_platform *p = platform_named(b->s, a->platform);
	char key[320];
	size_t i;

	if (!p || !p->cfg->enabled)
		return 0;
	i = (size_t)(p - b->s->platforms);
	if (!a->stable_id && sched_handle_held(p, a->handle, sched_now(b->s)))
		return 0;
	if (!a->stable_id) {
		int64_t *ids = realloc(b->unresolved[i].ids, (b->unresolved[i].n + 1) * sizeof *ids);
		if (!ids)
			return -ENOMEM;
		b->unresolved[i].ids = ids;
		ids[b->unresolved[i].n] = a->account_id;
		if (push_str(&b->unresolved[i].handles, b->unresolved[i].n, a->handle) < 0)
			return -ENOMEM;
		b->unresolved[i].n++;
		return 0;
	}
	/* Mastodon's stable ids are user@domain: up to 30 + 1 + 253 bytes, whole. */
	if ((size_t)snprintf(key, sizeof key, "account:%s", a->stable_id) >= sizeof key)
		return 0;
	int64_t window = sched_history_window(b->s, a->history);
	if (add_history(b, p, a, key, window) < 0)
		return -ENOMEM;
	/* Back-fill stays the account's own; new posts may come from the home feed. */
	if (sched_feed_covers(p, a))
		return 0;
	/* Batched networks: an account joins a batch once its own first sync
	 * (one page of its timeline, as history) has given it a watermark. */
	int64_t updated;
	/* With X capped, each account keeps its own read, so it is served in
	 * the order of its relationship (sched_xcap_order). */
	if (p->net->max_batch > 1 && p->net->build_batch && !sched_xcap_on(p) &&
	    store_cursor_age(b->s->store, p->net->name, key, &updated) > 0) {
		if (push_str(&b->batch[i].handles, b->batch[i].n, a->handle) < 0 ||
		    push_str(&b->batch[i].keys, b->batch[i].n, key) < 0)
			return -ENOMEM;
		b->batch[i].n++;
		return 0;
	}
	struct sched_target *t = add_target(b, p, TARGET_WALK, NET_OP_ACCOUNT, key, a->stable_id,
	                                    b->s->config->poll_interval);
	if (!t)
		return -ENOMEM;
	t->mentor_id = a->mentor_id;
	t->window = window;
	return 0;
}

static int on_tag(const char *tag, const char *platform, void *userdata)
{
	struct build *b = userdata;
	char key[128];
	snprintf(key, sizeof key, "tag:%s", tag);
	for (size_t i = 0; i < b->s->n_platforms; i++) {
		struct sched_platform *p = &b->s->platforms[i];
		if (!p->cfg->enabled || (*platform && strcmp(platform, p->net->name) != 0))
			continue;
		/* Tracked on all platforms and on one: one target. */
		bool dup = false;
		for (size_t j = 0; j < b->n && !dup; j++)
			dup = b->v[j]->p == p && strcmp(b->v[j]->key, key) == 0;
		if (!dup && !add_target(b, p, TARGET_WALK, NET_OP_TAG, key, tag, b->s->config->tag_interval))
			return -ENOMEM;
	}
	return 0;
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;
}

/* Splits a network's accounts into requests of max_batch handles each. */
static int add_batches(struct build *b, struct sched_platform *p, char **handles, char **keys, size_t n)
{
	size_t per = p->net->max_batch;
	for (size_t off = 0; off < n; off += per) {
		size_t k = n - off < per ? n - off : per;
		uint64_t h = 0xcbf29ce484222325ULL;
		char key[48];
		for (size_t i = 0; i < k; i++)
			h = fnv1a(h, handles[off + i]);
		snprintf(key, sizeof key, "batch:%016llx", (unsigned long long)h);
		struct sched_target *t = add_target(b, p, TARGET_WALK, NET_OP_BATCH, key, NULL,
		                                    b->s->config->poll_interval);
		if (!t)
			return -ENOMEM;
		for (size_t i = 0; i < k; i++) {
			if (push_str(&t->handles, t->n_handles, handles[off + i]) < 0 ||
			    push_str(&t->members, t->n_handles, keys[off + i]) < 0)
				return -ENOMEM;
			t->n_handles++;
		}
	}
	return 0;
}

/* The home feed's walk, and the check of whom the user follows. */
static int add_feed_targets(struct build *b, struct sched_platform *p)
{
	struct sched_target *t;
	char **stable = NULL, **sent = NULL;
	size_t n;

	if (sched_feed_end(p) &&
	    !add_target(b, p, TARGET_WALK, NET_OP_FEED, "feed", NULL, b->s->config->poll_interval))
		return -ENOMEM;
	if (!(n = sched_feed_take_checks(p, &stable, &sent)))
		return 0;
	if (!(t = add_target(b, p, TARGET_FOLLOW_CHECK, NET_OP_FOLLOW_CHECK, "following", NULL, 3600))) {
		for (size_t i = 0; i < n; i++) {
			free(stable[i]);
			free(sent[i]);
		}
		free(stable);
		free(sent);
		return -ENOMEM;
	}
	t->handles = stable;
	t->members = sent;
	t->n_handles = n;
	return 0;
}

static int add_platform_targets(struct build *b, size_t i)
{
	struct sched_platform *p = &b->s->platforms[i];
	int64_t iv = b->s->config->poll_interval;
	struct sched_target *t;

	if (!p->cfg->enabled)
		return 0;
	if (b->batch[i].n && add_batches(b, p, b->batch[i].handles, b->batch[i].keys, b->batch[i].n) < 0)
		return -ENOMEM;
	if (b->unresolved[i].n) {
		if (!(t = add_target(b, p, TARGET_LOOKUP, NET_OP_LOOKUP, "lookup", NULL, 3600)))
			return -ENOMEM;
		t->handles = b->unresolved[i].handles;
		t->account_ids = b->unresolved[i].ids;
		t->n_handles = b->unresolved[i].n;
		b->unresolved[i].handles = NULL;
		b->unresolved[i].ids = NULL;
		b->unresolved[i].n = 0;
	}
	if (p->me_handle && !p->me_id && !sched_handle_held(p, p->me_handle, sched_now(b->s)) &&
	    !add_target(b, p, TARGET_ME, NET_OP_LOOKUP, "me", p->me_handle, 3600))
		return -ENOMEM;
	if (p->me_id) {
		if (!add_target(b, p, TARGET_WALK, NET_OP_OWN, "own", NULL, iv) ||
		    !add_target(b, p, TARGET_WALK, NET_OP_INTERACTIONS, "interactions", NULL, iv))
			return -ENOMEM;
	}
	if (((p->cfg->identifier && p->password) || (p->cfg->user_token_file && p->session.refresh_jwt)) &&
	    !add_target(b, p, TARGET_SESSION, NET_OP_SESSION_CREATE, "session", NULL, 300))
		return -ENOMEM;
	return add_feed_targets(b, p);
}

static void build_clear(struct build *b)
{
	for (size_t i = 0; i < b->n; i++)
		sched_target_free(b->v[i]);
	free(b->v);
	for (size_t i = 0; i < SCHED_MAX_PLATFORMS; i++) {
		for (size_t j = 0; j < b->batch[i].n; j++) {
			free(b->batch[i].handles[j]);
			free(b->batch[i].keys[j]);
		}
		free(b->batch[i].handles);
		free(b->batch[i].keys);
		for (size_t j = 0; j < b->unresolved[i].n; j++)
			free(b->unresolved[i].handles[j]);
		free(b->unresolved[i].handles);
		free(b->unresolved[i].ids);
	}
}

static int target_cmp(const struct sched_target *a, const struct sched_target *b)
{
	if (a->p != b->p)
		return a->p < b->p ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return strcmp(a->key, b->key);
}

static int target_cmp_qsort(const void *a, const void *b)
{
	return target_cmp(*(struct sched_target *const *)a, *(struct sched_target *const *)b);
}

/* A new target is due now unless its watermark shows a recent poll (a
 * restart should not re-poll everything at once). */
static int64_t first_due(struct sched *s, const struct sched_target *t, int64_t now)
{
	int64_t updated = 0;
	/* An account the home feed no longer reads (a gap, a failure) or does
	 * not read yet catches up at once. */
	if (t->kind != TARGET_WALK || (t->op == NET_OP_ACCOUNT && sched_feed_followed(t->p, t->arg)) ||
	    store_cursor_age(s->store, t->p->net->name, t->key, &updated) <= 0)
		return now;
	return updated + t->interval > now ? now + sched_jitter(s, t->interval) / 4 : now;
}

/* Moves the state of surviving targets into the new list. Old targets
 * that were kept are marked adopted; the rest are retired (freed now, or
 * when their request ends if one is in flight). */
static void adopt(struct sched *s, struct build *b)
{
	int64_t now = sched_now(s);
	bool *kept = calloc(s->n_targets ? s->n_targets : 1, sizeof *kept);

	/* Sorted, so that matching 5,000 targets stays O(n log n). */
	if (s->n_targets > 1)
		qsort(s->targets, s->n_targets, sizeof *s->targets, target_cmp_qsort);
	for (size_t i = 0; i < b->n; i++) {
		struct sched_target *t = b->v[i], *o = NULL;
		size_t lo = 0, hi = s->n_targets, oi = 0;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			int c = target_cmp(s->targets[mid], t);
			if (c == 0) { oi = mid; o = s->targets[mid]; break; }
			if (c < 0) lo = mid + 1; else hi = mid;
		}
		if (o && ((kept && kept[oi]) || o->dead))
			o = NULL;   /* a duplicate key in the new list, or a retired target */
		if (!o) {
			t->due = first_due(s, t, now);
			t->in_round = s->round_active;
			continue;
		}
		if (kept)
			kept[oi] = true;
		/* The old object survives (a request may be in flight); it takes
		 * the new membership and interval. */
		for (size_t j = 0; j < o->n_handles; j++) {
			free(o->handles[j]);
			if (o->members)
				free(o->members[j]);
		}
		free(o->handles);
		free(o->members);
		o->members = t->members;
		t->members = NULL;
		free(o->account_ids);
		o->handles = t->handles;
		o->account_ids = t->account_ids;
		o->n_handles = t->n_handles;
		o->interval = t->interval;
		o->mentor_id = t->mentor_id;
		o->window = t->window;
		/* A running back-fill is ahead of what its last commit stored;
		 * only the window's bound comes from the new plan. */
		o->since = t->since;
		free(o->arg);
		o->arg = t->arg;
		t->handles = NULL;
		t->account_ids = NULL;
		t->n_handles = 0;
		t->arg = NULL;
		sched_target_free(t);
		b->v[i] = o;
	}
	for (size_t i = 0; i < s->n_targets; i++) {
		struct sched_target *o = s->targets[i];
		if (kept && kept[i])
			continue;
		if (!o->running) {
			sched_target_free(o);
			continue;
		}
		/* In flight: stays listed, dead, until its request ends. */
		o->dead = true;
		o->in_round = false;
		if (b->n == b->cap) {
			size_t cap = b->cap ? 2 * b->cap : 64;
			struct sched_target **v = realloc(b->v, cap * sizeof *v);
			if (!v) {
				http_cancel(o->http);
				sched_target_free(o);
				continue;
			}
			b->v = v;
			b->cap = cap;
		}
		b->v[b->n++] = o;
	}
	free(kept);
	free(s->targets);
	s->targets = b->v;
	s->n_targets = b->n;
	b->v = NULL;
	b->n = b->cap = 0;
}

static void do_reload(struct sched *s)
{
	struct build b = { .s = s };
	int r;

	s->reload_pending = false;
	s->rejoin_pending = false;
	s->last_reload_usec = clock_monotonic_usec();
	for (size_t i = 0; i < s->n_platforms; i++) {
		s->platforms[i].cfg = &s->config->platforms[i];
		if (sched_feed_begin(&s->platforms[i]) < 0)
			log_warn("%s: cannot read the home feed's accounts; they are read one by one",
			         s->platforms[i].net->name);
	}
	r = store_for_each_followed(s->store, on_followed, &b);
	if (r >= 0)
		r = store_for_each_tag(s->store, on_tag, &b);
	for (size_t i = 0; r >= 0 && i < s->n_platforms; i++)
		r = add_platform_targets(&b, i);
	if (r < 0) {
		log_err("scheduler: cannot rebuild the target list: %s", strerror(-r));
		build_clear(&b);
		return;
	}
	adopt(s, &b);
	build_clear(&b);
	for (size_t i = 0; i < s->n_platforms; i++)
		sched_xrecon_update(&s->platforms[i]);
	s->last_reload_cost_usec = clock_monotonic_usec() - s->last_reload_usec;
	/* Credentials may have moved a target to another host (a Bluesky
	 * session): every target's budget is looked up again. */
	for (size_t i = 0; i < s->n_targets; i++)
		if (!s->targets[i]->dead && sched_target_rate(s->targets[i]) < 0)
			s->targets[i]->rate = NULL;
	log_debug("scheduler: %zu targets", s->n_targets);
}

/* ---- dispatch ---- */

static void target_done(struct sched_target *t, bool failed);

/* When t could start, ignoring the in-flight limit. */
static int64_t ready_at(const struct sched_target *t, int64_t now)
{
	int64_t at = t->due, until = 0;
	if (t->p->paused_until > at)
		at = t->p->paused_until;
	if (!sched_rate_open(t->rate, now, &until) && until > at)
		at = until;
	if (t->kind == TARGET_HISTORY && !sched_history_may_spend(t, now, &until) && until > at)
		at = until;
	return at;
}

static void update_status(struct sched *s, int64_t now)
{
	for (size_t i = 0; i < s->n_platforms; i++) {
		struct sched_platform *p = &s->platforms[i];
		struct sched_status *st = &p->status;
		int64_t next = 0, remaining = -1;
		for (size_t j = 0; j < s->n_targets; j++) {
			struct sched_target *t = s->targets[j];
			int64_t at;
			if (t->p != p || t->dead || t->running)
				continue;
			at = ready_at(t, now);
			if (!next || at < next)
				next = at;
		}
		for (size_t k = 0; k < p->n_rates; k++)
			if (p->rates[k]->remaining >= 0 && p->rates[k]->reset > now &&
			    (remaining < 0 || p->rates[k]->remaining < remaining))
				remaining = p->rates[k]->remaining;
		st->next_poll = next == INT64_MAX ? 0 : next;
		st->backfilling = 0;
		for (size_t j = 0; j < s->n_targets; j++)
			st->backfilling += s->targets[j]->p == p && s->targets[j]->kind == TARGET_HISTORY &&
			                   !s->targets[j]->dead;
		st->rate_remaining = remaining;
		if (!p->cfg->enabled)
			snprintf(st->state, sizeof st->state, "disabled");
		else if (p->paused_until == INT64_MAX)
			snprintf(st->state, sizeof st->state, "auth-failed");
		else if (p->paused_until > now)
			snprintf(st->state, sizeof st->state, "paused");
		else if (p->inflight)
			snprintf(st->state, sizeof st->state, "polling");
		else if (p->failing)
			snprintf(st->state, sizeof st->state, "%s", p->offline ? "offline" : "error");
		else
			snprintf(st->state, sizeof st->state, "idle");
		sched_home_status(p, now, st->fallback, sizeof st->fallback);
	}
}

static void arm_timer(struct sched *s, int64_t now)
{
	int64_t next = INT64_MAX;
	for (size_t i = 0; i < s->n_targets; i++) {
		struct sched_target *t = s->targets[i];
		int64_t at;
		if (t->running || t->dead || !t->p->cfg->enabled || t->p->inflight >= SCHED_MAX_INFLIGHT ||
		    (t->p->me_wait && (t->kind == TARGET_WALK || t->kind == TARGET_HISTORY)) || sched_xcap_busy(t))
			continue;
		at = ready_at(t, now);
		if (at < next)
			next = at;
	}
	/* A deferred batch join is due within a second. */
	if (s->rejoin_pending && now + 1 < next)
		next = now + 1;
	evtimer_del(s->timer);
	if (next == INT64_MAX)
		return;
	int64_t us = next > now ? clock_real_usec(s->clock, next - now) : 0;
	if (us < 1000)
		us = 1000;   /* ready but unstarted: retry soon, never spin */
	struct timeval tv = clock_timeval(us);
	evtimer_add(s->timer, &tv);
}

/* Until the user's own id is known, a page cannot be told apart into "to
 * me" and "by me"; posts ingested then would miss their events for good. So
 * walks wait for the first lookup of `me` (not for retries after a failure). */
static void update_me_wait(struct sched *s)
{
	for (size_t i = 0; i < s->n_platforms; i++)
		s->platforms[i].me_wait = false;
	for (size_t i = 0; i < s->n_targets; i++) {
		struct sched_target *t = s->targets[i];
		if (t->kind == TARGET_ME && !t->dead && t->failures == 0 && !t->p->me_id)
			t->p->me_wait = true;
	}
}

/* Dispatch passes, first to last: what serves many accounts at once (the
 * session, the user's own id, look-ups, the home feed, whom the user
 * follows, tags, interactions), then each account's own walk, then
 * back-fill. At 5,000 accounts a network, account walks that were always
 * due took every request in flight: the checks that let the feed read them
 * and the Bluesky session's refresh never left, and without a session
 * every account fell back to its own walk (docs/PERFORMANCE.md, first
 * sync). */
enum { PASS_SHARED, PASS_ACCOUNT, PASS_HISTORY, PASS_COUNT };

static int pass_of(const struct sched_target *t)
{
	if (t->kind == TARGET_HISTORY)
		return PASS_HISTORY;
	if (t->kind == TARGET_WALK && t->op == NET_OP_ACCOUNT)
		return PASS_ACCOUNT;
	return PASS_SHARED;
}

static void dispatch_pass(struct sched *s, int64_t now, int pass)
{
	struct sched_target **order = NULL;

	/* X with a monthly cap spends its allowance where the relationships are. */
	if (sched_xcap_order(s, now, &order) < 0)
		order = NULL;
	for (size_t i = 0; i < s->n_targets; i++) {
		struct sched_target *t = order ? order[i] : s->targets[i];
		struct sched_platform *p = t->p;
		if (pass_of(t) != pass)
			continue;
		if (t->in_round && !t->running && t->due <= now && ready_at(t, now) > now) {
			/* Held by a rate window: a manual round does not wait for it. */
			t->in_round = false;
			continue;
		}
		if (t->running || t->dead || !p->cfg->enabled || ready_at(t, now) > now ||
		    p->inflight >= SCHED_MAX_INFLIGHT || (p->me_wait && (t->kind == TARGET_WALK || t->kind == TARGET_HISTORY)) ||
		    sched_xcap_busy(t))
			continue;
		int r = sched_run_start(t);
		if (r < 0 && !t->running) {
			/* Not startable now (missing credential or id): try later;
			 * a budget found closed has set its own time. */
			if (r != -EAGAIN || t->due <= now)
				t->due = now + t->interval;
			target_done(t, false);
		}
	}
	free(order);
}

/* Shared reads, then refreshes; back-fill gets what they leave of each
 * network's requests in flight. */
static void dispatch(struct sched *s)
{
	int64_t now = sched_now(s);
	update_me_wait(s);
	for (int pass = 0; pass < PASS_COUNT; pass++)
		dispatch_pass(s, now, pass);
	update_status(s, now);
	arm_timer(s, now);
}
/* Turns deferred batch joins into a rebuild once the last rebuild is a
 * second old (or at once, when force). */
static void rejoin_due(struct sched *s, bool force)
{
	uint64_t gap = SCHED_REJOIN_USEC;
	/* Rebuilds take at most a tenth of the loop, however many targets. */
	if (10 * s->last_reload_cost_usec > gap)
		gap = 10 * s->last_reload_cost_usec;
	if (s->rejoin_pending && (force || clock_monotonic_usec() - s->last_reload_usec >= gap))
		s->reload_pending = true;
}

static void on_timer(evutil_socket_t fd, short what, void *userdata)
{
	struct sched *s = userdata;
	rejoin_due(s, false);
	if (s->reload_pending)
		do_reload(s);
	dispatch(s);
}

static void finish_round_if_done(struct sched *s);

static void on_kick(evutil_socket_t fd, short what, void *userdata)
{
	struct sched *s = userdata;
	rejoin_due(s, false);
	if (s->reload_pending)
		do_reload(s);
	dispatch(s);
	finish_round_if_done(s);
}

void sched_reload(struct sched *s)
{
	if (!s)
		return;
	sched_creds_reload(s);
	s->reload_pending = true;
	sched_kick(s);
}

/* ---- rounds ---- */

static bool round_busy(const struct sched *s)
{
	for (size_t i = 0; i < s->n_targets; i++)
		if (s->targets[i]->in_round && !s->targets[i]->dead)
			return true;
	return false;
}

static void finish_round_if_done(struct sched *s)
{
	/* A pending reload may add targets to the round (accounts a lookup
	 * just resolved): the round ends after it. */
	if (!s->round_active || s->reload_pending || round_busy(s))
		return;
	if (s->rejoin_pending) {
		/* A deferred rebuild may add to the round (a back-fill to start). */
		s->reload_pending = true;
		sched_kick(s);
		return;
	}
	s->round_active = false;
	log_info("poll round finished: %u targets polled, %u failed", s->round_polled, s->round_failed);
	if (s->events.round_done)
		s->events.round_done(s->events.data, s->round_polled, s->round_failed);
	while (s->n_waiters) {
		/* Callbacks may start a new round: take them off the list first. */
		size_t n = s->n_waiters;
		__typeof__(s->waiters) w = s->waiters;
		s->waiters = NULL;
		s->n_waiters = 0;
		for (size_t i = 0; i < n; i++)
			w[i].fn(w[i].userdata, s->round_polled, s->round_failed);
		free(w);
	}
}

/* A target's walk or request ended (s->target_done): updates the round. */
static void target_done(struct sched_target *t, bool failed)
{
	struct sched *s = t->s;
	if (t->in_round) {
		t->in_round = false;
		s->round_polled++;
		if (failed)
			s->round_failed++;
	}
	finish_round_if_done(s);
	sched_kick(s);
}

int sched_poll_now(struct sched *s, sched_round_fn done, void *userdata)
{
	int64_t now = sched_now(s);
	unsigned n = 0;

	if (done) {
		__typeof__(s->waiters) w = realloc(s->waiters, (s->n_waiters + 1) * sizeof *w);
		if (!w)
			return -ENOMEM;
		s->waiters = w;
		w[s->n_waiters].fn = done;
		w[s->n_waiters].userdata = userdata;
		s->n_waiters++;
	}
	rejoin_due(s, true);
	if (s->reload_pending)
		do_reload(s);
	if (!s->round_active) {
		s->round_active = true;
		s->round_polled = s->round_failed = 0;
		if (s->events.round_begun)
			s->events.round_begun(s->events.data);
	}
	for (size_t i = 0; i < s->n_targets; i++) {
		struct sched_target *t = s->targets[i];
		int64_t until;
		/* Back-fill is no part of a round: a round is about news. */
		if (t->dead || t->kind == TARGET_HISTORY || !t->p->cfg->enabled || t->p->paused_until > now ||
		    !sched_rate_open(t->rate, now, &until))
			continue;
		if (!t->running && t->due > now)
			t->due = now;   /* skips error backoff, never a rate window */
		t->in_round = true;
		n++;
	}
	log_info("poll round started: %u targets", n);
	dispatch(s);
	finish_round_if_done(s);
	return (int)n;
}

void sched_forget_round(struct sched *s, void *userdata)
{
	for (size_t i = 0; s && i < s->n_waiters; )
		if (s->waiters[i].userdata == userdata)
			s->waiters[i] = s->waiters[--s->n_waiters];
		else
			i++;
}

/* ---- life cycle ---- */

int sched_new(struct sched **out, const struct sched_deps *deps, const struct sched_events *events)
{
	const struct config *c = deps->config;
	struct sched *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->base = deps->base;
	s->clock = deps->clock;
	s->config = c;
	s->store = deps->store;
	s->http = deps->http;
	s->mentors = deps->mentors;
	s->check = deps->check;
	if (events)
		s->events = *events;
	s->target_done = target_done;
	s->rng = (uint64_t)clock_monotonic_usec() | 1;
	s->timer = evtimer_new(s->base, on_timer, s);
	s->kick = evtimer_new(s->base, on_kick, s);
	if (!s->timer || !s->kick || (deps->state_dir && !(s->state_dir = strdup(deps->state_dir)))) {
		sched_free(s);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->n_platforms && s->n_platforms < SCHED_MAX_PLATFORMS; i++) {
		const struct net_platform *net = net_platform_find(c->platforms[i].name);
		struct sched_platform *p = &s->platforms[s->n_platforms];
		if (!net || i != s->n_platforms) {
			log_err("scheduler: no adapter for platform %s", c->platforms[i].name);
			sched_free(s);
			return -ENOSYS;
		}
		p->s = s;
		p->index = i;
		p->net = net;
		p->cfg = &c->platforms[i];
		p->status.rate_remaining = -1;
		s->n_platforms++;
	}
	*out = s;
	sched_reload(s);
	return 0;
}

const struct sched_status *sched_status(const struct sched *s, size_t i)
{
	return s && i < s->n_platforms ? &s->platforms[i].status : NULL;
}

void sched_free(struct sched *s)
{
	if (!s)
		return;
	sched_run_finish(s);    /* pages not yet written: read again next run */
	for (size_t i = 0; i < s->n_targets; i++) {
		/* Cancelled requests never call back, so the target can go. */
		if (s->targets[i]->http)
			http_cancel(s->targets[i]->http);
		sched_target_free(s->targets[i]);
	}
	free(s->targets);
	for (size_t i = 0; i < s->n_platforms; i++) {
		sched_creds_clear(&s->platforms[i]);
		sched_home_clear(&s->platforms[i]);
		sched_feed_clear(&s->platforms[i]);
		sched_xrecon_clear(&s->platforms[i]);
		sched_rates_clear(&s->platforms[i]);
	}
	/* Waiters (pending `poll --wait` replies) are told the round is over. */
	for (size_t i = 0; i < s->n_waiters; i++)
		s->waiters[i].fn(s->waiters[i].userdata, 0, 0);
	free(s->waiters);
	if (s->timer)
		event_free(s->timer);
	if (s->kick)
		event_free(s->kick);
	free(s->state_dir);
	free(s);
}

int sched_x_usage(struct sched *s, struct sched_x_usage *out)
{
	for (size_t i = 0; i < s->n_platforms; i++)
		if (strcmp(s->platforms[i].net->name, "x") == 0 && s->platforms[i].cfg) {
			sched_xcap_usage(&s->platforms[i], sched_now(s), out);
			return 0;
		}
	return -ENOENT;
}

void sched_x_rounds(const struct sched *s, int64_t mentor_id, unsigned *rounds, unsigned *held)
{
	*rounds = *held = 0;
	for (size_t i = 0; i < s->n_targets; i++) {
		const struct sched_target *t = s->targets[i];

		if (t->mentor_id == mentor_id && t->kind == TARGET_WALK && sched_xcap_on(t->p) &&
		    t->x_month == t->p->xcap.month) {
			*rounds += t->x_rounds;
			*held += t->x_held;
		}
	}
}
