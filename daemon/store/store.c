/* store.c — opening, migrating and the statement cache. Queries live in
 * store_*.c by concern. */
#include "store/store_internal.h"
#include "base/embed.h"
#include "base/log.h"
#include "common/macros.h"
#include "base/clock.h"
#include "base/paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const stmt_sql[ST__COUNT] = {
	[ST_COUNT_MENTORS]   = "SELECT count(*) FROM mentors WHERE kind = 'mentor'",
	/* Followed accounts of the networks: a linked address or profile is not polled. */
	[ST_COUNT_ACCOUNTS]  = "SELECT count(*) FROM accounts WHERE followed = 1 AND platform NOT IN ('email', 'linkedin')",
	[ST_COUNT_HASHTAGS]  = "SELECT count(DISTINCT tag) FROM hashtags",
	[ST_COUNT_POSTS]     = "SELECT count(*) FROM posts",
	[ST_COUNT_EVENTS]    = "SELECT count(*) FROM events",
	[ST_MENTOR_EXISTS]   = "SELECT kind = 'source' FROM mentors WHERE id = ?1",
	/* Ids are never reused, even after the newest mentor is removed (by
	 * link): a script holding an id must not reach another person. */
	[ST_MENTOR_INSERT]   =
		"INSERT INTO mentors(id, name, created_at) VALUES (1 + max("
		" coalesce((SELECT value FROM meta WHERE key = 'mentor_seq'), 0),"
		" coalesce((SELECT max(id) FROM mentors), 0)), ?1, ?2)",
	[ST_MENTOR_SEQ]      =
		"INSERT INTO meta(key, value) VALUES ('mentor_seq', ?1)"
		" ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[ST_ACCOUNT_GET]     = "SELECT id, followed, mentor_id FROM accounts WHERE platform = ?1 AND handle = ?2",
	[ST_ACCOUNT_INSERT]  = "INSERT INTO accounts(platform, handle, mentor_id, added_at) VALUES (?1, ?2, ?3, ?4)",
	[ST_ACCOUNT_REFOLLOW]= "UPDATE accounts SET followed = 1, mentor_id = ?2 WHERE id = ?1",
	[ST_ACCOUNT_UNFOLLOW]= "UPDATE accounts SET followed = 0 WHERE platform = ?1 AND handle = ?2 AND followed = 1",
	[ST_TAG_INSERT]      = "INSERT INTO hashtags(tag, platform, added_at) VALUES (?1, ?2, ?3)",
	[ST_TAG_DELETE]      = "DELETE FROM hashtags WHERE tag = ?1",
	[ST_MENTOR_ACCOUNTS] = "SELECT platform, handle FROM accounts WHERE mentor_id = ?1 AND followed = 1 ORDER BY platform, handle",
	[ST_ACCOUNT_BY_STABLE] = "SELECT id, coalesce(mentor_id, 0), followed FROM accounts WHERE platform = ?1 AND stable_id = ?2",
	[ST_ACCOUNT_BY_HANDLE] = "SELECT id, coalesce(mentor_id, 0), followed FROM accounts WHERE platform = ?1 AND handle = ?2",
	[ST_POST_INSERT] =
		"INSERT INTO posts(platform, key, net_id, account_id, author_id, author_handle, author_name,"
		" created_at, kind, text, url, reply_to, reply_to_author, ref_id, ref_author, tags, mentions,"
		" n_likes, n_reposts, n_replies, seen_at, mention_ids)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)"
		" ON CONFLICT(platform, key) DO NOTHING",
	[ST_EVENT_INSERT] =
		"INSERT INTO events(mentor_id, account_id, kind, at, platform, url, post_id, note, dedupe)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(dedupe) DO NOTHING",
	[ST_CURSOR_GET] = "SELECT cursor FROM cursors WHERE platform = ?1 AND target = ?2",
	[ST_CURSOR_SET] =
		"INSERT INTO cursors(platform, target, cursor, updated_at) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT(platform, target) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[ST_META_SET] = "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[ST_FOLLOWED_LIST] =
		"SELECT id, coalesce(mentor_id, 0), platform, handle, stable_id, coalesce(resolved_at, 0),"
		" coalesce(history, -1) FROM accounts WHERE followed = 1 ORDER BY id",
	[ST_POSTS_RELATED] =
		"SELECT id, key, net_id, author_id, author_handle, created_at, kind, text, url,"
		" reply_to, reply_to_author, ref_id, ref_author, mentions, mention_ids FROM posts"
		" WHERE platform = ?1 AND (author_id = ?2 OR"
		" (?3 IS NOT NULL AND author_id = ?3 AND (reply_to_author = ?2 OR ref_author = ?2"
		"  OR ' ' || mention_ids || ' ' LIKE '% ' || ?2 || ' %')))"
		" ORDER BY id",
	[ST_POSTS_CLAIM] =
		"UPDATE posts SET account_id = ?3 WHERE platform = ?1 AND author_id = ?2 AND account_id IS NULL",
	[ST_NOTIF_INSERT] =
		"INSERT INTO notifs(platform, key, kind, actor_id, actor_handle, created_at, subject_id, post_key)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(platform, key) DO NOTHING",
	[ST_NOTIFS_BY] =
		"SELECT n.key, n.kind, n.actor_id, n.actor_handle, n.subject_id, n.post_key, p.url,"
		" n.created_at, coalesce(p.id, 0) FROM notifs n"
		" LEFT JOIN posts p ON p.platform = n.platform AND p.key = n.post_key"
		" WHERE n.platform = ?1 AND n.actor_id = ?2 ORDER BY n.id",
	[ST_MENTOR_ROWS] = "SELECT id, name, stage_override, muted_until, ledger, created_at, kind = 'source'"
		" FROM mentors ORDER BY id",
	[ST_MENTOR_ROW] = "SELECT id, name, stage_override, muted_until, ledger, created_at, kind = 'source'"
		" FROM mentors WHERE id = ?1",
	[ST_MENTOR_SAVE_AGG] = "UPDATE mentors SET ledger = ?2, last_activity = ?3, last_contact = ?4 WHERE id = ?1",
	/* A ledger event with what its post says (text, tags, shape). */
#define EVENT_COLS \
	"SELECT e.id, e.kind, e.at, e.platform, e.url, coalesce(p.text, e.note), p.tags, p.kind," \
	" p.reply_to_author, p.author_id, coalesce(e.post_id, 0), e.note FROM events e" \
	" LEFT JOIN posts p ON p.id = e.post_id WHERE e.mentor_id = ?1"
	[ST_MENTOR_EVENTS_DESC] = EVENT_COLS " ORDER BY e.at DESC, e.id DESC LIMIT ?2",
	[ST_MENTOR_EVENTS_ASC] = EVENT_COLS " ORDER BY e.at, e.id",
	[ST_MENTOR_RECENT_EVENTS] = EVENT_COLS " AND e.at >= ?2 ORDER BY e.at",
#undef EVENT_COLS
	[ST_EVENT_LOG] = "INSERT INTO events(mentor_id, kind, at, note) VALUES (?1, ?2, ?3, ?4)",
	[ST_MENTOR_BY_HANDLE] =
		"SELECT DISTINCT mentor_id FROM accounts WHERE mentor_id IS NOT NULL AND"
		" (handle = ?1 OR (platform <> 'email' AND handle LIKE ?1 || '@%') OR stable_id = ?1) LIMIT 2",
	[ST_MENTOR_BY_NAME] =
		"SELECT id, name = ?1 COLLATE NOCASE FROM mentors"
		" WHERE substr(name, 1, length(?1)) = ?1 COLLATE NOCASE ORDER BY 2 DESC, id LIMIT 3",
	[ST_ACCOUNT_MENTOR] = "SELECT coalesce(mentor_id, 0) FROM accounts WHERE id = ?1",
	[ST_MENTOR_SET_STAGE] = "UPDATE mentors SET stage_override = ?2 WHERE id = ?1",
	[ST_ACCOUNT_SET_MENTOR] = "UPDATE accounts SET mentor_id = ?2, followed = 1 WHERE id = ?1",
	[ST_EVENTS_MOVE] = "UPDATE events SET mentor_id = ?2 WHERE account_id = ?1",
	[ST_MENTOR_ACCOUNT_COUNT] =
		"SELECT (SELECT count(*) FROM accounts WHERE mentor_id = ?1),"
		" (SELECT count(*) FROM events WHERE mentor_id = ?1 AND account_id IS NULL)",
	[ST_MENTOR_DELETE_EMPTY] =
		"DELETE FROM mentors WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM accounts WHERE mentor_id = ?1)"
		" AND NOT EXISTS (SELECT 1 FROM events WHERE mentor_id = ?1)",
	[ST_CANDIDATE_GET] = "SELECT ledger, mentors FROM candidates WHERE platform = ?1 AND author_id = ?2",
	[ST_CANDIDATE_PUT] =
		"INSERT INTO candidates(platform, author_id, handle, name, ledger, seen_in_tags, seen_in_threads,"
		" mentors, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
		" ON CONFLICT(platform, author_id) DO UPDATE SET handle = coalesce(excluded.handle, handle),"
		" name = coalesce(excluded.name, name), ledger = excluded.ledger,"
		" seen_in_tags = seen_in_tags + excluded.seen_in_tags,"
		" seen_in_threads = seen_in_threads + excluded.seen_in_threads,"
		" mentors = excluded.mentors, last_seen = max(last_seen, excluded.last_seen)",
	/* Not followed under that id or handle, not dismissed. */
	[ST_CANDIDATES_TOP] =
		"SELECT c.platform, c.author_id, c.handle, c.name, c.ledger, c.seen_in_tags, c.seen_in_threads,"
		" c.mentors FROM candidates c WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE"
		" a.platform = c.platform AND a.followed = 1 AND (a.stable_id = c.author_id OR a.handle = c.handle))"
		" AND NOT EXISTS (SELECT 1 FROM dismissed d WHERE d.platform = c.platform AND d.handle = c.handle)"
		" ORDER BY c.seen_in_tags + c.seen_in_threads DESC, c.last_seen DESC LIMIT ?1",
	[ST_DISMISS] = "INSERT INTO dismissed(platform, handle, at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
	/* The mentor's recent posts, and whether the user answered each. A
	 * reply names its parent by the instance's id (net_id); a quote names
	 * its target by key (a Mastodon uri since schema 009), or by the id in
	 * older rows. An answer comes after what it answers, so only the
	 * user's events since the window (less a day for clocks) are looked
	 * at: a range of events_mentor_at, not every event of the mentor once
	 * per post (90 % of Nudges at 10,000 mentors, docs/PERFORMANCE.md). */
	[ST_MENTOR_RECENT_POSTS] =
		"SELECT p.id, p.url, p.text, p.tags, p.created_at, p.kind, p.reply_to_author,"
		" EXISTS (SELECT 1 FROM events e JOIN posts m ON m.id = e.post_id WHERE e.mentor_id = ?1"
		"  AND e.at >= ?2 - 86400 AND e.kind IN ('my_reply', 'my_quote')"
		"  AND (m.reply_to = p.net_id OR m.ref_id = p.net_id OR m.ref_id = p.key))"
		" FROM posts p JOIN accounts a ON a.id = p.account_id"
		" WHERE a.mentor_id = ?1 AND p.created_at >= ?2 ORDER BY p.created_at DESC LIMIT 50",
	[ST_ACCOUNT_BIO] = "UPDATE accounts SET bio = ?2 WHERE id = ?1",
	[ST_MUTE_SET] = "UPDATE mentors SET muted_until = ?2 WHERE id = ?1",
	[ST_ANNOUNCED_PUT] = "INSERT OR IGNORE INTO announced (key, at) VALUES (?1, ?2)",
	[ST_ANNOUNCED_PRUNE] = "DELETE FROM announced WHERE at < ?1",
	/* The notifier's keys "tagged:PLATFORM:KEY" (a range of the primary
	 * key), each post found by its unique (platform, key). */
	[ST_TAGGED_RECENT] =
		"SELECT p.id, p.created_at, p.platform, p.url, p.author_handle FROM announced n"
		" JOIN posts p ON p.platform = substr(n.key, 8, instr(substr(n.key, 8), ':') - 1)"
		" AND p.key = substr(n.key, 8 + instr(substr(n.key, 8), ':'))"
		" LEFT JOIN accounts a ON a.id = p.account_id"
		" WHERE n.key >= 'tagged:' AND n.key < 'tagged;' AND p.created_at >= ?1 AND a.mentor_id IS NULL"
		" ORDER BY p.created_at DESC LIMIT ?2",
	[ST_BIOS] =
		"SELECT id, mentor_id, platform, handle, bio FROM accounts"
		" WHERE followed = 1 AND mentor_id IS NOT NULL AND bio IS NOT NULL AND bio <> '' ORDER BY id",
	[ST_CHECK_ACCEPT] =
		"INSERT INTO check_overrides(fingerprint, rule, at) VALUES (?1, ?2, ?3)"
		" ON CONFLICT(fingerprint) DO UPDATE SET at = excluded.at",
	[ST_CHECK_ACCEPTED] = "SELECT fingerprint FROM check_overrides ORDER BY at DESC LIMIT 10000",
	[ST_POST_EXISTS] = "SELECT 1 FROM posts WHERE platform = ?1 AND key = ?2",
	[ST_CURSOR_AGE] = "SELECT updated_at FROM cursors WHERE platform = ?1 AND target = ?2 AND cursor IS NOT NULL",
	[ST_TAG_LIST] = "SELECT tag, platform FROM hashtags ORDER BY tag, platform",
	[ST_ACCOUNT_RESOLVED] =
		"UPDATE accounts SET stable_id = ?2, handle = coalesce(?3, handle),"
		" display_name = coalesce(?4, display_name), resolved_at = ?5 WHERE id = ?1",
	/* The export: every event by id, with who (mentor, account) and what
	 * (the post's text); an id range scan of the events table. */
	[ST_EXPORT_EVENTS] =
		"SELECT e.id, e.mentor_id, m.name, e.kind, e.at, e.platform, a.handle,"
		" coalesce(e.url, p.url), p.text, e.note FROM events e"
		" JOIN mentors m ON m.id = e.mentor_id AND m.kind = 'mentor'"
		" LEFT JOIN accounts a ON a.id = e.account_id"
		" LEFT JOIN posts p ON p.id = e.post_id"
		" WHERE e.id > ?1 ORDER BY e.id LIMIT ?2",
	[ST_BACKFILL_GET] = "SELECT since, loaded, token FROM backfill WHERE platform = ?1 AND target = ?2",
	[ST_BACKFILL_SET] =
		"INSERT INTO backfill (platform, target, since, loaded, token, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(platform, target) DO UPDATE SET"
		" since = excluded.since, loaded = excluded.loaded, token = excluded.token,"
		" updated_at = excluded.updated_at",
	[ST_HISTORY_SET] = "UPDATE accounts SET history = ?3 WHERE platform = ?1 AND handle = ?2 AND followed = 1",
	/* The oldest post of an account: where back-fill starts again when the
	 * window grows. */
	[ST_OLDEST_POST] =
		"SELECT net_id, created_at FROM posts WHERE account_id = ?1 AND kind <> 1"
		" ORDER BY created_at, id LIMIT 1",
	/* instance is stored lower-cased: host names are case-insensitive. */
	[ST_LOCAL_ID_GET] =
		"SELECT local_id FROM local_ids WHERE platform = ?1 AND instance = lower(?2) AND stable_id = ?3",
	[ST_LOCAL_ID_SET] =
		"INSERT INTO local_ids(platform, instance, stable_id, local_id, updated_at)"
		" VALUES (?1, lower(?2), ?3, ?4, ?5) ON CONFLICT(platform, instance, stable_id) DO UPDATE SET"
		" local_id = excluded.local_id, updated_at = excluded.updated_at",
	[ST_LOCAL_ID_DELETE] =
		"DELETE FROM local_ids WHERE platform = ?1 AND instance = lower(?2) AND stable_id = ?3",
	/* Mastodon rows still under an instance's status id (schema 009). The
	 * partial index posts_legacy_key holds these rows only; left to itself
	 * SQLite would walk every Mastodon key to find there is none. */
	[ST_LEGACY_ANY] =
		"SELECT 1 FROM posts INDEXED BY posts_legacy_key"
		" WHERE platform = 'mastodon' AND instr(key, '://') = 0 LIMIT 1",
	/* Read again through the same instance: the old key is its id. An
	 * author that was converted must be the same (ids of two instances may
	 * meet, being times in ms). */
	[ST_LEGACY_BY_ID] =
		"SELECT id, kind, key FROM posts WHERE platform = 'mastodon' AND key = ?1 AND created_at = ?2"
		" AND (author_id IS NULL OR instr(author_id, '@') = 0 OR author_id = ?3)",
	/* Read through another instance (another id): the same author, time
	 * and kind, and the same url (a post) or target (a boost, whose url is
	 * its target's). Two matches: too close to tell, no re-key. */
	[ST_LEGACY_BY_AUTHOR] =
		"SELECT id, kind, key FROM posts WHERE platform = 'mastodon' AND instr(key, '://') = 0"
		" AND author_id = ?1 AND created_at = ?2 AND kind = ?3"
		" AND CASE WHEN ?3 = 1 THEN ref_id = ?4 ELSE url = ?5 END LIMIT 2",
	/* The key, and the ids the row holds as the post now gives them. */
	[ST_LEGACY_REKEY] =
		"UPDATE posts SET key = ?2, author_id = coalesce(?3, author_id),"
		" reply_to_author = coalesce(?4, reply_to_author), ref_id = coalesce(?5, ref_id),"
		" ref_author = coalesce(?6, ref_author), mention_ids = coalesce(?7, mention_ids) WHERE id = ?1",
	/* Ledger events whose dedupe (ingest.c record()) ends in the old key,
	 * found through the unique index on dedupe. OR IGNORE: one that would
	 * meet an event already under the new key keeps the old string. */
	[ST_LEGACY_EVENTS] =
		"UPDATE OR IGNORE events SET dedupe = substr(dedupe, 1, length(dedupe) - length(?1)) || ?2"
		" WHERE dedupe IN ('post|mastodon|' || ?1, 'reply_to_me|mastodon|' || ?1,"
		" 'mention_of_me|mastodon|' || ?1, 'quote_of_mine|mastodon|' || ?1, 'my_reply|mastodon|' || ?1,"
		" 'my_quote|mastodon|' || ?1, 'my_repost|mastodon|' || ?1)",
	/* "my_mention|mastodon|KEY|MENTOR": a range of the index. */
	[ST_LEGACY_MENTIONS] =
		"UPDATE OR IGNORE events SET dedupe = 'my_mention|mastodon|' || ?2"
		" || substr(dedupe, length('my_mention|mastodon|' || ?1) + 1)"
		" WHERE dedupe >= 'my_mention|mastodon|' || ?1 || '|' AND dedupe < 'my_mention|mastodon|' || ?1 || '}'",
	/* "like_of_mine|mastodon|ACTOR|KEY" (and repost_of_mine): the user's
	 * post is the last part; the range is every such event. */
	[ST_LEGACY_TARGETS] =
		"UPDATE OR IGNORE events SET dedupe = substr(dedupe, 1, length(dedupe) - length(?1)) || ?2"
		" WHERE (dedupe > 'like_of_mine|mastodon|' AND dedupe < 'like_of_mine|mastodon}'"
		"  OR dedupe > 'repost_of_mine|mastodon|' AND dedupe < 'repost_of_mine|mastodon}')"
		" AND substr(dedupe, -length(?1) - 1) = '|' || ?1",
	[ST_LEGACY_NOTIFS] =
		"UPDATE notifs SET post_key = CASE WHEN post_key = ?1 THEN ?2 ELSE post_key END,"
		" subject_id = CASE WHEN subject_id = ?1 THEN ?2 ELSE subject_id END"
		" WHERE platform = 'mastodon' AND (post_key = ?1 OR subject_id = ?1)",
	/* The home feed (store_feed.c, schema 012). */
	[ST_FEED_LIST] =
		"SELECT stable_id, following, checked_at, joined FROM feed_follows WHERE platform = ?1",
	[ST_FEED_CHECKED] =
		"INSERT INTO feed_follows(platform, stable_id, following, checked_at) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT(platform, stable_id) DO UPDATE SET following = excluded.following,"
		" checked_at = excluded.checked_at, joined = joined AND excluded.following",
	[ST_FEED_JOIN] =
		"UPDATE feed_follows SET joined = 1 WHERE platform = ?1 AND stable_id = ?2 AND following = 1",
	[ST_FEED_LEAVE_ALL] =
		"UPDATE feed_follows SET joined = 0 WHERE platform = ?1 AND joined = 1",
	/* Every X post a page bills (store_xusage.c, schema 017). */
	[ST_XREADS_ADD] = "INSERT OR IGNORE INTO x_reads (day, post_id) VALUES (?1, ?2)",
	/* GetEngagement: the mentor ids and kinds travel as JSON arrays read by
	 * json_each, so a page of 500 mentors is one statement and one walk
	 * down events_mentor_at, not 500. */
	[ST_ENGAGEMENT] =
		"SELECT mentor_id, platform, kind, at FROM events"
		" WHERE mentor_id IN (SELECT value FROM json_each(?1)) AND at >= ?3 AND at < ?4"
		"   AND kind IN (SELECT value FROM json_each(?2))"
		" ORDER BY mentor_id",
};

int store_error(struct store *s, int rc, const char *what)
{
	int ext = sqlite3_extended_errcode(s->db);
	log_err("database: %s: %s (%d)", what, sqlite3_errmsg(s->db), ext);
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT: return -EEXIST;
	case SQLITE_BUSY: case SQLITE_LOCKED: return -EBUSY;
	case SQLITE_NOMEM: return -ENOMEM;
	case SQLITE_FULL: return -ENOSPC;
	case SQLITE_READONLY: case SQLITE_PERM: case SQLITE_AUTH: return -EACCES;
	case SQLITE_CORRUPT: case SQLITE_NOTADB: return -EBADMSG;
	default: return -EIO;
	}
}

sqlite3_stmt *store_stmt(struct store *s, enum stmt_id id)
{
	sqlite3_stmt *st = s->st[id];
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

void store_set_clock(struct store *s, const struct clock *c)
{
	s->clock = c;
}

int64_t store_now(const struct store *s)
{
	return s->clock ? clock_now(s->clock) : clock_realtime_sec();
}

int store_exec_stmt(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		int r = store_error(s, rc, what);
		sqlite3_reset(st);
		return r;
	}
	sqlite3_reset(st);
	return sqlite3_changes(s->db);
}

static int exec_sql(struct store *s, const char *sql, const char *what)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		log_err("database: %s: %s", what, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return rc == SQLITE_BUSY ? -EBUSY : -EIO;
	}
	return 0;
}

int store_schema_latest(void)
{
	return (int)schema_migrations_count;
}

int store_schema_version(struct store *s)
{
	sqlite3_stmt *st;
	int v = -EIO;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int migrate(struct store *s)
{
	int cur = store_schema_version(s), latest = store_schema_latest(), r;
	char pragma[48];

	if (cur < 0)
		return cur;
	if (cur > latest) {
		log_err("database: schema version %d is newer than this mentord knows (%d); refusing to open it",
		        cur, latest);
		return -EPROTO;
	}
	if (cur == latest)
		return 0;
	if ((r = exec_sql(s, "BEGIN IMMEDIATE", "begin migration")) < 0)
		return r;
	for (int v = cur; v < latest; v++) {
		log_info("database: applying migration %s", schema_migrations[v].name);
		if ((r = exec_sql(s, schema_migrations[v].data, schema_migrations[v].name)) < 0)
			goto fail;
	}
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", latest);
	if ((r = exec_sql(s, pragma, "set user_version")) < 0 ||
	    (r = exec_sql(s, "COMMIT", "commit migration")) < 0)
		goto fail;
	return 0;
fail:
	exec_sql(s, "ROLLBACK", "rollback migration");
	return r;
}

int store_legacy_check(struct store *s)
{
	sqlite3_stmt *st = store_stmt(s, ST_LEGACY_ANY);
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(s, rc, "look for posts to re-key");
	s->legacy_keys = rc == SQLITE_ROW;
	return 0;
}

/* Creates the file 0600 before SQLite does, so it is never briefly readable
 * by others whatever the umask, and tightens an existing one. */
static int prepare_file(const char *path)
{
	_cleanup_free_ char *dir = strdup(path);
	char *slash;
	int fd, r;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if ((r = paths_mkdir(dir, 0700)) < 0) {
			log_err("database: cannot create directory %s: %s", dir, strerror(-r));
			return r;
		}
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		r = -errno;
		log_err("database: cannot open %s: %s", path, strerror(errno));
		return r;
	}
	r = fchmod(fd, 0600) < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* Each page of a batch runs under a savepoint, whose sub-journal keeps the
 * pages the page changes. SQLite moves a sub-journal to a temporary file
 * past 64 KiB, and a page of 20 posts touches more: those file writes were
 * 4-8 % of ingest's CPU. In memory (-1) it holds what one page, or one
 * statement, changes, and is emptied when the savepoint is released. Not
 * temp_store = MEMORY: that would also keep a query's temporary tables
 * (DISTINCT, IN lists over a million events) in memory without a bound.
 * Not a larger spill size: SQLite allocates the in-memory journal in
 * chunks of that size, a few MiB per savepoint. */
#define STORE_SUBJOURNAL_SPILL (-1)

int store_global_init(void)
{
	int rc = sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, STORE_SUBJOURNAL_SPILL);
	if (rc != SQLITE_OK) {
		log_err("database: cannot configure SQLite: %s", sqlite3_errstr(rc));
		return -EINVAL;
	}
	return 0;
}

static int configure(struct store *s)
{
	static const char pragmas[] =
		"PRAGMA journal_mode = WAL;"
		"PRAGMA synchronous = NORMAL;"
		"PRAGMA foreign_keys = ON;"
		"PRAGMA journal_size_limit = 16777216;"
		"PRAGMA wal_autocheckpoint = 4000;";
	sqlite3_busy_timeout(s->db, 1000);
	return exec_sql(s, pragmas, "configure connection");
}

static int prepare_all(struct store *s)
{
	for (int i = 0; i < ST__COUNT; i++) {
		int rc = sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL);
		if (rc != SQLITE_OK)
			return store_error(s, rc, stmt_sql[i]);
	}
	return 0;
}

int store_open(struct store **out, const char *path)
{
	struct store *s = calloc(1, sizeof *s);
	int r, rc;

	if (!s)
		return -ENOMEM;
	if (strcmp(path, ":memory:") != 0 && (r = prepare_file(path)) < 0)
		goto fail;
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                     SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK) {
		log_err("database: cannot open %s: %s", path, s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		r = -EIO;
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	if ((r = configure(s)) < 0 || (r = migrate(s)) < 0 || (r = prepare_all(s)) < 0 ||
	    (r = store_legacy_check(s)) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	store_close(s);
	return r;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	if (s->in_tx)
		store_rollback(s);
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(s->st[i]);
	if (s->mail_stmts_free)
		s->mail_stmts_free(s);
	if (s->db) {
		sqlite3_exec(s->db, "PRAGMA optimize", NULL, NULL, NULL);
		if (sqlite3_close(s->db) != SQLITE_OK)
			log_err("database: close failed: %s", sqlite3_errmsg(s->db));
	}
	free(s);
}

int store_begin(struct store *s)
{
	int r;
	if (s->in_tx || s->in_read)
		return -EBUSY;
	if ((r = exec_sql(s, "BEGIN IMMEDIATE", "begin")) < 0)
		return r;
	s->in_tx = true;
	return 0;
}

static void tx_hook(struct store *s, enum store_tx_phase phase)
{
	if (s->tx_hook)
		s->tx_hook(phase, s->tx_hook_data);
}

int store_commit(struct store *s)
{
	int r;
	if (!s->in_tx)
		return -EINVAL;
	r = s->tx_hook ? s->tx_hook(STORE_TX_PRECOMMIT, s->tx_hook_data) : 0;
	if (r >= 0 && s->fault_commit && --s->fault_commit == 0) {
		log_err("database: commit failed: injected fault");
		r = -EIO;
	}
	if (r >= 0)
		r = exec_sql(s, "COMMIT", "commit");
	if (r < 0) {
		store_rollback(s);
		return r;
	}
	s->in_tx = s->in_savepoint = false;
	tx_hook(s, STORE_TX_COMMITTED);
	return 0;
}

void store_rollback(struct store *s)
{
	if (!s->in_tx)
		return;
	/* SQLITE_FULL and some I/O errors have rolled back already. */
	if (!sqlite3_get_autocommit(s->db))
		exec_sql(s, "ROLLBACK", "rollback");
	s->in_tx = s->in_savepoint = false;
	tx_hook(s, STORE_TX_ROLLED_BACK);
}

bool store_in_tx(const struct store *s)
{
	return s->in_tx;
}

int store_read_begin(struct store *s)
{
	int r;
	if (s->in_tx || s->in_read)
		return 0;
	if ((r = exec_sql(s, "BEGIN DEFERRED", "begin reading")) < 0)
		return r;
	s->in_read = true;
	return 1;
}

void store_read_end(struct store *s, int opened)
{
	if (opened <= 0 || !s->in_read)
		return;
	/* Nothing was written: COMMIT only lets the snapshot go. */
	if (exec_sql(s, "COMMIT", "end reading") < 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_read = false;
}

void store_set_tx_hook(struct store *s, store_tx_fn fn, void *data)
{
	s->tx_hook = fn;
	s->tx_hook_data = fn ? data : NULL;
}

void store_fault_commit(struct store *s, unsigned n)
{
	s->fault_commit = n;
}

void store_fault_savepoint(struct store *s, unsigned n)
{
	s->fault_savepoint = n;
}

int store_savepoint(struct store *s)
{
	int r;
	if (!s->in_tx || s->in_savepoint)
		return -EINVAL;
	if ((r = s->tx_hook ? s->tx_hook(STORE_TX_SAVEPOINT, s->tx_hook_data) : 0) < 0)
		return r;
	if (s->fault_savepoint && --s->fault_savepoint == 0) {
		log_err("database: savepoint failed: injected fault");
		return -EIO;
	}
	if ((r = exec_sql(s, "SAVEPOINT page", "savepoint")) < 0)
		return r;
	s->in_savepoint = true;
	return 0;
}

int store_release(struct store *s)
{
	int r;
	if (!s->in_savepoint)
		return -EINVAL;
	r = exec_sql(s, "RELEASE page", "release savepoint");
	s->in_savepoint = false;
	return r;
}

int store_rollback_to(struct store *s)
{
	if (!s->in_savepoint)
		return -EINVAL;
	s->in_savepoint = false;
	if (sqlite3_get_autocommit(s->db) ||
	    exec_sql(s, "ROLLBACK TO page; RELEASE page", "rollback to savepoint") < 0) {
		store_rollback(s);
		return -EIO;
	}
	tx_hook(s, STORE_TX_ROLLED_BACK_TO);
	return 0;
}

void store_release_memory(struct store *s)
{
	sqlite3_db_release_memory(s->db);
}

int64_t store_change_count(struct store *s)
{
	return sqlite3_total_changes64(s->db);
}

int store_counts(struct store *s, struct store_counts *out)
{
	static const enum stmt_id ids[] = {
		ST_COUNT_MENTORS, ST_COUNT_ACCOUNTS, ST_COUNT_HASHTAGS, ST_COUNT_POSTS, ST_COUNT_EVENTS };
	uint64_t *dst[] = { &out->mentors, &out->accounts, &out->hashtags, &out->posts, &out->events };
	int64_t changes = sqlite3_total_changes64(s->db);

	if (s->counts_valid && changes == s->counts_changes) {
		*out = s->counts;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		sqlite3_stmt *st = store_stmt(s, ids[i]);
		int rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			return store_error(s, rc, "count");
		*dst[i] = (uint64_t)sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	s->counts = *out;
	s->counts_changes = changes;
	s->counts_valid = true;
	return 0;
}
