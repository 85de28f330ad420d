#!/bin/sh
# History back-fill: a newly followed account brings its past down to the
# history window (30 days here), on every network, through kill -9, while
# new posts arrive; it runs below refreshes, within history_share of each
# rate window, and `status` counts the accounts still back-filling.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

DB="$XDG_STATE_HOME/mentord/mentord.db"
SRV="$T/srv.db"
DAY=86400
# 400 posts per account over 60 days: about 200 inside a 30-day window,
# several history pages on every network (X 100, Mastodon 40, Bluesky 100).
SCENARIO="--accounts 6 --posts 400 --span-days 60"
SINCE=$((FAKE_T0 - 30 * DAY))

follow_three() {  # doc1..doc3 on every network
	for i in 1 2 3; do
		ctl follow x "doc$i" >/dev/null && ctl follow mastodon "doc$i" >/dev/null &&
			ctl follow bluesky "doc$i.bsky.social" >/dev/null || return 1
	done
}
backfilling() { ctl --json status | jq '[.platforms[].backfilling] | add'; }
wait_backfilled() {  # at most 60 s
	i=0
	while [ $i -lt 120 ]; do
		[ "$(backfilling)" = 0 ] && [ "$(sqlite3 "$DB" 'SELECT count(*) FROM backfill WHERE token IS NULL')" -ge 9 ] &&
			return 0
		sleep 0.5; i=$((i + 1))
	done
	return 1
}
# The server's posts, as a table beside the database (FAKEAPI.md /_fake/posts).
load_server() {
	curl -s -f "$FAKE/_fake/posts" > "$T/srv.tsv" || return 1
	rm -f "$SRV"
	sqlite3 "$SRV" "CREATE TABLE srv (net TEXT, sid TEXT, key TEXT, ord INTEGER, t INTEGER, tags TEXT)" &&
		sqlite3 -cmd '.mode tabs' "$SRV" ".import $T/srv.tsv srv"
}
# "MISSING EXTRA OLD": the followed accounts' server posts since the window's
# start that the database lacks; posts stored twice; stored posts of them
# older than the window (the last history page may reach a little below it).
window_check() {
	sqlite3 -separator ' ' "$DB" "ATTACH '$SRV' AS s;
		WITH f AS (SELECT platform AS net, stable_id AS sid, id FROM accounts WHERE followed = 1)
		SELECT (SELECT count(*) FROM s.srv v JOIN f ON f.net = v.net AND f.sid = v.sid
		        WHERE v.t >= $SINCE * 1000 AND NOT EXISTS
		          (SELECT 1 FROM posts p WHERE p.platform = v.net AND p.key = v.key)),
		       (SELECT count(*) - count(DISTINCT platform || ' ' || key) FROM posts),
		       (SELECT count(*) FROM posts p JOIN f ON f.id = p.account_id WHERE p.created_at < $SINCE)"
}

start_bus; ok $? "private bus started"

# ---- 1. the uninterrupted reference -------------------------------------
start_fake $SCENARIO; ok $? "fake API server: 400 posts per account over 60 days"
fake_config "history = 30d"
start_daemon; ok $? "mentord up with history = 30d"
follow_three; ok $? "three accounts on each network followed"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null; ok $? "first syncs"
wait_backfilled; ok $? "back-fill finished on every network"
load_server; ok $? "server's posts listed"
set -- $(window_check)
is "$1" 0 "every post of the last 30 days is stored"
is "$2" 0 "no post stored twice"
[ "${3:-999}" -le 300 ]; ok $? "back-fill stops near the window's start (${3:-?} older posts, at most a page per account)"
is "$(sqlite3 "$DB" "SELECT count(*) FROM backfill WHERE token IS NULL AND since BETWEEN $SINCE - 60 AND $SINCE + 600")" 9 \
	"nine accounts back-filled down to the window"
for net in x mastodon bluesky; do
	n=$(sqlite3 "$DB" "SELECT count(*) FROM posts p JOIN accounts a ON a.id = p.account_id
	                   WHERE a.platform = '$net' AND a.followed = 1")
	[ "$n" -ge 540 ]; ok $? "$net: about 200 posts per account, not one page ($n)"
done
grep -q 'history .*done' "$T/daemon.log"; ok $? "back-fill pages logged as history"
ev=$(sqlite3 "$DB" "SELECT count(*) FROM events WHERE kind = 'post' AND at < $FAKE_T0 - 7 * $DAY")
[ "$ev" -gt 500 ]; ok $? "back-filled posts count in the ledger ($ev post events older than a week)"
dump_ledger "$T/reference.dump"
stop_daemon; ok $? "reference stopped"
stop_fake

# ---- 2. kill -9 during back-fill, with new posts arriving -----------------
rm -rf "$XDG_STATE_HOME"
start_fake $SCENARIO; ok $? "fake API server again, same scenario"
# Every answer 150 ms late, so that the kills land in the middle of the back-fill.
fake_post /_fake/script '{"path":"/","action":"delay","ms":150,"count":-1}'; ok $? "answers delayed"
fake_config "history = 30d"
start_daemon; ok $? "mentord up"
follow_three; ok $? "same follows"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null; ok $? "first syncs"
bad=0; k=1; mid=0
while [ $k -le 12 ]; do
	if [ $k -eq 4 ] || [ $k -eq 8 ]; then
		fake_post /_fake/add_posts '{"network":"all","account":"doc2","count":5,"kind":"post"}' || bad=$((bad + 1))
		ctl poll >/dev/null 2>&1
	fi
	sleep "$(awk -v r="$(od -An -N2 -tu2 /dev/urandom)" 'BEGIN { printf "%.3f", (r % 200) / 1000 }')"
	kill -9 "$DAEMON_PID" 2>/dev/null; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=
	[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ] || bad=$((bad + 1))
	[ "$(sqlite3 "$DB" 'SELECT count(*) FROM backfill WHERE token IS NOT NULL')" -gt 0 ] && mid=$((mid + 1))
	[ "$(sqlite3 "$DB" "SELECT count(*) - count(DISTINCT platform || ' ' || key) FROM posts")" = 0 ] ||
		bad=$((bad + 1))
	start_daemon || bad=$((bad + 1))
	k=$((k + 1))
done
is "$bad" 0 "12 kills during back-fill: database intact, no post twice"
[ "$mid" -ge 2 ]; ok $? "kills landed with back-fill under way ($mid of 12)"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null
wait_backfilled; ok $? "back-fill resumed and finished"
load_server; ok $? "server's posts listed"
set -- $(window_check)
is "$1" 0 "after the kills every post of the window is stored, the 10 new ones too"
is "$2" 0 "and none twice"
# Added posts are stamped from the server's clock on (FAKE_T0 ms, +1 ms...).
set -- $(sqlite3 -separator ' ' "$DB" "ATTACH '$SRV' AS s;
	SELECT count(p.key), count(*) FROM s.srv v LEFT JOIN posts p ON p.platform = v.net AND p.key = v.key
	WHERE v.t >= $FAKE_T0 * 1000")
is "$1/$2" "30/30" "the posts added during back-fill arrived (10 on each network)"
dump_ledger "$T/crashed.dump"
# The crashed run holds the reference's posts and events plus the news.
missing=$(comm -23 "$T/reference.dump" "$T/crashed.dump" | wc -l)
is "$missing" 0 "nothing of the uninterrupted run's ledger is missing"
stop_daemon

# ---- 3. own windows: --history, raising it, and 0 -------------------------
rm -rf "$XDG_STATE_HOME"
fake_config "history = 0"
start_daemon; ok $? "mentord up with history = 0"
ctl follow mastodon doc4 --history 7d >/dev/null; ok $? "follow --history 7d"
ctl follow mastodon doc5 >/dev/null; ok $? "follow with the default (0)"
ctl follow mastodon doc6 --history 3651d >/dev/null 2>&1; is $? 2 "--history beyond 3650d is a usage error"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null
wait_backfilled_one() {  # PLATFORM STABLE_ID: its row is done
	i=0
	while [ $i -lt 60 ]; do
		[ "$(sqlite3 "$DB" "SELECT count(*) FROM backfill WHERE target = 'account:$2' AND token IS NULL")" = 1 ] && return 0
		sleep 0.5; i=$((i + 1))
	done
	return 1
}
D4=$(sqlite3 "$DB" "SELECT stable_id FROM accounts WHERE handle = 'doc4'")
D5=$(sqlite3 "$DB" "SELECT stable_id FROM accounts WHERE handle = 'doc5'")
wait_backfilled_one mastodon "$D4"; ok $? "doc4 back-filled its own 7 days"
old4=$(sqlite3 "$DB" "SELECT min(p.created_at) FROM posts p JOIN accounts a ON a.id = p.account_id WHERE a.handle = 'doc4'")
[ "$old4" -lt $((FAKE_T0 - 7 * DAY)) ] && [ "$old4" -gt $((FAKE_T0 - 14 * DAY)) ]; ok $? "doc4 reaches 7 days back, within a page ($(( (FAKE_T0 - old4) / 3600 )) h)"
is "$(sqlite3 "$DB" "SELECT count(*) FROM backfill WHERE target = 'account:$D5'")" 0 "doc5 (history 0) has no back-fill"
n5=$(sqlite3 "$DB" "SELECT count(*) FROM posts p JOIN accounts a ON a.id = p.account_id WHERE a.handle = 'doc5'")
[ "$n5" -le 40 ]; ok $? "doc5 keeps one page ($n5 posts)"
# Raising a window walks on below what is stored.
out=$(ctl follow mastodon doc4 --history 20d 2>&1); ok $? "follow --history 20d of a followed account raises its window"
case "$out" in "Already following doc4 on mastodon"*) ok 0 "and says so";; *) ok 1 "and says so ($out)";; esac
busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 SetHistory ssx mastodon doc4 1728000 >/dev/null
ok $? "SetHistory to 20 days answers too"
i=0
while [ $i -lt 60 ]; do
	old4=$(sqlite3 "$DB" "SELECT min(p.created_at) FROM posts p JOIN accounts a ON a.id = p.account_id WHERE a.handle = 'doc4'")
	[ "$old4" -lt $((FAKE_T0 - 19 * DAY)) ] && break
	sleep 0.5; i=$((i + 1))
done
[ "$old4" -lt $((FAKE_T0 - 19 * DAY)) ]; ok $? "doc4 now reaches 20 days back"
busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 SetHistory ssx mastodon nobody 0 2>/dev/null
[ $? -ne 0 ]; ok $? "SetHistory of an account not followed is refused"
stop_daemon
stop_fake

# ---- 4. within history_share of a window ----------------------------------
rm -rf "$XDG_STATE_HOME"
# 1,500 posts in each window: 15 history pages per account, more than the window has.
start_fake --accounts 2 --posts 3000 --span-days 60 --rate x.users_tweets=20/900
ok $? "fake server with 20 X timeline requests per window"
fake_config "history = 30d
history_share = 50%"
n0=$(wc -l < "$T/daemon.log")
start_daemon; ok $? "mentord up, history_share = 50%"
ctl follow x doc1 >/dev/null && ctl follow x doc2 >/dev/null; ok $? "two X accounts"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null
sleep 2
hp=$(tail -n +$((n0 + 1)) "$T/daemon.log" | grep -c '^<7>x: history ')
[ "$hp" -ge 3 ] && [ "$hp" -le 10 ]; ok $? "back-fill took at most half the window ($hp of 20 requests)"
bf=$(ctl --json status | jq '.platforms[] | select(.platform == "x") | .backfilling')
[ "${bf:-0}" -ge 1 ]; ok $? "and waits for the next window ($bf X accounts back-filling)"
ctl poll --wait >/dev/null; ok $? "a refresh round still runs"
is "$(curl -s "$FAKE/_fake/stats" | jq '.buckets["x.users_tweets"].over')" 0 "no request beyond the window"
stop_daemon; ok $? "stopped cleanly"
finish
