-- 010-sources.sql — sources: followed accounts that are not mentors.
--
-- A source (a journal, a society, an institution) is a person row of its
-- own kind rather than a flag on its accounts, so everything that hangs off
-- a person keeps working for it unchanged: its accounts are polled, its
-- posts are stored and derive ledger events, its terms count in the
-- document frequencies of the fit, and the people it answers or who answer
-- it become suggestion candidates. What makes a mentor a mentor (the list,
-- stage, scores, nudges, notifications of activity, the export) reads only
-- kind 'mentor'. A person is one kind: re-following an account as the other
-- kind gives it a new person of that kind (store_mentors.c).
ALTER TABLE mentors ADD COLUMN kind TEXT NOT NULL DEFAULT 'mentor'
	CHECK (kind IN ('mentor', 'source'));
