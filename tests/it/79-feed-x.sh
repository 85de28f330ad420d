#!/bin/sh
# X's home feed: with the user's token (`mentorctl login x --user`) followed
# accounts the user also follows on X are read through one walk of
# reverse_chronological instead of one read each; whom the user follows is
# asked through users?ids= with connection_status. Compared with a run with
# the app bearer alone, where nothing changes (no home timeline, no
# connection_status): the same mentor posts and events. Then the window
# overflowing (a catch-up, nothing lost).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

DB="$XDG_STATE_HOME/mentord/mentord.db"
DIR="$XDG_CONFIG_HOME/mentord"
# me follows doc1..doc8 and doc11, doc12 on X; mentord follows doc1..doc10:
# doc9 and doc10 stay one by one, doc11 and doc12 are not mentors.
SCENARIO="--accounts 12 --posts 40 --span-days 10 --follows 1-8,11-12 --home-window 300"

follow_ten() {
	for i in 1 2 3 4 5 6 7 8 9 10; do ctl follow x "doc$i" >/dev/null || return 1; done
}
reqs() { curl -s "$FAKE/_fake/stats" | jq ".endpoints[\"$1\"].requests // 0"; }
# X reads accounts one by one in batched searches ("from:a OR from:b"):
# how many accounts the batches of the log's lines after line $1 held
batched() { tail -n +"$(($1 + 1))" "$T/daemon.log" | sed -n 's/.*x: batch [0-9a-f]* of \([0-9]*\) accounts page 1:.*/\1/p' |
	awk '{ n += $1 } END { print n + 0 }'; }
joined() { sqlite3 "$DB" "SELECT count(*) FROM feed_follows WHERE platform = 'x' AND joined = 1"; }
settle() {
	i=0
	while [ $i -lt 8 ]; do
		ctl poll --wait >/dev/null || return 1
		[ "$(joined)" = 8 ] && return 0
		i=$((i + 1))
	done
	return 1
}
add() {  # add ACCOUNT COUNT KIND [TARGET]
	fake_post /_fake/add_posts "{\"network\":\"x\",\"account\":\"$1\",\"count\":$2,\"kind\":\"$3\"${4:+,\"target\":\"$4\"},\"tags\":[\"meded\"]}"
}
news() {
	for i in 1 2 3 4 5 6 7 8 9 10; do add "doc$i" 2 post || return 1; done
	add doc2 1 repost doc5 && add doc9 1 repost doc3 && add doc11 3 post && add doc12 1 reply doc1
}
mentor_dump() {
	sqlite3 "$DB" "SELECT 'post ' || p.platform || ' ' || p.key FROM posts p
	               JOIN accounts a ON a.id = p.account_id WHERE a.mentor_id IS NOT NULL
	               UNION ALL SELECT 'event ' || kind || ' ' || coalesce(dedupe, '') FROM events" | sort > "$1"
}
missing_since() {  # missing_since NAME T_MS
	curl -s -f "$FAKE/_fake/posts?name=$1" | awk -F'\t' -v t="$2" '$1 == "x" && $5 >= t { print $3 }' |
		while read -r key; do
			[ "$(sqlite3 "$DB" "SELECT count(*) FROM posts WHERE platform = 'x' AND key = '$key'")" = 1 ] ||
				echo "$key"
		done | wc -l
}
# `mentorctl login x --user` through the fake's consent and the loopback redirect
x_login() {
	ctl login x --user --client-id test-client-7 --port 0 --api "$FAKE" --no-browser </dev/null >"$T/login.out" 2>&1 &
	lp=$!
	i=0; while [ $i -lt 100 ] && ! grep -q '/i/oauth2/authorize' "$T/login.out"; do sleep 0.05; i=$((i + 1)); done
	url=$(grep -o 'http://[^ ]*/i/oauth2/authorize?[^ ]*' "$T/login.out")
	back=$(curl -s -o /dev/null -w '%{redirect_url}' "$url")
	curl -s "$back" >/dev/null
	wait $lp
}

start_bus; ok $? "private bus started"

# X's home feed is opt-in (X bills every post read, the feed's too).
x_feed_on() { sed -i '/^\[x\]/a home_feed = yes' "$DIR/mentord.conf"; }

# ---- 1. the app bearer alone: everyone one by one, as before -------------------
start_fake $SCENARIO; ok $? "fake API server: me follows 10 accounts on X"
fake_config
x_feed_on
start_daemon; ok $? "mentord up with X's app bearer only (home_feed = yes)"
follow_ten; ok $? "ten accounts followed on X"
for i in 1 2 3; do ctl poll --wait >/dev/null; done
curl -s -f -X POST "$FAKE/_fake/stats/reset" >/dev/null
news; ok $? "new posts, reposts and posts of people who are not mentors added"
at=$(wc -l < "$T/daemon.log")
ctl poll --wait >/dev/null; ok $? "a round"
ref=$(batched "$at")
is "$ref" 10 "the ten accounts read in batches"
is "$(reqs x.users_timelines)" 0 "no user token: no home timeline asked for"
is "$(sqlite3 "$DB" "SELECT count(*) FROM feed_follows WHERE platform = 'x'")" 0 "nor whom the user follows"
mentor_dump "$T/reference.dump"
stop_daemon; ok $? "reference stopped"
stop_fake
rm -rf "$XDG_STATE_HOME/mentord"

# ---- 2. with the user token: the home feed --------------------------------------
start_fake $SCENARIO; ok $? "fake API server again"
fake_config
x_feed_on
start_daemon; ok $? "mentord up"
x_login; ok $? "login x --user"
grep -q "^user_token_file = " "$XDG_CONFIG_HOME/mentord/mentord.conf"; ok $? "[x] user_token_file set"
ctl reload >/dev/null; ok $? "reload"
follow_ten; ok $? "the same ten accounts followed"
settle; ok $? "whom the user follows learnt; eight accounts joined the feed"
is "$(sqlite3 "$DB" "SELECT count(*) FROM feed_follows WHERE platform = 'x' AND following = 1")" 8 "8 followed there"
is "$(sqlite3 "$DB" "SELECT count(*) FROM feed_follows WHERE platform = 'x' AND following = 0")" 2 "doc9 and doc10 are not"
[ "$(reqs x.users_ids)" -ge 1 ]; ok $? "asked through users?ids= ($(reqs x.users_ids))"
curl -s -f -X POST "$FAKE/_fake/stats/reset" >/dev/null
news; ok $? "the same new posts"
at=$(wc -l < "$T/daemon.log")
ctl poll --wait >/dev/null; ok $? "a round"
is "$(batched "$at")" 2 "only doc9 and doc10 read in batches"
is "$(reqs x.users_tweets)" 1 "no timeline of a followed account read (the user's own only)"
is "$(reqs x.users_timelines)" 1 "one home timeline page"
is "$(reqs x.users_ids)" 0 "whom the user follows is not asked again within a day"
mentor_dump "$T/feed.dump"
diff "$T/reference.dump" "$T/feed.dump" >"$T/dump.diff"; ok $? "the same mentor posts and events as one by one"
[ -s "$T/dump.diff" ] && diag "$(head -5 "$T/dump.diff")"
is "$(sqlite3 "$DB" "SELECT count(DISTINCT dedupe) FROM events WHERE kind = 'post'")" \
   "$(sqlite3 "$DB" "SELECT count(*) FROM events WHERE kind = 'post'")" "no post announced twice"
is "$(sqlite3 "$DB" "SELECT count(*) FROM posts p JOIN accounts a ON a.id = p.account_id
                     WHERE a.handle LIKE 'doc11%' OR a.handle LIKE 'doc12%'")" 0 "no post of doc11, doc12 is a mentor's"
grep -q 'fake-x-token\|xuat-' "$T/daemon.log"; [ $? -ne 0 ]; ok $? "no token in the log"

# ---- 3. the window overflows: a catch-up, nothing lost ---------------------
t0=$(($(curl -s "$FAKE/_fake/clock" | jq '.now_ms // (.now * 1000) | floor')))
add doc3 350 post && add doc4 2 post; ok $? "350 new posts of doc3: more than the window of 300"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null; ok $? "two rounds"
grep -q "home feed's window ended before" "$T/daemon.log"; ok $? "the gap is logged"
is "$(missing_since doc3 "$t0")" 0 "every new post of doc3 stored"
is "$(missing_since doc4 "$t0")" 0 "and doc4's"
settle; ok $? "after the catch-up the accounts join the feed again"
daemon_alive; ok $? "mentord still running"

stop_daemon; ok $? "stopped"
stop_fake
finish
