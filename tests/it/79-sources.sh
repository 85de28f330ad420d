#!/bin/sh
# Sources (journals, societies): followed and read like mentors, their posts
# feed suggestions, but they are not mentors: not in `mentors`, no stage,
# score or nudges, their posts not announced.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

DB="$XDG_STATE_HOME/mentord/mentord.db"

start_bus; ok $? "private bus started"
start_fake --accounts 6 --posts 20; ok $? "fake server"
fake_config
start_daemon; ok $? "mentord up"
ctl follow mastodon doc1 --name "Dr One" >/dev/null; ok $? "a mentor followed"
out=$(ctl follow mastodon doc3 --source --name "Journal of Cardiology"); ok $? "follow --source"
case $out in *"(source "*) ok 0 "follow --source says it is a source";; *) ok 1 "follow --source says source: $out";; esac
ctl follow mastodon doc3 --source >/dev/null 2>&1; is $? 1 "following a source twice is an error"
ctl follow mastodon doc4 --source --mentor 1 >/dev/null 2>&1; is $? 2 "--source with --mentor is a usage error"
ctl follow bluesky doc4.bsky.social --source >/dev/null; ok $? "a Bluesky source"
ctl --json sources > "$T/sources"; ok $? "sources --json"
is "$(jq length "$T/sources")" 2 "two sources listed"
jq -e '.[0] | .handle == "doc3@mastodon.test" or .handle == "doc3"' "$T/sources" >/dev/null
ok $? "the source's handle is listed"
jq -e '.[0].name == "Journal of Cardiology" and .[0].platform == "mastodon" and (.[0].id > 1)' "$T/sources" >/dev/null
ok $? "with its name, platform and id"
ctl sources --json | jq -e 'length == 2' >/dev/null; ok $? "--json after the command too"
ctl sources | grep -q "Journal of Cardiology"; ok $? "sources as a table"

"$MENTORCTL" --json watch > "$T/watch" 2>/dev/null &
W=$!
sleep 0.3
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null; ok $? "polled"
src=$(jq '.[0].id' "$T/sources")
n=$(sqlite3 "$DB" "SELECT count(*) FROM posts p JOIN accounts a ON a.id = p.account_id WHERE a.mentor_id = $src")
[ "$n" -gt 0 ]; ok $? "the source's posts are read ($n)"
ctl --json mentors > "$T/mentors"
is "$(jq '.mentors | length' "$T/mentors" 2>/dev/null || jq length "$T/mentors")" 1 "mentors leaves the sources out"
jq -e '[.. | objects | select(has("name")) | .name] | index("Journal of Cardiology") == null' "$T/mentors" >/dev/null
ok $? "no source in the mentors list"
is "$(ctl --json status | jq .mentors)" 1 "status counts one mentor"
ctl show "Journal" >"$T/show.out" 2>&1; is $? 1 "show refuses a source"
grep -q "is a source" "$T/show.out"; ok $? "and says it is a source"
ctl why "$src" >/dev/null 2>&1; is $? 1 "why (score, stage) refuses a source"
ctl stage "$src" establish >/dev/null 2>&1; is $? 1 "a source has no stage to pin"

# New activity: the source answers someone the user does not follow, and
# asks the user a question; the mentor posts.
fake_post /_fake/add_posts '{"network":"mastodon","account":"doc3","count":2,"kind":"reply","target":"doc5","text":"Cardiology fellowship applications open: any questions?"}'
fake_post /_fake/add_posts '{"network":"mastodon","account":"doc3","count":1,"kind":"reply_me","text":"Could you send us your abstract?"}'
fake_post /_fake/add_posts '{"network":"mastodon","account":"doc1","count":1,"kind":"post"}'
ctl poll --wait >/dev/null; sleep 0.3
grep MentorActivity "$T/watch" > "$T/act"
[ -s "$T/act" ]; ok $? "the mentor's post is announced"
jq -e -s 'all(.mentor != "Journal of Cardiology")' "$T/act" >/dev/null; ok $? "the source's posts are not announced"
kill -INT $W; wait $W
ctl --json suggest > "$T/suggest"; ok $? "suggest"
jq -e '[.. | strings | select(test("doc5"))] | length > 0' "$T/suggest" >/dev/null
ok $? "the source's conversation feeds suggestions"
ctl --json nudges > "$T/nudges"; ok $? "nudges"
jq -e "[.. | objects | select(.mentor_id? == $src)] | length == 0" "$T/nudges" >/dev/null
ok $? "no nudges about a source"
ctl --json export > "$T/export"; ok $? "export"
jq -e '[.mentors[]? | .name] | index("Journal of Cardiology") == null' "$T/export" >/dev/null
ok $? "export leaves the source out"

ctl unfollow mastodon doc3 >/dev/null; ok $? "unfollow a source"
is "$(ctl --json sources | jq length)" 1 "one source left"
ctl follow mastodon doc3 --source >/dev/null; ok $? "re-follow as a source"
is "$(ctl --json sources | jq '[.[] | select(.id == '"$src"')] | length')" 1 "re-following keeps the same source"
daemon_alive; ok $? "daemon alive"
stop_daemon; ok $? "stopped"
stop_fake
finish
