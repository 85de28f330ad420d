-- 009-mastodon-uri.sql — Mastodon identities that do not depend on the
-- instance they were read through, so that an account can be read at its own
-- home as well as through the user's instance and still be the same account,
-- its posts the same posts:
--   an account's stable id is its lower-cased acct user@domain (was the
--   instance's number); a post's key is its ActivityPub uri (was the
--   instance's status id; net_id keeps the instance's id); so are repost and
--   quote targets (ref_id) and the user's post a notification is about
--   (notifs.subject_id); the ledger's dedupe strings follow.
-- Only Mastodon rows change; X and Bluesky are not read or written.
--
-- Runs inside the migration's transaction (store.c), with foreign keys on;
-- nothing here breaks one (a post that goes has its events moved first). The
-- mig_* tables are TEMP: they vanish with a rollback as with the DROPs below.
--
-- What cannot be converted stays as it was, so nothing is lost:
--   * an id never seen next to a handle with a domain keeps its number (it
--     matches no acct, as before it matched no other id); an account whose
--     id cannot be named loses its stable id instead (NULL: the scheduler
--     looks the handle up again), and its watermark and back-fill rows go
--     (the first sync reads again; post keys absorb what it finds twice);
--   * a post whose url is not a Mastodon one (another server software), and
--     a boost (its url is the boosted status's; its own uri ends in
--     /activity and is not stored anywhere) keep the old key: the store
--     re-keys them when they are read again (store_posts.c), helped by the
--     index posts_legacy_key made at the end.
-- Two rows that become the same (two old ids of one account, two old keys
-- of one post: both read through two instances over the database's life)
-- are merged into the older; ledger events that become duplicates go, and
-- their mentors' aggregates are rebuilt from the events left.

-- ---- accounts: old id -> acct -------------------------------------------

-- Every (id, handle) pair the database knows, best evidence first: the
-- followed accounts, then the newest post, notification, candidate, and the
-- mentions a post names (the handles are parallel to mention_ids).
CREATE TEMP TABLE mig_mention (
	pid INTEGER NOT NULL, pos INTEGER NOT NULL, handle TEXT NOT NULL, id TEXT NOT NULL, nid TEXT,
	PRIMARY KEY (pid, pos)
) WITHOUT ROWID;
-- A list is split only where both have as many words, as row_to_post()
-- pairs them.
INSERT INTO mig_mention (pid, pos, handle, id)
WITH RECURSIVE w(pid, pos, mr, ir, m, i) AS (
	SELECT id, 0, mentions || ' ', mention_ids || ' ', NULL, NULL FROM posts
	 WHERE platform = 'mastodon' AND mentions <> '' AND mention_ids <> ''
	   AND length(mentions) - length(replace(mentions, ' ', ''))
	     = length(mention_ids) - length(replace(mention_ids, ' ', ''))
	UNION ALL
	SELECT pid, pos + 1, substr(mr, instr(mr, ' ') + 1), substr(ir, instr(ir, ' ') + 1),
	       substr(mr, 1, instr(mr, ' ') - 1), substr(ir, 1, instr(ir, ' ') - 1)
	  FROM w WHERE mr <> '' AND ir <> ''
)
SELECT pid, pos, m, i FROM w WHERE pos > 0;

CREATE TEMP TABLE mig_pair (prio INTEGER NOT NULL, ord INTEGER NOT NULL, old TEXT NOT NULL, handle TEXT NOT NULL);
INSERT INTO mig_pair SELECT 1, -id, stable_id, handle FROM accounts
 WHERE platform = 'mastodon' AND stable_id IS NOT NULL;
INSERT INTO mig_pair SELECT 2, -id, author_id, author_handle FROM posts
 WHERE platform = 'mastodon' AND author_id IS NOT NULL AND author_handle IS NOT NULL;
INSERT INTO mig_pair SELECT 3, -id, actor_id, actor_handle FROM notifs
 WHERE platform = 'mastodon' AND actor_id IS NOT NULL AND actor_handle IS NOT NULL;
INSERT INTO mig_pair SELECT 4, -last_seen, author_id, handle FROM candidates
 WHERE platform = 'mastodon' AND handle IS NOT NULL;
INSERT INTO mig_pair SELECT 5, -pid, id, handle FROM mig_mention WHERE id <> '-';

-- The acct a handle names: only a handle with a domain does (a bare "doc1"
-- is whatever the instance of the day calls so). No blanks: ids are joined
-- with them (mention_ids).
CREATE TEMP TABLE mig_hacct (handle TEXT PRIMARY KEY, acct TEXT) WITHOUT ROWID;
INSERT OR IGNORE INTO mig_hacct
SELECT h, CASE WHEN instr(a, '@') > 1 AND instr(a, '@') < length(a) AND instr(a, ' ') = 0 THEN a END
  FROM (SELECT h, lower(ltrim(h, '@')) AS a FROM (
	SELECT handle AS h FROM mig_pair
	UNION SELECT reply_to_author FROM posts WHERE platform = 'mastodon' AND instr(reply_to_author, '@') > 0
	UNION SELECT ref_author FROM posts WHERE platform = 'mastodon' AND instr(ref_author, '@') > 0));

-- One acct per id, the first in evidence order (INSERT OR IGNORE keeps
-- the first row the ORDER BY gives). Ids that are accts already are left.
CREATE TEMP TABLE mig_acct (old TEXT PRIMARY KEY, acct TEXT NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO mig_acct
SELECT p.old, h.acct FROM mig_pair p JOIN mig_hacct h ON h.handle = p.handle
 WHERE h.acct IS NOT NULL AND p.old <> '' AND instr(p.old, '@') = 0
 ORDER BY p.prio, p.ord;

-- What a mention names: the acct of its own handle (it came with the id),
-- else the id's; '-' (unknown) stays.
UPDATE mig_mention SET nid = CASE WHEN id = '-' THEN '-' ELSE coalesce(
	(SELECT acct FROM mig_hacct WHERE handle = mig_mention.handle),
	(SELECT acct FROM mig_acct WHERE old = mig_mention.id), id) END;
CREATE TEMP TABLE mig_mids (pid INTEGER PRIMARY KEY, ids TEXT NOT NULL);
INSERT INTO mig_mids
WITH RECURSIVE j(pid, pos, s) AS (
	SELECT pid, 1, nid FROM mig_mention WHERE pos = 1
	UNION ALL
	SELECT j.pid, j.pos + 1, j.s || ' ' || n.nid FROM j JOIN mig_mention n ON n.pid = j.pid AND n.pos = j.pos + 1
)
SELECT pid, s FROM j
 WHERE NOT EXISTS (SELECT 1 FROM mig_mention n WHERE n.pid = j.pid AND n.pos = j.pos + 1);

-- ---- posts: old key -> uri ----------------------------------------------

-- The uri a post's url gives, if it has one of Mastodon's shapes:
--   S://H/@U/ID                          a status; uri S://H/users/U/statuses/ID
--   S://H/users/U/statuses/ID            the uri itself (url was absent)
--   S://H/users/U/statuses/ID/activity   a boost's own uri (url == uri)
-- (S http or https: the single-server fake speaks http). For a boost the
-- first two are the boosted status's: the row keeps its key, the uri names
-- its ref_id. U, ID without '/', '?', '#', U without '@', H without '@'.
CREATE TEMP TABLE mig_url (pid INTEGER PRIMARY KEY, kind INTEGER NOT NULL, key TEXT NOT NULL,
                           ref_id TEXT, uri TEXT NOT NULL, own INTEGER NOT NULL);
INSERT INTO mig_url
WITH a AS (
	SELECT id, kind, key, ref_id, url,
	       CASE WHEN url GLOB 'https://*' THEN 9 WHEN url GLOB 'http://*' THEN 8 ELSE 0 END AS sk
	  FROM posts WHERE platform = 'mastodon' AND url IS NOT NULL
), b AS (
	SELECT *, substr(url, 1, sk - 1) AS scheme, substr(url, sk) AS rest FROM a WHERE sk > 0
), c AS MATERIALIZED (   -- else every use of path re-evaluates the substr chain
	SELECT *, substr(rest, 1, instr(rest, '/') - 1) AS host, substr(rest, instr(rest, '/') + 1) AS path,
	       length(rest) - length(replace(rest, '/', '')) - 1 AS slashes
	  FROM b WHERE instr(rest, '/') > 1 AND instr(rest, '?') = 0 AND instr(rest, '#') = 0
), d AS (
	SELECT *, CASE
		WHEN slashes = 4 AND path GLOB 'users/?*/statuses/?*/activity' THEN 'activity'
		WHEN slashes = 3 AND path GLOB 'users/?*/statuses/?*' THEN 'uri'
		WHEN slashes = 1 AND path GLOB '@?*/?*' AND instr(substr(path, 2), '@') = 0 THEN 'web'
	END AS shape FROM c WHERE instr(host, '@') = 0
)
SELECT id, kind, key, ref_id, CASE shape
		WHEN 'web' THEN scheme || host || '/users/' || substr(path, 2, instr(path, '/') - 2)
		                || '/statuses/' || substr(path, instr(path, '/') + 1)
		ELSE url END,
       shape = 'activity' OR kind <> 1
  FROM d WHERE shape IS NOT NULL;

-- Old key (or a boost's old target id) -> uri; a row's own url first.
CREATE TEMP TABLE mig_key (old TEXT PRIMARY KEY, uri TEXT NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO mig_key SELECT key, uri FROM mig_url WHERE own AND instr(key, '://') = 0 ORDER BY pid;
INSERT OR IGNORE INTO mig_key SELECT ref_id, uri FROM mig_url
 WHERE NOT own AND ref_id <> '' AND instr(ref_id, '://') = 0 ORDER BY pid;

-- Rows to re-key. Two that would share a uri (or one that would take a uri
-- another row has) end on the oldest, the keeper; the others go, their
-- events moved to it first.
CREATE TEMP TABLE mig_post (pid INTEGER PRIMARY KEY, new_key TEXT NOT NULL, keeper INTEGER);
INSERT INTO mig_post (pid, new_key) SELECT pid, uri FROM mig_url WHERE own AND instr(key, '://') = 0;
CREATE INDEX temp.mig_post_key ON mig_post(new_key);
UPDATE mig_post SET keeper = (SELECT min(id) FROM (
	SELECT pid AS id FROM mig_post m WHERE m.new_key = mig_post.new_key
	UNION ALL SELECT id FROM posts WHERE platform = 'mastodon' AND key = mig_post.new_key));
UPDATE events SET post_id = (SELECT keeper FROM mig_post WHERE pid = events.post_id)
 WHERE post_id IN (SELECT pid FROM mig_post WHERE keeper <> pid);
DELETE FROM posts WHERE id IN (SELECT pid FROM mig_post WHERE keeper <> pid);
-- New keys hold "://", old ones do not, and every new key is now wanted by
-- one row only: no step of this UPDATE can meet UNIQUE(platform, key).
UPDATE posts SET key = m.new_key FROM mig_post m WHERE posts.id = m.pid AND m.keeper = m.pid;

-- The ids a post holds. reply_to stays: it is the instance's status id, as
-- net_id is, and is compared with it.
UPDATE posts SET
	author_id = CASE WHEN author_id IS NULL OR instr(author_id, '@') > 0 THEN author_id ELSE coalesce(
		(SELECT acct FROM mig_hacct WHERE handle = posts.author_handle),
		(SELECT acct FROM mig_acct WHERE old = posts.author_id), author_id) END,
	reply_to_author = CASE WHEN reply_to_author IS NULL THEN NULL
		WHEN instr(reply_to_author, '@') > 0
		THEN coalesce((SELECT acct FROM mig_hacct WHERE handle = posts.reply_to_author), reply_to_author)
		ELSE coalesce((SELECT acct FROM mig_acct WHERE old = posts.reply_to_author), reply_to_author) END,
	ref_author = CASE WHEN ref_author IS NULL THEN NULL
		WHEN instr(ref_author, '@') > 0
		THEN coalesce((SELECT acct FROM mig_hacct WHERE handle = posts.ref_author), ref_author)
		ELSE coalesce((SELECT acct FROM mig_acct WHERE old = posts.ref_author), ref_author) END,
	ref_id = coalesce((SELECT uri FROM mig_key WHERE old = posts.ref_id), ref_id),
	mention_ids = coalesce((SELECT ids FROM mig_mids WHERE pid = posts.id), mention_ids)
 WHERE platform = 'mastodon';

-- ---- notifications ------------------------------------------------------

UPDATE notifs SET
	actor_id = CASE WHEN actor_id IS NULL OR instr(actor_id, '@') > 0 THEN actor_id ELSE coalesce(
		(SELECT acct FROM mig_hacct WHERE handle = notifs.actor_handle),
		(SELECT acct FROM mig_acct WHERE old = notifs.actor_id), actor_id) END,
	subject_id = coalesce((SELECT uri FROM mig_key WHERE old = notifs.subject_id), subject_id),
	post_key = coalesce((SELECT uri FROM mig_key WHERE old = notifs.post_key), post_key)
 WHERE platform = 'mastodon';

-- ---- candidates ---------------------------------------------------------

-- Rows that land on one acct merge: counters add up, the last seen time is
-- the latest, the rest (handle, name, aggregate, mentors met) is the most
-- recently seen row's (aggregates cannot be added in SQL).
CREATE TEMP TABLE mig_cand AS
SELECT c.*, CASE WHEN instr(c.author_id, '@') > 0 THEN c.author_id ELSE coalesce(
		(SELECT acct FROM mig_hacct WHERE handle = c.handle),
		(SELECT acct FROM mig_acct WHERE old = c.author_id), c.author_id) END AS new_id
  FROM candidates c WHERE c.platform = 'mastodon';
DELETE FROM candidates WHERE platform = 'mastodon'
   AND author_id IN (SELECT author_id FROM mig_cand WHERE new_id IN
	(SELECT new_id FROM mig_cand GROUP BY new_id HAVING count(*) > 1 OR max(new_id <> author_id)));
INSERT INTO candidates (platform, author_id, handle, name, ledger, seen_in_tags, seen_in_threads, mentors, last_seen)
SELECT 'mastodon', new_id, handle, name, ledger, tags, threads, mentors, seen FROM (
	SELECT new_id, handle, name, ledger, mentors,
	       sum(seen_in_tags) OVER g AS tags, sum(seen_in_threads) OVER g AS threads,
	       max(last_seen) OVER g AS seen,
	       row_number() OVER (PARTITION BY new_id ORDER BY last_seen DESC, author_id) AS n,
	       count(*) OVER g AS k, max(new_id <> author_id) OVER g AS moved
	  FROM mig_cand WINDOW g AS (PARTITION BY new_id))
 WHERE n = 1 AND (k > 1 OR moved);

-- ---- followed accounts, their watermarks and back-fill ------------------

-- An account's own handle names it best; two accounts that would share an
-- acct (unique) leave it to the one whose handle it is, else the older.
CREATE TEMP TABLE mig_account (id INTEGER PRIMARY KEY, old TEXT NOT NULL, new TEXT);
INSERT INTO mig_account
SELECT id, stable_id, CASE WHEN n = 1 THEN new END FROM (
	SELECT id, stable_id, new, row_number() OVER (PARTITION BY coalesce(new, 'id:' || id)
		ORDER BY own DESC, id) AS n
	  FROM (SELECT a.id, a.stable_id, h.acct IS NOT NULL AS own,
		       coalesce(h.acct, (SELECT acct FROM mig_acct WHERE old = a.stable_id)) AS new
		  FROM accounts a LEFT JOIN mig_hacct h ON h.handle = a.handle
		 WHERE a.platform = 'mastodon' AND a.stable_id IS NOT NULL AND instr(a.stable_id, '@') = 0));

-- Watermark names as sched.c makes them: "account:" and the stable id (the
-- release cut ids at 50 bytes; its numeric ones never reached that). Those that cannot be renamed go: the account is synced
-- again from its first page, and post keys absorb the overlap. A name an
-- account's current id takes is not given to an older id of the same acct.
CREATE TEMP TABLE mig_target (old TEXT PRIMARY KEY, new TEXT) WITHOUT ROWID;
INSERT OR IGNORE INTO mig_target
SELECT 'account:' || substr(old, 1, 50), 'account:' || new FROM mig_account WHERE new IS NOT NULL;
INSERT OR IGNORE INTO mig_target
SELECT 'account:' || substr(old, 1, 50), 'account:' || acct FROM mig_acct
 WHERE 'account:' || acct NOT IN (SELECT new FROM mig_target);
UPDATE OR IGNORE cursors SET target = (SELECT new FROM mig_target WHERE old = cursors.target)
 WHERE platform = 'mastodon' AND target IN (SELECT old FROM mig_target);
DELETE FROM cursors WHERE platform = 'mastodon' AND target GLOB 'account:*' AND instr(target, '@') = 0;
UPDATE OR IGNORE backfill SET target = (SELECT new FROM mig_target WHERE old = backfill.target)
 WHERE platform = 'mastodon' AND target IN (SELECT old FROM mig_target);
DELETE FROM backfill WHERE platform = 'mastodon' AND target GLOB 'account:*' AND instr(target, '@') = 0;

-- Unique (platform, stable_id): clear first, then set, so that no row
-- meets another's old value on the way. Without an acct the account counts
-- as not looked up (resolved_at NULL) and is, by its handle.
UPDATE accounts SET stable_id = NULL, resolved_at = CASE WHEN m.new IS NULL THEN NULL ELSE resolved_at END
  FROM mig_account m WHERE accounts.id = m.id;
UPDATE accounts SET stable_id = m.new FROM mig_account m WHERE accounts.id = m.id AND m.new IS NOT NULL;

-- ---- ledger events --------------------------------------------------------

-- dedupe is "kind|mastodon|subject" (ingest.c record()); the subject is a
-- post key, "key|mentor" (my_mention), "actor|key of the user's post"
-- (repost_of_mine, like_of_mine) or the actor (follow_of_me). The actor is
-- the event's account's: its id first, else the account's acct.
CREATE TEMP TABLE mig_ev (id INTEGER PRIMARY KEY, mentor_id INTEGER NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL);
INSERT INTO mig_ev
WITH e AS (
	SELECT id, mentor_id, account_id, kind, dedupe, substr(dedupe, length(kind) + 11) AS subj
	  FROM events WHERE platform = 'mastodon' AND dedupe IS NOT NULL
	   AND substr(dedupe, 1, length(kind) + 10) = kind || '|mastodon|'
), f AS (
	SELECT *, CASE WHEN instr(subj, '|') > 0 THEN substr(subj, 1, instr(subj, '|') - 1) END AS s1,
	          CASE WHEN instr(subj, '|') > 0 THEN substr(subj, instr(subj, '|') + 1) END AS s2
	  FROM e
), g AS (
	SELECT *, CASE WHEN kind IN ('repost_of_mine', 'like_of_mine') THEN s1 WHEN kind = 'follow_of_me' THEN subj END AS actor
	  FROM f
)
SELECT id, mentor_id, dedupe, kind || '|mastodon|' || CASE
	WHEN kind IN ('post', 'reply_to_me', 'mention_of_me', 'quote_of_mine', 'my_reply', 'my_quote', 'my_repost')
		THEN coalesce((SELECT uri FROM mig_key WHERE old = subj), subj)
	WHEN kind = 'my_mention' AND s1 IS NOT NULL
		THEN coalesce((SELECT uri FROM mig_key WHERE old = s1), s1) || '|' || s2
	WHEN kind IN ('repost_of_mine', 'like_of_mine', 'follow_of_me') AND actor IS NOT NULL THEN
		CASE WHEN instr(actor, '@') > 0 THEN actor ELSE coalesce(
			(SELECT acct FROM mig_acct WHERE old = actor),
			(SELECT stable_id FROM accounts WHERE id = account_id AND instr(stable_id, '@') > 0),
			actor) END
		|| CASE WHEN kind = 'follow_of_me' THEN '' ELSE '|' || coalesce((SELECT uri FROM mig_key WHERE old = s2), s2) END
	ELSE subj END
  FROM g;
CREATE INDEX temp.mig_ev_new ON mig_ev(new);

-- Events that now say the same thing twice: the older stays (one outside
-- this conversion always stays: its dedupe is not changing).
CREATE TEMP TABLE mig_ev_dup AS
SELECT m.id, m.mentor_id FROM mig_ev m
 WHERE EXISTS (SELECT 1 FROM mig_ev o WHERE o.new = m.new AND o.id < m.id)
    OR EXISTS (SELECT 1 FROM events o WHERE o.dedupe = m.new AND o.id NOT IN (SELECT id FROM mig_ev));
DELETE FROM events WHERE id IN (SELECT id FROM mig_ev_dup);
DELETE FROM mig_ev WHERE id IN (SELECT id FROM mig_ev_dup) OR new = old;
-- 'v1' makes the mentor cache rebuild the aggregate from the events left.
UPDATE mentors SET ledger = 'v1' WHERE id IN (SELECT mentor_id FROM mig_ev_dup);
-- dedupe is UNIQUE and may be NULL: clear, then set.
UPDATE events SET dedupe = NULL WHERE id IN (SELECT id FROM mig_ev);
UPDATE events SET dedupe = m.new FROM mig_ev m WHERE events.id = m.id;

-- ---- the rest -------------------------------------------------------------

-- "handle<TAB>numeric id": the daemon asks again and keeps the acct.
DELETE FROM meta WHERE key = 'me:mastodon';

-- What each server calls an account (Mastodon: the instance's number of an
-- acct, for its URLs), learnt by lookups. instance: lower-cased host[:port].
-- Not filled from the old ids: nothing records which instance gave them,
-- and a wrong number would read another person's posts.
CREATE TABLE local_ids (
	platform   TEXT NOT NULL,
	instance   TEXT NOT NULL,
	stable_id  TEXT NOT NULL,
	local_id   TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (platform, instance, stable_id)
) STRICT, WITHOUT ROWID;

-- Mastodon posts still under an instance's status id, by author and time:
-- how the store finds one to re-key when it is read again (also from another
-- instance, which gives it another id). Only such rows are in it, so it
-- costs nothing once they are gone.
CREATE INDEX posts_legacy_key ON posts(author_id, created_at)
	WHERE platform = 'mastodon' AND instr(key, '://') = 0;

DROP TABLE mig_mention;
DROP TABLE mig_pair;
DROP TABLE mig_hacct;
DROP TABLE mig_acct;
DROP TABLE mig_mids;
DROP TABLE mig_url;
DROP TABLE mig_key;
DROP TABLE mig_post;
DROP TABLE mig_cand;
DROP TABLE mig_account;
DROP TABLE mig_target;
DROP TABLE mig_ev;
DROP TABLE mig_ev_dup;
