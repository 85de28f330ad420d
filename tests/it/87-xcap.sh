#!/bin/sh
# X bills every post it returns (data and includes.tweets), once per post id
# per UTC day: [x] monthly_posts caps a billing month. The fake X counts what
# it serves as X bills it (/_fake/stats x_billed_today); mentord's own count
# (x_reads, committed with each page) must match it, the day's allowance
# must hold across rounds, a restart and kill -9, X waits for the next day
# while Mastodon carries on, and the next day brings a new allowance.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

DB="$XDG_STATE_HOME/mentord/mentord.db"
CONF="$XDG_CONFIG_HOME/mentord/mentord.conf"
SCENARIO="--accounts 12 --posts 60 --span-days 10"
# FAKE_T0 is 2026-09-21: 10 days left of September, 400 posts: 40 a day.
CAP=400

billed_today() { curl -s "$FAKE/_fake/stats" | jq '.x_billed_today'; }
counted_today() { sqlite3 "$DB" "SELECT count(*) FROM x_reads WHERE day = $((FAKE_T0 / 86400))"; }
counted_month() { sqlite3 "$DB" "SELECT count(*) FROM x_reads"; }
capped_config() {
	fake_config
	sed -i "s/^monthly_posts = 0$/monthly_posts = $CAP\nprice_per_post = 0.005/" "$CONF"
}
xstatus() { ctl --json status | jq -r ".platforms[] | select(.platform == \"x\") | .$1"; }
rounds() { i=0; while [ $i -lt "$1" ]; do ctl poll --wait >/dev/null || return 1; i=$((i + 1)); done; }

start_bus; ok $? "private bus started"
start_fake $SCENARIO; ok $? "fake API server up"
capped_config
start_daemon; ok $? "mentord up with [x] monthly_posts = $CAP"

for i in 1 2 3 4 5 6 7 8 9 10; do ctl follow x "doc$i" >/dev/null || break; done
ok $? "ten accounts followed on X"
ctl follow mastodon doc1@mastodon.test >/dev/null; ok $? "one on Mastodon"
rounds 4; ok $? "four rounds"

b=$(billed_today)
check "X billed something today ($b)" [ "$b" -gt 0 ]
check "X billed no more than the day's allowance of 40 ($b)" [ "$b" -le 40 ]
is "$(counted_today)" "$b" "mentord counted what X billed, each post once a day"
is "$(xstatus allowance_today)" 40 "status: the day's allowance is 40"
is "$(xstatus posts_read_month)" "$b" "status: posts_read_month"
is "$(xstatus monthly_posts)" "$CAP" "status: monthly_posts"
is "$(xstatus pace)" "on pace" "status: on pace"
cost=$(xstatus cost_month)
check "status: cost_month is posts × price ($cost)" awk -v c="$cost" -v n="$b" 'BEGIN { exit !(c > n * 0.005 - 1e-9 && c < n * 0.005 + 1e-9) }'
ctl status > "$T/status.txt"
check "the status table's X line" grep -Eq "^x  [a-z-]+  $b of 400 posts this month \(≈ \\\$[0-9.]+\), on pace; resets on the 1st$" "$T/status.txt"
check "the log says X waits for tomorrow" grep -q "X waits for tomorrow" "$T/daemon.log"
m=$(sqlite3 "$DB" "SELECT count(*) FROM posts WHERE platform = 'mastodon'")
check "Mastodon carries on ($m posts)" [ "$m" -gt 0 ]

# More posts, a restart, kill -9: the allowance still holds.
fake_post /_fake/add_posts '{"network":"x","account":"doc1","count":20,"kind":"post"}'
stop_daemon; ok $? "mentord stopped"
start_daemon; ok $? "mentord up again"
rounds 2; ok $? "two more rounds"
check "a restart does not renew the allowance ($(billed_today))" [ "$(billed_today)" -le 40 ]
stop_daemon KILL
start_daemon; ok $? "mentord up after kill -9"
rounds 2; ok $? "two more rounds"
b=$(billed_today)
check "kill -9 does not renew it either ($b)" [ "$b" -le 40 ]
is "$(counted_today)" "$b" "mentord's count still matches X's"
stop_daemon; ok $? "mentord stopped"

# The next UTC day: a new allowance, yesterday's unspent share spread over
# the days left (400 - read) / 9.
read_before=$(counted_month)
stop_fake
FAKE_T0=$((FAKE_T0 + 86400))
start_fake $SCENARIO; ok $? "fake API server up a day later"
capped_config
start_daemon; ok $? "mentord up a day later"
want=$(((CAP - read_before + 8) / 9))
is "$(xstatus allowance_today)" "$want" "the day boundary moved the allowance to $want"
rounds 3; ok $? "three rounds"
b=$(billed_today)
check "X read again today ($b)" [ "$b" -gt 0 ]
check "within the new allowance ($b <= $want)" [ "$b" -le "$want" ]
check "the month never exceeds monthly_posts" [ "$(counted_month)" -le "$CAP" ]

# ---- where the relationships are: a connected mentor first ----------------
# A fresh ledger, a cap whose day covers a few reads: doc10, pinned
# `connected`, is read while follow-stage accounts wait for the next day.
stop_daemon
rm -rf "$XDG_STATE_HOME"
CAP=300
stop_fake
start_fake $SCENARIO; ok $? "fake API server up (ordering)"
capped_config
start_daemon; ok $? "mentord up with monthly_posts = $CAP (30 a day)"
for i in 1 2 3 4 5 6 7 8 9 10; do ctl follow x "doc$i" >/dev/null || break; done
ok $? "ten accounts followed on X"
ctl stage doc10 connected >/dev/null; ok $? "doc10 pinned connected"
rounds 2; ok $? "two rounds: the first day's allowance goes to those followed first"
# The next day every account is due at once: the order is the ledger's.
stop_daemon
stop_fake
FAKE_T0=$((FAKE_T0 + 86400))
start_fake $SCENARIO; ok $? "fake API server up a day later"
capped_config
start_daemon; ok $? "mentord up a day later"
rounds 2; ok $? "two rounds"
posts_of() { sqlite3 "$DB" "SELECT count(*) FROM posts p JOIN accounts a ON a.id = p.account_id
                             WHERE p.platform = 'x' AND a.handle = '$1'"; }
n10=$(posts_of doc10)
check "the connected mentor's posts arrived ($n10)" [ "$n10" -gt 0 ]
waiting=0
for i in 1 2 3 4 5 6 7 8 9; do [ "$(posts_of "doc$i")" = 0 ] && waiting=$((waiting + 1)); done
check "follow-stage accounts wait for tomorrow ($waiting of 9 not read yet)" [ "$waiting" -gt 0 ]
check "the day's allowance held ($(billed_today))" [ "$(billed_today)" -le "$(xstatus allowance_today)" ]

# Bad settings are refused with file:line.
stop_daemon
sed -i "s/^monthly_posts = .*/monthly_posts = -3/" "$CONF"
start_daemon; rc=$?
daemon_alive && stop_daemon
DAEMON_PID=
check "mentord refuses to start on it" [ "$rc" -ne 0 ]
grep 'monthly_posts' "$T/daemon.log" > "$T/check.out"
check "a negative monthly_posts is refused with file:line" grep -Eq "mentord.conf:[0-9]+: monthly_posts: expected a number" "$T/check.out"

finish
