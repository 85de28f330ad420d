/* Unit tests for the notification policy: coalescing, digests, per-mentor
 * gaps, quiet hours (with the clock passed in), mutes and switches. */
#include "notify/notify_policy.h"
#include "notify/notify_text.h"
#include "tap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY0 1790035200   /* 2026-09-22 00:00:00 UTC */
#define AT(h, m) ((int64_t)DAY0 + (h) * 3600 + (m) * 60)

struct sink {
	struct notify_msg v[32];
	size_t n;
};

static void collect(struct notify_msg *msg, void *userdata)
{
	struct sink *s = userdata;
	if (s->n < 32)
		s->v[s->n++] = *msg;
	else
		notify_msg_clear(msg);
}

static void sink_clear(struct sink *s)
{
	for (size_t i = 0; i < s->n; i++)
		notify_msg_clear(&s->v[i]);
	s->n = 0;
}

static struct notify_item post(int64_t mentor, const char *name, const char *text)
{
	return (struct notify_item){ .kind = NOTIFY_POST, .mentor_id = mentor, .mentor = (char *)name,
	                             .platform = (char *)"mastodon", .url = (char *)"https://m.example/@a/1",
	                             .text = (char *)text };
}

static void test_single_and_digest(void)
{
	struct notify_rules rules;
	struct notify_policy p;
	struct sink s = { 0 };
	struct notify_item it;

	notify_rules_default(&rules);
	notify_policy_init(&p, &rules);
	it = post(1, "Dr Ada", "New guideline on <heart> failure & you\nsee thread");
	is_int(notify_policy_offer(&p, &it, AT(12, 0)), 1, "a post is offered");
	is_int(notify_policy_next_due(&p, AT(12, 0)), AT(12, 0) + 5, "due when the coalescing window closes");
	is_int(notify_policy_flush(&p, AT(12, 0) + 4, collect, &s), 0, "nothing before the window closes");
	is_int(notify_policy_flush(&p, AT(12, 0) + 5, collect, &s), 1, "one notification after it");
	is_str(s.v[0].summary, "Dr Ada posted on Mastodon", "single post: who and where");
	is_str(s.v[0].body, "New guideline on &lt;heart&gt; failure &amp; you see thread", "body escaped, one line");
	is_str(s.v[0].url, "https://m.example/@a/1", "Open action carries the post URL");
	is_int(s.v[0].urgency, 1, "a post is normal urgency");
	is_str(s.v[0].category, "x-mentord.post", "post category");
	is_int(notify_policy_next_due(&p, AT(12, 1)), 0, "nothing due afterwards");
	sink_clear(&s);

	/* A burst from three other mentors: one digest. */
	for (int i = 0; i < 5; i++) {
		char name[16];
		snprintf(name, sizeof name, "Dr %c", 'B' + i % 3);
		it = post(2 + i % 3, name, "text");
		notify_policy_offer(&p, &it, AT(12, 10));
	}
	is_int(notify_policy_flush(&p, AT(12, 10) + 5, collect, &s), 1, "a burst becomes one notification");
	is_str(s.v[0].summary, "5 new posts from 3 mentors", "digest summary counts posts and mentors");
	is_str(s.v[0].category, "x-mentord.digest", "digest category");
	ok(s.v[0].url == NULL, "a digest of several mentors has no single URL");
	ok(strstr(s.v[0].body, "Dr B: text") && strstr(s.v[0].body, "Dr D: text"), "digest body lists items");
	sink_clear(&s);
	notify_policy_finish(&p);
}

static void test_mentor_gap(void)
{
	struct notify_rules rules;
	struct notify_policy p;
	struct sink s = { 0 };
	struct notify_item it = post(7, "Dr Gap", "first");

	notify_rules_default(&rules);
	rules.mentor_gap_s = 3600;
	notify_policy_init(&p, &rules);
	notify_policy_offer(&p, &it, AT(9, 0));
	is_int(notify_policy_flush(&p, AT(9, 0) + 5, collect, &s), 1, "first post of the hour shown");
	sink_clear(&s);
	it.text = (char *)"second";
	notify_policy_offer(&p, &it, AT(9, 10));
	it.text = (char *)"third";
	notify_policy_offer(&p, &it, AT(9, 20));
	is_int(notify_policy_flush(&p, AT(9, 10) + 5, collect, &s), 0, "second post within the gap is held");
	is_int(notify_policy_flush(&p, AT(9, 20) + 5, collect, &s), 0, "third too");
	is_int(notify_policy_next_due(&p, AT(9, 30)), AT(10, 0) + 5, "held until the mentor's gap has passed");
	is_int(notify_policy_flush(&p, AT(10, 0) + 5, collect, &s), 1, "then one digest");
	is_str(s.v[0].summary, "2 new posts from 1 mentor", "the held posts, counted");
	is_str(s.v[0].url, "https://m.example/@a/1", "a one-mentor digest opens that mentor's post");
	sink_clear(&s);

	/* Replies are urgent: not held by the gap. */
	it = (struct notify_item){ .kind = NOTIFY_REPLY, .mentor_id = 7, .mentor = (char *)"Dr Gap",
	                           .platform = (char *)"bluesky", .text = (char *)"Good question!" };
	notify_policy_offer(&p, &it, AT(10, 5));
	is_int(notify_policy_flush(&p, AT(10, 5) + 5, collect, &s), 1, "a reply passes the gap");
	is_str(s.v[0].summary, "Dr Gap replied to you on Bluesky", "reply summary");
	is_int(s.v[0].urgency, 2, "a reply is critical");
	is_str(s.v[0].category, "im.received", "reply category");
	sink_clear(&s);
	/* A mention is also a post: one notification for both. */
	it = (struct notify_item){ .kind = NOTIFY_POST, .mentor_id = 8, .mentor = (char *)"Dr Echo",
	                           .url = (char *)"https://e.example/1", .text = (char *)"@me cardiology" };
	notify_policy_offer(&p, &it, AT(10, 10));
	it.kind = NOTIFY_MENTION;
	notify_policy_offer(&p, &it, AT(10, 10));
	is_int(notify_policy_flush(&p, AT(10, 10) + 5, collect, &s), 1, "a mention and its post: one notification");
	is_str(s.v[0].category, "im.received", "... the mention");
	sink_clear(&s);
	notify_policy_finish(&p);
}

static void test_quiet_hours(void)
{
	struct notify_rules rules;
	struct notify_policy p;
	struct sink s = { 0 };
	struct notify_item it;

	notify_rules_default(&rules);
	rules.quiet = true;
	rules.quiet_start = 22 * 60;
	rules.quiet_end = 7 * 60;
	notify_policy_init(&p, &rules);
	ok(notify_policy_quiet_at(&p, AT(23, 0)) && notify_policy_quiet_at(&p, AT(3, 0)) && notify_policy_quiet_at(&p, AT(6, 59)),
	   "22:00-07:00 wraps midnight");
	ok(!notify_policy_quiet_at(&p, AT(7, 0)) && !notify_policy_quiet_at(&p, AT(21, 59)), "07:00 and 21:59 are not quiet");

	it = post(1, "Dr Night", "late post");
	notify_policy_offer(&p, &it, AT(23, 0));
	it = post(2, "Dr Owl", "later post");
	notify_policy_offer(&p, &it, AT(23, 30));
	it = (struct notify_item){ .kind = NOTIFY_REPLY, .mentor_id = 3, .mentor = (char *)"Dr Urgent",
	                           .platform = (char *)"x", .text = (char *)"Replying to you" };
	notify_policy_offer(&p, &it, AT(23, 30));
	is_int(notify_policy_flush(&p, AT(23, 30) + 5, collect, &s), 1, "in quiet hours only the reply goes out");
	is_str(s.v[0].summary, "Dr Urgent replied to you on X", "the urgent one");
	sink_clear(&s);
	is_int(notify_policy_next_due(&p, AT(23, 31)), AT(7, 0) + 86400, "held items due when quiet hours end");
	is_int(notify_policy_flush(&p, AT(6, 59) + 86400, collect, &s), 0, "nothing at 06:59");
	is_int(notify_policy_flush(&p, AT(7, 0) + 86400, collect, &s), 1, "one digest at 07:00");
	is_str(s.v[0].summary, "2 new posts from 2 mentors", "the night's posts as one digest");
	sink_clear(&s);
	is_int(notify_policy_next_due(&p, AT(7, 1) + 86400), 0, "nothing left");
	notify_policy_finish(&p);
}

static void test_mute_and_switches(void)
{
	struct notify_rules rules;
	struct notify_policy p;
	struct sink s = { 0 };
	struct notify_item it = post(5, "Dr Mute", "x");

	notify_rules_default(&rules);
	rules.kinds[NOTIFY_NUDGE] = false;
	notify_policy_init(&p, &rules);
	notify_policy_mute(&p, 5, AT(13, 0));
	is_int(notify_policy_offer(&p, &it, AT(12, 0)), 0, "a muted mentor's post is dropped");
	is_int(notify_policy_offer(&p, &it, AT(13, 0)), 1, "the mute ends at its time");
	notify_policy_flush(&p, AT(13, 0) + 5, collect, &s);
	sink_clear(&s);
	notify_policy_mute(&p, 5, INT64_MAX);
	is_int(notify_policy_offer(&p, &it, AT(20, 0) + 400 * 86400), 0, "muted for ever");
	notify_policy_mute(&p, 5, 0);
	is_int(notify_policy_offer(&p, &it, AT(20, 0)), 1, "unmuted");
	it.kind = NOTIFY_NUDGE;
	is_int(notify_policy_offer(&p, &it, AT(20, 0)), 0, "a kind switched off is dropped");
	rules.enabled = false;
	notify_policy_set_rules(&p, &rules);
	it.kind = NOTIFY_REPLY;
	is_int(notify_policy_offer(&p, &it, AT(20, 0)), 0, "notify = no drops everything");
	notify_policy_finish(&p);
}

static void test_flood(void)
{
	struct notify_rules rules;
	struct notify_policy p;
	struct sink s = { 0 };
	struct notify_item it;

	notify_rules_default(&rules);
	notify_policy_init(&p, &rules);
	for (int i = 0; i < 1000; i++) {
		it = post(100 + i, "Dr Many", "flood");
		notify_policy_offer(&p, &it, AT(14, 0));
	}
	for (int i = 0; i < 10; i++) {
		it = (struct notify_item){ .kind = NOTIFY_REPLY, .mentor_id = 9, .mentor = (char *)"Dr R",
		                           .text = (char *)"r" };
		notify_policy_offer(&p, &it, AT(14, 0));
	}
	is_int(notify_policy_flush(&p, AT(14, 0) + 5, collect, &s), NOTIFY_POLICY_MAX_URGENT + 1,
	       "1,010 items: three replies alone, the rest in one digest");
	is_str(s.v[NOTIFY_POLICY_MAX_URGENT].summary, "1000 new posts from 256 mentors", "flood counted, memory bounded");
	ok(strstr(s.v[NOTIFY_POLICY_MAX_URGENT].body, "and 995 more") != NULL, "digest body ends with the rest");
	sink_clear(&s);
	is_int(notify_policy_next_due(&p, AT(14, 1)), AT(15, 0) + 5, "the other replies wait for their mentor's gap");
	is_int(notify_policy_flush(&p, AT(15, 0) + 5, collect, &s), 1, "then go out together");
	is_str(s.v[0].summary, "7 updates from 1 mentor", "as one digest");
	sink_clear(&s);
	notify_policy_finish(&p);
}

static void test_sync_summary(void)
{
	struct notify_item it = { .kind = NOTIFY_SYNC, .summary = (char *)"Following Dr Ada on Mastodon",
	                          .text = (char *)"40 earlier posts loaded" };
	struct notify_msg m;
	is_int(notify_msg_single(&m, &it), 0, "sync summary built");
	is_str(m.summary, "Following Dr Ada on Mastodon", "given summary kept");
	is_int(m.urgency, 0, "history is low urgency");
	notify_msg_clear(&m);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	test_single_and_digest();
	test_mentor_gap();
	test_quiet_hours();
	test_mute_and_switches();
	test_flood();
	test_sync_summary();
	return tap_done();
}
