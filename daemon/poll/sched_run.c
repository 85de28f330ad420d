/* sched_run.c — one target's requests and what its answers do: pages go to
 * ingest (with the walk's watermark in the last page's transaction), errors
 * become backoff, rate windows or a stopped network. */
#include "poll/sched_internal.h"
#include "config/config.h"
#include "http/http.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "base/log.h"
#include "common/macros.h"
#include "base/clock.h"
#include "common/utf8.h"
#include "common/str.h"

#include <event2/event.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static void on_done(struct http_response *resp, void *userdata);

static const char *sched_http_header(void *ctx, const char *name)
{
	return http_response_header(ctx, name);
}

/* The budget is the network's business (net_rate_key): X keys it by
 * endpoint, Mastodon by instance, Bluesky by host. */
static enum net_op request_op(const struct sched_target *t)
{
	return t->find_local ? NET_OP_LOOKUP : t->op;
}

/* The network's configuration for t's next request, at t's server. */
static void target_config(const struct sched_target *t, struct net_config *cfg)
{
	sched_creds_net_config(t->p, cfg);
	sched_home_config(t, cfg);
}

/* The account (or handle to look up) a request of t is about, when the
 * network has servers of its own for it; NULL when t goes to the configured one. */
static const char *about(const struct sched_target *t)
{
	bool account = (t->kind == TARGET_WALK && t->op == NET_OP_ACCOUNT) || t->kind == TARGET_HISTORY;

	if (!t->p->net->home)
		return NULL;
	if (account)
		return t->arg;
	return t->kind == TARGET_LOOKUP && t->n_handles ? t->handles[0] : NULL;
}

/* Accounts (and handles to look up) go to their own server. A lookup
 * target's next handle may live elsewhere than its last one. */
static int pick_server(struct sched_target *t)
{
	const char *id = about(t);

	sched_home_server_clear(&t->server);
	return id ? sched_home_pick(t, id) : 0;
}

int sched_target_rate(struct sched_target *t)
{
	struct net_config cfg;
	char key[NET_RATE_KEY_MAX];
	int r;

	if ((r = pick_server(t)) < 0)
		return r;
	target_config(t, &cfg);
	if ((r = net_rate_key(t->p->net, &cfg, request_op(t), key, sizeof key)) < 0)
		return r;
	return (t->rate = sched_rate_get(t->p, key)) ? 0 : -ENOMEM;
}

static int build(struct sched_target *t, struct net_request *req)
{
	struct sched_platform *p = t->p;
	struct net_config cfg;
	const char *one;

	target_config(t, &cfg);
	if (!t->find_local && (t->kind == TARGET_WALK || t->kind == TARGET_HISTORY))
		cfg.max_billed = sched_xcap_budget(p, sched_now(t->s));
	if (t->find_local) {
		one = t->arg;
		return net_build_lookup(p->net, &cfg, NET_LOOKUP_ID, &one, 1, req, &t->n_used);
	}
	switch (t->kind) {
	case TARGET_WALK:
		if (t->op == NET_OP_BATCH)
			return net_build_batch(p->net, &cfg, (const char *const *)t->handles, t->n_handles,
			                       &t->walk, req, &t->n_used);
		return net_build_page(p->net, &cfg, t->local_id ? t->local_id : t->arg, &t->walk, req);
	case TARGET_LOOKUP:
		return net_build_lookup(p->net, &cfg, NET_LOOKUP_HANDLE, (const char *const *)t->handles,
		                        t->n_handles, req, &t->n_used);
	case TARGET_ME:
		one = t->arg;
		return net_build_lookup(p->net, &cfg, NET_LOOKUP_HANDLE, &one, 1, req, &t->n_used);
	case TARGET_SESSION:
		return net_build_session(p->net, &cfg, t->op, req);
	case TARGET_HISTORY:
		return net_build_page(p->net, &cfg, t->local_id ? t->local_id : t->arg, &t->walk, req);
	case TARGET_FOLLOW_CHECK:
		return sched_feed_build_follow_check(t, &cfg, req);
	}
	return -EINVAL;
}

/* Asked by the HTTP layer as the request leaves its host's queue: a 429
 * that arrived meanwhile (or a stopped network) keeps it back. */
static bool may_leave(void *userdata)
{
	struct sched_target *t = userdata;
	int64_t now = sched_now(t->s);
	/* Not remaining == 0: that count already holds this request. */
	return !t->dead && t->p->paused_until <= now && !(t->rate && t->rate->held_until > now);
}

static int submit(struct sched_target *t)
{
	struct sched_platform *p = t->p;
	struct net_request req = { 0 };
	int r = build(t, &req);
	int64_t billed_max = req.billed_max;

	if (r >= 0)
		r = sched_submit(t->s, &req, may_leave, on_done, t, &t->http);
	else
		net_request_clear(&req);
	if (r < 0)
		return r;
	t->running = true;
	t->seq = sched_request_sent(p, t->rate);
	sched_xcap_reserve(t, billed_max);
	return 0;
}

/* A batch starts from its oldest member's watermark, so the one walk
 * covers everything every member posted since its own. */
static int read_watermark(struct sched_target *t, char **out)
{
	struct store *st = t->s->store;
	const char *net = t->p->net->name;
	*out = NULL;
	if (t->op != NET_OP_BATCH)
		return store_cursor_get(st, net, t->key, out);
	for (size_t i = 0; i < t->n_handles; i++) {
		char *wm = NULL;
		int r = store_cursor_get(st, net, t->members[i], &wm);
		if (r < 0 || !wm) {
			free(*out);
			*out = NULL;
			free(wm);
			return r < 0 ? r : 0;   /* a member without one: first sync */
		}
		if (!*out || (t->p->net->cmp_id && t->p->net->cmp_id(wm, *out) < 0)) {
			free(*out);
			*out = wm;
		} else {
			free(wm);
		}
	}
	return 0;
}

/* The walk's new watermark, for the target or every member of a batch. */
static int write_watermark(struct sched_target *t, const char *wm)
{
	struct store *st = t->s->store;
	const char *net = t->p->net->name;
	int r = 0;
	if (t->op != NET_OP_BATCH)
		return store_cursor_set(st, net, t->key, wm);
	for (size_t i = 0; r >= 0 && i < t->n_handles; i++)
		r = store_cursor_set(st, net, t->members[i], wm);
	return r;
}

int sched_run_start(struct sched_target *t)
{
	struct sched_platform *p = t->p;
	int64_t now = sched_now(t->s);
	struct net_config cfg;
	char *wm = NULL, what[160];
	int64_t until;
	int r;

	if (t->kind == TARGET_SESSION) {
		enum net_op op;
		if (!sched_creds_session_needed(p, now, &op))
			return -EAGAIN;
		t->op = op;
	}
	t->find_local = false;
	if ((r = sched_target_rate(t)) < 0)
		return r;
	/* Reading an account needs the server's number for it: looked up
	 * first when not known yet. */
	if (about(t) && t->kind != TARGET_LOOKUP && (r = sched_home_local_id(t)) < 0)
		return r;
	if (t->find_local && (r = sched_target_rate(t)) < 0)
		return r;
	if (!sched_rate_open(t->rate, now, &until)) {
		t->due = until;      /* its budget: the dispatcher did not know it yet */
		return -EAGAIN;
	}
	if (t->kind == TARGET_WALK) {
		target_config(t, &cfg);
		if (p->net->can && !p->net->can(&cfg, t->op)) {
			log_debug("%s: %s skipped: credentials or own id missing",
			          p->net->name, sched_target_what(t, what, sizeof what));
			return -ENOKEY;
		}
		if ((r = read_watermark(t, &wm)) < 0)
			return r;
		net_walk_clear(&t->walk);
		r = net_walk_start(&t->walk, t->op, wm);
		free(wm);
		if (r < 0)
			return r;
		/* No is_known shortcut: after an interrupted walk the newest pages
		 * are stored but older new ones may not be, so only the stored
		 * watermark may end a walk. */
		t->history = t->walk.watermark == NULL;
		t->started = now;
		if (t->op == NET_OP_FEED)
			sched_feed_starting(t);
	}
	if (t->kind == TARGET_HISTORY) {
		/* One page per turn: refreshes get the next turn first. */
		net_walk_clear(&t->walk);
		if ((r = net_walk_start(&t->walk, NET_OP_HISTORY, NULL)) < 0)
			return r;
		if (t->token && *t->token && !(t->walk.page_token = strdup(t->token)))
			return -ENOMEM;
		t->walk.since = t->since;
		t->history = true;
	}
	r = submit(t);
	if (r >= 0 || r == -EDQUOT)
		sched_xcap_round(t, now, false);
	if (r == -EDQUOT) {
		/* X's allowance for today is read: tomorrow brings the next. */
		sched_xcap_round(t, now, true);
		t->due = sched_xcap_tomorrow(p, now);
		return -EAGAIN;
	}
	if (r < 0 && r != -ENOKEY)
		log_warn("%s: cannot request %s: %s", p->net->name, sched_target_what(t, what, sizeof what),
		         strerror(-r));
	return r;
}

/* ---- outcomes ---- */

static void succeed(struct sched_target *t, int64_t next)
{
	struct sched *s = t->s;
	/* A first sync gave the account a watermark: it may now join a batch. */
	if (t->history && t->op == NET_OP_ACCOUNT && t->p->net->max_batch > 1)
		s->rejoin_pending = true;
	t->running = false;
	t->failures = 0;
	t->due = next;
	t->p->status.last_poll = sched_now(s);
	s->target_done(t, false);
}

static void backoff(struct sched_target *t, int64_t min_delay, const char *why)
{
	struct sched *s = t->s;
	char what[160];
	int64_t delay = SCHED_BACKOFF_BASE;
	t->running = false;
	t->failures++;
	for (unsigned i = 1; i < t->failures && delay < SCHED_BACKOFF_CAP; i++)
		delay *= 2;
	if (delay > SCHED_BACKOFF_CAP)
		delay = SCHED_BACKOFF_CAP;
	if (delay < min_delay)
		delay = min_delay;
	t->due = sched_now(s) + sched_jitter(s, delay);
	sched_target_what(t, what, sizeof what);
	sched_set_error(t->p, "%s: %s", what, why);
	log_warn("%s: %s failed (%s); retrying in about %llds", t->p->net->name, what, why,
	         (long long)delay);
	t->p->status.last_poll = sched_now(s);
	s->target_done(t, true);
}

/* The next request of a walk or lookup within the turn; a spent X
 * allowance ends the turn until the next UTC day (an unfinished walk keeps
 * its old watermark, so nothing is skipped). */
static void submit_next(struct sched_target *t)
{
	int r = submit(t);

	if (r == -EDQUOT) {
		t->running = false;
		sched_xcap_round(t, sched_now(t->s), true);
		t->due = sched_xcap_tomorrow(t->p, sched_now(t->s));
		t->s->target_done(t, false);
	} else if (r < 0)
		backoff(t, 0, strerror(-r));
}

/* A walk's next request within the same turn draws on the same budget:
 * when the window is spent (or a 429 arrived meanwhile) the turn ends here
 * and the target comes back when it opens. An unfinished walk re-reads
 * from its stored watermark then; nothing is lost, keys absorb the rest. */
static bool next_page_open(struct sched_target *t)
{
	int64_t now = sched_now(t->s), until = 0;
	char what[160];

	if (sched_rate_open(t->rate, now, &until) && t->p->paused_until <= now)
		return true;
	if (t->p->paused_until > until)
		until = t->p->paused_until;
	log_debug("%s: %s waits for its window before its next page", t->p->net->name,
	          sched_target_what(t, what, sizeof what));
	t->running = false;
	t->due = until;
	t->s->target_done(t, false);
	return false;
}

static void rate_limited(struct sched_target *t, const struct net_error *e, int64_t now)
{
	struct sched_platform *p = t->p;
	int64_t until = e->retry_at > now ? e->retry_at : now + 60;
	char when[32];

	if (e->scope == NET_SCOPE_NETWORK) {
		if (until > p->paused_until)
			p->paused_until = until;
	} else {
		sched_rate_hold(t->rate, until);
	}
	clock_format_rfc3339(until, when);
	sched_set_error(p, "rate limited (%s) until %s", net_op_name(t->op), when);
	log_info("%s: rate limited on %s until %s", p->net->name, net_op_name(t->op), when);
	t->running = false;
	t->due = until;
	t->s->target_done(t, false);
}

static void handle_error(struct sched_target *t, const struct net_error *e)
{
	struct sched_platform *p = t->p;
	int64_t now = sched_now(t->s);

	switch (e->code) {
	case NET_ERR_RATE_LIMITED:
		rate_limited(t, e, now);
		return;
	case NET_ERR_AUTH:
		if (t->kind == TARGET_SESSION) {
			/* Public reading goes on; authenticated calls stop. */
			sched_set_error(p, "login failed: %s", e->msg);
			if (p->cfg->user_token_file)
				log_err("%s: %s", p->net->name, e->msg);
			else
				log_err("%s: login failed: %s; hashtag search and notifications stay off "
				        "until the configuration is fixed and reloaded", p->net->name, e->msg);
			sched_creds_forget_login(p);
			backoff(t, 86400, e->msg);
			return;
		}
		if (e->scope == NET_SCOPE_TARGET) {
			backoff(t, 3600, e->msg);
			return;
		}
		if (p->cfg->user_token_file && !p->token && p->session.refresh_jwt) {
			/* Read with the user token, which X refused: refresh it first. */
			sched_creds_session_drop(p, false);
			backoff(t, 60, e->msg);
			return;
		}
		p->paused_until = INT64_MAX;
		sched_set_error(p, "%s", e->msg);
		log_err("%s: %s; polling stopped until the configuration is fixed and reloaded",
		        p->net->name, e->msg);
		t->running = false;
		t->s->target_done(t, true);
		return;
	case NET_ERR_SESSION_EXPIRED:
		sched_creds_session_drop(p, t->op == NET_OP_SESSION_REFRESH);
		t->running = false;
		t->due = now;
		t->s->target_done(t, false);
		return;
	case NET_ERR_USAGE_CAP:
		p->paused_until = e->retry_at > now ? e->retry_at : now + 86400;
		sched_set_error(p, "usage cap reached: %s", e->msg);
		log_warn("%s: usage cap reached; paused", p->net->name);
		t->running = false;
		t->due = p->paused_until;
		t->s->target_done(t, true);
		return;
	case NET_ERR_STALE_CURSOR:
		/* Batch members go back to a first sync of their own. */
		write_watermark(t, NULL);
		if (t->op == NET_OP_BATCH)
			t->s->reload_pending = true;
		t->running = false;
		t->due = now;
		t->s->target_done(t, false);
		return;
	case NET_ERR_NOT_FOUND:
		if (t->kind == TARGET_LOOKUP || t->kind == TARGET_ME)
			sched_lookup_failed(t);
		backoff(t, 6 * 3600, e->msg);
		return;
	case NET_ERR_BAD_REQUEST:
		backoff(t, 3600, e->msg);
		return;
	case NET_ERR_BLOCKED:
		sched_rate_hold(t->rate, now + 900);
		backoff(t, 900, e->msg);
		return;
	default:
		p->failing = true;     /* the server's trouble, 5xx or a body that is not its JSON */
		backoff(t, 0, e->msg[0] ? e->msg : net_status_name(e->code));
	}
}

/* ---- successful pages ---- */

/* New ledger events of one page, announced on the bus only once they are
 * committed (a rolled-back page must not have been announced). */
struct activity {
	struct activity_item {
		int64_t mentor, at;
		char kind[24], platform[16];
		char *url, *text;
		char *who, *post_key, *findings;   /* tagged_risk */
	} v[64];
	size_t n;
};

static void collect_activity(const struct ingest_event *ev, void *userdata)
{
	struct activity *a = userdata;
	struct activity_item *it = NULL;
	if (a->n < ARRAY_SIZE(a->v)) {
		it = &a->v[a->n++];
	} else if (strcmp(ev->kind, "tagged_risk") == 0) {
		/* A full page: a risk to the user is told once or never, so it
		 * takes the place of ordinary news. */
		for (size_t i = a->n; i-- > 0 && !it; )
			if (strcmp(a->v[i].kind, "tagged_risk") != 0)
				it = &a->v[i];
		if (it) {
			free(it->url);
			free(it->text);
			free(it->who);
			free(it->post_key);
			free(it->findings);
		}
	}
	if (!it)
		return;
	it->mentor = ev->mentor_id;
	it->at = ev->at;
	snprintf(it->kind, sizeof it->kind, "%s", ev->kind);
	snprintf(it->platform, sizeof it->platform, "%s", ev->platform ? ev->platform : "");
	it->url = ev->url ? utf8_clean_dup(ev->url, 2048) : NULL;
	it->text = ev->text ? utf8_clean_dup(ev->text, 500) : NULL;
	it->who = ev->who ? utf8_clean_dup(ev->who, 256) : NULL;
	it->post_key = ev->post_key ? utf8_clean_dup(ev->post_key, 1024) : NULL;
	it->findings = ev->findings ? utf8_clean_dup(ev->findings, 2000) : NULL;
}

/* A first sync is history, not news: one summary when it is complete. */
static void announce_history(struct sched_target *t, const struct activity *a, unsigned posts)
{
	const struct sched_events *ev = &t->s->events;
	int64_t mentor = t->mentor_id;
	for (size_t i = 0; a && i < a->n && !mentor; i++)
		mentor = a->v[i].mentor;
	if (!ev->history)
		return;
	if (t->op == NET_OP_TAG)
		ev->history(ev->data, 0, t->arg, t->p->net->name, posts);
	else if ((t->op == NET_OP_ACCOUNT || t->op == NET_OP_HISTORY) && mentor)
		ev->history(ev->data, mentor, NULL, t->p->net->name, posts);
}

static void announce_activity(struct sched_target *t, struct activity *a, bool committed)
{
	const struct sched_events *ev = &t->s->events;
	for (size_t i = 0; i < a->n; i++) {
		struct activity_item *it = &a->v[i];
		if (committed && !t->history && ev->activity) {
			struct sched_activity news = { it->mentor, it->kind, it->platform, it->url, it->text, it->at,
			                               it->who, it->post_key, it->findings };
			ev->activity(ev->data, &news);
		}
		free(it->url);
		free(it->text);
		free(it->who);
		free(it->post_key);
		free(it->findings);
	}
	a->n = 0;
	/* LastPoll moves even when the page changed no row. */
	if (committed && ev->counts_changed)
		ev->counts_changed(ev->data);
}

/* A page's rows, written inside the batch's transaction (under its own
 * savepoint); what follows from them waits for the COMMIT (page_after). */
struct page_job {
	struct sched_target *t;
	struct net_page page;
	struct activity act;
	struct ingest_stats stats;
	int more;
	int64_t billed;          /* X: posts newly counted as billed today (sched_xcap) */
};

static int walk_write(struct page_job *j)
{
	struct sched_target *t = j->t;
	const struct net_page *page = &j->page;
	struct sched_platform *p = t->p;
	struct store *st = t->s->store;
	struct ingest_me me = { p->net->name, p->me_id, p->me_handle, t->s->mentors, t->op == NET_OP_TAG,
	                       t->s->check };
	bool feed = t->op == NET_OP_FEED;
	bool last = t->walk.done || t->walk.pages >= SCHED_MAX_PAGES;
	struct post *mine = NULL;
	size_t n_mine = 0;
	int r = 0;

	if (feed && last && !t->walk.done) {
		/* Out of pages before the watermark: as good as a gap. */
		t->walk.done = t->walk.gap = true;
	}
	/* The home feed: accounts read one by one keep their posts to their
	 * own walks; people who are not followed feed suggestions. */
	me.tag_stream = me.tag_stream || feed;
	if (feed)
		r = sched_feed_filter(p, page, &mine, &n_mine);
	if (r >= 0 && (feed ? n_mine : page->n_posts))
		r = ingest_posts(st, &me, feed ? mine : page->posts, feed ? n_mine : page->n_posts, &j->stats,
		                 collect_activity, &j->act);
	free(mine);
	if (r >= 0 && page->n_notifs)
		r = ingest_notifs(st, &me, page->notifs, page->n_notifs, &j->stats, collect_activity, &j->act);
	if (r >= 0)
		r = sched_xcap_count(p, page, sched_now(t->s), &j->billed);
	/* The watermark commits with the walk's last page, or not at all;
	 * except that an upward walk that yields keeps what it has read (all
	 * below it is in): an account back from the home feed may have more
	 * than SCHED_MAX_PAGES to catch up. */
	if (r >= 0 && (t->walk.done || (last && p->net->upward_walks && !feed && t->walk.watermark)) &&
	    t->walk.new_watermark)
		r = write_watermark(t, t->walk.new_watermark);
	if (r >= 0 && feed && t->walk.done && t->walk.gap)
		r = sched_feed_gap(t);
	if (r >= 0 && (t->op == NET_OP_ACCOUNT || t->op == NET_OP_BATCH) && t->walk.done)
		r = sched_feed_walked(t);
	/* So does the start of the back-fill below a first sync's page. */
	if (r >= 0 && t->history && t->op == NET_OP_ACCOUNT && (j->more = sched_history_start(t, j->stats.posts_new)) < 0)
		r = j->more;
	return r;
}

static void walk_after(struct page_job *j, int r)
{
	struct sched_target *t = j->t;
	const struct net_page *page = &j->page;
	struct sched_platform *p = t->p;
	bool last = t->walk.done || t->walk.pages >= SCHED_MAX_PAGES;
	char what[160];

	if (r >= 0)
		sched_xcap_counted(p, sched_now(t->s), j->billed);
	if (r >= 0 && j->more > 0)
		t->s->rejoin_pending = true;    /* its history target, with the next batched rebuild */
	else if (r >= 0 && t->history && last)
		announce_history(t, &j->act, j->stats.posts_new);
	announce_activity(t, &j->act, r >= 0);
	if (r < 0) {
		backoff(t, 0, "database write failed");
		return;
	}
	if (page->n_invalid)
		log_warn("%s: %s: skipped %zu malformed items (%s)", p->net->name,
		         sched_target_what(t, what, sizeof what), page->n_invalid, page->note);
	log_debug("%s: %s page %u: %u new posts, %u known, %u events", p->net->name,
	          sched_target_what(t, what, sizeof what), t->walk.pages, j->stats.posts_new,
	          j->stats.posts_known, j->stats.events_new);
	if (!last && !next_page_open(t))
		return;
	if (!last) {
		submit_next(t);
		return;
	}
	succeed(t, sched_now(t->s) + sched_jitter(t->s, t->interval));
}

/* A back-fill page: its posts (history, never news) and how far down the
 * account's past is read, in one transaction. The first sync's summary
 * comes when the last page is in, with every post the back-fill loaded. */
static int history_write(struct page_job *j)
{
	struct sched_target *t = j->t;
	struct sched_platform *p = t->p;
	struct ingest_me me = { p->net->name, p->me_id, p->me_handle, t->s->mentors, false, t->s->check };
	int r = 0;

	if (j->page.n_posts)
		r = ingest_posts(t->s->store, &me, j->page.posts, j->page.n_posts, &j->stats, NULL, NULL);
	if (r >= 0)
		r = sched_xcap_count(p, &j->page, sched_now(t->s), &j->billed);
	if (r >= 0 && (j->more = sched_history_advance(t, j->stats.posts_new)) < 0)
		r = j->more;
	return r;
}

static void history_after(struct page_job *j, int r)
{
	struct sched_target *t = j->t;
	struct sched_platform *p = t->p;
	int more = j->more;

	if (r >= 0)
		sched_xcap_counted(p, sched_now(t->s), j->billed);
	if (r < 0) {
		backoff(t, 0, "database write failed");
		return;
	}
	t->loaded += j->stats.posts_new;
	log_debug("%s: history %s: %u new posts, %u known; %lld loaded%s", p->net->name,
	          sched_target_label(t), j->stats.posts_new, j->stats.posts_known, (long long)t->loaded,
	          more ? "" : ", done");
	if (more && str_set(&t->token, t->walk.older) < 0) {
		backoff(t, 0, strerror(ENOMEM));
		return;
	}
	if (!more) {
		announce_history(t, NULL, (unsigned)t->loaded);
		/* Done: the next (batched) rebuild finds nothing to do and retires it. */
		t->dead = true;
		t->s->rejoin_pending = true;
		t->running = false;
		t->failures = 0;
		t->s->target_done(t, false);
		return;
	}
	succeed(t, sched_now(t->s));
}

static int page_write(struct page_job *j)
{
	return j->t->kind == TARGET_HISTORY ? history_write(j) : walk_write(j);
}

static void page_after(struct page_job *j, int r)
{
	if (j->t->kind == TARGET_HISTORY)
		history_after(j, r);
	else
		walk_after(j, r);
}

/* The pages that arrive within SCHED_BATCH_USEC of the first are written
 * in one transaction (the COMMIT was a third of ingest's time at one per
 * page; within one loop turn alone batches held ~3 pages and gained
 * little), each under a savepoint: a page that fails rolls back alone and its
 * target backs off; a failed COMMIT fails them all. Nothing is announced
 * and no target moves on before the COMMIT. */
static void run_batch(evutil_socket_t fd, short what, void *arg)
{
	struct sched *s = arg;
	struct store *st = s->store;
	struct page_job **v = s->batch.v;
	size_t n = s->batch.n;
	int *res = calloc(n ? n : 1, sizeof *res);
	int r;

	(void)fd;
	(void)what;
	s->batch.v = NULL;
	s->batch.n = s->batch.cap = 0;
	r = res ? store_begin(st) : -ENOMEM;
	for (size_t i = 0; i < n && r >= 0; i++) {
		if (v[i]->t->dead)
			continue;
		if ((res[i] = store_savepoint(st)) < 0)
			continue;
		if ((res[i] = page_write(v[i])) >= 0)
			r = store_release(st);
		else if (store_rollback_to(st) < 0)
			r = res[i];    /* the transaction itself is gone */
	}
	if (r >= 0)
		r = store_commit(st);
	else
		store_rollback(st);
	log_debug("poll: %zu pages written together%s", n, r < 0 ? ": failed" : "");
	for (size_t i = 0; i < n; i++) {
		struct sched_target *t = v[i]->t;
		sched_xcap_release(t);
		if (t->dead) {
			announce_activity(t, &v[i]->act, false);
			t->running = false;
			sched_target_remove(t);
		} else {
			page_after(v[i], r < 0 ? r : res[i]);
		}
		net_page_clear(&v[i]->page);
		free(v[i]);
	}
	free(v);
	free(res);
}

/* Takes the page (it is left empty) for the batch being gathered. */
static void page_queue(struct sched_target *t, struct net_page *page)
{
	struct sched *s = t->s;
	struct page_job *j = calloc(1, sizeof *j);
	int r = -ENOMEM;

	if (!s->batch.ev)
		s->batch.ev = evtimer_new(s->base, run_batch, s);
	if (j && s->batch.ev && s->batch.n == s->batch.cap) {
		size_t cap = s->batch.cap ? 2 * s->batch.cap : 16;
		struct page_job **v = realloc(s->batch.v, cap * sizeof *v);
		if (v) {
			s->batch.v = v;
			s->batch.cap = cap;
		}
	}
	if (j && s->batch.ev && s->batch.n < s->batch.cap) {
		j->t = t;
		j->page = *page;
		memset(page, 0, sizeof *page);
		s->batch.v[s->batch.n++] = j;
		/* Until its COMMIT counts them, the page's posts hold X's allowance. */
		sched_xcap_reserve(t, (int64_t)j->page.n_billed);
		if (s->batch.n == 1 || s->batch.n == SCHED_BATCH_PAGES) {
			struct timeval tv = { 0, s->batch.n == 1 ? SCHED_BATCH_USEC : 0 };
			evtimer_add(s->batch.ev, &tv);
		}
		return;
	}
	free(j);
	backoff(t, 0, strerror(-r));
}

void sched_run_finish(struct sched *s)
{
	for (size_t i = 0; i < s->batch.n; i++) {
		announce_activity(s->batch.v[i]->t, &s->batch.v[i]->act, false);
		net_page_clear(&s->batch.v[i]->page);
		free(s->batch.v[i]);
	}
	free(s->batch.v);
	s->batch.v = NULL;
	s->batch.n = s->batch.cap = 0;
	if (s->batch.ev)
		event_free(s->batch.ev);
	s->batch.ev = NULL;
}

static void session_page(struct sched_target *t, struct net_page *page)
{
	sched_creds_session_store(t->p, &page->session);
	log_info("%s: session %s", t->p->net->name, t->op == NET_OP_SESSION_CREATE ? "created" : "refreshed");
	/* What the session opens (search, notifications) means new targets. */
	sched_creds_reload(t->s);
	t->s->reload_pending = true;
	sched_kick(t->s);
	succeed(t, sched_now(t->s) + 60);
}

/* What the server calls the account: learnt, and its posts asked for at once. */
static void local_id_page(struct sched_target *t, const struct net_page *page)
{
	struct net_error none = { .code = NET_ERR_NOT_FOUND, .scope = NET_SCOPE_TARGET };
	const struct net_account *a = page->n_accounts ? &page->accounts[0] : NULL;
	int r;

	if (!a || !a->id) {
		snprintf(none.msg, sizeof none.msg, "%.80s does not know %.100s", t->server.name ? t->server.name : "", t->arg);
		if (!sched_home_refused(t, false, &none, -1))
			handle_error(t, &none);
		return;
	}
	if ((r = sched_home_learn(t, a)) < 0 || (r = sched_home_local_id(t)) <= 0) {
		backoff(t, 0, r < 0 ? strerror(-r) : "no id for the account");
		return;
	}
	if (!next_page_open(t))
		return;
	submit_next(t);
}

/* Nothing at home on a first page, and how much the account has is not
 * known this run: ask the home (the lookup's count), then the page again. */
static void recount_at_home(struct sched_target *t)
{
	t->find_local = true;
	if (!next_page_open(t))
		return;
	submit_next(t);
}

/* Whom the user follows: batch after batch within the turn, as budgets allow. */
static void following_page(struct sched_target *t, const struct net_page *page)
{
	int r = sched_feed_following_page(t, page);

	if (r < 0) {
		backoff(t, 0, strerror(-r));
		return;
	}
	if (r == 0) {
		succeed(t, sched_now(t->s) + t->interval);
		return;
	}
	if (!next_page_open(t))
		return;
	submit_next(t);
}

/* A first sync (or back-fill's first page) that found nothing at home. */
static bool first_page_empty(const struct sched_target *t, const struct net_page *page)
{
	bool first = (t->kind == TARGET_WALK && t->op == NET_OP_ACCOUNT && !t->walk.watermark) ||
	             (t->kind == TARGET_HISTORY && t->loaded == 0 && (!t->token || !*t->token));
	return t->server.home && first && page->n_posts == 0;
}

/* The home feed's trouble is its own: its accounts fall back to their own
 * walks (public reads) rather than the network stopping. A rate limit and
 * an expired session take their usual course. */
static bool feed_failure(const struct sched_target *t, const struct net_error *e)
{
	return t->kind == TARGET_WALK && t->op == NET_OP_FEED && e->code != NET_ERR_RATE_LIMITED &&
	       e->code != NET_ERR_SESSION_EXPIRED;
}

static void on_done(struct http_response *resp, void *userdata)
{
	struct sched_target *t = userdata;
	struct sched_platform *p = t->p;
	struct net_page page = { 0 };
	struct net_config cfg;
	int r;

	t->http = NULL;
	sched_request_ended(p, t->seq);
	sched_xcap_release(t);
	if (resp->result == HTTP_RESULT_DEFERRED && !t->dead) {
		int64_t until = 0;
		char what[160];
		/* Never sent: it waits for its window like a target held at dispatch. */
		sched_rate_open(t->rate, sched_now(t->s), &until);
		t->running = false;
		t->due = until > p->paused_until ? until : p->paused_until;
		log_debug("%s: %s held back in the queue until its window resets", p->net->name,
		          sched_target_what(t, what, sizeof what));
		t->s->target_done(t, false);
		return;
	}
	if (t->dead || resp->result == HTTP_RESULT_CANCELLED || resp->result == HTTP_RESULT_DEFERRED) {
		t->running = false;
		if (t->dead)
			sched_target_remove(t);
		return;
	}
	if (resp->result != HTTP_RESULT_OK && t->op == NET_OP_FEED && t->kind == TARGET_WALK) {
		sched_feed_failed(t, resp->error && *resp->error ? resp->error : http_result_name(resp->result));
		return;
	}
	if (resp->result != HTTP_RESULT_OK) {
		bool unreachable = resp->result == HTTP_RESULT_NETWORK || resp->result == HTTP_RESULT_TIMEOUT;
		if (unreachable && sched_home_refused(t, true, NULL, -1))
			return;
		/* A home server's trouble is not the network's. */
		p->failing = true;
		p->offline = resp->no_such_host;
		backoff(t, 0, resp->error && *resp->error ? resp->error : http_result_name(resp->result));
		return;
	}
	target_config(t, &cfg);
	struct net_response nr = {
		.status = (int)resp->status, .header = sched_http_header, .header_ctx = resp,
		.body = resp->body, .body_len = resp->body_len, .now = sched_now(t->s),
	};
	bool walks = !t->find_local && (t->kind == TARGET_WALK || t->kind == TARGET_HISTORY);
	r = net_parse(p->net, &cfg, request_op(t), &nr, walks ? &t->walk : NULL, &page);
	sched_rate_note(p, t->rate, t->seq, &page.rate, nr.now);
	p->failing = p->offline = false;
	if (r < 0)
		backoff(t, 0, strerror(-r));
	else if (page.err.code != NET_OK && feed_failure(t, &page.err))
		sched_feed_failed(t, page.err.msg[0] ? page.err.msg : net_status_name(page.err.code));
	else if (page.err.code != NET_OK) {
		if (!sched_home_refused(t, false, &page.err, -1))
			handle_error(t, &page.err);
	} else if (t->find_local)
		local_id_page(t, &page);
	else if (first_page_empty(t, &page) && t->home_posts < 0)
		recount_at_home(t);
	else if (first_page_empty(t, &page) && sched_home_refused(t, false, NULL, 0))
		;   /* read again through the configured server */
	else if (t->kind == TARGET_WALK || t->kind == TARGET_HISTORY)
		page_queue(t, &page);
	else if (t->kind == TARGET_SESSION)
		session_page(t, &page);
	else if (t->kind == TARGET_FOLLOW_CHECK)
		following_page(t, &page);
	else {
		sched_lookup_page(t, &page);
		t->s->target_done(t, false);
	}
	net_page_clear(&page);
}
