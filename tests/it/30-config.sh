#!/bin/sh
# Configuration: --config/--db, file:line errors at start, SIGHUP and
# `mentorctl reload` with a good and a bad file.
. "$(dirname "$0")/lib.sh"

start_bus; ok $? "private bus started"
CONF="$T/mentord.conf"; DB="$T/custom/ledger.db"

cat > "$CONF" <<'C'
[mentord]
interests = cardiology, medical education, #MedEd   # comma separated
poll_interval = 20m
quiet_hours = 22:00-07:00

[x]
enabled = no
C
start_daemon --config "$CONF" --db "$DB"; ok $? "starts with --config and --db"
[ -f "$DB" ]; ok $? "database created at --db path"
is "$(stat -c %a "$T/custom")" 700 "--db directory created 0700"

# Bad file on SIGHUP: old configuration kept, file:line logged, still running.
printf '[mentord]\npoll_interval = 15m\nbogus_key = 1\n' > "$CONF"
kill -HUP "$DAEMON_PID"; sleep 0.3
daemon_alive; ok $? "daemon survives SIGHUP with a bad file"
grep -q "mentord.conf:3: unknown key 'bogus_key'" "$T/daemon.log"; ok $? "bad reload logs file:line: message"
grep -q "keeping the previous configuration" "$T/daemon.log"; ok $? "bad reload says the old config is kept"
ctl status >/dev/null; ok $? "daemon answers after bad reload"

ctl reload 2>"$T/err"; is $? 1 "mentorctl reload with a bad file exits 1"
grep -q "org.mentord.Error.InvalidConfig" "$T/err"; ok $? "reload error names InvalidConfig"
grep -q "mentord.conf:3" "$T/err"; ok $? "reload error gives file:line"

# Good file: enable x and see it in status.
printf '[mentord]\npoll_interval = 15m\n[x]\nenabled = yes\n' > "$CONF"
kill -HUP "$DAEMON_PID"; sleep 0.3
grep -q "configuration re-read" "$T/daemon.log"; ok $? "good SIGHUP re-reads the file"
is "$(ctl --json status | jq -r '.platforms[0].enabled')" true "new configuration in effect (x enabled)"
printf '[mentord]\n[x]\nenabled = no\n' > "$CONF"
ctl reload >/dev/null; ok $? "mentorctl reload with a good file"
is "$(ctl --json status | jq -r '.platforms[0].enabled')" false "reload applied (x disabled again)"
stop_daemon; ok $? "stopped cleanly"

# Bad files at start: refuse to start, name file:line.
bad() {  # bad DESCRIPTION EXPECTED-MESSAGE CONTENT
	printf '%b' "$3" > "$CONF"
	"$MENTORD" --config "$CONF" --db "$DB" 2>"$T/start.log"; rc=$?
	is "$rc" 1 "refuses to start: $1"
	grep -q "$2" "$T/start.log"; ok $? "names the problem: $1"
}
bad "unknown section" "mentord.conf:2: unknown section \[facebook\]" '[mentord]\n[facebook]\n'
bad "bad duration" "mentord.conf:2: poll_interval" '[mentord]\npoll_interval = soon\n'
bad "bad bool" "mentord.conf:2: enabled" '[x]\nenabled = maybe\n'
bad "no equals" "mentord.conf:1: expected 'key = value'" 'hello\n'
bad "bad api_base" "mentord.conf:2: api_base: must start with https://" '[mastodon]\napi_base = ftp://x\n'
bad "bad quiet hours" "mentord.conf:2: quiet_hours" '[mentord]\nquiet_hours = 25:00-07:00\n'
bad "key outside section" "mentord.conf:1: key 'notify' outside any section" 'notify = yes\n'
"$MENTORD" --config "$T/absent.conf" --db "$DB" 2>"$T/start.log"; is $? 1 "an explicit --config that is missing is an error"
grep -q "absent.conf: No such file" "$T/start.log"; ok $? "missing file named"
"$MENTORD" --bogus 2>/dev/null; is $? 2 "unknown option exits 2"
"$MENTORD" --version | grep -q '^mentord [0-9]'; ok $? "--version prints the version"
finish
