#!/bin/sh
# apt-install.sh [--each] WHO PACKAGE... — installs Debian packages as root,
# through sudo when not root. The one place that runs apt-get: the build's
# (tools/deps.sh), the bench's and the fuzzers' dependencies all come here.
# --each installs one package at a time and never fails (optional tools:
# one that cannot be installed must not stop the others).
set -u
each=false
[ "${1:-}" = "--each" ] && { each=true; shift; }
who=$1; shift
if [ "$(id -u)" -eq 0 ]; then sudo=""
elif command -v sudo >/dev/null 2>&1; then sudo="sudo"
else
	echo "$who: not root and no sudo; install as root: apt-get install $*" >&2
	$each && exit 0
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq || $each || exit 1
if $each; then
	for p in "$@"; do
		$sudo apt-get install -y -qq --no-install-recommends "$p" >/dev/null || echo "$who: could not install $p" >&2
	done
	exit 0
fi
exec $sudo apt-get install -y -qq --no-install-recommends "$@"
