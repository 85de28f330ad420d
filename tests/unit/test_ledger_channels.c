/* Unit tests for the e-mail and LinkedIn kinds in the ledger (#15): a
 * two-way e-mail or DM thread climbs the ladder exactly as a two-way reply
 * thread does, a connection is a tie signal like a follow-back, e-mail and
 * LinkedIn are channels of their own, and an e-mail from the mentor left
 * unanswered for a week is a nudge (docs/SCORING.md). */
#include "ledger/ledger.h"
#include "tap.h"

#include <math.h>
#include <string.h>

#define T0   1735689600LL   /* 2025-01-01T00:00:00Z */
#define HOUR 3600LL
#define DAY  86400LL

static void add(struct ledger_agg *a, enum ledger_kind k, int64_t at, const char *platform)
{
	struct ledger_event e = { .kind = k, .at = at, .platform = platform };
	ledger_agg_add(a, &e);
}

static void add_quiet(struct ledger_agg *a, enum ledger_kind k, int64_t at, const char *platform,
                      const char *text)
{
	struct ledger_event e = { .kind = k, .at = at, .platform = platform, .text = text };
	ledger_agg_add(a, &e);
}

/* The same conversation twice: out, in, out, in, out over nine days. */
static void thread(struct ledger_agg *a, enum ledger_kind mine, enum ledger_kind theirs,
                   const char *platform, const char *text)
{
	static const int64_t at[] = { 1 * DAY, 1 * DAY + HOUR, 1 * DAY + 2 * HOUR, 5 * DAY, 9 * DAY };
	ledger_agg_init(a, T0);
	for (size_t i = 0; i < sizeof at / sizeof *at; i++)
		add_quiet(a, i % 2 ? theirs : mine, T0 + at[i], platform, text);
}

static void test_thread_like_replies(void)
{
	struct ledger_agg r, e, d;
	struct ledger_stage_info sr, se, sd;
	int64_t now = T0 + 10 * DAY;

	thread(&r, LEDGER_MY_REPLY, LEDGER_REPLY_TO_ME, "mastodon", NULL);
	thread(&e, LEDGER_MY_EMAIL, LEDGER_EMAIL_TO_ME, "email", "Re: elective in cardiology");
	thread(&d, LEDGER_MY_DM, LEDGER_DM_TO_ME, "linkedin", NULL);
	ledger_stage(&r, now, LEDGER_STAGE_NONE, &sr);
	ledger_stage(&e, now, LEDGER_STAGE_NONE, &se);
	ledger_stage(&d, now, LEDGER_STAGE_NONE, &sd);
	is_int(sr.stage, LEDGER_CONNECTED, "replies: connected (4 exchanges over 8 days)");
	is_int(se.stage, LEDGER_CONNECTED, "the same thread by e-mail: connected");
	is_int(sd.stage, LEDGER_CONNECTED, "the same thread by LinkedIn DM: connected");
	ok(memcmp(sr.reached, se.reached, sizeof sr.reached) == 0 &&
	   memcmp(sr.reached, sd.reached, sizeof sr.reached) == 0, "same milestone dates on every channel");
	ok(r.n_exchanges == e.n_exchanges && r.n_gaps == e.n_gaps && r.n_sessions == e.n_sessions &&
	   r.gap_ewma_n == e.gap_ewma_n && r.inits_user == e.inits_user, "same exchanges and rhythm");
	is_int(e.words_in + e.words_out, 0, "a subject is not words exchanged");
	ok(se.threshold == sr.threshold && se.last_contact == sr.last_contact, "same dormancy clock");

	/* one e-mail each way: establish, as a reply back does */
	ledger_agg_init(&e, T0);
	add_quiet(&e, LEDGER_MY_EMAIL, T0 + DAY, "email", NULL);
	ledger_stage(&e, T0 + 2 * DAY, LEDGER_STAGE_NONE, &se);
	is_int(se.stage, LEDGER_PARTICIPATE, "an e-mail of the user's: participate");
	add_quiet(&e, LEDGER_EMAIL_TO_ME, T0 + 3 * DAY, "email", NULL);
	ledger_stage(&e, T0 + 4 * DAY, LEDGER_STAGE_NONE, &se);
	is_int(se.stage, LEDGER_ESTABLISH, "the mentor answered the e-mail: establish");
	is_int(se.reached[LEDGER_ESTABLISH], T0 + 3 * DAY, "establish date = their e-mail");
	is_int(e.n_exchanges, 1, "one exchange");
}

static void test_connection(void)
{
	struct ledger_agg a, f;
	struct ledger_stage_info st;
	struct ledger_score why, wf;

	ledger_agg_init(&a, T0);
	add(&a, LEDGER_CONNECTION, T0 + DAY, "linkedin");
	ledger_stage(&a, T0 + 2 * DAY, LEDGER_STAGE_NONE, &st);
	is_int(st.stage, LEDGER_ESTABLISH, "a connection: establish, like a follow-back");
	is_int(st.last_contact, T0 + DAY, "it is contact");
	ledger_strength(&a, T0 + 2 * DAY, &why);
	is_str(why.c[2].name, "reciprocity", "third contribution is reciprocity");
	ok(fabs(why.c[2].value - 15.0) < 1e-9, "both accepted it: balanced (%s)", why.c[2].detail);
	ledger_agg_init(&f, T0);
	add(&f, LEDGER_FOLLOW_OF_ME, T0 + DAY, "x");
	ok(ledger_strength(&a, T0 + 2 * DAY, NULL) > ledger_strength(&f, T0 + 2 * DAY, &wf),
	   "a connection is a stronger tie than a follow-back");
}

static void test_private_and_channels(void)
{
	struct ledger_agg a;
	struct ledger_score why;
	int64_t now = T0 + 30 * DAY;

	ledger_agg_init(&a, T0);
	add(&a, LEDGER_MY_EMAIL, T0 + DAY, "email");
	add(&a, LEDGER_MY_EMAIL, T0 + 2 * DAY, "email");
	ledger_strength(&a, now, &why);
	is_str(why.c[5].name, "private", "sixth contribution is private contact");
	ok(why.c[5].value == 0, "the user's unanswered e-mails are not private contact (%s)", why.c[5].detail);
	add(&a, LEDGER_EMAIL_TO_ME, T0 + 3 * DAY, "email");
	ledger_strength(&a, now, &why);
	ok(fabs(why.c[5].value - 10.0) < 1e-9, "one e-mail from them: 10 (%s)", why.c[5].detail);
	is_str(why.c[7].name, "networks", "last contribution is networks");
	ok(why.c[7].value == 0, "e-mail alone: one channel");
	add(&a, LEDGER_DM_TO_ME, T0 + 4 * DAY, "linkedin");
	ledger_strength(&a, now, &why);
	ok(fabs(why.c[7].value - 2.5) < 1e-9, "e-mail and LinkedIn are two channels (%s)", why.c[7].detail);
	add(&a, LEDGER_REPLY_TO_ME, T0 + 5 * DAY, "x");
	ledger_strength(&a, now, &why);
	ok(fabs(why.c[7].value - 5.0) < 1e-9, "and X a third (%s)", why.c[7].detail);
	is_str(why.c[7].detail, "in contact on 3 channels: x, linkedin, email", "why names the channels");
}

static const struct ledger_nudge *email_nudge(const struct ledger_nudge_input *in, int64_t now)
{
	static struct ledger_nudge out[8];
	size_t n = ledger_nudges(in, now, NULL, NULL, out, 8);
	for (size_t i = 0; i < n; i++)
		if (out[i].kind == LEDGER_NUDGE_UNANSWERED_EMAIL)
			return &out[i];
	return NULL;
}

static void test_unanswered_email(void)
{
	const struct ledger_nudge *x;
	struct ledger_agg a;
	struct ledger_nudge out[8];
	struct ledger_nudge_input in = { .mentor_id = 3, .mentor_name = "Dr Osei", .agg = &a,
	                                 .pinned = LEDGER_STAGE_NONE };
	int64_t mail = T0 + 20 * DAY;
	size_t n;

	ledger_agg_init(&a, T0);
	add_quiet(&a, LEDGER_MY_EMAIL, mail - DAY, "email", NULL);
	add_quiet(&a, LEDGER_EMAIL_TO_ME, mail, "email", NULL);
	n = ledger_nudges(&in, mail + 6 * DAY, NULL, NULL, out, 8);
	ok(n == 0, "six days: no nudge yet");
	n = ledger_nudges(&in, mail + 7 * DAY, NULL, NULL, out, 8);
	ok(n == 1 && out[0].kind == LEDGER_NUDGE_UNANSWERED_EMAIL, "seven days unanswered: a nudge");
	is_str(ledger_nudge_kind_name(LEDGER_NUDGE_UNANSWERED_EMAIL), "unanswered_email", "its name");
	ok(n == 1 && out[0].at == mail && out[0].priority == 85 && out[0].post_id == 0 && !out[0].url,
	   "about their e-mail, priority 85");
	ok(n == 1 && strstr(out[0].message, "Dr Osei e-mailed you 7 days ago"), "message: %s",
	   n ? out[0].message : "");
	n = ledger_nudges(&in, mail + 31 * DAY, NULL, NULL, out, 8);
	ok(n == 0 || out[0].kind != LEDGER_NUDGE_UNANSWERED_EMAIL, "after a month it gives way to cooling");

	/* later steps may also bring a cooling nudge (a rhythm is known by then) */
	add_quiet(&a, LEDGER_MY_REPLY, mail + 2 * DAY, "x", "thanks!");
	ok(!email_nudge(&in, mail + 8 * DAY), "a reply on a network after it counts as an answer");
	add_quiet(&a, LEDGER_EMAIL_TO_ME, mail + 3 * DAY, "email", NULL);
	x = email_nudge(&in, mail + 10 * DAY);
	ok(x && x->at == mail + 3 * DAY, "a newer e-mail of theirs unanswered: the nudge names it");
	add_quiet(&a, LEDGER_CALL, mail + 4 * DAY, NULL, NULL);
	ok(!email_nudge(&in, mail + 11 * DAY), "a call after it counts as an answer");
	add_quiet(&a, LEDGER_EMAIL_TO_ME, mail + 5 * DAY, "email", NULL);
	add_quiet(&a, LEDGER_MY_LIKE, mail + 6 * DAY, "x", NULL);
	ok(email_nudge(&in, mail + 13 * DAY) != NULL, "a like is not an answer");
	add_quiet(&a, LEDGER_MY_EMAIL, mail + 7 * DAY, "email", NULL);
	ok(!email_nudge(&in, mail + 13 * DAY), "an e-mail back is");
	add_quiet(&a, LEDGER_DM_TO_ME, mail + 8 * DAY, "linkedin", NULL);
	ok(!email_nudge(&in, mail + 16 * DAY), "a LinkedIn DM is not an e-mail: no nudge for it");
}

int main(void)
{
	test_thread_like_replies();
	test_connection();
	test_private_and_channels();
	test_unanswered_email();
	return tap_done();
}
