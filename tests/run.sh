#!/bin/sh
# run.sh BUILD — runs every unit test binary and integration script, each
# speaking TAP, and ends with the one summary line "N passed, N failed".
# A test that exits non-zero without reporting a failure counts one failure.
set -u
build=${1:-build}
export MENTORD_BUILD="$build" MENTORD_SRC="$(pwd)"
pass=0; fail=0
logdir="$build/test-logs"; mkdir -p "$logdir"

run_one() {  # name command...
	name=$1; shift
	log="$logdir/$name.log"
	"$@" > "$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log"); f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $name exited $rc" >> "$log"; fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $name ran no checks" >> "$log"; fi
	pass=$((pass + p)); fail=$((fail + f))
	if [ "$f" -eq 0 ]; then
		printf '%-28s %4d passed\n' "$name" "$p"
	else
		printf '%-28s %4d passed, %d FAILED\n' "$name" "$p" "$f"
		grep -E '^(not ok|#)' "$log" | head -40 | sed 's/^/    /'
		tail -n 15 "$log" | grep -vE '^(ok|not ok|#)' | sed 's/^/    | /'
	fi
}

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	# shellcheck disable=SC2086
	run_one "$(basename "$t")" ${TEST_WRAP:-} "$t"
done
for s in tests/it/[0-9]*.sh; do
	[ -f "$s" ] || continue
	run_one "$(basename "$s" .sh)" sh "$s"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
