/* ledger_strength.c — relationship strength, 0–100, as the sum of eight
 * named contributions. Weights follow the tie-strength evidence in
 * docs/field-research.md §4 (Gilbert & Karahalios 2009 and its Twitter
 * replication, PingCRM, Cloze); the numbers are explained in docs/SCORING.md. */
#include "ledger/ledger_internal.h"
#include "net/net.h"

#include <math.h>
#include <stdio.h>

#define W_RECENCY     25.0
#define RECENCY_STEP   8.0     /* any contact at all: G&K's "never vs once" effect */
#define RECENCY_HALF  (30.0 * LEDGER_DAY)
#define W_DURATION    15.0
#define DURATION_FULL 365.0   /* days since first contact for full points (log scale) */
#define W_RECIPROCITY 15.0
#define W_INITIATIVE   5.0
#define W_WORDS       15.0
#define WORDS_FULL  1500.0    /* words exchanged in threads for full points (log scale) */
#define W_PRIVATE     15.0
#define W_SESSIONS     5.0
#define SESSIONS_FULL 30.0    /* distinct contact sessions for full points (log scale) */
#define W_NETWORKS     5.0

static double log_share(double x, double full)
{
	double v = log1p(x > 0 ? x : 0) / log1p(full);
	return v > 1 ? 1 : v;
}

static void recency(const struct ledger_agg *a, int64_t now, struct ledger_acc *s)
{
	int64_t last = ledger_agg_last_contact(a);
	double age, v;
	char span[32];

	if (!last) {
		ledger_contrib(s, "recency", 0, W_RECENCY, "no contact yet");
		return;
	}
	age = now > last ? (double)(now - last) : 0;
	v = RECENCY_STEP + (W_RECENCY - RECENCY_STEP) * exp2(-age / RECENCY_HALF);
	if (s->why)
		ledger_fmt_span(span, sizeof span, (int64_t)age);
	ledger_contrib(s, "recency", v, W_RECENCY, "last contact %s ago", s->why ? span : "");
}

static void duration(const struct ledger_agg *a, int64_t now, struct ledger_acc *s)
{
	int64_t first = ledger_agg_first_contact(a);
	double days = first && now > first ? (double)(now - first) / LEDGER_DAY : 0;
	char span[32];

	if (s->why)
		ledger_fmt_span(span, sizeof span, (int64_t)(days * LEDGER_DAY));
	if (!first)
		ledger_contrib(s, "duration", 0, W_DURATION, "no contact yet");
	else
		ledger_contrib(s, "duration", W_DURATION * log_share(days, DURATION_FULL), W_DURATION,
		               "first contact %s ago", s->why ? span : "");
}

/* min/max of weighted actions each way (PingCRM's balance), and the share of
 * conversations the mentor started (G&K: who initiates). */
static void reciprocity(const struct ledger_agg *a, struct ledger_acc *s)
{
	double in = 0, out = 0, bal, hi, lo;
	unsigned starts = a->inits_mentor + a->inits_user;
	double init;

	for (int k = 0; k < LEDGER_KIND_COUNT; k++) {
		int dir = ledger_kind_dir(k);
		if (dir == 1)
			in += a->n[k] * ledger_kind_weight(k);
		if (dir == -1 || k == LEDGER_CONNECTION)   /* both accepted a connection */
			out += a->n[k] * ledger_kind_weight(k);
	}
	hi = in > out ? in : out;
	lo = in > out ? out : in;
	bal = hi > 0 ? lo / hi : 0;
	ledger_contrib(s, "reciprocity", W_RECIPROCITY * bal, W_RECIPROCITY,
	               "they acted on you %.1f, you on them %.1f (weighted: like 0.2, repost 0.5, "
	               "reply 1)", in, out);
	init = starts ? 2.0 * a->inits_mentor / starts : 0;
	ledger_contrib(s, "initiative", W_INITIATIVE * (init > 1 ? 1 : init), W_INITIATIVE,
	               "they started %u of %u conversations", a->inits_mentor, starts);
}

static void words(const struct ledger_agg *a, struct ledger_acc *s)
{
	double w = (double)a->words_in + a->words_out;
	ledger_contrib(s, "words", W_WORDS * log_share(w, WORDS_FULL), W_WORDS,
	               "%.0f words exchanged in threads (you %u, them %u)", w, a->words_out, a->words_in);
}

/* DMs and contact off the networks: the intimacy dimension, a step plus a
 * bit. An e-mail or DM counts when they wrote it: the user's own unanswered
 * messages say nothing about the tie. */
static void private_contact(const struct ledger_agg *a, struct ledger_acc *s)
{
	unsigned n = a->n[LEDGER_EMAIL_TO_ME] + a->n[LEDGER_DM_TO_ME];
	double v;
	for (int k = 0; k < LEDGER_KIND_COUNT; k++)
		if (ledger_kind_is_offline(k))
			n += a->n[k];
	v = n == 0 ? 0 : n == 1 ? 10 : n == 2 ? 12.5 : W_PRIVATE;
	ledger_contrib(s, "private", v, W_PRIVATE, "%u DMs, emails, calls or meetings", n);
}

static void sessions(const struct ledger_agg *a, struct ledger_acc *s)
{
	ledger_contrib(s, "rhythm", W_SESSIONS * log_share(a->n_sessions, SESSIONS_FULL), W_SESSIONS,
	               "talked on %u separate occasions", a->n_sessions);
}

/* The channels of agg.networks by name: "mastodon, email". */
static void channel_names(unsigned mask, char *buf, size_t size)
{
	const struct net_platform *const *nets = net_platforms();
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned bit = 0; bit < 8 && used < size; bit++) {
		const char *name = bit == LEDGER_NET_EMAIL_BIT ? "email"
		                 : bit == LEDGER_NET_LINKEDIN_BIT ? "linkedin"
		                 : bit == LEDGER_NET_OTHER_BIT ? "other" : NULL;
		if (!(mask & (1u << bit)))
			continue;
		for (unsigned i = 0; !name && nets[i]; i++)
			name = i == bit ? nets[i]->name : NULL;
		used += ledger_printf(buf + used, size - used, "%s%s", used ? ", " : "", name ? name : "other");
	}
}

static void networks(const struct ledger_agg *a, struct ledger_acc *s)
{
	unsigned n = 0;
	double v;
	char names[80] = "";
	for (unsigned m = a->networks; m; m &= m - 1)
		n++;
	v = n > 1 ? W_NETWORKS * (n - 1) / 2.0 : 0;
	if (s->why)
		channel_names(a->networks, names, sizeof names);
	ledger_contrib(s, "networks", v > W_NETWORKS ? W_NETWORKS : v, W_NETWORKS,
	               "in contact on %u channel%s%s%s", n, n == 1 ? "" : "s", n ? ": " : "", names);
}

double ledger_strength(const struct ledger_agg *a, int64_t now, struct ledger_score *why)
{
	struct ledger_acc s;

	ledger_acc_init(&s, why);
	recency(a, now, &s);
	duration(a, now, &s);
	reciprocity(a, &s);
	words(a, &s);
	private_contact(a, &s);
	sessions(a, &s);
	networks(a, &s);
	return s.total;
}
