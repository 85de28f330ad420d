#!/bin/sh
# Desktop notifications against a fake org.freedesktop.Notifications server:
# content, urgency, categories, the "Open" action, first-sync summaries,
# coalescing into digests, the per-mentor gap, urgent replies, quiet hours
# (the daemon's clock is injected), mute/unmute, NudgeAdded, PropertiesChanged,
# and a daemon that keeps working with a slow or absent notification server.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

export TZ=UTC   # quiet hours are local time; FAKE_T0 is 14:13:20 UTC
NLOG="$T/notify.log"; : > "$NLOG"
FAKENOTIFY="$MENTORD_BUILD/tests/fakenotify"

start_notify() {  # start_notify [--delay-ms N]
	"$FAKENOTIFY" "$NLOG" "$@" 2>>"$T/fakenotify.err" &
	NOTIFY_PID=$!
	i=0
	while ! busctl --user status org.freedesktop.Notifications >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 200 ] || return 1; sleep 0.05
	done
}
stop_notify() { kill "$NOTIFY_PID" 2>/dev/null; wait "$NOTIFY_PID" 2>/dev/null; NOTIFY_PID=; }

# wait_lines N — until the log has at least N notifications (or 15 s pass).
wait_lines() {
	i=0
	while [ "$(wc -l < "$NLOG")" -lt "$1" ]; do
		i=$((i + 1)); [ $i -lt 300 ] || return 1; sleep 0.05
	done
}
# wait_grep TEXT — until some notification mentions TEXT (or 30 s pass).
wait_grep() {
	i=0
	while ! grep -qF "$1" "$NLOG"; do
		i=$((i + 1)); [ $i -lt 600 ] || return 1; sleep 0.05
	done
}
# settle — lets a coalescing window (1 s) and a flush pass.
settle() { sleep 1.6; }
nth() { sed -n "${1}p" "$NLOG"; }
# check_nth N FILTER — notification N exists and matches the jq filter.
check_nth() { l=$(nth "$1"); [ -n "$l" ] && printf '%s\n' "$l" | jq -e "$2" >/dev/null; }
lines() { wc -l < "$NLOG" | tr -d ' '; }

add() {  # add NETWORK ACCOUNT KIND TEXT [COUNT]
	fake_post /_fake/add_posts "{\"network\":\"$1\",\"account\":\"$2\",\"count\":${5:-1},\"kind\":\"$3\",\"text\":\"$4\"}"
}

write_config() {  # write_config EXTRA-LINES
	fake_config "notify_coalesce = 1s
notify_mentor_gap = ${GAP:-1h}
notify_nudges = ${NUDGES:-no}
notify_opportunities = ${NUDGES:-no}
open_command = $T/open.sh
$1"
}

cat > "$T/open.sh" <<EOF
#!/bin/sh
printf '%s\n' "\$1" >> "$T/opened"
EOF
chmod +x "$T/open.sh"

start_bus; ok $? "private bus started"
start_fake --accounts 6 --posts 30; ok $? "fake API server"
start_notify; ok $? "fake notification server owns org.freedesktop.Notifications"
write_config ""
start_daemon; ok $? "mentord up"

# First sync: history, one summary per followed account, no per-post popups.
ctl follow mastodon doc1 --name "Dr One" >/dev/null && ctl poll --wait >/dev/null
ok $? "followed doc1 and polled"
wait_lines 1; settle
is "$(lines)" 1 "the first sync of 30 old posts gives exactly one notification"
check_nth 1 '.app == "mentord" and .summary == "Following Dr One on Mastodon" and .urgency == 0
	and .category == "x-mentord.sync" and (.body | test("earlier posts"))'
ok $? "... a low-urgency summary naming the mentor and the network"
for n in 2 3 4; do ctl follow mastodon "doc$n" --name "Dr $n" >/dev/null || break; done
ctl poll --wait >/dev/null
# The follows start their first syncs at once, before the round (which may
# end first on a slow machine): wait for all three, then count.
for d in "Dr 2" "Dr 3" "Dr 4"; do wait_grep "$d"; done; settle
n=$(lines)
ok "$([ "$n" -ge 2 ] && [ "$n" -le 4 ] && echo 0 || echo 1)" "three more first syncs: at most one notification each (got $((n - 1)))"
jq -e -s '.[1:] | all(.category == "x-mentord.sync" or (.category == "x-mentord.digest"
	and (.summary | test("^[23] updates from [23] mentors$"))))' "$NLOG" >/dev/null
ok $? "... summaries, or digests of summaries"
jq -e -s '[.[1:][] | .summary, .body] | join(" ") | (test("Dr 2") and test("Dr 3") and test("Dr 4"))' "$NLOG" >/dev/null
ok $? "... naming every newly followed mentor"
jq -e -s 'all(.category != "x-mentord.post")' "$NLOG" >/dev/null; ok $? "no notification for any old post"

# One new post in the interest area.
B=$(lines)   # notifications so far; the rest counts from here
"$MENTORCTL" --json watch > "$T/watch" 2>/dev/null &
W=$!
add mastodon doc1 post "New cardiology guideline thread, thoughts welcome"; ctl poll --wait >/dev/null
wait_lines $((B + 1)); settle
is "$(lines)" $((B + 1)) "a new post in the user's interests: one notification"
check_nth $((B + 1)) '.summary == "Dr One posted on Mastodon" and (.body | test("cardiology guideline"))
	and .urgency == 1 and .category == "x-mentord.post"
	and .actions == ["default", "Open", "open", "Open"]'
ok $? "... with who, where, the text, normal urgency, a category and an Open action"
add mastodon doc2 post "Lunch was great today"; ctl poll --wait >/dev/null; settle
is "$(lines)" $((B + 1)) "a post outside the interests: no notification"

# Clicking Open runs open_command with the post's URL.
id=$(nth $((B + 1)) | jq -r .id)
busctl --user call org.freedesktop.Notifications /org/freedesktop/Notifications \
	org.mentord.Test.FakeNotify Invoke us "$id" default >/dev/null
i=0; while [ ! -s "$T/opened" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
url=$(ctl --json show "Dr One" | jq -r '[.events[] | select(.kind == "post")][0].url')
is "$(cat "$T/opened" 2>/dev/null)" "$url" "clicking the notification opens the post's URL"

# A burst from three other mentors: one digest.
add mastodon doc2 post "Cardiology grand rounds recording" 2
add mastodon doc3 post "MedEd podcast on cardiology teaching" 2
add mastodon doc4 post "Cardiology fellowship tips"
ctl poll --wait >/dev/null; wait_lines $((B + 2)); settle
is "$(lines)" $((B + 2)) "five posts from three mentors in one round: one notification"
check_nth $((B + 2)) '.summary == "5 new posts from 3 mentors" and .category == "x-mentord.digest"
	and (.body | test("Dr 2: Cardiology grand rounds"))'
ok $? "... a digest: \"5 new posts from 3 mentors\", listing them"

# The per-mentor gap, and urgent replies passing it.
add mastodon doc1 post "Another cardiology thought"; ctl poll --wait >/dev/null; settle
is "$(lines)" $((B + 2)) "a second post from Dr One within the hour is held"
add mastodon doc1 reply_me "Happy to look at your abstract, send it over"; ctl poll --wait >/dev/null
wait_lines $((B + 3)); settle
check_nth $((B + 3)) '.summary == "Dr One replied to you on Mastodon" and .urgency == 2
	and .category == "im.received" and (.body | test("abstract"))'
ok $? "a mentor's reply to the user passes the gap, critical"

# Quiet hours (the daemon's clock says 14:13 UTC): only urgent items pass;
# the rest is replayed as one digest when quiet hours end (here: by reload).
GAP=0; write_config "quiet_hours = 14:00-15:00"
ctl reload >/dev/null; ok $? "reloaded with quiet hours 14:00-15:00 and no gap"
add mastodon doc2 post "Cardiology night shift pearls"
add mastodon doc3 post "Cardiology journal club tonight"
add mastodon doc4 mention_me "Great point on cardiology training"
ctl poll --wait >/dev/null; wait_lines $((B + 4)); settle
is "$(lines)" $((B + 4)) "in quiet hours: only the mention came through"
check_nth $((B + 4)) '.summary == "Dr 4 mentioned you on Mastodon" and .urgency == 1'
ok $? "... the mention, named as such"
write_config "quiet_hours = 22:00-07:00"; ctl reload >/dev/null
wait_lines $((B + 5)); settle
check_nth $((B + 5)) '.summary == "3 new posts from 3 mentors"'
ok $? "when quiet hours end the held posts (and Dr One's, held for the gap) come as one digest"

# Mute and unmute.
ctl mute "Dr 2" --for 2h >/dev/null 2>"$T/err"; ok $? "mute Dr 2 for two hours"
ctl --json mutes | jq -e 'length == 1 and .[0].mentor == "Dr 2" and (.[0].until | test("Z$"))' >/dev/null
ok $? "mutes lists it with its end time"
add mastodon doc2 post "Cardiology while muted"; ctl poll --wait >/dev/null; settle
is "$(lines)" $((B + 5)) "a muted mentor's post: no notification"
ctl unmute "Dr 2" >/dev/null; ok $? "unmute"
ctl unmute "Dr 2" >/dev/null 2>"$T/err"; is $? 1 "unmuting again fails"
grep -q 'org.mentord.Error.NotMuted' "$T/err"; ok $? "... with NotMuted"
ctl mute "Dr 2" --for soon >/dev/null 2>&1; is $? 2 "a bad duration is a usage error"
add mastodon doc2 post "Cardiology after unmute"; ctl poll --wait >/dev/null; wait_lines $((B + 6))
check_nth $((B + 6)) '.summary == "Dr 2 posted on Mastodon"'; ok $? "after unmute the posts notify again"
add mastodon doc2 quote_me "Worth reading on cardiology training"; ctl poll --wait >/dev/null; wait_lines $((B + 7))
check_nth $((B + 7)) '.summary == "Dr 2 quoted you on Mastodon"'; ok $? "a mentor quoting the user is notified as a quote"

# A new nudge: signal and notification (nudge notifications on from here).
NUDGES=yes; write_config ""; ctl reload >/dev/null
n0=$(lines)
add mastodon doc3 post "Call for abstracts: cardiology education symposium, deadline Friday"
ctl poll --wait >/dev/null
i=0; while ! grep -q '"mentor":"Dr 3","kind":"opportunity"' "$T/watch" && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
grep NudgeAdded "$T/watch" | jq -e -s 'map(select(.kind == "opportunity" and .mentor == "Dr 3")) | length == 1' >/dev/null
ok $? "NudgeAdded signalled for the opportunity"
wait_lines $((n0 + 2)); settle
jq -e -s 'map(select(.category == "x-mentord.opportunity" and .summary == "Opportunity from Dr 3")) | length == 1' \
	"$NLOG" >/dev/null
ok $? "... and notified once, as an opportunity"
nudges=$(grep -c NudgeAdded "$T/watch")
ctl poll --wait >/dev/null; sleep 2.5
is "$(grep -c NudgeAdded "$T/watch")" "$nudges" "a nudge is announced only once"
kill -INT $W; wait $W
NUDGES=no; write_config ""; ctl reload >/dev/null

# Count properties and PropertiesChanged.
is "$(busctl --user get-property org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 Mentors)" \
	"u 4" "property Mentors"
dbus-monitor --session "type='signal',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged'" \
	> "$T/props" 2>/dev/null &
MON=$!
sleep 0.3
ctl follow bluesky doc5.bsky.social --name "Dr Five" >/dev/null
i=0; while ! grep -q '"Mentors"' "$T/props" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
kill $MON 2>/dev/null; wait $MON 2>/dev/null
grep -q 'string "Mentors"' "$T/props" && grep -q 'string "Accounts"' "$T/props"
ok $? "following emits PropertiesChanged for Mentors and Accounts"

# A slow server never blocks the daemon; an absent one is logged once.
stop_notify
start_notify --delay-ms 4000; ok $? "a slow notification server"
n0=$(lines)
add mastodon doc2 post "Cardiology slow server"; ctl poll --wait >/dev/null
wait_lines $((n0 + 1)); ok $? "the slow server got its Notify call"
ctl status >/dev/null; is $? 0 "mentord answers while that call is pending"
stop_notify
add mastodon doc3 post "Cardiology no server one"; ctl poll --wait >/dev/null; settle
add mastodon doc4 post "Cardiology no server two"; ctl poll --wait >/dev/null; settle
ctl status >/dev/null; is $? 0 "mentord keeps working with no notification server"
is "$(grep -c 'no notification server' "$T/daemon.log")" 1 "the absence is logged once"
start_notify; ok $? "the server comes back"
n0=$(lines)
add mastodon doc3 post "Cardiology server back"; ctl poll --wait >/dev/null; wait_lines $((n0 + 1))
check_nth $((n0 + 1)) '.summary == "Dr 3 posted on Mastodon"'; ok $? "notifications resume"
grep -q 'notification server is back' "$T/daemon.log"; ok $? "... and the return is logged"

# notify = no and per-kind switches.
n0=$(lines)
write_config "notify_posts = no"; ctl reload >/dev/null
add mastodon doc4 post "Cardiology with posts off"; ctl poll --wait >/dev/null; settle
is "$(lines)" "$n0" "notify_posts = no: no post notifications"
write_config "notify = no"; ctl reload >/dev/null
add mastodon doc4 reply_me "Reply with notifications off"; ctl poll --wait >/dev/null; settle
is "$(lines)" "$n0" "notify = no: nothing at all"

stop_notify
stop_daemon; ok $? "stopped cleanly"
finish
