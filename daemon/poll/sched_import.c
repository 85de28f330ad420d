/* sched_import.c — import jobs (sched_import.h): the requests, their
 * budget and what their answers add; the ranking at the end. */
#include "poll/sched_import.h"
#include "poll/sched_internal.h"
#include "config/config.h"
#include "http/http.h"
#include "ledger/ledger_profile.h"
#include "mentors/mentor_cache.h"
#include "store/store.h"
#include "base/clock.h"
#include "base/log.h"
#include "common/str.h"

#include <errno.h>
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IMPORT_ATTEMPTS 5       /* a page asked this many times, then the job fails */

enum job_state { JOB_RUNNING, JOB_WAITING, JOB_DONE, JOB_FAILED };
static const char *const state_names[] = { "running", "waiting", "done", "failed" };

struct row {
	char *id, *handle, *name, *bio;
	bool bot, group, found, followed, followed_source;
	const char *source_why;
	double fit;
};

struct job {
	struct sched_import *im;
	struct sched_platform *p;
	uint64_t id;
	bool from_list;
	char *match;
	uint32_t limit;
	struct row *rows;
	size_t n, cap;
	size_t next;                  /* from_list: the next row to look up */
	size_t n_used;                /* rows the request in flight covers */
	char *target;                 /* the user's id on the server read */
	struct net_walk walk;         /* the following list */
	enum job_state state;
	char message[NET_MSG_MAX + 64];
	unsigned failures;
	struct event *timer;
	struct http_handle *http;
	struct sched_rate *rate;
	uint64_t seq;
};

struct sched_import {
	struct sched *s;
	struct sched_import_events ev;
	struct job *jobs[SCHED_IMPORT_JOBS];
	size_t n_jobs;
	uint64_t next_id;
};

static void step(struct job *j);

static void row_clear(struct row *r)
{
	free(r->id);
	free(r->handle);
	free(r->name);
	free(r->bio);
}

static void job_free(struct job *j)
{
	if (!j)
		return;
	if (j->http)
		http_cancel(j->http);
	if (j->timer)
		event_free(j->timer);
	for (size_t i = 0; i < j->n; i++)
		row_clear(&j->rows[i]);
	free(j->rows);
	free(j->match);
	free(j->target);
	net_walk_clear(&j->walk);
	free(j);
}

static unsigned fetched(const struct job *j)
{
	return (unsigned)(j->from_list ? j->next : j->n);
}

static void news(struct job *j)
{
	const struct sched_import_events *ev = &j->im->ev;
	if (ev->progress)
		ev->progress(ev->data, j->id, fetched(j), j->from_list ? (unsigned)j->n : 0, state_names[j->state]);
}

static void set_message(struct job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_message(struct job *j, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->message, sizeof j->message, fmt, ap);
	va_end(ap);
}

static void fail(struct job *j, const char *why)
{
	j->state = JOB_FAILED;
	set_message(j, "%s", why);
	log_warn("import %llu (%s): %s", (unsigned long long)j->id, j->p->net->name, why);
	news(j);
}

/* The next step at `at` on the daemon's clock (now or later). */
static void wake_at(struct job *j, int64_t at, enum job_state state)
{
	int64_t now = sched_now(j->im->s);
	int64_t us = at > now ? clock_real_usec(j->im->s->clock, at - now) : 0;
	struct timeval tv = clock_timeval(us);

	if (j->state != state) {
		j->state = state;
		news(j);
	}
	evtimer_add(j->timer, &tv);
}

static void on_timer(evutil_socket_t fd, short what, void *userdata)
{
	step(userdata);
}

/* A page to ask again, after a pause that doubles; a list's handles are
 * given up on (kept with fit 0) rather than the whole job. */
static void retry(struct job *j, const char *why)
{
	if (++j->failures >= IMPORT_ATTEMPTS) {
		if (!j->from_list) {
			char msg[sizeof j->message];
			snprintf(msg, sizeof msg, "the following list could not be read (%u attempts): %s",
			         j->failures, why);
			fail(j, msg);
			return;
		}
		log_info("import %llu: lookup of %s given up: %s", (unsigned long long)j->id,
		         j->rows[j->next].handle, why);
		j->next += j->n_used ? j->n_used : 1;
		j->failures = 0;
		wake_at(j, 0, JOB_RUNNING);
		return;
	}
	log_info("import %llu (%s): %s; asking again", (unsigned long long)j->id, j->p->net->name, why);
	set_message(j, "%s", why);
	wake_at(j, sched_now(j->im->s) + (1LL << (j->failures - 1)), JOB_RUNNING);
}

static int push_row(struct job *j, struct net_account *a)
{
	for (size_t i = 0; i < j->n; i++)
		if (a->id && j->rows[i].id && strcmp(a->id, j->rows[i].id) == 0)
			return 0;   /* a page boundary repeated it */
	if (j->n >= SCHED_IMPORT_MAX_ROWS)
		return 0;
	if (j->n == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 128;
		struct row *v = realloc(j->rows, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		j->rows = v;
		j->cap = cap;
	}
	j->rows[j->n++] = (struct row){ .id = a->id, .handle = a->handle ? a->handle : strdup(a->id),
	                                .name = a->name, .bio = a->bio, .bot = a->bot, .group = a->group,
	                                .found = true };
	if (!j->rows[j->n - 1].handle) {
		j->n--;
		return -ENOMEM;
	}
	a->id = a->handle = a->name = a->bio = NULL;
	return 0;
}

/* What a lookup found: the rows it covered, matched by handle (a single
 * handle's answer is that handle's, even renamed). */
static int take_lookup(struct job *j, struct net_page *pg)
{
	for (size_t k = 0; k < pg->n_accounts; k++) {
		struct net_account *a = &pg->accounts[k];
		for (size_t i = j->next; i < j->next + j->n_used; i++) {
			struct row *r = &j->rows[i];
			if (r->found || (j->n_used > 1 && (!a->handle || strcasecmp(a->handle, r->handle) != 0)))
				continue;
			r->found = true;
			r->bot = a->bot;
			r->group = a->group;
			if (str_set(&r->id, a->id) < 0 || str_set(&r->name, a->name) < 0 || str_set(&r->bio, a->bio) < 0)
				return -ENOMEM;
			if (a->handle && str_set(&r->handle, a->handle) < 0)
				return -ENOMEM;
			break;
		}
	}
	j->next += j->n_used;
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->fit != y->fit)
		return x->fit > y->fit ? -1 : 1;
	return strcasecmp(x->handle, y->handle);
}

static void finish(struct job *j)
{
	struct sched *s = j->im->s;
	int64_t now = sched_now(s);

	for (size_t i = 0; i < j->n; i++) {
		struct row *r = &j->rows[i];
		r->fit = r->found ? ledger_profile_fit(r->name, r->bio, now, mentor_cache_interests(s->mentors),
		                                       mentor_cache_df(s->mentors)) : 0;
		if (!ledger_profile_source(r->name, r->bio, r->bot, r->group, &r->source_why))
			r->source_why = NULL;
	}
	qsort(j->rows, j->n, sizeof *j->rows, row_cmp);
	j->state = JOB_DONE;
	set_message(j, "%zu accounts", j->n);
	log_info("import %llu (%s): %zu accounts read", (unsigned long long)j->id, j->p->net->name, j->n);
	news(j);
}

static void page_done(struct job *j, struct net_page *pg)
{
	int r = 0;

	j->failures = 0;
	j->message[0] = '\0';
	if (j->from_list)
		r = take_lookup(j, pg);
	else
		for (size_t k = 0; r >= 0 && k < pg->n_accounts; k++)
			r = push_row(j, &pg->accounts[k]);
	if (r < 0) {
		fail(j, "out of memory");
		return;
	}
	if (pg->n_invalid)
		log_info("import %llu: %zu accounts of a page skipped (%s)", (unsigned long long)j->id,
		         pg->n_invalid, pg->note);
	if (j->from_list ? j->next >= j->n : j->walk.done || j->n >= SCHED_IMPORT_MAX_ROWS) {
		finish(j);
		return;
	}
	news(j);
	step(j);
}

static void page_error(struct job *j, const struct net_error *e)
{
	int64_t now = sched_now(j->im->s);

	switch (e->code) {
	case NET_ERR_RATE_LIMITED:
		/* Held for polling too: the window is the network's, not ours. */
		sched_rate_hold(j->rate, e->retry_at > now ? e->retry_at : now + 60);
		set_message(j, "rate limited; resumes when the window resets");
		log_info("import %llu (%s): rate limited, resuming at the window's reset",
		         (unsigned long long)j->id, j->p->net->name);
		step(j);
		return;
	case NET_ERR_NOT_FOUND: case NET_ERR_BAD_REQUEST:
		if (j->from_list) {
			/* Those handles stay, unread, with fit 0. */
			page_done(j, &(struct net_page){ 0 });
			return;
		}
		fail(j, e->msg);
		return;
	case NET_ERR_AUTH: case NET_ERR_USAGE_CAP:
		fail(j, e->msg);
		return;
	default:
		retry(j, e->msg);
	}
}

static const char *http_header(void *ctx, const char *name)
{
	return http_response_header(ctx, name);
}

static void on_done(struct http_response *resp, void *userdata)
{
	struct job *j = userdata;
	struct sched_platform *p = j->p;
	struct net_page pg = { 0 };
	struct net_config cfg;
	int r;

	j->http = NULL;
	sched_request_ended(p, j->seq);
	if (resp->result == HTTP_RESULT_CANCELLED)
		return;
	if (resp->result == HTTP_RESULT_DEFERRED) {
		step(j);    /* its window closed while it queued: wait for it */
		return;
	}
	if (resp->result != HTTP_RESULT_OK) {
		retry(j, resp->error && *resp->error ? resp->error : "no answer");
		return;
	}
	sched_creds_net_config(p, &cfg);
	struct net_response nr = {
		.status = (int)resp->status, .header = http_header, .header_ctx = resp,
		.body = resp->body, .body_len = resp->body_len, .now = sched_now(j->im->s),
	};
	r = net_parse(p->net, &cfg, j->from_list ? NET_OP_LOOKUP : NET_OP_FOLLOWING, &nr,
	              j->from_list ? NULL : &j->walk, &pg);
	sched_rate_note(p, j->rate, j->seq, &pg.rate, nr.now);
	if (r < 0)
		retry(j, strerror(-r));
	else if (pg.err.code != NET_OK)
		page_error(j, &pg.err);
	else
		page_done(j, &pg);
	net_page_clear(&pg);
}

static bool may_leave(void *userdata)
{
	struct job *j = userdata;
	int64_t now = sched_now(j->im->s);
	return j->p->paused_until <= now && !(j->rate && j->rate->held_until > now);
}

static int build(struct job *j, const struct net_config *cfg, struct net_request *req)
{
	const char *keys[100];
	size_t k = 0;
	int r;

	if (!j->from_list)
		return net_build_page(j->p->net, cfg, j->target, &j->walk, req);
	for (size_t i = j->next; i < j->n && k < 100 && k < j->p->net->max_lookup; i++)
		keys[k++] = j->rows[i].handle;
	r = net_build_lookup(j->p->net, cfg, NET_LOOKUP_HANDLE, keys, k, req, &j->n_used);
	if (r == -EINVAL) {
		/* A handle the network cannot have: kept with fit 0, the rest asked. */
		j->next += j->n_used ? j->n_used : 1;
		j->n_used = 0;
	}
	return r;
}

/* The budget's word on sending now: 0 go, else the time to wait for. */
static int64_t budget_wait(struct job *j, int64_t now)
{
	struct sched_rate *rt = j->rate;
	int64_t until = 0;

	if (j->p->paused_until > now)
		return j->p->paused_until;
	if (!sched_rate_open(rt, now, &until))
		return until > now ? until : now + 1;
	/* The last tenth of a window stays with polling. */
	if (rt && rt->limit > 0 && rt->remaining >= 0 && rt->remaining < rt->limit / 10 && rt->reset > now)
		return rt->reset;
	return 0;
}

static void step(struct job *j)
{
	struct sched *s = j->im->s;
	struct sched_platform *p = j->p;
	struct net_config cfg;
	struct net_request req = { 0 };
	char key[NET_RATE_KEY_MAX];
	int64_t now = sched_now(s), until;
	int r;

	if (j->state == JOB_DONE || j->state == JOB_FAILED || j->http)
		return;
	if (j->from_list && j->next >= j->n) {
		finish(j);
		return;
	}
	if (p->paused_until == INT64_MAX) {
		fail(j, p->status.last_error[0] ? p->status.last_error :
		        "the network refused the credentials; fix them and reload");
		return;
	}
	sched_creds_net_config(p, &cfg);
	if ((r = net_rate_key(p->net, &cfg, j->from_list ? NET_OP_LOOKUP : NET_OP_FOLLOWING, key, sizeof key)) < 0 ||
	    !(j->rate = sched_rate_get(p, key))) {
		fail(j, "no rate budget for this network's requests");
		return;
	}
	if ((until = budget_wait(j, now)) > 0) {
		wake_at(j, until, JOB_WAITING);
		return;
	}
	if ((r = build(j, &cfg, &req)) == -EINVAL && j->from_list) {
		net_request_clear(&req);
		wake_at(j, 0, JOB_RUNNING);
		return;
	}
	if (r >= 0)
		r = sched_submit(s, &req, may_leave, on_done, j, &j->http);
	else
		net_request_clear(&req);
	if (r < 0) {
		fail(j, r == -EINVAL ? "the request for the following list could not be built "
		                       "(is your own account resolved?)" : strerror(-r));
		return;
	}
	j->seq = sched_request_sent(p, j->rate);
	if (j->state != JOB_RUNNING) {
		j->state = JOB_RUNNING;
		news(j);
	}
}

int sched_import_new(struct sched_import **out, struct sched *s, const struct sched_import_events *ev)
{
	struct sched_import *im = calloc(1, sizeof *im);
	if (!im)
		return -ENOMEM;
	im->s = s;
	im->next_id = 1;
	if (ev)
		im->ev = *ev;
	*out = im;
	return 0;
}

void sched_import_free(struct sched_import *im)
{
	if (!im)
		return;
	for (size_t i = 0; i < im->n_jobs; i++)
		job_free(im->jobs[i]);
	free(im);
}

static struct sched_platform *platform_of(struct sched *s, const char *name)
{
	for (size_t i = 0; i < s->n_platforms; i++)
		if (strcmp(s->platforms[i].net->name, name) == 0)
			return &s->platforms[i];
	return NULL;
}

/* Room for one more job: the oldest finished one goes. */
static int make_room(struct sched_import *im, const struct sched_platform *p, char *why, size_t size)
{
	for (size_t i = 0; i < im->n_jobs; i++) {
		const struct job *o = im->jobs[i];
		if (o->p == p && (o->state == JOB_RUNNING || o->state == JOB_WAITING)) {
			snprintf(why, size, "an import of %s is running already (job %llu)", p->net->title,
			         (unsigned long long)o->id);
			return -EBUSY;
		}
	}
	if (im->n_jobs < SCHED_IMPORT_JOBS)
		return 0;
	for (size_t i = 0; i < im->n_jobs; i++)
		if (im->jobs[i]->state == JOB_DONE || im->jobs[i]->state == JOB_FAILED) {
			job_free(im->jobs[i]);
			memmove(&im->jobs[i], &im->jobs[i + 1], (im->n_jobs - i - 1) * sizeof *im->jobs);
			im->n_jobs--;
			return 0;
		}
	snprintf(why, size, "too many imports running");
	return -EBUSY;
}

static int check_platform(struct sched_platform *p, bool list, const char *name, char *why, size_t size)
{
	struct net_config cfg;

	if (!p) {
		snprintf(why, size, "unknown platform '%s'", name);
		return -EINVAL;
	}
	if (!p->cfg->enabled) {
		snprintf(why, size, "%s is not enabled in the configuration", p->net->title);
		return -ENOTSUP;
	}
	sched_creds_net_config(p, &cfg);
	if (list)
		return 0;
	if (!p->net->can || !p->net->can(&cfg, NET_OP_FOLLOWING)) {
		snprintf(why, size, "%s cannot list whom you follow with this configuration (log in first)",
		         p->net->title);
		return -ENOTSUP;
	}
	if (!cfg.me_id || !*cfg.me_id) {
		snprintf(why, size, "your own %s account (me) is not looked up yet: set `me` in the "
		         "configuration, or try again after the first poll", p->net->title);
		return -EAGAIN;
	}
	return 0;
}

static int add_handles(struct job *j, const char *const *handles, size_t n)
{
	if (!(j->rows = calloc(n ? n : 1, sizeof *j->rows)))
		return -ENOMEM;
	j->cap = n;
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t k = 0; k < j->n && !dup; k++)
			dup = strcasecmp(j->rows[k].handle, handles[i]) == 0;
		if (dup || !*handles[i])
			continue;
		if (!(j->rows[j->n].handle = strdup(handles[i])))
			return -ENOMEM;
		j->n++;
	}
	return 0;
}

int sched_import_start(struct sched_import *im, const char *platform, const char *const *handles, size_t n,
                       const char *match, uint32_t limit, uint64_t *job, char *why, size_t why_size)
{
	struct sched_platform *p = platform_of(im->s, platform);
	struct net_config cfg;
	struct job *j;
	int r;

	if (n > SCHED_IMPORT_MAX_ROWS) {
		snprintf(why, why_size, "at most %d accounts per import", SCHED_IMPORT_MAX_ROWS);
		return -EINVAL;
	}
	if ((r = check_platform(p, n > 0, platform, why, why_size)) < 0 ||
	    (r = make_room(im, p, why, why_size)) < 0)
		return r;
	if (!(j = calloc(1, sizeof *j)))
		return -ENOMEM;
	j->im = im;
	j->p = p;
	j->id = im->next_id++;
	j->from_list = n > 0;
	j->limit = limit;
	sched_creds_net_config(p, &cfg);
	net_walk_start(&j->walk, NET_OP_FOLLOWING, NULL);
	if ((match && *match && !(j->match = strdup(match))) ||
	    (!j->from_list && !(j->target = strdup(cfg.me_id))) ||
	    (j->from_list && add_handles(j, handles, n) < 0) ||
	    !(j->timer = evtimer_new(im->s->base, on_timer, j))) {
		job_free(j);
		return -ENOMEM;
	}
	im->jobs[im->n_jobs++] = j;
	*job = j->id;
	log_info("import %llu: %s of %s started", (unsigned long long)j->id,
	         j->from_list ? "a list of accounts" : "the following list", p->net->title);
	news(j);
	wake_at(j, 0, JOB_RUNNING);   /* from the loop: the caller answers first */
	return 0;
}

int sched_import_for_each(struct sched_import *im, sched_import_info_fn fn, void *userdata)
{
	int r = 0;
	for (size_t i = 0; i < im->n_jobs && r >= 0; i++) {
		const struct job *j = im->jobs[i];
		struct sched_import_info info = {
			.id = j->id, .platform = j->p->net->name, .state = state_names[j->state],
			.message = j->message, .fetched = fetched(j), .total = j->from_list ? (unsigned)j->n : 0,
			.from_list = j->from_list,
		};
		r = fn(&info, userdata);
	}
	return r < 0 ? r : 0;
}

int sched_import_rows(struct sched_import *im, uint64_t id, sched_import_row_fn fn, void *userdata)
{
	struct job *j = NULL;
	unsigned rank = 0;
	int r = 0;

	for (size_t i = 0; i < im->n_jobs; i++)
		if (im->jobs[i]->id == id)
			j = im->jobs[i];
	if (!j)
		return -ENOENT;
	if (j->state != JOB_DONE)
		return -EBUSY;
	for (size_t i = 0; i < j->n && r >= 0 && (!j->limit || rank < j->limit); i++) {
		struct row *w = &j->rows[i];
		struct store_account_key k = { 0 };
		if (!ledger_profile_matches(j->match, w->name, w->bio))
			continue;
		if ((r = store_find_account(im->s->store, j->p->net->name, w->id, w->handle, &k)) < 0)
			break;
		struct sched_import_row row = {
			.rank = ++rank, .handle = w->handle, .name = w->name, .source_why = w->source_why,
			.fit = w->fit, .found = w->found, .followed = r > 0 && k.followed,
			.followed_source = r > 0 && k.followed && mentor_cache_is_source(im->s->mentors, k.mentor_id),
		};
		r = fn(&row, userdata);
	}
	return r < 0 ? r : 0;
}
