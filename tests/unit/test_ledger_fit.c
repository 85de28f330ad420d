/* Unit tests for topic vectors, mentor fit and suggestions: the tokenizer,
 * the bounded top-K counter, document frequencies, interest queries, TF-IDF
 * cosine, fit orderings and the suggestion ranking with its reasons. */
#include "ledger/ledger.h"
#include "tap.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define T0   1735689600LL   /* 2025-01-01T00:00:00Z */
#define HOUR 3600LL
#define DAY  86400LL

/* ---- helpers ------------------------------------------------------------- */

struct terms { char s[16][TEXTVEC_TERM_MAX]; unsigned w[16]; int n; };

static void collect(const char *term, unsigned weight, void *ud)
{
	struct terms *t = ud;
	if (t->n < 16) {
		snprintf(t->s[t->n], sizeof t->s[t->n], "%s", term);
		t->w[t->n++] = weight;
	}
}

/* "a b #c" — the terms joined, for one-line comparisons */
static const char *joined(const struct terms *t, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < t->n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? " " : "", t->s[i]);
	return buf;
}

static void post(struct ledger_agg *a, int64_t at, const char *text, const char *tag, unsigned flags)
{
	const char *tags[1] = { tag };
	struct ledger_event e = { .kind = LEDGER_POST, .at = at, .platform = "mastodon", .text = text,
	                          .tags = tags, .n_tags = tag ? 1 : 0, .flags = flags };
	ledger_agg_add(a, &e);
}

/* ---- tokenizer ----------------------------------------------------------- */

static void test_tokenizer(void)
{
	struct terms t = { 0 };
	char buf[256];
	const char *tags[] = { "meded" };

	textvec_terms("Great #MedEd chat on Cardiology residents' wellbeing! https://x.com/a?b=1 "
	              "@drbob@med.social 2025 studies", NULL, 0, collect, &t);
	is_str(joined(&t, buf, sizeof buf), "#meded chat cardiology resident wellbeing study",
	       "stop words, links, handles, numbers dropped; plural stemmed; apostrophe ends a word");
	ok(t.w[0] == TEXTVEC_TAG_WEIGHT && t.w[1] == 1, "a hashtag weighs double");

	t.n = 0;
	textvec_terms("Teaching #MedEd today", tags, 1, collect, &t);
	is_str(joined(&t, buf, sizeof buf), "teaching #meded", "network tags replace the text's #tokens");

	t.n = 0;
	textvec_terms("Médecine—interne… “diagnosis” virus class don’t 🫀cardio", NULL, 0, collect, &t);
	is_str(joined(&t, buf, sizeof buf), "médecine interne diagnosis virus class cardio",
	       "UTF-8 words kept; dashes, quotes, emoji separate; -is -us -ss not stemmed");

	t.n = 0;
	textvec_terms("averyveryverylongwordthatgoesonandon", NULL, 0, collect, &t);
	ok(t.n == 1 && strlen(t.s[0]) == TEXTVEC_TERM_MAX - 1, "long terms cut to %d bytes",
	   TEXTVEC_TERM_MAX - 1);
	t.n = 0;
	/* "#a" + 10 x "é" is 22 bytes; the 11th "é" would end at byte 24, past
	 * the 23 allowed: cut before it, not inside it */
	textvec_terms("#aééééééééééé", NULL, 0, collect, &t);
	ok(t.n == 1 && strlen(t.s[0]) == 22, "a long hashtag is cut between characters (%zu bytes)",
	   t.n ? strlen(t.s[0]) : 0);

	is_int(textvec_word_count("@alice thanks for this https://t.co/x great point!"), 5,
	       "word count skips handles and links");
	is_int(textvec_word_count(NULL), 0, "NULL has no words");
	is_int(textvec_word_count("  -- :) "), 0, "punctuation is not words");
}

/* ---- top-K counting ------------------------------------------------------ */

static void test_topk(void)
{
	struct textvec v;
	char w[32];
	const struct textvec_term *heavy;

	textvec_init(&v);
	for (int i = 0; i < 200; i++) {
		textvec_add(&v, "heavy", 1);
		snprintf(w, sizeof w, "noise%03d", i);
		textvec_add(&v, w, 1);
	}
	heavy = textvec_find(&v, "heavy");
	ok(heavy && textvec_sure(heavy) == 200, "a frequent term is kept with its exact count");
	is_int(v.n, TEXTVEC_K, "the vector is bounded at K terms");
	is_int(v.total, 400, "total counts every token");
	ok(textvec_find(&v, "noise199") != NULL, "the newest term took the least counted slot");
	ok(textvec_sure(textvec_find(&v, "noise199")) == 1, "its certain count is 1, not its inherited count");
	textvec_add(&v, "", 3);
	is_int(v.total, 400, "empty terms are ignored");
	textvec_add(&v, "HEAVY", 1);
	ok(textvec_sure(textvec_find(&v, "heavy")) == 201, "terms added directly are lower-cased");
}

/* ---- document frequencies ------------------------------------------------ */

static void test_df(void)
{
	struct textvec_df df;
	struct textvec a, b, many[200];
	char w[32];
	int all_zero = 1;

	is_int(textvec_df_init(&df), 0, "df init");
	ok(textvec_idf(&df, "x") == 1.0, "empty table: idf 1 (plain TF)");
	ok(textvec_idf(NULL, "x") == 1.0, "no table: idf 1");
	textvec_init(&a);
	textvec_init(&b);
	textvec_add(&a, "common", 1);
	textvec_add(&a, "rare", 1);
	textvec_add(&b, "common", 1);
	textvec_df_add(&df, &a);
	textvec_df_add(&df, &b);
	ok(textvec_df_get(&df, "common") == 2 && textvec_df_get(&df, "rare") == 1 && df.n_docs == 2,
	   "document frequencies counted per author");
	/* ln(3/3)+1 = 1 and ln(3/2)+1 = 1.405 */
	ok(fabs(textvec_idf(&df, "common") - 1.0) < 1e-12 && fabs(textvec_idf(&df, "rare") - (log(1.5) + 1)) < 1e-12,
	   "smoothed idf: ln((1+N)/(1+df)) + 1");
	textvec_df_remove(&df, &b);
	ok(textvec_df_get(&df, "common") == 1 && df.n_docs == 1, "remove uncounts a document");

	for (int i = 0; i < 200; i++) {
		textvec_init(&many[i]);
		for (int j = 0; j < TEXTVEC_K; j++) {
			snprintf(w, sizeof w, "t%d_%d", i, j);
			textvec_add(&many[i], w, 1);
		}
		if (textvec_df_add(&df, &many[i]) < 0)
			break;
	}
	ok(df.cap >= 2 * 6400 && textvec_df_get(&df, "t123_7") == 1, "table grows past 6400 terms (cap %zu)",
	   df.cap);
	for (int i = 0; i < 200; i++)
		textvec_df_remove(&df, &many[i]);
	for (int i = 0; i < 200; i++)
		all_zero = all_zero && textvec_df_get(&df, "t5_5") == 0;
	ok(all_zero && textvec_df_get(&df, "rare") == 1, "removal restores the counts");
	textvec_df_finish(&df);
	ok(df.slots == NULL, "finish frees");
}

/* ---- queries and cosine -------------------------------------------------- */

static void test_query(void)
{
	const char *interests[] = { "cardiology", "Medical Education", "#MedEd", NULL, "" };
	const char *one[] = { "cardiology" };
	const char *many[] = { "cardiology", "dermatology", "health equity", "surgery", "global health" };
	const char *two[] = { "dermatology", "cardiology", "heart" };
	const char *lots[TEXTVEC_INTERESTS_MAX + 1];
	char names[TEXTVEC_INTERESTS_MAX + 1][24];
	struct textvec_query q;
	struct textvec_align al;
	struct textvec v;
	double a1;
	int found = 1;
	const char *want[] = { "cardiology", "#cardiology", "medical", "education", "#medicaleducation",
	                       "meded", "#meded" };

	is_int(textvec_query_build(&q, interests, 5, NULL), 7, "three interests give seven terms");
	is_int(q.n_interests, 3, "NULL and empty phrases are skipped");
	is_str(q.name[2], "MedEd", "interest names kept for messages, '#' dropped");
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		found = found && textvec_query_find(&q, want[i]) >= 0;
	ok(found, "words, joined hashtag and bare word are all in the query");
	ok(textvec_query_find(&q, "cardio") < 0, "no partial matches");
	ok(textvec_text_matches(&q, "Residents: what makes a good #MedEd talk?", NULL, 0), "a post in the area");
	ok(!textvec_text_matches(&q, "Best biopsy technique for melanoma?", NULL, 0), "a post outside it");

	/* one interest, an author using only "cardiology": dot = 1, |q| = sqrt 2,
	 * |v| = 1 with idf 1 everywhere -> cosine 1/sqrt 2 */
	textvec_query_build(&q, one, 1, NULL);
	textvec_init(&v);
	textvec_add(&v, "cardiology", 1);
	a1 = textvec_align(&q, &v, NULL, &al);
	ok(fabs(a1 - M_SQRT1_2) < 1e-12 && al.best == 0 && al.second == -1, "cosine 1/sqrt(2) (%.4f)", a1);
	ok(al.n_matches == 1 && strcmp(al.m[0].term, "cardiology") == 0 && fabs(al.m[0].share - 1) < 1e-12,
	   "the shared term");
	textvec_add(&v, "#cardiology", TEXTVEC_TAG_WEIGHT);
	textvec_add(&v, "#cardiology", TEXTVEC_TAG_WEIGHT);
	textvec_add(&v, "heart", 1);
	a1 = textvec_align(&q, &v, NULL, &al);
	ok(al.n_matches == 2 && strcmp(al.m[0].term, "#cardiology") == 0 && al.m[0].count == 2,
	   "hashtag uses reported without the weight (%u)", al.m[0].count);

	/* more interests do not dilute the match with the one that fits */
	textvec_query_build(&q, many, 5, NULL);
	ok(fabs(textvec_align(&q, &v, NULL, NULL) - a1) < 1e-12, "five interests: same alignment as one");
	/* two matching interests: best + half the second */
	textvec_query_build(&q, two, 3, NULL);
	textvec_align(&q, &v, NULL, &al);
	ok(al.best == 1 && al.second == 2 && fabs(al.score - (al.best_cos + 0.5 * al.second_cos)) < 1e-12,
	   "best 'cardiology' %.3f + half of 'heart' %.3f", al.best_cos, al.second_cos);

	textvec_query_build(&q, NULL, 0, NULL);
	ok(textvec_align(&q, &v, NULL, &al) == 0 && al.best == -1, "empty query: alignment 0");
	ok(textvec_align(NULL, &v, NULL, NULL) == 0, "no query: alignment 0");

	for (int i = 0; i <= TEXTVEC_INTERESTS_MAX; i++) {
		snprintf(names[i], sizeof names[i], "topic%d", i);
		lots[i] = names[i];
	}
	ok(textvec_query_build(&q, lots, TEXTVEC_INTERESTS_MAX + 1, NULL) == -E2BIG &&
	   q.n_interests == TEXTVEC_INTERESTS_MAX, "65 interests: -E2BIG, the first 64 kept");
}

/* ---- fit ----------------------------------------------------------------- */

static const char *const cardio_posts[] = {
	"New heart failure guidelines are out, a big change for cardiology clinics",
	"Echo case: severe aortic stenosis in a young patient, teaching point for residents",
	"Heart failure clinic pearls for trainees: diuretics, daily weights, follow up",
	"Reading an ECG is a skill; practise with real tracings every day",
	"SGLT2 inhibitors in heart failure: the trial data keeps getting stronger",
	"Interventional cardiology fellowship interviews start soon, good luck all",
};
static const char *const derm_posts[] = {
	"Melanoma screening tips for primary care: the ABCDE rule and beyond",
	"A skin of colour atlas is now free online, great for dermatology residents",
	"Psoriasis biologics update: what changed in the new guidance",
	"Acne in teenagers is tricky; isotretinoin counselling matters",
	"Dermoscopy course next month, bring your hardest pigmented lesions",
	"Eczema flares in winter: moisturise, moisturise, moisturise",
};

/* Six posts a week apart, the first `replies` of them replies to others. */
static void author(struct ledger_agg *a, const char *const *texts, const char *tag, int replies, int64_t end)
{
	ledger_agg_init(a, 0);
	for (int i = 0; i < 6; i++)
		post(a, end - (5 - i) * 7 * DAY, texts[i], i % 2 ? tag : NULL,
		     i < replies ? LEDGER_F_REPLY_TO_OTHER : 0);
}

static void test_fit_topic(void)
{
	const char *cardio_user[] = { "cardiology", "heart failure" };
	const char *derm_user[] = { "dermatology", "melanoma" };
	int64_t now = T0 + 60 * DAY;
	struct ledger_agg card, derm, general;
	struct textvec_df df;
	struct textvec_query q;
	struct ledger_score why;
	double fc, fd, sum = 0;

	author(&card, cardio_posts, "cardiology", 2, now - DAY);
	author(&derm, derm_posts, "dermatology", 2, now - DAY);
	ledger_agg_init(&general, 0);
	post(&general, now - DAY, "Hospital news: new parking rules and the cafeteria reopens for residents", NULL, 0);
	textvec_df_init(&df);
	textvec_df_add(&df, &card.terms);
	textvec_df_add(&df, &derm.terms);
	textvec_df_add(&df, &general.terms);

	textvec_query_build(&q, cardio_user, 2, &df);
	fc = ledger_fit(&card, now, &q, &df, &why);
	fd = ledger_fit(&derm, now, &q, &df, NULL);
	ok(fc > fd + 20, "cardiology user: cardiology mentor (%.1f) beats dermatology mentor (%.1f)", fc, fd);
	is_str(why.c[0].name, "topic", "first fit contribution is topic");
	ok(strncmp(why.c[0].detail, "'cardiology' cosine", 19) == 0 && strstr(why.c[0].detail, "#cardiology (3)") &&
	   strstr(why.c[0].detail, "also 'heart failure'"), "topic names interests and shared terms: %s", why.c[0].detail);
	for (size_t i = 0; i < why.n; i++)
		sum += why.c[i].value;
	ok(why.n == 3 && fabs(sum - fc) < 1e-9, "three contributions summing to the fit");
	ok(fabs(why.c[0].value + why.c[1].value + why.c[2].value - why.score) < 1e-9, "score field agrees");

	textvec_query_build(&q, derm_user, 2, &df);
	ok(ledger_fit(&derm, now, &q, &df, NULL) > ledger_fit(&card, now, &q, &df, NULL) + 20,
	   "dermatology user: the order flips");
	ok(ledger_fit(&card, now, NULL, &df, &why) < fc && strcmp(why.c[0].detail, "no interests configured") == 0,
	   "no interests: topic 0, said so");
	textvec_df_finish(&df);
}

/* Responsiveness (2 of 6 replies vs 0): shares shrunk to (2+1.5)/16 = 0.22
 * and 1.5/16 = 0.094, i.e. 35 * 0.22/0.4 = 19.1 and 35 * 0.094/0.4 = 8.2. */
static void test_fit_responsiveness_activity(void)
{
	int64_t now = T0 + 60 * DAY;
	struct ledger_agg talker, broadcaster, quiet, firehose, steady;
	struct ledger_score why;

	author(&talker, cardio_posts, NULL, 2, now - DAY);
	author(&broadcaster, cardio_posts, NULL, 0, now - DAY);
	ledger_fit(&talker, now, NULL, NULL, &why);
	ok(fabs(why.c[1].value - 19.14) < 0.01, "2 of 6 replies to others: 19.1 points (%.2f)", why.c[1].value);
	is_str(why.c[1].detail, "replies to others in 2 of 6 posts (33%)", "responsiveness detail");
	ledger_fit(&broadcaster, now, NULL, NULL, &why);
	ok(fabs(why.c[1].value - 8.20) < 0.01, "none: 8.2 points from the prior (%.2f)", why.c[1].value);

	ledger_agg_init(&quiet, 0);
	ledger_fit(&quiet, now, NULL, NULL, &why);
	ok(why.c[2].value == 0 && strstr(why.c[1].detail, "assumed 15%"), "no posts: activity 0, prior responsiveness");

	/* 4 posts a week for 12 weeks: 4 a week, the 12-week window divided out */
	ledger_agg_init(&steady, 0);
	for (int i = 0; i < 48; i++)
		post(&steady, now - 84 * DAY + i * 7 * DAY / 4, "heart", NULL, 0);
	ledger_fit(&steady, now, NULL, NULL, &why);
	ok(why.c[2].value == 10, "4 posts a week: full activity (%s)", why.c[2].detail);

	ledger_agg_init(&firehose, 0);
	for (int i = 0; i < 400; i++)
		post(&firehose, now - 28 * DAY + i * HOUR * 3 / 2, "heart", NULL, LEDGER_F_REPOST);
	ledger_fit(&firehose, now, NULL, NULL, &why);
	ok(why.c[2].value == 5, "over 70 posts a week: half the activity points (%s)", why.c[2].detail);
	is_int(firehose.posts_own, 0, "reposts are activity, not own posts");
	is_int(firehose.terms.n, 0, "reposts add no terms");
}

/* ---- suggestions --------------------------------------------------------- */

static void test_suggest(void)
{
	const char *interests[] = { "cardiology" };
	int64_t now = T0 + 30 * DAY;
	struct ledger_agg a1, a2, a3, a4, a5;
	struct ledger_candidate c[5];
	struct ledger_suggestion s[5];
	struct textvec_query q;
	size_t n;

	/* 1: ten #cardiology posts, four of them replies to others */
	ledger_agg_init(&a1, 0);
	for (int i = 0; i < 10; i++)
		post(&a1, now - 20 * DAY + i * DAY, "Cardiology teaching case: heart failure", "cardiology",
		     i < 4 ? LEDGER_F_REPLY_TO_OTHER : 0);
	/* 2: dermatology only, never near a mentor: left out */
	author(&a2, derm_posts, "dermatology", 1, now - DAY);
	/* 3: no shared term, but in three of the mentors' conversations */
	ledger_agg_init(&a3, 0);
	post(&a3, now - DAY, "Hospital wellbeing committee minutes", NULL, 0);
	/* 4: one cardiology post among unrelated ones, no replies */
	ledger_agg_init(&a4, 0);
	post(&a4, now - 3 * DAY, "Cardiology grand rounds recording", NULL, 0);
	post(&a4, now - 2 * DAY, "Parking at the hospital is impossible again", NULL, 0);
	post(&a4, now - 1 * DAY, "Weekend plans: hiking and baking bread", NULL, 0);
	/* 5: identical to 1 but a higher id: ties go to the lower id */
	a5 = a1;

	c[0] = (struct ledger_candidate){ .id = 11, .agg = &a1, .seen_in_tags = 10 };
	c[1] = (struct ledger_candidate){ .id = 12, .agg = &a2, .seen_in_tags = 6 };
	c[2] = (struct ledger_candidate){ .id = 13, .agg = &a3, .seen_in_threads = 3, .n_mentors = 2 };
	c[3] = (struct ledger_candidate){ .id = 14, .agg = &a4, .seen_in_tags = 1 };
	c[4] = (struct ledger_candidate){ .id = 15, .agg = &a5, .seen_in_tags = 10 };
	textvec_query_build(&q, interests, 1, NULL);

	n = ledger_suggest(c, 5, now, &q, NULL, s, 5);
	is_int(n, 4, "four suggestions: the unrelated dermatologist is left out");
	ok(n == 4 && s[0].id == 11 && s[1].id == 15, "the focused, responsive cardiologist first; tie to the lower id");
	for (size_t i = 0; i < n; i++)
		tap_diag("  #%lld fit %.1f rank %.1f: %s | %s", (long long)s[i].id, s[i].fit, s[i].rank,
		         s[i].n_reasons > 0 ? s[i].reasons[0] : "", s[i].n_reasons > 1 ? s[i].reasons[1] : "");
	ok(n == 4 && s[2].id == 14 && s[3].id == 13, "one cardiology post beats a warm path alone");
	ok(n == 4 && fabs(s[3].rank - s[3].fit - 10) < 1e-9, "three mentor conversations: the whole warm bonus");
	is_str(s[0].reasons[0], "posts #cardiology often (10 times)", "tag reason with its count");
	is_str(s[0].reasons[1], "writes about cardiology (10 times)", "word reason");
	is_str(s[0].reasons[2], "replies to others (40% of posts)", "responsiveness reason");
	ok(strstr(s[0].reasons[3], "seen 10 times in your tracked hashtags") != NULL, "seen reason: %s", s[0].reasons[3]);
	is_str(s[3].reasons[0], "takes part in your mentors' conversations (3 times, 2 mentors)", "warm-path reason");
	ok(s[2].n_reasons >= 2 && strcmp(s[2].reasons[1], "rarely replies to others (0% of posts)") == 0,
	   "a broadcaster is called one");

	n = ledger_suggest(c, 5, now, &q, NULL, s, 1);
	ok(n == 1 && s[0].id == 11 && s[0].n_reasons == 4, "max_out 1: just the best, with its reasons");
	is_int(ledger_suggest(c, 5, now, &q, NULL, s, 0), 0, "max_out 0: nothing");
}

int main(void)
{
	test_tokenizer();
	test_topk();
	test_df();
	test_query();
	test_fit_topic();
	test_fit_responsiveness_activity();
	test_suggest();
	return tap_done();
}
