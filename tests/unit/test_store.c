/* Unit tests for the store: migrations (fresh, from every older version,
 * refusing newer), file modes, and round trips of follow/track/list. */
#include "store/store.h"
#include "base/embed.h"
#include "tap.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/mentord-test-store-XXXXXX";

static char *path_in_tmp(const char *name)
{
	char *p;
	if (asprintf(&p, "%s/%s", tmpdir, name) < 0)
		abort();
	return p;
}

static int raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	int rc = sqlite3_open(path, &db);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static void test_fresh(void)
{
	char *path = path_in_tmp("sub/dir/fresh.db");
	struct store *s = NULL;
	struct stat st;
	struct store_counts c;

	ok(store_open(&s, path) == 0, "opens a fresh database, creating parent directories");
	is_int(store_schema_version(s), store_schema_latest(), "fresh database at the latest version");
	ok(store_schema_latest() >= 1, "at least one migration compiled in");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "database file is 0600");
	char *dir = path_in_tmp("sub/dir");
	ok(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "database directory is 0700");
	ok(store_counts(s, &c) == 0 && c.mentors == 0 && c.posts == 0, "empty counts");
	store_close(s);
	ok(store_open(&s, path) == 0, "re-opens without migrating again");
	store_close(s);
	chmod(path, 0644);
	ok(store_open(&s, path) == 0 && stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	   "a world-readable database is tightened to 0600");
	store_close(s);
	free(dir);
	free(path);
}

/* Builds a database at version k by hand, with a row in it when possible,
 * then lets store_open() bring it to the latest version. */
static void test_upgrade_from(int k)
{
	char name[32];
	snprintf(name, sizeof name, "old-%d.db", k);
	char *path = path_in_tmp(name);
	struct store *s = NULL;
	char sql[64];

	for (int v = 0; v < k; v++)
		raw_exec(path, schema_migrations[v].data);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", k);
	raw_exec(path, sql);
	if (k >= 1)
		raw_exec(path, "INSERT INTO mentors(name, created_at) VALUES ('Old Friend', 1)");
	ok(store_open(&s, path) == 0, "database at version %d opens", k);
	is_int(s ? store_schema_version(s) : -1, store_schema_latest(), "migrated to the latest version");
	if (k >= 1 && s) {
		struct store_counts c;
		ok(store_counts(s, &c) == 0 && c.mentors == 1, "data from version %d kept", k);
	}
	store_close(s);
	free(path);
}

static void test_newer_refused(void)
{
	char *path = path_in_tmp("newer.db");
	struct store *s = NULL;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", store_schema_latest() + 1);
	raw_exec(path, "CREATE TABLE future(x)");
	raw_exec(path, sql);
	is_int(store_open(&s, path), -EPROTO, "a database from a newer mentord is refused");
	ok(s == NULL, "no store returned");
	free(path);
}

static void test_failed_migration_rolls_back(void)
{
	char *path = path_in_tmp("clash.db");
	struct store *s = NULL;
	/* A table in the way makes migration 1 fail half-way. */
	raw_exec(path, "CREATE TABLE cursors(x)");
	ok(store_open(&s, path) < 0, "a migration that fails is reported");
	sqlite3 *db;
	sqlite3_stmt *st;
	int v = -1, n = -1;
	sqlite3_open(path, &db);
	sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name = 'mentors'", -1, &st, NULL);
	if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	is_int(v, 0, "user_version unchanged after a failed migration");
	is_int(n, 0, "no half-applied tables after a failed migration");
	free(path);
}

struct collected { int n; int64_t ids[8]; char names[8][64]; size_t accounts[8]; };

static int count_account(const char *platform, const char *handle, void *userdata)
{
	(*(size_t *)userdata)++;
	return 0;
}

struct collect_ctx { struct store *s; struct collected *c; };

static int collect(const struct store_mentor_rec *m, void *userdata)
{
	struct collect_ctx *x = userdata;
	struct collected *c = x->c;
	if (c->n < 8) {
		c->ids[c->n] = m->id;
		snprintf(c->names[c->n], sizeof c->names[0], "%s", m->name);
		c->accounts[c->n] = 0;
		store_for_each_account_of(x->s, m->id, count_account, &c->accounts[c->n]);
	}
	c->n++;
	return 0;
}

static void test_round_trips(void)
{
	struct store *s = NULL;
	int64_t m1, a1, m2, a2, m3, a3;
	struct store_counts c;
	struct collected got = { 0 };

	ok(store_open(&s, ":memory:") == 0, "in-memory store");
	ok(store_follow(s, "mastodon", "alice@med.social", "Dr Alice", 0, &m1, &a1) == 0, "follow creates a mentor");
	ok(store_follow(s, "bluesky", "alice.bsky.social", NULL, m1, &m2, &a2) == 0 && m2 == m1,
	   "follow with a mentor id attaches the account");
	is_int(store_follow(s, "x", "bob", NULL, 99, &m3, &a3), -ENOENT, "unknown mentor id refused");
	is_int(store_follow(s, "mastodon", "ALICE@MED.SOCIAL", NULL, 0, &m3, &a3), -EEXIST,
	       "handles compare case-insensitively");
	ok(store_follow(s, "x", "bob", "", 0, &m3, &a3) == 0 && m3 != m1, "second mentor");
	ok(store_counts(s, &c) == 0 && c.mentors == 2 && c.accounts == 3, "2 mentors, 3 accounts");
	struct collect_ctx cx = { s, &got };
	ok(store_for_each_mentor(s, collect, &cx) == 0, "mentors listed");
	is_int(got.n, 2, "two rows");
	is_str(got.names[0], "Dr Alice", "name kept");
	is_int(got.accounts[0], 2, "mentor 1 has two accounts");
	is_str(got.names[1], "bob", "a mentor without a name is named after the handle");
	ok(got.ids[1] == m3, "mentors come in id order");

	ok(store_unfollow(s, "x", "bob") == 0, "unfollow");
	is_int(store_unfollow(s, "x", "bob"), -ENOENT, "unfollow twice is -ENOENT");
	ok(store_counts(s, &c) == 0 && c.mentors == 2 && c.accounts == 2, "mentor kept after unfollow");
	ok(store_follow(s, "x", "bob", NULL, 0, &m2, &a2) == 0 && m2 == m3 && a2 == a3,
	   "re-follow reuses the account and its mentor");

	ok(store_track(s, "meded", "") == 0, "track on all platforms");
	is_int(store_track(s, "meded", ""), -EEXIST, "track twice is -EEXIST");
	ok(store_track(s, "meded", "mastodon") == 0, "the same tag on one platform is separate");
	ok(store_counts(s, &c) == 0 && c.hashtags == 1, "hashtags count distinct tags");
	ok(store_untrack(s, "meded") == 0, "untrack removes every platform's row");
	is_int(store_untrack(s, "meded"), -ENOENT, "untrack twice is -ENOENT");

	int64_t gone = store_new_mentor(s, "Temporary");
	ok(gone > 0 && store_drop_empty_mentor(s, gone) == 1, "an empty mentor can be removed");
	ok(store_new_mentor(s, "Next") > gone, "a removed mentor's id is never handed out again");

	ok(store_begin(s) == 0, "begin");
	is_int(store_begin(s), -EBUSY, "nested begin refused");
	store_rollback(s);
	ok(store_begin(s) == 0 && store_commit(s) == 0, "begin/commit after rollback");
	store_close(s);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 1;
	test_fresh();
	for (int k = 0; k < store_schema_latest(); k++)
		test_upgrade_from(k);
	test_newer_refused();
	test_failed_migration_rolls_back();
	test_round_trips();
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", tmpdir);
	return tap_done();
}
