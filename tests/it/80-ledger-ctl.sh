#!/bin/sh
# mentorctl's ledger commands end to end: suggest, dismiss and nudges over
# data from the fake server, then show, why, log, stage, link and unlink
# against the same database on the real clock. JSON keys, text layout,
# exit codes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

# aligned FILE HEADER-REGEX — the table under the matching header line keeps
# its columns: in every row up to the next blank line, each column starts
# after a space, and the first row fills every column. Counted in code
# points, as mentorctl counts them (jq, because awk here may count bytes).
aligned() {
	jq -Rnse --arg re "$2" '
		(input | split("\n")) as $l
		| ($l | map(test($re)) | index(true)) as $h
		| if $h == null then false else
			($l[$h] | explode) as $hd
			| [range(2; $hd | length) | select($hd[.] != 32 and $hd[. - 1] == 32 and $hd[. - 2] == 32)] as $cols
			| ($l[$h + 1:]) as $rest
			| ($rest[:($rest | index("")) // ($rest | length)]) as $rows
			| ($cols | length) > 0 and ($rows | length) > 0
			  and ($rows | all(explode as $r | $cols | all(. as $c | ($r | length) <= $c or $r[$c - 1] == 32)))
			  and ($rows[0] | explode as $r | $cols | all($r[.] != 32))
		  end' < "$1" >/dev/null
}
has_keys() {  # has_keys FILE JQ-PATH KEY... — every object at PATH has every KEY
	f=$1; p=$2; shift 2
	for k in "$@"; do
		jq -e "[$p] | length > 0 and all(has(\"$k\"))" "$f" >/dev/null || { diag "missing $k in $p"; return 1; }
	done
}

start_bus; ok $? "private bus started"
cp "$XDG_CONFIG_HOME/mentord/mentord.conf" "$T/plain.conf"
start_fake --accounts 6 --posts 30 --engaged 2; ok $? "fake server: doc1 and doc2 interact with me"
fake_config
start_daemon; ok $? "mentord up on the fake networks"
ctl follow mastodon doc1 --name "Dr One" >/dev/null && ctl follow mastodon doc2 --name "Dr Two" >/dev/null &&
	ctl follow bluesky doc5.bsky.social --name "Carol Five" >/dev/null && ctl track meded >/dev/null
ok $? "followed three accounts, tracking #meded"
ctl poll --wait >/dev/null; ok $? "polled"
fake_post /_fake/add_posts '{"network":"mastodon","account":"doc1","count":1,"kind":"post","text":"Our lab is looking for students: applications open for the summer research position in cardiology"}'
ctl poll --wait >/dev/null; ok $? "an opportunity post from doc1, polled again"

# suggest
ctl --json suggest --limit 5 > "$T/sg.json"; ok $? "suggest --json"
jq -e 'type == "array" and length > 0 and length <= 5' "$T/sg.json" >/dev/null; ok $? "suggest --limit 5 gives 1 to 5 suggestions"
has_keys "$T/sg.json" '.[]' platform handle name fit reasons; ok $? "suggestions have the spec's keys"
jq -e 'all(.reasons | type == "array" and all(type == "string")) and all(.fit | type == "number")' "$T/sg.json" >/dev/null
ok $? "reasons are lists of strings, fit a number"
ctl suggest --limit 5 > "$T/sg.txt"; ok $? "suggest (text)"
aligned "$T/sg.txt" '^FIT  +PLATFORM  +HANDLE  +NAME  +WHY$'; ok $? "suggest prints an aligned table"
ctl suggest --limit 0 2>/dev/null; is $? 2 "suggest --limit 0 is a usage error"
ctl suggest --limit many 2>/dev/null; is $? 2 "suggest --limit many is a usage error"
ctl suggest extra 2>/dev/null; is $? 2 "suggest with an argument is a usage error"

# dismiss
# Not a Mastodon one: on the fake server their instance is 127.0.0.1, which
# Dismiss (rightly, for real handles) refuses.
p=$(jq -r '[.[] | select(.platform != "mastodon")][0].platform' "$T/sg.json")
h=$(jq -r '[.[] | select(.platform != "mastodon")][0].handle' "$T/sg.json")
ctl dismiss "$p" "$h" > "$T/d.txt"; ok $? "dismiss the first suggestion ($p $h)"
grep -q "^Dismissed $p $h" "$T/d.txt"; ok $? "dismiss says what it did"
ctl --json suggest --limit 100 | jq -e --arg p "$p" --arg h "$h" 'all(.platform != $p or .handle != $h)' >/dev/null
ok $? "a dismissed account is not suggested again"
is "$(ctl --json dismiss x nobody_here | jq -c '[.platform, .handle, .dismissed]')" '["x","nobody_here",true]' "dismiss --json"
ctl dismiss myspace someone 2>"$T/err"; is $? 1 "dismiss on an unknown platform exits 1"
grep -q UnknownPlatform "$T/err"; ok $? "error names UnknownPlatform"
ctl dismiss x 2>/dev/null; is $? 2 "dismiss without a handle is a usage error"

# nudges
ctl --json nudges > "$T/nd.json"; ok $? "nudges --json"
jq -e 'type == "array"' "$T/nd.json" >/dev/null; ok $? "nudges JSON is an array"
has_keys "$T/nd.json" '.[]' mentor_id mentor kind at url message action; ok $? "nudges have every key"
is "$(jq -r '[.[] | select(.kind == "opportunity")][0] | "\(.mentor_id) \(.mentor)"' "$T/nd.json")" "1 Dr One" \
	"an opportunity nudge for Dr One"
ctl nudges > "$T/nd.txt"; ok $? "nudges (text)"
is "$(head -n1 "$T/nd.txt")" "Dr One (mentor 1)" "the mentor with the most pressing nudge comes first"
grep -q '^  opportunity, ' "$T/nd.txt"; ok $? "each nudge names its kind and age"
grep -q '^    → ' "$T/nd.txt"; ok $? "each nudge says what to do"
ctl nudges now 2>/dev/null; is $? 2 "nudges with an argument is a usage error"

# The rest on the real clock, where relative times mean what they say.
stop_daemon; ok $? "stopped"
cp "$T/plain.conf" "$XDG_CONFIG_HOME/mentord/mentord.conf"
unset MENTORD_CLOCK_OFFSET
start_daemon; ok $? "restarted on the real clock, networks unreachable"

# show: by id, by handle, by name prefix; errors
ctl --json show 1 > "$T/s1.json"; ok $? "show by id"
has_keys "$T/s1.json" . id name stage score fit accounts posts event_count last_activity last_contact \
	computed_stage pinned milestones events; ok $? "show JSON: the mentors object, event_count and stage details"
has_keys "$T/s1.json" '.events[]' kind at platform url text; ok $? "show events have kind, at, platform, url, text"
has_keys "$T/s1.json" '.milestones' follow participate establish connected; ok $? "milestones per stage"
is "$(jq -r .name "$T/s1.json")" "Dr One" "show 1 is Dr One"
jq -e '.event_count > 3 and (.events | length) == .event_count' "$T/s1.json" >/dev/null; ok $? "all events listed"
is "$(ctl --json show @doc5.bsky.social | jq -r .id)" 3 "show by handle"
is "$(ctl --json show Carol | jq -r .name)" "Carol Five" "show by name prefix"
is "$(ctl --json show 'Dr One' --events 3 | jq '.events | length')" 3 "show --events 3 lists three"
ctl show Dr 2>"$T/err"; is $? 1 "an ambiguous prefix exits 1"
grep -q 'org.mentord.Error.AmbiguousMentor' "$T/err"; ok $? "error names AmbiguousMentor"
ctl show nobody 2>"$T/err"; is $? 1 "an unknown mentor exits 1"
grep -q 'org.mentord.Error.UnknownMentor' "$T/err"; ok $? "error names UnknownMentor"
ctl show 2>/dev/null; is $? 2 "show without MENTOR is a usage error"
ctl show 1 --events 0 2>/dev/null; is $? 2 "show --events 0 is a usage error"
ctl show 1 2 2>/dev/null; is $? 2 "show with two mentors is a usage error"
ctl show 1 > "$T/s1.txt"; ok $? "show (text)"
is "$(head -n1 "$T/s1.txt")" "Dr One  (mentor 1)" "show starts with the name and id"
grep -q '^Stage  *[a-z]' "$T/s1.txt" && grep -q '^Milestones  *follow ' "$T/s1.txt"; ok $? "stage and milestones shown"
aligned "$T/s1.txt" '^WHEN  +KIND  +PLATFORM  +TEXT$'; ok $? "the timeline is an aligned table"
! grep -q "$(printf '\033')" "$T/s1.txt"; ok $? "no colour when stdout is not a terminal"

# log
ctl log 'Dr Two' meeting --note "coffee at the conference" --when yesterday > "$T/l.txt"
ok $? "log a meeting yesterday"
grep -Eq '^Logged meeting with Dr Two \(event [0-9]+\)$' "$T/l.txt"; ok $? "log names the mentor and the event"
yesterday=$(TZ=UTC date -u -d 'yesterday 12:00' +%Y-%m-%dT%H:%M:%SZ)
ctl --json show 2 > "$T/s2.json"
is "$(jq -r '[.events[] | select(.kind == "meeting" and .text == "coffee at the conference")][0].at' "$T/s2.json")" \
	"$yesterday" "show lists the meeting with its note, at noon yesterday"
ctl --json log 2 email --when 2025-01-15T09:30+01:00 > "$T/l.json"; ok $? "log --json with an explicit time"
jq -e '(.event_id | type) == "number" and .mentor_id == 2 and .kind == "email"' "$T/l.json" >/dev/null
ok $? "log JSON has event_id, mentor_id, kind"
ctl --json show 2 | jq -e '[.events[] | select(.kind == "email")][0].at == "2025-01-15T08:30:00Z"' >/dev/null
ok $? "an explicit zone is honoured"
ctl log 2 call --when 2h >/dev/null; ok $? "log --when 2h"
ctl log 2 party 2>/dev/null; is $? 2 "an unknown kind is a usage error"
for w in 3x 2025-02-30 2025-01-15T25:00 tomorrowish ""; do
	ctl log 2 met --when "$w" 2>/dev/null; is $? 2 "--when '$w' is a usage error"
done
ctl log 2 2>/dev/null; is $? 2 "log without KIND is a usage error"
ctl log 2 met --when 2999-01-01 2>"$T/err"; is $? 1 "a time far ahead is refused by the daemon"
grep -q InvalidArgument "$T/err"; ok $? "error names InvalidArgument"

# why
ctl --json why 'Dr One' > "$T/w.json"; ok $? "why --json"
has_keys "$T/w.json" . stage stage_reason next_step strength fit; ok $? "why JSON has stage, reason, next step, scores"
has_keys "$T/w.json" '.strength.parts[], .fit.parts[]' name points of detail; ok $? "parts have name, points, of, detail"
jq -e '[.strength, .fit] | all(((.parts | map(.points) | add) - .score) | fabs < 0.5)' "$T/w.json" >/dev/null
ok $? "strength and fit parts add up to their scores"
is "$(jq .score "$T/s1.json" | cut -c1-6)" "$(jq .strength.score "$T/w.json" | cut -c1-6)" "why's strength is show's score"
ctl why 'Dr One' > "$T/w.txt"; ok $? "why (text)"
grep -q '^Stage  *[a-z]' "$T/w.txt"; ok $? "why starts with the stage"
aligned "$T/w.txt" '^STRENGTH  +POINTS  +DETAIL$'; ok $? "strength parts in an aligned table"
aligned "$T/w.txt" '^FIT  +POINTS  +DETAIL$'; ok $? "fit parts in an aligned table"
is "$(grep -c '^total ' "$T/w.txt")" 2 "each table ends with its total"
ctl why 2>/dev/null; is $? 2 "why without MENTOR is a usage error"
ctl why nobody 2>/dev/null; is $? 1 "why of an unknown mentor exits 1"

# stage
ctl stage 'Dr Two' dormant > "$T/st.txt"; ok $? "pin Dr Two to dormant"
grep -q '^Dr Two: stage pinned to dormant' "$T/st.txt"; ok $? "stage says what it pinned"
is "$(ctl --json show 2 | jq -r '"\(.stage) \(.pinned) \(.computed_stage != "dormant")"')" "dormant true true" \
	"show: pinned stage, computed stage kept"
is "$(ctl --json stage 2 auto | jq -r '"\(.pinned) \(.stage == .computed_stage)"')" "false true" "auto unpins"
ctl stage 2 famous 2>/dev/null; is $? 2 "an unknown stage is a usage error"
ctl stage 2 2>/dev/null; is $? 2 "stage without STAGE is a usage error"

# link and unlink: the account moves to Dr One and back
before=$(jq .event_count "$T/s1.json")
ctl link 'Dr One' bluesky doc5.bsky.social > "$T/ln.txt"; ok $? "link Carol Five's account to Dr One"
grep -q '^Linked bluesky doc5.bsky.social to Dr One (mentor 1)' "$T/ln.txt"; ok $? "link says what it did"
is "$(ctl --json show 1 | jq -c '[.accounts[] | .platform] | sort')" '["bluesky","mastodon"]' "Dr One has both accounts"
ctl show Carol 2>/dev/null; is $? 1 "the emptied mentor is gone"
ctl --json unlink 1 bluesky doc5.bsky.social > "$T/ul.json"; ok $? "unlink it again"
new=$(jq .new_mentor_id "$T/ul.json")
is "$(ctl --json show 1 | jq -c '[.accounts[] | [.platform, .handle]]')" '[["mastodon","doc1"]]' "Dr One is back to one account"
is "$(ctl --json show 1 | jq .event_count)" "$before" "and to its own events"
is "$(ctl --json show "$new" | jq -c '[.accounts[] | [.platform, .handle]]')" '[["bluesky","doc5.bsky.social"]]' \
	"the unlinked account is mentor $new"
ctl unlink 1 mastodon doc1 2>"$T/err"; is $? 1 "the last account cannot be unlinked"
grep -q InvalidArgument "$T/err"; ok $? "error names InvalidArgument"
ctl link 1 bluesky 2>/dev/null; is $? 2 "link without a handle is a usage error"
ctl unlink 1 2>/dev/null; is $? 2 "unlink without platform and handle is a usage error"

stop_daemon; ok $? "stopped cleanly"
finish
