/* ledger_suggest.c — ranking authors the user does not follow yet: mentor
 * fit plus a small bonus for a warm path (they already talk with the user's
 * mentors, field-research §5 "warm paths", §6 Mastodon #7918), each with
 * human-readable reasons. Dismissed accounts are the caller's filter. */
#include "ledger/ledger_internal.h"

#include <stdio.h>
#include <string.h>

#define W_WARM     10.0
#define WARM_FULL   3.0   /* times seen in mentors' conversations for the whole bonus */
#define OFTEN       5     /* "posts #tag often" from this many uses */

static bool better(double rank, double fit, int64_t id, const struct ledger_suggestion *o)
{
	if (rank != o->rank)
		return rank > o->rank;
	if (fit != o->fit)
		return fit > o->fit;
	return id < o->id;
}

/* Inserts into the sorted top list out[0..*k). While ranking, n_reasons holds
 * the candidate's index; reasons are written once the winners are known. */
static void keep_best(struct ledger_suggestion *out, size_t max_out, size_t *k, size_t idx,
                      int64_t id, double fit, double rank)
{
	size_t j = *k;
	if (j == max_out && !better(rank, fit, id, &out[j - 1]))
		return;
	if (j == max_out)
		j--;
	else
		(*k)++;
	for (; j > 0 && better(rank, fit, id, &out[j - 1]); j--)
		out[j] = out[j - 1];
	out[j].id = id;
	out[j].fit = fit;
	out[j].rank = rank;
	out[j].n_reasons = idx;
}

static void add_reason(struct ledger_suggestion *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_reason(struct ledger_suggestion *s, const char *fmt, ...)
{
	va_list ap;
	if (s->n_reasons >= LEDGER_MAX_REASONS)
		return;
	va_start(ap, fmt);
	ledger_vprintf(s->reasons[s->n_reasons++], LEDGER_DETAIL_MAX, fmt, ap);
	va_end(ap);
}

static void topic_reasons(struct ledger_suggestion *s, const struct textvec_match *m, size_t n)
{
	char words[LEDGER_DETAIL_MAX - 32] = "";
	size_t len = 0, n_tags = 0, n_words = 0;
	unsigned word_uses = 0;

	for (size_t i = 0; i < n; i++) {
		if (m[i].term[0] == '#' && n_tags < 2) {
			n_tags++;
			add_reason(s, "posts %s%s (%u time%s)", m[i].term, m[i].count >= OFTEN ? " often" : "",
			           m[i].count, m[i].count == 1 ? "" : "s");
		} else if (m[i].term[0] != '#' && n_words < 3 && len < sizeof words) {
			int w = snprintf(words + len, sizeof words - len, "%s%s", n_words ? ", " : "", m[i].term);
			len += w > 0 ? (size_t)w : 0;
			n_words++;
			word_uses += m[i].count;
		}
	}
	if (n_words)
		add_reason(s, "writes about %s (%u time%s)", words, word_uses, word_uses == 1 ? "" : "s");
}

static void reasons(struct ledger_suggestion *s, const struct ledger_candidate *c, int64_t now,
                    const struct textvec_query *q, const struct textvec_df *df)
{
	const struct ledger_agg *a = c->agg;
	struct textvec_align al;
	struct ledger_fit_parts p;

	s->n_reasons = 0;
	ledger_fit_parts(a, now, q, df, &p, &al);
	topic_reasons(s, al.m, al.n_matches);
	if (c->seen_in_threads)
		add_reason(s, "takes part in your mentors' conversations (%u time%s, %u mentor%s)",
		           c->seen_in_threads, c->seen_in_threads == 1 ? "" : "s", c->n_mentors,
		           c->n_mentors == 1 ? "" : "s");
	if (a->posts_own >= 3) {
		double share = 100.0 * a->replies_other / a->posts_own;
		add_reason(s, "%s to others (%.0f%% of posts)", share >= 20 ? "replies" : "rarely replies",
		           share);
	}
	if (c->seen_in_tags)
		add_reason(s, "seen %u time%s in your tracked hashtags, about %.1f posts a week",
		           c->seen_in_tags, c->seen_in_tags == 1 ? "" : "s", p.rate_week);
}

size_t ledger_suggest(const struct ledger_candidate *c, size_t n, int64_t now,
                      const struct textvec_query *interests, const struct textvec_df *df,
                      struct ledger_suggestion *out, size_t max_out)
{
	size_t k = 0;

	if (max_out == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		struct ledger_fit_parts p;
		double warm;
		if (!c[i].agg)
			continue;
		/* Someone who tagged the user in a post the draft check flags is
		 * no one to suggest. */
		if (c[i].agg->n[LEDGER_TAGGED_RISK])
			continue;
		ledger_fit_parts(c[i].agg, now, interests, df, &p, NULL);
		if (p.align <= 0 && c[i].seen_in_threads == 0)
			continue;   /* nothing ties them to the user */
		warm = W_WARM * (c[i].seen_in_threads >= WARM_FULL ? 1 : c[i].seen_in_threads / WARM_FULL);
		keep_best(out, max_out, &k, i, c[i].id, p.total, p.total + warm);
	}
	for (size_t j = 0; j < k; j++)
		reasons(&out[j], &c[out[j].n_reasons], now, interests, df);
	return k;
}
