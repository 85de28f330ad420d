#!/bin/sh
# mentorctl check --watch FILE: a check on every save (written in place,
# renamed over, appended to, moved aside and written anew as some editors
# do), printing only what changed; one JSON object per check with --json;
# a clean end on SIGINT and when the file is removed. No sleeps decide a
# result: output is awaited with a bounded loop.
. "$(dirname "$0")/lib.sh"

start_bus; ok $? "private bus started"
start_daemon; ok $? "mentord up"
D="$T/drafts"; mkdir -p "$D"; F="$D/post.txt"
PHI="My patient John Smith, MRN 4471902, was in bed 4 last night"

# wait_for FILE PATTERN [COUNT] — until FILE has COUNT lines matching (or
# 120 s pass). A file not created yet counts as no lines: the shell opens a
# background job's output in the child, so under load the first look can
# come before the file exists, and an empty count must not read as "done".
wait_for() {
	i=0
	while :; do
		seen=$(grep -c -- "$2" "$1" 2>/dev/null)
		[ "${seen:-0}" -lt "${3:-1}" ] || return 0
		i=$((i + 1)); [ $i -lt 2400 ] || return 1; sleep 0.05
	done
}
# wait_exit PID — until the process is gone (or 30 s pass); its status in $?.
wait_exit() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 600 ] || return 99; sleep 0.05
	done
	wait "$1"
}
lines() { wc -l < "$1" | tr -d ' '; }

printf 'Great journal club today on heart failure trials. #MedEd\n' > "$F"
"$MENTORCTL" check --watch "$F" > "$T/w" 2> "$T/w.err" &
W=$!
wait_for "$T/w" "post.txt: ok$"; ok $? "the first check: the file's verdict"
is "$(lines "$T/w")" 1 "... and nothing else for a clean draft"

# Saved by rename (write a temporary file, move it over the draft).
printf '%s\n' "$PHI" > "$D/.post.txt.tmp" && mv "$D/.post.txt.tmp" "$F"
wait_for "$T/w" "post.txt: ok -> block"; ok $? "saved by rename: the verdict moves to block"
wait_for "$T/w" '^+ block 1:[0-9]* phi.mrn "MRN 4471902"'; ok $? "... the new MRN finding with line:column and words"
grep -q '^-' "$T/w"; is $? 1 "... nothing is gone"

# Appended to in place.
n=$(lines "$T/w")
printf 'I was so drunk at the conference after.\n' >> "$F"
wait_for "$T/w" '^+ warn 2:[0-9]* tone.intoxication'; ok $? "appended: only the new finding, on line 2"
is "$(grep -c 'phi.mrn' "$T/w")" 1 "... the MRN finding is not repeated"
is "$(grep -c -- '->' "$T/w")" 1 "... the verdict (still block) is not repeated"

# The same content saved again says nothing; the next real change says one line.
n=$(lines "$T/w")
cp "$F" "$D/.same" && mv "$D/.same" "$F"
sed 's/ after\./ after the talk./' "$F" > "$D/.edit" && mv "$D/.edit" "$F"   # same findings
printf '%s\n' "$PHI" > "$D/.back" && mv "$D/.back" "$F"                    # drunk line gone
wait_for "$T/w" '^- warn 2:[0-9]* tone.intoxication'; ok $? "a finding that went away is printed with -"
is "$(($(lines "$T/w") - n))" 1 "saves that change no finding print nothing"

# An editor that moves the old file aside and writes a new one.
mv "$F" "$F~" && printf 'All clear now, great teaching session.\n' > "$F"
wait_for "$T/w" "post.txt: block -> ok"; ok $? "moved aside and written anew: block -> ok"
wait_for "$T/w" '^- block .*phi.mrn'; ok $? "... the MRN finding is gone"
kill -0 $W; ok $? "still watching"

# --json: one object per check.
"$MENTORCTL" --json check --watch "$F" > "$T/j" 2>>"$T/w.err" &
J=$!
wait_for "$T/j" '"file"'; ok $? "--json: an object for the first check"
printf '%s\n' "$PHI" > "$F"
wait_for "$T/j" '"file"' 2; ok $? "... and one for the save" || { diag "watch stderr: $(cat "$T/w.err")"; diag "objects: $(cat "$T/j")"; }
jq -e -s 'length == 2 and .[0].previous == null and .[0].verdict == "ok"
	and .[1].previous == "ok" and .[1].verdict == "block" and (.[1].new | map(.rule) | index("phi.mrn") != null)
	and (.[1].gone | length == 0) and (.[1].findings | all(has("line") and has("column") and has("fingerprint")))' \
	"$T/j" >/dev/null
ok $? "... verdict, previous, findings, new and gone"
kill -INT $J; wait_exit $J; r=$?; is $r 0 "SIGINT ends the watch cleanly (exit 0)"
[ $r -ne 99 ] || kill $J

# Removed for good: the watch ends.
rm -f "$F"
wait_exit $W; r=$?; is $r 0 "the file removed for good: the watch ends (exit 0)"
[ $r -ne 99 ] || kill $W
grep -q "post.txt: removed" "$T/w"; ok $? "... saying so"
is "$(cat "$T/w.err")" "" "no errors on the way"

# Usage errors.
ctl check --watch "$D/missing.txt" 2>/dev/null; is $? 2 "watching a file that does not exist is a usage error"
ctl check --watch "$F" "some text" 2>/dev/null; is $? 2 "--watch with a draft argument is a usage error"

# --format=lines, for editors.
printf 'Fine first line\nMy patient John Smith, MRN 4471902\n' | ctl check --format=lines --name draft.txt - > "$T/l"
is $? 5 "--format=lines keeps the exit code"
grep -q '^draft.txt:2:[0-9]*: block: .* \[phi.mrn\] Fix: ' "$T/l"; ok $? "NAME:LINE:COLUMN: severity: message [rule] Fix: ..."
col=$(sed -n 's/^draft.txt:2:\([0-9]*\): block: .*phi.mrn.*/\1/p' "$T/l")
is "$col" 24 "the column counts characters from 1"
printf 'Zoë: MRN 4471902\n' | ctl check --format=lines - | grep -q '^-:1:6: block: .*\[phi.mrn\]'
ok $? "columns are characters, not bytes; NAME defaults to -"
printf 'Congratulations to our residents!\n' | ctl check --format=lines - > "$T/l2"; is $? 0 "clean: exit 0"
is "$(cat "$T/l2")" "" "... and no output"
ctl check --format=xml "x" 2>/dev/null; is $? 2 "an unknown --format is a usage error"
stop_daemon; ok $? "stopped"
finish
