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
if [ "$(id -u)" -eq 0 ]; then sudo=""
elif command -v sudo >/dev/null 2>&1; then sudo="sudo"
else
	echo "bench: not root and no sudo; install as root: apt-get install$missing" >&2
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# One at a time, so an optional package that fails does not stop the others.
for p in $missing; do
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $p >/dev/null || echo "bench: could not install $p" >&2
done
exit 0
