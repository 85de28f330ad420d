/* test_sched.c — the scheduler alone: a fixed clock the test moves by hand,
 * stub callbacks in place of the bus and the notifier, a temporary store,
 * and a tiny Mastodon on 127.0.0.1 (libevent's evhttp, in this process)
 * whose answers each case scripts. No D-Bus.
 *
 * Due times after a poll, jitter bounds, exponential backoff up to its
 * cap, holds in rate windows (remaining 0, a 429), what a manual round
 * counts and when it completes, the status each network shows. */
#include "poll/sched_internal.h"
#include "base/clock.h"
#include "base/log.h"
#include "config/config.h"
#include "http/http.h"
#include "mentors/mentor_cache.h"
#include "net/time.h"
#include "store/store_internal.h"
#include "tap.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define T0 1764000000            /* 2025-11-24T16:00:00Z */
#define IV 900                   /* poll_interval */
#define TIV 600                  /* tag_interval */

/* ---- the fake Mastodon ---- */

enum answer { ANSWER_OK, ANSWER_503, ANSWER_429, ANSWER_POSTS };

struct server {
	struct evhttp *http;
	int port;
	enum answer answer;
	long remaining;              /* X-RateLimit-Remaining */
	int64_t reset;               /* X-RateLimit-Reset */
	long retry_after;            /* for 429 */
	unsigned requests;
};

static void on_request(struct evhttp_request *req, void *arg)
{
	struct server *sv = arg;
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	struct evbuffer *body = evbuffer_new();
	char v[64];

	sv->requests++;
	evhttp_add_header(out, "Content-Type", "application/json; charset=utf-8");
	snprintf(v, sizeof v, "%ld", sv->remaining);
	evhttp_add_header(out, "X-RateLimit-Limit", "300");
	evhttp_add_header(out, "X-RateLimit-Remaining", v);
	net_time_format(sv->reset, v);
	evhttp_add_header(out, "X-RateLimit-Reset", v);
	switch (sv->answer) {
	case ANSWER_OK:
		evbuffer_add_printf(body, "[]");
		evhttp_send_reply(req, 200, "OK", body);
		break;
	case ANSWER_POSTS:
		/* Two posts by the followed account (acct "ada": local). */
		evbuffer_add_printf(body, "["
			"{\"id\":\"12\",\"uri\":\"https://localhost/users/ada/statuses/12\","
			"\"created_at\":\"2025-11-24T15:00:00Z\",\"account\":{\"id\":\"100\",\"acct\":\"ada\"},"
			"\"content\":\"<p>grand rounds #meded</p>\",\"mentions\":[]},"
			"{\"id\":\"11\",\"uri\":\"https://localhost/users/ada/statuses/11\","
			"\"created_at\":\"2025-11-24T14:00:00Z\",\"account\":{\"id\":\"100\",\"acct\":\"ada\"},"
			"\"content\":\"<p>journal club</p>\",\"mentions\":[]}]");
		evhttp_send_reply(req, 200, "OK", body);
		break;
	case ANSWER_503:
		evbuffer_add_printf(body, "{\"error\":\"down for maintenance\"}");
		evhttp_send_reply(req, 503, "Service Unavailable", body);
		break;
	case ANSWER_429:
		snprintf(v, sizeof v, "%ld", sv->retry_after);
		evhttp_add_header(out, "Retry-After", v);
		evbuffer_add_printf(body, "{\"error\":\"Too many requests\"}");
		evhttp_send_reply(req, 429, "Too Many Requests", body);
		break;
	}
	evbuffer_free(body);
}

static int server_start(struct server *sv, struct event_base *base)
{
	struct evhttp_bound_socket *bs;
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;

	if (!(sv->http = evhttp_new(base)) || !(bs = evhttp_bind_socket_with_handle(sv->http, "127.0.0.1", 0)))
		return -1;
	if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&sin, &len) < 0)
		return -1;
	sv->port = ntohs(sin.sin_port);
	evhttp_set_gencb(sv->http, on_request, sv);
	return 0;
}

/* ---- the world around the scheduler ---- */

struct seen {
	unsigned activity, history, begun, done, counts;
	unsigned last_polled, last_failed;
};

static void on_activity(void *d, const struct sched_activity *a) { ((struct seen *)d)->activity++; }
static void on_history(void *d, int64_t m, const char *tag, const char *p, unsigned n) { ((struct seen *)d)->history++; }
static void on_begun(void *d) { ((struct seen *)d)->begun++; }
static void on_counts(void *d) { ((struct seen *)d)->counts++; }
static void on_done(void *d, unsigned polled, unsigned failed)
{
	struct seen *s = d;
	s->done++;
	s->last_polled = polled;
	s->last_failed = failed;
}

struct world {
	struct event_base *base;
	struct clock clock;
	struct config config;
	struct store *store;
	struct mentor_cache *mentors;
	struct http *http;
	struct sched *sched;
	struct server server;
	struct seen seen;
	char dir[64];
};

static bool world_start(struct world *w)
{
	char path[128], url[64], handle[64], server[32];
	int64_t mid, aid;

	memset(w, 0, sizeof *w);
	snprintf(w->dir, sizeof w->dir, "/tmp/test_sched.XXXXXX");
	if (!mkdtemp(w->dir) || !(w->base = event_base_new()) || server_start(&w->server, w->base) < 0)
		return false;
	w->clock.fixed = T0;
	snprintf(path, sizeof path, "%s/mentord.db", w->dir);
	/* localhost, so that the account's home is the configured server. */
	snprintf(url, sizeof url, "http://localhost:%d", w->server.port);
	snprintf(server, sizeof server, "localhost:%d", w->server.port);
	snprintf(handle, sizeof handle, "ada@%s", server);
	if (config_init_defaults(&w->config) < 0 || store_open(&w->store, path) < 0)
		return false;
	store_set_clock(w->store, &w->clock);
	w->config.poll_interval = IV;
	w->config.tag_interval = TIV;
	w->config.http_timeout = 5;
	for (size_t i = 0; i < w->config.n_platforms; i++) {
		struct config_platform *p = &w->config.platforms[i];
		p->enabled = strcmp(p->name, "mastodon") == 0;
		free(p->api_base);
		p->api_base = strdup(url);
	}
	/* One followed account, already resolved and its number on the
	 * server known: no lookup first. */
	if (store_follow(w->store, "mastodon", handle, "Dr Ada", 0, &mid, &aid) < 0 ||
	    store_account_resolved(w->store, aid, handle, NULL, "Dr Ada") < 0 ||
	    store_local_id_set(w->store, "mastodon", server, handle, "100") < 0 ||
	    mentor_cache_new(&w->mentors, w->store, NULL, 0) < 0 || http_new(&w->http, w->base, NULL) < 0)
		return false;
	w->server.remaining = 299;
	w->server.reset = T0 + 300;
	struct sched_deps deps = {
		.base = w->base, .clock = &w->clock, .config = &w->config, .store = w->store,
		.http = w->http, .mentors = w->mentors, .state_dir = w->dir,
	};
	struct sched_events ev = {
		.activity = on_activity, .history = on_history, .round_begun = on_begun,
		.round_done = on_done, .counts_changed = on_counts, .data = &w->seen,
	};
	return sched_new(&w->sched, &deps, &ev) == 0;
}

static void world_stop(struct world *w)
{
	char cmd[160];
	sched_free(w->sched);
	http_free(w->http);
	mentor_cache_free(w->mentors);
	store_close(w->store);
	config_clear(&w->config);
	if (w->server.http)
		evhttp_free(w->server.http);
	if (w->base)
		event_base_free(w->base);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", w->dir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", w->dir);
}

/* ---- driving it ---- */

static bool timed_out;
static void on_guard(evutil_socket_t fd, short what, void *arg) { timed_out = true; }

/* Turns the loop until *flag or 5 s of real time. */
static bool spin_until(struct world *w, const bool *flag)
{
	struct event *guard = evtimer_new(w->base, on_guard, NULL);
	struct timeval tv = { 5, 0 };
	timed_out = false;
	evtimer_add(guard, &tv);
	while (!*flag && !timed_out)
		event_base_loop(w->base, EVLOOP_ONCE);
	event_free(guard);
	return *flag;
}

static void round_finished(void *userdata, unsigned polled, unsigned failed)
{
	*(bool *)userdata = true;
}

/* A manual round, run to its end; returns how many targets it held. */
static int poll_round(struct world *w)
{
	bool done = false;
	int n = sched_poll_now(w->sched, round_finished, &done);
	if (!spin_until(w, &done))
		tap_diag("round did not finish");
	return n;
}

/* What is ready has run (a reload, a dispatch), without waiting for
 * anything (under valgrind a wait of any length proves nothing). */
static void settle(struct world *w)
{
	for (int i = 0; i < 20; i++)
		event_base_loop(w->base, EVLOOP_NONBLOCK);
}

static struct sched_target *target(struct world *w, enum net_op op)
{
	for (size_t i = 0; i < w->sched->n_targets; i++)
		if (w->sched->targets[i]->op == op && !w->sched->targets[i]->dead)
			return w->sched->targets[i];
	return NULL;
}

static bool within(int64_t v, int64_t lo, int64_t hi)
{
	if (v >= lo && v < hi)
		return true;
	tap_diag("  %lld not in [%lld, %lld)", (long long)v, (long long)lo, (long long)hi);
	return false;
}

/* ---- the cases ---- */

static void test_jitter(struct world *w)
{
	bool in = true;
	int64_t lo = INT64_MAX, hi = 0;
	for (int i = 0; i < 10000; i++) {
		int64_t j = sched_jitter(w->sched, IV);
		in = in && j >= IV * 9 / 10 && j <= IV * 11 / 10;
		lo = j < lo ? j : lo;
		hi = j > hi ? j : hi;
	}
	ok(in, "jitter of %d s stays in [%d, %d] over 10,000 draws", IV, IV * 9 / 10, IV * 11 / 10);
	ok(hi - lo > IV / 10, "and spreads (%lld..%lld)", (long long)lo, (long long)hi);
	in = true;
	for (int i = 0; i < 1000; i++)
		in = in && within(sched_jitter(w->sched, SCHED_BACKOFF_BASE), 27, 34);
	ok(in, "jitter of the 30 s backoff base stays within 10%%");
}

static bool first_poll_done;
static void on_first_counts(void *d) { first_poll_done = true; ((struct seen *)d)->counts++; }

static void test_first_poll(struct world *w)
{
	struct sched_target *t;
	/* The first committed page says the first poll is over. */
	w->sched->events.counts_changed = on_first_counts;
	spin_until(w, &first_poll_done);
	w->sched->events.counts_changed = on_counts;
	settle(w);
	ok((t = target(w, NET_OP_ACCOUNT)) != NULL, "the followed account is a target");
	if (!t)
		return;
	/* A target without a watermark is due at once: it has run already. */
	ok(t->due > T0 && w->server.requests >= 1, "a new account is polled at once (%u requests)",
	   w->server.requests);
	ok(within(t->due, T0 + IV * 9 / 10, T0 + IV * 11 / 10 + 1), "next due: the interval with jitter");
	is_int(t->failures, 0, "no failures");
	const struct sched_status *st = sched_status(w->sched, (size_t)net_platform_index("mastodon"));
	ok(st && st->last_poll == T0, "status: last poll on the daemon's clock");
	is_str(st ? st->state : NULL, "idle", "status: idle after the poll");
	ok(st && st->next_poll == t->due, "status: next poll is the target's due time");
	ok(st && st->rate_remaining == 299, "status: the server's count, which includes the request (%lld)",
	   st ? (long long)st->rate_remaining : -1LL);
	is_int(w->seen.begun, 0, "no manual round began");
	is_int(w->seen.activity, 0, "an empty first page is no news");
	ok(w->seen.counts >= 1, "counts changed after the committed page");
	ok(sched_status(w->sched, 99) == NULL, "no status past the last network");
}

static void test_round(struct world *w)
{
	unsigned before = w->server.requests, begun = w->seen.begun, done = w->seen.done;
	struct sched_target *t = target(w, NET_OP_ACCOUNT);

	w->clock.fixed = T0 + 60;
	is_int(poll_round(w), 1, "a manual round holds the one target, due or not");
	is_int(w->server.requests - before, 1, "and polls it once");
	is_int(w->seen.begun - begun, 1, "round_begun once");
	is_int(w->seen.done - done, 1, "round_done once");
	is_int(w->seen.last_polled, 1, "round_done: 1 polled");
	is_int(w->seen.last_failed, 0, "round_done: 0 failed");
	ok(t && within(t->due, T0 + 60 + IV * 9 / 10, T0 + 60 + IV * 11 / 10 + 1), "due again an interval later");

	/* A tag joins on the next reload: the round then holds both. */
	store_track(w->store, "meded", "mastodon");
	sched_reload(w->sched);
	settle(w);
	is_int(poll_round(w), 2, "after track, a round holds the account and the tag");
	is_int(w->seen.last_polled, 2, "and ends when both are done");
	t = target(w, NET_OP_TAG);
	ok(t && within(t->due, (int64_t)w->clock.fixed + TIV * 9 / 10, (int64_t)w->clock.fixed + TIV * 11 / 10 + 1),
	   "the tag is due after tag_interval");
}

static void test_backoff(struct world *w)
{
	struct sched_target *t = target(w, NET_OP_ACCOUNT);
	const struct sched_status *st = sched_status(w->sched, (size_t)net_platform_index("mastodon"));
	int64_t delay = SCHED_BACKOFF_BASE;
	bool all = true;

	w->server.answer = ANSWER_503;
	store_untrack(w->store, "meded");
	sched_reload(w->sched);
	settle(w);
	for (unsigned k = 1; k <= 9 && t; k++) {
		int64_t now = T0 + 3600 * k;
		w->clock.fixed = now;
		poll_round(w);   /* a manual round skips the backoff, so each one fails again */
		int64_t want = delay < SCHED_BACKOFF_CAP ? delay : SCHED_BACKOFF_CAP;
		all = all && t->failures == k && within(t->due, now + want * 9 / 10, now + want * 11 / 10 + 1);
		if (k == 1) {
			is_int(w->seen.last_failed, 1, "round_done counts the failure");
			ok(st && strstr(st->last_error, "503"), "status names the failure: %s", st ? st->last_error : "");
		}
		delay *= 2;
	}
	ok(all, "backoff doubles from 30 s (with jitter) and stops at the cap of %d s", SCHED_BACKOFF_CAP);
	w->server.answer = ANSWER_OK;
	w->clock.fixed = T0 + 40000;
	poll_round(w);
	is_int(t ? t->failures : 99, 0, "a success clears the failures");
	ok(t && within(t->due, T0 + 40000 + IV * 9 / 10, T0 + 40000 + IV * 11 / 10 + 1), "and the interval is back");
}

static void test_rate_window(struct world *w)
{
	struct sched_target *t = target(w, NET_OP_ACCOUNT);
	const struct sched_status *st = sched_status(w->sched, (size_t)net_platform_index("mastodon"));
	int64_t now = T0 + 50000;

	/* The server says: nothing left until an hour and a half from now. */
	w->clock.fixed = now;
	w->server.remaining = 0;
	w->server.reset = now + 5400;
	poll_round(w);
	settle(w);
	ok(st && st->rate_remaining == 0, "status: no requests left");
	unsigned before = w->server.requests;
	w->clock.fixed = now + 2000;     /* past the target's due time, inside the window */
	is_int(poll_round(w), 0, "a manual round leaves out a target held by a rate window");
	is_int(w->server.requests - before, 0, "nothing is sent into the window");
	sched_reload(w->sched);
	settle(w);
	is_int(w->server.requests - before, 0, "nor when the timer runs");
	ok(st && st->next_poll == now + 5400, "status: next poll when the window resets");
	w->clock.fixed = now + 5401;
	w->server.remaining = 299;
	w->server.reset = now + 5401 + 300;
	is_int(poll_round(w), 1, "after the reset the target is back in rounds");
	is_int(w->server.requests - before, 1, "and polled");

	/* A 429: held until Retry-After, not counted as a failure. */
	now = T0 + 60000;
	w->clock.fixed = now;
	w->server.answer = ANSWER_429;
	w->server.retry_after = 120;
	w->server.remaining = 0;
	w->server.reset = now + 120;
	poll_round(w);
	is_int(w->seen.last_failed, 0, "a 429 is not a failure of the round");
	is_int(t ? t->failures : 99, 0, "nor of the target");
	ok(t && t->due == now + 120, "the target waits for Retry-After");
	ok(st && strstr(st->last_error, "rate limited"), "status says so: %s", st ? st->last_error : "");
	w->server.answer = ANSWER_OK;
	before = w->server.requests;
	w->clock.fixed = now + 60;
	is_int(poll_round(w), 0, "a round inside the window leaves it out");
	is_int(w->server.requests - before, 0, "and sends nothing");
}

static int64_t count_rows(struct world *w, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;
	if (sqlite3_prepare_v2(w->store->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static uint32_t cached_posts(struct world *w)
{
	struct mentor_entry *e = mentor_cache_count(w->mentors) ? mentor_cache_at(w->mentors, 0) : NULL;
	return e ? e->agg.n[LEDGER_POST] : 99;
}

/* A page whose savepoint or COMMIT fails stores nothing, announces
 * nothing, moves no watermark and backs off; read again, it is whole. */
static void test_write_faults(struct world *w)
{
	struct sched_target *t = target(w, NET_OP_ACCOUNT);
	struct seen before = w->seen;
	int64_t cursors = count_rows(w, "SELECT count(*) FROM cursors WHERE value IS NOT NULL AND value != ''");
	int64_t now = T0 + 70000;

	w->clock.fixed = now;
	w->server.answer = ANSWER_POSTS;
	w->server.remaining = 299;
	w->server.reset = now + 300;
	store_fault_commit(w->store, 1);
	poll_round(w);
	settle(w);
	is_int(count_rows(w, "SELECT count(*) FROM posts"), 0, "failed COMMIT: no post stored");
	is_int(count_rows(w, "SELECT count(*) FROM events"), 0, "failed COMMIT: no event stored");
	is_int(cached_posts(w), 0, "failed COMMIT: the mentor cache has no post either");
	is_int(w->seen.activity - before.activity, 0, "failed COMMIT: no activity announced");
	is_int(w->seen.counts - before.counts, 0, "failed COMMIT: no change of counts announced");
	is_int(w->seen.history - before.history, 0, "failed COMMIT: no history announced");
	is_int(count_rows(w, "SELECT count(*) FROM cursors WHERE value IS NOT NULL AND value != ''"), cursors,
	       "failed COMMIT: no watermark moved");
	is_int(t ? t->failures : 0, 1, "failed COMMIT: the target backs off");

	store_fault_savepoint(w->store, 1);
	w->clock.fixed = now + 100;
	poll_round(w);
	settle(w);
	is_int(count_rows(w, "SELECT count(*) FROM posts"), 0, "failed savepoint: no post stored");
	is_int(cached_posts(w), 0, "failed savepoint: nothing in the mentor cache");
	is_int(w->seen.activity - before.activity, 0, "failed savepoint: no activity announced");
	is_int(w->seen.counts - before.counts, 0, "failed savepoint: no change of counts announced");
	is_int(t ? t->failures : 0, 2, "failed savepoint: the target backs off");

	w->clock.fixed = now + 200;
	poll_round(w);
	settle(w);
	is_int(count_rows(w, "SELECT count(*) FROM posts"), 2, "read again: both posts, once");
	is_int(count_rows(w, "SELECT count(*) FROM events"), 2, "and their events, once");
	is_int(cached_posts(w), 2, "the mentor cache counts them");
	ok(w->seen.counts > before.counts, "the commit is announced");
	is_int(t ? t->failures : 99, 0, "the target is well again");
	w->server.answer = ANSWER_OK;
}

/* Back-fill spends at most history_share of a window; the rest waits. */
static void test_history_share(void)
{
	struct config cfg = { .history_share = 50 };
	struct sched s = { .config = &cfg };
	struct sched_rate r = { .limit = 300, .remaining = 151, .reset = T0 + 300 };
	struct sched_target t = { .s = &s, .rate = &r };
	int64_t until = 0;

	ok(sched_history_may_spend(&t, T0, &until), "151 of 300 left: back-fill may go on");
	r.remaining = 150;
	ok(!sched_history_may_spend(&t, T0, &until), "150 of 300 left: the rest is for refreshes");
	is_int(until, T0 + 300, "  until the window resets");
	ok(sched_history_may_spend(&t, T0 + 300, &until), "a new window: its first answer will say");
	cfg.history_share = 100;
	r.remaining = 1;
	ok(sched_history_may_spend(&t, T0, &until), "share 100%%: down to the last request");
	cfg.history_share = 1;
	r.remaining = 297;
	ok(!sched_history_may_spend(&t, T0, &until), "share 1%%: 3 of 300 only (297 left: stop)");
	r.remaining = 298;
	ok(sched_history_may_spend(&t, T0, &until), "  (298 left: the third)");
	r.limit = -1;
	r.remaining = -1;
	ok(sched_history_may_spend(&t, T0, &until), "an unknown budget: go, the answer will tell");
	t.rate = NULL;
	ok(sched_history_may_spend(&t, T0, &until), "no budget at all: go");
}

int main(void)
{
	struct world w;

	log_set_max_level(LOG_ERR);   /* the backoffs it provokes would warn */
	if (!ok(world_start(&w), "scheduler, store and fake server start")) {
		world_stop(&w);
		return tap_done();
	}
	test_jitter(&w);
	test_first_poll(&w);
	test_round(&w);
	test_backoff(&w);
	test_rate_window(&w);
	test_write_faults(&w);
	test_history_share();
	world_stop(&w);
	return tap_done();
}
