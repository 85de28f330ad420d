#!/bin/sh
# mentorctl check as a pre-post hook: verdicts, exit codes 0/4/5, the spec's
# JSON, stdin, accepting a finding, and nothing of the draft in the database.
. "$(dirname "$0")/lib.sh"

start_bus; ok $? "private bus started"
start_daemon; ok $? "mentord up"
DB="$XDG_STATE_HOME/mentord/mentord.db"

ctl check "Great journal club today on the DAPA-HF trial (NCT03036124): HR 0.74, p<0.001. #MedEd" > "$T/out"
is $? 0 "a clean academic post exits 0"
grep -q "nothing found" "$T/out"; ok $? "and says nothing was found"
ctl check "I was so drunk at the conference" >/dev/null; is $? 4 "a warning exits 4"
ctl check "My patient John Smith, MRN 4471902, was in bed 4 last night" >/dev/null; is $? 5 "a clear identifier exits 5"

ctl --json check "My patient John Smith, MRN 4471902" > "$T/j"; is $? 5 "--json keeps the exit code"
is "$(jq -r .verdict "$T/j")" block "verdict block"
for k in rule severity start end message; do
	jq -e ".findings | all(has(\"$k\"))" "$T/j" >/dev/null; ok $? "findings have $k"
done
jq -e '.findings | map(.rule) | index("phi.mrn") != null' "$T/j" >/dev/null; ok $? "the MRN is found"
mrn=$(jq -c '.findings[] | select(.rule == "phi.mrn") | [.start, .end]' "$T/j")
is "$mrn" "[23,34]" "its character span covers \"MRN 4471902\""
ctl --json check "Café résumé: my patient Zoë, MRN 4471902" | jq -c '.findings[] | select(.rule == "phi.mrn") | [.start, .end, .byte_start, .byte_end]' > "$T/u"
is "$(cat "$T/u")" "[29,40,33,44]" "character and byte offsets both right after accented letters"

printf 'Pic of the monitor from bed 3 attached, wild case\n' | ctl check - >/dev/null
r=$?; [ $r -eq 4 ] || [ $r -eq 5 ]; ok $? "reads the draft from stdin (exit $r)"
printf 'Congratulations to our graduating residents!\n' | ctl check >/dev/null; is $? 0 "stdin without '-' too"

fp=$(ctl --json check "I was so drunk at the conference" | jq -r '.findings[0].fingerprint')
ctl check --accept "$fp" "I was so drunk at the conference" >/dev/null; is $? 0 "accepting the only finding makes it pass"
ctl check "I was so drunk at the conference" >/dev/null; is $? 0 "the acceptance is remembered"
is "$(sqlite3 "$DB" "SELECT rule FROM check_overrides")" tone.intoxication "the override is logged in the ledger database"
sqlite3 "$DB" .dump | grep -qi "drunk\|John Smith\|4471902"; is $? 1 "no draft text is stored"
ctl check --accept "phi.mrn:0000000000000000" "hello" 2>"$T/err"; is $? 1 "an unknown fingerprint is refused"
grep -q InvalidArgument "$T/err"; ok $? "with InvalidArgument"
head -c 70000 /dev/zero | tr '\0' a > "$T/big"
ctl check - < "$T/big" 2>/dev/null; is $? 2 "a draft over 64 KiB is a usage error"
stop_daemon; ok $? "stopped"
ctl check "hello" 2>/dev/null; is $? 3 "daemon not running exits 3"
finish
