#!/bin/sh
# The ledger against the fake server's scenario: stages, score order, why,
# offline events, pins, link/unlink round trip, suggestions and nudges,
# idempotent re-polling. Talks D-Bus directly (busctl --json).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

call() {  # call METHOD SIGNATURE ARGS... → JSON data array on stdout
	busctl --user --json=short call org.mentord.Mentord1 /org/mentord/Mentord1 \
		org.mentord.Manager1 "$@" | tr "\000-\037" " " | jq -c .data
}
fails() {  # fails METHOD SIGNATURE ARGS... — passes when the call is refused
	! busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 "$@" >/dev/null 2>&1
}
mentors() { call ListMentors suu "$1" 0 0 | jq -c '.[0]'; }   # sorted rows

start_bus; ok $? "private bus started"
start_fake --accounts 8 --posts 60 --engaged 3; ok $? "fake server: doc1..doc3 interact with me, doc6 does not"
fake_config
start_daemon; ok $? "mentord up"
ctl follow mastodon doc1 --name "Dr One" >/dev/null && ctl follow mastodon doc6 --name "Dr Six" >/dev/null &&
	ctl follow bluesky doc6.bsky.social --name "Six on Bluesky" >/dev/null && ctl track meded >/dev/null
ok $? "followed doc1 and doc6 (two networks), tracking #meded"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null; ok $? "polled"

m=$(mentors score)
page=$(call ListMentors suu score 1 1)
is "$(printf '%s\n' "$page" | jq -c '[(.[0] | length), .[1]]')" "[1,3]" "offset and limit page the list; total is all mentors"
is "$(printf '%s\n' "$m" | jq -r '.[0][1]')" "Dr One" "the mentor who interacts with the user ranks first by strength"
one=$(call ShowMentor su "Dr One" 0)
six=$(call ShowMentor su "Dr Six" 0)
stage_one=$(printf '%s\n' "$one" | jq -r '.[0][2]'); stage_six=$(printf '%s\n' "$six" | jq -r '.[0][2]')
case "$stage_one" in establish|connected) ok 0 "Dr One reached $stage_one (they responded to the user)";;
	*) ok 1 "Dr One should be at establish or beyond, is $stage_one";; esac
is "$stage_six" follow "Dr Six, who never interacted, is at follow"
[ "$(printf '%s\n' "$one" | jq -r '.[3][] | select(.[0] == "establish") | .[1]')" -gt 0 ]
ok $? "the date establish was reached is recorded"
n=$(printf '%s\n' "$one" | jq '.[4] | length'); [ "$n" -gt 5 ]; ok $? "the timeline lists events ($n)"
printf '%s\n' "$one" | jq -e '.[4] | map(.[0]) | index("post") != null' >/dev/null; ok $? "the timeline has the mentor's posts"

w=$(call Why s "Dr One")
sum=$(printf '%s\n' "$w" | jq '[.[4][][1]] | add'); score=$(printf '%s\n' "$w" | jq '.[3]')
jq -n "($sum - $score) | fabs < 0.5" | grep -q true; ok $? "strength parts add up to the score ($sum ≈ $score)"
sum=$(printf '%s\n' "$w" | jq '[.[6][][1]] | add'); score=$(printf '%s\n' "$w" | jq '.[5]')
jq -n "($sum - $score) | fabs < 0.5" | grep -q true; ok $? "fit parts add up to the fit ($sum ≈ $score)"
printf '%s\n' "$w" | jq -e '.[4] | map(.[0]) | index("recency") != null and index("reciprocity") != null' >/dev/null
ok $? "strength explains recency and reciprocity"
printf '%s\n' "$w" | jq -e '.[6] | map(.[0]) | index("topic") != null' >/dev/null; ok $? "fit explains topic alignment"

events_before=$(ctl --json status | jq .events)
ctl poll --wait >/dev/null
is "$(ctl --json status | jq .events)" "$events_before" "re-polling the same data adds no ledger event"

# Offline contact, pins.
id=$(call LogEvent sssx "Dr Six" meeting "coffee at the conference" 0 | jq '.[0]')
[ "$id" -gt 0 ]; ok $? "LogEvent records a meeting (event $id)"
is "$(call ShowMentor su "Dr Six" 1 | jq -r '.[0][2]')" connected "an offline meeting makes the pair connected"
is "$(call ShowMentor su "Dr Six" 1 | jq -r '.[4][0][4]')" "coffee at the conference" "the note is on the timeline"
call SetStage ss "Dr Six" dormant >/dev/null; ok $? "pin Dr Six to dormant"
s=$(call ShowMentor su "Dr Six" 1)
is "$(printf '%s\n' "$s" | jq -r '[.[0][2], .[1], .[2]] | join(",")')" "dormant,connected,true" "pinned stage shown, computed stage kept"
call SetStage ss "Dr Six" auto >/dev/null
is "$(call ShowMentor su "Dr Six" 1 | jq -r '.[0][2]')" connected "auto unpins"

# Link and unlink: accounts and their ledger move, and back.
ev_one=$(call ShowMentor su "Dr One" 1 | jq '.[0][7]'); ev_six_b=$(call ShowMentor su "Six on Bluesky" 1 | jq '.[0][7]')
call Link sss "Dr One" bluesky doc6.bsky.social >/dev/null; ok $? "link Bluesky doc6 to Dr One"
l=$(call ShowMentor su "Dr One" 1)
is "$(printf '%s\n' "$l" | jq '.[0][5] | length')" 2 "Dr One now has two accounts"
is "$(printf '%s\n' "$l" | jq '.[0][7]')" $((ev_one + ev_six_b)) "its events are the sum of both"
fails ShowMentor su "Six on Bluesky" 1; ok $? "the emptied mentor is gone"
new=$(call Unlink sss "Dr One" bluesky doc6.bsky.social | jq '.[0]'); ok $? "unlink it again (mentor $new)"
is "$(call ShowMentor su "Dr One" 1 | jq '.[0][7]')" "$ev_one" "Dr One's events are back to what they were"
is "$(call ShowMentor su "$new" 1 | jq '.[0][7]')" "$ev_six_b" "the unlinked account keeps its own events"

# Suggestions: authors of the tag stream, not followed, not dismissed.
sg=$(call Suggest u 10)
n=$(printf '%s\n' "$sg" | jq '.[0] | length'); [ "$n" -gt 0 ]; ok $? "suggestions from the #meded stream ($n)"
printf '%s\n' "$sg" | jq -e '.[0] | all(.[1] != "doc1" and .[1] != "doc6")' >/dev/null; ok $? "followed accounts are not suggested"
printf '%s\n' "$sg" | jq -e '.[0] | all((.[4] | length) > 0)' >/dev/null; ok $? "every suggestion gives reasons"
first=$(printf '%s\n' "$sg" | jq -r '.[0][0] | "\(.[0]) \(.[1])"')
call Dismiss ss $first >/dev/null; ok $? "dismiss the first suggestion ($first)"
call Suggest u 10 | jq -e --arg h "${first#* }" '.[0] | all(.[1] != $h)' >/dev/null; ok $? "a dismissed account is not suggested again"

# Nudges: an opportunity post and a question in the user's area.
fake_post /_fake/add_posts '{"network":"mastodon","account":"doc1","count":1,"kind":"post","text":"Our lab is looking for students: applications open for the summer research position in cardiology"}'
fake_post /_fake/add_posts '{"network":"mastodon","account":"doc1","count":1,"kind":"post","text":"What is the best way to teach ECG reading to first-year residents in cardiology?"}'
ctl poll --wait >/dev/null
nd=$(call Nudges)
printf '%s\n' "$nd" | jq -e '.[0] | map(select(.[2] == "opportunity" and .[1] == "Dr One")) | length == 1' >/dev/null
ok $? "an opportunity nudge for Dr One"
printf '%s\n' "$nd" | jq -e '.[0] | map(select(.[2] == "unanswered_question")) | length == 1' >/dev/null
ok $? "an unanswered-question nudge"
printf '%s\n' "$nd" | jq -e '.[0] | all(.[5] != "" and .[6] != "")' >/dev/null; ok $? "each nudge says what was seen and what to do"
printf '%s\n' "$nd" | jq -e '.[0] | map(select(.[2] == "opportunity")) | .[0][4] | startswith("http")' >/dev/null
ok $? "the opportunity nudge names the post's URL"
# Nudges keeps its last answer for calls within the same second of an
# unchanged store and mentor cache: asked again it is the same, and a
# change that touches neither the store nor the clock (the interests, by a
# reload) is seen at once.
is "$(call Nudges)" "$nd" "Nudges asked again gives the same answer"
sed -i 's/^interests = cardiology, meded$/interests = dermatology/' "$XDG_CONFIG_HOME/mentord/mentord.conf"
call Reload >/dev/null && nd2=$(call Nudges)
printf '%s\n' "$nd2" | jq -e '.[0] | map(select(.[2] == "unanswered_question")) | length == 0' >/dev/null
ok $? "other interests after a reload: the question is no longer in the user's area"
printf '%s\n' "$nd2" | jq -e '.[0] | map(select(.[2] == "opportunity")) | length == 1' >/dev/null
ok $? "the opportunity nudge stays"
sed -i 's/^interests = dermatology$/interests = cardiology, meded/' "$XDG_CONFIG_HOME/mentord/mentord.conf"
call Reload >/dev/null; is "$(call Nudges)" "$nd" "the interests back: the same nudges again"

# Same-person links from profile texts: Mastodon doc2's profile lists
# @doc2.bsky.social, followed here as a separate mentor.
ctl follow mastodon doc2 --name "Dr Two" >/dev/null && ctl follow bluesky doc2.bsky.social >/dev/null
ctl poll --wait >/dev/null
two=$(call ShowMentor su "Dr Two" 1 | jq '.[0][0]')
ls=$(call LinkSuggestions)
printf '%s\n' "$ls" | jq -e --argjson m "$two" '.[0] | map(select(.[0] == $m and .[5] == "bluesky" and .[6] == "doc2.bsky.social" and .[4] > 0)) | length == 1' >/dev/null
ok $? "Dr Two's Mastodon profile suggests linking the followed Bluesky doc2"
is "$(call ShowMentor su "Dr Two" 1 | jq '.[0][5] | length')" 1 "nothing was merged by itself"
call Link sss "Dr Two" bluesky doc2.bsky.social >/dev/null
call LinkSuggestions | jq -e --argjson m "$two" '.[0] | map(select(.[0] == $m)) | length == 0' >/dev/null
ok $? "once linked, the suggestion is gone"

# Errors.
out=$(busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 Why s nobody 2>&1)
printf '%s\n' "$out" | grep -q "No mentor"; ok $? "unknown mentor is refused"
fails LogEvent sssx "Dr One" party "" 0; ok $? "unknown offline kind is refused"
fails LogEvent sssx "Dr One" met "" 99999999999; ok $? "a time in the future is refused"
fails SetStage ss "Dr One" famous; ok $? "unknown stage is refused"
fails Unlink sss "Dr One" mastodon doc1; ok $? "a mentor's last account cannot be unlinked"
fails ShowMentor su "Dr" 1; ok $? "an ambiguous name prefix is refused"

# The aggregates survive a restart.
before=$(call ShowMentor su "Dr Six" 1 | jq -c '[.[0][2], (.[0][3] | floor), .[0][6], .[0][7]]')
stop_daemon; ok $? "stopped cleanly"
start_daemon; ok $? "restarted"
is "$(call ShowMentor su "Dr Six" 1 | jq -c '[.[0][2], (.[0][3] | floor), .[0][6], .[0][7]]')" "$before" \
	"stage, strength and counts survive a restart"
stop_daemon
finish
