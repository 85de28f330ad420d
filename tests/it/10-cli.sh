#!/bin/sh
# mentorctl against a real mentord on a private bus: every issue-2 command,
# the JSON keys of the spec, exit codes, persistence across a restart.
. "$(dirname "$0")/lib.sh"

start_bus; ok $? "private bus started"

ctl status >/dev/null 2>"$T/err"; is $? 3 "status with no daemon exits 3"
grep -q "make run" "$T/err"; ok $? "unreachable error carries a hint how to start mentord"

start_daemon; ok $? "mentord started on a fresh home"
DB="$XDG_STATE_HOME/mentord/mentord.db"
is "$(stat -c %a "$DB")" 600 "database file is 0600"
is "$(stat -c %a "$XDG_STATE_HOME/mentord")" 700 "database directory is 0700"
is "$(sqlite3 "$DB" 'PRAGMA journal_mode')" wal "database is in WAL mode"

ctl --json status > "$T/st.json"; ok $? "status --json succeeds"
for k in version uptime_s mentors accounts hashtags posts events platforms; do
	jq -e "has(\"$k\")" "$T/st.json" >/dev/null; ok $? "status JSON has $k"
done
for k in platform enabled state last_poll next_poll rate_remaining last_error; do
	jq -e ".platforms | all(has(\"$k\"))" "$T/st.json" >/dev/null; ok $? "status platforms have $k"
done
is "$(jq -r '[.platforms[].platform] | join(",")' "$T/st.json")" "x,mastodon,bluesky,email" "three networks and the e-mail source reported"
is "$(jq -r '.platforms[0].state' "$T/st.json")" disabled "x is disabled by default"

ctl follow mastodon '@Alice@Example.Social' --name 'Dr Alice Ng' >/dev/null; ok $? "follow mastodon with --name"
ctl --json follow x drbob > "$T/f.json"; ok $? "follow x --json"
is "$(jq -r .mentor "$T/f.json")" 2 "second mentor gets id 2"
ctl follow bluesky Carol.BSKY.social --mentor 1 >/dev/null; ok $? "follow bluesky --mentor attaches to mentor 1"
ctl follow x drbob 2>"$T/err"; is $? 1 "following twice exits 1"
grep -q 'org.mentord.Error.AlreadyFollowed' "$T/err"; ok $? "error names AlreadyFollowed"
ctl follow x someone --mentor 99 2>"$T/err"; is $? 1 "unknown --mentor exits 1"
grep -q 'org.mentord.Error.UnknownMentor' "$T/err"; ok $? "error names UnknownMentor"
ctl follow x 2>/dev/null; is $? 2 "follow without handle is a usage error"
ctl frobnicate 2>/dev/null; is $? 2 "unknown command is a usage error"
ctl --timeout abc status 2>/dev/null; is $? 2 "bad --timeout is a usage error"

ctl track '#MedEd' >/dev/null; ok $? "track #MedEd"
ctl track meded 2>"$T/err"; is $? 1 "tracking twice exits 1"
grep -q AlreadyTracked "$T/err"; ok $? "error names AlreadyTracked"
ctl track MedTwitter --platform mastodon >/dev/null; ok $? "track on one platform"
ctl --json mentors > "$T/m.json"; ok $? "mentors --json"
is "$(jq length "$T/m.json")" 2 "two mentors listed"
for k in id name stage score fit accounts posts events last_activity last_contact; do
	jq -e "all(has(\"$k\"))" "$T/m.json" >/dev/null; ok $? "mentors JSON has $k"
done
is "$(jq -r '.[0].name' "$T/m.json")" "Dr Alice Ng" "mentor name kept"
is "$(jq -r '.[0].accounts | length' "$T/m.json")" 2 "mentor 1 has two accounts"
is "$(jq -r '.[0].stage' "$T/m.json")" follow "a new mentor is at stage follow"
ctl mentors --sort recent > "$T/m.txt"; ok $? "mentors --sort recent (text)"
head -n1 "$T/m.txt" | grep -q '^ID  *NAME  *STAGE'; ok $? "text output has an aligned header"
ctl mentors --sort bogus 2>"$T/err"; is $? 1 "unknown sort exits 1"
grep -q InvalidArgument "$T/err"; ok $? "error names InvalidArgument"

ctl unfollow x drbob >/dev/null; ok $? "unfollow x drbob"
ctl unfollow x drbob 2>"$T/err"; is $? 1 "unfollowing again exits 1"
grep -q NotFollowed "$T/err"; ok $? "error names NotFollowed"
ctl untrack MedTwitter >/dev/null; ok $? "untrack"
ctl untrack MedTwitter 2>"$T/err"; is $? 1 "untracking again exits 1"
grep -q NotTracked "$T/err"; ok $? "error names NotTracked"

stop_daemon; ok $? "SIGTERM stops mentord with status 0"
busctl --user status org.mentord.Mentord1 >/dev/null 2>&1; is $? 1 "bus name released after stop"
is "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "database intact after stop"

start_daemon; ok $? "mentord restarted"
ctl --json status > "$T/st2.json"
is "$(jq -c '[.mentors,.accounts,.hashtags]' "$T/st2.json")" "[2,2,1]" "mentors, accounts, hashtags persist across restart"
ctl follow x drbob >/dev/null; ok $? "re-follow after unfollow"
is "$(ctl --json mentors | jq -r '[.[] | select(.id == 2) | .accounts[0].handle] | first')" drbob \
	"re-follow keeps the old mentor"
stop_daemon INT; ok $? "SIGINT stops mentord with status 0"

# A database from a newer mentord is refused, not damaged.
sqlite3 "$DB" 'PRAGMA user_version = 999'
"$MENTORD" 2>"$T/newer.log"; is $? 1 "a newer database makes mentord exit 1"
grep -q 'newer than this mentord' "$T/newer.log"; ok $? "and says why"
is "$(sqlite3 "$DB" 'PRAGMA user_version')" 999 "the newer database is left untouched"
finish
