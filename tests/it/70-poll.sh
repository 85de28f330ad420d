#!/bin/sh
# Polling all three networks against the fake API server: the same scenario
# run clean and with every kind of fault must end with exactly the same posts
# and ledger events, and the daemon must survive every fault.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

DB="$XDG_STATE_HOME/mentord/mentord.db"

setup_follows() {
	ctl follow x doc1 --name "Dr One" >/dev/null &&
	ctl follow mastodon doc1 --mentor 1 >/dev/null &&
	ctl follow bluesky doc1.bsky.social --mentor 1 >/dev/null &&
	ctl follow x doc2 >/dev/null &&
	ctl follow mastodon doc3 >/dev/null &&
	ctl follow bluesky doc4.bsky.social >/dev/null &&
	ctl track meded >/dev/null
}

new_activity() {
	fake_post /_fake/add_posts '{"network":"all","account":"doc1","count":3,"kind":"post","tags":[]}' &&
	fake_post /_fake/add_posts '{"network":"mastodon","account":"doc3","count":1,"kind":"reply_me"}' &&
	fake_post /_fake/add_posts '{"network":"bluesky","account":"doc4","count":1,"kind":"mention_me"}' &&
	fake_post /_fake/add_posts '{"network":"x","account":"doc2","count":2,"kind":"post","tags":["meded"]}'
}

# One fault per kind. The 429 goes to an X endpoint: X budgets are per
# endpoint, while Bluesky's AppView and PDS share this one host, so a 429
# there would (rightly) hold back the hang and the oversized answer queued
# behind it on the same host.
faults() {
	for rule in \
		'{"path":"/api/v1/accounts/109000000000000001/statuses","action":"status","code":500,"count":1}' \
		'{"path":"/api/v1/accounts/109000000000000003/statuses","action":"truncate","count":1}' \
		'{"path":"/api/v1/timelines/tag/","action":"html","code":503,"count":1}' \
		'{"path":"/api/v1/notifications","action":"wrong_types","variant":"all","count":1}' \
		'{"path":"/xrpc/app.bsky.feed.getAuthorFeed","action":"out_of_order","count":1}' \
		'{"path":"/xrpc/app.bsky.feed.searchPosts","action":"hang","count":1}' \
		'{"path":"/xrpc/app.bsky.notification.listNotifications","action":"big","bytes":9000000,"count":1}' \
		'{"path":"/2/tweets/search/recent","action":"duplicate","count":2}' \
		'{"path":"/2/users/1500000000000000000/mentions","action":"429","reset_in":2,"count":1}' \
		'{"path":"/2/users/1500000000000000000/tweets","action":"status","code":503,"count":1}'
	do fake_post /_fake/script "$rule" || return 1; done
}

# run_scenario NAME WITH_FAULTS — leaves the ledger dump in $T/NAME.dump
run_scenario() {
	name=$1; with_faults=$2
	rm -rf "$XDG_STATE_HOME"
	start_fake --accounts 6 --posts 40; ok $? "$name: fake API server up"
	fake_config
	start_daemon; ok $? "$name: mentord up"
	setup_follows; ok $? "$name: follows and a tag"
	ctl poll --wait >/dev/null; ok $? "$name: first poll round"
	ctl poll --wait >/dev/null
	new_activity; ok $? "$name: new posts and interactions on the server"
	if [ "$with_faults" = yes ]; then
		faults; ok $? "$name: faults scripted"
		ctl poll --wait >/dev/null; ok $? "$name: poll round under faults returns"
		daemon_alive; ok $? "$name: daemon survives every fault"
		ctl --json status > "$T/$name.status"
		n=$(jq '[.platforms[] | select(.last_error != null)] | length' "$T/$name.status")
		[ "$n" -ge 2 ]; ok $? "$name: status shows last errors ($n networks)"
		grep -q "rate limited" "$T/daemon.log"; ok $? "$name: 429 understood as a rate limit"
		grep -q "timed out\|timeout" "$T/daemon.log"; ok $? "$name: hung request timed out"
		grep -qi "too large" "$T/daemon.log"; ok $? "$name: oversized body refused"
		fake_post /_fake/script/clear '{}'
		sleep 2.5   # the 429's window
	fi
	ctl poll --wait >/dev/null; ok $? "$name: recovery round"
	ctl poll --wait >/dev/null; ok $? "$name: final round"
	dump_ledger "$T/$name.dump"
	stop_daemon; ok $? "$name: mentord stopped cleanly"
	stop_fake
}

start_bus; ok $? "private bus started"
run_scenario clean no
for p in x mastodon bluesky; do
	n=$(grep -c "^post $p " "$T/clean.dump")
	[ "$n" -gt 10 ]; ok $? "clean: $p posts ingested ($n)"
done
for k in post reply_to_me mention_of_me; do
	grep -q "^event $k " "$T/clean.dump"; ok $? "clean: $k events derived"
done
is "$(sqlite3 "$DB" "SELECT count(*) FROM accounts WHERE stable_id IS NULL")" 0 "every followed handle resolved"
for p in x mastodon bluesky; do
	for target in tag:meded own interactions; do
		[ -n "$(cursor_of $p $target)" ]; ok $? "clean: $p $target has a watermark"
	done
done
is "$(sqlite3 "$DB" "SELECT count(DISTINCT target) FROM cursors WHERE platform = 'mastodon'")" 5 \
	"mastodon watermarks: 2 accounts, tag, own, interactions"
is "$(sqlite3 "$DB" "SELECT count(*) FROM posts p JOIN accounts a ON a.id = p.account_id
	WHERE a.handle = 'doc1' AND p.platform = 'mastodon' AND p.text LIKE '%'")" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM posts p JOIN accounts a ON a.id = p.account_id
	WHERE a.handle = 'doc1' AND p.platform = 'mastodon'")" "posts keep their text"

S="$XDG_STATE_HOME/mentord/bluesky-session.json"
is "$(stat -c %a "$S" 2>/dev/null)" 600 "Bluesky session kept in its own 0600 file"
jwt=$(jq -r '.accessJwt // .access_jwt // empty' "$S" 2>/dev/null | head -c 40)
[ -n "$jwt" ]; ok $? "session file holds the access token"
leak=0
for secret in fake-x-token fake-mastodon-token fake-app-password "$jwt"; do
	[ -n "$secret" ] || continue
	grep -qF "$secret" "$T/daemon.log" && leak=1
	sqlite3 "$DB" .dump | grep -qF "$secret" && leak=1
done
is "$leak" 0 "no token, password or session JWT in the log or the ledger database"

run_scenario faulty yes
if cmp -s "$T/clean.dump" "$T/faulty.dump"; then
	ok 0 "after faults clear: exactly the same posts and events as the clean run"
else
	ok 1 "after faults clear: exactly the same posts and events as the clean run"
	diff "$T/clean.dump" "$T/faulty.dump" | head -20 | sed 's/^/# /'
fi
is "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "database intact"
is "$(sqlite3 "$DB" 'SELECT count(*) - count(DISTINCT platform || key) FROM posts')" 0 "no post stored twice"
finish
