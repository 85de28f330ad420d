-- 012-feed.sql — the home feed: which followed accounts the user also
-- follows on the network (learnt in batches, refreshed daily), and which of
-- them are read through the user's home timeline rather than one request
-- each. `joined` is set with the commit of an account's own walk that began
-- after the feed's watermark was taken (so nothing between the two is
-- missed), and cleared for all when the feed's window dropped posts (a gap)
-- or when the user no longer follows the account there.
CREATE TABLE feed_follows (
	platform   TEXT NOT NULL,
	stable_id  TEXT NOT NULL,
	following  INTEGER NOT NULL,            -- 1: the user follows it there
	checked_at INTEGER NOT NULL,            -- unix s of the answer
	joined     INTEGER NOT NULL DEFAULT 0,  -- 1: its new posts come from the feed
	PRIMARY KEY (platform, stable_id)
) STRICT, WITHOUT ROWID;
