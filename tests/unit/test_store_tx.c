/* Unit tests for a page's transaction end to end (store + mentor cache +
 * ingest): each mentor's aggregate is written once, before COMMIT, and a
 * failed COMMIT or a full disk loses nothing, keeps nothing half-written
 * and leaves the cache as the database is — so the page read again is
 * ingested whole, its events new again. */
#include "ingest/ingest.h"
#include "mentors/mentor_cache.h"
#include "ledger/ledger.h"
#include "net/post.h"
#include "store/store_internal.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N_POSTS 40

struct agg_text { char v[LEDGER_AGG_TEXT_MAX]; };

static int copy_ledger(const struct store_mentor_rec *m, void *userdata)
{
	snprintf(((struct agg_text *)userdata)->v, LEDGER_AGG_TEXT_MAX, "%s", m->ledger ? m->ledger : "");
	return 0;
}

/* The aggregate as the database holds it, and as the cache does. */
static void db_agg(struct store *s, int64_t id, struct agg_text *out)
{
	out->v[0] = 0;
	store_get_mentor(s, id, copy_ledger, out);
}

static void cache_agg(struct mentor_cache *c, int64_t id, struct agg_text *out)
{
	struct mentor_entry *e = mentor_cache_get(c, id);
	out->v[0] = 0;
	if (e)
		ledger_agg_format(&e->agg, out->v, sizeof out->v);
}

static int64_t count(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

struct page {
	struct post p[N_POSTS];
	char id[N_POSTS][16];
	char text[N_POSTS][600];
};

/* N_POSTS posts by alice, ids from first; long texts, so they fill pages. */
static void mk_page(struct page *pg, int first)
{
	memset(pg, 0, sizeof *pg);
	for (int i = 0; i < N_POSTS; i++) {
		snprintf(pg->id[i], sizeof pg->id[i], "%d", first + i);
		memset(pg->text[i], 'a' + i % 26, sizeof pg->text[i] - 1);
		memcpy(pg->text[i], "grand rounds #meded ", 20);
		pg->p[i] = (struct post){ .network = "mastodon", .id = pg->id[i], .key = pg->id[i],
		                          .author_id = (char *)"100", .author_handle = (char *)"alice",
		                          .text = pg->text[i], .created_at = 1700000000 + first + i,
		                          .url = (char *)"https://med.social/@alice/1",
		                          .n_likes = -1, .n_reposts = -1, .n_replies = -1, .n_quotes = -1 };
	}
}

struct seen { int n; };
static void on_event(const struct ingest_event *ev, void *userdata)
{
	(void)ev;
	((struct seen *)userdata)->n++;
}

/* One page in one transaction, as the scheduler's walk_page does; returns
 * the commit's result (or the ingest's) and the events the page reported. */
static int one_page(struct store *s, struct mentor_cache *c, const struct page *pg, struct seen *seen)
{
	struct ingest_me me = { "mastodon", "900", "me", c, false, NULL };
	struct ingest_stats st = { 0 };
	int r = store_begin(s);
	seen->n = 0;
	if (r >= 0)
		r = ingest_posts(s, &me, pg->p, N_POSTS, &st, on_event, seen);
	if (r >= 0)
		return store_commit(s);
	store_rollback(s);
	return r;
}

/* Pages as the scheduler's batch writes them: one transaction, a
 * savepoint each; res[i] is each page's outcome, the return the COMMIT's. */
static int batch(struct store *s, struct mentor_cache *c, struct page *const *pg, size_t n, int *res)
{
	struct ingest_me me = { "mastodon", "900", "me", c, false, NULL };
	int r = store_begin(s);
	for (size_t i = 0; i < n && r >= 0; i++) {
		struct ingest_stats st = { 0 };
		struct seen seen = { 0 };
		if ((res[i] = store_savepoint(s)) < 0)
			continue;
		if ((res[i] = ingest_posts(s, &me, pg[i]->p, N_POSTS, &st, on_event, &seen)) >= 0)
			r = store_release(s);
		else if (store_rollback_to(s) < 0)
			r = res[i];
	}
	if (r >= 0)
		return store_commit(s);
	store_rollback(s);
	return r;
}

static void same_agg(struct store *s, struct mentor_cache *c, int64_t id, const struct agg_text *want,
                     const char *what)
{
	struct agg_text d, m;
	char msg[160];
	db_agg(s, id, &d);
	cache_agg(c, id, &m);
	snprintf(msg, sizeof msg, "%s: the database's aggregate is the cache's", what);
	is_str(d.v, m.v, msg);
	if (want) {
		snprintf(msg, sizeof msg, "%s: the aggregate is as before", what);
		is_str(d.v, want->v, msg);
	}
}

/* Every failure path on one database. */
static void scenario(const char *path)
{
	struct store *s;
	struct mentor_cache *c;
	int64_t mentor, acc;
	struct page *pg = calloc(1, sizeof *pg);
	struct agg_text before;
	struct seen seen = { 0 };
	int64_t posts, events, saves;

	tap_diag("database: %s", path);
	if (!ok(pg && store_open(&s, path) == 0, "store")) {
		free(pg);
		return;
	}
	store_follow(s, "mastodon", "alice@med.social", "Alice", 0, &mentor, &acc);
	store_account_resolved(s, acc, "100", NULL, "Dr Alice");
	if (!ok(mentor_cache_new(&c, s, NULL, 0) == 0, "mentor cache")) {
		store_close(s);
		free(pg);
		return;
	}

	/* A page of 40 posts by one mentor: one aggregate write, not 40. */
	mk_page(pg, 1);
	saves = sqlite3_total_changes64(s->db);
	ok(one_page(s, c, pg, &seen) == 0, "a page commits");
	saves = sqlite3_total_changes64(s->db) - saves;
	is_int(saves, 2 * N_POSTS + 1, "rows written: 40 posts, 40 events, one aggregate");
	is_int(seen.n, N_POSTS, "40 events reported");
	same_agg(s, c, mentor, NULL, "after a commit");
	ok(mentor_cache_get(c, mentor) && !mentor_cache_get(c, mentor)->touched, "nothing left touched");

	/* A failed COMMIT: nothing of the page stays, the cache forgets it. */
	db_agg(s, mentor, &before);
	posts = count(s, "SELECT count(*) FROM posts");
	events = count(s, "SELECT count(*) FROM events");
	mk_page(pg, 1001);
	store_fault_commit(s, 1);
	ok(one_page(s, c, pg, &seen) < 0, "an injected COMMIT failure is reported");
	ok(!store_in_tx(s), "and the transaction is gone");
	is_int(count(s, "SELECT count(*) FROM posts"), posts, "failed COMMIT: no post kept");
	is_int(count(s, "SELECT count(*) FROM events"), events, "failed COMMIT: no event kept");
	same_agg(s, c, mentor, &before, "failed COMMIT");

	/* A full disk (SQLite's own SQLITE_FULL) part-way through the page. */
	{
		char sql[80];
		snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld",
		         (long long)count(s, "PRAGMA page_count") + 2);
		ok(sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK, "disk made nearly full");
		ok(one_page(s, c, pg, &seen) < 0, "a full disk fails the page");
		ok(!store_in_tx(s), "and rolls it back");
		is_int(count(s, "SELECT count(*) FROM posts"), posts, "full disk: no post kept");
		is_int(count(s, "SELECT count(*) FROM events"), events, "full disk: no event kept");
		same_agg(s, c, mentor, &before, "full disk");
		sqlite3_exec(s->db, "PRAGMA max_page_count = 1073741823", NULL, NULL, NULL);
	}

	/* The same page again: nothing was lost, nothing is doubled. */
	ok(one_page(s, c, pg, &seen) == 0, "the page read again commits");
	is_int(seen.n, N_POSTS, "its 40 events are new");
	is_int(count(s, "SELECT count(*) FROM posts"), posts + N_POSTS, "every post once");
	is_int(count(s, "SELECT count(*) FROM events"), events + N_POSTS, "every event once");
	same_agg(s, c, mentor, NULL, "after the retry");
	{
		struct mentor_entry *e = mentor_cache_get(c, mentor);
		is_int(e ? (long long)e->agg.n[LEDGER_POST] : -1, 2 * N_POSTS, "the aggregate counts 80 posts");
	}

	/* A failure after the hook wrote (COMMIT fails late): restored too. */
	db_agg(s, mentor, &before);
	mk_page(pg, 2001);
	store_fault_commit(s, 1);
	ok(one_page(s, c, pg, &seen) < 0, "a second failed COMMIT");
	same_agg(s, c, mentor, &before, "second failed COMMIT");

	/* Three pages together, the middle one failing half-way (a trigger
	 * refuses its 21st post): it alone rolls back, to its savepoint. */
	{
		struct page *three[3] = { calloc(1, sizeof *pg), calloc(1, sizeof *pg), calloc(1, sizeof *pg) };
		int res[3] = { 0, 0, 0 };
		int64_t p0 = count(s, "SELECT count(*) FROM posts");
		struct mentor_entry *e;
		mk_page(three[0], 3001);
		mk_page(three[1], 4001);
		mk_page(three[2], 5001);
		ok(sqlite3_exec(s->db, "CREATE TEMP TRIGGER poison BEFORE INSERT ON posts WHEN NEW.key = '4021' "
		                "BEGIN SELECT RAISE(ABORT, 'poisoned'); END", NULL, NULL, NULL) == SQLITE_OK,
		   "a post the database refuses");
		ok(batch(s, c, three, 3, res) == 0, "three pages commit together");
		ok(res[0] == 0 && res[1] < 0 && res[2] == 0, "the middle page alone failed");
		is_int(count(s, "SELECT count(*) FROM posts"), p0 + 2 * N_POSTS, "its 20 posts before the refusal are gone");
		is_int(count(s, "SELECT count(*) FROM posts WHERE key BETWEEN '4001' AND '4040'"), 0,
		       "none of the failed page's posts");
		same_agg(s, c, mentor, NULL, "a page rolled back to its savepoint");
		e = mentor_cache_get(c, mentor);
		is_int(e ? (long long)e->agg.n[LEDGER_POST] : -1, 4 * N_POSTS, "the aggregate has the two pages, not the third");
		sqlite3_exec(s->db, "DROP TRIGGER poison", NULL, NULL, NULL);

		/* A savepoint that cannot be taken fails its page alone too. */
		mk_page(three[0], 6001);
		mk_page(three[2], 7001);
		p0 = count(s, "SELECT count(*) FROM posts");
		store_fault_savepoint(s, 2);
		ok(batch(s, c, three, 3, res) == 0, "a failed savepoint: the batch commits");
		ok(res[0] == 0 && res[1] < 0 && res[2] == 0, "without the page whose savepoint failed");
		is_int(count(s, "SELECT count(*) FROM posts"), p0 + 2 * N_POSTS, "the other two pages are in");
		same_agg(s, c, mentor, NULL, "a failed savepoint");

		/* A failed COMMIT of a batch: none of its pages. */
		mk_page(three[0], 8001);
		mk_page(three[1], 9001);
		mk_page(three[2], 10001);
		db_agg(s, mentor, &before);
		p0 = count(s, "SELECT count(*) FROM posts");
		store_fault_commit(s, 1);
		ok(batch(s, c, three, 3, res) < 0, "a batch whose COMMIT fails");
		is_int(count(s, "SELECT count(*) FROM posts"), p0, "keeps none of its pages");
		same_agg(s, c, mentor, &before, "a batch's failed COMMIT");

		/* A full disk in the second page: SQLite drops the transaction. */
		char sql[80];
		snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", (long long)count(s, "PRAGMA page_count") + 12);
		sqlite3_exec(s->db, sql, NULL, NULL, NULL);
		ok(batch(s, c, three, 3, res) < 0, "a batch that fills the disk fails");
		ok(!store_in_tx(s), "and is rolled back");
		is_int(count(s, "SELECT count(*) FROM posts"), p0, "keeping none of its pages");
		same_agg(s, c, mentor, &before, "a batch on a full disk");
		sqlite3_exec(s->db, "PRAGMA max_page_count = 1073741823", NULL, NULL, NULL);
		ok(batch(s, c, three, 3, res) == 0, "the batch read again commits");
		is_int(count(s, "SELECT count(*) FROM posts"), p0 + 3 * N_POSTS, "whole");
		same_agg(s, c, mentor, NULL, "the batch read again");
		for (int i = 0; i < 3; i++)
			free(three[i]);
	}

	mentor_cache_free(c);
	store_close(s);
	free(pg);
}

int main(void)
{
	char dir[] = "/tmp/test_store_tx.XXXXXX", path[64];

	/* As mentord runs: sub-journals in memory (store_global_init). */
	ok(store_global_init() == 0, "SQLite configured before the first open");
	/* In memory, and in a file with its WAL, where a savepoint's
	 * sub-journal would otherwise spill to a temporary file. */
	scenario(":memory:");
	if (ok(mkdtemp(dir) != NULL, "a temporary directory")) {
		snprintf(path, sizeof path, "%s/mentord.db", dir);
		scenario(path);
		for (const char *const *sfx = (const char *const[]){ "", "-wal", "-shm", NULL }; *sfx; sfx++) {
			char f[80];
			snprintf(f, sizeof f, "%s%s", path, *sfx);
			unlink(f);
		}
		rmdir(dir);
	}
	ok(store_global_init() < 0, "and refused once SQLite runs");
	return tap_done();
}
