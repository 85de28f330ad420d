#!/bin/sh
# mentorctl import linkedin end to end: synthetic exports (tests/tools/
# mklinkedin), a mentor whose LinkedIn profile is linked, exact events per
# kind in show and export, a re-import that adds nothing, a newer export
# that adds only what is new, bad archives that change nothing, a link
# after the import that back-fills, proposals in suggest --links, and no
# message content anywhere in the database.
. "$(dirname "$0")/lib.sh"

DB="$XDG_STATE_HOME/mentord/mentord.db"
MK="$SRC/$BUILD/tests/mklinkedin"
ADA=https://www.linkedin.com/in/ada-mentor
BOB=https://www.linkedin.com/in/bob-builder
for v in base newer truncated notzip nomessages nocolumn; do
	"$MK" "$T/$v.zip" "$v" || { ok 1 "mklinkedin $v"; finish; }
done
ok 0 "synthetic exports written"

# link MENTOR URL — the LinkedIn profile as an account of the mentor.
link() { ctl link "$1" linkedin "$2" >/dev/null; }  # link MENTOR URL
kinds() {  # kinds MENTOR — "connection=N dm_to_me=N my_dm=N" from show --json
	ctl --json show "$1" --events 500 |
		jq -r '[.events[] | select(.platform == "linkedin") | .kind] | group_by(.) | map("\(.[0])=\(length)") | join(" ")'
}
dbsum() { sqlite3 "$DB" "SELECT (SELECT count(*) FROM linkedin_people), (SELECT count(*) FROM linkedin_messages), (SELECT count(*) FROM events), (SELECT group_concat(ledger, '|') FROM mentors)"; }

start_bus; ok $? "private bus started"
start_daemon; ok $? "mentord up"
ctl follow mastodon ada@med.example --name "Ada Mentor" >/dev/null &&
	ctl follow mastodon grace@navy.example --name "Grace Hopper" >/dev/null
ok $? "followed Ada Mentor and Grace Hopper"
link "Ada" "https://www.linkedin.com/in/Ada-Mentor/?trk=profile"; ok $? "linked Ada's LinkedIn profile (URL normalised)"

ctl import linkedin "$T/base.zip" --dry-run > "$T/dry.txt"; ok $? "a dry run reads the export"
grep -q "3 connections, 4 one-to-one messages (4 other" "$T/dry.txt"; ok $? "dry run: 3 connections, 4 messages, 4 skipped"
is "$(sqlite3 "$DB" 'SELECT count(*) FROM linkedin_people')" 0 "a dry run sends nothing"

ctl --json import linkedin "$T/base.zip" > "$T/i1.json"; ok $? "import linkedin base.zip"
is "$(jq -c '[.connections.new, .messages.new, .events, .mentors, .emails_linked, .name_proposals, .email_proposals]' "$T/i1.json")" \
	"[3,4,4,1,1,1,0]" "3 connections, 4 messages, 4 events for 1 mentor, Ada's address linked, Grace proposed"
is "$(sqlite3 "$DB" "SELECT a.handle FROM accounts a JOIN mentors m ON m.id = a.mentor_id WHERE a.platform = 'email' AND m.name = 'Ada Mentor'")" \
	"ada.mentor@hospital.example" "Ada's e-mail address from Connections.csv is an account of hers"
ctl --json show Ada | jq -e '.accounts | map(.platform) | index("email") != null' >/dev/null
ok $? "show lists the address among Ada's accounts"
is "$(jq -r .me "$T/i1.json")" "https://www.linkedin.com/in/trainee-me" "the user's own profile is worked out"
is "$(kinds Ada)" "connection=1 dm_to_me=1 my_dm=2" "Ada: a connection, 2 DMs from me, 1 from her"
ctl --json export > "$T/ex.json"; ok $? "export"
is "$(jq -r '[.events[] | select(.platform == "linkedin") | .kind] | group_by(.) | map("\(.[0])=\(length)") | join(" ")' "$T/ex.json")" \
	"connection=1 dm_to_me=1 my_dm=2" "export has the 4 LinkedIn events, platform linkedin"
is "$(sqlite3 "$DB" "SELECT at FROM events WHERE kind = 'connection'")" 1682985600 "connected on 02 May 2023"

before=$(dbsum)
ctl --json import linkedin "$T/base.zip" > "$T/i2.json"; ok $? "the same export again"
is "$(jq -c '[.connections.new, .messages.new, .events, .mentors, .emails_linked]' "$T/i2.json")" "[0,0,0,0,0]" "re-import adds nothing"
is "$(dbsum)" "$before" "re-import leaves the database as it was"

ctl --json import linkedin "$T/newer.zip" > "$T/i3.json"; ok $? "a newer export"
is "$(jq -c '[.connections.new, .messages.new, .events, .mentors]' "$T/i3.json")" "[1,2,2,1]" \
	"newer export: only Carl and the 2 new messages with Ada"
is "$(kinds Ada)" "connection=1 dm_to_me=2 my_dm=3" "Ada: 2 DMs from her, 3 from me now"

before=$(dbsum)
for v in truncated notzip nomessages nocolumn; do
	ctl import linkedin "$T/$v.zip" 2> "$T/$v.err"; is $? 2 "$v: a usage error (exit 2)"
	grep -q "mentorctl import: $T/$v.zip: " "$T/$v.err"; ok $? "$v: the error names the file: $(head -c 160 "$T/$v.err")"
done
grep -q "damaged or truncated" "$T/truncated.err"; ok $? "truncated: said so"
grep -q "not a ZIP" "$T/notzip.err"; ok $? "not a zip: said so"
grep -q "no messages.csv" "$T/nomessages.err"; ok $? "missing messages.csv: said so"
grep -q "messages.csv: .*'DATE'" "$T/nocolumn.err"; ok $? "missing column: names the file and the column"
ctl import linkedin "$T/none.zip" 2>/dev/null; is $? 2 "a missing file: exit 2"
is "$(dbsum)" "$before" "bad archives change nothing"

# Link after the import: the stored rows back-fill Bob's events.
ctl follow mastodon bob@acme.example --name "Bob Builder" >/dev/null; ok $? "followed Bob"
link "Bob" "$BOB"; ok $? "linked Bob's profile after the import"
is "$(kinds Bob)" "connection=1 my_dm=1" "Bob's connection and my DM back-filled"

ctl --json suggest --links > "$T/links.json"; ok $? "suggest --links"
is "$(jq -c '[.[] | select(.link_platform == "linkedin") | [.mentor, .link_handle]]' "$T/links.json")" \
	'[["Grace Hopper","https://www.linkedin.com/in/grace-h"]]' "Grace proposed by name, never linked by itself"
is "$(jq -c '[.[] | select(.link_platform == "email")] | length' "$T/links.json")" 0 \
	"no e-mail proposal: Ada's address is linked already"
is "$(sqlite3 "$DB" "SELECT count(*) FROM accounts WHERE handle LIKE '%grace-h%'")" 0 "Grace's profile is not an account"

# Content never stored (the WAL included).
ctl poll >/dev/null 2>&1
grep -rqa ZEBRAQUAGGA "$XDG_STATE_HOME/mentord"; is $? 1 "no message content in the database files"
grep -rqa "Interventional" "$XDG_STATE_HOME/mentord"; is $? 0 "(the positions are: the grep works)"

# Bad bus arguments.
busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 ImportLinkedIn \
	'a(ssssssx)a(ssbx)' 1 "http://evil.example/in/x" a b "" c d 1682985600 0 2> "$T/bad.err"
grep -q "InvalidArgument\|connections\[0\]" "$T/bad.err"; ok $? "a bad profile URL on the bus: InvalidArgument"
busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 ImportLinkedIn \
	'a(ssssssx)a(ssbx)' 0 1 "k 1" "$ADA" true 1700000000 2> "$T/bad2.err"
grep -q "messages\[0\]" "$T/bad2.err"; ok $? "a key with a blank: InvalidArgument"
daemon_alive; ok $? "mentord still running"

stop_daemon; ok $? "mentord stopped cleanly"
finish
