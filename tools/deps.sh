#!/bin/sh
# deps.sh MODULE... -- DEBPKG...
# Installs the Debian packages when a pkg-config module or a tool the build and
# tests need is missing. Does nothing (and needs no root) when all are present.
set -eu
mods=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do mods="$mods $1"; shift; done
[ $# -gt 0 ] && shift
pkgs="$*"

missing=""
command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"
if [ -z "$missing" ]; then
	for m in $mods; do
		pkg-config --exists "$m" || missing="$missing $m"
	done
fi
# Libraries without a pkg-config module, by their header (DEP_HEADERS).
for h in ${DEP_HEADERS:-}; do
	[ -e "/usr/include/$h" ] || missing="$missing $h"
done
for t in cc make dbus-daemon dbus-run-session dbus-monitor systemd-analyze busctl dbus-send sqlite3 jq perl; do
	command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
# Without modules (deps.sh -- valgrind) the packages are tools of that name.
if [ -z "$mods" ]; then
	for t in $pkgs; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
fi
[ -z "$missing" ] && exit 0

echo "deps: missing:$missing — installing Debian packages: $pkgs"
# shellcheck disable=SC2086
exec sh "$(dirname "$0")/apt-install.sh" deps $pkgs
