-- 017: what X billed: every post id an X answer carried (data and
-- includes.tweets), once per UTC day (day = unix seconds / 86400), written
-- in the transaction of the page it came with. A billing month's count is
-- the rows of its days.
CREATE TABLE x_reads (
	day INTEGER NOT NULL,
	post_id TEXT NOT NULL,
	PRIMARY KEY (day, post_id)
) WITHOUT ROWID;
