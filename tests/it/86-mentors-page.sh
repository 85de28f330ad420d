#!/bin/sh
# `mentorctl mentors` pages: the top 50 by default with a footer naming how
# many more, --limit/--offset/--all (fetched over several ListMentors pages),
# JSON bounded the same way; and a stopped daemon's call is a timeout (exit
# 1), not "not running" (exit 3).
. "$(dirname "$0")/lib.sh"
DB="$XDG_STATE_HOME/mentord/mentord.db"
N=1234

start_bus; ok $? "private bus started"
start_daemon; ok $? "mentord started"
stop_daemon
# Many mentors at once, straight into the store (following 1,234 accounts
# one call at a time would test the bus, not the paging).
sqlite3 "$DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
	INSERT INTO mentors(id, name, created_at) SELECT i, printf('Dr Page %04d', i), 1700000000 FROM n"
ok $? "$N mentors written"
start_daemon; ok $? "mentord restarted on them"

ctl mentors > "$T/m.txt"; ok $? "mentors (text)"
is "$(grep -c '^[0-9]' "$T/m.txt")" 50 "the top 50 by default"
is "$(tail -n 1 "$T/m.txt")" "… 1,184 more: --all, --limit N, --offset N" "footer names how many more"
ctl mentors --limit 7 --offset 1230 > "$T/m.txt"; ok $? "--limit 7 --offset 1230"
is "$(grep -c '^[0-9]' "$T/m.txt")" 4 "the last 4 rows"
grep -q 'more:' "$T/m.txt"; is $? 1 "no footer at the end"
ctl mentors --limit 10 --offset 5 | grep -c '^[0-9]' > "$T/n"; is "$(cat "$T/n")" 10 "--limit 10 in the middle"
ctl mentors --limit 10 --offset 5 | tail -n 1 | grep -q '^… 1,219 more'; ok $? "footer counts past the shown rows"
ctl mentors --offset 5000 > "$T/m.txt"; ok $? "--offset beyond the end is not an error"
is "$(cat "$T/m.txt")" "No mentors at offset 5000: there are 1234." "and says so"
ctl mentors --all > "$T/m.txt"; ok $? "mentors --all"
is "$(grep -c '^[0-9]' "$T/m.txt")" $N "--all lists every mentor over several pages"
is "$(awk 'NR > 1 { print $1 }' "$T/m.txt" | sort -u | wc -l)" $N "each exactly once"
grep -q 'more:' "$T/m.txt"; is $? 1 "--all has no footer"
ctl mentors --all --offset 1000 | grep -c '^[0-9]' > "$T/n"; is "$(cat "$T/n")" 234 "--all --offset 1000"

ctl --json mentors > "$T/m.json" 2>"$T/err"; ok $? "--json mentors"
is "$(jq length "$T/m.json")" 50 "plain --json is the same top 50"
is "$(cat "$T/err")" "… 1,184 more: --all, --limit N, --offset N" "and names the rest on stderr"
is "$(ctl --json mentors --all 2>/dev/null | jq '[.[].id] | unique | length')" $N "--json --all: every mentor once"
is "$(ctl --json mentors --limit 600 --offset 100 2>/dev/null | jq length)" 600 "--json --limit 600 spans pages"
is "$(ctl --json mentors --offset 9999 2>/dev/null | jq length)" 0 "--json past the end: []"
is "$(ctl --json mentors --sort fit --limit 3 2>/dev/null | jq length)" 3 "--sort with --limit"

ctl mentors --limit 0 2>/dev/null; is $? 2 "--limit 0 is a usage error"
ctl mentors --limit x 2>/dev/null; is $? 2 "--limit x is a usage error"
ctl mentors --offset -1 2>/dev/null; is $? 2 "--offset -1 is a usage error"
ctl mentors --all --limit 5 2>/dev/null; is $? 2 "--all with --limit is a usage error"

# A stopped daemon still owns its name: the call is delivered and never
# answered. That is a timeout (exit 1), not "not running" (exit 3).
kill -STOP "$DAEMON_PID"
ctl --timeout 0.5 status >/dev/null 2>"$T/err"; is $? 1 "a timeout exits 1"
grep -q 'did not answer in time' "$T/err"; ok $? "and says the daemon did not answer in time"
grep -q 'make run' "$T/err"; is $? 1 "without the start hint"
kill -CONT "$DAEMON_PID"
ctl status >/dev/null; ok $? "the resumed daemon answers"
stop_daemon
ctl status >/dev/null 2>&1; is $? 3 "a stopped-and-gone daemon is still exit 3"

finish
