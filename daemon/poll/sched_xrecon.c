/* sched_xrecon.c — X's own count of the posts it billed, asked every few
 * hours (GET /2/usage/tweets, app bearer, its own rate budget) while a cap
 * is set, and once soon after start. The larger of X's count and mentord's
 * is what the allowance spends from (sched_xcap_reported): other apps may
 * share the project. A refusal (403: a plan without the endpoint) or any
 * other failure is logged once, and mentord keeps to its own count. */
#include "poll/sched_internal.h"
#include "config/config.h"
#include "net/x_usage_api.h"
#include "http/http.h"
#include "base/clock.h"
#include "base/log.h"

#include <event2/event.h>

#include <errno.h>
#include <string.h>

static void on_timer(evutil_socket_t fd, short what, void *userdata);

static const char *header(void *ctx, const char *name)
{
	return http_response_header(ctx, name);
}

static bool wanted(const struct sched_platform *p)
{
	return sched_xcap_on(p) && p->cfg->enabled && p->token;
}

static void arm(struct sched_platform *p, int64_t secs)
{
	struct sched_xrecon *x = &p->xrecon;
	int64_t us;
	struct timeval tv;

	if (!x->timer && !(x->timer = evtimer_new(p->s->base, on_timer, p))) {
		log_warn("x: out of memory; X's own count is not asked");
		return;
	}
	us = clock_real_usec(p->s->clock, secs > 0 ? secs : 0);
	if (us < 1000)
		us = 1000;
	tv = clock_timeval(us);
	evtimer_add(x->timer, &tv);
}

/* Once per kind of trouble until an answer comes through. */
static void trouble(struct sched_platform *p, const struct net_error *e, const char *transport)
{
	struct sched_xrecon *x = &p->xrecon;
	int code = e ? (int)e->code : -1;

	if (e && e->code == NET_ERR_AUTH) {
		if (!x->refused)
			log_notice("x: /2/usage/tweets refused (%s): the plan may not include it; "
			           "mentord keeps its own count", e->msg);
		x->refused = true;
		return;
	}
	if (x->logged == code + 2)
		return;
	x->logged = code + 2;
	log_warn("x: X's own count could not be read (%s); mentord keeps its own",
	         e ? e->msg : transport);
}

static void on_done(struct http_response *resp, void *userdata)
{
	struct sched_platform *p = userdata;
	struct sched_xrecon *x = &p->xrecon;
	struct x_usage_report rep;
	struct net_error err;
	struct net_rate rate;
	int64_t now = sched_now(p->s), next = SCHED_XRECON_EVERY;

	x->http = NULL;
	if (resp->result == HTTP_RESULT_CANCELLED)
		return;
	if (resp->result != HTTP_RESULT_OK) {
		trouble(p, NULL, resp->error && *resp->error ? resp->error : http_result_name(resp->result));
		arm(p, next);
		return;
	}
	struct net_response nr = {
		.status = (int)resp->status, .body = resp->body, .body_len = resp->body_len, .now = now,
		.header = header, .header_ctx = resp,
	};
	if (x_usage_api_parse(&nr, &rep, &err, &rate) < 0) {
		arm(p, next);
		return;
	}
	sched_rate_note(p, x->rate, p->sent, &rate, now);
	if (err.code == NET_ERR_RATE_LIMITED && x->rate) {
		sched_rate_hold(x->rate, err.retry_at);
		if (err.retry_at > now && err.retry_at - now < next)
			next = err.retry_at - now + 1;
	}
	if (err.code != NET_OK)
		trouble(p, &err, NULL);
	else {
		x->logged = 0;
		if (x->refused)
			log_info("x: /2/usage/tweets answers again");
		x->refused = false;
		sched_xcap_reported(p, now, rep.project_usage, rep.cap_reset_day);
		/* X stops at its own cap whatever mentord plans. */
		if (rep.project_cap >= 0 && rep.project_cap < p->cfg->monthly_posts && !x->cap_told)
			log_notice("x: the project's cap on X is %lld posts a month, below monthly_posts = %lld",
			           (long long)rep.project_cap, (long long)p->cfg->monthly_posts);
		x->cap_told = rep.project_cap >= 0 && rep.project_cap < p->cfg->monthly_posts;
		if (p->s->events.counts_changed)
			p->s->events.counts_changed(p->s->events.data);
	}
	arm(p, next);
}

static void ask(struct sched_platform *p)
{
	struct sched_xrecon *x = &p->xrecon;
	struct net_config cfg;
	struct net_request req = { 0 };
	int64_t now = sched_now(p->s), until = 0;
	int r;

	if (!x->rate && !(x->rate = sched_rate_get(p, X_USAGE_API_RATE_KEY))) {
		arm(p, SCHED_XRECON_EVERY);
		return;
	}
	if (!sched_rate_open(x->rate, now, &until)) {
		arm(p, until - now + 1);
		return;
	}
	sched_creds_net_config(p, &cfg);
	if ((r = x_usage_api_build(&cfg, &req)) >= 0)
		r = sched_submit(p->s, &req, NULL, on_done, p, &x->http);
	else
		net_request_clear(&req);
	if (r < 0) {
		log_warn("x: cannot ask X's own count: %s", strerror(-r));
		arm(p, SCHED_XRECON_EVERY);
		return;
	}
	if (x->rate->remaining > 0)
		x->rate->remaining--;
}

static void on_timer(evutil_socket_t fd, short what, void *userdata)
{
	struct sched_platform *p = userdata;

	(void)fd;
	(void)what;
	if (wanted(p) && !p->xrecon.http)
		ask(p);
}

void sched_xrecon_update(struct sched_platform *p)
{
	struct sched_xrecon *x = &p->xrecon;

	if (!wanted(p)) {
		if (x->timer)
			evtimer_del(x->timer);
		return;
	}
	if (!x->http && !(x->timer && evtimer_pending(x->timer, NULL)))
		arm(p, SCHED_XRECON_FIRST);
}

void sched_xrecon_clear(struct sched_platform *p)
{
	struct sched_xrecon *x = &p->xrecon;

	/* Cancelled requests never call back. */
	if (x->http)
		http_cancel(x->http);
	x->http = NULL;
	if (x->timer)
		event_free(x->timer);
	x->timer = NULL;
	x->rate = NULL;
}
