#!/bin/sh
# run.sh BUILD — `make run`: mentord in the foreground on the user's session
# bus, or on a private bus (dbus-run-session) where there is none.
set -eu
build=$(cd "$1" && pwd)
runtime=${XDG_RUNTIME_DIR:-/run/user/$(id -u)}

if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || [ -S "$runtime/bus" ]; then
	echo "mentord: starting on your session bus (Ctrl-C stops it)."
	echo "mentord: in another terminal: $build/mentorctl status"
	exec "$build/mentord"
fi

echo "mentord: no session bus here; starting a private one with dbus-run-session."
exec dbus-run-session -- sh -c '
	echo "mentord: to reach it from another terminal, run:"
	echo "  export DBUS_SESSION_BUS_ADDRESS='"'"'$DBUS_SESSION_BUS_ADDRESS'"'"'"
	echo "  $0/mentorctl status"
	echo "mentord: Ctrl-C stops it."
	exec "$0/mentord"' "$build"
