/* xbill.c — the fake X counts what it serves as X bills it: each post id
 * rendered (in data or includes.tweets, any endpoint) once per UTC day of
 * the fake's clock. /_fake/stats shows "x_billed" (every day's) and
 * "x_billed_today". Kept in f->net_state[NET_X]. */
#include "fakeapi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct xbill {
	struct { int64_t day; uint64_t id; } *slot;   /* open addressing; id 0 = empty */
	size_t n, cap;
	uint64_t total;
	long offset, reset_day, project_cap;   /* /_fake/x_usage */
};

static struct xbill *get(struct fake *f)
{
	struct xbill *b = f->net_state[NET_X];

	if (!b && (b = f->net_state[NET_X] = calloc(1, sizeof *b))) {
		b->reset_day = 1;
		b->project_cap = 2000000;
	}
	return b;
}

static size_t slot_of(const struct xbill *b, int64_t day, uint64_t id)
{
	uint64_t h = (id ^ ((uint64_t)day * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
	size_t i = (size_t)(h >> 17) & (b->cap - 1);

	while (b->slot[i].id && !(b->slot[i].id == id && b->slot[i].day == day))
		i = (i + 1) & (b->cap - 1);
	return i;
}

static bool grow(struct xbill *b)
{
	struct xbill old = *b;

	b->cap = old.cap ? old.cap * 2 : 1024;
	b->slot = calloc(b->cap, sizeof *b->slot);
	if (!b->slot) {
		*b = old;
		return false;
	}
	for (size_t i = 0; i < old.cap; i++)
		if (old.slot[i].id)
			b->slot[slot_of(b, old.slot[i].day, old.slot[i].id)] = old.slot[i];
	free(old.slot);
	return true;
}

void xbill_note(struct fake *f, uint64_t id)
{
	struct xbill *b = get(f);
	int64_t day = clock_now(f) / 86400000;
	size_t i;

	if (!b)
		return;
	if ((b->n + 1) * 2 > b->cap && !grow(b))
		return;
	i = slot_of(b, day, id);
	if (b->slot[i].id)
		return;
	b->slot[i].day = day;
	b->slot[i].id = id;
	b->n++;
	b->total++;
}

void xbill_stats(struct jw *j, struct fake *f)
{
	const struct xbill *b = f->net_state[NET_X];
	int64_t day = clock_now(f) / 86400000;
	uint64_t today = 0;

	for (size_t i = 0; b && i < b->cap; i++)
		today += b->slot[i].id && b->slot[i].day == day;
	jw_kint(j, "x_billed", b ? (long long)b->total : 0);
	jw_kint(j, "x_billed_today", (long long)today);
}

void xbill_free(struct fake *f)
{
	struct xbill *b = f->net_state[NET_X];

	if (b)
		free(b->slot);
	free(b);
	f->net_state[NET_X] = NULL;
}

/* The documented shape: counts as strings, cap_reset_day a number. The
 * fake's runs are shorter than a billing month: all it billed counts. */
void xbill_usage(struct rq *r)
{
	struct xbill *b = get(r->f);
	char n[32];

	if (!b) {
		rq_error(r, 500);
		return;
	}
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_kobj(&r->j, "data");
	if (b->reset_day)
		jw_kint(&r->j, "cap_reset_day", b->reset_day);
	snprintf(n, sizeof n, "%ld", b->project_cap);
	jw_kstr(&r->j, "project_cap", n);
	jw_kstr(&r->j, "project_id", "1369785403853424");
	/* A negative offset: X's count lags behind what it served. */
	snprintf(n, sizeof n, "%lld", (long long)b->total + b->offset > 0 ? (long long)b->total + b->offset : 0);
	jw_kstr(&r->j, "project_usage", n);
	jw_end(&r->j);
	jw_end(&r->j);
}

/* ?k=N within lo..hi into *out; true when absent or set. */
static bool set_long(struct rq *r, const char *k, long lo, long hi, long *out)
{
	const char *v = rq_param(r, k);
	long x;

	if (!v)
		return true;
	if (!util_parse_long(v, &x) || x < lo || x > hi)
		return false;
	*out = x;
	return true;
}

bool xbill_ctl_serve(struct rq *r, const char *path)
{
	struct xbill *b;

	if (strcmp(path, "/x_usage") != 0)
		return false;
	if (!(b = get(r->f))) {
		rq_error(r, 500);
		return true;
	}
	if (evhttp_request_get_command(r->req) == EVHTTP_REQ_POST &&
	    (!set_long(r, "offset", -1000000000000L, 1000000000000L, &b->offset) ||
	     !set_long(r, "reset_day", 0, 31, &b->reset_day) || !set_long(r, "cap", 0, 1000000000000L, &b->project_cap))) {
		rq_raw(r, 400, "text/plain", "offset=N, reset_day=0..31, cap=N\n");
		return true;
	}
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_kint(&r->j, "offset", b->offset);
	jw_kint(&r->j, "reset_day", b->reset_day);
	jw_kint(&r->j, "cap", b->project_cap);
	jw_kint(&r->j, "billed", (long long)b->total);
	jw_end(&r->j);
	return true;
}
