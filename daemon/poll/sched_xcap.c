/* sched_xcap.c — X's monthly cap on posts read ([x] monthly_posts). The
 * store holds what X billed (store_xusage, committed with each page); here
 * that count is cached for the day and turned into what the next request
 * may bill: the day's allowance (the month's rest spread over its days)
 * less what was billed today and what requests in flight could bill. When
 * nothing is left, X's reads wait for the next UTC day; the other networks
 * are not affected. */
#include "poll/sched_internal.h"
#include "config/config.h"
#include "store/store.h"
#include "store/store_xusage.h"
#include "net/x_usage.h"
#include "base/log.h"
#include "ledger/ledger.h"
#include "mentors/mentor_cache.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool sched_xcap_on(const struct sched_platform *p)
{
	return p->cfg && strcmp(p->net->name, "x") == 0 && p->cfg->monthly_posts > 0;
}

int sched_xcap_reset_day(const struct sched_platform *p)
{
	return p->cfg->cap_reset_day ? p->cfg->cap_reset_day : p->xcap.api_reset_day;
}

/* The reset day /2/usage/tweets gave, kept in meta across restarts. */
static void load_reset_day(struct sched_platform *p)
{
	char *v = NULL;

	if (p->xcap.api_reset_day || store_meta_get(p->s->store, "x_cap_reset_day", &v) < 0 || !v)
		return;
	p->xcap.api_reset_day = atoi(v) >= 1 && atoi(v) <= 31 ? atoi(v) : 0;
	free(v);
}

/* The month's counts read again on a new day (or the first time). */
static void load(struct sched_platform *p, int64_t now)
{
	struct sched_xcap *x = &p->xcap;
	struct store_xmonth m;
	int64_t day = x_usage_day(now), start;

	if (x->day == day)
		return;
	load_reset_day(p);
	start = x_usage_month_start(day, sched_xcap_reset_day(p));
	if (store_xusage_count(p->s->store, start, day, &x->before_today) < 0 ||
	    store_xusage_count(p->s->store, day, day + 1, &x->today) < 0 ||
	    store_xusage_month(p->s->store, start, &m) < 0) {
		/* Unknown: nothing is spent on a guess. */
		x->before_today = p->cfg->monthly_posts;
		x->today = 0;
		return;
	}
	x->day = day;
	x->month = start;
	x->others = m.reported > m.own ? m.reported - m.own : 0;
	x->warned = m.warned;
	x->waited = m.waited;
	/* Last month's days no longer count for anything. */
	if (store_xusage_prune(p->s->store, start - 62) < 0)
		log_warn("x: cannot forget old usage counts");
}

/* Before today as X counts it: what other apps of the project read is
 * taken as read before today. */
static int64_t before_today(const struct sched_xcap *x)
{
	return x->before_today + x->others;
}

static void news(struct sched_platform *p, enum sched_x_news_kind kind, int64_t until)
{
	struct sched *s = p->s;
	struct sched_x_news n = { .kind = kind, .read_month = before_today(&p->xcap) + p->xcap.today,
	                          .monthly_posts = p->cfg->monthly_posts, .until = until };

	if (s->events.x_budget)
		s->events.x_budget(s->events.data, &n);
}

/* 80% of the cap read: said once a billing month, restarts included. */
static void check_warn(struct sched_platform *p)
{
	struct sched_xcap *x = &p->xcap;
	int64_t cap = p->cfg->monthly_posts, read = before_today(x) + x->today;

	if (!sched_xcap_on(p) || x->warned || !x->day || read * 5 < cap * 4)
		return;
	x->warned = true;
	if (store_xusage_set_warned(p->s->store, x->month) < 0)
		log_warn("x: cannot note the 80%% notification; it may come again after a restart");
	log_notice("x: %lld of monthly_posts = %lld read this month (80%% or more)", (long long)read,
	           (long long)cap);
	news(p, SCHED_X_WARN, 0);
}

int64_t sched_xcap_budget(struct sched_platform *p, int64_t now)
{
	struct sched_xcap *x = &p->xcap;
	int64_t cap, allowance, left, month_left, before;

	if (!sched_xcap_on(p))
		return 0;
	load(p, now);
	cap = p->cfg->monthly_posts;
	before = before_today(x);
	allowance = x_usage_allowance(cap, before, x_usage_day(now), sched_xcap_reset_day(p));
	left = allowance - x->today - x->reserved;
	month_left = cap - before - x->today - x->reserved;
	if (month_left < left)
		left = month_left;
	return left > 0 ? left : -1;
}

int sched_xcap_count(struct sched_platform *p, const struct net_page *page, int64_t now, int64_t *added)
{
	*added = 0;
	if (strcmp(p->net->name, "x") != 0 || !page->n_billed)
		return 0;
	return store_xusage_add(p->s->store, x_usage_day(now), page->billed, page->n_billed, added);
}

void sched_xcap_counted(struct sched_platform *p, int64_t now, int64_t added)
{
	if (p->xcap.day == x_usage_day(now)) {
		p->xcap.today += added;
		check_warn(p);
	}
}

void sched_xcap_reported(struct sched_platform *p, int64_t now, int64_t project_usage, int reset_day)
{
	struct sched_xcap *x = &p->xcap;
	char v[8];
	int64_t waited, own;

	load(p, now);
	if (reset_day && reset_day != x->api_reset_day) {
		snprintf(v, sizeof v, "%d", reset_day);
		if (store_meta_set(p->s->store, "x_cap_reset_day", v) < 0)
			log_warn("x: cannot store the cap_reset_day X gave");
		x->api_reset_day = reset_day;
		if (!p->cfg->cap_reset_day)
			log_info("x: X's billing month starts on day %d (from /2/usage/tweets)", reset_day);
		waited = x->waited;
		x->day = 0;   /* read again: the month moved */
		load(p, now);
		/* A wait already told stays told in the moved month. */
		if (x->day && waited > x->waited && store_xusage_set_waited(p->s->store, x->month, waited) >= 0)
			x->waited = waited;
	}
	if (!x->day)
		return;
	own = x->before_today + x->today;
	if (store_xusage_set_reported(p->s->store, x->month, project_usage, own, now) < 0)
		log_warn("x: cannot store X's own count");
	x->others = project_usage > own ? project_usage - own : 0;
	log_info("x: X counts %lld posts read this month by the project, mentord %lld; %lld count",
	         (long long)project_usage, (long long)own, (long long)(own + x->others));
	check_warn(p);
}

bool sched_xcap_busy(const struct sched_target *t)
{
	return (t->kind == TARGET_WALK || t->kind == TARGET_HISTORY) && t->p->xcap.reserved > 0 &&
	       sched_xcap_on(t->p);
}

void sched_xcap_reserve(struct sched_target *t, int64_t billed_max)
{
	if (!sched_xcap_on(t->p))
		return;
	t->billed_reserved = billed_max;
	t->p->xcap.reserved += billed_max;
}

void sched_xcap_release(struct sched_target *t)
{
	t->p->xcap.reserved -= t->billed_reserved;
	if (t->p->xcap.reserved < 0)
		t->p->xcap.reserved = 0;
	t->billed_reserved = 0;
}

int64_t sched_xcap_tomorrow(struct sched_platform *p, int64_t now)
{
	struct sched_xcap *x = &p->xcap;
	int64_t day = x_usage_day(now), read, until = (day + 1) * 86400, end;
	bool month;

	/* What requests in flight hold back may come back unspent. */
	if (x->reserved > 0)
		return now + 1;
	if (!x->day)
		return until;
	read = before_today(x) + x->today;
	month = read >= p->cfg->monthly_posts;
	end = x_usage_month_end(day, sched_xcap_reset_day(p));
	/* Once a wait: a spent month is told once for all its days left, and
	 * also after today's wait was told. */
	if (x->waited >= (month ? end - 1 : day))
		return until;
	x->waited = month ? end - 1 : day;
	if (store_xusage_set_waited(p->s->store, x->month, x->waited) < 0)
		log_warn("x: cannot note that X waits; it may be said again after a restart");
	if (month)
		log_notice("x: monthly_posts is read (%lld posts this month of %lld); X waits for the next "
		           "billing month", (long long)read, (long long)p->cfg->monthly_posts);
	else
		log_notice("x: today's share of monthly_posts is read (%lld posts today, %lld this month of %lld); "
		           "X waits for tomorrow (UTC)", (long long)x->today, (long long)read,
		           (long long)p->cfg->monthly_posts);
	news(p, month ? SCHED_X_WAIT_MONTH : SCHED_X_WAIT_DAY, month ? end * 86400 : until);
	return until;
}

void sched_xcap_round(struct sched_target *t, int64_t now, bool held)
{
	struct sched_platform *p = t->p;

	if (!sched_xcap_on(p) || t->kind != TARGET_WALK)
		return;
	load(p, now);
	if (t->x_month != p->xcap.month) {
		t->x_month = p->xcap.month;
		t->x_rounds = t->x_held = 0;
	}
	if (held)
		t->x_held++;
	else
		t->x_rounds++;
}

void sched_xcap_usage(struct sched_platform *p, int64_t now, struct sched_x_usage *out)
{
	int64_t day = x_usage_day(now), cap = p->cfg->monthly_posts, before;
	int reset;

	memset(out, 0, sizeof *out);
	out->enabled = p->cfg->enabled;
	p->xcap.day = 0;          /* read the store again: a reload may have moved the month */
	load(p, now);
	reset = sched_xcap_reset_day(p);
	before = before_today(&p->xcap);
	out->posts_read_month = before + p->xcap.today;
	out->monthly_posts = cap;
	out->cost_month = (double)out->posts_read_month * p->cfg->price_per_post;
	out->read_today = p->xcap.today;
	out->allowance_today = cap > 0 ? x_usage_allowance(cap, before, day, reset) : -1;
	out->cap_reset_day = reset ? reset : 1;
	snprintf(out->pace, sizeof out->pace, "%s", x_usage_pace(cap, out->posts_read_month, day, reset));
}

/* ---- the order X's reads are served in, when they are capped ---- */

struct xrank {
	struct sched_target *t;
	int rank;
	double strength, fit;
	size_t idx;
};

/* The user's own mentions and replies, then mentors by stage (connected
 * first), then everything else read one by one or in batches, then
 * hashtags, then back-fill. Lookups bill no posts: first. */
static int rank_of(struct sched *s, const struct sched_target *t, int64_t now, double *strength, double *fit)
{
	struct mentor_entry *e;
	struct ledger_stage_info st;

	*strength = *fit = 0;
	if (t->kind == TARGET_HISTORY)
		return 8;
	if (t->kind != TARGET_WALK)
		return 0;
	switch (t->op) {
	case NET_OP_OWN: case NET_OP_INTERACTIONS:
		return 1;
	case NET_OP_TAG:
		return 7;
	case NET_OP_ACCOUNT:
		break;
	default:
		return 6;
	}
	if (!t->mentor_id || !s->mentors || !(e = mentor_cache_get(s->mentors, t->mentor_id)) || e->source)
		return 6;
	ledger_stage(&e->agg, now, (enum ledger_stage)e->pin, &st);
	*strength = mentor_cache_strength(s->mentors, e, now, NULL);
	*fit = mentor_cache_fit(s->mentors, e, now, NULL);
	return st.stage >= LEDGER_FOLLOW && st.stage <= LEDGER_CONNECTED ? 2 + (LEDGER_CONNECTED - st.stage) : 6;
}

static int xrank_cmp(const void *a, const void *b)
{
	const struct xrank *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->strength != y->strength)
		return x->strength > y->strength ? -1 : 1;
	if (x->fit != y->fit)
		return x->fit > y->fit ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int sched_xcap_order(struct sched *s, int64_t now, struct sched_target ***out)
{
	struct sched_target **v;
	struct xrank *r;
	size_t lo = SIZE_MAX, hi = 0, n;

	*out = NULL;
	for (size_t i = 0; i < s->n_targets; i++)
		if (sched_xcap_on(s->targets[i]->p)) {
			if (lo == SIZE_MAX)
				lo = i;
			hi = i + 1;
		}
	if (lo == SIZE_MAX || hi - lo < 2)
		return 0;
	n = hi - lo;
	v = malloc(s->n_targets * sizeof *v);
	r = malloc(n * sizeof *r);
	if (!v || !r) {
		free(v);
		free(r);
		return -ENOMEM;
	}
	memcpy(v, s->targets, s->n_targets * sizeof *v);
	for (size_t i = 0; i < n; i++) {
		r[i].t = v[lo + i];
		r[i].idx = i;
		r[i].rank = rank_of(s, r[i].t, now, &r[i].strength, &r[i].fit);
	}
	qsort(r, n, sizeof *r, xrank_cmp);
	for (size_t i = 0; i < n; i++)
		v[lo + i] = r[i].t;
	free(r);
	*out = v;
	return 1;
}
