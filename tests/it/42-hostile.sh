#!/bin/sh
# Bus hostility: build/tests/busburst fires thousands of hostile calls at
# every Manager1 method from several clients at once (tests/tools/busburst.c
# has the table and the corpus). Each call must get a result or a named
# error, GetStatus must keep answering, and the calls that must be refused
# leave the database byte-for-byte unchanged.
. "$(dirname "$0")/lib.sh"

BURST="$SRC/$BUILD/tests/busburst"
case "$BUILD" in /*) BURST="$BUILD/tests/busburst";; esac
# Under valgrind or ASan the daemon is 20-50 times slower: fewer clients
# and rounds keep the run short and still concurrent.
if [ -n "$MENTORD_WRAP" ]; then CLIENTS=2 ROUNDS=1; else CLIENTS=4 ROUNDS=2; fi

start_bus; ok $? "private bus started"
start_daemon; ok $? "mentord started"
DB="$XDG_STATE_HOME/mentord/mentord.db"
ctl follow x known >/dev/null && ctl track known >/dev/null; ok $? "seed: mentor 'known' and hashtag #known"
fp=$(ctl --json check "I was so drunk at the conference" | jq -r '.findings[0].fingerprint')
[ -n "$fp" ] && [ "$fp" != null ]; ok $? "a draft with a finding gives a fingerprint ($fp)"

# Everything but the SQLite housekeeping; rows in table order.
snapshot() { sqlite3 "$DB" .dump | grep -v '^INSERT INTO sqlite_sequence'; }
snapshot > "$T/before.sql"

"$BURST" --phase reject --clients "$CLIENTS" --rounds "$ROUNDS" --fingerprint "$fp" \
	> "$T/reject.out" 2> "$T/reject.err"; rc=$?
cat "$T/reject.out"; sed 's/^/# /' "$T/reject.err"
is "$rc" 0 "reject phase: every call got a result or a named error, and no refused call succeeded"
n=$(sed -n 's/^# busburst reject: .*: \([0-9]*\) replies.*/\1/p' "$T/reject.out")
[ "${n:-0}" -ge 2000 ]; ok $? "thousands of calls from $CLIENTS concurrent clients (${n:-0})"
grep -q 'org.mentord.Error.InvalidHandle' "$T/reject.out" && grep -q 'org.freedesktop.DBus.Error.InvalidArgs' "$T/reject.out"
ok $? "the replies include named argument errors of both layers"
daemon_alive; ok $? "daemon still running"
ctl status >/dev/null; ok $? "daemon still answers"
snapshot > "$T/after.sql"
cmp -s "$T/before.sql" "$T/after.sql"; ok $? "refused calls left the database unchanged"
cmp -s "$T/before.sql" "$T/after.sql" || diff "$T/before.sql" "$T/after.sql" | head -n 10 | sed 's/^/#   /'

# Accept phase: hostile-but-valid values may succeed (names, ids, stages).
"$BURST" --phase accept --clients "$CLIENTS" --rounds 1 > "$T/accept.out" 2> "$T/accept.err"; rc=$?
cat "$T/accept.out"; sed 's/^/# /' "$T/accept.err"
is "$rc" 0 "accept phase: every call got a result or a named error"
daemon_alive && ctl status >/dev/null; ok $? "daemon still answers after the accept phase"
is "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "database integrity_check ok"

# Injection-like text is data: stored and read back verbatim.
name="Robert'); DROP TABLE accounts;-- %n ../"
busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 Follow ssst x injdoc "$name" 0 >/dev/null
ok $? "Follow with an injection-like name succeeds"
got=$(sqlite3 "$DB" "SELECT m.name FROM mentors m JOIN accounts a ON a.mentor_id = m.id WHERE a.handle = 'injdoc'")
is "$got" "$name" "the name is stored verbatim"
sqlite3 "$DB" 'SELECT count(*) FROM accounts' >/dev/null; ok $? "and the accounts table is still there"
stop_daemon; ok $? "stopped cleanly"
finish
