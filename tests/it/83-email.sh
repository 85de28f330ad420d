#!/bin/sh
# The e-mail source (#15): a generated Maildir (tests/tools/mkmaildir, which
# prints the counts mentord must reach) read through [email]; exact events
# per kind after the first scan; a rename new/ -> cur/ adds nothing; new mail
# seen through inotify; a deleted file changes no count; linking a second
# address back-fills its events; suggest --links proposes it; kill -9 during
# the first scan of a larger Maildir, then exact counts after the restart;
# subjects = no keeps none; a bad maildir path is logged and survived;
# without inotify (a preloaded shim), timed walks still find new mail.
# Waits poll the status (no fixed sleeps as assertions).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

DB="$XDG_STATE_HOME/mentord/mentord.db"
MKMAILDIR="$SRC/$BUILD/tests/mkmaildir"
case "$BUILD" in /*) MKMAILDIR="$BUILD/tests/mkmaildir";; esac
CONF="$XDG_CONFIG_HOME/mentord/mentord.conf"

expect() {  # expect FILE ADDRESS KIND — the generator's count
	awk -v a="$2" -v k="$3" '$1 == "count" && $2 == a && $3 == k { print $4 }' "$1"
}
total() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
email_status() { ctl --json status | jq -r ".platforms[] | select(.platform == \"email\") | $1"; }
# wait_email JQ-CONDITION — polls the status until it holds (up to ~120 s).
wait_email() {
	i=0
	while [ $i -lt 1200 ]; do
		v=$(ctl --json status 2>/dev/null | jq -r "[.platforms[] | select(.platform == \"email\") | $1] | first") || return 1
		[ "$v" = true ] && return 0
		daemon_alive || return 1
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
# jane_writes ID DATE SUBJECT — a message from Jane to the user, delivered
# the Maildir way (written in tmp/, then moved into new/); Message-ID <ID.1@hospital.org>.
jane_writes() {
	printf 'From: Jane Roe <jane.roe@hospital.org>\nTo: trainee@uni.edu\nDate: %s\nMessage-ID: <%s.1@hospital.org>\nSubject: %s\n\nBody.\n' \
		"$2" "$1" "$3" > "$HOME/Mail/INBOX/tmp/$1"
	mv "$HOME/Mail/INBOX/tmp/$1" "$HOME/Mail/INBOX/new/1790000000.M1P1.$1"
}
events() {  # events DB ACCOUNT KIND
	sqlite3 "$1" "SELECT count(*) FROM events WHERE platform = 'email' AND account_id = $2 AND kind = '$3'"
}
account() { sqlite3 "$1" "SELECT id FROM accounts WHERE platform = 'email' AND handle = '$2'"; }

start_bus; ok $? "private bus started"
start_fake --accounts 2 --posts 5; ok $? "fake server"
fake_config
"$MKMAILDIR" "$HOME/Mail" --seed 11 --count 600 > "$T/expect"; ok $? "a Maildir of 600 generated messages"
diag "$(tr '\n' ' ' < "$T/expect")"
start_daemon; ok $? "mentord up, no [email] yet"
is "$(email_status .state)" disabled "status lists email, disabled"
ctl follow mastodon doc1 --name "Jane Roe" >/dev/null && ctl follow mastodon doc2 --name "Max Mentor" >/dev/null
ok $? "followed two mentors"
ctl link 'Jane Roe' email jane.roe@hospital.org >/dev/null && ctl link 'Max Mentor' email max.mentor@clinic.example >/dev/null
ok $? "linked an address to each"
JANE=$(account "$DB" jane.roe@hospital.org); MAX=$(account "$DB" max.mentor@clinic.example)

cat >> "$CONF" <<'CONF'
[email]
maildir = ~/Mail
me = trainee@uni.edu, T.K@gmail.com
CONF
"$MENTORCTL" --json watch > "$T/watch" 2>"$T/watch.err" &
W=$!
ctl reload >/dev/null; ok $? "reload with [email]: the scan starts"
files=$(total "$T/expect" files); messages=$(total "$T/expect" messages)
wait_email ".state == \"watching\" and .files == $files"; ok $? "first scan done: $files files"
is "$(email_status .messages)" "$messages" "messages involving the user: $messages"
is "$(email_status .folders)" 3 "three Maildir folders watched"
is "$(email_status .last_error)" null "no error"
for k in my_email email_to_me; do
	is "$(events "$DB" "$JANE" $k)" "$(expect "$T/expect" jane.roe@hospital.org $k)" "Jane's $k events"
	is "$(events "$DB" "$MAX" $k)" "$(expect "$T/expect" max.mentor@clinic.example $k)" "Max's $k events"
done
is "$(sqlite3 "$DB" "SELECT count(*) FROM events WHERE platform = 'email' AND (account_id IS NULL OR account_id NOT IN ($JANE, $MAX))")" 0 \
	"no events for addresses not linked"
is "$(sqlite3 "$DB" "SELECT count(*) FROM events WHERE platform = 'email' AND dedupe NOT LIKE 'email:%:' || account_id")" 0 \
	"dedupe is email:<message-id>:<account id>"
ok "$([ "$(sqlite3 "$DB" "SELECT count(*) FROM mail_messages WHERE subject IS NOT NULL")" -gt 0 ]; echo $?)" "subjects kept"
is "$(sqlite3 "$DB" "SELECT count(*) FROM mail_messages WHERE subject LIKE '%=?%'")" 0 "subjects decoded"
ctl --json show 'Jane Roe' > "$T/show.json"; ok $? "show Jane"
ok "$(jq -e '[.events[]? // .timeline[]? | select(.platform == "email")] | length > 0' "$T/show.json" >/dev/null; echo $?)" \
	"show gives her e-mail events, platform email"
j_in=$(events "$DB" "$JANE" email_to_me); j_out=$(events "$DB" "$JANE" my_email)

# a client marks a message read: new/x -> cur/x:2,S
f=$(ls "$HOME/Mail/INBOX/new" | head -n 1)
mv "$HOME/Mail/INBOX/new/$f" "$HOME/Mail/INBOX/cur/$f:2,S"; ok $? "renamed new/$f to cur/"
# new mail from Jane, delivered the Maildir way (tmp/ then new/)
jane_writes arrival "Mon, 14 Sep 2026 09:00:00 +0000" "New mail while running"
wait_email ".files == $((files + 1))"; ok $? "the new file is seen (inotify), the renamed one is not read again"
is "$(events "$DB" "$JANE" email_to_me)" $((j_in + 1)) "one new email_to_me for Jane"
is "$(events "$DB" "$JANE" my_email)" "$j_out" "her my_email unchanged"
i=0; until grep -q '"kind":"email_to_me"' "$T/watch" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
grep MentorActivity "$T/watch" > "$T/act"
is "$(jq -s -c 'map([.kind, .platform, .mentor])' "$T/act")" '[["email_to_me","email","Jane Roe"]]' \
	"the new mail is announced (MentorActivity), what the scan found is not"
kill -INT $W; wait $W
is "$(sqlite3 "$DB" "SELECT note FROM events WHERE dedupe = 'email:arrival.1@hospital.org:$JANE'")" "New mail while running" \
	"its note is the subject"

# a deleted file: forgotten, its message and events stay
g=$(grep -l 'arrival.1@hospital.org' "$HOME/Mail/INBOX/new/"*)
rm "$g"; ok $? "deleted the new message's file"
wait_email ".files == $files"; ok $? "the file row is forgotten"
is "$(events "$DB" "$JANE" email_to_me)" $((j_in + 1)) "its event stays"
is "$(email_status .messages)" $((messages + 1)) "its message stays"

# suggest --links: jroe@gmail.com wrote as "Jane Roe"
ctl --json suggest --links > "$T/links.json"; ok $? "suggest --links"
is "$(jq -r '[.[] | select(.link_platform == "email")] | map("\(.mentor)|\(.link_handle)") | join(",")' "$T/links.json")" \
	"Jane Roe|jroe@gmail.com" "proposes jroe@gmail.com for Jane Roe (name match), nothing else"
is "$(account "$DB" jroe@gmail.com)" "" "but does not link it by itself"
# link her second address after the scan: back-filled
ctl link 'Jane Roe' email JRoe@Gmail.com >/dev/null; ok $? "linked Jane's second address"
JROE=$(account "$DB" jroe@gmail.com)
for k in my_email email_to_me; do
	is "$(events "$DB" "$JROE" $k)" "$(expect "$T/expect" jroe@gmail.com $k)" "back-filled $k events of jroe@gmail.com"
done
ctl --json suggest --links | jq -e '[.[] | select(.link_platform == "email")] | length == 0' >/dev/null
ok $? "once linked, no longer proposed"

# privacy: addresses and subjects at debug level only
grep -v '^<7>' "$T/daemon.log" | grep -E 'hospital\.org|gmail\.com|uni\.edu|clinic\.example|New mail while' > "$T/leak"
is "$(wc -l < "$T/leak")" 0 "no address or subject above debug level"

# a bad maildir path: a clear line, the daemon keeps running
sed -i 's|^maildir = ~/Mail$|maildir = ~/Mail, ~/NoSuchMail|' "$CONF"
ctl reload >/dev/null; ok $? "reload with a maildir that does not exist"
wait_email ".state == \"watching\" and (.last_error // \"\" | contains(\"NoSuchMail\"))"; ok $? "status names it"
grep -q "email: maildir $HOME/NoSuchMail: No such file or directory; skipped" "$T/daemon.log"; ok $? "so does the log"
is "$(email_status .files)" "$files" "the good root's files are not read again"
is "$(events "$DB" "$JANE" email_to_me)" $((j_in + 1)) "no event doubled"
daemon_alive; ok $? "the daemon keeps running"
# subjects = no applies to what was kept before
echo 'subjects = no' >> "$CONF"
ctl reload >/dev/null; ok $? "reload with subjects = no"
is "$(sqlite3 "$DB" "SELECT count(*) FROM mail_messages WHERE subject IS NOT NULL")" 0 "the subjects kept before are dropped"
is "$(sqlite3 "$DB" "SELECT count(*) FROM events WHERE platform = 'email' AND note IS NOT NULL")" 0 "... and the e-mail events' notes"
sed -i '/^subjects = no$/d' "$CONF"
stop_daemon; ok $? "stopped"

# Without inotify (other programs hold every instance of the user's
# fs.inotify.max_user_instances; here a preloaded shim makes inotify_init1
# fail with EMFILE): status and log say so, and the folders are walked again
# every 120 s of the daemon's clock (scaled x60 here: 2 s).
NOINOTIFY="$SRC/$BUILD/tests/noinotify.so"; case "$BUILD" in /*) NOINOTIFY="$BUILD/tests/noinotify.so";; esac
sed -i 's|^maildir = .*$|maildir = ~/Mail|' "$CONF"
saved_asan=${ASAN_OPTIONS:-}
export LD_PRELOAD="$NOINOTIFY" MENTORD_CLOCK_SCALE=60 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
start_daemon; r=$?
unset LD_PRELOAD MENTORD_CLOCK_SCALE; ASAN_OPTIONS=$saved_asan; [ -n "$saved_asan" ] || unset ASAN_OPTIONS
ok $r "mentord up without inotify"
wait_email ".state == \"watching\" and .files == $files"; ok $? "the scan finds nothing new"
is "$(email_status .last_error)" "inotify unavailable: new mail is found by a walk every 120 s" "status says why new mail comes late"
grep -q 'email: inotify unavailable (Too many open files): the folders are walked again every 120 s instead' "$T/daemon.log"
ok $? "... and so does the log"
jane_writes late "Tue, 15 Sep 2026 09:00:00 +0000" "Mail while nobody watches"
wait_email ".files == $((files + 1))"; ok $? "new mail is found by the next walk"
is "$(events "$DB" "$JANE" email_to_me)" $((j_in + 2)) "one more email_to_me for Jane, once"
stop_daemon; ok $? "stopped"

# kill -9 during the first scan of a bigger Maildir, subjects = no
"$MKMAILDIR" "$HOME/Big" --seed 5 --count 20000 --flat > "$T/big"; ok $? "a Maildir of 20000 messages"
BIG="$T/big.db"
sed -i 's|^maildir = .*$|maildir =|' "$CONF"
start_daemon --db "$BIG"; ok $? "mentord on a new database"
ctl follow mastodon doc1 --name "Jane Roe" >/dev/null && ctl link 'Jane Roe' email jane.roe@hospital.org >/dev/null &&
	ctl link 'Jane Roe' email jroe@gmail.com >/dev/null; ok $? "Jane with both addresses"
sed -i 's|^maildir =.*$|maildir = ~/Big|' "$CONF"
echo 'subjects = no' >> "$CONF"
n0=$(($(wc -l < "$T/daemon.log") + 1))
ctl reload >/dev/null; ok $? "reload: scan the big Maildir"
# The first committed batch (a debug line) is the moment to kill.
i=0
until tail -n "+$n0" "$T/daemon.log" | grep -q 'email: batch of' || [ $i -ge 20000 ]; do i=$((i + 1)); done
tail -n "+$n0" "$T/daemon.log" | grep -q 'email: batch of'; ok $? "the scan is under way"
kill -9 "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=
partial=$(sqlite3 "$BIG" "SELECT count(*) FROM mail_files"); bfiles=$(total "$T/big" files)
diag "killed with $partial of $bfiles files read"
start_daemon --db "$BIG"; ok $? "restarted"
wait_email ".state == \"watching\" and .files == $bfiles"; ok $? "the scan finished: $bfiles files"
is "$(sqlite3 "$BIG" "SELECT count(*) FROM mail_messages")" "$(total "$T/big" messages)" "every message once"
for a in jane.roe@hospital.org jroe@gmail.com; do
	id=$(account "$BIG" $a)
	for k in my_email email_to_me; do
		is "$(events "$BIG" "$id" $k)" "$(expect "$T/big" $a $k)" "$a: exact $k count after kill -9"
	done
done
is "$(sqlite3 "$BIG" "SELECT count(*) FROM mail_messages WHERE subject IS NOT NULL")" 0 "subjects = no: no subject stored"
is "$(sqlite3 "$BIG" "SELECT count(*) FROM events WHERE platform = 'email' AND note IS NOT NULL")" 0 "... nor in event notes"
stop_daemon; ok $? "stopped cleanly"
finish
