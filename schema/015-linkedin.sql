-- 015: LinkedIn's data export, as `mentorctl import linkedin` gives it:
-- the connections and the dates and directions of one-to-one messages
-- (never a subject or a content). Ledger events of a linked profile
-- (accounts platform 'linkedin', handle = url) are derived from these rows,
-- at import and when the profile is linked later.
CREATE TABLE linkedin_people (
	url          TEXT PRIMARY KEY,    -- https://www.linkedin.com/in/slug, canonical
	first_name   TEXT NOT NULL,
	last_name    TEXT NOT NULL,
	email        TEXT,                -- lower-cased; NULL when the export has none
	company      TEXT,
	position     TEXT,
	connected_on INTEGER NOT NULL,    -- unix time, the day at 00:00 UTC
	imported_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX linkedin_people_name ON linkedin_people(first_name COLLATE NOCASE, last_name COLLATE NOCASE);

CREATE TABLE linkedin_messages (
	key          TEXT PRIMARY KEY,    -- conversation id/unix time/me|them
	counterpart  TEXT NOT NULL,       -- the other participant's canonical URL
	mine         INTEGER NOT NULL,    -- 1: the user wrote it
	at           INTEGER NOT NULL,
	imported_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX linkedin_messages_counterpart ON linkedin_messages(counterpart);
