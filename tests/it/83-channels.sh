#!/bin/sh
# E-mail addresses and LinkedIn profiles as a mentor's accounts (#15): link
# and unlink them, canonical spellings, clear refusals of bad addresses and
# URLs; their events (written here straight into the database, as the
# Maildir source and the LinkedIn import will) move with Link/Unlink and
# count in the ledger; show, why, export (JSON and CSV, formula cells
# guarded) name every event's platform, offline included; the scheduler
# never asks the networks about them, and the log names them at debug
# level only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

DB="$XDG_STATE_HOME/mentord/mentord.db"
ADDR=jane.rivera@uni.edu
PROFILE=https://www.linkedin.com/in/jane-rivera-md

start_bus; ok $? "private bus started"
start_fake --accounts 3 --posts 10; ok $? "fake server"
fake_config
start_daemon; ok $? "mentord up on the fake networks"
ctl follow mastodon doc1 --name "Dr One" >/dev/null && ctl follow mastodon doc2 --name '=HYPERLINK("http://evil.example","Dr Two")' >/dev/null
ok $? "followed two mentors, one named like a formula"
ctl poll --wait >/dev/null; ok $? "polled"
accounts0=$(ctl --json status | jq .accounts)

# link
ctl link 'Dr One' email '  Jane.Rivera@Uni.EDU ' > "$T/l1.txt"; ok $? "link an e-mail address"
grep -q "^Linked email $ADDR to Dr One (mentor 1)" "$T/l1.txt"; ok $? "said back lower-cased and trimmed"
ctl --json link 'Dr One' linkedin 'linkedin.com/in/Jane-Rivera-MD/?trk=public_profile' > "$T/l2.json"; ok $? "link a LinkedIn profile"
is "$(jq -r .handle "$T/l2.json")" "$PROFILE" "the profile URL in its canonical form"
email_id=$(sqlite3 "$DB" "SELECT id FROM accounts WHERE platform = 'email' AND handle = '$ADDR'")
li_id=$(jq .account_id "$T/l2.json")
ok "$([ -n "$email_id" ] && [ "$li_id" -gt 0 ]; echo $?)" "both are rows of accounts ($email_id, $li_id)"
is "$(ctl --json show 1 | jq -c '[.accounts[] | [.platform, .handle]]')" \
	"[[\"email\",\"$ADDR\"],[\"linkedin\",\"$PROFILE\"],[\"mastodon\",\"doc1\"]]" "show lists them with the mentor's accounts"
ctl mentors | grep -q "email:$ADDR linkedin:$PROFILE mastodon:doc1"; ok $? "mentors lists them as email:ADDRESS linkedin:URL"
ctl show 'Dr One' | grep -q "email $ADDR"; ok $? "show (text) lists the address"
ctl link 'Dr One' email JANE.RIVERA@UNI.EDU >/dev/null; ok $? "linking the same address again is a no-op"
is "$(sqlite3 "$DB" "SELECT count(*) FROM accounts WHERE platform = 'email'")" 1 "still one row"
is "$(ctl --json show "$ADDR" | jq .id)" 1 "the address finds its mentor"
ctl show jane.rivera 2>/dev/null; is $? 1 "the address's local part alone does not"

# bad input
ctl link 'Dr One' email not-an-address 2>"$T/err"; is $? 1 "an address without '@' is refused"
grep -q "Invalid e-mail address 'not-an-address': no '@' (org.mentord.Error.InvalidHandle)" "$T/err"
ok $? "with a clear error: $(cat "$T/err")"
ctl link 'Dr One' email 'jane@localhost' 2>"$T/err"; is $? 1 "an address without a dotted domain is refused"
grep -q "the domain has no dot" "$T/err"; ok $? "and says why"
ctl link 'Dr One' email 'Jane <jane@uni.edu>' 2>"$T/err"; is $? 1 "a display name is not an address"
ctl link 'Dr One' linkedin https://www.example.com/in/jane 2>"$T/err"; is $? 1 "a URL of another site is refused"
grep -q "Invalid LinkedIn profile URL 'https://www.example.com/in/jane': not a linkedin.com URL" "$T/err"; ok $? "with a clear error"
ctl link 'Dr One' linkedin https://www.linkedin.com/company/acme 2>"$T/err"; is $? 1 "a company page is refused"
grep -q "not a profile URL" "$T/err"; ok $? "and says why"
ctl link 'Dr One' myspace jane 2>"$T/err"; is $? 1 "an unknown platform is refused"
grep -q "Unknown platform 'myspace' (expected .*, email or linkedin).*UnknownPlatform" "$T/err"; ok $? "naming the channels link takes"
ctl follow email "$ADDR" 2>/dev/null; is $? 1 "an address cannot be followed (it is not a network)"
daemon_alive; ok $? "the daemon is still running"

# events of the channels (as their sources will write them) and by hand
T0=$((FAKE_T0 - 20 * 86400))
sqlite3 "$DB" "INSERT INTO events(mentor_id, account_id, kind, at, platform, note, dedupe) VALUES
	(1, $email_id, 'my_email', $T0, 'email', '-3 kg: my question', 'email:<a1@uni.edu>:$email_id'),
	(1, $email_id, 'email_to_me', $((T0 + 3600)), 'email', '@here Re: my question', 'email:<b1@uni.edu>:$email_id'),
	(1, $li_id, 'connection', $((T0 + 7200)), 'linkedin', NULL, 'linkedin:conn:$li_id')"
ok $? "three channel events written under the two accounts"
ctl log 'Dr One' meeting --note '+1 for the poster' >/dev/null; ok $? "a meeting logged by hand"
# Unlink and link again: the events move away and back, and each move
# rebuilds both mentors' aggregates from their events.
ctl --json unlink 'Dr One' email "$ADDR" > "$T/ul.json"; ok $? "unlink the address"
new=$(jq .new_mentor_id "$T/ul.json")
is "$(ctl --json show "$new" | jq -c '[.accounts[] | [.platform, .handle]], [.events[] | [.kind, .platform]]')" \
	"$(printf '[["email","%s"]]\n[["email_to_me","email"],["my_email","email"]]' "$ADDR")" \
	"it is mentor $new now, with its two e-mails"
ctl show 'Dr One' --events 50 | grep -c ' email ' | grep -qx 0; ok $? "Dr One has no e-mail event left"
is "$(ctl --json nudges | jq -c "[.[] | select(.mentor_id == $new) | .kind]")" '["unanswered_email"]' \
	"their e-mail, unanswered for 20 days, is a nudge"
ctl nudges | grep -q "e-mailed you 3 weeks ago and you have not answered"; ok $? "which says so"
ctl link 'Dr One' email "$ADDR" >/dev/null; ok $? "link it back"
ctl show "$new" 2>/dev/null; is $? 1 "the emptied mentor is gone"

ctl --json show 1 --events 100 > "$T/s.json"; ok $? "show --json"
is "$(jq -c '[.events[] | select(.kind != "post" and .kind != "follow_of_me" and .kind != "reply_to_me" and .kind != "mention_of_me" and .kind != "like_of_mine" and .kind != "repost_of_mine" and .kind != "quote_of_mine") | [.kind, .platform]] | sort' "$T/s.json")" \
	'[["connection","linkedin"],["email_to_me","email"],["meeting","offline"],["my_email","email"]]' \
	"show: each event's platform, offline for the hand-logged one"
jq -e '[.events[].platform] | all(. == "mastodon" or . == "email" or . == "linkedin" or . == "offline")' "$T/s.json" >/dev/null
ok $? "every platform is one of the names"
jq -e '[.events[] | select(.kind == "email_to_me")][0].text == "@here Re: my question"' "$T/s.json" >/dev/null
ok $? "an e-mail's subject is its text"
ctl show 'Dr One' --events 100 > "$T/s.txt"
grep -Eq 'meeting +offline +\+1 for the poster' "$T/s.txt"; ok $? "show (text): offline in the platform column"
grep -Eq 'email_to_me +email +@here Re: my question' "$T/s.txt"; ok $? "show (text): email in the platform column"
grep -Eq 'connection +linkedin' "$T/s.txt"; ok $? "show (text): linkedin in the platform column"

# why: the channels are named, and they count
ctl --json why 'Dr One' > "$T/w.json"; ok $? "why --json"
jq -e '.strength.parts[] | select(.name == "networks") | .detail | test("mastodon") and test("email") and test("linkedin")' "$T/w.json" >/dev/null
ok $? "why names the channels: $(jq -r '.strength.parts[] | select(.name == "networks") | .detail' "$T/w.json")"
jq -e '.strength.parts[] | select(.name == "private") | .points > 0' "$T/w.json" >/dev/null
ok $? "an e-mail from the mentor and the meeting count as private contact"
ctl why 'Dr One' | grep -q 'channels: .*email'; ok $? "why (text) names them too"

# export: JSON
ctl export > "$T/e.json"; ok $? "export"
is "$(jq -c '[.events[] | select(.mentor_id == 1 and (.kind == "my_email" or .kind == "connection" or .kind == "meeting")) | [.kind, .platform, .handle]]' "$T/e.json")" \
	"[[\"my_email\",\"email\",\"$ADDR\"],[\"connection\",\"linkedin\",\"$PROFILE\"],[\"meeting\",\"offline\",null]]" \
	"export: platform and handle of each channel's event, offline for the meeting"
jq -e '[.events[].platform] | all(. != null and . != "")' "$T/e.json" >/dev/null; ok $? "no event without a platform"
is "$(jq .version "$T/e.json")" 2 "the document's version says so (2)"

# export: CSV with formula cells guarded (OWASP)
ctl export --format csv > "$T/e.csv"; ok $? "export --format csv"
grep -q "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Dr Two\"\")\"" "$T/e.csv"; ok $? "a mentor named like a formula: quoted, with a leading '"
grep -q ",\"'-3 kg: my question\"" "$T/e.csv"; ok $? "a subject starting with - is guarded"
grep -q ",\"'@here Re: my question\"" "$T/e.csv"; ok $? "a subject starting with @ is guarded"
grep -q ",\"'+1 for the poster\"" "$T/e.csv"; ok $? "a note starting with + is guarded"
grep -q ",email,$ADDR,," "$T/e.csv"; ok $? "the e-mail's platform and address"
grep -q ",offline,,," "$T/e.csv"; ok $? "offline for the meeting"
# No cell of the file starts a formula: parse it and look.
python3 -c 'import csv, sys
bad = [c for r in csv.reader(open(sys.argv[1], newline="", encoding="utf-8"), strict=True) for c in r if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
sys.exit(1 if bad else 0)' "$T/e.csv"
ok $? "no cell starts with = + - @ TAB or CR"
# The guarded cells read back as the JSON values with the quote in front.
python3 -c 'import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8"), strict=True))
head, rows = rows[0], rows[1:]
ev = json.load(open(sys.argv[2]))["events"]
g = lambda v: "" if v is None else ("\x27" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v)
want = [[str(e["id"]), str(e["mentor_id"]), g(e["mentor"]), e["kind"], e["at"], e["platform"], g(e["handle"]), g(e["url"]), g(e["text"]), g(e["note"])] for e in ev]
sys.exit(0 if rows == want else 1)' "$T/e.csv" "$T/e.json"
ok $? "every CSV row equals the JSON event, guarded cells with their quote"

# the scheduler never asks about them; the log keeps them at debug level
ctl poll --wait >/dev/null; ok $? "polled again"
is "$(ctl --json status | jq .accounts)" "$accounts0" "status counts the networks' accounts only"
is "$(sqlite3 "$DB" "SELECT count(*) FROM cursors WHERE target LIKE '%rivera%' OR platform IN ('email', 'linkedin')")" 0 \
	"no cursor for an address or a profile"
is "$(sqlite3 "$DB" "SELECT count(*) FROM backfill WHERE target LIKE '%rivera%' OR platform IN ('email', 'linkedin')")" 0 \
	"no back-fill target either"
is "$(grep -v '^<7>' "$T/daemon.log" | grep -ci 'rivera')" 0 "the address and profile appear in the log at debug level only"

# unlinking the only account keeps today's rule
ctl --json unlink 'Dr One' linkedin "$PROFILE" > "$T/ul2.json"; ok $? "unlink the profile"
lone=$(jq .new_mentor_id "$T/ul2.json")
is "$(ctl --json show "$lone" | jq -c '[.events[] | [.kind, .platform]]')" '[["connection","linkedin"]]' "its connection went with it"
ctl unlink "$lone" linkedin "$PROFILE" 2>"$T/err"; is $? 1 "the only account of a mentor cannot be unlinked"
grep -q "only account" "$T/err"; ok $? "error says so"

stop_daemon; ok $? "stopped cleanly"
finish
