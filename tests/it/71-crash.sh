#!/bin/sh
# kill -9 in the middle of ingest, again and again: after each restart the
# database is intact, and the final ledger equals an uninterrupted run's.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

DB="$XDG_STATE_HOME/mentord/mentord.db"
KILLS=${MENTORD_CRASH_KILLS:-8}

follow_many() {
	i=1
	while [ $i -le 12 ]; do
		ctl follow x "doc$i" >/dev/null && ctl follow mastodon "doc$i" >/dev/null &&
			ctl follow bluesky "doc$i.bsky.social" >/dev/null || return 1
		i=$((i + 1))
	done
	ctl track meded >/dev/null && ctl track cardiology >/dev/null
}

add_many() {  # 150 new posts for each of the 12 accounts on every network
	i=1
	while [ $i -le 12 ]; do
		fake_post /_fake/add_posts "{\"network\":\"all\",\"account\":\"doc$i\",\"count\":150,\"kind\":\"post\"}" || return 1
		i=$((i + 1))
	done
}

start_bus; ok $? "private bus started"
start_fake --accounts 12 --posts 300 --span-days 6; ok $? "fake API server with 10,800 posts"
fake_config

# The reference: one uninterrupted run.
start_daemon; ok $? "reference: mentord up"
follow_many; ok $? "reference: 36 accounts and 2 tags followed"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null; ok $? "reference: polled"
add_many; ok $? "reference: 5,400 new posts on the server"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null; ok $? "reference: polled new posts"
dump_ledger "$T/reference.dump"
stop_daemon; ok $? "reference: stopped"
stop_fake

# The same scenario, killed at random moments.
rm -rf "$XDG_STATE_HOME"
start_fake --accounts 12 --posts 300 --span-days 6; ok $? "fake API server again, same scenario"
fake_config
start_daemon; ok $? "crashing run: mentord up"
follow_many; ok $? "crashing run: same follows"
survived=0; bad=0
k=1
while [ $k -le "$KILLS" ]; do
	if [ $k -eq $((KILLS / 2)) ]; then
		# What a first sync reads depends on when it runs (it keeps one
		# page as history), so first syncs complete before the new posts
		# arrive, as in the reference run; kills go on during the
		# multi-page walks that follow.
		ctl poll --wait >/dev/null; ctl poll --wait >/dev/null
		add_many
	fi
	ctl poll >/dev/null 2>&1
	# 0-150 ms into the round
	sleep "0.$(printf '%03d' $(( $(od -An -N2 -tu2 /dev/urandom) % 150 )))"
	kill -9 "$DAEMON_PID" 2>/dev/null; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=
	[ "$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)" = ok ] || bad=$((bad + 1))
	[ "$(sqlite3 "$DB" 'SELECT count(*) - count(DISTINCT platform || key) FROM posts')" = 0 ] || bad=$((bad + 1))
	start_daemon || bad=$((bad + 1))
	survived=$((survived + 1))
	k=$((k + 1))
done
is "$bad" 0 "$survived kills: database intact and free of duplicates after every one"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null && ctl poll --wait >/dev/null
ok $? "crashing run: finished polling"
dump_ledger "$T/crashed.dump"
if cmp -s "$T/reference.dump" "$T/crashed.dump"; then
	ok 0 "final ledger equals the uninterrupted run ($(wc -l < "$T/reference.dump") rows)"
else
	ok 1 "final ledger equals the uninterrupted run"
	diff "$T/reference.dump" "$T/crashed.dump" | head -10 | sed 's/^/# /'
fi
stop_daemon; ok $? "stopped cleanly"
finish
