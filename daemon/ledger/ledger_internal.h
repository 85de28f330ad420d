/* ledger_internal.h — what the ledger_*.c files share: the constants of
 * docs/SCORING.md (change them there too), the classification of event
 * kinds, and small formatting helpers. Not for use outside the ledger. */
#ifndef MENTORD_LEDGER_INTERNAL_H
#define MENTORD_LEDGER_INTERNAL_H

#include "ledger/ledger.h"

#include <stdarg.h>

/* Rhythm and dormancy (SCORING.md "Stage"). */
#define LEDGER_SESSION_GAP      (12 * 3600)       /* closer contacts are one session */
#define LEDGER_EWMA_ALPHA       0.2               /* weight of the newest gap once n >= 5 */
#define LEDGER_DORMANT_K        8.0               /* silence > 8 x usual gap (Navarro 2017) */
#define LEDGER_DORMANT_FLOOR    (7 * LEDGER_DAY)
#define LEDGER_DORMANT_CAP      (180 * LEDGER_DAY)
#define LEDGER_DORMANT_DEFAULT  (60 * LEDGER_DAY) /* fewer than LEDGER_MIN_GAPS gaps */
#define LEDGER_MIN_GAPS         3
/* Milestones. */
#define LEDGER_WEAK_ESTABLISH   3                 /* likes/reposts that count as a response */
#define LEDGER_EXCHANGE_WINDOW  (14 * LEDGER_DAY) /* an answer within this is an exchange */
#define LEDGER_CONNECT_EXCHANGES 3
#define LEDGER_CONNECT_SPAN     (7 * LEDGER_DAY)  /* ...spread over at least a week */
#define LEDGER_INIT_QUIET       (3 * LEDGER_DAY)  /* a turn after this much quiet starts
                                                     a conversation */
/* Activity. */
#define LEDGER_POST_HALFLIFE    (28 * LEDGER_DAY)

/* agg.networks: bit i for the registry's network i, a bit each for e-mail
 * and LinkedIn, the top bit for any other channel. */
#define LEDGER_NET_LINKEDIN_BIT 5
#define LEDGER_NET_EMAIL_BIT    6
#define LEDGER_NET_OTHER_BIT    7

/* A conversation turn: reply, mention, quote, e-mail or DM, either direction. */
bool ledger_kind_is_turn(enum ledger_kind k);
/* An e-mail or a LinkedIn DM, either direction (a turn, and private contact). */
bool ledger_kind_is_message(enum ledger_kind k);
/* met, email, call, meeting, dm. */
bool ledger_kind_is_offline(enum ledger_kind k);
/* Weight in the reciprocity balance: turns and follow-back 1, repost 0.5, like 0.2. */
double ledger_kind_weight(enum ledger_kind k);
unsigned ledger_platform_bit(const char *platform);

/* Posts per week implied by the decayed post count at time now. */
double ledger_post_rate_week(const struct ledger_agg *a, int64_t now);

/* Sums contributions; records and formats them only when why is set (the
 * fast path of a sorted list needs the number alone). */
struct ledger_acc {
	double total;
	struct ledger_score *why;   /* may be NULL */
};
void ledger_acc_init(struct ledger_acc *acc, struct ledger_score *why);
void ledger_contrib(struct ledger_acc *acc, const char *name, double value, double weight,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* snprintf that never leaves half a UTF-8 character at a cut (messages quote
 * post text). Returns the length written. */
size_t ledger_printf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same with a va_list. */
size_t ledger_vprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* "3 days", "1 hour", "5 weeks", "2 months", "1 year". */
void ledger_fmt_span(char *buf, size_t size, int64_t seconds);
/* "2025-03-14" (UTC). */
void ledger_fmt_date(char *buf, size_t size, int64_t t);

/* Mentor fit, as numbers (ledger_fit and ledger_suggest share it). */
struct ledger_fit_parts {
	double align;                     /* textvec_align() score, 0..1 */
	double topic, resp, activity;     /* points */
	double resp_share;                /* smoothed share of replies to others */
	double rate_week;                 /* posts per week */
	double total;
};
/* al: the topic alignment's details (may be NULL). */
void ledger_fit_parts(const struct ledger_agg *a, int64_t now, const struct textvec_query *q,
                      const struct textvec_df *df, struct ledger_fit_parts *p,
                      struct textvec_align *al);
/* Fit weights, for the suggestion reasons. */
#define LEDGER_FIT_W_TOPIC     55.0
#define LEDGER_FIT_W_RESP      35.0
#define LEDGER_FIT_W_ACTIVITY  10.0

#endif
