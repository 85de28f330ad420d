#!/bin/sh
# Guarding the user's name (issue 16 item 6): a post that mentions, quotes or
# replies to the user goes through the draft check. A flagged one gives one
# critical desktop notification (link, findings, the network's actions), a
# tagged_risk nudge and a tagged_risk event in the poster's ledger; a clean
# mention does nothing of the kind, and polling again notifies nothing new.
# Mastodon, Bluesky and X; mentors and a stranger.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

NLOG="$T/notify.log"; : > "$NLOG"
FAKENOTIFY="$SRC/$BUILD/tests/fakenotify"; case "$BUILD" in /*) FAKENOTIFY="$BUILD/tests/fakenotify";; esac
SUMMARY="You were tagged in a post that may harm your professional standing"
PHI="Our patient John Smith, MRN 84471932, DOB 03/14/1951, still in bed 12 after the fall"
PHI2="Saw Mrs. Mary Jones, MRN 55120987, DOB 07/22/1948 at 14 Elm Street today"

start_notify() {
	"$FAKENOTIFY" "$NLOG" 2>>"$T/fakenotify.err" &
	NOTIFY_PID=$!
	i=0
	while ! busctl --user status org.freedesktop.Notifications >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 200 ] || return 1; sleep 0.05
	done
}
# tagged — how many tagged-risk notifications were sent.
tagged() { jq -s '[.[] | select(.category == "x-mentord.tagged")] | length' "$NLOG"; }
# wait_tagged N — until N were sent (or 30 s pass).
wait_tagged() {
	i=0
	while [ "$(tagged)" -lt "$1" ]; do
		i=$((i + 1)); [ $i -lt 600 ] || return 1; sleep 0.05
	done
}
# settle — lets a coalescing window (1 s) and a flush pass.
settle() { sleep 1.6; }
last_tagged() { jq -s -c '[.[] | select(.category == "x-mentord.tagged")] | last' "$NLOG"; }
add() {  # add NETWORK ACCOUNT KIND TEXT
	fake_post /_fake/add_posts "{\"network\":\"$1\",\"account\":\"$2\",\"count\":1,\"kind\":\"$3\",\"text\":\"$4\"}"
}

start_bus; ok $? "private bus started"
start_fake --accounts 6 --posts 3; ok $? "fake API server"
start_notify; ok $? "fake notification server"
fake_config "notify_coalesce = 1s
notify_mentor_gap = 0
notify_posts = no"
start_daemon; ok $? "mentord up"
ctl follow mastodon doc1 --name "Dr One" >/dev/null && ctl follow bluesky doc2.bsky.social --name "Dr Two" >/dev/null &&
	ctl poll --wait >/dev/null
ok $? "followed doc1 on Mastodon, doc2 on Bluesky, first sync"
settle

# A clean mention: the check runs and finds nothing.
add mastodon doc1 mention_me "Great cardiology journal club tonight, thanks for presenting"
ctl poll --wait >/dev/null; settle
is "$(tagged)" 0 "a clean mention: no tagged-risk notification"
ctl --json show "Dr One" > "$T/show0"
is "$(jq '[.events[] | select(.kind == "tagged_risk")] | length' "$T/show0")" 0 "... and no tagged_risk event"
jq -e '[.events[] | select(.kind == "mention_of_me")] | length >= 1' "$T/show0" >/dev/null
ok $? "... while the mention itself is in the ledger"

# A mention that identifies a patient, on Mastodon.
add mastodon doc1 mention_me "$PHI"
ctl poll --wait >/dev/null
wait_tagged 1; ok $? "a mention identifying a patient: a notification"
n=$(last_tagged)
printf '%s\n' "$n" | jq -e --arg s "$SUMMARY" '.summary == $s and .urgency == 2' >/dev/null
ok $? "... \"$SUMMARY\", critical"
ctl --json show "Dr One" > "$T/show1"
url=$(jq -r '[.events[] | select(.kind == "tagged_risk")][0].url' "$T/show1")
is "$(jq '[.events[] | select(.kind == "tagged_risk")] | length' "$T/show1")" 1 "a tagged_risk event in Dr One's ledger"
ok "$(case "$url" in http*) echo 0;; *) echo 1;; esac)" "... with the post's URL ($url)"
printf '%s\n' "$n" | jq -e --arg u "$url" '(.body | contains($u)) and .actions[0] == "default"' >/dev/null
ok $? "... the notification carries the post's link and opens it"
printf '%s\n' "$n" | jq -e '.body | test("block: ") and test("Dr One") and test("Mastodon")' >/dev/null
ok $? "... the findings and who posted it where"
printf '%s\n' "$n" | jq -e '.body | test("report it") and test("mute or block")' >/dev/null
ok $? "... and what Mastodon offers (report, mute or block, reply)"
ctl --json nudges > "$T/nudges"
jq -e --arg u "$url" '[.[] | select(.kind == "tagged_risk" and .mentor == "Dr One" and .url == $u)] | length == 1' \
	"$T/nudges" >/dev/null
ok $? "a tagged_risk nudge for Dr One with the post's URL"
ctl nudges | grep -q "tagged_risk"; ok $? "... shown by mentorctl nudges"
stage_of() { jq -r '[.. | objects | select(has("computed_stage"))][0] | "\(.stage) \(.computed_stage)"' "$1"; }
ok "$([ -n "$(stage_of "$T/show0")" ] && [ "$(stage_of "$T/show1")" = "$(stage_of "$T/show0")" ] && echo 0 || echo 1)" \
	"the risk is no contact: Dr One's stage is unchanged ($(stage_of "$T/show1"); the score moves with the mention itself)"

# Polling again finds nothing new to say.
ctl poll --wait >/dev/null; settle
is "$(tagged)" 1 "a second poll: no second notification"

# Bluesky: a quote of the user's post that identifies a patient.
add bluesky doc2 quote_me "$PHI2"
ctl poll --wait >/dev/null
wait_tagged 2; ok $? "a Bluesky quote identifying a patient: a notification"
last_tagged | jq -e '.body | test("Bluesky") and test("detach your post") and test("hide the reply")' >/dev/null
ok $? "... naming what Bluesky offers (detach quote, hide reply, report)"
ctl --json show "Dr Two" > "$T/show2"
is "$(jq '[.events[] | select(.kind == "tagged_risk" and .platform == "bluesky")] | length' "$T/show2")" 1 \
	"a tagged_risk event in Dr Two's ledger"

# X: a mentor's reply to the user that identifies a patient.
ctl follow x doc3 --name "Dr Three" >/dev/null && ctl poll --wait >/dev/null
ok $? "followed doc3 on X"
settle
add x doc3 reply_me "$PHI"
ctl poll --wait >/dev/null
wait_tagged 3; ok $? "an X reply identifying a patient: a notification"
last_tagged | jq -e '.body | test("On X") and test("Leave this conversation") and test("hide the reply")' >/dev/null
ok $? "... naming what X offers (leave the conversation, hide reply, report)"
ctl --json show "Dr Three" > "$T/show3"
is "$(jq '[.events[] | select(.kind == "tagged_risk" and .platform == "x")] | length' "$T/show3")" 1 \
	"a tagged_risk event in Dr Three's ledger"

# A stranger (not followed) mentions the user with a patient's details.
add mastodon doc5 mention_me "$PHI2"
ctl poll --wait >/dev/null
wait_tagged 4; ok $? "a stranger's mention identifying a patient: a notification"
last_tagged | jq -e '.body | test("doc5")' >/dev/null; ok $? "... naming the stranger"
ctl --json nudges > "$T/nudges2"
jq -e '[.[] | select(.kind == "tagged_risk" and .mentor_id == 0 and (.message | test("doc5"))
	and (.url | startswith("http")))] | length == 1' "$T/nudges2" >/dev/null
ok $? "... and a tagged_risk nudge about the stranger's post (mentor_id 0)"
ctl nudges | grep -q "^Not your mentors"; ok $? "... listed under \"Not your mentors\""
is "$(jq '[.[] | select(.kind == "tagged_risk")] | length' "$T/nudges2")" 4 "four tagged_risk nudges: three mentors, one stranger"
ctl poll --wait >/dev/null; settle
is "$(tagged)" 4 "polling again: still four"

# A restart does not announce the same posts again.
stop_daemon; ok $? "stopped"
start_daemon; ok $? "restarted"
ctl poll --wait >/dev/null; settle
is "$(tagged)" 4 "after a restart and a poll: no repeat"
daemon_alive; ok $? "daemon still running"
kill "$NOTIFY_PID" 2>/dev/null; wait "$NOTIFY_PID" 2>/dev/null
finish
