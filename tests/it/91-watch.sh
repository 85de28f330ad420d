#!/bin/sh
# mentorctl watch streams MentorActivity for new ledger events, never for the
# history a first sync brings, plus PollFinished.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

start_bus; ok $? "private bus started"
ctl watch >/dev/null 2>&1; is $? 3 "watch with no daemon exits 3"
start_fake --accounts 4 --posts 30; ok $? "fake server"
fake_config
start_daemon; ok $? "mentord up"
"$MENTORCTL" --json watch > "$T/watch" 2>"$T/watch.err" &
W=$!
sleep 0.3
ctl follow mastodon doc1 --name "Dr One" >/dev/null && ctl poll --wait >/dev/null && ctl poll --wait >/dev/null
ok $? "followed and polled (the first sync is history)"
sleep 0.3
is "$(grep -c MentorActivity "$T/watch")" 0 "no activity announced for history"
grep -q '"signal":"PollFinished"' "$T/watch"; ok $? "PollFinished streamed"
fake_post /_fake/add_posts '{"network":"mastodon","account":"doc1","count":1,"kind":"reply_me","text":"Happy to look at your abstract, send it over"}'
fake_post /_fake/add_posts '{"network":"mastodon","account":"doc1","count":2,"kind":"post"}'
ctl poll --wait >/dev/null; sleep 0.3
grep MentorActivity "$T/watch" > "$T/act"
# In any order: jq -e on a stream judges only by the last object.
jq -e -s 'any(.[]; .kind == "reply_to_me" and .mentor == "Dr One" and (.text | test("abstract")))' "$T/act" >/dev/null
ok $? "the mentor's reply to the user is announced with its text"
is "$(jq -s 'map(select(.kind == "post")) | length' "$T/act")" 3 "each new post is announced once (2 posts + the reply)"
jq -e -s 'all(.url | startswith("http"))' "$T/act" >/dev/null; ok $? "announcements carry the post URL"
kill -INT $W; wait $W; is $? 0 "watch ends cleanly on Ctrl-C"
stop_daemon; ok $? "stopped"
finish
