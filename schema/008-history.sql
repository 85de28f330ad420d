-- 008-history.sql — back-fill: how far into a followed account's past
-- mentord has read, so the walk down resumes after a restart (or kill -9)
-- where its last committed page left it. A row is written with the first
-- sync's page and then with every history page, in the same transaction
-- as that page's posts.
ALTER TABLE accounts ADD COLUMN history INTEGER;   -- seconds; NULL: [mentord] history
CREATE TABLE backfill (
	platform   TEXT NOT NULL,
	target     TEXT NOT NULL,      -- the account's watermark name (account:<stable id>)
	since      INTEGER NOT NULL,   -- unix s: read down to posts of this time
	loaded     INTEGER NOT NULL DEFAULT 0,   -- earlier posts stored (the summary's count)
	token      TEXT,               -- where the next older page starts; NULL: done
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (platform, target)
) STRICT, WITHOUT ROWID;
