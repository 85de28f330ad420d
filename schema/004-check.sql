-- 004-check.sql — findings of the draft check that the user accepted. Only
-- the rule and the fingerprint (a hash) are kept, never the draft's words:
-- a draft may hold exactly the patient details the check exists to catch.
CREATE TABLE check_overrides (
	fingerprint     TEXT PRIMARY KEY,
	rule            TEXT NOT NULL,
	at              INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
