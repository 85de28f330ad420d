#!/bin/sh
# X's own count (GET /2/usage/tweets) against mentord's: the larger counts,
# whether the fake reports more (other apps of the project) or less (its
# count lags). A 403 (a plan without the endpoint) is logged once however
# often it is asked, and mentord keeps its own count; a malformed answer
# changes nothing. The desktop hears once a month at 80% of monthly_posts
# (not again after a restart) and once per wait when X waits.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

DB="$XDG_STATE_HOME/mentord/mentord.db"
CONF="$XDG_CONFIG_HOME/mentord/mentord.conf"
SCENARIO="--accounts 12 --posts 60 --span-days 10"
NLOG="$T/notify.log"; : > "$NLOG"
FAKENOTIFY="$SRC/$BUILD/tests/fakenotify"
case "$BUILD" in /*) FAKENOTIFY="$BUILD/tests/fakenotify";; esac
CAP=400

capped_config() {
	fake_config "notify_coalesce = 1s"
	sed -i "s/^monthly_posts = 0$/monthly_posts = $CAP/" "$CONF"
}
xstatus() { ctl --json status | jq -r ".platforms[] | select(.platform == \"x\") | .$1"; }
counted_month() { sqlite3 "$DB" "SELECT count(*) FROM x_reads"; }
reported() { sqlite3 "$DB" "SELECT coalesce(max(reported), -1) FROM x_months"; }
# The month as mentord counts it: its own reads, and what X counted beyond
# them when it last said (other apps of the project).
month_want() { sqlite3 "$DB" "SELECT (SELECT count(*) FROM x_reads) + coalesce((SELECT max(0, reported - own)
                              FROM x_months ORDER BY reported_at DESC LIMIT 1), 0)"; }
usage_asked() { curl -s "$FAKE/_fake/stats" | jq '.endpoints["x.usage_tweets"].requests // 0'; }
# wait_log N TEXT — until the daemon's log has N lines with TEXT (30 s at most).
wait_log() {
	i=0
	while [ "$(grep -cF "$2" "$T/daemon.log")" -lt "$1" ]; do
		i=$((i + 1)); [ $i -lt 600 ] || return 1; sleep 0.05
	done
}
wait_note() {  # wait_note TEXT — until a notification says TEXT (30 s at most)
	i=0
	while ! grep -qF "$1" "$NLOG"; do
		i=$((i + 1)); [ $i -lt 600 ] || return 1; sleep 0.05
	done
}
notes() { grep -cF "$1" "$NLOG"; }

start_bus; ok $? "private bus started"
"$FAKENOTIFY" "$NLOG" 2>>"$T/fakenotify.err" &
NOTIFY_PID=$!
i=0; while ! busctl --user status org.freedesktop.Notifications >/dev/null 2>&1 && [ $i -lt 200 ]; do
	sleep 0.05; i=$((i + 1)); done
start_fake $SCENARIO; ok $? "fake API server up"

# ---- other apps of the project read more than mentord: X's count wins ----
fake_post "/_fake/x_usage?offset=300&reset_day=21&cap=350" '{}'
ok $? "the fake's project: 300 posts read by other apps, reset on the 21st, a cap of 350"
capped_config
start_daemon; ok $? "mentord up with monthly_posts = $CAP"
for i in 1 2 3; do ctl follow x "doc$i" >/dev/null || break; done
ok $? "three accounts followed on X"
ctl poll --wait >/dev/null; ok $? "a round"
wait_log 1 "X counts"; ok $? "mentord asked X's own count soon after start"
own=$(counted_month)
rep=$(reported)
check "the report holds X's count, 300 and more ($rep)" [ "$rep" -ge 300 ]
check "X's count is the larger ($rep > own $own)" [ "$rep" -gt "$own" ]
is "$(xstatus posts_read_month)" "$(month_want)" "status: mentord's reads and the other apps' ($((rep - own)))"
is "$(xstatus cap_reset_day)" 21 "cap_reset_day from the endpoint (the configuration sets none)"
is "$(sqlite3 "$DB" "SELECT value FROM meta WHERE key = 'x_cap_reset_day'")" 21 "and stored"
check "the log says the project's cap is below monthly_posts" grep -q "the project's cap on X is 350 posts a month, below monthly_posts = 400" "$T/daemon.log"

# 80% of 400 is 320: one notification, and X waits (its allowance is small).
wait_note "of this month's posts read"; ok $? "the 80% notification"
is "$(notes "of this month's posts read")" 1 "just one"
grep -F "of this month's posts read" "$NLOG" | head -1 > "$T/warn.json"
check "it is in the budget category" jq -e '.category == "x-mentord.budget"' "$T/warn.json"
ctl poll --wait >/dev/null
wait_note "X waits"; ok $? "X waits: a notification"
w=$(notes "X waits")
is "$w" 1 "one per wait"

# why names the reads the budget put off.
held=
for d in doc1 doc2 doc3; do
	[ "$(ctl --json why "$d" | jq -r '.x_budget')" != null ] && { held=$d; break; }
done
check "why: some mentor's X reads were put off (${held:-none})" [ -n "$held" ]
ctl why "${held:-doc1}" > "$T/why.txt"
check "why's line says so" grep -Eq "^Budget +X: read less often this month: the budget put [0-9]+ rounds? of [0-9]+ off$" "$T/why.txt"
ctl --json why "${held:-doc1}" > "$T/why.json"
check "not as a part of strength" jq -e '[.strength.parts[] | select(.name == "x_budget")] | length == 0' "$T/why.json"

# A restart in the same month: neither comes again.
stop_daemon; ok $? "mentord stopped"
start_daemon; ok $? "mentord up again"
wait_log 2 "X counts"; ok $? "X's count asked again after the restart"
ctl poll --wait >/dev/null; ctl poll --wait >/dev/null
sleep 1.5   # a coalescing window
is "$(notes "of this month's posts read")" 1 "no second 80% notification after a restart"
is "$(notes "X waits")" "$w" "nor a second one for the same wait"
is "$(xstatus posts_read_month)" "$(month_want)" "the restart kept the other apps' reads"

# ---- X's count lags behind mentord's: mentord's wins ----
stop_daemon
fake_post "/_fake/x_usage?offset=-100000" '{}'; ok $? "the fake's count now lags"
start_daemon; ok $? "mentord up"
wait_log 3 "X counts"; ok $? "X's count asked"
is "$(reported)" 0 "X said 0"
is "$(xstatus posts_read_month)" "$(counted_month)" "status: the larger count, mentord's own"

# ---- other apps spent the month: X waits for the next billing month ----
stop_daemon
fake_post "/_fake/x_usage?offset=5000" '{}'; ok $? "other apps read 5000 posts"
start_daemon; ok $? "mentord up"
wait_log 4 "X counts"; ok $? "X's count asked"
is "$(xstatus pace)" over "status: over"
ctl poll --wait >/dev/null
wait_note "X waits for the next billing month"; ok $? "X waits for the next billing month: a notification (after today's wait)"
grep -F "X waits for the next billing month" "$NLOG" > "$T/month.json"
check "it says when X reads again: the reset day" jq -e '.body | test("Wed 21 Oct, 00:00 UTC")' "$T/month.json"
ctl poll --wait >/dev/null
sleep 1.5
is "$(notes "X waits for the next billing month")" 1 "once"
rep5000=$(reported)

# ---- a malformed answer changes nothing ----
stop_daemon
fake_post "/_fake/x_usage?offset=6000" '{}'
fake_post /_fake/script '{"path":"/2/usage/tweets","action":"raw","code":200,"body":"{\"data\":{\"project_usage\":true}}","count":1}'
start_daemon; ok $? "mentord up, X's next answer malformed"
wait_log 1 "own count could not be read"; ok $? "logged"
grep -F "own count could not be read" "$T/daemon.log" | tail -1 > "$T/malformed.txt"
check "the log says what was wrong" grep -q "project_usage" "$T/malformed.txt"
is "$(reported)" "$rep5000" "the stored count did not move"
stop_daemon

# ---- 403: a plan without the endpoint, asked every 4 h, logged once ----
# The daemon's clock runs 3600 times faster: 4 hours pass in 4 seconds.
fake_post /_fake/script '{"path":"/2/usage/tweets","action":"raw","code":403,"body":"{\"title\":\"Client Forbidden\",\"detail\":\"This request must be made using an approved developer account that is enrolled in the requested endpoint.\",\"type\":\"https://api.twitter.com/2/problems/client-forbidden\",\"status\":403}","count":-1}'
ok $? "the fake answers 403 from now on"
# Only X: the fast clock would poll the others hundreds of times.
sed -i '/^\[mastodon\]/,$d' "$CONF"
printf '[mastodon]\nenabled = no\n[bluesky]\nenabled = no\n' >> "$CONF"
before=$(usage_asked)
R0=$(date +%s)
MENTORD_CLOCK_SCALE=3600 MENTORD_CLOCK_ANCHOR=$R0 MENTORD_CLOCK_OFFSET=$((FAKE_T0 - R0)) start_daemon
ok $? "mentord up with a fast clock"
i=0; while [ "$(usage_asked)" -lt $((before + 3)) ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
check "asked three times more ($(usage_asked) - $before)" [ "$(usage_asked)" -ge $((before + 3)) ]
is "$(grep -c "usage/tweets refused" "$T/daemon.log")" 1 "the 403 is logged once"
check "it names the plan" grep -q "the plan may not include it" "$T/daemon.log"
daemon_alive; ok $? "mentord keeps running"
stop_daemon

kill "$NOTIFY_PID" 2>/dev/null; wait "$NOTIFY_PID" 2>/dev/null
finish
