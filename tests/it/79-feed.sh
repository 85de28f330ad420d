#!/bin/sh
# Home feeds: followed accounts the user also follows on Mastodon and
# Bluesky are read through one walk of the home timeline instead of one
# request each; the others keep their own walks. Compared with a run that
# reads everyone one by one (home_feed = no): the same mentor posts and
# events. Then the window overflowing (a catch-up, nothing lost), the feed
# failing (one by one that round), kill -9 in the middle of a feed walk,
# reposts, and posts of people who are not mentors feeding suggestions.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

DB="$XDG_STATE_HOME/mentord/mentord.db"
CONF="$XDG_CONFIG_HOME/mentord/mentord.conf"
# me follows doc1..doc8 and doc11, doc12 on both networks; mentord follows
# doc1..doc10: doc9 and doc10 stay one by one, doc11 and doc12 are not mentors.
SCENARIO="--accounts 12 --posts 40 --span-days 10 --follows 1-8,11-12 --home-window 300"

follow_ten() {
	for i in 1 2 3 4 5 6 7 8 9 10; do
		ctl follow mastodon "doc$i" >/dev/null && ctl follow bluesky "doc$i.bsky.social" >/dev/null || return 1
	done
}
reqs() { curl -s "$FAKE/_fake/stats" | jq ".endpoints[\"$1\"].requests // 0"; }
joined() { sqlite3 "$DB" "SELECT count(*) FROM feed_follows WHERE platform = '$1' AND joined = 1"; }
# Polls until both networks' eight accounts read through the feed (at most 8 rounds).
settle() {
	i=0
	while [ $i -lt 8 ]; do
		ctl poll --wait >/dev/null || return 1
		[ "$(joined mastodon)" = 8 ] && [ "$(joined bluesky)" = 8 ] && return 0
		i=$((i + 1))
	done
	return 1
}
add() {  # add NETWORK ACCOUNT COUNT KIND [TARGET]
	fake_post /_fake/add_posts "{\"network\":\"$1\",\"account\":\"$2\",\"count\":$3,\"kind\":\"$4\"${5:+,\"target\":\"$5\"},\"tags\":[\"meded\"]}"
}
news() {  # the same new posts in both runs
	for net in mastodon bluesky; do
		for i in 1 2 3 4 5 6 7 8 9 10; do add $net "doc$i" 2 post || return 1; done
		add $net doc2 1 repost doc5 && add $net doc9 1 repost doc3 && add $net doc11 3 post &&
			add $net doc12 1 reply doc1 || return 1
	done
}
# Mentor posts and every event, sorted: what the two runs must agree on.
mentor_dump() {
	sqlite3 "$DB" "SELECT 'post ' || p.platform || ' ' || p.key FROM posts p
	               JOIN accounts a ON a.id = p.account_id WHERE a.mentor_id IS NOT NULL
	               UNION ALL SELECT 'event ' || kind || ' ' || coalesce(dedupe, '') FROM events" | sort > "$1"
}
# Posts of an account the server has since time T (ms) that the database lacks.
missing_since() {  # missing_since NETWORK NAME T_MS
	curl -s -f "$FAKE/_fake/posts?name=$2" | awk -F'\t' -v n="$1" -v t="$3" '$1 == n && $5 >= t { print $3 }' |
		while read -r key; do
			[ "$(sqlite3 "$DB" "SELECT count(*) FROM posts WHERE platform = '$1' AND key = '$key'")" = 1 ] ||
				echo "$key"
		done | wc -l
}
feed_off() {
	sed -i 's/^\[mastodon\]$/[mastodon]\nhome_feed = no/; s/^\[bluesky\]$/[bluesky]\nhome_feed = no/' "$CONF"
}

start_bus; ok $? "private bus started"

# ---- 1. the reference: everyone one by one -------------------------------
start_fake $SCENARIO; ok $? "fake API server: me follows 10 accounts on each network"
fake_config; feed_off
start_daemon; ok $? "mentord up with home_feed = no"
follow_ten; ok $? "ten accounts followed on Mastodon and Bluesky"
for i in 1 2 3; do ctl poll --wait >/dev/null; done
curl -s -f -X POST "$FAKE/_fake/stats/reset" >/dev/null
news; ok $? "new posts, reposts and posts of people who are not mentors added"
ctl poll --wait >/dev/null; ok $? "a round"
ref_m=$(reqs mastodon.account_statuses); ref_b=$(reqs bluesky.getAuthorFeed)
is "$(reqs mastodon.timelines_home)" 0 "home_feed = no: no home timeline asked for"
diag "one by one: $ref_m Mastodon statuses requests, $ref_b Bluesky author feeds"
mentor_dump "$T/reference.dump"
stop_daemon; ok $? "reference stopped"
stop_fake
rm -rf "$XDG_STATE_HOME/mentord"   # the database and the Bluesky session of the old port

# ---- 2. the home feed ---------------------------------------------------
start_fake $SCENARIO; ok $? "fake API server again"
fake_config
start_daemon; ok $? "mentord up (home_feed on by default)"
follow_ten; ok $? "the same ten accounts followed"
settle; ok $? "whom the user follows learnt; eight accounts a network joined the feed"
is "$(sqlite3 "$DB" "SELECT count(*) FROM feed_follows WHERE following = 1")" 16 "8 + 8 followed there"
is "$(sqlite3 "$DB" "SELECT count(*) FROM feed_follows WHERE following = 0")" 4 "doc9 and doc10 are not"
grep -q 'you follow [0-9]* of [0-9]* accounts' "$T/daemon.log"; ok $? "the check is logged"
curl -s -f -X POST "$FAKE/_fake/stats/reset" >/dev/null
news; ok $? "the same new posts"
ctl poll --wait >/dev/null; ok $? "a round"
m=$(reqs mastodon.account_statuses); b=$(reqs bluesky.getAuthorFeed)
is "$m" $((ref_m - 8)) "Mastodon: eight statuses requests fewer ($m instead of $ref_m)"
is "$b" $((ref_b - 8)) "Bluesky: eight author feeds fewer ($b instead of $ref_b)"
is "$(reqs mastodon.timelines_home)" 1 "Mastodon: one home timeline page"
is "$(reqs bluesky.getTimeline)" 1 "Bluesky: one timeline page"
is "$(reqs mastodon.relationships)" 0 "whom the user follows is not asked again within a day"
mentor_dump "$T/feed.dump"
diff "$T/reference.dump" "$T/feed.dump" >"$T/dump.diff"; ok $? "the same mentor posts and events as one by one"
[ -s "$T/dump.diff" ] && diag "$(head -5 "$T/dump.diff")"
n=$(sqlite3 "$DB" "SELECT count(*) FROM posts p JOIN accounts a ON a.id = p.account_id
                   WHERE a.handle LIKE 'doc2%' AND (p.key LIKE '%app.bsky.feed.repost%' OR p.key LIKE '%/activity')")
[ "$n" -ge 2 ]; ok $? "doc2's reposts are doc2's posts on both networks ($n)"
n=$(sqlite3 "$DB" "SELECT count(*) FROM events WHERE kind = 'post'")
is "$(sqlite3 "$DB" "SELECT count(DISTINCT dedupe) FROM events WHERE kind = 'post'")" "$n" "no post announced twice"
n=$(sqlite3 "$DB" "SELECT count(*) FROM candidates WHERE (handle LIKE 'doc11%' OR handle LIKE 'doc12%') AND seen_in_tags > 0")
is "$n" 4 "doc11 and doc12 (not mentors) became candidates on both networks"
is "$(sqlite3 "$DB" "SELECT count(*) FROM posts p JOIN accounts a ON a.id = p.account_id
                     WHERE a.handle LIKE 'doc11%' OR a.handle LIKE 'doc12%'")" 0 "and none of their posts is a mentor's"

# ---- 3. the window overflows: a catch-up, nothing lost ---------------------
t0=$(($(curl -s "$FAKE/_fake/clock" | jq '.now_ms // (.now * 1000) | floor')))
add mastodon doc3 350 post && add bluesky doc3 350 post && add mastodon doc4 2 post && add bluesky doc4 2 post
ok $? "350 new posts of doc3 on each network: more than the window of 300"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null; ok $? "two rounds"
grep -q "home feed's window ended before" "$T/daemon.log"; ok $? "the gap is logged"
is "$(missing_since mastodon doc3 "$t0")" 0 "Mastodon: every new post of doc3 stored"
is "$(missing_since bluesky doc3 "$t0")" 0 "Bluesky: every new post of doc3 stored"
is "$(missing_since mastodon doc4 "$t0")" 0 "Mastodon: and doc4's"
is "$(missing_since bluesky doc4 "$t0")" 0 "Bluesky: and doc4's"
settle; ok $? "after the catch-up the accounts join the feed again"

# ---- 4. the feed fails: one by one that round --------------------------------
fake_post /_fake/script '[{"path":"/api/v1/timelines/home","action":"status","code":503,"forever":true},
                          {"path":"/xrpc/app.bsky.feed.getTimeline","action":"status","code":500,"forever":true}]'
ok $? "home timelines answer 5xx"
t0=$(($(curl -s "$FAKE/_fake/clock" | jq '.now_ms // (.now * 1000) | floor')))
curl -s -f -X POST "$FAKE/_fake/stats/reset" >/dev/null
add mastodon doc1 2 post && add bluesky doc1 2 post; ok $? "new posts of doc1"
ctl poll --wait >/dev/null; ok $? "a round"
grep -q 'home feed failed' "$T/daemon.log"; ok $? "the failure is logged"
ctl --json status | jq -r '.platforms[].last_error // empty' | grep -q 'home feed failed'
ok $? "and shown in status"
is "$(missing_since mastodon doc1 "$t0")" 0 "Mastodon: doc1's posts read one by one in the same round"
is "$(missing_since bluesky doc1 "$t0")" 0 "Bluesky: likewise"
[ "$(reqs mastodon.account_statuses)" -ge 10 ]; ok $? "every account asked for one by one"
daemon_alive; ok $? "mentord still running"
curl -s -f -X POST "$FAKE/_fake/script/clear" >/dev/null

# ---- 5. kill -9 in the middle of a feed walk --------------------------------
settle; ok $? "the feed back in use"
t0=$(($(curl -s "$FAKE/_fake/clock" | jq '.now_ms // (.now * 1000) | floor')))
add mastodon doc5 150 post && add bluesky doc5 150 post; ok $? "150 new posts of doc5: several feed pages"
fake_post /_fake/script '[{"path":"/api/v1/timelines/home","action":"hang","skip":1,"forever":true},
                          {"path":"/xrpc/app.bsky.feed.getTimeline","action":"hang","skip":1,"forever":true}]'
ctl poll >/dev/null
i=0; while [ $i -lt 100 ] && [ "$(reqs mastodon.timelines_home)" -lt 2 -o "$(reqs bluesky.getTimeline)" -lt 2 ]; do
	sleep 0.1; i=$((i + 1)); done
kill -9 "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null
ok 0 "mentord killed while its second feed pages hang"
curl -s -f -X POST "$FAKE/_fake/script/clear" >/dev/null
sqlite3 "$DB" 'PRAGMA integrity_check' | grep -qx ok; ok $? "database consistent"
start_daemon; ok $? "mentord up again"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null; ok $? "two rounds"
is "$(missing_since mastodon doc5 "$t0")" 0 "Mastodon: every post of doc5 stored"
is "$(missing_since bluesky doc5 "$t0")" 0 "Bluesky: every post of doc5 stored"
is "$(sqlite3 "$DB" "SELECT count(*) - count(DISTINCT dedupe) FROM events")" 0 "no event twice"

stop_daemon; ok $? "stopped"
stop_fake
finish
