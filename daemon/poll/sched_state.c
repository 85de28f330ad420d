/* sched_state.c — the scheduler's shared state: its clock and jitter, the
 * errors `status` shows, each network's rate buckets and requests in
 * flight, handles on hold after a failed lookup, and the wake-up that runs
 * dispatch on the next loop turn. The bottom of poll/: it calls no other
 * file of the folder. */
#include "poll/sched_internal.h"
#include "base/clock.h"
#include "common/macros.h"

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
	net_walk_clear(&t->walk);
	for (size_t i = 0; i < t->n_handles; i++) {
		free(t->handles[i]);
		if (t->members)
			free(t->members[i]);
	}
	free(t->handles);
	free(t->members);
	free(t->account_ids);
	free(t->key);
	free(t->arg);
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

/* ---- rate buckets ---- */

bool sched_bucket_open(const struct sched_platform *p, enum net_op op, int64_t now, int64_t *until)
{
	op = sched_bucket(p, op);
	int64_t rem = p->bucket[op].remaining, reset = p->bucket[op].reset;
	/* remaining is already net of the requests in flight: a request sent
	 * takes one from it, and sched_bucket_note() subtracts from the
	 * server's count those the server had not seen yet (and never lets it
	 * rise within a window). */
	if (rem != 0 || reset <= now)
		return true;
	*until = reset;
	return false;
}

uint64_t sched_request_sent(struct sched_platform *p, enum net_op op)
{
	uint64_t seq = ++p->sent;
	for (size_t i = 0; i < ARRAY_SIZE(p->inflight_seq); i++)
		if (!p->inflight_seq[i]) {
			p->inflight_seq[i] = seq;
			break;
		}
	p->inflight++;
	if (p->bucket[sched_bucket(p, op)].remaining > 0)
		p->bucket[sched_bucket(p, op)].remaining--;
	return seq;
}

void sched_request_ended(struct sched_platform *p, uint64_t seq)
{
	p->inflight--;
	for (size_t i = 0; i < ARRAY_SIZE(p->inflight_seq); i++)
		if (p->inflight_seq[i] == seq)
			p->inflight_seq[i] = 0;
}

/* Requests in flight that the server may not have counted when it answered
 * seq: those sent after it. (Those sent before reached it first; counting
 * them again would leave budget unused at the end of every window.) A
 * request not in the table (more in flight than it holds) counts. */
static int64_t sent_after(const struct sched_platform *p, uint64_t seq)
{
	int64_t n = 0, listed = 0;
	for (size_t i = 0; i < ARRAY_SIZE(p->inflight_seq); i++) {
		listed += p->inflight_seq[i] != 0;
		n += p->inflight_seq[i] > seq;
	}
	return n + ((int64_t)p->inflight - listed);
}

void sched_bucket_note(struct sched_platform *p, enum net_op op, uint64_t seq, const struct net_rate *rate)
{
	op = sched_bucket(p, op);
	if (rate->remaining >= 0) {
		int64_t left = rate->remaining - sent_after(p, seq);
		if (left < 0)
			left = 0;
		/* Answers are not always handled in the order they were served:
		 * a slower one carries an older, higher count. Within one window
		 * the count only goes down. */
		if (p->bucket[op].remaining >= 0 && p->bucket[op].reset == rate->reset &&
		    left > p->bucket[op].remaining)
			left = p->bucket[op].remaining;
		p->bucket[op].remaining = left;
		p->bucket[op].reset = rate->reset;
	}
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
