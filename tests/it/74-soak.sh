#!/bin/sh
# Fault soak: mentord runs against the fake API server for a long simulated
# period (both clocks run MENTORD_SOAK_SCALE times faster, so hours pass in
# seconds) while every round brings a random mix of faults on every network.
# Checked: the daemon never spends beyond a rate budget (the server counts
# every request it had to refuse for a spent window, scripted 429s aside),
# its memory stays flat from round to round after a warm-up, every backoff
# recovers once the faults stop, and the final data equals what the server
# holds: every post of every account (all of them followed), nothing more.
#
# New posts arrive during the first half of the soak; the second half goes
# on polling (and failing) with the data steady, so memory is compared
# there: while the database grows SQLite's page cache (2 MB) grows with it,
# which is not a leak.
#
# Faults that break single items inside a well-formed page (wrong_types ids,
# nulls, all) make mentord skip those items for good, by design (a poison
# item must not stall a stream), so they are served only in the steady
# half, when the pages hold nothing new; everything else comes all along.
#
# Knobs (environment):
#   MENTORD_SOAK_HOURS   simulated hours of faults (default 24)
#   MENTORD_SOAK_SCALE   simulated seconds per real second (default 1800:
#                        an hour in 2 s, a 15-minute X window in 0.5 s)
#   MENTORD_SOAK_FAULTS  fault rules added per simulated hour (default 8)
#   MENTORD_SOAK_SEED    seed of the fault mix (default: random, printed)
#   MENTORD_SOAK_SKIP    faults left out, e.g. "big|hang" (names in rules())
#   MENTORD_SOAK_FAKE_ARGS  more fakeapi options, e.g. -v (with MENTORD_KEEP=1)
#   MENTORD_SOAK_RSS_KB  allowed VmRSS growth after the warm-up (default 512)
# e.g. MENTORD_SOAK_HOURS=720 MENTORD_SOAK_SCALE=3600 for a 30-day soak in
# about 12 minutes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

HOURS=${MENTORD_SOAK_HOURS:-24}
SCALE=${MENTORD_SOAK_SCALE:-1800}
if [ -n "$MENTORD_WRAP" ] && [ -z "${MENTORD_SOAK_SCALE:-}" ]; then
	SCALE=600      # under valgrind the daemon needs more real time per hour
fi
FAULTS=${MENTORD_SOAK_FAULTS:-8}
SEED=${MENTORD_SOAK_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
SKIP=${MENTORD_SOAK_SKIP:-}
RSS_SLACK=${MENTORD_SOAK_RSS_KB:-512}
LEAD=4          # hours before the first post: setup and first syncs see none
CLEAN=4         # fault-free hours at the end: longer than the backoff cap (1 h)
DB="$XDG_STATE_HOME/mentord/mentord.db"
[ "$HOURS" -ge 8 ] || HOURS=8
SPAN=$((HOURS / 2))                         # hours with new posts
END=$((FAKE_T0 + (LEAD + SPAN) * 3600))     # the scenario's last post

# Simulated now (seconds), the same function of the wall clock both sides use.
R0=$(date +%s)
sim_now() { awk -v r0="$R0" -v t0="$FAKE_T0" -v s="$SCALE" -v now="$(date +%s.%N)" \
	'BEGIN { printf "%d", t0 + (now - r0) * s }'; }
sleep_until_sim() {  # sleep_until_sim T
	d=$(awk -v r0="$R0" -v t0="$FAKE_T0" -v s="$SCALE" -v t="$1" -v now="$(date +%s.%N)" \
		'BEGIN { d = r0 + (t - t0) / s - now; printf "%.3f", (d > 0 ? d : 0) }')
	sleep "$d"
}

# Budgets tight enough that pacing matters: the scheduled load of 36
# accounts, 2 tags, own posts and interactions every 20 minutes, plus the
# retries, would overrun them.
start_bus; ok $? "private bus started"
start_fake --accounts 12 --posts 60 --engaged 5 --end-time "$END" --span-hours "$SPAN" \
	--now "$FAKE_T0" --clock-scale "$SCALE" --clock-anchor "$R0" \
	--rate x.search_recent=12/900 --rate mastodon.api=20/300 --rate mastodon.paging=40/900 \
	--rate bluesky.api=40/300 --rate bluesky.createSession=5/300 --bsky-access-ttl 3600 \
	--hang-max 1500 ${MENTORD_SOAK_FAKE_ARGS:-}
ok $? "fake API server: ${SPAN} h of posts by 12 accounts and me, clock x$SCALE"
fake_config "poll_interval = 20m
tag_interval = 20m"
MENTORD_CLOCK_SCALE=$SCALE MENTORD_CLOCK_ANCHOR=$R0 MENTORD_CLOCK_OFFSET=$((FAKE_T0 - R0))
export MENTORD_CLOCK_SCALE MENTORD_CLOCK_ANCHOR MENTORD_CLOCK_OFFSET
diag "seed $SEED, scale $SCALE, $HOURS simulated hours of faults + $CLEAN clean"

start_daemon; ok $? "mentord up"
r=0; i=1
while [ $i -le 12 ]; do
	ctl follow x "doc$i" >/dev/null && ctl follow mastodon "doc$i" >/dev/null &&
		ctl follow bluesky "doc$i.bsky.social" >/dev/null || r=1
	i=$((i + 1))
done
ctl track meded >/dev/null && ctl track cardiology >/dev/null || r=1
ok $r "36 accounts and 2 tags followed"
[ "$(sim_now)" -lt $((FAKE_T0 + LEAD * 3600)) ]
ok $? "set up before the first post (simulated $(( ($(sim_now) - FAKE_T0) / 60 )) min in)"

# Found by this soak: a refresh whose answer is lost (the server rotated
# the single-use refresh token, the daemon never saw the new one) must not
# make mentord retry the dead token without pause; it logs in again.
sleep_until_sim $(( $(sim_now) + 600 ))
curl -s "$FAKE/_fake/stats" > "$T/s0.json"
fake_post /_fake/script '{"path":"/xrpc/com.atproto.server.refreshSession","action":"truncate","count":1}' &&
	fake_post /_fake/expire_tokens '{}'
ctl poll >/dev/null
sleep_until_sim $(( $(sim_now) + 1200 ))
curl -s "$FAKE/_fake/stats" > "$T/s1.json"
refreshes=$(( $(jq '.endpoints["bluesky.refreshSession"].requests // 0' "$T/s1.json") -
              $(jq '.endpoints["bluesky.refreshSession"].requests // 0' "$T/s0.json") ))
logins=$(( $(jq '.endpoints["bluesky.createSession"].requests // 0' "$T/s1.json") -
           $(jq '.endpoints["bluesky.createSession"].requests // 0' "$T/s0.json") ))
# (the looping daemon made hundreds; a scheduled refresh may fall in too)
[ "$refreshes" -ge 1 ] && [ "$refreshes" -le 5 ] && [ "$logins" -eq 1 ]
ok $? "a lost refresh answer: $refreshes refreshes, then $logins login (no retry loop on the spent token)"

# rules SEED ROUND STEADY — a JSON array of FAULTS random rules on random
# paths; item-breaking ones only when STEADY is 1.
rules() {
	awk -v seed="$1" -v round="$2" -v n="$FAULTS" -v skip="$SKIP" -v steady="$3" 'BEGIN {
		srand((seed % 1000000) * 1000 + round)   # awk seeds are 32-bit
		np = split("/2/tweets/search/recent /2/users/ /api/v1/accounts/ /api/v1/timelines/tag/ " \
		           "/api/v1/notifications /xrpc/app.bsky.feed.getAuthorFeed " \
		           "/xrpc/app.bsky.feed.searchPosts /xrpc/app.bsky.notification.listNotifications " \
		           "/xrpc/com.atproto.server.refreshSession /xrpc/com.atproto.server.createSession", P, " ")
		na = split("429|500|503|502|html|garbage|portal|expired|hang|hangfor|drop|big|delay|trickle|" \
		           "truncate|cut|gzip|container|ids|nulls|all|dup|shuffle", A, "|")
		printf "["
		for (i = 1; i <= n; i++) {
			p = P[int(rand() * np) + 1]; a = A[int(rand() * na) + 1]
			if (skip != "" && a ~ ("^(" skip ")$")) a = "500"
			if (!steady && (a == "ids" || a == "nulls" || a == "all")) a = "container"
			if (a == "expired" && p !~ /^\/xrpc/) a = "500"
			if (a == "429") r = "\"action\":\"429\",\"reset_in\":" (60 + int(rand() * 1740))
			else if (a == "500" || a == "503" || a == "502") r = "\"action\":\"status\",\"code\":" a
			else if (a == "html") r = "\"action\":\"html\",\"code\":502"
			else if (a == "garbage") r = "\"action\":\"raw\",\"code\":200,\"content_type\":\"application/json\",\"body\":\"{\\\"data\\\":[{\\\"id\\\":\""
			else if (a == "portal") r = "\"action\":\"raw\",\"code\":200,\"content_type\":\"text/html\",\"body\":\"<html><body>Sign in to Wi-Fi</body></html>\""
			else if (a == "expired") r = "\"action\":\"expired_token\""
			else if (a == "hang") r = "\"action\":\"hang\""
			else if (a == "hangfor") r = "\"action\":\"hang\",\"ms\":300"
			else if (a == "drop") r = "\"action\":\"drop\""
			else if (a == "big") r = "\"action\":\"big\",\"bytes\":9437184"
			else if (a == "delay") r = "\"action\":\"delay\",\"ms\":200"
			else if (a == "trickle") r = "\"action\":\"trickle\",\"bytes\":512,\"interval_ms\":10"
			else if (a == "truncate") r = "\"action\":\"truncate\""
			else if (a == "cut") r = "\"action\":\"cut\""
			else if (a == "gzip") r = "\"action\":\"gzip\""
			else if (a == "container" || a == "ids" || a == "nulls" || a == "all") r = "\"action\":\"wrong_types\",\"variant\":\"" a "\""
			else if (a == "dup") r = "\"action\":\"duplicate\""
			else r = "\"action\":\"out_of_order\""
			printf "%s{\"path\":\"%s\",%s,\"skip\":%d,\"count\":%d}", (i > 1 ? "," : ""), p, r,
			       int(rand() * 4), 1 + int(rand() * 3)
		}
		printf "]"
	}'
}

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON_PID/status" 2>/dev/null; }
hwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$DAEMON_PID/status" 2>/dev/null; }

# The soak: one round per simulated hour.
round=0; bad_rules=0; expiries=0; died=0
: > "$T/rss"
t=$((FAKE_T0 + LEAD * 3600))
sleep_until_sim "$t"
while [ $round -lt "$HOURS" ]; do
	round=$((round + 1))
	fake_post /_fake/script "$(rules "$SEED" "$round" $([ $round -gt $((SPAN + 3)) ] && echo 1 || echo 0))" ||
		bad_rules=$((bad_rules + 1))
	if [ $((round % 3)) -eq 0 ]; then
		fake_post /_fake/expire_tokens '{}' && expiries=$((expiries + 1))
	fi
	t=$((t + 3600))
	sleep_until_sim "$t"
	daemon_alive || { died=1; break; }
	echo "$round $(rss) $(hwm)" >> "$T/rss"
done
is "$died" 0 "daemon alive through $round simulated hours of faults"
is "$bad_rules" 0 "every round's fault rules accepted"

# Faults stop; the backoffs (capped at an hour) run out.
curl -s -f -X DELETE "$FAKE/_fake/script" >/dev/null
sleep_until_sim $((t + CLEAN * 3600))
[ "$(sim_now)" -gt "$END" ]; ok $? "the scenario's last post is out"
ctl poll --wait > "$T/poll1" && ctl poll --wait > "$T/poll2"
ok $? "two manual rounds after the faults stopped"
curl -s "$FAKE/_fake/stats" > "$T/stats.json"
curl -s "$FAKE/_fake/posts" > "$T/srv.tsv"

# Rate budgets: a refused request is one the budget did not allow.
is "$(jq .rate_limited "$T/stats.json")" 0 "no request beyond a rate budget ($(jq .requests "$T/stats.json") requests, $(jq .scripted "$T/stats.json") faults served)"
jq -r '.buckets | to_entries[] | select(.value.over > 0) | "# over budget: \(.key) \(.value.over)"' "$T/stats.json"
[ "$(jq .scripted "$T/stats.json")" -ge "$round" ]; ok $? "faults were really served"

# Backoff recovers: faults caused backoffs, and now every network is idle
# and error-free in a round where nothing failed.
n_backoff=$(grep -c 'retrying in about' "$T/daemon.log")
[ "$n_backoff" -gt 0 ]; ok $? "faults led to backoffs ($n_backoff)"
ctl poll --wait >/dev/null
last_round=$(grep 'poll round finished' "$T/daemon.log" | tail -n 1 | sed 's/.*finished: //')
case "$last_round" in *" 0 failed") r=0;; *) r=1;; esac
ok $r "a round after the faults: $last_round"
# "polling" (a scheduled poll on the wire) and "paused" (a 429 of the
# round's own, its window a fraction of a real second) pass by: a loaded
# machine catches them now and then. Failure states do not.
states=
for try in 1 2 3 4 5 6 7 8 9 10; do
	ctl --json status > "$T/status.json"
	states=$(jq -r '[.platforms[] | select(.enabled) | .state] | unique | join(",")' "$T/status.json")
	[ "$states" = idle ] && break
	sleep 0.5
done
is "$states" idle "every network idle after the faults"

# Memory: flat from the warm-up's end (the hours with new posts, and two
# more) to the last round. Each end takes the smallest of three hourly
# samples, so one that lands while an oversized answer is being read (a
# transient 8 MB) does not count; a leak raises all three.
warm=$((SPAN + 2))
set -- $(awk -v w="$warm" -v n="$round" '
	$1 >= w && $1 < w + 3 && (f == "" || $2 < f) { f = $2 }
	$1 > n - 3 && (l == "" || $2 < l) { l = $2 }
	{ if ($2 > m) m = $2; h = $3 }
	END { print f + 0, l + 0, m + 0, h + 0 }' "$T/rss")
first=$1; last=$2; peak=$3; hwm_kb=$4
diag "VmRSS after warm-up (hours $warm-$((warm + 2))) $first kB, at the end $last kB, peak sample $peak kB, VmHWM $hwm_kb kB"
if [ -n "$MENTORD_WRAP" ] || [ -n "${ASAN_OPTIONS:-}" ]; then
	# valgrind's and ASan's allocators (quarantine, shadow) are not mentord's.
	ok 0 "# SKIP memory not measured under valgrind or ASan"
else
	[ "$first" -gt 0 ] && [ $((last - first)) -lt "$RSS_SLACK" ]
	ok $? "VmRSS flat across rounds: $((last - first)) kB from hour $warm to $round (slack $RSS_SLACK kB)"
fi

# Final data: exactly the server's posts, no more, no fewer.
sqlite3 "$DB" "SELECT platform || ' ' || key FROM posts" | sort > "$T/have"
awk -F '\t' '{ print $1 " " $3 }' "$T/srv.tsv" | sort > "$T/want"
missing=$(comm -13 "$T/have" "$T/want" | wc -l)
extra=$(comm -23 "$T/have" "$T/want" | wc -l)
is "$missing $extra" "0 0" "final posts equal the server's ($(wc -l < "$T/want") posts; missing, extra)"
[ "$missing" -eq 0 ] || comm -13 "$T/have" "$T/want" | head -5 | sed 's/^/# missing: /'
[ "$extra" -eq 0 ] || comm -23 "$T/have" "$T/want" | head -5 | sed 's/^/# extra: /'
is "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "database intact"
diag "figures: $round simulated hours of faults (+$CLEAN clean) at x$SCALE, $(jq .scripted "$T/stats.json") faults, $expiries token expiries, $n_backoff backoffs, $(jq .requests "$T/stats.json") requests"
stop_daemon; ok $? "stopped cleanly"
finish
