-- 019: X's billing month as X itself counts it, and what mentord already
-- told the user about it. One row per billing month (start: its first UTC
-- day, unix seconds / 86400): reported is the project_usage of the last
-- GET /2/usage/tweets answer in that month (the whole project: other apps
-- may share it) and own mentord's count (x_reads) when it came: what X
-- counts beyond it is the others' and stays counted as mentord reads on;
-- warned whether the 80% notification went out, waited the
-- last UTC day a "X waits" notification went out (the month's last day
-- plus one when it waited for the next month). A restart keeps all three.
CREATE TABLE x_months (
	start INTEGER PRIMARY KEY,
	reported INTEGER NOT NULL DEFAULT 0,
	own INTEGER NOT NULL DEFAULT 0,
	reported_at INTEGER NOT NULL DEFAULT 0,
	warned INTEGER NOT NULL DEFAULT 0,
	waited INTEGER NOT NULL DEFAULT 0
);
