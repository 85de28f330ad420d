/* Unit tests for the ledger aggregate: vocabulary, stages and milestone
 * dates, rhythm-relative dormancy, relationship strength, serialisation.
 * Each ledger is built by hand and the expected values are worked out in
 * the comments next to the checks. */
#include "ledger/ledger.h"
#include "tap.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0   1735689600LL   /* 2025-01-01T00:00:00Z */
#define HOUR 3600LL
#define DAY  86400LL

static void add(struct ledger_agg *a, enum ledger_kind k, int64_t at)
{
	struct ledger_event e = { .kind = k, .at = at, .platform = "mastodon" };
	ledger_agg_add(a, &e);
}

static void add_text(struct ledger_agg *a, enum ledger_kind k, int64_t at, const char *text)
{
	struct ledger_event e = { .kind = k, .at = at, .platform = "mastodon", .text = text };
	ledger_agg_add(a, &e);
}

static enum ledger_stage stage_at(const struct ledger_agg *a, int64_t now)
{
	struct ledger_stage_info st;
	ledger_stage(a, now, LEDGER_STAGE_NONE, &st);
	return st.stage;
}

static void test_vocabulary(void)
{
	int all = 1;
	for (int k = 0; k < LEDGER_KIND_COUNT; k++)
		all = all && ledger_kind_from_name(ledger_kind_name(k)) == k;
	ok(all, "every kind name round-trips");
	is_int(ledger_kind_from_name("my_reply"), LEDGER_MY_REPLY, "my_reply parses");
	/* the other channels' kinds follow note, in this order (the contract of #15) */
	is_int(LEDGER_MY_EMAIL, LEDGER_NOTE + 1, "my_email right after note");
	is_int(LEDGER_TAGGED_RISK, LEDGER_CONNECTION + 1, "tagged_risk right after connection (#16)");
	is_int(LEDGER_TAGGED_RISK, LEDGER_KIND_COUNT - 1, "tagged_risk is the last kind");
	is_str(ledger_kind_name(LEDGER_MY_EMAIL), "my_email", "my_email name");
	is_str(ledger_kind_name(LEDGER_EMAIL_TO_ME), "email_to_me", "email_to_me name");
	is_str(ledger_kind_name(LEDGER_MY_DM), "my_dm", "my_dm name");
	is_str(ledger_kind_name(LEDGER_DM_TO_ME), "dm_to_me", "dm_to_me name");
	is_str(ledger_kind_name(LEDGER_CONNECTION), "connection", "connection name");
	is_int(ledger_kind_from_name("dm_to_me"), LEDGER_DM_TO_ME, "dm_to_me parses");
	ok(ledger_kind_name(LEDGER_KIND_COUNT) == NULL, "no name past the last kind");
	is_int(ledger_kind_from_name("bogus"), -EINVAL, "unknown kind is -EINVAL");
	is_int(ledger_kind_from_name(NULL), -EINVAL, "NULL kind is -EINVAL");
	is_str(ledger_stage_name(LEDGER_ESTABLISH), "establish", "stage name");
	is_int(ledger_stage_from_name("dormant"), LEDGER_DORMANT, "dormant parses");
	is_int(ledger_stage_from_name("Connected"), -EINVAL, "stage names are exact");
	ok(ledger_stage_name(LEDGER_STAGE_NONE) == NULL, "no name for NONE");
}

static void test_add_rejects(void)
{
	struct ledger_agg a;
	struct ledger_event bad_kind = { .kind = LEDGER_KIND_COUNT, .at = T0 };
	struct ledger_event bad_time = { .kind = LEDGER_MY_LIKE, .at = 0 };
	ledger_agg_init(&a, T0);
	is_int(ledger_agg_add(&a, &bad_kind), -EINVAL, "unknown kind refused");
	is_int(ledger_agg_add(&a, &bad_time), -EINVAL, "time 0 refused");
	is_int(ledger_agg_last_activity(&a), 0, "refused events leave no trace");
}

/* follow -> participate (first my_*) -> establish (third like/repost of
 * mine: likes alone count weakly) */
static void test_ladder_weak(void)
{
	struct ledger_agg a;
	struct ledger_stage_info st;

	ledger_agg_init(&a, T0);
	ledger_stage(&a, T0 + DAY, LEDGER_STAGE_NONE, &st);
	is_int(st.stage, LEDGER_FOLLOW, "fresh: follow");
	is_int(st.reached[LEDGER_FOLLOW], T0, "follow date is when followed");
	ok(st.reached[LEDGER_PARTICIPATE] == 0 && st.last_contact == 0, "nothing else reached");

	add(&a, LEDGER_MY_LIKE, T0 + 1 * DAY);
	is_int(stage_at(&a, T0 + 2 * DAY), LEDGER_PARTICIPATE, "a like of the user: participate");
	add(&a, LEDGER_LIKE_OF_MINE, T0 + 2 * DAY);
	add(&a, LEDGER_LIKE_OF_MINE, T0 + 3 * DAY);
	is_int(stage_at(&a, T0 + 4 * DAY), LEDGER_PARTICIPATE, "two likes back: still participate");
	add(&a, LEDGER_REPOST_OF_MINE, T0 + 4 * DAY);
	ledger_stage(&a, T0 + 5 * DAY, LEDGER_STAGE_NONE, &st);
	is_int(st.stage, LEDGER_ESTABLISH, "third like/repost back: establish");
	is_int(st.reached[LEDGER_PARTICIPATE], T0 + 1 * DAY, "participate date = first my_like");
	is_int(st.reached[LEDGER_ESTABLISH], T0 + 4 * DAY, "establish date = third weak response");
	/* an older like arriving late moves the third-earliest to day 3 */
	add(&a, LEDGER_LIKE_OF_MINE, T0 + DAY + HOUR);
	ledger_stage(&a, T0 + 5 * DAY, LEDGER_STAGE_NONE, &st);
	is_int(st.reached[LEDGER_ESTABLISH], T0 + 3 * DAY, "late older like: establish date moves earlier");
}

/* Exchanges: a turn answering the other side within 14 days. Connected at
 * the third exchange once they span a week. */
static void test_ladder_exchanges(void)
{
	struct ledger_agg a;
	struct ledger_stage_info st;
	int64_t d1 = T0 + DAY;

	ledger_agg_init(&a, T0);
	add(&a, LEDGER_MY_REPLY, d1);                  /* starts a conversation */
	add(&a, LEDGER_REPLY_TO_ME, d1 + 1 * HOUR);    /* exchange 1 */
	ledger_stage(&a, d1 + 2 * HOUR, LEDGER_STAGE_NONE, &st);
	is_int(st.stage, LEDGER_ESTABLISH, "a reply back: establish");
	is_int(st.reached[LEDGER_ESTABLISH], d1 + HOUR, "establish date = the mentor's reply");
	add(&a, LEDGER_MY_REPLY, d1 + 2 * HOUR);       /* exchange 2 */
	add(&a, LEDGER_REPLY_TO_ME, d1 + 3 * HOUR);    /* exchange 3, but all in one day */
	is_int(stage_at(&a, d1 + 4 * HOUR), LEDGER_ESTABLISH, "3 exchanges in one day: not yet connected");
	add(&a, LEDGER_MY_REPLY, d1 + 8 * DAY);        /* exchange 4, 8 days after the first */
	ledger_stage(&a, d1 + 8 * DAY + HOUR, LEDGER_STAGE_NONE, &st);
	is_int(st.stage, LEDGER_CONNECTED, "exchanges over more than a week: connected");
	is_int(st.reached[LEDGER_CONNECTED], d1 + 8 * DAY, "connected date = the exchange that made it");
	ok(strstr(st.why, "connected since 2025-01-10") != NULL, "why names the date: %s", st.why);
	is_int(a.inits_user, 2, "the user started two conversations (day 1, day 9)");
	is_int(a.inits_mentor, 0, "the mentor started none");

	/* a same-side burst is not an exchange */
	ledger_agg_init(&a, T0);
	for (int i = 0; i < 6; i++)
		add(&a, LEDGER_MY_REPLY, T0 + i * 3 * DAY);
	is_int(a.n_exchanges, 0, "one-sided replies: no exchanges");
	is_int(stage_at(&a, T0 + 16 * DAY), LEDGER_PARTICIPATE, "one-sided replies: participate");
}

static void test_ladder_offline_and_pin(void)
{
	struct ledger_agg a;
	struct ledger_stage_info st;

	ledger_agg_init(&a, T0);
	add(&a, LEDGER_MEETING, T0 + 5 * DAY);
	ledger_stage(&a, T0 + 6 * DAY, LEDGER_STAGE_NONE, &st);
	is_int(st.stage, LEDGER_CONNECTED, "a meeting: connected at once");
	ok(st.reached[LEDGER_PARTICIPATE] == T0 + 5 * DAY && st.reached[LEDGER_ESTABLISH] == T0 + 5 * DAY &&
	   st.reached[LEDGER_CONNECTED] == T0 + 5 * DAY, "offline contact reaches every milestone that day");

	ledger_agg_init(&a, T0);
	add(&a, LEDGER_NOTE, T0 + DAY);
	is_int(stage_at(&a, T0 + 2 * DAY), LEDGER_FOLLOW, "a note is not contact");
	is_int(ledger_agg_last_contact(&a), 0, "a note sets no last contact");
	is_int(ledger_agg_last_activity(&a), T0 + DAY, "but it is activity");

	ledger_stage(&a, T0 + 2 * DAY, LEDGER_ESTABLISH, &st);
	ok(st.pinned && st.stage == LEDGER_ESTABLISH && st.computed == LEDGER_FOLLOW,
	   "pinned stage wins, computed still reported");
	ok(strstr(st.why, "pinned to establish") != NULL, "why mentions the pin: %s", st.why);

	ledger_agg_init(&a, 0);
	add(&a, LEDGER_MENTION_OF_ME, T0 + 3 * DAY);
	ledger_stage(&a, T0 + 4 * DAY, LEDGER_STAGE_NONE, &st);
	ok(st.stage == LEDGER_ESTABLISH && st.reached[LEDGER_PARTICIPATE] == 0,
	   "the mentor reached out first: establish without participate");
	is_int(st.reached[LEDGER_FOLLOW], T0 + 3 * DAY, "unknown follow date: first event");
}

/* Builds a pair in touch every `gap` seconds, n contacts, alternating sides.
 * Returns the last contact time. */
static int64_t rhythm(struct ledger_agg *a, int64_t gap, int n)
{
	ledger_agg_init(a, T0);
	for (int i = 0; i < n; i++)
		add(a, i % 2 ? LEDGER_REPLY_TO_ME : LEDGER_MY_REPLY, T0 + i * gap);
	return T0 + (n - 1) * gap;
}

static void test_dormancy_rhythm(void)
{
	struct ledger_agg daily, monthly;
	struct ledger_stage_info st;
	int64_t last_d = rhythm(&daily, DAY, 21), last_m = rhythm(&monthly, 30 * DAY, 7);

	/* daily: 20 gaps of 1 day -> usual gap 1 day, threshold 8 x 1 day = 8 days */
	ledger_stage(&daily, last_d + 5 * DAY, LEDGER_STAGE_NONE, &st);
	is_int(st.typical_gap, DAY, "daily pair: usual gap 1 day");
	is_int(st.threshold, 8 * DAY, "daily pair: dormant after 8 days");
	ok(!st.default_threshold && st.n_gaps == 20, "20 gaps known");
	ok(st.stage != LEDGER_DORMANT, "daily pair: not dormant after 5 days");
	ledger_stage(&daily, last_d + 10 * DAY, LEDGER_STAGE_NONE, &st);
	is_int(st.stage, LEDGER_DORMANT, "daily pair: dormant after 10 days");
	is_int(st.ladder, LEDGER_CONNECTED, "the ladder stage is kept under dormancy");
	is_int(st.reached[LEDGER_DORMANT], last_d + 8 * DAY, "dormant since last contact + threshold");
	ok(strstr(st.why, "dormant since") && strstr(st.why, "8 x the usual gap of 1 day"), "why: %s", st.why);

	/* monthly: usual gap 30 days -> 240 days, capped at 180 */
	ledger_stage(&monthly, last_m + 20 * DAY, LEDGER_STAGE_NONE, &st);
	ok(st.stage != LEDGER_DORMANT, "monthly pair: not dormant after 20 days");
	is_int(st.typical_gap, 30 * DAY, "monthly pair: usual gap 30 days");
	is_int(st.threshold, 180 * DAY, "monthly pair: threshold capped at 180 days");
	is_int(stage_at(&monthly, last_m + 181 * DAY), LEDGER_DORMANT, "monthly pair: dormant after 181 days");

	/* any interaction restarts the clock; milestones stay */
	add(&daily, LEDGER_MY_LIKE, last_d + 10 * DAY);
	ledger_stage(&daily, last_d + 10 * DAY + HOUR, LEDGER_STAGE_NONE, &st);
	is_int(st.stage, LEDGER_CONNECTED, "a like restarts the clock: back to connected");
	is_int(st.reached[LEDGER_DORMANT], 0, "no dormant date once restarted");
	is_int(st.typical_gap, DAY, "a like is not part of the conversation rhythm");
	/* a reply 10 days after the last one enters the rhythm: the EWMA of ln
	 * gaps moves 0.2 of the way to ln 10 days, i.e. 10^0.2 = 1.58 days */
	add(&daily, LEDGER_REPLY_TO_ME, last_d + 10 * DAY + 2 * HOUR);
	ledger_stage(&daily, last_d + 10 * DAY + 3 * HOUR, LEDGER_STAGE_NONE, &st);
	ok(llabs(st.typical_gap - (int64_t)(DAY * pow(10 + 2.0 / 24, 0.2))) <= 1,
	   "one long gap nudges the usual gap up to 1.59 days (%lld s)", (long long)st.typical_gap);
}

static void test_dormancy_default(void)
{
	struct ledger_agg a;
	struct ledger_stage_info st;

	ledger_agg_init(&a, T0);
	add(&a, LEDGER_MY_REPLY, T0);
	ledger_stage(&a, T0 + 59 * DAY, LEDGER_STAGE_NONE, &st);
	ok(st.default_threshold && st.threshold == 60 * DAY, "one contact: default threshold 60 days");
	ok(st.stage == LEDGER_PARTICIPATE, "not dormant after 59 days");
	is_int(stage_at(&a, T0 + 61 * DAY), LEDGER_DORMANT, "dormant after 61 days");

	/* contacts within 12 hours are one session: no gap recorded */
	add(&a, LEDGER_REPLY_TO_ME, T0 + 2 * HOUR);
	is_int(a.n_gaps, 0, "a reply 2 hours later is the same session");
	is_int(a.n_sessions, 1, "one session");

	/* a very fast rhythm is floored at 7 days */
	rhythm(&a, 13 * HOUR, 30);
	ledger_stage(&a, T0 + 40 * DAY, LEDGER_STAGE_NONE, &st);
	is_int(st.threshold, 7 * DAY, "13-hour rhythm: floor of 7 days");

	ledger_agg_init(&a, T0);
	is_int(stage_at(&a, T0 + 400 * DAY), LEDGER_FOLLOW, "follow-only is never dormant");
}

/* Recent two-way threads vs many old likes. Worked out with the weights of
 * docs/SCORING.md:
 * A (threads, last contact 1.92 days ago, first 9 days ago): recency
 *   8 + 17 * 2^(-1.92/30) = 24.3; duration 15 * ln(10)/ln(366) = 5.9;
 *   reciprocity 15 (3 vs 3); initiative: user started 1, mentor 1 (after 7
 *   quiet days) -> 5 * min(1, 2 * 1/2) = 5; words 6 turns x 24 = 144 ->
 *   15 * ln 145 / ln 1501 = 10.2; sessions 2 -> 5 * ln 3 / ln 31 = 1.6;
 *   private 0, networks 0; total 61.9.
 * B (50 likes by the user, the last 180 days ago): recency 8 + 17 * 2^-6 =
 *   8.3; duration (first 425 days ago) 15; reciprocity 0 (nothing back);
 *   no conversation, so no sessions and no words; total 23.3. */
static const char *const words25 =
	"I really enjoyed your thread on heart failure clinics and wonder how you "
	"structure the follow up visits for new patients in training programs";

static void build_threads(struct ledger_agg *a, int64_t now)
{
	ledger_agg_init(a, now - 30 * DAY);
	add_text(a, LEDGER_MY_REPLY, now - 9 * DAY, words25);
	add_text(a, LEDGER_REPLY_TO_ME, now - 9 * DAY + HOUR, words25);
	add_text(a, LEDGER_MY_REPLY, now - 9 * DAY + 2 * HOUR, words25);
	add_text(a, LEDGER_REPLY_TO_ME, now - 2 * DAY, words25);   /* mentor restarts after 7 quiet days */
	add_text(a, LEDGER_MY_REPLY, now - 2 * DAY + HOUR, words25);
	add_text(a, LEDGER_REPLY_TO_ME, now - 2 * DAY + 2 * HOUR, words25);
}

static void test_strength_ordering(void)
{
	int64_t now = T0 + 500 * DAY;
	struct ledger_agg a, b, c;
	struct ledger_score why;
	double sa, sb, sum = 0;
	int bounded = 1;

	build_threads(&a, now);
	ledger_agg_init(&b, now - 450 * DAY);
	for (int i = 0; i < 50; i++)
		add(&b, LEDGER_MY_LIKE, now - 425 * DAY + i * 5 * DAY);   /* last: 180 days ago */
	sa = ledger_strength(&a, now, &why);
	sb = ledger_strength(&b, now, NULL);
	ok(sa > sb, "recent two-way threads (%.1f) outrank many old likes (%.1f)", sa, sb);
	ok(fabs(sa - 61.9) < 0.1, "threads: 61.9 as worked out (%.2f)", sa);
	ok(fabs(sb - 23.3) < 0.1, "old likes: 23.3 as worked out (%.2f)", sb);
	ok(why.n == 8, "eight contributions");
	for (size_t i = 0; i < why.n; i++) {
		sum += why.c[i].value;
		bounded = bounded && why.c[i].value >= 0 && why.c[i].value <= why.c[i].weight + 1e-9;
	}
	ok(fabs(sum - why.score) < 1e-9 && fabs(why.score - sa) < 1e-9, "contributions sum to the score");
	ok(bounded, "each contribution within its weight");
	is_str(why.c[0].name, "recency", "first contribution is recency");
	is_str(why.c[0].detail, "last contact 2 days ago", "recency detail");
	ok(strstr(why.c[3].detail, "they started 1 of 2") != NULL, "initiative detail: %s", why.c[3].detail);
	ok(fabs(ledger_strength(&a, now, NULL) - sa) < 1e-12, "fast path gives the same score");

	ledger_agg_init(&c, T0);
	is_int((long long)ledger_strength(&c, now, &why), 0, "no contact: strength 0");
	is_str(why.c[0].detail, "no contact yet", "and says so");

	ok(ledger_strength(&a, now + 60 * DAY, NULL) < sa, "strength decays with silence");
	c = a;
	add(&c, LEDGER_DM, now - DAY);
	ok(ledger_strength(&c, now, NULL) > sa + 9, "a DM adds the private step (+10, minus nothing)");
	c = a;
	{
		struct ledger_event e = { .kind = LEDGER_MY_LIKE, .at = now - DAY, .platform = "bluesky" };
		ledger_agg_add(&c, &e);
	}
	ledger_strength(&c, now, &why);
	ok(fabs(why.c[7].value - 2.5) < 1e-9, "contact on a second network: +2.5 (%s)", why.c[7].detail);
}

/* Every field exercised, then format -> parse -> format. */
static void build_rich(struct ledger_agg *a)
{
	const char *tags[] = { "cardiology", "meded" };
	struct ledger_event p = { .kind = LEDGER_POST, .at = T0 + DAY, .platform = "x",
	                          .text = "New echo guidelines for residents", .tags = tags, .n_tags = 2,
	                          .flags = LEDGER_F_REPLY_TO_OTHER };
	rhythm(a, 2 * DAY, 9);
	ledger_agg_add(a, &p);
	p.at += DAY;
	p.flags = LEDGER_F_REPOST;
	ledger_agg_add(a, &p);
	add(a, LEDGER_LIKE_OF_MINE, T0 + 3 * DAY);
	add(a, LEDGER_CALL, T0 + 4 * DAY);
	add(a, LEDGER_NOTE, T0 + 4 * DAY);
	add_text(a, LEDGER_QUOTE_OF_MINE, T0 + 20 * DAY, "great point from a résident");
}

static void test_codec(void)
{
	struct ledger_agg a, b, c;
	char t1[LEDGER_AGG_TEXT_MAX], t2[LEDGER_AGG_TEXT_MAX], small[40];
	int n1, n2;

	build_rich(&a);
	n1 = ledger_agg_format(&a, t1, sizeof t1);
	ok(n1 > 0 && (size_t)n1 == strlen(t1), "format returns the length (%d)", n1);
	tap_diag("  %s", t1);
	is_int(ledger_agg_parse(&b, t1), 0, "parse accepts it");
	n2 = ledger_agg_format(&b, t2, sizeof t2);
	ok(n1 == n2 && strcmp(t1, t2) == 0, "format -> parse -> format is stable");
	ok(memcmp(a.n, b.n, sizeof a.n) == 0 && memcmp(a.first_at, b.first_at, sizeof a.first_at) == 0 &&
	   memcmp(a.last_at, b.last_at, sizeof a.last_at) == 0, "counts and times survive");
	ok(a.gap_ewma_n == b.gap_ewma_n && a.post_rate_u == b.post_rate_u && a.terms.n == b.terms.n,
	   "running means and terms survive");
	ok(ledger_strength(&a, T0 + 30 * DAY, NULL) == ledger_strength(&b, T0 + 30 * DAY, NULL),
	   "same strength after the round trip");
	ok(ledger_fit(&a, T0 + 30 * DAY, NULL, NULL, NULL) == ledger_fit(&b, T0 + 30 * DAY, NULL, NULL, NULL),
	   "same fit after the round trip");

	ledger_agg_init(&c, 0);
	ok(ledger_agg_format(&c, t2, sizeof t2) == 2 && strcmp(t2, "v1") == 0, "empty aggregate is \"v1\"");
	is_int(ledger_agg_format(&a, small, sizeof small), -ENOSPC, "short buffer: -ENOSPC");
	is_int(ledger_agg_parse(&c, "v1 zz=9:9 f=5"), 0, "unknown keys are skipped");
	is_int(c.follow_at, 5, "known keys still read");
	is_int(ledger_agg_parse(&c, "v2 f=5"), -ENOTSUP, "future version: -ENOTSUP");
	is_int(ledger_agg_parse(&c, "hello"), -EINVAL, "garbage: -EINVAL");
	is_int(c.follow_at, 0, "failed parse leaves a fresh aggregate");
	is_int(ledger_agg_parse(&c, "v1 k=post:1:5:5,post:1:5:5"), -EINVAL, "duplicate kind refused");
	is_int(ledger_agg_parse(&c, "v1 k=posts:1:5:5"), -EINVAL, "unknown kind refused");
	is_int(ledger_agg_parse(&c, "v1 f=12x"), -EINVAL, "trailing junk refused");
	is_int(ledger_agg_parse(&c, "v1 t=abc:3:3"), -EINVAL, "term with err >= count refused");
	is_int(ledger_agg_parse(&c, "v1 g=1:-5:1"), -EINVAL, "negative mean refused");
	is_int(ledger_agg_parse(&c, NULL), -EINVAL, "NULL refused");

	/* kinds are stored by name: an aggregate written before the e-mail and
	 * LinkedIn kinds existed reads unchanged, and the new ones round-trip */
	is_int(ledger_agg_parse(&c, "v1 f=100 k=my_reply:2:200:300,dm:1:250:250,note:1:260:260 "
	                            "c=250 x=300:-1:0:0:0:1 nw=129"), 0, "an aggregate of an older build parses");
	ok(c.n[LEDGER_MY_REPLY] == 2 && c.n[LEDGER_DM] == 1 && c.n[LEDGER_NOTE] == 1 &&
	   c.n[LEDGER_MY_EMAIL] == 0 && c.n[LEDGER_CONNECTION] == 0 && c.connected_at == 250,
	   "its counts land on the same kinds, the new kinds empty");
	ledger_agg_init(&c, T0);
	add(&c, LEDGER_MY_EMAIL, T0 + DAY);
	add(&c, LEDGER_EMAIL_TO_ME, T0 + 2 * DAY);
	add(&c, LEDGER_MY_DM, T0 + 3 * DAY);
	add(&c, LEDGER_DM_TO_ME, T0 + 4 * DAY);
	add(&c, LEDGER_CONNECTION, T0 + 5 * DAY);
	n1 = ledger_agg_format(&c, t1, sizeof t1);
	ok(n1 > 0 && strstr(t1, "email_to_me:1:") && strstr(t1, "connection:1:"), "new kinds written by name: %s", t1);
	ok(ledger_agg_parse(&b, t1) == 0 && memcmp(b.n, c.n, sizeof b.n) == 0 &&
	   memcmp(b.last_at, c.last_at, sizeof b.last_at) == 0, "and read back");

	/* the largest aggregate there can be still fits LEDGER_AGG_TEXT_MAX */
	ledger_agg_init(&c, INT64_MAX);
	for (int k = 0; k < LEDGER_KIND_COUNT; k++) {
		c.n[k] = UINT32_MAX;
		c.first_at[k] = c.last_at[k] = INT64_MAX;
	}
	c.weak_at[0] = c.weak_at[1] = c.weak_at[2] = c.connected_at = c.turn_at = INT64_MAX;
	c.exchange0_at = c.gap_ewma_n = c.post_rate_u = c.post_rate_at = INT64_MAX;
	c.n_gaps = c.n_sessions = c.n_exchanges = c.inits_mentor = c.inits_user = UINT32_MAX;
	c.words_in = c.words_out = c.posts_own = c.replies_other = c.terms.total = UINT32_MAX;
	c.turn_dir = -1;
	c.networks = 0xff;
	for (int i = 0; i < TEXTVEC_K; i++) {
		snprintf(c.terms.t[i].term, TEXTVEC_TERM_MAX, "%022d%c", i, 'x');
		c.terms.t[i].count = UINT32_MAX;
		c.terms.t[i].err = UINT32_MAX - 1;
	}
	c.terms.n = TEXTVEC_K;
	n1 = ledger_agg_format(&c, t1, sizeof t1);
	ok(n1 > 0 && n1 < LEDGER_AGG_TEXT_MAX, "a maximal aggregate fits (%d bytes)", n1);
	ok(ledger_agg_parse(&b, t1) == 0 && ledger_agg_format(&b, t2, sizeof t2) == n1 && strcmp(t1, t2) == 0,
	   "and round-trips");
}

/* The caller dedupes events; the aggregate is a pure fold. Replaying the
 * same list gives the same aggregate; out-of-order arrival keeps counts,
 * times and milestones exact. */
static void test_replay_and_order(void)
{
	struct ledger_event evs[8];
	enum ledger_kind kinds[8] = { LEDGER_MY_LIKE, LEDGER_MY_REPLY, LEDGER_REPLY_TO_ME, LEDGER_MY_REPLY,
	                              LEDGER_REPLY_TO_ME, LEDGER_LIKE_OF_MINE, LEDGER_MY_REPLY, LEDGER_REPLY_TO_ME };
	struct ledger_agg a, b, c;
	struct ledger_stage_info sa, sc;
	char ta[LEDGER_AGG_TEXT_MAX], tb[LEDGER_AGG_TEXT_MAX];

	for (int i = 0; i < 8; i++)
		evs[i] = (struct ledger_event){ .kind = kinds[i], .at = T0 + i * 2 * DAY, .platform = "x" };
	is_int(ledger_agg_rebuild(&a, T0, evs, 8), 0, "rebuild");
	ledger_agg_rebuild(&b, T0, evs, 8);
	ledger_agg_format(&a, ta, sizeof ta);
	ledger_agg_format(&b, tb, sizeof tb);
	is_str(ta, tb, "replaying the same events gives the same aggregate");

	ledger_agg_init(&c, T0);
	for (int i = 7; i >= 0; i--)
		ledger_agg_add(&c, &evs[i]);
	ledger_stage(&a, T0 + 20 * DAY, LEDGER_STAGE_NONE, &sa);
	ledger_stage(&c, T0 + 20 * DAY, LEDGER_STAGE_NONE, &sc);
	ok(memcmp(a.n, c.n, sizeof a.n) == 0 && memcmp(a.first_at, c.first_at, sizeof a.first_at) == 0,
	   "reverse order: same counts and first times");
	is_int(sc.reached[LEDGER_PARTICIPATE], sa.reached[LEDGER_PARTICIPATE], "reverse order: same participate date");
	is_int(sc.reached[LEDGER_ESTABLISH], sa.reached[LEDGER_ESTABLISH], "reverse order: same establish date");
	is_int(c.n_gaps, a.n_gaps, "reverse order: prepended gaps are still counted");
	ok(ledger_agg_add(&b, &evs[7]) == 0 && b.n[LEDGER_REPLY_TO_ME] == 4,
	   "adding an event twice counts it twice: dedupe is the caller's job");
}

/* tagged_risk (issue 16): counted and dated like any event, but not contact:
 * no stage, strength, last contact or conversation rhythm moves. */
static void test_tagged_risk(void)
{
	int64_t now = T0 + 500 * DAY;
	struct ledger_agg a, b;
	char ta[LEDGER_AGG_TEXT_MAX], tb[LEDGER_AGG_TEXT_MAX];
	struct ledger_agg back;

	build_threads(&a, now);
	build_threads(&b, now);
	for (int i = 0; i < 5; i++)
		add(&b, LEDGER_TAGGED_RISK, now - DAY + i * HOUR);
	is_str(ledger_kind_name(LEDGER_TAGGED_RISK), "tagged_risk", "the kind's name");
	is_int(ledger_kind_from_name("tagged_risk"), LEDGER_TAGGED_RISK, "... read back");
	is_int(b.n[LEDGER_TAGGED_RISK], 5, "counted");
	is_int(stage_at(&b, now), stage_at(&a, now), "stage unchanged");
	ok(ledger_strength(&b, now, NULL) == ledger_strength(&a, now, NULL), "strength unchanged");
	is_int(ledger_agg_last_contact(&b), ledger_agg_last_contact(&a), "last contact unchanged");
	is_int(b.n_sessions, a.n_sessions, "conversation rhythm unchanged");
	ok(ledger_agg_format(&b, tb, sizeof tb) >= 0 && ledger_agg_parse(&back, tb) >= 0 &&
	   back.n[LEDGER_TAGGED_RISK] == 5, "survives the codec");
	ok(ledger_agg_format(&a, ta, sizeof ta) >= 0 && strstr(ta, "tagged_risk") == NULL,
	   "an aggregate without it writes nothing new");
}

int main(void)
{
	test_vocabulary();
	test_add_rejects();
	test_ladder_weak();
	test_ladder_exchanges();
	test_ladder_offline_and_pin();
	test_dormancy_rhythm();
	test_dormancy_default();
	test_strength_ordering();
	test_codec();
	test_replay_and_order();
	test_tagged_risk();
	return tap_done();
}
