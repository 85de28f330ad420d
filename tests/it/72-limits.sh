#!/bin/sh
# Rate budgets are respected before a 429 happens; 401 stops a network until
# reload, with the reason in status; X's usage cap pauses X.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

start_bus; ok $? "private bus started"
start_fake --accounts 16 --posts 20 --rate mastodon.api=10/900; ok $? "fake server: Mastodon allows 10 requests per 15 min"
fake_config
start_daemon; ok $? "mentord up"
i=1; while [ $i -le 16 ]; do ctl follow mastodon "doc$i" >/dev/null; i=$((i + 1)); done
ok $? "16 Mastodon accounts followed (needing 16 lookups + 16 feeds + more)"
ctl poll --wait >/dev/null; ok $? "poll round returns while the budget is spent"
ctl poll --wait >/dev/null
curl -s "$FAKE/_fake/stats" > "$T/stats.json"
is "$(jq .rate_limited "$T/stats.json")" 0 "no request drew a 429"
is "$(jq '.networks.mastodon' "$T/stats.json")" 10 "exactly the 10 allowed requests were made"
ctl --json status > "$T/st.json"
is "$(jq -r '.platforms[1].rate_remaining' "$T/st.json")" 0 "status shows the budget spent"
next=$(jq -r '.platforms[1].next_poll' "$T/st.json")
[ "$next" != null ] && [ "$(date -d "$next" +%s)" -gt $((FAKE_T0 + 600)) ]
ok $? "next poll waits for the window's reset ($next)"
fake_post /_fake/rate '{"bucket":"mastodon.api","limit":300,"reset":true}'
stop_daemon; stop_fake

# 401: the network stops, status says why; reload brings it back.
rm -rf "$XDG_STATE_HOME"
start_fake --accounts 4 --posts 10; ok $? "fake server for auth and cap faults"
fake_config
start_daemon; ok $? "mentord up"
ctl follow x doc1 >/dev/null && ctl follow mastodon doc1 >/dev/null; ok $? "followed"
ctl poll --wait >/dev/null
fake_post /_fake/script '{"path":"/2/","action":"status","code":401,"count":-1}'
fake_post /_fake/add_posts '{"network":"x","account":"doc1","count":2,"kind":"post"}'
ctl poll --wait >/dev/null; ok $? "poll with X answering 401"
ctl --json status > "$T/st.json"
is "$(jq -r '.platforms[0].state' "$T/st.json")" auth-failed "X state is auth-failed"
jq -r '.platforms[0].last_error' "$T/st.json" | grep -qi "unauthori\|401\|token\|credential"
ok $? "last_error gives the reason: $(jq -r '.platforms[0].last_error' "$T/st.json")"
is "$(jq -r '.platforms[1].state' "$T/st.json")" idle "Mastodon unaffected"
before=$(jq .networks.x "$(curl -s "$FAKE/_fake/stats" > "$T/s1.json"; echo "$T/s1.json")")
ctl poll --wait >/dev/null
after=$(curl -s "$FAKE/_fake/stats" | jq .networks.x)
is "$after" "$before" "a stopped network is not polled again"
fake_post /_fake/script/clear '{}'
ctl reload >/dev/null; ok $? "reload after fixing the token"
ctl poll --wait >/dev/null
is "$(ctl --json status | jq -r '.platforms[0].state')" idle "X polls again after reload"

# Usage cap: X pauses until the cap's period ends.
body='{"title":"UsageCapExceeded","detail":"Usage cap exceeded: Monthly product cap","type":"https://api.twitter.com/2/problems/usage-capped","period":"Monthly","scope":"Product"}'
fake_post /_fake/script "{\"path\":\"/2/\",\"action\":\"raw\",\"code\":429,\"content_type\":\"application/problem+json\",\"body\":$(printf '%s' "$body" | jq -Rs .),\"count\":-1}"
fake_post /_fake/add_posts '{"network":"x","account":"doc1","count":1,"kind":"post"}'
ctl poll --wait >/dev/null
ctl --json status > "$T/st.json"
jq -r '.platforms[0].last_error' "$T/st.json" | grep -qi "usage cap"; ok $? "usage cap reported: $(jq -r '.platforms[0].last_error' "$T/st.json")"
is "$(jq -r '.platforms[0].state' "$T/st.json")" paused "X paused"
daemon_alive; ok $? "daemon still running"
stop_daemon; ok $? "stopped cleanly"
finish
