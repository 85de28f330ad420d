/* notify_policy.c — coalescing, per-mentor gaps, quiet hours and mutes
 * (see notify_policy.h). Pure: the clock comes in as an argument. */
#include "notify/notify_policy.h"
#include "common/str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void notify_rules_default(struct notify_rules *r)
{
	*r = (struct notify_rules){ .enabled = true, .coalesce_s = 5, .mentor_gap_s = 3600 };
	for (int k = 0; k < NOTIFY_KIND_COUNT; k++)
		r->kinds[k] = true;
}

static void item_clear(struct notify_item *it)
{
	free(it->mentor);
	free(it->summary);
	free(it->platform);
	free(it->url);
	free(it->text);
	*it = (struct notify_item){ 0 };
}

static int item_copy(struct notify_item *dst, const struct notify_item *src)
{
	*dst = *src;
	dst->mentor = str_dup(src->mentor);
	dst->summary = str_dup(src->summary);
	dst->platform = str_dup(src->platform);
	dst->url = str_dup(src->url);
	dst->text = str_dup(src->text);
	if ((src->mentor && !dst->mentor) || (src->summary && !dst->summary) ||
	    (src->platform && !dst->platform) || (src->url && !dst->url) || (src->text && !dst->text)) {
		item_clear(dst);
		return -ENOMEM;
	}
	return 0;
}

/* Appends a copy (or, with take, the item itself) to a growable array. */
static int items_push(struct notify_item **v, size_t *n, size_t *cap, const struct notify_item *it, bool take)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct notify_item *nv = realloc(*v, ncap * sizeof *nv);
		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	if (take) {
		(*v)[(*n)++] = *it;
		return 0;
	}
	if (item_copy(&(*v)[*n], it) < 0)
		return -ENOMEM;
	(*n)++;
	return 0;
}

void notify_policy_init(struct notify_policy *p, const struct notify_rules *rules)
{
	*p = (struct notify_policy){ .rules = *rules };
}

static void items_free(struct notify_item *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		item_clear(&v[i]);
	free(v);
}

void notify_policy_finish(struct notify_policy *p)
{
	items_free(p->pending, p->n_pending);
	items_free(p->held, p->n_held);
	free(p->recent);
	free(p->mutes);
	*p = (struct notify_policy){ 0 };
}

void notify_policy_set_rules(struct notify_policy *p, const struct notify_rules *rules)
{
	p->rules = *rules;
	/* New quiet hours or gaps: reconsider what is held at the next flush. */
	if (p->n_held || p->held_extra)
		p->held_due = 1;
}

/* ---- mutes and per-mentor gaps ---- */

int notify_policy_mute(struct notify_policy *p, int64_t mentor_id, int64_t until)
{
	for (size_t i = 0; i < p->n_mutes; i++) {
		if (p->mutes[i].mentor_id != mentor_id)
			continue;
		if (until > 0)
			p->mutes[i].until = until;
		else
			p->mutes[i] = p->mutes[--p->n_mutes];
		return 0;
	}
	if (until <= 0)
		return 0;
	if (p->n_mutes == p->cap_mutes) {
		size_t ncap = p->cap_mutes ? p->cap_mutes * 2 : 8;
		struct notify_mute *nv = realloc(p->mutes, ncap * sizeof *nv);
		if (!nv)
			return -ENOMEM;
		p->mutes = nv;
		p->cap_mutes = ncap;
	}
	p->mutes[p->n_mutes++] = (struct notify_mute){ mentor_id, until };
	return 0;
}

bool notify_policy_muted(const struct notify_policy *p, int64_t mentor_id, int64_t now)
{
	for (size_t i = 0; mentor_id && i < p->n_mutes; i++)
		if (p->mutes[i].mentor_id == mentor_id)
			return p->mutes[i].until > now;
	return false;
}

/* When the mentor may next have a notification (0: now). */
static int64_t gap_end(const struct notify_policy *p, int64_t mentor_id, int64_t now)
{
	for (size_t i = 0; mentor_id && i < p->n_recent; i++)
		if (p->recent[i].mentor_id == mentor_id) {
			int64_t end = p->recent[i].at + p->rules.mentor_gap_s;
			return end > now ? end : 0;
		}
	return 0;
}

static void note_shown(struct notify_policy *p, const struct notify_item *it, int64_t now)
{
	int64_t mentor_id = it->mentor_id;
	size_t i, keep = 0;
	/* A first-sync summary is about following, not the mentor's news. */
	if (!mentor_id || it->kind == NOTIFY_SYNC)
		return;
	/* Entries whose gap has passed say nothing more: drop them, so the
	 * list is bounded by the mentors notified within one gap. */
	for (i = 0; i < p->n_recent; i++)
		if (p->recent[i].mentor_id != mentor_id && p->recent[i].at + p->rules.mentor_gap_s > now)
			p->recent[keep++] = p->recent[i];
	p->n_recent = keep;
	if (p->n_recent == p->cap_recent) {
		size_t ncap = p->cap_recent ? p->cap_recent * 2 : 16;
		struct notify_recent *nv = realloc(p->recent, ncap * sizeof *nv);
		if (!nv)
			return;   /* only weakens the rate limit */
		p->recent = nv;
		p->cap_recent = ncap;
	}
	p->recent[p->n_recent++] = (struct notify_recent){ mentor_id, now };
}

/* ---- quiet hours ---- */

static int minute_of_day(int64_t now, int *sec)
{
	struct tm tm;
	time_t t = (time_t)now;
	*sec = 0;
	if (!localtime_r(&t, &tm))
		return 0;
	*sec = tm.tm_sec;
	return tm.tm_hour * 60 + tm.tm_min;
}

bool notify_policy_quiet_at(const struct notify_policy *p, int64_t now)
{
	int sec, m, a = p->rules.quiet_start, b = p->rules.quiet_end;
	if (!p->rules.quiet || a == b)
		return false;
	m = minute_of_day(now, &sec);
	return a < b ? m >= a && m < b : m >= a || m < b;
}

static int64_t quiet_end_after(const struct notify_policy *p, int64_t now)
{
	int sec, m = minute_of_day(now, &sec);
	int delta = ((p->rules.quiet_end - m) % 1440 + 1440) % 1440;
	return now - sec + (int64_t)(delta ? delta : 1440) * 60;
}

/* ---- offering and flushing ---- */

static bool urgent(enum notify_kind k)
{
	/* A budget notice is rare (twice a month at most) and about money:
	 * never folded into a digest of posts. */
	return k == NOTIFY_REPLY || k == NOTIFY_MENTION || k == NOTIFY_TAGGED || k == NOTIFY_BUDGET;
}

int notify_policy_offer(struct notify_policy *p, const struct notify_item *it, int64_t now)
{
	if (!p->rules.enabled || (unsigned)it->kind >= NOTIFY_KIND_COUNT || !p->rules.kinds[it->kind])
		return 0;
	if (notify_policy_muted(p, it->mentor_id, now))
		return 0;
	if (!p->window_end)
		p->window_end = now + p->rules.coalesce_s;
	if (p->n_pending >= NOTIFY_POLICY_MAX_HELD && !urgent(it->kind)) {
		p->pending_extra++;
		return 1;
	}
	return items_push(&p->pending, &p->n_pending, &p->cap_pending, it, false) < 0 ? -ENOMEM : 1;
}

void notify_policy_close_window(struct notify_policy *p, int64_t now)
{
	if (p->window_end > now)
		p->window_end = now;
}

int64_t notify_policy_next_due(const struct notify_policy *p, int64_t now)
{
	int64_t due = p->window_end;
	if (p->n_held || p->held_extra) {
		int64_t h = notify_policy_quiet_at(p, now) ? quiet_end_after(p, now) : p->held_due;
		if (h < now)
			h = now;
		if (!due || h < due)
			due = h;
	}
	return due;
}

static int hold(struct notify_policy *p, struct notify_item *it, int64_t release)
{
	if (p->n_held >= NOTIFY_POLICY_MAX_HELD) {
		p->held_extra++;
		item_clear(it);
	} else if (items_push(&p->held, &p->n_held, &p->cap_held, it, true) < 0) {
		item_clear(it);
		return -ENOMEM;
	}
	if (!p->held_due || release < p->held_due)
		p->held_due = release;
	return 0;
}

/* A mention, a reply or an opportunity is also a post by the mentor: that
 * item says more, so the plain post of the same URL goes. */
static void drop_echoes(struct notify_policy *p)
{
	size_t keep = 0;
	for (size_t i = 0; i < p->n_pending; i++) {
		struct notify_item *it = &p->pending[i];
		bool echo = false;
		for (size_t j = 0; j < p->n_pending && !echo && it->url && it->kind == NOTIFY_POST; j++)
			echo = p->pending[j].kind != NOTIFY_POST && p->pending[j].url &&
			       strcmp(p->pending[j].url, it->url) == 0;
		if (echo)
			item_clear(it);
		else
			p->pending[keep++] = *it;
	}
	p->n_pending = keep;
}

/* The batch of one flush: the items going out now. */
struct batch {
	struct notify_item *v;
	size_t n, cap, extra;
};

static int emit_single(struct notify_policy *p, struct notify_item *it, int64_t now, notify_policy_emit_fn emit, void *ud)
{
	struct notify_msg msg;
	int r = notify_msg_single(&msg, it);
	if (r < 0)
		return r;
	note_shown(p, it, now);
	emit(&msg, ud);
	return 1;
}

static int emit_batch(struct notify_policy *p, struct batch *b, int64_t now, notify_policy_emit_fn emit, void *ud)
{
	struct notify_msg msg;
	int r;
	if (b->n == 0 && b->extra == 0)
		return 0;
	if (b->n == 1 && b->extra == 0)
		return emit_single(p, &b->v[0], now, emit, ud);
	if ((r = notify_msg_digest(&msg, b->v, b->n, b->extra)) < 0)
		return r;
	for (size_t i = 0; i < b->n; i++)
		note_shown(p, &b->v[i], now);
	emit(&msg, ud);
	return 1;
}

/* Sorts this window's ordinary items into the batch or the held list. */
static int route_pending(struct notify_policy *p, struct batch *b, bool quiet, int64_t now)
{
	int r = 0;
	for (size_t i = 0; i < p->n_pending; i++) {
		struct notify_item *it = &p->pending[i];
		int64_t gap = gap_end(p, it->mentor_id, now);
		if (quiet)
			r |= hold(p, it, quiet_end_after(p, now));
		else if (gap && !(p->held_due && p->held_due <= now))
			r |= hold(p, it, gap);
		else if (items_push(&b->v, &b->n, &b->cap, it, true) < 0) {
			item_clear(it);
			r = -ENOMEM;
		}
	}
	p->n_pending = 0;
	if (quiet)
		p->held_extra += p->pending_extra;
	else
		b->extra += p->pending_extra;
	p->pending_extra = 0;
	return r < 0 ? -ENOMEM : 0;
}

int notify_policy_flush(struct notify_policy *p, int64_t now, notify_policy_emit_fn emit, void *ud)
{
	struct batch b = { 0 };
	bool quiet = notify_policy_quiet_at(p, now);
	bool window = p->window_end && now >= p->window_end;
	bool release = !quiet && (p->n_held || p->held_extra) && p->held_due <= now;
	int sent = 0, r = 0, urgent_sent = 0;
	size_t keep = 0;

	if (!window && !release)
		return 0;
	if (window)
		drop_echoes(p);
	if (window) {
		/* Urgent items first, on their own, quiet hours or not. */
		for (size_t i = 0; i < p->n_pending; i++) {
			struct notify_item *it = &p->pending[i];
			if (urgent(it->kind) && urgent_sent < NOTIFY_POLICY_MAX_URGENT) {
				if ((r = emit_single(p, it, now, emit, ud)) < 0)
					break;
				urgent_sent++;
				sent++;
				item_clear(it);
			} else {
				p->pending[keep++] = *it;
			}
		}
		if (r >= 0) {
			p->n_pending = keep;
			p->window_end = 0;
			r = route_pending(p, &b, quiet, now);
		}
	}
	if (r >= 0 && release) {
		for (size_t i = 0; i < p->n_held && r >= 0; i++)
			if ((r = items_push(&b.v, &b.n, &b.cap, &p->held[i], true)) < 0)
				item_clear(&p->held[i]);
		b.extra += p->held_extra;
		p->n_held = p->held_extra = 0;
		p->held_due = 0;
	}
	if (r >= 0 && (r = emit_batch(p, &b, now, emit, ud)) > 0)
		sent += r;
	items_free(b.v, b.n);
	return r < 0 ? r : sent;
}
