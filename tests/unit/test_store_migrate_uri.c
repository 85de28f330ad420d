/* Schema 009 (Mastodon accts and uris) on a database the 0.1 release made
 * (tests/fixtures/db/release-0.1-mastodon.sql): nothing lost or doubled,
 * the exact new keys, ids and dedupe strings, X and Bluesky untouched, a
 * clean database that a second open leaves alone; the same with rows the
 * release could make only over years (two instances' ids for one account or
 * post, other server software, bare handles); then the store's lazy re-key
 * of what the migration could not convert, and the local id table. */
#include "store/store.h"
#include "store/store_internal.h"
#include "net/post.h"
#include "tap.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char tmpdir[] = "/tmp/mentord-test-migrate-uri-XXXXXX";

static char *path_in_tmp(const char *name)
{
	char *p;
	if (asprintf(&p, "%s/%s", tmpdir, name) < 0)
		abort();
	return p;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	FILE *m = open_memstream(&buf, &len);
	char chunk[65536];
	size_t n;
	while (m && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, n, m);
	if (m)
		fclose(m);
	fclose(f);
	return buf;
}

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;
	if (sqlite3_open(path, &db) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static bool raw_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK)
		return true;
	tap_diag("sql failed: %s", err ? err : "?");
	sqlite3_free(err);
	return false;
}

/* Every row of a query, every column with its type, one line a row. */
static char *dump(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		abort();
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(m, "!prepare: %s", sqlite3_errmsg(db));
		fclose(m);
		return buf;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			int t = sqlite3_column_type(st, i);
			if (t == SQLITE_NULL)
				fputs("|N", m);
			else
				fprintf(m, "|%d:%s", t, (const char *)sqlite3_column_text(st, i));
		}
		fputc('\n', m);
	}
	sqlite3_finalize(st);
	fclose(m);
	return buf;
}

/* The first column of the first row, or NULL. */
static char *q1(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	char *v = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		tap_diag("prepare %s: %s", sql, sqlite3_errmsg(db));
		return NULL;
	}
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static long long qi(sqlite3 *db, const char *sql)
{
	char *v = q1(db, sql);
	long long n = v ? strtoll(v, NULL, 10) : -1;
	free(v);
	return n;
}

#define is_q(db, sql, want, name) do { char *g__ = q1(db, sql); is_str(g__, want, name); free(g__); } while (0)

/* What stays byte for byte: every X and Bluesky row, and the tables the
 * migration has no business with. */
static const char *const untouched_sql[] = {
	"SELECT * FROM accounts WHERE platform <> 'mastodon' ORDER BY id",
	"SELECT * FROM posts WHERE platform <> 'mastodon' ORDER BY id",
	"SELECT * FROM events WHERE platform IS NOT 'mastodon' ORDER BY id",
	"SELECT * FROM notifs WHERE platform <> 'mastodon' ORDER BY id",
	"SELECT * FROM candidates WHERE platform <> 'mastodon' ORDER BY platform, author_id",
	"SELECT * FROM cursors WHERE platform <> 'mastodon' ORDER BY platform, target",
	"SELECT * FROM backfill WHERE platform <> 'mastodon' ORDER BY platform, target",
	"SELECT * FROM meta WHERE key <> 'me:mastodon' ORDER BY key",
	"SELECT * FROM hashtags ORDER BY id",
	"SELECT * FROM dismissed ORDER BY platform, handle",
	"SELECT * FROM check_overrides ORDER BY fingerprint",
	"SELECT * FROM announced ORDER BY key",
};

static char *dump_untouched(sqlite3 *db)
{
	char *all = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&all, &len);
	for (size_t i = 0; i < sizeof untouched_sql / sizeof untouched_sql[0]; i++) {
		char *d = dump(db, untouched_sql[i]);
		fprintf(m, "%s\n%s", untouched_sql[i], d);
		free(d);
	}
	fclose(m);
	return all;
}

/* The whole database (for "a second open changes nothing"). */
static char *dump_all(sqlite3 *db)
{
	static const char *const tables[] = {
		"mentors", "accounts", "hashtags", "posts", "events", "cursors", "meta", "notifs",
		"candidates", "dismissed", "check_overrides", "announced", "backfill", "local_ids",
	};
	char *all = NULL, sql[128];
	size_t len = 0;
	FILE *m = open_memstream(&all, &len);
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1, 2", tables[i]);
		char *d = dump(db, sql);
		fprintf(m, "%s\n%s", tables[i], d);
		free(d);
	}
	char *schema = dump(db, "SELECT type, name, sql FROM sqlite_master ORDER BY name");
	fprintf(m, "%s", schema);
	free(schema);
	fclose(m);
	return all;
}

static const char *fixture_path(void)
{
	static char path[4096];
	const char *src = getenv("MENTORD_SRC");
	snprintf(path, sizeof path, "%.4000s/tests/fixtures/db/release-0.1-mastodon.sql", src ? src : ".");
	return path;
}

/* A database file with the fixture loaded (and extra SQL run after). */
static char *load_fixture(const char *name, const char *extra)
{
	char *path = path_in_tmp(name), *sql = read_file(fixture_path());
	sqlite3 *db;
	bool good;

	if (!sql) {
		tap_diag("cannot read %s", fixture_path());
		free(path);
		return NULL;
	}
	db = raw_open(path);
	good = db && raw_exec(db, sql) && (!extra || raw_exec(db, extra));
	sqlite3_close(db);
	free(sql);
	if (!good) {
		free(path);
		return NULL;
	}
	return path;
}

/* The uri a Mastodon web URL https://H/@U/ID names, computed here apart
 * from the migration's SQL; NULL for any other shape. */
static char *expected_uri(const char *url)
{
	const char *rest, *slash, *at, *id;
	char *out;

	if (!url || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
		return NULL;
	rest = strstr(url, "://") + 3;
	if (!(slash = strchr(rest, '/')) || slash == rest || slash[1] != '@')
		return NULL;
	at = slash + 2;
	if (!(id = strchr(at, '/')) || id == at || !id[1] || strchr(id + 1, '/') || memchr(at, '@', (size_t)(id - at)))
		return NULL;
	if (asprintf(&out, "%.*s/users/%.*s/statuses/%s", (int)(slash - url), url, (int)(id - at), at, id + 1) < 0)
		abort();
	return out;
}

static const char *const count_sql[] = {
	"SELECT platform, count(*) FROM posts GROUP BY 1 ORDER BY 1",
	"SELECT platform, count(*), count(post_id), count(dedupe) FROM events GROUP BY 1 ORDER BY 1",
	"SELECT platform, count(*), count(post_key), count(subject_id) FROM notifs GROUP BY 1 ORDER BY 1",
	"SELECT platform, count(*), count(stable_id) FROM accounts GROUP BY 1 ORDER BY 1",
	"SELECT platform, count(*), sum(seen_in_tags), sum(seen_in_threads) FROM candidates GROUP BY 1 ORDER BY 1",
	"SELECT platform, count(*) FROM cursors GROUP BY 1 ORDER BY 1",
	"SELECT platform, count(*) FROM backfill GROUP BY 1 ORDER BY 1",
};

static void check_keys(sqlite3 *db)
{
	sqlite3_stmt *st;
	int n = 0, good = 0, legacy_boosts = 0, bad_boosts = 0;

	sqlite3_prepare_v2(db, "SELECT id, key, kind, url, ref_id FROM posts WHERE platform = 'mastodon'", -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 1);
		int kind = sqlite3_column_int(st, 2);
		char *uri = expected_uri((const char *)sqlite3_column_text(st, 3));
		n++;
		if (kind == POST_REPOST) {
			/* Its url is the boosted status's: that is its target's uri. */
			const char *ref = (const char *)sqlite3_column_text(st, 4);
			if (!strstr(key, "://") && uri && ref && strcmp(ref, uri) == 0)
				legacy_boosts++;
			else
				bad_boosts++;
		} else if (uri && strcmp(key, uri) == 0) {
			good++;
		} else {
			tap_diag("post %lld: key %s, want %s", (long long)sqlite3_column_int64(st, 0), key,
			         uri ? uri : "(none)");
		}
		free(uri);
	}
	sqlite3_finalize(st);
	ok(n > 50 && good + legacy_boosts == n, "every Mastodon post of the release has its uri as key (%d), "
	   "a boost its target's uri as ref_id and its old key (%d)", good, legacy_boosts);
	is_int(bad_boosts, 0, "no boost took its target's uri");
}

struct replied { int64_t want; int found; bool replied; };

static int on_recent(const struct store_recent_post *p, void *userdata)
{
	struct replied *r = userdata;
	if (p->id == r->want) {
		r->found++;
		r->replied = p->user_replied;
	}
	return 0;
}

static void test_release_db(void)
{
	char *path = load_fixture("release.db", NULL);
	sqlite3 *db;
	struct store *s = NULL;
	char *before[sizeof count_sql / sizeof count_sql[0]], *untouched, *whole;

	if (!ok(path != NULL, "the release fixture loads"))
		return;
	db = raw_open(path);
	is_int(qi(db, "PRAGMA user_version"), 8, "the fixture is at schema 8 (release 0.1)");
	ok(qi(db, "SELECT count(*) FROM posts WHERE platform = 'mastodon'") >= 80 &&
	   qi(db, "SELECT count(DISTINCT kind) FROM events WHERE platform = 'mastodon'") == 11 &&
	   qi(db, "SELECT count(DISTINCT kind) FROM notifs WHERE platform = 'mastodon'") == 6 &&
	   qi(db, "SELECT count(*) FROM candidates WHERE platform = 'mastodon'") > 0 &&
	   qi(db, "SELECT count(*) FROM backfill WHERE platform = 'mastodon'") > 0,
	   "the fixture has every kind of Mastodon row");
	for (size_t i = 0; i < sizeof count_sql / sizeof count_sql[0]; i++)
		before[i] = dump(db, count_sql[i]);
	untouched = dump_untouched(db);
	sqlite3_close(db);

	ok(store_open(&s, path) == 0, "store_open migrates the release database");
	is_int(s ? store_schema_version(s) : -1, store_schema_latest(), "at the latest version");
	ok(s && s->legacy_keys, "boosts are left for the lazy re-key");
	store_close(s);

	db = raw_open(path);
	for (size_t i = 0; i < sizeof count_sql / sizeof count_sql[0]; i++) {
		char *after = dump(db, count_sql[i]);
		if (!ok(strcmp(before[i], after) == 0, "same rows: %s", count_sql[i]))
			tap_diag("before:\n%s\nafter:\n%s", before[i], after);
		free(after);
		free(before[i]);
	}
	char *now = dump_untouched(db);
	ok(strcmp(untouched, now) == 0, "X, Bluesky and the other tables are byte-identical");
	free(now);
	free(untouched);
	is_q(db, "PRAGMA integrity_check", "ok", "integrity_check");
	is_int(qi(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0, "foreign_key_check");

	check_keys(db);
	is_q(db, "SELECT key FROM posts WHERE id = 87", "https://b.example/users/doc2/statuses/117302779778891781",
	     "a remote post: its home's uri (another id than the instance's)");
	is_q(db, "SELECT net_id || ' ' || reply_to FROM posts WHERE id = 87", "117302779778891780 117301456884334592",
	     "net_id and reply_to stay the instance's ids");
	is_q(db, "SELECT key || ' ' || ref_id FROM posts WHERE id = 102",
	     "117304920639209474 https://home.example/users/me/statuses/117301456884334592",
	     "a boost: old key, target as uri");
	is_q(db, "SELECT ref_id FROM posts WHERE id = 94", "https://home.example/users/me/statuses/117284472539119616",
	     "a quote's target as uri");

	is_q(db, "SELECT group_concat(coalesce(stable_id, '-'), ' ') FROM (SELECT stable_id FROM accounts"
	     " WHERE platform = 'mastodon' ORDER BY id)",
	     "doc1@127.0.0.1:47631 doc2@b.example doc3@127.0.0.1:47631 doc4@b.example -",
	     "accounts: accts (a bare handle's from its posts), unresolved stays NULL");
	is_int(qi(db, "SELECT count(*) FROM posts WHERE platform = 'mastodon' AND instr(author_id, '@') = 0"), 0,
	       "every post author is an acct");
	is_q(db, "SELECT reply_to_author || ' ' || mention_ids FROM posts WHERE id = 87",
	     "me@127.0.0.1:47631 me@127.0.0.1:47631", "reply author and mention ids are accts");
	is_q(db, "SELECT ref_author FROM posts WHERE id = 56", "doc4@b.example", "ref author is an acct");
	is_int(qi(db, "SELECT count(*) FROM posts WHERE platform = 'mastodon' AND (instr(reply_to_author, '@') = 0"
	          " OR instr(ref_author, '@') = 0 OR mention_ids GLOB '*[0-9][0-9][0-9][0-9][0-9][0-9]*')"), 0,
	       "no numeric id left in posts");
	is_int(qi(db, "SELECT count(*) FROM notifs WHERE platform = 'mastodon' AND instr(actor_id, '@') = 0"), 0,
	       "notification actors are accts");
	is_q(db, "SELECT subject_id || ' ' || post_key FROM notifs WHERE platform = 'mastodon' AND key = '1000021'",
	     "https://home.example/users/me/statuses/117294586720419840 "
	     "https://home.example/users/doc1/statuses/117298020271456258",
	     "a reply notification: the user's post and the acting post as uris");
	is_q(db, "SELECT subject_id FROM notifs WHERE platform = 'mastodon' AND key = '1000026'",
	     "https://home.example/users/me/statuses/117301456884334592", "a like's subject as uri");
	is_q(db, "SELECT group_concat(author_id, ' ') FROM (SELECT author_id FROM candidates"
	     " WHERE platform = 'mastodon' ORDER BY 1)",
	     "doc2@b.example doc3@127.0.0.1:47631 doc5@127.0.0.1:47631", "candidates are accts");
	is_q(db, "SELECT seen_in_tags || ' ' || last_seen || ' ' || substr(ledger, 1, 12) FROM candidates"
	     " WHERE author_id = 'doc5@127.0.0.1:47631'", "2 1790000000 v1 k=post:2:", "a candidate keeps its figures");

	is_q(db, "SELECT group_concat(target || '=' || cursor, ' ') FROM (SELECT target, cursor FROM cursors"
	     " WHERE platform = 'mastodon' AND target GLOB 'account:*' ORDER BY 1)",
	     "account:doc1@127.0.0.1:47631=117309440000589826 account:doc2@b.example=117309440000065540 "
	     "account:doc3@127.0.0.1:47631=117309440000262150 account:doc4@b.example=117309440000196616",
	     "watermarks renamed account:<acct>, values kept");
	is_q(db, "SELECT target || ' ' || since || ' ' || loaded FROM backfill WHERE platform = 'mastodon'",
	     "account:doc1@127.0.0.1:47631 1789481600 11", "back-fill renamed");
	is_int(qi(db, "SELECT count(*) FROM meta WHERE key = 'me:mastodon'"), 0, "me:mastodon forgotten");
	is_int(qi(db, "SELECT count(*) FROM local_ids"), 0, "local_ids exists, empty");

	static const struct { int id; const char *dedupe; } ev[] = {
		{ 11, "follow_of_me|mastodon|doc1@127.0.0.1:47631" },
		{ 37, "follow_of_me|mastodon|doc2@b.example" },
		{ 10, "like_of_mine|mastodon|doc1@127.0.0.1:47631|https://home.example/users/me/statuses/117301456884334592" },
		{ 9, "repost_of_mine|mastodon|doc1@127.0.0.1:47631|https://home.example/users/me/statuses/117301456884334592" },
		{ 35, "repost_of_mine|mastodon|doc2@b.example|https://home.example/users/me/statuses/117296178137399296" },
		{ 1, "my_mention|mastodon|https://home.example/users/me/statuses/117301456884334592|1" },
		{ 2, "my_reply|mastodon|https://home.example/users/me/statuses/117282635475910656" },
		{ 74, "my_quote|mastodon|https://home.example/users/me/statuses/117292806466699264" },
		{ 3, "post|mastodon|https://home.example/users/doc1/statuses/117298020271456258" },
		{ 4, "reply_to_me|mastodon|https://home.example/users/doc1/statuses/117298020271456258" },
		{ 28, "reply_to_me|mastodon|https://b.example/users/doc2/statuses/117302779778891781" },
		{ 32, "mention_of_me|mastodon|https://b.example/users/doc2/statuses/117288053323595781" },
		{ 80, "quote_of_mine|mastodon|https://b.example/users/doc4/statuses/117288075554586633" },
		{ 13, "post|mastodon|117304920639209474" },            /* a boost: old key */
		{ 23, "my_repost|mastodon|117291096850038784" },
	};
	for (size_t i = 0; i < sizeof ev / sizeof ev[0]; i++) {
		char sql[96];
		snprintf(sql, sizeof sql, "SELECT dedupe FROM events WHERE id = %d", ev[i].id);
		is_q(db, sql, ev[i].dedupe, "event dedupe converted");
	}
	is_int(qi(db, "SELECT count(*) FROM events WHERE platform = 'mastodon' AND dedupe GLOB '*|109000000000000*'"), 0,
	       "no event names an account by number");
	is_int(qi(db, "SELECT count(*) FROM events e JOIN posts p ON p.id = e.post_id WHERE e.platform = 'mastodon'"
	          " AND e.kind IN ('post', 'reply_to_me', 'mention_of_me', 'quote_of_mine', 'my_reply', 'my_quote',"
	          " 'my_repost') AND e.dedupe <> e.kind || '|mastodon|' || p.key"), 0,
	       "every post event's dedupe ends in its post's key");
	is_int(qi(db, "SELECT count(*) FROM mentors WHERE ledger = 'v1'"), 0, "no aggregate needs a rebuild");
	whole = dump_all(db);
	sqlite3_close(db);

	ok(store_open(&s, path) == 0, "re-opens");
	store_close(s);
	db = raw_open(path);
	char *again = dump_all(db);
	ok(strcmp(whole, again) == 0, "re-opening runs nothing again");

	/* The user's post 56 quotes doc4's post 137 (ref_id its uri now); post
	 * 55 replies to it too, which would hide the quote: not any more. */
	raw_exec(db, "UPDATE posts SET reply_to = NULL WHERE id = 55");
	sqlite3_close(db);
	struct replied r = { .want = 137 };
	if (store_open(&s, path) == 0)
		store_recent_posts(s, 4, 0, on_recent, &r);
	ok(r.found == 1 && r.replied, "a mentor's post the user quoted shows as answered");
	store_close(s);
	free(again);
	free(whole);
	free(path);
}

/* What a database collects over years that the small scenario cannot:
 * one account and one post under two instances' ids (the user moved), other
 * server software, bare handles, unknown mention ids. */
static const char edge_sql[] =
	/* Post 89 again, through another instance: another key, the same url. */
	"INSERT INTO posts(id, platform, key, net_id, account_id, author_id, author_handle, created_at, kind, url, seen_at)"
	" VALUES (901, 'mastodon', '555000000000000001', '555000000000000001', 1, '777', 'doc1@127.0.0.1:47631',"
	" 1789825748, 0, 'https://home.example/@doc1/117298020271456258', 1790000001);"
	"INSERT INTO events(id, mentor_id, account_id, kind, at, platform, post_id, dedupe) VALUES"
	" (9001, 1, 1, 'post', 1789825748, 'mastodon', 901, 'post|mastodon|555000000000000001'),"
	" (9002, 1, 1, 'reply_to_me', 1789825748, 'mastodon', 901, 'reply_to_me|mastodon|555000000000000001'),"
	" (9003, 1, 1, 'quote_of_mine', 1789825748, 'mastodon', 901, 'quote_of_mine|mastodon|555000000000000001'),"
	" (9004, 1, 1, 'follow_of_me', 1789825748, 'mastodon', NULL, 'follow_of_me|mastodon|777');"
	"INSERT INTO notifs(platform, key, kind, actor_id, actor_handle, created_at, subject_id, post_key)"
	" VALUES ('mastodon', 'n901', 1, '777', 'doc1@127.0.0.1:47631', 1789825748, NULL, '555000000000000001');"
	/* Another server software: a URL of another shape. */
	"INSERT INTO posts(id, platform, key, net_id, account_id, author_id, author_handle, created_at, kind, url, seen_at)"
	" VALUES (900, 'mastodon', 'PL1', 'PL1', 1, '109000000000000001', 'doc1@127.0.0.1:47631', 1789000000, 0,"
	" 'https://pleroma.example/notice/PL1', 1789000000);"
	"INSERT INTO events(id, mentor_id, account_id, kind, at, platform, post_id, dedupe) VALUES"
	" (9010, 1, 1, 'post', 1789000000, 'mastodon', 900, 'post|mastodon|PL1'),"
	" (9011, 1, 1, 'my_mention', 1789000000, 'mastodon', 900, 'my_mention|mastodon|PL1|1'),"
	" (9012, 1, 1, 'like_of_mine', 1789000000, 'mastodon', NULL, 'like_of_mine|mastodon|109000000000000001|PL1');"
	"INSERT INTO notifs(platform, key, kind, actor_id, actor_handle, created_at, subject_id, post_key)"
	" VALUES ('mastodon', 'n900', 4, '109000000000000001', 'doc1@127.0.0.1:47631', 1789000000, 'PL1', 'PL1');"
	/* An author known by a bare handle only. */
	"INSERT INTO posts(id, platform, key, net_id, author_id, author_handle, created_at, kind, url, seen_at)"
	" VALUES (902, 'mastodon', '31338', '31338', '31338', 'bare2', 1789000001, 0, NULL, 1789000001);"
	/* Mentions: a known one, an unknown id, one of a bare handle. */
	"UPDATE posts SET mentions = 'doc1@127.0.0.1:47631 nobody@x.example bare',"
	" mention_ids = '109000000000000001 - 31337' WHERE id = 48;"
	/* A followed account named by a bare handle and an id seen nowhere else. */
	"INSERT INTO accounts(id, platform, handle, stable_id, mentor_id, followed, added_at, resolved_at)"
	" VALUES (50, 'mastodon', 'bare', '424242', 5, 1, 1790000000, 1790000000);"
	"INSERT INTO cursors VALUES ('mastodon', 'account:424242', '1', 1790000000);"
	"INSERT INTO backfill VALUES ('mastodon', 'account:424242', 1, 0, NULL, 1790000000);"
	"INSERT INTO events(id, mentor_id, account_id, kind, at, platform, dedupe)"
	" VALUES (9020, 5, 50, 'follow_of_me', 1790000000, 'mastodon', 'follow_of_me|mastodon|424242');"
	/* One candidate under two instances' ids, and one that cannot be named. */
	"INSERT INTO candidates(platform, author_id, handle, name, ledger, seen_in_tags, seen_in_threads, mentors, last_seen)"
	" VALUES ('mastodon', '9001', 'Dup@Other.example', 'Old Name', 'v1 old', 2, 1, '1', 100),"
	" ('mastodon', '9002', 'dup@other.example', 'New Name', 'v1 new', 3, 0, '2', 200),"
	" ('mastodon', '9003', 'localonly', NULL, 'v1', 1, 0, '', 50);";

static void test_edge_rows(void)
{
	char *path = load_fixture("edge.db", edge_sql);
	sqlite3 *db;
	struct store *s = NULL;

	if (!ok(path != NULL, "the fixture with rare rows loads"))
		return;
	db = raw_open(path);
	long long posts = qi(db, "SELECT count(*) FROM posts"), events = qi(db, "SELECT count(*) FROM events");
	sqlite3_close(db);
	ok(store_open(&s, path) == 0, "migrates");
	store_close(s);

	db = raw_open(path);
	is_q(db, "PRAGMA integrity_check", "ok", "integrity_check");
	is_int(qi(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0, "foreign_key_check");
	is_int(qi(db, "SELECT count(*) FROM posts"), posts - 1, "one post read through two instances is one row");
	is_int(qi(db, "SELECT count(*) FROM posts WHERE id = 901"), 0, "the newer row went");
	is_q(db, "SELECT key FROM posts WHERE id = 89", "https://home.example/users/doc1/statuses/117298020271456258",
	     "the older has the uri");
	is_int(qi(db, "SELECT count(*) FROM events"), events - 3,
	       "events that became the same fact went (post, reply, and the follow under the other id)");
	is_int(qi(db, "SELECT count(*) FROM events WHERE id IN (9001, 9002, 9004)"), 0, "the newer ones");
	is_q(db, "SELECT post_id || ' ' || dedupe FROM events WHERE id = 9003",
	     "89 quote_of_mine|mastodon|https://home.example/users/doc1/statuses/117298020271456258",
	     "an event of the merged row moved to the older one");
	is_q(db, "SELECT ledger FROM mentors WHERE id = 1", "v1", "the mentor's aggregate is rebuilt from what is left");
	is_q(db, "SELECT actor_id || ' ' || post_key FROM notifs WHERE key = 'n901'",
	     "doc1@127.0.0.1:47631 https://home.example/users/doc1/statuses/117298020271456258",
	     "its notification names the kept post");

	is_q(db, "SELECT key FROM posts WHERE id = 900", "PL1", "another software's post keeps its key");
	is_q(db, "SELECT dedupe FROM events WHERE id = 9012", "like_of_mine|mastodon|doc1@127.0.0.1:47631|PL1",
	     "its like: actor converted, post kept");
	is_q(db, "SELECT author_id FROM posts WHERE id = 902", "31338", "an author with a bare handle keeps the number");
	is_q(db, "SELECT mention_ids FROM posts WHERE id = 48", "doc1@127.0.0.1:47631 - 31337",
	     "mention ids: acct, unknown, unnamable");
	is_q(db, "SELECT coalesce(stable_id, 'NULL') || ' ' || coalesce(resolved_at, 'NULL') FROM accounts WHERE id = 50",
	     "NULL NULL", "an account that cannot be named is looked up again");
	is_int(qi(db, "SELECT count(*) FROM cursors WHERE target = 'account:424242'") +
	       qi(db, "SELECT count(*) FROM backfill WHERE target = 'account:424242'"), 0,
	       "its watermark and back-fill go (synced again)");
	is_q(db, "SELECT dedupe FROM events WHERE id = 9020", "follow_of_me|mastodon|424242", "its events stay as they were");
	is_q(db, "SELECT handle || ' ' || name || ' ' || ledger || ' ' || seen_in_tags || ' ' || seen_in_threads || ' '"
	     " || mentors || ' ' || last_seen FROM candidates WHERE author_id = 'dup@other.example'",
	     "dup@other.example New Name v1 new 5 1 2 200", "two candidates of one acct merge: sums, the latest's rest");
	is_int(qi(db, "SELECT count(*) FROM candidates WHERE author_id IN ('9001', '9002')"), 0, "no trace of the old ids");
	is_q(db, "SELECT handle FROM candidates WHERE author_id = '9003'", "localonly", "an unnamable candidate stays");
	sqlite3_close(db);
	free(path);
}

static void set_post(struct post *p, char *key, char *id, int64_t at, char *author, enum post_kind kind,
                     char *url, char *ref)
{
	memset(p, 0, sizeof *p);
	p->network = "mastodon";
	p->key = key;
	p->id = id;
	p->created_at = at;
	p->author_id = author;
	p->author_handle = author;
	p->kind = kind;
	p->url = url;
	p->text = "again";
	if (kind == POST_REPOST)
		p->repost_of.id = ref;
	p->n_likes = p->n_reposts = p->n_replies = p->n_quotes = -1;
}

static void test_lazy_rekey(void)
{
	char *path = load_fixture("lazy.db", edge_sql);
	struct store *s = NULL;
	struct post p;
	int64_t pid = 0;
	sqlite3 *db;

	if (!ok(path != NULL && store_open(&s, path) == 0, "a migrated database"))
		return;
	db = raw_open(path);
	long long posts = qi(db, "SELECT count(*) FROM posts");

	/* doc1's boost of the user's post, read again through the same instance. */
	set_post(&p, "https://home.example/users/doc1/statuses/117304920639209474/activity", "117304920639209474",
	         1789931040, "doc1@127.0.0.1:47631", POST_REPOST, "https://home.example/@me/117301456884334592",
	         "https://home.example/users/me/statuses/117301456884334592");
	is_int(store_insert_post(s, &p, 1, &pid), 0, "a boost under its old key counts as stored");
	is_q(db, "SELECT key FROM posts WHERE id = 102", p.key, "and takes the uri");
	is_q(db, "SELECT dedupe FROM events WHERE id = 13", "post|mastodon|https://home.example/users/doc1/statuses/"
	     "117304920639209474/activity", "its event follows");
	is_int(store_insert_post(s, &p, 1, &pid), 0, "stored now under the uri");

	/* doc2's boost, read through its own instance: another id. */
	set_post(&p, "https://b.example/users/doc2/statuses/117300251553824773/activity", "117300251553824773",
	         1789859795, "doc2@b.example", POST_REPOST, NULL,
	         "https://home.example/users/me/statuses/117296178137399296");
	is_int(store_insert_post(s, &p, 2, &pid), 0, "read through another instance: same author, time, target");
	is_q(db, "SELECT key || ' ' || net_id FROM posts WHERE id = 114",
	     "https://b.example/users/doc2/statuses/117300251553824773/activity 117300251553824772",
	     "re-keyed; net_id stays the user's instance's");
	is_q(db, "SELECT dedupe FROM events WHERE id = 41",
	     "post|mastodon|https://b.example/users/doc2/statuses/117300251553824773/activity", "its event follows");

	/* A boost by the same author at the same time of another target: not it. */
	set_post(&p, "https://b.example/users/doc2/statuses/1/activity", "1", 1789859795, "doc2@b.example",
	         POST_REPOST, NULL, "https://home.example/users/me/statuses/1");
	is_int(store_insert_post(s, &p, 2, &pid), 1, "another boost is a new post");

	/* Another software's post, through another instance: by its url. */
	set_post(&p, "https://pleroma.example/objects/abc", "PL1-elsewhere", 1789000000, "doc1@127.0.0.1:47631",
	         POST_ORIGINAL, "https://pleroma.example/notice/PL1", NULL);
	is_int(store_insert_post(s, &p, 1, &pid), 0, "a post of another software re-keyed by its url");
	is_q(db, "SELECT key FROM posts WHERE id = 900", "https://pleroma.example/objects/abc", "key");
	is_q(db, "SELECT group_concat(dedupe, ' ') FROM (SELECT dedupe FROM events WHERE id IN (9010, 9011, 9012) ORDER BY id)",
	     "post|mastodon|https://pleroma.example/objects/abc my_mention|mastodon|https://pleroma.example/objects/abc|1 "
	     "like_of_mine|mastodon|doc1@127.0.0.1:47631|https://pleroma.example/objects/abc",
	     "its events: post, my mention, a like of it");
	is_q(db, "SELECT subject_id || ' ' || post_key FROM notifs WHERE key = 'n900'",
	     "https://pleroma.example/objects/abc https://pleroma.example/objects/abc", "its notification");
	is_int(qi(db, "SELECT count(*) FROM posts"), posts + 1, "one new row in all (the other boost)");

	/* A new post while legacy rows remain. */
	set_post(&p, "https://home.example/users/doc1/statuses/999", "999", 1790000100, "doc1@127.0.0.1:47631",
	         POST_ORIGINAL, "https://home.example/@doc1/999", NULL);
	is_int(store_insert_post(s, &p, 1, &pid), 1, "a new post is inserted");
	ok(s->legacy_keys, "boosts not read again keep the re-key on");
	is_q(db, "PRAGMA integrity_check", "ok", "integrity_check");
	sqlite3_close(db);
	store_close(s);
	free(path);
}

/* The flag: set while a legacy row exists, cleared by the last re-key. */
static void test_legacy_flag(void)
{
	char *path = path_in_tmp("flag.db");
	struct store *s = NULL;
	struct post p;
	sqlite3 *db;

	ok(store_open(&s, path) == 0 && !s->legacy_keys, "a new database has nothing to re-key");
	store_close(s);
	db = raw_open(path);
	raw_exec(db, "INSERT INTO posts(platform, key, net_id, author_id, created_at, kind, url, seen_at) VALUES"
	         " ('mastodon', '42', '42', 'a@h.example', 100, 0, 'https://h.example/notice/42', 100),"
	         " ('x', '43', '43', '1', 100, 0, NULL, 100);"
	         "INSERT INTO mentors(id, name, created_at) VALUES (1, 'M', 1);"
	         "INSERT INTO events(mentor_id, kind, at, platform, post_id, dedupe) VALUES"
	         " (1, 'post', 100, 'mastodon', 1, 'post|mastodon|42')");
	sqlite3_close(db);
	ok(store_open(&s, path) == 0 && s->legacy_keys, "a Mastodon row without a uri turns it on");
	set_post(&p, "https://h.example/objects/42", "42", 100, "a@h.example", POST_ORIGINAL,
	         "https://h.example/notice/42", NULL);
	p.network = "x";
	is_int(store_insert_post(s, &p, 0, NULL), 1, "other networks are not re-keyed");
	p.network = "mastodon";
	set_post(&p, "https://h.example/objects/42", "42", 101, "a@h.example", POST_ORIGINAL, NULL, NULL);
	is_int(store_insert_post(s, &p, 0, NULL), 1, "another time is another post");
	set_post(&p, "https://h.example/objects/42b", "42", 100, "a@h.example", POST_ORIGINAL, NULL, NULL);
	is_int(store_insert_post(s, &p, 0, NULL), 0, "the same id and time: re-keyed");
	ok(!s->legacy_keys, "the last one gone, the re-key is off");
	store_close(s);
	db = raw_open(path);
	is_q(db, "SELECT dedupe FROM events", "post|mastodon|https://h.example/objects/42b", "its event");
	is_int(qi(db, "SELECT count(*) FROM posts"), 4, "the re-keyed row, the X row and the two new ones");
	sqlite3_close(db);
	ok(store_open(&s, path) == 0 && !s->legacy_keys, "and stays off after a restart");
	store_close(s);
	free(path);
}

static void test_local_ids(void)
{
	struct store *s = NULL;
	char *v = NULL;

	if (!ok(store_open(&s, ":memory:") == 0, "a store for local ids"))
		return;
	is_int(store_local_id_get(s, "mastodon", "b.example", "doc2@b.example", &v), 0, "unknown: 0");
	ok(v == NULL, "and no string");
	is_int(store_local_id_set(s, "mastodon", "B.Example", "doc2@b.example", "109000000000000002"), 0, "set");
	is_int(store_local_id_get(s, "mastodon", "b.example", "doc2@b.example", &v), 1, "found, the host in any case");
	is_str(v, "109000000000000002", "the id");
	free(v);
	is_int(store_local_id_get(s, "mastodon", "home.example:8443", "doc2@b.example", &v), 0, "per instance");
	is_int(store_local_id_set(s, "mastodon", "b.example", "doc2@b.example", "7"), 0, "replace");
	store_local_id_get(s, "mastodon", "b.example", "doc2@b.example", &v);
	is_str(v, "7", "replaced");
	free(v);
	is_int(store_local_id_set(s, "mastodon", "b.example", "doc2@b.example", NULL), 0, "forget");
	is_int(store_local_id_get(s, "mastodon", "b.example", "doc2@b.example", &v), 0, "forgotten");
	is_int(store_local_id_set(s, "mastodon", "b.example", "doc2@b.example", ""), -EINVAL, "an empty id is refused");
	is_int(store_local_id_get(s, "mastodon", NULL, "doc2@b.example", &v), -EINVAL, "a missing key part is refused");
	store_close(s);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 1;
	test_release_db();
	test_edge_rows();
	test_lazy_rekey();
	test_legacy_flag();
	test_local_ids();
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", tmpdir);
	return tap_done();
}
