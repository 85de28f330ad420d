-- 014-email.sql — the e-mail source (daemon/mail/): headers only, never bodies.
-- mail_files: every message file read, by its Maildir folder and unique name
-- (the part before ":2,", so new/x and cur/x:2,S are one file), so a restart
-- reads no file twice. message is NULL for mail that does not involve the
-- user (nothing else about it is kept). A deleted file loses its row; the
-- message and its ledger events stay (the contact happened).
CREATE TABLE mail_files (
	folder   TEXT NOT NULL,               -- the Maildir (parent of cur/ and new/)
	uniq     TEXT NOT NULL,
	message  INTEGER REFERENCES mail_messages(id) ON DELETE SET NULL,
	seen_at  INTEGER NOT NULL,
	PRIMARY KEY (folder, uniq)
) STRICT, WITHOUT ROWID;

-- Messages between the user and someone, deduplicated by Message-ID (a
-- synthetic "<sha256@mentord.invalid>" of the header block when missing).
CREATE TABLE mail_messages (
	id          INTEGER PRIMARY KEY,
	msgid       TEXT NOT NULL UNIQUE,
	at          INTEGER NOT NULL,         -- Date, clamped; the file's mtime without one
	outgoing    INTEGER NOT NULL,         -- 1: the user wrote it
	subject     TEXT,                     -- NULL when [email] subjects = no
	in_reply_to TEXT,                     -- the thread: kept for what may need it;
	refs        TEXT                      -- References, space separated. The ledger
	                                      -- reads a thread as turns in time order.
) STRICT;

-- The other side of a message: its sender (incoming) or its recipients
-- (outgoing), with the display name the header gave.
CREATE TABLE mail_addrs (
	message  INTEGER NOT NULL REFERENCES mail_messages(id) ON DELETE CASCADE,
	addr     TEXT NOT NULL,               -- lower case
	name     TEXT,
	PRIMARY KEY (message, addr)
) STRICT, WITHOUT ROWID;
CREATE INDEX mail_addrs_addr ON mail_addrs(addr);
