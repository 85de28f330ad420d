-- 001-init.sql — the first schema of the mentord ledger database.
-- Applied inside one transaction by store_migrate(); PRAGMA user_version counts
-- the migrations applied. Times are INTEGER unix seconds (UTC).

-- A prospective mentor: a person, who may own accounts on several networks.
CREATE TABLE mentors (
	id              INTEGER PRIMARY KEY,
	name            TEXT NOT NULL,
	created_at      INTEGER NOT NULL,
	stage_override  TEXT,                 -- pinned stage, NULL when derived
	muted_until     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX mentors_name ON mentors(name COLLATE NOCASE);

-- An account on one network. Kept after unfollow (followed = 0) so the ledger
-- that refers to it survives.
CREATE TABLE accounts (
	id              INTEGER PRIMARY KEY,
	platform        TEXT NOT NULL,
	handle          TEXT NOT NULL COLLATE NOCASE,
	stable_id       TEXT,                 -- X user id, Mastodon account id, DID
	display_name    TEXT,
	mentor_id       INTEGER REFERENCES mentors(id) ON DELETE SET NULL,
	followed        INTEGER NOT NULL DEFAULT 1,
	added_at        INTEGER NOT NULL,
	resolved_at     INTEGER,
	UNIQUE (platform, handle)
) STRICT;
CREATE UNIQUE INDEX accounts_stable ON accounts(platform, stable_id)
	WHERE stable_id IS NOT NULL;
CREATE INDEX accounts_mentor ON accounts(mentor_id);

-- A tracked hashtag; platform '' means every enabled network.
CREATE TABLE hashtags (
	id              INTEGER PRIMARY KEY,
	tag             TEXT NOT NULL,        -- lower case, without '#'
	platform        TEXT NOT NULL DEFAULT '',
	added_at        INTEGER NOT NULL,
	UNIQUE (tag, platform)
) STRICT;

-- Every post seen. Rows are appended in arrival order (the rowid), and the
-- dedupe key sits in its own compact index: posts arrive account after
-- account with keys out of order, and a primary key on the network id would
-- scatter every commit across the B-tree (perf-anchors §6).
CREATE TABLE posts (
	id              INTEGER PRIMARY KEY,
	platform        TEXT NOT NULL,
	key             TEXT NOT NULL,        -- dedupe key (X first edit id, Mastodon id, at:// URI)
	net_id          TEXT NOT NULL,
	account_id      INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
	author_id       TEXT,
	author_handle   TEXT,
	author_name     TEXT,
	created_at      INTEGER NOT NULL,
	kind            INTEGER NOT NULL DEFAULT 0,   -- 0 original, 1 repost, 2 quote
	text            TEXT NOT NULL DEFAULT '',
	url             TEXT,
	reply_to        TEXT,
	reply_to_author TEXT,
	ref_id          TEXT,                 -- repost or quote target
	ref_author      TEXT,
	tags            TEXT,                 -- space separated, lower case
	mentions        TEXT,                 -- space separated handles
	n_likes         INTEGER,
	n_reposts       INTEGER,
	n_replies       INTEGER,
	seen_at         INTEGER NOT NULL,
	UNIQUE (platform, key)
) STRICT;
CREATE INDEX posts_account ON posts(account_id, created_at);

-- The engagement ledger. Network events hang off an account (so linking the
-- account to another mentor moves them); mentor_id is kept in step for fast
-- per-mentor reads. dedupe makes derivation idempotent; NULL for offline
-- events, which are never derived twice.
CREATE TABLE events (
	id              INTEGER PRIMARY KEY,
	mentor_id       INTEGER NOT NULL REFERENCES mentors(id) ON DELETE CASCADE,
	account_id      INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
	kind            TEXT NOT NULL,
	at              INTEGER NOT NULL,
	platform        TEXT,
	url             TEXT,
	post_id         INTEGER REFERENCES posts(id) ON DELETE SET NULL,
	note            TEXT,
	dedupe          TEXT UNIQUE
) STRICT;
CREATE INDEX events_mentor_at ON events(mentor_id, at);
CREATE INDEX events_account ON events(account_id);

-- Watermarks per polled target: what the next poll asks "newer than".
-- target is e.g. 'account:42', 'tag:meded', 'me:posts', 'me:notifications'.
CREATE TABLE cursors (
	platform        TEXT NOT NULL,
	target          TEXT NOT NULL,
	cursor          TEXT,
	updated_at      INTEGER NOT NULL,
	PRIMARY KEY (platform, target)
) STRICT, WITHOUT ROWID;

-- Small persistent settings and counters.
CREATE TABLE meta (
	key             TEXT PRIMARY KEY,
	value           ANY
) STRICT, WITHOUT ROWID;
