#!/bin/sh
# systemd integration: READY=1 only once the bus name is owned, watchdog pings,
# STOPPING=1, and the unit files pass systemd-analyze verify.
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
grep -q '^Type=notify' "$T/units/mentord.service" && grep -q '^BusName=org.mentord.Mentord1' "$T/units/mentord.service" \
	&& grep -q '^WatchdogSec=' "$T/units/mentord.service" && grep -q '^Restart=on-failure' "$T/units/mentord.service"
ok $? "unit is Type=notify with BusName, WatchdogSec, Restart=on-failure"
A="$SRC/$BUILD/units/org.mentord.Mentord1.service"
grep -q '^Name=org.mentord.Mentord1$' "$A" && grep -q '^SystemdService=mentord.service$' "$A"
ok $? "D-Bus activation file names the bus name and the unit"

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
