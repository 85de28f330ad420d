#!/bin/sh
# deps.sh CC — installs clang and libFuzzer from Debian when CC cannot link a
# -fsanitize=fuzzer program (tools/deps.sh only knows the build's own tools).
set -eu
cc=${1:-clang-14}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' > "$tmp/t.c"
if command -v "$cc" >/dev/null 2>&1 &&
   "$cc" -fsanitize=fuzzer,address,undefined -o "$tmp/t" "$tmp/t.c" >/dev/null 2>&1; then
	exit 0
fi
pkgs="clang-14 libclang-rt-14-dev"
echo "fuzz: $cc cannot build a libFuzzer target — installing Debian packages: $pkgs"
# shellcheck disable=SC2086
sh "$(dirname "$0")/../tools/apt-install.sh" fuzz $pkgs
