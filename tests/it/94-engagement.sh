#!/bin/sh
# GetEngagement: events per mentor, channel and direction in UTC months and
# ISO weeks. The networks' events (fake server, doc1 and doc2 engaged) are
# checked against the events table; contact logged by hand lands in the
# bucket its time names, on both sides of a month's and a week's edge; bad
# arguments get named errors and leave the daemon up.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

DB="$XDG_STATE_HOME/mentord/mentord.db"
E=org.mentord.Error
eng() {  # eng UNIT COUNT ID... — the reply as JSON: {"type":..,"data":[start, rows]}
	unit=$1; count=$2; shift 2
	busctl --user --json=short call org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 \
		GetEngagement atsu $# "$@" "$unit" "$count"
}
call_err() {  # call_err WANT-ERROR DESCRIPTION UNIT COUNT IDS (comma-separated)
	out=$(dbus-send --session --print-reply --dest=org.mentord.Mentord1 /org/mentord/Mentord1 \
		org.mentord.Manager1.GetEngagement "array:uint64:$5" "string:$3" "uint32:$4" 2>&1)
	case "$out" in
	*"Error $1"*) ok 0 "$2" ;;
	*) ok 1 "$2"; echo "#   got: $(echo "$out" | head -n2)" ;;
	esac
}

start_bus; ok $? "private bus started"
start_fake --accounts 4 --posts 20 --engaged 2; ok $? "fake server: doc1 and doc2 interact with me"
fake_config
start_daemon; ok $? "mentord up on the fake networks (clock: $(date -u -d @$FAKE_T0 +%F))"
ctl follow mastodon doc1 --name "Dr One" >/dev/null && ctl follow bluesky doc2.bsky.social --name "Dr Two" >/dev/null &&
	ctl follow x doc3 --name "Dr Three" >/dev/null
ok $? "followed doc1, doc2 and doc3"
ctl poll --wait >/dev/null; ok $? "polled"
M1=$(sqlite3 "$DB" "SELECT mentor_id FROM accounts WHERE handle LIKE 'doc1%'")
M2=$(sqlite3 "$DB" "SELECT mentor_id FROM accounts WHERE handle LIKE 'doc2%'")
M3=$(sqlite3 "$DB" "SELECT mentor_id FROM accounts WHERE handle = 'doc3'")

# The months: 2025-10 .. 2026-09, the last one the clock's.
START=$(date -u -d 2025-10-01 +%s)
eng month 12 "$M1" "$M2" "$M3" > "$T/m.json"; ok $? "GetEngagement month 12 for three mentors"
is "$(jq '.data[0]' "$T/m.json")" "$START" "start is 2025-10-01 00:00 UTC"
jq -e '.data[1] | length > 0 and all(.[3] | length == 12) and all(.[3] | add > 0)' "$T/m.json" >/dev/null
ok $? "rows of 12 counts, none all zero"
jq -e '.data[1] | all(.[2] == "in" or .[2] == "out") and all(.[1] | IN("x","mastodon","bluesky","email","linkedin","offline"))' \
	"$T/m.json" >/dev/null; ok $? "directions are in/out, channels the spec's"
# The same from the events table, with the kinds spelled out here.
IN="'reply_to_me','mention_of_me','like_of_mine','repost_of_mine','quote_of_mine','follow_of_me','email_to_me','dm_to_me','connection'"
OUT="'my_reply','my_mention','my_repost','my_quote','my_like','my_email','my_dm','met','email','call','meeting','dm'"
sqlite3 -separator ' ' "$DB" "SELECT mentor_id, coalesce(platform, 'offline'),
	CASE WHEN kind IN ($IN) THEN 'in' ELSE 'out' END, count(*) FROM events
	WHERE (kind IN ($IN) OR kind IN ($OUT)) AND at >= $START AND mentor_id IN ($M1, $M2, $M3)
	GROUP BY 1, 2, 3 ORDER BY 1, 2, 3" > "$T/want.txt"
jq -r '.data[1][] | "\(.[0]) \(.[1]) \(.[2]) \(.[3] | add)"' "$T/m.json" > "$T/got.txt"
diff "$T/want.txt" "$T/got.txt" >&2; ok $? "totals per mentor, channel and direction equal the events table's"
grep -q " in " "$T/got.txt" && grep -q " out " "$T/got.txt"; ok $? "both directions seen ($(wc -l < "$T/got.txt") rows)"
jq -e --argjson m "$M3" '.data[1] | all(.[0] != $m)' "$T/m.json" >/dev/null; ok $? "doc3 (posts only) has no row"
is "$(jq '[.data[1][] | .[3][:10] | add] | add' "$T/m.json")" 0 "nothing before August 2026 (the fake's 30 days)"

# Hand-logged contact, at the edges of months and weeks.
log_at() { busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 LogEvent sssx "$1" "$2" "" "$3" >/dev/null; }
offline() {  # offline FILE MENTOR — the offline/out counts, comma-separated
	jq -r --argjson m "$2" '[.data[1][] | select(.[0] == $m and .[1] == "offline" and .[2] == "out")][0][3] // [] | map(tostring) | join(",")' "$1"
}
log_at "$M3" met "$FAKE_T0" && log_at "$M3" note "$FAKE_T0" && log_at "$M3" call $((START - 1)) &&
	log_at "$M3" email "$START"
ok $? "logged met and a note now, a call a second before the first month, an e-mail at its first second"
eng month 12 "$M3" > "$T/m3.json"
is "$(offline "$T/m3.json" "$M3")" "1,0,0,0,0,0,0,0,0,0,0,1" "the e-mail in the first month, the meeting in the last; no note, no call"
eng month 13 "$M3" > "$T/m13.json"
is "$(offline "$T/m13.json" "$M3")" "1,1,0,0,0,0,0,0,0,0,0,0,1" "13 months reach the call (2025-09-30 23:59:59)"
is "$(jq '.data[0]' "$T/m13.json")" "$(date -u -d 2025-09-01 +%s)" "13 months start on 2025-09-01"
MON=$(date -u -d 2026-09-21 +%s)
log_at "$M2" meeting "$MON" && log_at "$M2" dm $((MON - 1)); ok $? "logged a meeting at Monday 00:00 and a DM a second before"
eng week 3 "$M2" > "$T/w.json"
is "$(jq '.data[0]' "$T/w.json")" "$(date -u -d 2026-09-07 +%s)" "3 weeks start on Monday 2026-09-07"
is "$(offline "$T/w.json" "$M2")" "0,1,1" "the DM in last week, the meeting in this one"
eng week 1 "$M2" "$M2" "$M2" > "$T/w1.json"
is "$(jq --argjson m "$M2" '[.data[1][] | select(.[0] == $m and .[1] == "offline")] | length' "$T/w1.json")" 1 \
	"a repeated id gives its rows once"

ctl follow x quietdoc --name "Dr Quiet" >/dev/null; ok $? "followed a mentor without events"
MQ=$(sqlite3 "$DB" "SELECT mentor_id FROM accounts WHERE handle = 'quietdoc'")
is "$(eng month 12 "$MQ" | jq -c '.data[1]')" "[]" "no events: no rows"

# Bad arguments.
call_err $E.InvalidArgument "unit day is refused" day 12 "$M1"
call_err $E.InvalidArgument "unit \"\" is refused" "" 12 "$M1"
call_err $E.InvalidArgument "count 0 is refused" month 0 "$M1"
call_err $E.InvalidArgument "count 61 is refused" week 61 "$M1"
call_err $E.InvalidArgument "no ids is refused" month 12 ""
call_err $E.InvalidArgument "501 ids are refused" month 12 "$(seq -s, 1 501)"
call_err $E.UnknownMentor "an unknown id is refused" month 12 "$M1,424242"
call_err $E.UnknownMentor "id 2^64-1 is refused" month 12 18446744073709551615
call_err $E.UnknownMentor "id 0 is refused" month 12 0
eng week 60 "$M1" | jq -e '.data[1] | all(.[3] | length == 60)' >/dev/null; ok $? "60 weeks is the maximum"
# 500 ids, all known: the same mentor, repeated.
# shellcheck disable=SC2046
eng month 1 $(for i in $(seq 1 500); do echo "$M1"; done) >/dev/null; ok $? "500 ids are accepted"

# mentorctl's sparklines (tests are not terminals: 80 columns, or $COLUMNS).
LC_ALL=C.UTF-8 ctl show "$M1" > "$T/show-u.txt"; ok $? "show in a UTF-8 locale"
LC_ALL=C ctl show "$M1" > "$T/show-a.txt"; ok $? "show in the C locale"
LC_ALL=C.UTF-8 COLUMNS=40 ctl show "$M1" > "$T/show-n.txt"; ok $? "show 40 columns wide"
LC_ALL=C.UTF-8 ctl mentors > "$T/mentors-u.txt"; ok $? "mentors in a UTF-8 locale"
LC_ALL=C ctl mentors > "$T/mentors-a.txt"; ok $? "mentors in the C locale"
LC_ALL=C.UTF-8 COLUMNS=50 ctl mentors > "$T/mentors-n.txt"; ok $? "mentors 50 columns wide"
IN1=$(jq --argjson m "$M1" '[.data[1][] | select(.[0] == $m and .[2] == "in") | .[3] | add] | add' "$T/m.json")
grep -Eq "^  them → you  (▁▁▁|▂▂▂|▃▃▃|▄▄▄|▅▅▅|▆▆▆|▇▇▇|███) .* +$IN1\$" "$T/show-u.txt"
ok $? "show: them → you in blocks, 3 a month, with its total ($IN1)"
is "$(grep -c '^  you → them  ' "$T/show-u.txt")" 1 "show: you → them"
is "$(grep -E '^ {14}Oct Nov' "$T/show-u.txt")" "              Oct Nov Dec Jan Feb Mar Apr May Jun Jul Aug Sep" \
	"show: month labels under the months, oldest first"
grep -Eq '^  them -> you [_.:=+*#-]{3} ' "$T/show-a.txt"; ok $? "show: ASCII in the C locale"
chart() { sed -n '/^Engagement a month, /,/^$/p' "$1"; }
chart "$T/show-a.txt" | LC_ALL=C grep -q "$(printf '[\200-\377]')"; is $? 1 "show: the chart is plain ASCII in the C locale"
grep -Eq '^  them → you  [▁▂▃▄▅▆▇█]{12} ' "$T/show-n.txt"; ok $? "show at 40 columns: a character a month"
grep -q '^ \{14\}ONDJFMAMJJAS$' "$T/show-n.txt"; ok $? "show at 40 columns: month initials"
is "$(chart "$T/show-n.txt" | jq -R length | sort -n | tail -n1)" 38 "show at 40 columns: the chart fits (38 columns)"
is "$(chart "$T/show-u.txt" | jq -R length | sort -n | tail -n1)" 69 "show at 80 columns: 69 columns"
head -n1 "$T/mentors-u.txt" | grep -q '  ACTIVE  *12 WEEKS  *ACCOUNTS$'; ok $? "mentors: a 12 WEEKS column before ACCOUNTS"
is "$(grep -Ec '  [▁▂▃▄▅▆▇█]{12}  ' "$T/mentors-u.txt")" 4 "mentors: a 12-week sparkline per mentor (a flat one for Dr Quiet)"
is "$(grep -Ec '  [_.:=+*#-]{12}  ' "$T/mentors-a.txt")" 4 "mentors: ASCII sparklines in the C locale"
grep -q '  Dr Quiet  .*  ▁▁▁▁▁▁▁▁▁▁▁▁  x:quietdoc$' "$T/mentors-u.txt"; ok $? "mentors: no events is the flat baseline"
grep -q 'WEEKS' "$T/mentors-n.txt"; is $? 1 "mentors at 50 columns: the column is dropped"
head -n1 "$T/mentors-n.txt" | grep -q '  ACTIVE  *ACCOUNTS$'; ok $? "mentors at 50 columns: the others unchanged"

# On a real terminal the width is the terminal's (TIOCGWINSZ), whatever
# $COLUMNS says: script(1) runs the command on a pseudo-terminal of the
# size stty gives it.
on_tty() {  # on_tty COLS COMMAND — COMMAND's output on a COLS-wide terminal
	COLUMNS=$3 LC_ALL=C.UTF-8 script -qec "stty cols $1 rows 40; $2" /dev/null |
		tr -d '\r' | sed 's/\x1b\[[0-9;]*m//g'   # a terminal gets bold headings
}
if command -v script >/dev/null; then
	on_tty 40 "$MENTORCTL show $M1" 300 > "$T/show-t.txt"
	grep -q '^ \{14\}ONDJFMAMJJAS$' "$T/show-t.txt"; ok $? "show on a 40-column terminal (COLUMNS=300): month initials"
	on_tty 50 "$MENTORCTL mentors" 300 > "$T/mentors-t50.txt"
	grep -q '  ACTIVE  *ACCOUNTS$' "$T/mentors-t50.txt" && ! grep -q WEEKS "$T/mentors-t50.txt"
	ok $? "mentors on a 50-column terminal (COLUMNS=300): the column is dropped"
	on_tty 160 "$MENTORCTL mentors" 40 > "$T/mentors-t160.txt"
	grep -q '  ACTIVE  *12 WEEKS  *ACCOUNTS$' "$T/mentors-t160.txt"; ok $? "mentors on a 160-column terminal (COLUMNS=40): the column is there"
else
	for i in 1 2 3; do ok 0 "# SKIP script(1) is not installed"; done
fi
LC_ALL=C.UTF-8 ctl --json mentors | jq -e 'all(keys == ["accounts","events","fit","id","last_activity","last_contact","name","posts","score","stage"])' >/dev/null
ok $? "mentors --json: no sparkline"
LC_ALL=C.UTF-8 ctl --json show "$M1" > "$T/show.json"
jq -e 'has("engagement") | not' "$T/show.json" >/dev/null && ! grep -q '▁' "$T/show.json"; ok $? "show --json: no sparkline"
daemon_alive; ok $? "mentord still up"
stop_daemon; ok $? "mentord stopped cleanly"
finish
