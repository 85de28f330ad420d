-- 005-bios.sql — the profile text a lookup returns, so that handles a
-- person lists for their other networks can be offered as links (the user
-- confirms; nothing merges by itself).
ALTER TABLE accounts ADD COLUMN bio TEXT;
