#!/bin/sh
# deps.sh — installs from Debian the tools `make bench` uses, only those
# missing (like tools/deps.sh: nothing happens, and no root is needed, when
# all are there). perf is optional: Debian's linux-perf may not match the
# running kernel, and the bench falls back to strace counts without it.
set -u
missing=""
need() {  # need COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}
need newsboat newsboat
need /usr/bin/time time
need strace strace
need curl curl
need valgrind valgrind
need perf linux-perf
[ -z "$missing" ] && exit 0
echo "bench: installing Debian packages:$missing"
# shellcheck disable=SC2086
sh "$(dirname "$0")/../tools/apt-install.sh" --each bench $missing
