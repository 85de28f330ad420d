/* sched_state.c — the scheduler's shared state: its clock and jitter, the
 * errors `status` shows, each network's rate budgets (by the network's
 * own keys) and requests in flight, handles on hold after a failed
 * lookup, and the wake-up that runs dispatch on the next loop turn. The bottom of poll/: it calls no other
 * file of the folder. */
#include "poll/sched_internal.h"
#include "base/clock.h"
#include "common/macros.h"
#include "config/config.h"
#include "http/http.h"

#include <errno.h>
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int64_t sched_now(const struct sched *s)
{
	return clock_now(s->clock);
}

int64_t sched_jitter(struct sched *s, int64_t base)
{
	/* xorshift: jitter needs spread, not secrecy. */
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return base * 9 / 10 + (int64_t)(s->rng % (uint64_t)(base / 5 + 1));
}

void sched_set_error(struct sched_platform *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->status.last_error, sizeof p->status.last_error, fmt, ap);
	va_end(ap);
}

void sched_kick(struct sched *s)
{
	struct timeval zero = { 0, 0 };
	if (!evtimer_pending(s->kick, NULL))
		evtimer_add(s->kick, &zero);
}

void sched_target_free(struct sched_target *t)
{
	if (!t)
		return;
	/* A cancelled request never calls back: what it held of X's
	 * allowance is free again (sched_xcap.c). */
	if (t->billed_reserved && t->p) {
		t->p->xcap.reserved -= t->billed_reserved;
		if (t->p->xcap.reserved < 0)
			t->p->xcap.reserved = 0;
	}
	net_walk_clear(&t->walk);
	free(t->server.name);
	free(t->server.base);
	for (size_t i = 0; i < t->n_handles; i++) {
		free(t->handles[i]);
		if (t->members)
			free(t->members[i]);
	}
	free(t->handles);
	free(t->members);
	for (size_t i = 0; i < t->n_asked; i++) {
		free(t->asked[i]);
		free(t->asked_sent[i]);
	}
	free(t->asked);
	free(t->asked_sent);
	free(t->account_ids);
	free(t->key);
	free(t->arg);
	free(t->token);
	free(t->local_id);
	free(t->home_refused);
	free(t);
}

void sched_target_remove(struct sched_target *t)
{
	struct sched *s = t->s;
	for (size_t i = 0; i < s->n_targets; i++)
		if (s->targets[i] == t) {
			s->targets[i] = s->targets[--s->n_targets];
			break;
		}
	sched_target_free(t);
	sched_kick(s);
}

const char *sched_target_label(const struct sched_target *t)
{
	return t->arg ? t->arg : t->key;
}

const char *sched_target_what(const struct sched_target *t, char *buf, size_t size)
{
	const char *op = net_op_name(t->op);

	if (t->kind == TARGET_ME)
		snprintf(buf, size, "lookup of %s", t->arg ? t->arg : "your account");
	else if (t->kind == TARGET_LOOKUP)
		snprintf(buf, size, "lookup of %s%s", t->n_handles ? t->handles[0] : "accounts",
		         t->n_handles > 1 ? " and others" : "");
	else if (t->kind == TARGET_HISTORY)
		snprintf(buf, size, "history of %s", sched_target_label(t));
	else if (t->op == NET_OP_BATCH)
		snprintf(buf, size, "batch %s of %zu accounts", strncmp(t->key, "batch:", 6) == 0 ? t->key + 6 : t->key,
		         t->n_handles);
	else if (t->op == NET_OP_TAG && t->arg)
		snprintf(buf, size, "hashtag #%s", t->arg[0] == '#' ? t->arg + 1 : t->arg);
	else if (t->arg)
		snprintf(buf, size, "%s %s", op, t->arg);
	else
		snprintf(buf, size, "%s", t->op == NET_OP_OWN ? "own posts" : t->op == NET_OP_FEED ? "home feed" :
		         t->op == NET_OP_FOLLOW_CHECK ? "check of whom you follow" : op);
	return buf;
}

/* ---- rate budgets ---- */

struct sched_rate *sched_rate_get(struct sched_platform *p, const char *key)
{
	struct sched_rate *r, **grown;
	for (size_t i = 0; i < p->n_rates; i++)
		if (strcmp(p->rates[i]->key, key) == 0)
			return p->rates[i];
	if (!(grown = realloc(p->rates, (p->n_rates + 1) * sizeof *grown)))
		return NULL;
	p->rates = grown;
	if (!(r = calloc(1, sizeof *r)))
		return NULL;
	snprintf(r->key, sizeof r->key, "%s", key);
	r->limit = r->remaining = -1;
	return p->rates[p->n_rates++] = r;
}

void sched_rates_clear(struct sched_platform *p)
{
	for (size_t i = 0; i < p->n_rates; i++)
		free(p->rates[i]);
	free(p->rates);
	p->rates = NULL;
	p->n_rates = 0;
}

bool sched_rate_open(const struct sched_rate *r, int64_t now, int64_t *until)
{
	if (!r)
		return true;
	if (r->held_until > now) {
		*until = r->held_until;
		return false;
	}
	/* remaining is already net of the requests in flight: a request sent
	 * takes one from it, and sched_rate_note() subtracts from the server's
	 * count those the server had not seen yet (and never lets it rise
	 * within a window). */
	if (r->remaining != 0 || r->reset <= now)
		return true;
	*until = r->reset;
	return false;
}

void sched_rate_hold(struct sched_rate *r, int64_t until)
{
	if (!r)
		return;
	if (until > r->held_until)
		r->held_until = until;
	r->remaining = 0;
	if (until > r->reset)
		r->reset = until;
}

uint64_t sched_request_sent(struct sched_platform *p, struct sched_rate *r)
{
	uint64_t seq = ++p->sent;
	for (size_t i = 0; i < ARRAY_SIZE(p->inflight_seq); i++)
		if (!p->inflight_seq[i]) {
			p->inflight_seq[i] = seq;
			p->inflight_rate[i] = r;
			break;
		}
	p->inflight++;
	if (r && r->remaining > 0)
		r->remaining--;
	return seq;
}

void sched_request_ended(struct sched_platform *p, uint64_t seq)
{
	p->inflight--;
	for (size_t i = 0; i < ARRAY_SIZE(p->inflight_seq); i++)
		if (p->inflight_seq[i] == seq) {
			p->inflight_seq[i] = 0;
			p->inflight_rate[i] = NULL;
		}
}

/* Requests in flight on window r that the server may not have counted when
 * it answered seq: those sent after it. (Those sent before reached it first;
 * counting them again would leave budget unused at the end of every window.
 * Those on other windows, another instance's say, never count.) A request
 * not in the table (more in flight than it holds) counts. */
static int64_t sent_after(const struct sched_platform *p, const struct sched_rate *r, uint64_t seq)
{
	int64_t n = 0, listed = 0;
	for (size_t i = 0; i < ARRAY_SIZE(p->inflight_seq); i++) {
		listed += p->inflight_seq[i] != 0;
		n += p->inflight_seq[i] > seq && p->inflight_rate[i] == r;
	}
	return n + ((int64_t)p->inflight - listed);
}

void sched_rate_note(struct sched_platform *p, struct sched_rate *r, uint64_t seq, const struct net_rate *rate,
		     int64_t now)
{
	if (!r || rate->remaining < 0)
		return;
	/* A slow answer from a window that has already ended says nothing of
	 * the current one; taken, its past reset would reopen a spent window. */
	if (rate->reset > 0 && rate->reset <= now && rate->reset < r->reset)
		return;
	int64_t left = rate->remaining - sent_after(p, r, seq);
	if (left < 0)
		left = 0;
	int64_t reset = rate->reset;
	/* Within a window the count only goes down. Answers are not always
	 * handled in the order they were served: a slower one carries an
	 * older, higher count. And an answer may speak of another throttle:
	 * Mastodon's headers describe whichever of its limits is closest to
	 * running out for that request (the paging one, 300 in 15 min, for
	 * requests with max_id or since_id; 300 in 5 min for all), so a plain
	 * request's fuller view, with its own reset, must not reopen a window
	 * the paging limit closed. Until ours ends, ours holds. */
	if (r->remaining >= 0 && left > r->remaining && (r->reset == rate->reset || r->reset > now)) {
		left = r->remaining;
		reset = r->reset;
	}
	r->remaining = left;
	r->reset = reset;
	if (rate->limit > 0)
		r->limit = rate->limit;
}

/* ---- handles on hold ---- */

bool sched_handle_held(const struct sched_platform *p, const char *handle, int64_t now)
{
	for (size_t i = 0; i < p->n_failed; i++)
		if (strcasecmp(p->failed[i].handle, handle) == 0)
			return p->failed[i].until > now;
	return false;
}

void sched_hold_handle(struct sched_platform *p, const char *handle, int64_t until)
{
	for (size_t i = 0; i < p->n_failed; i++)
		if (strcasecmp(p->failed[i].handle, handle) == 0) {
			p->failed[i].until = until;
			return;
		}
	__typeof__(p->failed) grown = realloc(p->failed, (p->n_failed + 1) * sizeof *grown);
	if (!grown)
		return;
	p->failed = grown;
	if ((grown[p->n_failed].handle = strdup(handle))) {
		grown[p->n_failed].until = until;
		p->n_failed++;
	}
}

int sched_submit(struct sched *s, struct net_request *req, bool (*gate)(void *userdata),
                 http_done_fn done, void *userdata, struct http_handle **out)
{
	const char *headers[NET_MAX_HEADERS + 1] = { 0 };
	int r;

	for (size_t i = 0; i < req->n_headers && i < NET_MAX_HEADERS; i++)
		headers[i] = req->headers[i];
	struct http_request hr = {
		.method = req->method && strcmp(req->method, "POST") == 0 ? HTTP_POST : HTTP_GET,
		.url = req->url, .headers = headers, .body = req->body, .body_len = req->body_len,
		.content_type = req->content_type, .timeout_ms = s->config->http_timeout * 1000,
		.gate = gate,
	};
	r = http_submit(s->http, &hr, done, userdata, out);
	for (size_t i = 0; i < req->n_headers; i++)
		if (req->headers[i])
			explicit_bzero(req->headers[i], strlen(req->headers[i]));
	if (req->body)
		explicit_bzero(req->body, req->body_len);
	net_request_clear(req);
	return r;
}
