-- 006-mention-ids.sql — the stable ids of the accounts a post mentions,
-- parallel to posts.mentions ('-' where unknown), so that a mention of
-- someone followed only later still enters the ledger when they resolve.
ALTER TABLE posts ADD COLUMN mention_ids TEXT;
