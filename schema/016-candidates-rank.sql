-- 016: suggestions read the most-seen candidates newest first
-- (ST_CANDIDATES_TOP: ORDER BY seen_in_tags + seen_in_threads DESC,
-- last_seen DESC). The old index covered the first key only, so every
-- Suggest sorted whole groups of equally-seen candidates in a temporary
-- B-tree: ~1.4 ms of a 3.5 ms `mentorctl suggest` at 5,000 candidates
-- (docs/PERFORMANCE.md, row 3). This one serves the whole ORDER BY and
-- replaces the old one, whose key is its prefix.
CREATE INDEX candidates_rank ON candidates(seen_in_tags + seen_in_threads, last_seen);
DROP INDEX candidates_seen;
