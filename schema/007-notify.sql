-- 007-notify.sql — what desktop notifications have announced already (new
-- nudges), so that a restart does not announce them again. Mutes live in
-- mentors.muted_until (0: not muted, 9223372036854775807: until unmuted).
CREATE TABLE announced (
	key TEXT PRIMARY KEY,
	at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
