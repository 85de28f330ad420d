/* ledger_stage.c — the Follow → Participate → Establish → Connected ladder
 * with milestone dates, and dormancy measured against the pair's own rhythm. */
#include "ledger/ledger_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const next_steps[LEDGER_STAGE_COUNT] = {
	[LEDGER_FOLLOW] = "read their posts for a while, then like or reply thoughtfully to one in your area",
	[LEDGER_PARTICIPATE] = "add substantive replies or questions that bring something to their posts",
	[LEDGER_ESTABLISH] = "keep the conversation going; when it feels natural, suggest a DM or a short call",
	[LEDGER_CONNECTED] = "stay in touch at your usual rhythm; share progress and ask for specific advice",
	[LEDGER_DORMANT] = "reconnect lightly: reply to a recent post or send a short update",
};

static int64_t min_nonzero(int64_t a, int64_t b)
{
	return !a ? b : !b ? a : (a < b ? a : b);
}

static int64_t earliest(const struct ledger_agg *a, bool (*want)(enum ledger_kind))
{
	int64_t t = 0;
	for (int k = 0; k < LEDGER_KIND_COUNT; k++)
		if (a->n[k] && want(k))
			t = min_nonzero(t, a->first_at[k]);
	return t;
}

static bool any_kind(enum ledger_kind k) { return true; }
static bool user_acted(enum ledger_kind k)
{
	return ledger_kind_dir(k) == -1 || ledger_kind_dir(k) == 2;
}
/* A response in words (an e-mail or DM from them too) or a follow-back (a
 * LinkedIn connection is one both accepted); offline contact is two-way. */
static bool mentor_responded(enum ledger_kind k)
{
	return k == LEDGER_REPLY_TO_ME || k == LEDGER_MENTION_OF_ME || k == LEDGER_QUOTE_OF_MINE ||
	       k == LEDGER_FOLLOW_OF_ME || k == LEDGER_EMAIL_TO_ME || k == LEDGER_DM_TO_ME ||
	       k == LEDGER_CONNECTION || ledger_kind_is_offline(k);
}

static void milestones(const struct ledger_agg *a, int64_t reached[LEDGER_STAGE_COUNT])
{
	reached[LEDGER_FOLLOW] = a->follow_at ? a->follow_at : earliest(a, any_kind);
	reached[LEDGER_PARTICIPATE] = earliest(a, user_acted);
	reached[LEDGER_ESTABLISH] = min_nonzero(earliest(a, mentor_responded),
	                                        a->weak_at[LEDGER_WEAK_ESTABLISH - 1]);
	reached[LEDGER_CONNECTED] = a->connected_at;
}

/* The silence that makes this pair dormant: LEDGER_DORMANT_K times its usual
 * gap, within [floor, cap], or the default while the rhythm is unknown. */
static void dormancy_threshold(const struct ledger_agg *a, struct ledger_stage_info *o)
{
	double t;
	o->n_gaps = a->n_gaps;
	o->typical_gap = a->n_gaps ? (int64_t)llround(exp(a->gap_ewma_n / 1e9)) : 0;
	if (a->n_gaps < LEDGER_MIN_GAPS) {
		o->default_threshold = true;
		o->threshold = LEDGER_DORMANT_DEFAULT;
		return;
	}
	t = LEDGER_DORMANT_K * (double)o->typical_gap;
	o->threshold = t < LEDGER_DORMANT_FLOOR ? LEDGER_DORMANT_FLOOR
	             : t > LEDGER_DORMANT_CAP ? LEDGER_DORMANT_CAP : (int64_t)t;
}

/* The first clause says how the stage was reached, the second the clock. */
static size_t explain_stage(const struct ledger_agg *a, const struct ledger_stage_info *o,
                            char *buf, size_t size)
{
	char when[16];
	int64_t offline = earliest(a, ledger_kind_is_offline);

	ledger_fmt_date(when, sizeof when, o->reached[o->computed]);
	if (o->computed == LEDGER_FOLLOW)
		return ledger_printf(buf, size, "following only, no interaction yet");
	if (o->computed == LEDGER_CONNECTED && offline && offline == a->connected_at)
		return ledger_printf(buf, size, "connected since %s (contact off the networks)", when);
	if (o->computed == LEDGER_CONNECTED)
		return ledger_printf(buf, size, "connected since %s (%u two-way exchanges)", when,
		                        a->n_exchanges);
	return ledger_printf(buf, size, "%s since %s", ledger_stage_name(o->computed), when);
}

static void explain(const struct ledger_agg *a, struct ledger_stage_info *o)
{
	char silence[32], limit[32], gap[32], rule[80];
	size_t n = 0;

	ledger_fmt_span(silence, sizeof silence, o->silence);
	ledger_fmt_span(limit, sizeof limit, o->threshold);
	ledger_fmt_span(gap, sizeof gap, o->typical_gap);
	if (o->default_threshold)
		ledger_printf(rule, sizeof rule, "the default while fewer than %d gaps are known", LEDGER_MIN_GAPS);
	else
		ledger_printf(rule, sizeof rule, "%.0f x the usual gap of %s", LEDGER_DORMANT_K, gap);
	if (o->pinned && o->stage != o->computed)
		n = ledger_printf(o->why, sizeof o->why, "pinned to %s; the ledger says ",
		                     ledger_stage_name(o->stage));
	if (n < sizeof o->why)
		n += explain_stage(a, o, o->why + n, sizeof o->why - n);
	if (!o->last_contact || n >= sizeof o->why)
		return;
	if (o->computed == LEDGER_DORMANT)
		ledger_printf(o->why + n, sizeof o->why - n, ": %s without contact, longer than %s (%s); "
		         "any interaction restarts the clock", silence, limit, rule);
	else
		ledger_printf(o->why + n, sizeof o->why - n, "; last contact %s ago, dormant after %s (%s)",
		         silence, limit, rule);
}

void ledger_stage(const struct ledger_agg *a, int64_t now, enum ledger_stage pinned,
                  struct ledger_stage_info *o)
{
	memset(o, 0, sizeof *o);
	milestones(a, o->reached);
	o->ladder = LEDGER_FOLLOW;
	for (int s = LEDGER_CONNECTED; s > LEDGER_FOLLOW; s--)
		if (o->reached[s]) {
			o->ladder = s;
			break;
		}
	o->last_contact = ledger_agg_last_contact(a);
	o->silence = o->last_contact && now > o->last_contact ? now - o->last_contact : 0;
	dormancy_threshold(a, o);

	o->computed = o->ladder;
	if (o->ladder >= LEDGER_PARTICIPATE && o->last_contact && o->silence > o->threshold) {
		o->computed = LEDGER_DORMANT;
		o->reached[LEDGER_DORMANT] = o->last_contact + o->threshold;
	}
	o->pinned = pinned > LEDGER_STAGE_NONE && pinned < LEDGER_STAGE_COUNT;
	o->stage = o->pinned ? pinned : o->computed;
	o->next_step = next_steps[o->computed];
	explain(a, o);
}
