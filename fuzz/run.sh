#!/bin/sh
# run.sh BUILD SECONDS REAL TARGET... — writes the seed corpora from the
# fixtures, runs each libFuzzer target for SECONDS and prints one line per
# target with the executions run. Exits 1 when any target crashed, leaked or
# timed out; the input that did it is left in BUILD/fuzz/artifacts/.
#
# Per target: seeds in BUILD/fuzz/seeds/T (rewritten each run), the corpus
# it grew in BUILD/fuzz/corpus/T (kept, so later runs start further on), a
# dictionary fuzz/T.dict where one exists (for the network targets, the JSON
# keys of their fixtures are added). REAL is the directory of recorded real
# responses, used in place when it exists.
set -u
build=$1; secs=$2; real=$3; shift 3
dir="$build/fuzz"
mkseed="$dir/mkseed"
fail=0

mkdir -p "$dir/artifacts" "$dir/logs"

fixtures() {  # network → fixture files (repo, then real)
	ls tests/fixtures/"$1"/*.json 2>/dev/null
	[ -d "$real/$1" ] && ls "$real/$1"/*.json 2>/dev/null
}

seed() {  # target → fills $dir/seeds/$target, $dir/dict/$target
	t=$1; s="$dir/seeds/$t"; d="$dir/dict/$t"
	rm -rf "$s"; mkdir -p "$s" "$dir/dict"
	: > "$d"
	[ -f "fuzz/$t.dict" ] && cat "fuzz/$t.dict" >> "$d"
	case $t in x|mastodon|bluesky) cat fuzz/json.dict >> "$d" ;; esac
	case $t in
	x)        # shellcheck disable=SC2046
	          "$mkseed" net "$s" 1850000000000000000 $(fixtures x) &&
	          "$mkseed" dict $(fixtures x) | sort -u >> "$d" ;;
	mastodon) # shellcheck disable=SC2046
	          "$mkseed" net "$s" 113000000000000000 $(fixtures mastodon) &&
	          "$mkseed" dict $(fixtures mastodon) | sort -u >> "$d" ;;
	bluesky)  # shellcheck disable=SC2046
	          "$mkseed" net "$s" "1730500000000 at://did:plc:fuzz/app.bsky.feed.post/3kfuzz" \
	              $(fixtures bluesky) &&
	          "$mkseed" dict $(fixtures bluesky) | sort -u >> "$d" ;;
	html)     # shellcheck disable=SC2046
	          "$mkseed" html "$s" $(fixtures mastodon) ;;
	headers)  # shellcheck disable=SC2046
	          "$mkseed" headers "$s" $(fixtures x) $(fixtures mastodon) $(fixtures bluesky) ;;
	config)   cp fuzz/seeds/config/* "$s"/ ;;
	check)    "$mkseed" drafts "$s" tests/corpus/*.tsv ;;
	mail)     cp fuzz/seeds/mail/* "$s"/ ;;
	*)        echo "fuzz: unknown target $t" >&2; return 1 ;;
	esac
}

printf '%-10s %12s %10s %8s %7s  %s\n' target executions exec/s corpus cov result
for t in "$@"; do
	bin="$dir/fuzz_$t"
	log="$dir/logs/$t.log"
	if ! seed "$t"; then
		printf '%-10s seeding failed\n' "$t"; fail=1; continue
	fi
	mkdir -p "$dir/corpus/$t"
	dict=""
	[ -s "$dir/dict/$t" ] && dict="-dict=$dir/dict/$t"
	# -timeout: one input taking over 10 s is a hang (parsers are linear).
	# -rss_limit_mb: a parser needing 2 GiB for one response is a bug too.
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -artifact_prefix="$dir/artifacts/$t-" $dict \
		"$dir/corpus/$t" "$dir/seeds/$t" > "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | sed 's/cov: //')
	ncorp=$(ls "$dir/corpus/$t" | wc -l)
	if [ "$rc" -eq 0 ]; then res=ok; else res="FAILED (exit $rc)"; fail=1; fi
	printf '%-10s %12s %10s %8s %7s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$ncorp" "${cov:-?}" "$res"
	if [ "$rc" -ne 0 ]; then
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' "$log" |
			head -n 8 | sed 's/^/    /'
		echo "    log: $log"
	fi
done
[ "$fail" -eq 0 ] || { echo "fuzz: a target failed; the inputs are in $dir/artifacts/" >&2; exit 1; }
