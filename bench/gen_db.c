/* gen_db.c — makes the databases the benchmark needs, through the daemon's
 * own store and mentor cache (libmentord.a), so mentord opens them like any other.
 *
 *   gen_db DB follow N FAKEURL
 *       doc1..docN followed on X, Mastodon and Bluesky (one mentor per docK
 *       owning its three accounts), already resolved to the ids the fake
 *       server gives them, so a poll round measures polling and ingest, not
 *       lookups. The Bluesky DIDs are asked from FAKEURL/_fake/account.
 *   gen_db DB follow-acct N FAKEURL
 *       the same, Mastodon accounts as mentord names them (docK@mastodon.test,
 *       with the instance's number in local_ids), as the home feed needs.
 *   gen_db DB ledger MENTORS EVENTS
 *       MENTORS mentors with an X and a Mastodon account each, EVENTS ledger
 *       events spread over three years (each network event with its post),
 *       100 tracked hashtags, a pool of suggestion candidates, and every
 *       aggregate computed, as years of use would leave them. */
#include "store/store.h"
#include "store/store_internal.h"   /* the connection, for bulk-load pragmas only */
#include "mentors/mentor_cache.h"
#include "config/config.h"
#include "net/post.h"

#include <curl/curl.h>
#include "body.h"
#include <cjson/cJSON.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define T_END 1790000000LL           /* the fake server's scenario clock (fake.sh) */
#define YEAR (365LL * 86400)


/* The DID the fake server gave docK (it mixes K with the seed). */
static int fake_did(CURL *h, const char *base, unsigned k, char *out, size_t size)
{
	char url[512];
	struct body b = { 0 };
	cJSON *j = NULL;
	const cJSON *did;
	int r = -EPROTO;

	snprintf(url, sizeof url, "%s/_fake/account?name=doc%u", base, k);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	if (curl_easy_perform(h) != CURLE_OK || !b.p)
		goto fail;
	j = cJSON_Parse(b.p);
	did = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "bluesky"), "did");
	if (!cJSON_IsString(did))
		goto fail;
	snprintf(out, size, "%s", did->valuestring);
	r = 0;
fail:
	cJSON_Delete(j);
	free(b.p);
	return r;
}

/* store_follow commits on its own (a commit per follow, as the bus method
 * does); the resolutions then go in one transaction. */
static int gen_follow(struct store *s, unsigned n, const char *fake, bool acct)
{
	static const char *const NETS[3] = { "x", "mastodon", "bluesky" };
	CURL *h = curl_easy_init();
	int64_t *acc = calloc(3 * (size_t)n + 3, sizeof *acc);
	int r = -ENOMEM;

	if (!h || !acc)
		goto fail;
	for (unsigned k = 1; k <= n; k++) {
		char handle[64];
		int64_t mentor = 0;
		for (int i = 0; i < 3; i++) {
			snprintf(handle, sizeof handle, i == 2 ? "doc%u.bsky.social" : "doc%u", k);
			if ((r = store_follow(s, NETS[i], handle, i ? NULL : handle, mentor, &mentor,
			                      &acc[3 * k + i])) < 0)
				goto fail;
		}
	}
	if ((r = store_begin(s)) < 0)
		goto fail;
	for (unsigned k = 1; k <= n; k++) {
		char handle[64], id[64], did[64];
		snprintf(handle, sizeof handle, "doc%u", k);
		snprintf(id, sizeof id, "%llu", 1500000000000000000ULL + k);
		if ((r = store_account_resolved(s, acc[3 * k], id, handle, handle)) < 0)
			goto rollback;
		snprintf(id, sizeof id, "%llu", 109000000000000000ULL + k);
		if (acct) {
			/* As mentord resolves them since schema 009: the acct, and the
			 * instance's number for it (the home-feed bench). */
			char a[64];
			snprintf(a, sizeof a, "doc%u@mastodon.test", k);
			r = store_account_resolved(s, acc[3 * k + 1], a, a, handle);
			if (r >= 0)
				r = store_local_id_set(s, "mastodon", "mastodon.test", a, id);
		} else {
			r = store_account_resolved(s, acc[3 * k + 1], id, handle, handle);
		}
		if (r < 0)
			goto rollback;
		snprintf(handle, sizeof handle, "doc%u.bsky.social", k);
		if ((r = fake_did(h, fake, k, did, sizeof did)) < 0) {
			fprintf(stderr, "gen_db: no DID for doc%u from %s\n", k, fake);
			goto rollback;
		}
		if ((r = store_account_resolved(s, acc[3 * k + 2], did, handle, handle)) < 0)
			goto rollback;
	}
	r = store_commit(s);
	goto fail;
rollback:
	store_rollback(s);
fail:
	if (h)
		curl_easy_cleanup(h);
	free(acc);
	return r;
}

static uint64_t rng_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static const char *const WORDS[] = {
	"cardiology", "meded", "residents", "grand", "rounds", "echo", "trial", "outcomes",
	"teaching", "mentorship", "heart", "failure", "imaging", "journal", "club", "paper",
	"conference", "abstract", "great", "thread", "thanks", "fellowship", "research", "ward",
};

/* The network events a mentor's accounts produce, and how often (of 100). */
static const struct { const char *kind; unsigned weight; } KINDS[] = {
	{ "post", 62 }, { "reply_to_me", 6 }, { "mention_of_me", 4 }, { "like_of_mine", 8 },
	{ "repost_of_mine", 3 }, { "quote_of_mine", 2 }, { "my_reply", 8 }, { "my_mention", 3 },
	{ "my_repost", 2 }, { "my_quote", 2 },
};

static const char *pick_kind(uint64_t *rng)
{
	unsigned v = (unsigned)(rng_next(rng) % 100), acc = 0;
	for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
		if (v < (acc += KINDS[i].weight))
			return KINDS[i].kind;
	return "post";
}

static int gen_ledger(struct store *s, unsigned mentors, unsigned long events)
{
	struct config cfg;
	struct mentor_cache *cache = NULL;
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	int64_t *accounts = NULL;
	const char *tags_vocab[] = { "meded", "cardiology", "echofirst", "hfpef", "womenincardiology" };
	int r;

	if ((r = config_init_defaults(&cfg)) < 0)
		return r;
	accounts = calloc(mentors + 1, sizeof *accounts);
	if (!accounts) {
		r = -ENOMEM;
		goto fail;
	}
	for (unsigned k = 1; k <= mentors; k++) {
		char handle[64], name[64];
		int64_t mentor = 0, acc;
		snprintf(handle, sizeof handle, "doc%u", k);
		snprintf(name, sizeof name, "Dr %s %u", WORDS[k % 24], k);
		if ((r = store_follow(s, "x", handle, name, 0, &mentor, &accounts[k])) < 0 ||
		    (r = store_follow(s, "mastodon", handle, NULL, mentor, &mentor, &acc)) < 0)
			goto fail;
	}
	if ((r = store_begin(s)) < 0)
		goto fail;
	for (unsigned k = 1; k <= mentors; k++) {
		char handle[64], id[64];
		snprintf(handle, sizeof handle, "doc%u", k);
		snprintf(id, sizeof id, "%llu", 1500000000000000000ULL + k);
		if ((r = store_account_resolved(s, accounts[k], id, handle, NULL)) < 0)
			goto rollback;
	}
	for (unsigned t = 0; t < 100; t++) {
		char tag[64];
		snprintf(tag, sizeof tag, "%s%u", tags_vocab[t % 5], t);
		if ((r = store_track(s, tag, "")) < 0)
			goto rollback;
	}
	if ((r = store_commit(s)) < 0)
		goto fail;

	/* Events in time order, as the ledger grows; a transaction per 250k
	 * events. Mentor k is mentor id k (fresh DB). */
	for (unsigned long i = 0; i < events; i++) {
		unsigned k = 1 + (unsigned)(rng_next(&rng) % mentors);
		int64_t at = T_END - 3 * YEAR + (int64_t)(3 * YEAR * (double)i / (double)events);
		const char *kind = pick_kind(&rng);
		char key[64], text[160], dedupe[96], url[128];
		char *tags[1];
		struct post p = { .network = "x", .id = key, .key = key, .created_at = at, .text = text,
		                  .url = url, .n_likes = -1, .n_reposts = -1, .n_replies = -1, .n_quotes = -1 };
		struct store_event e = { .mentor_id = k, .account_id = accounts[k], .kind = kind, .at = at,
		                         .platform = "x", .url = url, .dedupe = dedupe };
		int64_t pid = 0;

		if (i % 250000 == 0 && (r = store_begin(s)) < 0)
			goto fail;
		snprintf(key, sizeof key, "%llu", (unsigned long long)((at - 1288834974LL) << 22 | (i & 0x3fffff)));
		snprintf(url, sizeof url, "https://x.com/doc%u/status/%s", k, key);
		snprintf(text, sizeof text, "%s %s %s %s #%s", WORDS[rng_next(&rng) % 24], WORDS[rng_next(&rng) % 24],
		         WORDS[rng_next(&rng) % 24], WORDS[rng_next(&rng) % 24], tags_vocab[i % 5]);
		snprintf(dedupe, sizeof dedupe, "%s|x|%s", kind, key);
		tags[0] = (char *)tags_vocab[i % 5];
		p.tags = tags;
		p.n_tags = 1;
		if (strcmp(kind, "like_of_mine") != 0) {   /* a like has no post of its own */
			char ah[32], aid[32];
			snprintf(ah, sizeof ah, "%s", strncmp(kind, "my_", 3) == 0 ? "me" : "");
			snprintf(aid, sizeof aid, "%llu", 1500000000000000000ULL + (strncmp(kind, "my_", 3) == 0 ? 0 : k));
			if (!ah[0])
				snprintf(ah, sizeof ah, "doc%u", k);
			p.author_handle = ah;
			p.author_id = aid;
			if ((r = store_insert_post(s, &p, strncmp(kind, "my_", 3) == 0 ? 0 : accounts[k], &pid)) < 0)
				goto rollback;
		}
		e.post_id = pid;
		if ((r = store_insert_event(s, &e)) < 0)
			goto rollback;
		if ((i + 1) % 250000 == 0 || i + 1 == events)
			if ((r = store_commit(s)) < 0)
				goto fail;
	}

	/* Aggregates from the events, the way the daemon rebuilds them. */
	if ((r = mentor_cache_new(&cache, s, (const char *const *)cfg.interests, cfg.n_interests)) < 0)
		goto fail;
	if ((r = store_begin(s)) < 0)
		goto fail;
	for (unsigned k = 1; k <= mentors; k++)
		if ((r = mentor_cache_rebuild(cache, k)) < 0)
			goto rollback;
	r = store_commit(s);
	goto fail;
rollback:
	store_rollback(s);
fail:
	mentor_cache_free(cache);
	free(accounts);
	config_clear(&cfg);
	return r;
}

/* Authors seen in tag streams and threads, for `suggest` to rank. */
static int gen_candidates(const char *path, unsigned n)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int r = -EIO;

	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO candidates(platform, author_id, handle, name, seen_in_tags,"
	                           " seen_in_threads, mentors, last_seen) VALUES('x', ?, ?, ?, ?, ?, ?, ?)",
	                       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	for (unsigned i = 1; i <= n; i++) {
		char id[32], handle[32], name[48], mentors[32];
		snprintf(id, sizeof id, "%u", 1600000000u + i);
		snprintf(handle, sizeof handle, "cand%u", i);
		snprintf(name, sizeof name, "Candidate %s %u", WORDS[i % 24], i);
		snprintf(mentors, sizeof mentors, "%u %u", 1 + i % 97, 1 + i % 89);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, handle, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 4, (int)(i % 7));
		sqlite3_bind_int(st, 5, (int)(i % 5));
		sqlite3_bind_text(st, 6, mentors, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 7, T_END - (int64_t)(i % 60) * 86400);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(st);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	r = 0;
fail:
	if (r < 0)
		fprintf(stderr, "gen_db: candidates: %s\n", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return r;
}

int main(int argc, char **argv)
{
	struct store *s = NULL;
	int r;

	if (argc != 5 || (strcmp(argv[2], "follow") != 0 && strcmp(argv[2], "follow-acct") != 0 &&
	                  strcmp(argv[2], "ledger") != 0)) {
		fprintf(stderr, "usage: gen_db DB follow|follow-acct N FAKEURL | gen_db DB ledger MENTORS EVENTS\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((r = store_open(&s, argv[1])) < 0)
		goto fail;
	/* A bulk load that is redone from scratch on failure needs no fsync,
	 * and a cache that holds the randomly ordered indexes (mentor, time;
	 * dedupe keys) keeps it from rewriting the same pages at every commit. */
	sqlite3_exec(s->db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-524288; PRAGMA wal_autocheckpoint=100000",
	             NULL, NULL, NULL);
	if (strncmp(argv[2], "follow", 6) == 0)
		r = gen_follow(s, (unsigned)strtoul(argv[3], NULL, 10), argv[4], argv[2][6] == '-');
	else
		r = gen_ledger(s, (unsigned)strtoul(argv[3], NULL, 10), strtoul(argv[4], NULL, 10));
	store_close(s);
	s = NULL;
	if (r >= 0 && strcmp(argv[2], "ledger") == 0)
		r = gen_candidates(argv[1], 5000);
fail:
	if (r < 0)
		fprintf(stderr, "gen_db: %s\n", strerror(-r));
	curl_global_cleanup();
	return r < 0;
}
