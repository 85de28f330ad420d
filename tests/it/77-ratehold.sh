#!/bin/sh
# A 429 closes its rate key until the reset it announced (issue 13, item 2):
# X per endpoint, Mastodon per instance, Bluesky per host (AppView and PDS
# apart). The fake server keeps answering 429 until that reset ("hold"), as
# real servers do. Target: no request reaches a held key inside the window
# apart from those already on the wire when the 429 came.
#
# Nothing is timed; requests are counted, on both sides:
#   - the daemon's log (-v) shows every request it hands to curl ("http: GET
#     URL") and every answer ("... -> ok 429"), and the line where it takes
#     the 429 as a rate limit: what was in flight then, what it sent after;
#   - the server counts the requests that reached a bucket inside the window
#     (after_429) and, of those, the ones that came on a connection which had
#     carried the 429 (after_429_read): one request at a time goes over an
#     HTTP/1.1 connection, so the client sent them after reading the 429.
#     curl itself may do that with requests handed to it together (it sends
#     the next on the connection the first one freed, before the daemon
#     hears of the answer), so after_429_read is only asserted where nothing
#     else is in flight on the key (D).
# Both clocks run SCALE times faster, so a reset minutes ahead comes in seconds.
#
#   A. held 429s on X search/recent (hashtag searches and batches of
#      followed accounts), Bluesky's AppView (getAuthorFeed) and Mastodon
#      (one account's statuses: the whole instance). X timelines and
#      mentions, and the Bluesky PDS (search, notifications), keep going.
#   B. past the reset, polling resumes on every held key.
#   C. the same with one answer on each key slow: a walk's page that was on
#      the wire when the 429 came arrives after it; its next page must wait.
#   D. X requests wait in the HTTP layer's queue for the host they share with
#      Mastodon and the Bluesky PDS (all on 127.0.0.1 here) while slow
#      Mastodon answers hold its slots: when the first search draws the
#      held 429, the ones queued behind it must stay there.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

SCALE=${MENTORD_HOLD_SCALE:-120}
[ -n "$MENTORD_WRAP" ] && [ -z "${MENTORD_HOLD_SCALE:-}" ] && SCALE=30
RESET_IN=600            # simulated seconds: 5 real seconds at x120
TAGS="meded cardiology healthequity nephrology foamed globalhealth"
NX=60                   # followed X accounts: more than one search batch
# The daemon's cap on requests in flight per network: when a 429 comes, at
# most this many minus the one that drew it can still be on the wire.
MAXFL=$(sed -n 's/^#define SCHED_MAX_INFLIGHT *\([0-9]*\).*/\1/p' "$SRC/daemon/poll/sched_internal.h")
: "${MAXFL:=4}"

R0=$(date +%s)
sim_now() { awk -v r0="$R0" -v t0="$FAKE_T0" -v s="$SCALE" -v now="$(date +%s.%N)" \
	'BEGIN { printf "%d", t0 + (now - r0) * s }'; }
sleep_until_sim() {  # sleep_until_sim T
	d=$(awk -v r0="$R0" -v t0="$FAKE_T0" -v s="$SCALE" -v t="$1" -v now="$(date +%s.%N)" \
		'BEGIN { d = r0 + (t - t0) / s - now; printf "%.3f", (d > 0 ? d : 0) }')
	sleep "$d"
}
stats() { curl -s -f "$FAKE/_fake/stats"; }
ep() { jq -r ".endpoints[\"$2\"].requests // 0" "$1"; }        # ep STATS ENDPOINT
ep429() { jq -r ".endpoints[\"$2\"][\"429\"] // 0" "$1"; }
bk() { jq -r ".buckets[\"$2\"].$3" "$1"; }                     # bk STATS BUCKET FIELD

# held LOG URL KNEW — one rate key in a stretch of the daemon's log: prints
# "KNEW INFLIGHT BEFORE AFTER": 1 if a line matches the regex KNEW (the
# daemon took the 429 as a rate limit), the requests to URL on the wire
# then (started, not answered), those started before it, those started
# after. Requests its gate kept in the queue ("-> deferred") never started.
held() {
	awk -v url="$2" -v knew="$3" '
		index($0, "<7>http: ") == 1 && index($0, url) {
			if (index($0, " -> ")) { if (!k && index($0, " -> deferred") == 0) ended++ }
			else if (k) after++
			else started++
			next
		}
		!k && $0 ~ knew { k = 1; fl = started - ended }
		END { printf "%d %d %d %d\n", k, k ? fl : 0, started, after }' "$1"
}
# The latest reset a network's "rate limited ... until T" lines name, epoch s.
reset_of() {
	t=$(grep "^<6>$2: rate limited on" "$1" | sed -n 's/.* until \([0-9TZ:-]*\)$/\1/p' | sort | tail -n 1)
	[ -n "$t" ] && date -u -d "$t" +%s
}
# phase_log FROM — the daemon's log since line FROM, to $T/$PHASE.log
phase_log() { tail -n +$(($1 + 1)) "$T/daemon.log" > "$T/$PHASE.log"; }

# key_checks NAME URL KNEW BUCKET SERVER_TOTAL [read] — the promise for one
# key in phase $PHASE (log $T/$PHASE.log, server stats $T/$PHASE.json;
# SERVER_TOTAL: the requests the server got on the key in the phase); with
# "read", after_429_read too.
key_checks() {
	name=$1; bucket=$4; total=$5; with_read=${6:-}
	set -- $(held "$T/$PHASE.log" "$2" "$3")
	knew=$1; fl=$2; before=$3; after=$4
	a429=$(bk "$T/$PHASE.json" "$bucket" after_429)
	read=$(bk "$T/$PHASE.json" "$bucket" after_429_read)
	diag "$PHASE $name: $fl in flight at the 429; sent before $before, after $after; server: $total in all, $a429 inside the window, $read on the 429's connection"
	is "$knew" 1 "$PHASE $name: the 429 is taken as a rate limit"
	[ "$a429" -le "$fl" ]
	ok $? "$PHASE $name: nothing reached $bucket inside the window beyond the $fl in flight ($a429)"
	[ "$after" = 0 ] && [ "$total" = "$before" ]
	ok $? "$PHASE $name: no request sent after the daemon took the 429 ($after by its log; server got $total of $before)"
	[ -z "$with_read" ] ||
		is "$read" 0 "$PHASE $name: no request sent on the 429's connection after it came"
}
x_total() { ep "$T/$PHASE.json" x.search_recent; }
m_total() { jq -r '.networks.mastodon' "$T/$PHASE.json"; }
b_total() {  # the AppView's endpoints (search, notifications, sessions: PDS)
	echo $(( $(ep "$T/$PHASE.json" bluesky.getAuthorFeed) + $(ep "$T/$PHASE.json" bluesky.getProfile) +
		$(ep "$T/$PHASE.json" bluesky.resolveHandle) ))
}
all_keys() {
	key_checks X /2/tweets/search/recent '^<6>x: rate limited on (tag|batch) ' x.search_recent "$(x_total)"
	key_checks Bluesky "$APPVIEW" '^<6>bluesky: rate limited on ' bluesky.api@appview "$(b_total)"
	key_checks Mastodon /api/v1/ '^<6>mastodon: rate limited on ' mastodon.api@mastodon.test "$(m_total)"
}
HOLD_X="{\"path\":\"/2/tweets/search/recent\",\"action\":\"429\",\"reset_in\":$RESET_IN,\"hold\":true}"
HOLD_B="{\"path\":\"/xrpc/app.bsky.feed.getAuthorFeed\",\"host\":\"localhost\",\"action\":\"429\",\"reset_in\":$RESET_IN,\"hold\":true}"
HOLD_M="{\"path\":\"/api/v1/accounts/109\",\"action\":\"429\",\"reset_in\":$RESET_IN,\"hold\":true}"
# wait_reset — until every window in $T/$PHASE.log has reset, plus a minute
wait_reset() {
	end=0
	for net in x mastodon bluesky; do
		t=$(reset_of "$T/$PHASE.log" $net)
		[ -n "$t" ] && [ "$t" -gt "$end" ] && end=$t
	done
	sleep_until_sim $((end + 60))
}

start_bus; ok $? "private bus started"
start_fake --accounts "$NX" --posts 30 --tags "$(echo $TAGS | tr ' ' ,)" --bluesky-appview localhost \
	--clock-scale "$SCALE" --clock-anchor "$R0"
ok $? "fake API server up (Bluesky AppView on localhost, PDS on 127.0.0.1), clocks x$SCALE"
APPVIEW="http://localhost:$FAKE_PORT/xrpc/"
PDS="http://127.0.0.1:$FAKE_PORT/xrpc/"
fake_config "poll_interval = 6h
tag_interval = 6h"
# The AppView gets an origin of its own; the PDS is the one the session
# names (the fake's didDoc: http://127.0.0.1:PORT).
sed -i "/^\[bluesky\]/,\$ s|^api_base = .*|api_base = http://localhost:$FAKE_PORT|" \
	"$XDG_CONFIG_HOME/mentord/mentord.conf"
MENTORD_CLOCK_SCALE=$SCALE MENTORD_CLOCK_ANCHOR=$R0 MENTORD_CLOCK_OFFSET=$((FAKE_T0 - R0))
export MENTORD_CLOCK_SCALE MENTORD_CLOCK_ANCHOR MENTORD_CLOCK_OFFSET
start_daemon; ok $? "mentord up"

r=0
i=1; while [ $i -le $NX ]; do ctl follow x "doc$i" >/dev/null || r=1; i=$((i + 1)); done
for i in 1 2 3 4; do
	{ ctl follow mastodon "doc$i" >/dev/null && ctl follow bluesky "doc$i.bsky.social" >/dev/null; } || r=1
done
for tag in $TAGS; do ctl track "$tag" >/dev/null || r=1; done
ok $r "followed $NX X accounts, 4 on Mastodon and on Bluesky; 6 tags tracked"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null
ok $? "first syncs"
n0=$(wc -l < "$T/daemon.log")
ctl poll --wait >/dev/null; ok $? "a round with every account synced"
nb=$(tail -n +$((n0 + 1)) "$T/daemon.log" | grep '^<7>x: batch [0-9a-f]* of ' | awk '{ print $3 }' | sort -u | wc -l)
[ "$nb" -ge 2 ]; ok $? "followed X accounts poll as search batches ($nb batches)"
grep -q "^<7>http: GET ${APPVIEW}app.bsky.feed.getAuthorFeed" "$T/daemon.log" &&
	grep -q "^<7>http: GET ${PDS}app.bsky.feed.searchPosts" "$T/daemon.log"
ok $? "Bluesky: feeds from the AppView, search from the PDS"

# ---- A. held 429s -----------------------------------------------------------
PHASE=A
curl -s -f -X POST "$FAKE/_fake/stats/reset" >/dev/null
n0=$(wc -l < "$T/daemon.log")
fake_post /_fake/script "[$HOLD_X, $HOLD_B, $HOLD_M]"; ok $? "A: held 429s scripted, $RESET_IN s"
ctl poll --wait >/dev/null; ok $? "A: a round meets them"
stats > "$T/A1.json"
ctl poll --wait >/dev/null; ok $? "A: a second round inside the window"
stats > "$T/A.json"
phase_log "$n0"
reset=$(reset_of "$T/A.log" x)
[ "$(sim_now)" -lt "${reset:-0}" ]; ok $? "A: both rounds ran inside the window"
set -- $(held "$T/A.log" /2/tweets/search/recent '^<6>x: rate limited on (tag|batch) ')
[ "$2" -le $((MAXFL - 1)) ]; ok $? "A X: at most $((MAXFL - 1)) other search requests in flight at the 429 ($2)"
all_keys
for e in users_tweets users_mentions; do
	n=$(( $(ep "$T/A.json" "x.$e") - $(ep "$T/A1.json" "x.$e") ))
	[ "$n" -gt 0 ] && [ "$(ep429 "$T/A.json" "x.$e")" = 0 ]
	ok $? "A X: $e keeps being polled inside the search window ($n in the second round, no 429)"
done
set -- $(held "$T/A.log" "$PDS" '^<6>bluesky: rate limited on ')
n=$(( $(ep "$T/A.json" bluesky.searchPosts) - $(ep "$T/A1.json" bluesky.searchPosts) +
	$(ep "$T/A.json" bluesky.listNotifications) - $(ep "$T/A1.json" bluesky.listNotifications) ))
[ "$4" -gt 0 ] && [ "$n" -gt 0 ] && [ "$(bk "$T/A.json" bluesky.api@pds after_429)" = 0 ] &&
	[ "$(bk "$T/A.json" bluesky.api@pds over)" = 0 ]
ok $? "A Bluesky: the PDS keeps being polled ($4 requests after the AppView's 429; $n in the second round), none refused"
ctl status > "$T/status.txt" 2>&1
grep -q "rate limited" "$T/status.txt"; ok $? "A: status names the rate limit"
ctl --json status > "$T/status.json"
err=$(jq -r '.platforms[] | select(.platform == "x") | .last_error' "$T/status.json")
case "$err" in *"rate limited"*) ok 0 "A X: last error: $err";; *) ok 1 "A X: last error: $err";; esac
daemon_alive; ok $? "A: daemon keeps running"

# ---- B. past the reset ------------------------------------------------------
wait_reset
ctl poll --wait >/dev/null; ok $? "B: a round after the reset"
stats > "$T/B.json"
for e in x.search_recent bluesky.getAuthorFeed mastodon.account_statuses; do
	n=$(( $(ep "$T/B.json" $e) - $(ep "$T/A.json" $e) ))
	[ "$n" -gt 0 ] && [ "$(ep429 "$T/B.json" $e)" = "$(ep429 "$T/A.json" $e)" ]
	ok $? "B: $e polled again ($n requests, no new 429)"
done

# ---- C. a slow answer on the wire when the 429 comes ------------------------
# New posts make walks longer than a page. On each key the first request is
# answered 400 ms late (real time), the second draws the held 429.
PHASE=C
r=0
fake_post /_fake/add_posts '{"network":"all","account":"doc1","count":150,"kind":"post","tags":["meded","cardiology","healthequity"]}' || r=1
fake_post /_fake/add_posts '{"network":"all","account":"doc2","count":150,"kind":"post","tags":["nephrology","foamed","globalhealth"]}' || r=1
fake_post /_fake/add_posts "{\"network\":\"x\",\"account\":\"doc$NX\",\"count\":150,\"kind\":\"post\",\"tags\":[]}" || r=1
ok $r "C: 150 new posts by doc1, doc2 and doc$NX, every tag"
curl -s -f -X POST "$FAKE/_fake/stats/reset" >/dev/null
n0=$(wc -l < "$T/daemon.log")
fake_post /_fake/script "[
 {\"path\":\"/2/tweets/search/recent\",\"action\":\"delay\",\"ms\":400}, $HOLD_X,
 {\"path\":\"/xrpc/app.bsky.feed.getAuthorFeed\",\"host\":\"localhost\",\"action\":\"delay\",\"ms\":400}, $HOLD_B,
 {\"path\":\"/api/v1/accounts/109\",\"action\":\"delay\",\"ms\":400}, $HOLD_M]"
ok $? "C: on each key one slow answer, then a held 429"
ctl poll --wait >/dev/null; ok $? "C: a round meets them"
stats > "$T/C.json"
phase_log "$n0"
reset=$(reset_of "$T/C.log" x)
[ "$(sim_now)" -lt "${reset:-0}" ]; ok $? "C: the round ran inside the window"
all_keys
daemon_alive; ok $? "C: daemon keeps running"

# ---- D. requests queued for a busy host -------------------------------------
wait_reset
ctl poll --wait >/dev/null; ok $? "D: a round after C's reset"
PHASE=D
curl -s -f -X POST "$FAKE/_fake/stats/reset" >/dev/null
n0=$(wc -l < "$T/daemon.log")
# Mastodon's four account walks go first and take the host's four slots;
# one answers after 200 ms, three after 1.5 s. The X searches wait in the
# queue: the first goes out in the slot freed at 200 ms and draws the 429.
fake_post /_fake/script "[
 {\"path\":\"/api/v1/accounts/109\",\"action\":\"delay\",\"ms\":200},
 {\"path\":\"/api/v1/accounts/109\",\"action\":\"delay\",\"ms\":1500,\"count\":3}, $HOLD_X]"
ok $? "D: slow Mastodon answers, a held 429 on X search/recent"
ctl poll --wait >/dev/null; ok $? "D: a round meets them"
stats > "$T/D.json"
phase_log "$n0"
reset=$(reset_of "$T/D.log" x)
[ "$(sim_now)" -lt "${reset:-0}" ]; ok $? "D: the round ran inside the window"
grep -q "search/recent.* -> deferred" "$T/D.log"; ok $? "D: X searches waited in the host's queue (their gate kept some back)"
key_checks X /2/tweets/search/recent '^<6>x: rate limited on (tag|batch) ' x.search_recent "$(x_total)" read
daemon_alive; ok $? "D: daemon keeps running"
stop_daemon; ok $? "mentord stopped cleanly"
finish
