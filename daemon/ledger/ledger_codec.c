/* ledger_codec.c — the aggregate as one line of text for a database column:
 *
 *   v1 f=FOLLOW k=KIND:N:FIRST:LAST,... w=T1:T2:T3 c=CONNECTED
 *      g=GAPS:EWMA_U:SESSIONS x=TURN_AT:DIR:EXCHANGES:EXCH0:INITS_M:INITS_U
 *      wd=IN:OUT nw=MASK p=OWN:REPLIES:RATE_U:RATE_AT tt=TOTAL t=TERM:COUNT:ERR,...
 *
 * Integers only (the two running means are kept as fixed point), so the text
 * is locale independent and round-trips exactly. Groups that are all zero
 * are left out; unknown keys are skipped, so a later version can add some. */
#include "ledger/ledger_internal.h"

#include <errno.h>
#include <string.h>

/* A bounded appender; printf is too slow here (this runs once per event). */
struct wr {
	char *p, *end;   /* end: the last byte, kept for the NUL */
	bool full;
};

static void put_mem(struct wr *w, const char *s, size_t n)
{
	if (w->full || (size_t)(w->end - w->p) < n) {
		w->full = true;
		return;
	}
	memcpy(w->p, s, n);
	w->p += n;
}

static void put_str(struct wr *w, const char *s)
{
	put_mem(w, s, strlen(s));
}

static void put_i64(struct wr *w, int64_t v)
{
	char tmp[24], *q = tmp + sizeof tmp;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		*--q = (char)('0' + u % 10);
	while ((u /= 10) > 0);
	if (v < 0)
		*--q = '-';
	put_mem(w, q, (size_t)(tmp + sizeof tmp - q));
}

/* sep then the numbers joined by ':' ("g=" 3, 5, 7 -> "g=3:5:7"). */
static void put_nums(struct wr *w, const char *sep, const int64_t *v, size_t n)
{
	put_str(w, sep);
	for (size_t i = 0; i < n; i++) {
		if (i)
			put_mem(w, ":", 1);
		put_i64(w, v[i]);
	}
}

static bool term_printable(const char *t)
{
	for (; *t; t++)
		if (*t == ' ' || *t == ':' || *t == ',' || *t == '=' || (unsigned char)*t < 0x20)
			return false;
	return true;
}

static void put_kinds(struct wr *w, const struct ledger_agg *a)
{
	const char *sep = " k=";
	for (int k = 0; k < LEDGER_KIND_COUNT; k++) {
		int64_t v[3] = { a->n[k], a->first_at[k], a->last_at[k] };
		if (!a->n[k])
			continue;
		put_str(w, sep);
		put_str(w, ledger_kind_name(k));
		put_nums(w, ":", v, 3);
		sep = ",";
	}
}

static void put_terms(struct wr *w, const struct ledger_agg *a)
{
	const char *sep = " t=";
	if (a->terms.total)
		put_nums(w, " tt=", (int64_t[]){ a->terms.total }, 1);
	for (uint32_t i = 0; i < a->terms.n; i++) {
		const struct textvec_term *t = &a->terms.t[i];
		if (!term_printable(t->term))
			continue;
		put_str(w, sep);
		put_str(w, t->term);
		put_nums(w, ":", (int64_t[]){ t->count, t->err }, 2);
		sep = ",";
	}
}

int ledger_agg_format(const struct ledger_agg *a, char *buf, size_t size)
{
	struct wr w = { buf, buf + (size ? size - 1 : 0), size == 0 };

	put_str(&w, "v1");
	if (a->follow_at)
		put_nums(&w, " f=", &a->follow_at, 1);
	put_kinds(&w, a);
	if (a->weak_at[0])
		put_nums(&w, " w=", a->weak_at, 3);
	if (a->connected_at)
		put_nums(&w, " c=", &a->connected_at, 1);
	if (a->n_gaps || a->n_sessions)
		put_nums(&w, " g=", (int64_t[]){ a->n_gaps, a->gap_ewma_n, a->n_sessions }, 3);
	if (a->turn_at)
		put_nums(&w, " x=", (int64_t[]){ a->turn_at, a->turn_dir, a->n_exchanges, a->exchange0_at,
		                                 a->inits_mentor, a->inits_user }, 6);
	if (a->words_in || a->words_out)
		put_nums(&w, " wd=", (int64_t[]){ a->words_in, a->words_out }, 2);
	if (a->networks)
		put_nums(&w, " nw=", (int64_t[]){ a->networks }, 1);
	if (a->posts_own || a->post_rate_at)
		put_nums(&w, " p=", (int64_t[]){ a->posts_own, a->replies_other, a->post_rate_u,
		                                 a->post_rate_at }, 4);
	put_terms(&w, a);
	if (size)
		*w.p = '\0';
	return w.full ? -ENOSPC : (int)(w.p - buf);
}

/* ---- parsing ------------------------------------------------------------- */

struct rd {
	const char *p, *end;   /* the value of one key=value token */
	bool bad;
};

static int64_t rd_i64(struct rd *r, int64_t lo, int64_t hi)
{
	bool neg = r->p < r->end && *r->p == '-';
	const char *s = r->p + neg;
	uint64_t u = 0;

	if (r->bad || s >= r->end || *s < '0' || *s > '9') {
		r->bad = true;
		return 0;
	}
	for (; s < r->end && *s >= '0' && *s <= '9'; s++) {
		if (u > ((uint64_t)INT64_MAX - (uint64_t)(*s - '0')) / 10) {
			r->bad = true;
			return 0;
		}
		u = u * 10 + (uint64_t)(*s - '0');
	}
	r->p = s;
	if ((neg ? -(int64_t)u : (int64_t)u) < lo || (neg ? -(int64_t)u : (int64_t)u) > hi)
		r->bad = true;
	return r->bad ? 0 : neg ? -(int64_t)u : (int64_t)u;
}

static uint32_t rd_u32(struct rd *r)
{
	return (uint32_t)rd_i64(r, 0, UINT32_MAX);
}

static int64_t rd_time(struct rd *r)
{
	return rd_i64(r, 0, INT64_MAX);
}

/* Expects c next; false (and not bad) at the end of the value for ','. */
static bool rd_sep(struct rd *r, char c)
{
	if (!r->bad && r->p < r->end && *r->p == c) {
		r->p++;
		return true;
	}
	if (c != ',' || r->p != r->end)
		r->bad = true;
	return false;
}

/* Up to the next ':' (a kind name or a term). */
static void rd_word(struct rd *r, char *buf, size_t size)
{
	size_t n = 0;
	while (r->p < r->end && *r->p != ':' && n + 1 < size)
		buf[n++] = *r->p++;
	buf[n] = '\0';
	if (n == 0 || (r->p < r->end && *r->p != ':'))
		r->bad = true;
}

static void rd_kinds(struct rd *r, struct ledger_agg *a)
{
	do {
		char name[32];
		int k;
		rd_word(r, name, sizeof name);
		if (r->bad || (k = ledger_kind_from_name(name)) < 0 || a->n[k]) {
			r->bad = true;
			return;
		}
		rd_sep(r, ':');
		a->n[k] = rd_u32(r);
		rd_sep(r, ':');
		a->first_at[k] = rd_time(r);
		rd_sep(r, ':');
		a->last_at[k] = rd_time(r);
	} while (!r->bad && rd_sep(r, ','));
}

static void rd_terms(struct rd *r, struct ledger_agg *a)
{
	do {
		struct textvec_term *t;
		char term[TEXTVEC_TERM_MAX];
		rd_word(r, term, sizeof term);
		/* a duplicate would only double-count one term; not worth O(K^2) here */
		if (r->bad || a->terms.n == TEXTVEC_K) {
			r->bad = true;
			return;
		}
		t = &a->terms.t[a->terms.n++];
		memcpy(t->term, term, sizeof term);
		rd_sep(r, ':');
		t->count = rd_u32(r);
		rd_sep(r, ':');
		t->err = rd_u32(r);
		r->bad = r->bad || t->err >= t->count;
	} while (!r->bad && rd_sep(r, ','));
}

static void rd_turns(struct rd *r, struct ledger_agg *a)
{
	a->turn_at = rd_time(r);
	rd_sep(r, ':');
	a->turn_dir = (int8_t)rd_i64(r, -1, 1);
	rd_sep(r, ':');
	a->n_exchanges = rd_u32(r);
	rd_sep(r, ':');
	a->exchange0_at = rd_time(r);
	rd_sep(r, ':');
	a->inits_mentor = rd_u32(r);
	rd_sep(r, ':');
	a->inits_user = rd_u32(r);
}

static void rd_posts(struct rd *r, struct ledger_agg *a)
{
	a->posts_own = rd_u32(r);
	rd_sep(r, ':');
	a->replies_other = rd_u32(r);
	rd_sep(r, ':');
	a->post_rate_u = rd_i64(r, 0, INT64_MAX);
	rd_sep(r, ':');
	a->post_rate_at = rd_time(r);
}

/* One key=value; unknown keys are skipped. */
static void rd_field(struct rd *r, const char *key, size_t klen, struct ledger_agg *a)
{
#define KEY(s) (klen == sizeof(s) - 1 && memcmp(key, s, klen) == 0)
	if (KEY("f")) {
		a->follow_at = rd_time(r);
	} else if (KEY("k")) {
		rd_kinds(r, a);
	} else if (KEY("w")) {
		for (int i = 0; i < 3; i++) {
			a->weak_at[i] = rd_time(r);
			if (i < 2)
				rd_sep(r, ':');
		}
	} else if (KEY("c")) {
		a->connected_at = rd_time(r);
	} else if (KEY("g")) {
		a->n_gaps = rd_u32(r);
		rd_sep(r, ':');
		a->gap_ewma_n = rd_i64(r, 0, INT64_MAX);
		rd_sep(r, ':');
		a->n_sessions = rd_u32(r);
	} else if (KEY("x")) {
		rd_turns(r, a);
	} else if (KEY("wd")) {
		a->words_in = rd_u32(r);
		rd_sep(r, ':');
		a->words_out = rd_u32(r);
	} else if (KEY("nw")) {
		a->networks = (uint8_t)rd_i64(r, 0, 255);
	} else if (KEY("p")) {
		rd_posts(r, a);
	} else if (KEY("tt")) {
		a->terms.total = rd_u32(r);
	} else if (KEY("t")) {
		rd_terms(r, a);
	} else {
		r->p = r->end;
	}
	if (r->p != r->end)
		r->bad = true;
#undef KEY
}

int ledger_agg_parse(struct ledger_agg *a, const char *text)
{
	const char *s = text;

	ledger_agg_init(a, 0);
	if (!s)
		return -EINVAL;
	if (strncmp(s, "v1", 2) != 0 || (s[2] && s[2] != ' '))
		return s[0] == 'v' ? -ENOTSUP : -EINVAL;
	for (s += 2; *s;) {
		const char *tok, *eq;
		struct rd r;
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		tok = s;
		while (*s && *s != ' ')
			s++;
		if (!(eq = memchr(tok, '=', (size_t)(s - tok))) || eq == tok) {
			ledger_agg_init(a, 0);
			return -EINVAL;
		}
		r = (struct rd){ eq + 1, s, false };
		rd_field(&r, tok, (size_t)(eq - tok), a);
		if (r.bad) {
			ledger_agg_init(a, 0);
			return -EINVAL;
		}
	}
	return 0;
}
