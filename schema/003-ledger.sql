-- 003-ledger.sql — per-mentor aggregates (docs/SCORING.md), suggestion
-- candidates and dismissed accounts.

-- The ledger aggregate (ledger_agg_format text) and two of its figures kept
-- as columns for cheap sorting. 'v1' is the empty aggregate; mentord
-- rebuilds it from the events of mentors that predate this migration.
ALTER TABLE mentors ADD COLUMN ledger TEXT NOT NULL DEFAULT 'v1';
ALTER TABLE mentors ADD COLUMN last_activity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mentors ADD COLUMN last_contact INTEGER NOT NULL DEFAULT 0;

-- Authors seen in tracked hashtag streams or in mentors' conversations who
-- are not followed: the pool `mentorctl suggest` ranks.
CREATE TABLE candidates (
	platform        TEXT NOT NULL,
	author_id       TEXT NOT NULL,
	handle          TEXT,
	name            TEXT,
	ledger          TEXT NOT NULL DEFAULT 'v1',
	seen_in_tags    INTEGER NOT NULL DEFAULT 0,
	seen_in_threads INTEGER NOT NULL DEFAULT 0,
	mentors         TEXT NOT NULL DEFAULT '',   -- mentor ids met in threads, space separated
	last_seen       INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (platform, author_id)
) STRICT;
CREATE INDEX candidates_seen ON candidates(seen_in_tags + seen_in_threads);

CREATE TABLE dismissed (
	platform        TEXT NOT NULL,
	handle          TEXT NOT NULL COLLATE NOCASE,
	at              INTEGER NOT NULL,
	PRIMARY KEY (platform, handle)
) STRICT, WITHOUT ROWID;
