/* Unit tests for nudges and their text detectors: each kind firing and not
 * firing on a hand-built mentor, priority order, and the output limit. */
#include "ledger/ledger.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

#define T0   1735689600LL   /* 2025-01-01T00:00:00Z */
#define HOUR 3600LL
#define DAY  86400LL
#define NOW  (T0 + 100 * DAY)

/* Every multi-byte sequence complete (enough to catch a cut one). */
static bool utf8_complete(const char *s)
{
	while (*s) {
		unsigned char c = (unsigned char)*s;
		size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
		if (n == 0)
			return false;
		for (size_t i = 1; i < n; i++)
			if (((unsigned char)s[i] & 0xC0) != 0x80)
				return false;
		s += n;
	}
	return true;
}

static void test_detectors(void)
{
	ok(ledger_is_question("How do you teach ECGs to first-years?"), "a '?' question");
	ok(ledger_is_question("Any thoughts on the new heart failure guidelines"), "a cue without '?'");
	ok(ledger_is_question("Curious how others structure clinic"), "curious how");
	ok(!ledger_is_question("Read the paper: https://example.org/a?id=3"), "a '?' inside a link is not one");
	ok(!ledger_is_question("Great grand rounds today."), "a statement");
	ok(!ledger_is_question("Someone wondered about it"), "cues need word boundaries");
	ok(!ledger_is_question(NULL), "NULL");

	is_str(ledger_opportunity_match("Our lab is LOOKING FOR STUDENTS this summer"), "looking for students",
	       "case-insensitive phrase");
	is_str(ledger_opportunity_match("Applications open for the #MedEd fellowship"), "applications open",
	       "first phrase of the table wins");
	is_str(ledger_opportunity_match("Good luck on #Match2026 day!"), "#match", "prefix phrase");
	is_str(ledger_opportunity_match("Come to the meet-up at ACC"), "meet-up", "hyphenated phrase");
	ok(ledger_opportunity_match("Rejoin usual care after discharge") == NULL, "no match inside words");
	ok(ledger_opportunity_match("Lovely sunset") == NULL, "nothing");
	ok(ledger_opportunity_match(NULL) == NULL, "NULL");
}

/* A daily-rhythm mentor whose last contact was `silence` ago. */
static void daily_pair(struct ledger_agg *a, int64_t silence)
{
	ledger_agg_init(a, T0);
	for (int i = 0; i < 21; i++) {
		struct ledger_event e = { .kind = i % 2 ? LEDGER_REPLY_TO_ME : LEDGER_MY_REPLY,
		                          .at = NOW - silence - (20 - i) * DAY, .platform = "x" };
		ledger_agg_add(a, &e);
	}
}

struct fixture {
	struct ledger_agg agg;
	struct ledger_post_view posts[8];
	struct ledger_event recent[16];
	struct ledger_nudge_input in;
	struct textvec_query q;
	struct ledger_nudge out[8];
	size_t n;
};

static void setup(struct fixture *f, int64_t silence)
{
	const char *interests[] = { "cardiology", "medical education", "meded" };
	memset(f, 0, sizeof *f);
	daily_pair(&f->agg, silence);
	f->in = (struct ledger_nudge_input){ .mentor_id = 7, .mentor_name = "Dr Rivera", .agg = &f->agg,
	                                     .pinned = LEDGER_STAGE_NONE, .posts = f->posts,
	                                     .recent = f->recent };
	textvec_query_build(&f->q, interests, 3, NULL);
}

static struct ledger_post_view *add_post(struct fixture *f, int64_t age, const char *text, const char *url)
{
	struct ledger_post_view *v = &f->posts[f->in.n_posts++];
	*v = (struct ledger_post_view){ .post_id = 100 + (int64_t)f->in.n_posts, .url = url, .text = text,
	                                .at = NOW - age };
	return v;
}

static void add_recent(struct fixture *f, enum ledger_kind k, int64_t age)
{
	size_t i = f->in.n_recent++;
	f->recent[i] = (struct ledger_event){ .kind = k, .at = NOW - age, .platform = "x",
	                                      .post_id = 200 + (int64_t)i, .url = "https://x.com/liked" };
}

static const struct ledger_nudge *find(struct fixture *f, enum ledger_nudge_kind k)
{
	f->n = ledger_nudges(&f->in, NOW, &f->q, NULL, f->out, 8);
	for (size_t i = 0; i < f->n; i++)
		if (f->out[i].kind == k)
			return &f->out[i];
	return NULL;
}

static void test_question(void)
{
	struct fixture f;
	const struct ledger_nudge *x;
	struct ledger_post_view *v;

	setup(&f, DAY);
	add_post(&f, 5 * DAY, "Which #MedEd podcast do your residents like?", "https://x.com/q-old");
	add_post(&f, 2 * DAY, "How do you teach cardiology to interns?", "https://x.com/q1");
	x = find(&f, LEDGER_NUDGE_UNANSWERED_QUESTION);
	ok(x && x->post_id == 102 && strcmp(x->url, "https://x.com/q1") == 0, "the newest open question in the area");
	ok(x && strstr(x->message, "Dr Rivera asked a question in your area 2 days ago") &&
	   strstr(x->message, "How do you teach cardiology"), "message: %s", x ? x->message : "");
	ok(x && strstr(x->action, "https://x.com/q1"), "action names the post: %s", x ? x->action : "");
	ok(x && x->mentor_id == 7 && x->priority == 80 && x->at == NOW - 2 * DAY, "mentor, priority, time");

	f.posts[1].user_replied = true;
	x = find(&f, LEDGER_NUDGE_UNANSWERED_QUESTION);
	ok(x && x->post_id == 101, "answered: the older open one is named instead");
	f.posts[0].user_replied = true;
	ok(!find(&f, LEDGER_NUDGE_UNANSWERED_QUESTION), "all answered: no nudge");

	setup(&f, DAY);
	add_post(&f, 2 * DAY, "Best biopsy technique for melanoma?", NULL);
	ok(!find(&f, LEDGER_NUDGE_UNANSWERED_QUESTION), "outside the user's area: no nudge");
	setup(&f, DAY);
	add_post(&f, 8 * DAY, "How do you teach cardiology to interns?", NULL);
	ok(!find(&f, LEDGER_NUDGE_UNANSWERED_QUESTION), "older than 7 days: no nudge");
	setup(&f, DAY);
	add_post(&f, DAY, "Cardiology teaching tips in the thread below.", NULL);
	ok(!find(&f, LEDGER_NUDGE_UNANSWERED_QUESTION), "not a question: no nudge");
	setup(&f, DAY);
	v = add_post(&f, DAY, "@someone how do you teach cardiology?", NULL);
	v->flags = LEDGER_F_REPLY_TO_OTHER;
	ok(!find(&f, LEDGER_NUDGE_UNANSWERED_QUESTION), "a question to someone else: no nudge");
	f.posts[0].flags = 0;
	ok(ledger_nudges(&f.in, NOW, NULL, NULL, f.out, 8) >= 1 && f.out[0].kind == LEDGER_NUDGE_UNANSWERED_QUESTION,
	   "no interests: every question counts");

	{
		char longq[400] = "";
		for (int i = 0; i < 150; i++)
			strcat(longq, i % 7 ? "\xc3\xa9" : "\n");
		strcat(longq, "?");
		setup(&f, DAY);
		add_post(&f, DAY, longq, NULL);
		ok(ledger_nudges(&f.in, NOW, NULL, NULL, f.out, 8) >= 1 && utf8_complete(f.out[0].message) &&
		   strstr(f.out[0].message, "\xe2\x80\xa6") && !strchr(f.out[0].message, '\n'),
		   "a long quoted post is cut whole, on one line, with an ellipsis");
	}
}

/* Daily pair: threshold 8 days, cooling from half of it (4 days). */
static void test_cooling(void)
{
	struct fixture f;
	const struct ledger_nudge *x;
	struct ledger_nudge_params p;

	setup(&f, 5 * DAY);
	add_post(&f, 1 * DAY, "Lovely day at the echo lab", "https://x.com/latest");
	add_post(&f, 3 * DAY, "Clinic was busy", "https://x.com/older");
	x = find(&f, LEDGER_NUDGE_COOLING);
	ok(x != NULL, "5 days of silence in a daily rhythm: cooling");
	ok(x && strstr(x->message, "5 days since your last contact with Dr Rivera") &&
	   strstr(x->message, "usually in touch every 1 day, dormant after 8 days"), "message: %s", x ? x->message : "");
	ok(x && x->url && strcmp(x->url, "https://x.com/latest") == 0, "names their latest post");
	ok(x && x->at == NOW - 5 * DAY, "dated at the last contact");

	setup(&f, 3 * DAY);
	ok(!find(&f, LEDGER_NUDGE_COOLING), "3 days: not yet cooling");
	setup(&f, 10 * DAY);
	ok(!find(&f, LEDGER_NUDGE_COOLING), "10 days: dormant already, no cooling nudge");
	setup(&f, 5 * DAY);
	f.in.pinned = LEDGER_DORMANT;
	ok(!find(&f, LEDGER_NUDGE_COOLING), "pinned dormant by the user: no cooling nudge");
	setup(&f, 5 * DAY);
	ledger_nudge_params_default(&p);
	p.cooling_ratio = 0.75;
	ok(ledger_nudges(&f.in, NOW, &f.q, &p, f.out, 8) == 0, "cooling ratio is a parameter (0.75: 6 days)");
	setup(&f, 5 * DAY);
	ledger_agg_init(&f.agg, T0);
	ok(!find(&f, LEDGER_NUDGE_COOLING), "follow only: nothing to cool");
}

static void test_opportunity(void)
{
	struct fixture f;
	const struct ledger_nudge *x;

	setup(&f, DAY);
	add_post(&f, 2 * DAY, "We are looking for students to join our research group; applications open "
	         "until May", "https://x.com/opp");
	add_post(&f, DAY, "Nice weather", NULL);
	x = find(&f, LEDGER_NUDGE_OPPORTUNITY);
	ok(x && x->post_id == 101 && x->priority == 90, "an opportunity post");
	ok(x && strstr(x->message, "(\"looking for students\") 2 days ago") != NULL, "message: %s", x ? x->message : "");
	ok(x && strstr(x->action, "https://x.com/opp"), "action names the post");
	ok(f.n >= 1 && f.out[0].kind == LEDGER_NUDGE_OPPORTUNITY, "opportunities come first");

	setup(&f, DAY);
	add_post(&f, 15 * DAY, "Applications open for our fellowship", NULL);
	ok(!find(&f, LEDGER_NUDGE_OPPORTUNITY), "older than 14 days: no nudge");
	f.posts[0].at = NOW - 3 * DAY;
	f.posts[0].user_replied = true;
	ok(!find(&f, LEDGER_NUDGE_OPPORTUNITY), "already answered: no nudge");
	f.posts[0].user_replied = false;
	f.posts[0].flags = LEDGER_F_REPOST;
	ok(find(&f, LEDGER_NUDGE_OPPORTUNITY) != NULL, "a reposted opportunity still counts");
}

static void test_pacing(void)
{
	struct fixture f;
	const struct ledger_nudge *x;

	/* five likes in the week, no reply: nudge towards a substantive reply */
	setup(&f, DAY);
	add_post(&f, 2 * DAY, "Echo pearls thread", "https://x.com/pearls");
	for (int i = 0; i < 5; i++)
		add_recent(&f, LEDGER_MY_LIKE, (int64_t)(i + 1) * DAY);
	x = find(&f, LEDGER_NUDGE_PACING_LIKES);
	ok(x && strstr(x->message, "Dr Rivera's posts 5 times this week without a reply"), "likes without a reply");
	ok(x && x->url && strcmp(x->url, "https://x.com/pearls") == 0, "suggests a post to reply to");
	add_recent(&f, LEDGER_MY_REPLY, 3 * DAY);
	ok(!find(&f, LEDGER_NUDGE_PACING_LIKES), "one substantive reply this week: no nudge");

	setup(&f, DAY);
	for (int i = 0; i < 4; i++)
		add_recent(&f, LEDGER_MY_LIKE, (int64_t)(i + 1) * DAY);
	ok(!find(&f, LEDGER_NUDGE_PACING_LIKES), "four likes: below the threshold");
	add_recent(&f, LEDGER_MY_REPOST, 8 * DAY);
	ok(!find(&f, LEDGER_NUDGE_PACING_LIKES), "a repost 8 days ago is outside the week");
	add_recent(&f, LEDGER_MY_REPOST, 6 * DAY);
	x = find(&f, LEDGER_NUDGE_PACING_LIKES);
	ok(x && x->post_id == 200 && strcmp(x->url, "https://x.com/liked") == 0,
	   "no post to reply to: names the latest liked one");

	/* a one-sided burst: 6 interactions in 24 hours, one answer */
	setup(&f, DAY);
	for (int i = 0; i < 6; i++)
		add_recent(&f, i % 2 ? LEDGER_MY_LIKE : LEDGER_MY_REPLY, (int64_t)(i + 1) * 3 * HOUR);
	add_recent(&f, LEDGER_REPLY_TO_ME, 2 * HOUR);
	x = find(&f, LEDGER_NUDGE_PACING_BURST);
	ok(x && strstr(x->message, "6 times in the last 24 hours (they responded 1 time)"), "burst: %s",
	   x ? x->message : "");
	ok(x && x->post_id == 0 && x->at == NOW - 18 * HOUR, "about no post; dated at the burst's start");
	add_recent(&f, LEDGER_REPLY_TO_ME, 4 * HOUR);
	add_recent(&f, LEDGER_MENTION_OF_ME, 5 * HOUR);
	ok(!find(&f, LEDGER_NUDGE_PACING_BURST), "a lively two-way thread (3 answers to 6) is fine");

	setup(&f, DAY);
	for (int i = 0; i < 6; i++)
		add_recent(&f, LEDGER_MY_REPLY, (int64_t)(i + 1) * 10 * HOUR);
	ok(!find(&f, LEDGER_NUDGE_PACING_BURST), "six replies over two and a half days: no burst");
}

static void test_order_and_limit(void)
{
	struct fixture f;
	struct ledger_nudge two[2];
	size_t n;

	/* the aggregate and the recent events are set independently here */
	setup(&f, 5 * DAY);   /* cooling */
	add_post(&f, DAY, "Applications open: summer research", "https://x.com/opp");
	add_post(&f, 2 * DAY, "Thoughts on teaching cardiology with podcasts?", "https://x.com/q");
	for (int i = 0; i < 6; i++)
		add_recent(&f, LEDGER_MY_LIKE, (int64_t)(i + 1) * 3 * HOUR);
	n = ledger_nudges(&f.in, NOW, &f.q, NULL, f.out, 8);
	is_int(n, 5, "every kind fires once");
	ok(n == 5 && f.out[0].kind == LEDGER_NUDGE_OPPORTUNITY && f.out[1].kind == LEDGER_NUDGE_UNANSWERED_QUESTION &&
	   f.out[2].kind == LEDGER_NUDGE_COOLING && f.out[3].kind == LEDGER_NUDGE_PACING_BURST &&
	   f.out[4].kind == LEDGER_NUDGE_PACING_LIKES, "highest priority first");
	for (size_t i = 0; i < n; i++)
		tap_diag("  %s: %s -> %s", ledger_nudge_kind_name(f.out[i].kind), f.out[i].message, f.out[i].action);
	n = ledger_nudges(&f.in, NOW, &f.q, NULL, two, 2);
	ok(n == 2 && two[0].kind == LEDGER_NUDGE_OPPORTUNITY && two[1].kind == LEDGER_NUDGE_UNANSWERED_QUESTION,
	   "a short output keeps the two most important");
	f.in.mentor_name = NULL;
	n = ledger_nudges(&f.in, NOW, &f.q, NULL, f.out, 8);
	ok(n && strstr(f.out[0].message, "mentor #7 posted"), "no name: mentor #id");
	is_str(ledger_nudge_kind_name(LEDGER_NUDGE_PACING_LIKES), "pacing_likes_no_reply", "kind name");
	ok(ledger_nudge_kind_name(LEDGER_NUDGE_KIND_COUNT) == NULL, "no name past the end");
}

/* A post that tagged the user and failed the draft check (issue 16): the
 * newest such event of the week comes first, with its URL; older ones and a
 * week-old one do not. */
static void test_tagged(void)
{
	struct fixture f;
	const struct ledger_nudge *x;

	setup(&f, DAY);
	add_post(&f, DAY, "Applications open: summer research", "https://x.com/opp");
	add_recent(&f, LEDGER_TAGGED_RISK, 8 * DAY);
	ok(find(&f, LEDGER_NUDGE_TAGGED_RISK) == NULL, "a tagged_risk older than a week: no nudge");
	add_recent(&f, LEDGER_TAGGED_RISK, 2 * DAY);
	add_recent(&f, LEDGER_TAGGED_RISK, 3 * HOUR);
	x = find(&f, LEDGER_NUDGE_TAGGED_RISK);
	ok(x != NULL && x == &f.out[0], "a tagged_risk this week: the first nudge");
	ok(x && x->at == NOW - 3 * HOUR && x->post_id == 202, "  about the newest one");
	ok(x && strstr(x->message, "Dr Rivera tagged you in a post that may harm your professional standing: "
	               "https://x.com/liked"), "  naming who and the link: %s", x ? x->message : "");
	ok(x && strstr(x->action, "untag") && strstr(x->action, "report"), "  and what to do");
	is_str(ledger_nudge_kind_name(LEDGER_NUDGE_TAGGED_RISK), "tagged_risk", "kind name");
}

int main(void)
{
	test_detectors();
	test_question();
	test_cooling();
	test_opportunity();
	test_pacing();
	test_order_and_limit();
	test_tagged();
	return tap_done();
}
