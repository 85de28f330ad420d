-- 002-notifications.sql — notifications are kept, so that a like or a
-- follow from someone the user follows later (or whose account was not
-- resolved yet when it arrived) still enters the ledger once the account is
-- known; and an index for finding a newly resolved author's earlier posts.
CREATE TABLE notifs (
	id              INTEGER PRIMARY KEY,
	platform        TEXT NOT NULL,
	key             TEXT NOT NULL,        -- the network's notification id
	kind            INTEGER NOT NULL,     -- enum notif_kind
	actor_id        TEXT,
	actor_handle    TEXT,
	created_at      INTEGER NOT NULL,
	subject_id      TEXT,                 -- the user's post acted on
	post_key        TEXT,                 -- the acting post, stored in posts
	UNIQUE (platform, key)
) STRICT;
CREATE INDEX notifs_actor ON notifs(platform, actor_id);
CREATE INDEX posts_author ON posts(platform, author_id);
