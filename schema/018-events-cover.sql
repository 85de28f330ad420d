-- The ledger's per-mentor index also carries each event's kind, platform and
-- post: counts by channel and direction (GetEngagement) and the report's
-- conversations (GetReportMentors) then read the index alone, one mentor's
-- entries side by side, instead of one table row per event scattered in
-- arrival order (issue 19: the whole report under 1 s at 10,000 mentors and
-- 1M events). It replaces events_mentor_at, of which it is an extension, so
-- every query that used it still can; inserts still update one index.
DROP INDEX events_mentor_at;
CREATE INDEX events_mentor_at ON events(mentor_id, at, kind, platform, post_id);
-- The planner's statistics for the new index (sqlite_stat1; PRAGMA optimize
-- keeps them later): without a row for it while other tables have theirs,
-- SQLite took it for a selective one and read the export (every event by id)
-- through mentors, once per page. One pass over the index, once.
ANALYZE events_mentor_at;
