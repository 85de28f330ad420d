#!/bin/sh
# kill -9 in the middle of ingest, again and again: after each restart the
# database is intact, holds no post twice, every watermark (cursor) it
# stored is backed by every post the fake server had served up to it, and
# the final ledger equals an uninterrupted run's.
#
# Knobs (environment):
#   MENTORD_CRASH_KILLS  number of SIGKILLs (default 50; half during the
#                        first syncs, half during the walks over new posts)
#   MENTORD_CRASH_WAVES  batches of new posts the second half ingests
#                        (default 5, 30 posts per account and network each)
#   MENTORD_CRASH_MAXMS  a kill lands 0..N ms into a poll round (default 150)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

DB="$XDG_STATE_HOME/mentord/mentord.db"
SRV="$T/srv.db"
KILLS=${MENTORD_CRASH_KILLS:-50}
WAVES=${MENTORD_CRASH_WAVES:-5}
MAXMS=${MENTORD_CRASH_MAXMS:-150}
[ "$KILLS" -ge 2 ] || KILLS=2
[ "$WAVES" -ge 1 ] || WAVES=1
PER_WAVE=$((150 / WAVES))

follow_many() {
	i=1
	while [ $i -le 12 ]; do
		ctl follow x "doc$i" >/dev/null && ctl follow mastodon "doc$i" >/dev/null &&
			ctl follow bluesky "doc$i.bsky.social" >/dev/null || return 1
		i=$((i + 1))
	done
	ctl track meded >/dev/null && ctl track cardiology >/dev/null
}

add_wave() {  # PER_WAVE new posts for each of the 12 accounts on every network
	i=1
	while [ $i -le 12 ]; do
		fake_post /_fake/add_posts "{\"network\":\"all\",\"account\":\"doc$i\",\"count\":$PER_WAVE,\"kind\":\"post\"}" || return 1
		i=$((i + 1))
	done
}

# What the server holds now (every visible post, see FAKEAPI.md /_fake/posts),
# as a table next to the daemon's database; the first listing (before any
# new post) also gives each account's floor: its newest post a first sync
# saw, from which on the account's walks must have missed nothing.
load_server() {
	curl -s -f "$FAKE/_fake/posts" > "$T/srv.tsv" || return 1
	rm -f "$SRV"
	sqlite3 "$SRV" "CREATE TABLE srv (net TEXT, sid TEXT, key TEXT, ord INTEGER, t INTEGER, tags TEXT);
	                CREATE TABLE floor (net TEXT, sid TEXT, floor INTEGER)" &&
		sqlite3 -cmd '.mode tabs' "$SRV" ".import $T/srv.tsv srv" || return 1
	[ -s "$T/floor.tsv" ] ||
		sqlite3 -separator '	' "$SRV" "SELECT net, sid, max(ord) FROM srv GROUP BY net, sid" > "$T/floor.tsv"
	sqlite3 -cmd '.mode tabs' "$SRV" ".import $T/floor.tsv floor" &&
		sqlite3 "$SRV" "CREATE INDEX srv_acct ON srv(net, sid, ord)"
}

# cursor_gaps — prints "CHECKED MISSING": for every account watermark, the
# server's posts of that account from its floor (older posts are history,
# one page of which a first sync keeps) up to the watermark, and how many of
# them the database lacks. X and Mastodon watermarks are ids; Bluesky's are
# "<sort ms> <uri>"; X batch members share the batch's newest id.
cursor_gaps() {
	sqlite3 -separator ' ' "$DB" "ATTACH '$SRV' AS s;
		WITH c AS (
			SELECT platform AS net, substr(target, 9) AS sid,
			       CASE WHEN platform = 'bluesky'
			            THEN CAST(substr(cursor, 1, instr(cursor, ' ') - 1) AS INTEGER)
			            ELSE CAST(cursor AS INTEGER) END AS wm
			FROM main.cursors WHERE target LIKE 'account:%' AND cursor IS NOT NULL),
		f AS (SELECT net, sid, floor FROM s.floor)
		SELECT count(*), coalesce(sum(p.id IS NULL), 0)
		FROM c JOIN f USING (net, sid)
		JOIN s.srv v ON v.net = c.net AND v.sid = c.sid AND v.ord >= f.floor AND v.ord <= c.wm
		LEFT JOIN main.posts p ON p.platform = v.net AND p.key = v.key"
}

# First syncs are history: what each keeps depends on when it runs, so both
# runs finish them before new posts arrive. A fast daemon needs two rounds;
# a slow one (valgrind: Mastodon resolves one handle per request) more.
# Done when every target (12 accounts and 2 tags on each network, own
# posts, interactions) has its first watermark.
first_syncs_done() {
	[ "$(sqlite3 "$DB" 'SELECT count(*) FROM cursors WHERE cursor IS NOT NULL' 2>/dev/null || echo 0)" -ge 48 ]
}
poll_until_synced() {
	ctl poll --wait >/dev/null && ctl poll --wait >/dev/null || return 1
	n=0
	while ! first_syncs_done && [ $n -lt 30 ]; do
		ctl poll --wait >/dev/null
		n=$((n + 1))
	done
	first_syncs_done
}

# After a kill: the checks the issue lists, counting failures in $bad.
check_after_kill() {
	r=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
	[ "$r" = ok ] || { bad=$((bad + 1)); diag "kill $k: integrity_check: $r"; }
	r=$(sqlite3 "$DB" "SELECT (SELECT count(*) - count(DISTINCT platform || ' ' || key) FROM posts) ||
	                          ' ' || (SELECT count(*) - count(DISTINCT platform || ' ' || net_id) FROM posts) ||
	                          ' ' || (SELECT count(dedupe) - count(DISTINCT dedupe) FROM events)")
	[ "$r" = "0 0 0" ] || { bad=$((bad + 1)); diag "kill $k: duplicates (key, net id, event): $r"; }
	set -- $(cursor_gaps)
	checked=$((checked + ${1:-0}))
	[ "${2:-x}" = 0 ] || { bad=$((bad + 1)); diag "kill $k: ${2:-?} of ${1:-?} posts below a stored cursor missing"; }
}

# The fake clock stays frozen (so both runs' posts get the same ids), so
# rate windows never roll over: budgets are raised out of the way of ~50
# restarts' polls (72-limits and 74-soak test the budgets).
RATES="--rate mastodon.api=1000000 --rate mastodon.paging=1000000 --rate x.search_recent=1000000
       --rate x.users_mentions=1000000 --rate x.users=1000000 --rate bluesky.api=1000000
       --rate bluesky.createSession=1000000"
start_bus; ok $? "private bus started"
# shellcheck disable=SC2086
start_fake --accounts 12 --posts 300 --span-days 6 $RATES; ok $? "fake API server with 10,800 posts"
fake_config

# The reference: one uninterrupted run.
start_daemon; ok $? "reference: mentord up"
follow_many; ok $? "reference: 36 accounts and 2 tags followed"
poll_until_synced; ok $? "reference: polled, every first sync done"
load_server; ok $? "reference: server's posts listed"
w=1; r=0
while [ $w -le "$WAVES" ]; do add_wave || r=1; w=$((w + 1)); done
ok $r "reference: $((PER_WAVE * WAVES * 36)) new posts on the server"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null && ctl poll --wait >/dev/null
ok $? "reference: polled new posts"
dump_ledger "$T/reference.dump"
load_server || diag "cannot list the server's posts"
set -- $(cursor_gaps)
ok $([ "${2:-x}" = 0 ] && [ "${1:-0}" -gt 0 ]; echo $?) "reference: every post below a cursor stored (${1:-?} checked)"
stop_daemon; ok $? "reference: stopped"
stop_fake

# The same scenario, killed at random moments.
rm -rf "$XDG_STATE_HOME"
# shellcheck disable=SC2086
start_fake --accounts 12 --posts 300 --span-days 6 $RATES; ok $? "fake API server again, same scenario"
fake_config
load_server || diag "cannot list the server's posts"
start_daemon; ok $? "crashing run: mentord up"
follow_many; ok $? "crashing run: same follows"
survived=0; bad=0; checked=0; waves=0
half=$((KILLS / 2))
k=1
while [ $k -le "$KILLS" ]; do
	if [ $k -eq "$half" ]; then
		# What a first sync reads depends on when it runs (it keeps one
		# page as history), so first syncs complete before the new posts
		# arrive, as in the reference run; kills go on during the
		# multi-page walks that follow.
		poll_until_synced || diag "first syncs not all done before the new posts"
	fi
	# The waves arrive spread over the second half, so most kills land
	# in a walk with something left to read.
	if [ $k -ge "$half" ] && [ $waves -lt "$WAVES" ] &&
	   [ $(( (k - half) * WAVES )) -ge $(( waves * (KILLS - half) )) ]; then
		add_wave || bad=$((bad + 1))
		waves=$((waves + 1))
		load_server || bad=$((bad + 1))
	fi
	ctl poll >/dev/null 2>&1
	sleep "$(awk -v r="$(od -An -N2 -tu2 /dev/urandom)" -v m="$MAXMS" 'BEGIN { printf "%.3f", (r % (m + 1)) / 1000 }')"
	kill -9 "$DAEMON_PID" 2>/dev/null; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=
	check_after_kill
	start_daemon || { bad=$((bad + 1)); diag "kill $k: restart failed"; }
	survived=$((survived + 1))
	k=$((k + 1))
done
while [ $waves -lt "$WAVES" ]; do add_wave; waves=$((waves + 1)); done
load_server
is "$bad" 0 "$survived kills: after every one the database is intact, without duplicates, and complete below its cursors ($checked post-cursor checks)"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null && ctl poll --wait >/dev/null
ok $? "crashing run: finished polling"
dump_ledger "$T/crashed.dump"
if cmp -s "$T/reference.dump" "$T/crashed.dump"; then
	ok 0 "final ledger equals the uninterrupted run ($(wc -l < "$T/reference.dump") rows)"
else
	ok 1 "final ledger equals the uninterrupted run"
	diff "$T/reference.dump" "$T/crashed.dump" | head -10 | sed 's/^/# /'
fi
set -- $(cursor_gaps)
is "${2:-x}" 0 "final cursors: every post below them stored (${1:-?} checked)"
diag "figures: kills=$survived waves=$WAVES post-cursor checks=$checked"
stop_daemon; ok $? "stopped cleanly"
finish
