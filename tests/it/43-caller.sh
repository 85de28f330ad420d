#!/bin/sh
# Who may change the user's data: the write methods run only for the uid
# running mentord, checked by asking dbus-daemon (GetConnectionUnixUser)
# without blocking the loop (daemon/bus/bus_caller.c). A session bus
# refuses other uids itself, so this test starts a bus that lets any uid
# connect, and calls as root (mentord's user) and as nobody.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! id nobody >/dev/null 2>&1 || ! command -v runuser >/dev/null ||
   ! command -v dbus-send >/dev/null; then
	ok 0 "# SKIP needs root, the user nobody, runuser(1) and dbus-send(1)"
	finish; exit
fi
# The socket must be reachable by nobody: not under $T (mode 0700).
P=$(mktemp -d /tmp/mentord-caller.XXXXXX) && chmod 755 "$P"
mkdir -p "$T/bus"
cat > "$T/bus/open.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$P</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
dbus-daemon --config-file="$T/bus/open.conf" --fork --nosyslog \
	--print-address=3 --print-pid=4 3>"$T/bus/addr" 4>"$T/bus/pid" 2>/dev/null
DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$T/bus/addr"); BUS_PID=$(head -n1 "$T/bus/pid")
export DBUS_SESSION_BUS_ADDRESS
[ -n "$DBUS_SESSION_BUS_ADDRESS" ]; ok $? "a bus any uid may connect to"
start_daemon; ok $? "mentord started (as root)"

# dbus-send prints the error's name and message as they came (busctl
# shows its own words for a known error name).
as_nobody() {  # as_nobody METHOD ARGS... — a call on the same bus, as nobody
	m=$1; shift
	runuser -u nobody -- env DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS" \
		dbus-send --session --print-reply --dest=org.mentord.Mentord1 /org/mentord/Mentord1 \
		"org.mentord.Manager1.$m" "$@" 2>&1
}
call() { busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 "$@"; }

call Track ss meded "" >/dev/null; ok $? "root (mentord's user): Track works"
as_nobody Track string:other string: > "$T/nobody.out"
grep -q '^Error org.freedesktop.DBus.Error.AccessDenied: Only the user running mentord may change it$' "$T/nobody.out"
ok $? "nobody: Track is refused, with the reason"
sed 's/^/#   /' "$T/nobody.out"
as_nobody Follow string:x string:somebody string: uint64:0 > "$T/nobody2.out"
grep -q 'AccessDenied: Only the user' "$T/nobody2.out"; ok $? "nobody: Follow is refused too"
as_nobody SetStage string:1 string:auto > "$T/nobody3.out"
grep -q 'AccessDenied: Only the user' "$T/nobody3.out"; ok $? "nobody: SetStage is refused, before its arguments are looked at"
as_nobody ListMentors string:score uint32:0 uint32:10 | grep -q '^method return'
ok $? "nobody: a read (ListMentors) is answered, as before"
is "$(call GetStatus | awk '{print $6}')" 1 "one hashtag: nobody's Track changed nothing"
# A refused argument still comes back as the argument's own error, after
# the caller check.
call Track ss "" "" 2> "$T/bad.err" >/dev/null
grep -q 'org.mentord.Error\|Invalid\|tag' "$T/bad.err"; ok $? "root: a bad tag gets its own error"
# A caller gone before dbus-daemon answers: nobody to reply to, mentord goes on.
for i in 1 2 3 4 5; do
	busctl --user --expect-reply=no call org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 \
		Track ss "gone$i" "" >/dev/null 2>&1
done
call GetStatus >/dev/null; ok $? "mentord answers after callers that left without waiting"
daemon_alive; ok $? "mentord still running"
# Stopped in the middle of a burst: the write calls whose caller is not
# known yet are dropped with their questions (bus_caller_cancel_all);
# under ASan and valgrind a wait left behind would show as a leak here.
BURST="$SRC/$BUILD/tests/busburst"
case "$BUILD" in /*) BURST="$BUILD/tests/busburst";; esac
"$BURST" --phase reject --clients 2 --rounds 2 >/dev/null 2>&1 &
BP=$!
sleep 1
stop_daemon; ok $? "mentord stopped cleanly with write calls in flight"
kill "$BP" 2>/dev/null; wait "$BP" 2>/dev/null
grep 'dropped at exit' "$T/daemon.log" | sed 's/^/# /'
rm -rf "$P"
finish
