# lib.sh — shared by the integration scripts: a private session bus, a
# temporary home, starting and stopping mentord, and TAP helpers.
# Sourced, not run. Every script ends with `finish`.

set -u
BUILD=${MENTORD_BUILD:-build}
SRC=${MENTORD_SRC:-$(pwd)}
MENTORD="$SRC/$BUILD/mentord"
MENTORCTL="$SRC/$BUILD/mentorctl"
case "$BUILD" in /*) MENTORD="$BUILD/mentord"; MENTORCTL="$BUILD/mentorctl";; esac
# Under valgrind/ASan runs the wrapper is prepended to the daemon command.
MENTORD_WRAP=${MENTORD_WRAP:-}

T=$(mktemp -d "${TMPDIR:-/tmp}/mentord-it.XXXXXX")
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" XDG_STATE_HOME="$T/home/.local/state"
# A second guard: libcurl honours these, so a request to any host but
# loopback (a test bug) hits a closed local port instead of the internet.
export http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
mkdir -p "$HOME" "$XDG_CONFIG_HOME/mentord"
# Tests never leave loopback: unless a test writes its own configuration,
# every network points at a closed local port.
cat > "$XDG_CONFIG_HOME/mentord/mentord.conf" <<'CONF'
[x]
enabled = no
api_base = http://127.0.0.1:9
[mastodon]
api_base = http://127.0.0.1:9
instance_override = http://127.0.0.1:9
[bluesky]
api_base = http://127.0.0.1:9
pds_base = http://127.0.0.1:9
CONF
TAP_N=0; TAP_FAIL=0; BUS_PID=; DAEMON_PID=

ok() {  # ok COND-EXIT-STATUS DESCRIPTION
	TAP_N=$((TAP_N + 1))
	d=$(printf '%s' "$2" | tr '\n\t' '  ')
	if [ "$1" -eq 0 ]; then echo "ok $TAP_N - $d"; else echo "not ok $TAP_N - $d"; TAP_FAIL=$((TAP_FAIL + 1)); fi
}
check() {  # check DESCRIPTION CMD... — passes when CMD exits 0
	d=$1; shift
	"$@" >/dev/null 2>&1; ok $? "$d"
}
is() {  # is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; echo "#   got '$1', want '$2'"; fi
}
diag() { echo "# $*"; }

start_bus() {  # start_bus [SERVICEDIR] — a private session bus, optionally activating
	mkdir -p "$T/bus"
	svc=${1:+<servicedir>$1</servicedir>}
	cat > "$T/bus/session.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$T/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
  $svc
</busconfig>
CONF
	dbus-daemon --config-file="$T/bus/session.conf" --fork --nosyslog \
		--print-address=3 --print-pid=4 3>"$T/bus/addr" 4>"$T/bus/pid" 2>/dev/null
	DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$T/bus/addr")
	BUS_PID=$(head -n1 "$T/bus/pid")
	export DBUS_SESSION_BUS_ADDRESS
	[ -n "$DBUS_SESSION_BUS_ADDRESS" ]
}

# bus_call METHOD SIGNATURE ARGS... — one call on mentord's object; the
# reply's arguments as one JSON array on stdout.
bus_call() {
	busctl --user --json=short call org.mentord.Mentord1 /org/mentord/Mentord1 \
		org.mentord.Manager1 "$@" | jq -c .data
}
# start_daemon [ARGS...] — starts mentord and waits until its name answers.
start_daemon() {
	$MENTORD_WRAP "$MENTORD" -v "$@" 2>>"$T/daemon.log" &
	DAEMON_PID=$!
	wait_for_daemon
}

wait_for_daemon() {
	i=0
	while [ $i -lt 200 ]; do
		if busctl --user status org.mentord.Mentord1 >/dev/null 2>&1; then return 0; fi
		kill -0 "$DAEMON_PID" 2>/dev/null || return 1
		sleep 0.05; i=$((i + 1))
	done
	return 1
}

# stop_daemon [SIGNAL] — signals mentord and returns its exit status.
stop_daemon() {
	[ -n "$DAEMON_PID" ] || return 0
	kill "-${1:-TERM}" "$DAEMON_PID" 2>/dev/null
	wait "$DAEMON_PID"; rc=$?
	DAEMON_PID=
	return $rc
}

daemon_alive() { [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; }

ctl() { "$MENTORCTL" "$@"; }

finish() {
	[ -n "$DAEMON_PID" ] && { kill "$DAEMON_PID" 2>/dev/null; wait "$DAEMON_PID" 2>/dev/null; }
	[ -n "${FAKE_PID:-}" ] && kill "$FAKE_PID" 2>/dev/null
	[ -n "$BUS_PID" ] && kill "$BUS_PID" 2>/dev/null
	if [ "$TAP_FAIL" -ne 0 ] && [ -f "$T/daemon.log" ]; then
		echo "# daemon log (last 30 lines):"; tail -n 30 "$T/daemon.log" | sed 's/^/#   /'
	fi
	if [ "$TAP_FAIL" -ne 0 ] && [ -n "${MENTORD_KEEP:-}" ]; then echo "# kept $T"; else rm -rf "$T"; fi
	echo "1..$TAP_N"
	[ "$TAP_FAIL" -eq 0 ]
}
