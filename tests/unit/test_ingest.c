/* Unit tests for ingest: posts dedupe on their key, ledger events follow
 * from who wrote what to whom, and re-ingesting adds nothing. */
#include "ingest/ingest.h"
#include "check/check.h"
#include "net/post.h"
#include "store/store.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct seen { int n; char kinds[32][24]; int64_t mentor; char findings[512]; };

static void on_event(const struct ingest_event *ev, void *userdata)
{
	struct seen *s = userdata;
	if (s->n < 32)
		snprintf(s->kinds[s->n], sizeof s->kinds[0], "%s", ev->kind);
	if (strcmp(ev->kind, "tagged_risk") == 0) {
		s->mentor = ev->mentor_id;
		snprintf(s->findings, sizeof s->findings, "%s", ev->findings ? ev->findings : "");
	}
	s->n++;
}

static bool saw(const struct seen *s, const char *kind)
{
	for (int i = 0; i < s->n && i < 32; i++)
		if (strcmp(s->kinds[i], kind) == 0)
			return true;
	return false;
}

/* A post on mastodon; strings are literals (never freed here). */
static struct post mk(const char *id, const char *author_id, const char *author)
{
	struct post p = { .network = "mastodon", .id = (char *)id, .key = (char *)id,
	                  .author_id = (char *)author_id, .author_handle = (char *)author,
	                  .text = (char *)"hello", .created_at = 1700000000,
	                  .url = (char *)"https://med.social/@x/1",
	                  .n_likes = -1, .n_reposts = -1, .n_replies = -1, .n_quotes = -1 };
	return p;
}

int main(void)
{
	struct store *s;
	int64_t mentor, acc, m2, a2;
	struct ingest_me me = { "mastodon", "900", "me", NULL, false, NULL };
	struct ingest_stats st = { 0 };
	struct seen seen = { 0 };

	if (!ok(store_open(&s, ":memory:") == 0, "store"))
		return tap_done();
	store_follow(s, "mastodon", "alice@med.social", "Alice", 0, &mentor, &acc);
	store_account_resolved(s, acc, "100", NULL, "Dr Alice");
	store_follow(s, "mastodon", "bob@med.social", "Bob", 0, &m2, &a2);
	store_account_resolved(s, a2, "200", NULL, NULL);

	/* Alice: a plain post, a reply to me, a post mentioning me, a quote of
	 * my post, a repost of my post. */
	struct post p[6];
	p[0] = mk("1", "100", "alice");
	p[1] = mk("2", "100", "alice");
	p[1].reply_to = (struct post_ref){ (char *)"50", (char *)"900", (char *)"me" };
	char *mention[] = { (char *)"me" };
	char *mention_id[] = { (char *)"900" };
	p[2] = mk("3", "100", "alice");
	p[2].mentions = mention; p[2].mention_ids = mention_id; p[2].n_mentions = 1;
	p[3] = mk("4", "100", "alice");
	p[3].kind = POST_QUOTE;
	p[3].quote_of = (struct post_ref){ (char *)"51", (char *)"900", NULL };
	p[4] = mk("5", "100", "alice");
	p[4].kind = POST_REPOST;
	p[4].repost_of = (struct post_ref){ (char *)"52", (char *)"900", NULL };
	p[5] = mk("6", "777", "stranger");   /* not a mentor: stored, no event */

	store_begin(s);
	ok(ingest_posts(s, &me, p, 6, &st, on_event, &seen) == 0, "ingest a page");
	store_commit(s);
	is_int(st.posts_new, 6, "six new posts");
	ok(saw(&seen, "post"), "post event");
	ok(saw(&seen, "reply_to_me"), "reply_to_me event");
	ok(saw(&seen, "mention_of_me"), "mention_of_me event");
	ok(saw(&seen, "quote_of_mine"), "quote_of_mine event");
	ok(saw(&seen, "repost_of_mine"), "repost_of_mine event");
	is_int(seen.n, 5 + 4, "five posts by Alice + four aimed at me = 9 events");

	/* Idempotence: the same page again adds nothing. */
	struct ingest_stats st2 = { 0 };
	struct seen seen2 = { 0 };
	store_begin(s);
	ingest_posts(s, &me, p, 6, &st2, on_event, &seen2);
	store_commit(s);
	is_int(st2.posts_new, 0, "re-ingest: no new posts");
	is_int(st2.posts_known, 6, "re-ingest: six known");
	is_int(seen2.n, 0, "re-ingest: no new events");

	/* My own posts: a reply to Alice, a mention of Bob, a repost of Bob. */
	struct post mine[3];
	mine[0] = mk("10", "900", "me");
	mine[0].reply_to = (struct post_ref){ (char *)"1", (char *)"100", NULL };
	char *m_bob[] = { (char *)"bob@med.social", (char *)"alice@med.social" };
	char *m_bob_id[] = { (char *)"200", (char *)"100" };
	mine[1] = mk("11", "900", "me");
	mine[1].mentions = m_bob; mine[1].mention_ids = m_bob_id; mine[1].n_mentions = 2;
	mine[2] = mk("12", "900", "me");
	mine[2].kind = POST_REPOST;
	mine[2].repost_of = (struct post_ref){ (char *)"99", (char *)"200", NULL };
	struct seen seen3 = { 0 };
	store_begin(s);
	ingest_posts(s, &me, mine, 3, &st, on_event, &seen3);
	store_commit(s);
	ok(saw(&seen3, "my_reply"), "my_reply event");
	ok(saw(&seen3, "my_mention"), "my_mention event");
	ok(saw(&seen3, "my_repost"), "my_repost event");
	is_int(seen3.n, 4, "reply to Alice, mentions of Bob and Alice, repost of Bob");

	/* Notifications: Alice's reply seen again as a notification dedupes;
	 * a like and a follow are new. */
	struct post reply_copy = p[1];
	struct notif n[4] = {
		{ .network = "mastodon", .id = (char *)"n1", .kind = NOTIF_REPLY, .actor_id = (char *)"100",
		  .created_at = 1700000001, .post = &reply_copy },
		{ .network = "mastodon", .id = (char *)"n2", .kind = NOTIF_LIKE, .actor_id = (char *)"100",
		  .created_at = 1700000002, .subject_id = (char *)"50" },
		{ .network = "mastodon", .id = (char *)"n3", .kind = NOTIF_FOLLOW, .actor_id = (char *)"200",
		  .created_at = 1700000003 },
		{ .network = "mastodon", .id = (char *)"n4", .kind = NOTIF_REPOST, .actor_id = (char *)"100",
		  .created_at = 1700000004, .subject_id = (char *)"52" },
	};
	struct seen seen4 = { 0 };
	store_begin(s);
	ok(ingest_notifs(s, &me, n, 4, &st, on_event, &seen4) == 0, "ingest notifications");
	store_commit(s);
	ok(!saw(&seen4, "reply_to_me"), "a reply already seen in the feed is not counted twice");
	ok(saw(&seen4, "like_of_mine"), "like_of_mine event");
	ok(saw(&seen4, "follow_of_me"), "follow_of_me event");
	ok(!saw(&seen4, "repost_of_mine"), "a repost seen in the feed dedupes with its notification");
	is_int(seen4.n, 2, "two new events from four notifications");

	/* Carol is followed but not resolved yet when her like and her post
	 * arrive (by a handle form that does not match): nothing is derived
	 * until her account resolves, then everything is, once. */
	int64_t m3, a3;
	store_follow(s, "mastodon", "carol@med.social", "Carol", 0, &m3, &a3);
	struct notif early = { .network = "mastodon", .id = (char *)"n9", .kind = NOTIF_LIKE,
	                       .actor_id = (char *)"300", .actor_handle = (char *)"carol@other.host",
	                       .created_at = 1700000100, .subject_id = (char *)"50" };
	struct post early_post = mk("30", "300", "carol@other.host");
	struct seen seen5 = { 0 };
	store_begin(s);
	ingest_notifs(s, &me, &early, 1, &st, on_event, &seen5);
	ingest_posts(s, &me, &early_post, 1, &st, on_event, &seen5);
	store_commit(s);
	is_int(seen5.n, 0, "no events while the actor's account is unresolved");
	store_begin(s);
	store_account_resolved(s, a3, "300", NULL, NULL);
	ok(ingest_backfill(s, &me, "300", a3, &st, on_event, &seen5) == 0, "back-fill after the account resolves");
	store_commit(s);
	ok(saw(&seen5, "like_of_mine") && saw(&seen5, "post"), "the earlier like and post enter the ledger");
	is_int(seen5.n, 2, "exactly two events back-filled");
	struct seen seen6 = { 0 };
	store_begin(s);
	ingest_backfill(s, &me, "300", a3, &st, on_event, &seen6);
	store_commit(s);
	is_int(seen6.n, 0, "back-fill is idempotent");

	/* Dana is mentioned in the user's post before her account resolves: the
	 * my_mention arrives with the back-fill. */
	int64_t m4, a4;
	store_follow(s, "mastodon", "dana@med.social", "Dana", 0, &m4, &a4);
	char *m_dana[] = { (char *)"dana@elsewhere" };
	char *m_dana_id[] = { (char *)"400" };
	struct post mine2 = mk("31", "900", "me");
	mine2.mentions = m_dana; mine2.mention_ids = m_dana_id; mine2.n_mentions = 1;
	struct seen seen7 = { 0 };
	store_begin(s);
	ingest_posts(s, &me, &mine2, 1, &st, on_event, &seen7);
	store_commit(s);
	is_int(seen7.n, 0, "a mention of an unresolved account derives nothing yet");
	store_begin(s);
	store_account_resolved(s, a4, "400", NULL, NULL);
	ingest_backfill(s, &me, "400", a4, &st, on_event, &seen7);
	store_commit(s);
	ok(saw(&seen7, "my_mention") && seen7.n == 1, "the user's earlier mention is back-filled by id");

	/* Quotes whose target is not known yet (a Mastodon quote pending
	 * approval): kind POST_QUOTE with quote_of all NULL, from Alice, from
	 * the user, and as a quote notification without a subject. */
	struct post q_alice = mk("40", "100", "alice"), q_mine = mk("41", "900", "me");
	q_alice.kind = q_mine.kind = POST_QUOTE;
	struct post q_notif_post = mk("42", "100", "alice");
	q_notif_post.kind = POST_QUOTE;
	struct notif qn = { .network = "mastodon", .id = (char *)"n40", .kind = NOTIF_QUOTE,
	                    .actor_id = (char *)"100", .created_at = 1700000200, .post = &q_notif_post };
	struct seen seen8 = { 0 };
	store_begin(s);
	ok(ingest_posts(s, &me, &q_alice, 1, &st, on_event, &seen8) == 0 &&
	   ingest_posts(s, &me, &q_mine, 1, &st, on_event, &seen8) == 0 &&
	   ingest_notifs(s, &me, &qn, 1, &st, on_event, &seen8) == 0, "quotes of an unknown target ingest");
	store_commit(s);
	ok(saw(&seen8, "post") && !saw(&seen8, "my_quote"), "  a mentor's is a post; the user's aims at no one");
	ok(saw(&seen8, "quote_of_mine"), "  the notification still says the user was quoted");
	is_int(seen8.n, 3, "  Alice's two posts and the notification's quote");
	struct seen seen9 = { 0 };
	store_begin(s);
	ok(ingest_backfill(s, &me, "100", acc, &st, on_event, &seen9) == 0 && seen9.n == 0,
	   "  back-fill reads them back (NULL target) and adds nothing");
	store_commit(s);

	struct store_counts c;
	store_counts(s, &c);
	is_int(c.posts, 14, "fourteen posts stored in all");
	is_int(c.events, 9 + 4 + 2 + 2 + 1 + 3, "twenty-one ledger events in all");

	/* Tagged in a post that identifies a patient (issue 16): checked when
	 * the engine is given; a clean mention and a flagged post that does not
	 * aim at the user derive no tagged_risk. */
	struct check_engine *engine = NULL;
	if (!ok(check_engine_new(&engine, NULL) == 0, "check engine"))
		return tap_done();
	struct ingest_me checked = me;
	checked.check = engine;
	const char *phi = "Our patient John Smith, MRN 84471932, DOB 03/14/1951, in bed 12";
	struct post t[4];
	t[0] = mk("60", "100", "alice");           /* clean mention */
	t[0].mentions = mention; t[0].mention_ids = mention_id; t[0].n_mentions = 1;
	t[1] = mk("61", "100", "alice");           /* flagged, not aimed at the user */
	t[1].text = (char *)phi;
	t[2] = mk("62", "100", "alice");           /* flagged reply to the user */
	t[2].text = (char *)phi;
	t[2].reply_to = (struct post_ref){ (char *)"50", (char *)"900", (char *)"me" };
	t[3] = mk("63", "777", "stranger");        /* a stranger's flagged mention */
	t[3].text = (char *)phi;
	t[3].mentions = mention; t[3].mention_ids = mention_id; t[3].n_mentions = 1;
	struct seen s10 = { 0 }, s11 = { 0 }, s12 = { 0 };
	store_begin(s);
	ingest_posts(s, &checked, &t[0], 2, &st, on_event, &s10);
	ingest_posts(s, &checked, &t[2], 1, &st, on_event, &s11);
	ingest_posts(s, &checked, &t[3], 1, &st, on_event, &s12);
	store_commit(s);
	ok(!saw(&s10, "tagged_risk"), "a clean mention, a flagged post aimed elsewhere: no tagged_risk");
	ok(saw(&s11, "tagged_risk") && s11.mentor == mentor, "a mentor's flagged reply: tagged_risk for her");
	ok(strncmp(s11.findings, "block: ", 7) == 0, "  with the findings (%s)", s11.findings);
	ok(saw(&s12, "tagged_risk") && s12.mentor == 0, "a stranger's flagged mention: news with mentor 0");
	char *cand = NULL, *cmentors = NULL;
	ok(store_candidate_get(s, "mastodon", "777", &cand, &cmentors) == 1 && cand &&
	   strstr(cand, "tagged_risk:1:") != NULL, "  and a tagged_risk in the stranger's candidate aggregate");
	free(cand);
	free(cmentors);
	struct seen s13 = { 0 };
	store_begin(s);
	ingest_posts(s, &checked, &t[2], 2, &st, on_event, &s13);
	store_commit(s);
	is_int(s13.n, 0, "seen again: nothing new");
	check_engine_free(engine);
	store_close(s);
	return tap_done();
}
