#!/bin/sh
# systemd integration: READY=1 only once the bus name is owned, watchdog pings,
# STOPPING=1, the unit files pass systemd-analyze verify, the unit's sandbox
# rates 2.0 or better with systemd-analyze security, and mentord works with
# only its state directory writable.
. "$(dirname "$0")/lib.sh"

start_bus; ok $? "private bus started"
"$SRC/$BUILD/tests/notifylisten" "$T/notify.sock" 20 > "$T/notify.out" &
LISTENER=$!
i=0; while [ $i -lt 50 ] && ! grep -q LISTENING "$T/notify.out" 2>/dev/null; do sleep 0.05; i=$((i+1)); done

NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=200000 start_daemon; ok $? "mentord started with NOTIFY_SOCKET"
sleep 0.6
grep -q '^READY=1' "$T/notify.out"; ok $? "READY=1 sent"
# The name must be owned at READY time: mentord requests it synchronously
# before the loop starts, and READY is the loop's first act.
grep -n "ready" "$T/daemon.log" >/dev/null; ok $? "daemon logged readiness"
n=$(grep -c '^WATCHDOG=1' "$T/notify.out"); [ "$n" -ge 3 ]; ok $? "watchdog pinged every WATCHDOG_USEC/2 ($n pings in 0.6s)"
stop_daemon; ok $? "stopped cleanly"
sleep 0.3
grep -q '^STOPPING=1' "$T/notify.out"; ok $? "STOPPING=1 sent on SIGTERM"
kill $LISTENER 2>/dev/null; wait $LISTENER 2>/dev/null

# Losing the bus is fatal (exit 1) so that Restart=on-failure brings mentord back.
start_daemon; ok $? "mentord started again"
kill "$BUS_PID"; BUS_PID=
wait "$DAEMON_PID"; rc=$?; DAEMON_PID=
is "$rc" 1 "mentord exits 1 when the bus goes away"
grep -q "connection lost" "$T/daemon.log"; ok $? "and logs why"
start_bus; ok $? "bus restarted"

# Unit files: verify the generated copies pointing at the built binaries.
mkdir -p "$T/units" "$T/run"; chmod 700 "$T/run"
sed "s|^ExecStart=.*|ExecStart=$SRC/$BUILD/mentord|" "$SRC/$BUILD/units/mentord.service" > "$T/units/mentord.service"
XDG_RUNTIME_DIR="$T/run" systemd-analyze --user verify --man=no --recursive-errors=no \
	"$T/units/mentord.service" > "$T/verify.out" 2>&1; rc=$?
is "$rc" 0 "systemd-analyze verify accepts mentord.service"
[ ! -s "$T/verify.out" ]; ok $? "systemd-analyze verify prints nothing"
[ -s "$T/verify.out" ] && sed 's/^/#   /' "$T/verify.out"
# Sandbox exposure, offline (no user manager needed). --threshold compares
# against exposure x 10 and exits non-zero above it; warnings go to stderr
# or before the table header, so both must be empty.
security() {  # security UNIT THRESHOLD
	XDG_RUNTIME_DIR="$T/run" systemd-analyze security --offline=true --user --threshold="$2" "$1" \
		> "$T/security.out" 2> "$T/security.err"
}
security "$T/units/mentord.service" 20; rc=$?
level=$(sed -n 's/.*Overall exposure level for mentord.service: \([0-9.]*\).*/\1/p' "$T/security.out")
is "$rc" 0 "systemd-analyze security: exposure ${level:-?} is at most 2.0"
[ ! -s "$T/security.err" ] && head -n 1 "$T/security.out" | grep -q '^ *NAME.*DESCRIPTION.*EXPOSURE'
ok $? "systemd-analyze security prints no warnings"
[ -s "$T/security.err" ] && sed 's/^/#   /' "$T/security.err"
# The check has teeth: the same unit without its sandbox block fails it.
sed '/^NoNewPrivileges=/,/^UMask=/d' "$T/units/mentord.service" > "$T/units/unsandboxed.service"
security "$T/units/unsandboxed.service" 20; rc=$?
[ "$rc" -ne 0 ]; ok $? "an unsandboxed copy fails the same threshold ($(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$T/security.out"))"
grep -q '^ReadWritePaths=%h/.local/state/mentord$' "$SRC/units/mentord.service.in" &&
	grep -q '^ExecStartPre=+/bin/mkdir -p -m 0700 %h/.local/state/mentord$' "$SRC/units/mentord.service.in"
ok $? "the state directory (the only path mentord writes) is writable and created 0700 before the sandbox"
grep -q '^Type=notify' "$T/units/mentord.service" && grep -q '^BusName=org.mentord.Mentord1' "$T/units/mentord.service" \
	&& grep -q '^WatchdogSec=' "$T/units/mentord.service" && grep -q '^Restart=on-failure' "$T/units/mentord.service"
ok $? "unit is Type=notify with BusName, WatchdogSec, Restart=on-failure"
A="$SRC/$BUILD/units/org.mentord.Mentord1.service"
grep -q '^Name=org.mentord.Mentord1$' "$A" && grep -q '^SystemdService=mentord.service$' "$A"
ok $? "D-Bus activation file names the bus name and the unit"

# The sandbox's view of the file system, emulated where this machine lets
# us (no user manager here to run the unit itself): in a private mount
# namespace the whole test home is read-only except the state directory,
# as ProtectHome=read-only + ReadWritePaths= make it, and that directory is
# created first, as ExecStartPre= does. A poll round must still work.
. "$(dirname "$0")/fake.sh"
STATE="$XDG_STATE_HOME/mentord"
if unshare -m true 2>/dev/null; then
	start_fake; ok $? "fake API server started"
	fake_config
	mkdir -p -m 0700 "$STATE"
	unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" &&
		mount --bind "$2" "$2" && mount -o remount,bind,rw "$2" && shift 2 && exec "$@"' \
		sh "$T" "$STATE" $MENTORD_WRAP "$MENTORD" -v 2>>"$T/daemon.log" &
	DAEMON_PID=$!
	wait_for_daemon; ok $? "mentord started with only its state directory writable"
	unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && ! touch "$1/home/probe" 2>/dev/null' sh "$T"
	ok $? "(the same mounts do refuse a write elsewhere in the home)"
	ctl follow x doc1 >/dev/null && ctl follow mastodon doc1 >/dev/null && ctl follow bluesky doc1.bsky.social >/dev/null
	ok $? "follows stored"
	ctl poll --wait >/dev/null; ok $? "a poll round ran"
	n=$(sqlite3 "$STATE/mentord.db" 'SELECT count(DISTINCT platform) FROM posts')
	is "$n" 3 "posts from all three networks were stored"
	[ -f "$STATE/bluesky-session.json" ]; ok $? "the Bluesky session file was written beside the database"
	stop_daemon; ok $? "stopped cleanly"
	stop_fake
else
	for d in "fake API server" "mentord in a read-only home" "read-only mounts" "follows" "poll" "posts" "session file" "stop"; do
		ok 0 "# SKIP $d: no mount namespaces here (unshare -m not permitted)"
	done
fi

# D-Bus activation: a bus whose servicedir holds our file starts mentord on
# the first call.
kill "$BUS_PID"; BUS_PID=
mkdir -p "$T/svc"
sed "s|^Exec=.*|Exec=$SRC/$BUILD/mentord|" "$A" > "$T/svc/org.mentord.Mentord1.service"
start_bus "$T/svc"; ok $? "bus with our service directory"
ctl status >/dev/null 2>&1; ok $? "first mentorctl call activates mentord"
busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 GetStatus >/dev/null 2>&1
pid=$(busctl --user status org.mentord.Mentord1 2>/dev/null | sed -n 's/^PID=//p')
[ -n "$pid" ] && kill "$pid" 2>/dev/null
finish
