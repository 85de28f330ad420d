/* ledger_fit.c — mentor fit, 0–100: how good a match the author is for the
 * user, from what the author posts, not from the user's tie with them (that
 * is ledger_strength). The three observable factors of
 * docs/field-research.md §5 — topic 0.30, responsiveness 0.20, activity 0.05
 * — rescaled to 55/35/10; docs/SCORING.md has the rest. */
#include "ledger/ledger_internal.h"

#include <stdio.h>
#include <string.h>

#define ALIGN_FULL        0.35   /* alignment (cosine) that earns every topic point */
#define RESP_PRIOR_SHARE  0.15   /* assumed share of replies before evidence ... */
#define RESP_PRIOR_POSTS 10.0    /* ... worth this many posts */
#define RESP_FULL         0.40   /* share of replies to others that earns every point */
#define ACTIVE_LOW        3.0    /* posts a week for full activity points */
#define ACTIVE_HIGH      35.0    /* above this, a firehose: points fall as HIGH/rate */
#define ACTIVE_MIN_SHARE  0.5    /* ... but never below half */

static double cap1(double x)
{
	return x > 1 ? 1 : x < 0 ? 0 : x;
}

void ledger_fit_parts(const struct ledger_agg *a, int64_t now, const struct textvec_query *q,
                      const struct textvec_df *df, struct ledger_fit_parts *p,
                      struct textvec_align *al)
{
	double act;

	p->align = textvec_align(q, &a->terms, df, al);
	p->topic = LEDGER_FIT_W_TOPIC * cap1(p->align / ALIGN_FULL);
	/* shrunk towards the prior so one reply among two posts is not "very responsive" */
	p->resp_share = (a->replies_other + RESP_PRIOR_SHARE * RESP_PRIOR_POSTS) /
	                (a->posts_own + RESP_PRIOR_POSTS);
	p->resp = LEDGER_FIT_W_RESP * cap1(p->resp_share / RESP_FULL);
	p->rate_week = ledger_post_rate_week(a, now);
	if (p->rate_week < ACTIVE_LOW)
		act = p->rate_week / ACTIVE_LOW;
	else if (p->rate_week <= ACTIVE_HIGH)
		act = 1;
	else
		act = ACTIVE_HIGH / p->rate_week < ACTIVE_MIN_SHARE ? ACTIVE_MIN_SHARE
		    : ACTIVE_HIGH / p->rate_week;
	p->activity = LEDGER_FIT_W_ACTIVITY * act;
	p->total = p->topic + p->resp + p->activity;
}

/* "#cardiology (14), cardiology (6), heart (3)" */
/* "#cardiology (14), cardiology (6), heart (3)" */
static void list_matches(char *buf, size_t size, const struct textvec_match *m, size_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && len + 1 < size; i++)
		len += ledger_printf(buf + len, size - len, "%s%s (%u)", i ? ", " : "", m[i].term, m[i].count);
}

static void topic_detail(struct ledger_acc *s, const struct textvec_query *q,
                         const struct ledger_fit_parts *p, const struct textvec_align *al)
{
	char terms[LEDGER_DETAIL_MAX], also[LEDGER_DETAIL_MAX] = "";
	if (!q || !q->n) {
		ledger_contrib(s, "topic", p->topic, LEDGER_FIT_W_TOPIC, "no interests configured");
		return;
	}
	if (al->best < 0) {
		ledger_contrib(s, "topic", p->topic, LEDGER_FIT_W_TOPIC, "shares no terms with your interests");
		return;
	}
	list_matches(terms, sizeof terms, al->m, al->n_matches < 3 ? al->n_matches : 3);
	if (al->second >= 0)
		ledger_printf(also, sizeof also, "; also '%s' %.2f", q->name[al->second], al->second_cos);
	ledger_contrib(s, "topic", p->topic, LEDGER_FIT_W_TOPIC, "'%s' cosine %.2f: %s%s",
	               q->name[al->best], al->best_cos, terms, also);
}

double ledger_fit(const struct ledger_agg *a, int64_t now, const struct textvec_query *interests,
                  const struct textvec_df *df, struct ledger_score *why)
{
	struct ledger_fit_parts p;
	struct textvec_align al;
	struct ledger_acc s;

	if (!why) {
		ledger_fit_parts(a, now, interests, df, &p, NULL);
		return p.total;
	}
	ledger_fit_parts(a, now, interests, df, &p, &al);
	ledger_acc_init(&s, why);
	topic_detail(&s, interests, &p, &al);
	if (a->posts_own)
		ledger_contrib(&s, "responsiveness", p.resp, LEDGER_FIT_W_RESP,
		               "replies to others in %u of %u posts (%.0f%%)", a->replies_other,
		               a->posts_own, 100.0 * a->replies_other / a->posts_own);
	else
		ledger_contrib(&s, "responsiveness", p.resp, LEDGER_FIT_W_RESP,
		               "no posts seen yet (assumed %.0f%%)", 100 * RESP_PRIOR_SHARE);
	ledger_contrib(&s, "activity", p.activity, LEDGER_FIT_W_ACTIVITY,
	               p.rate_week > ACTIVE_HIGH ? "about %.0f posts a week: very busy"
	               : p.rate_week > 0.05 ? "about %.1f posts a week" : "no recent posts (%.1f a week)",
	               p.rate_week);
	return s.total;
}
