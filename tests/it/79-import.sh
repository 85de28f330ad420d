#!/bin/sh
# mentorctl import: whom the user follows on each network (and Mastodon's
# following_accounts.csv), read by the daemon within budgets, ranked by fit,
# journals and societies proposed as sources, followed by pick; idempotent.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

DB="$XDG_STATE_HOME/mentord/mentord.db"

start_bus; ok $? "private bus started"
# doc1..doc12; doc9..doc12 are a journal, a society (group), a bot and a
# hospital programme (tests/tools/fakeapi/follows.c).
start_fake --accounts 12 --orgs 4 --posts 5; ok $? "fake server"
fake_config
start_daemon; ok $? "mentord up"
ctl poll --wait >/dev/null; ok $? "first round (the user's own ids)"

# --- Mastodon, dry run: the ranked table, nothing followed
ctl import mastodon --dry-run > "$T/dry.out" 2>"$T/dry.err"; ok $? "import mastodon --dry-run"
grep -q "Dry run: nothing was followed" "$T/dry.out"; ok $? "says it followed nothing"
is "$(grep -c 'mastodon.test' "$T/dry.out")" 12 "all 12 followed accounts listed"
grep -q "source (journal)" "$T/dry.out"; ok $? "the journal is proposed as a source"
grep -q "source (a group account)" "$T/dry.out"; ok $? "the group is proposed as a source"
grep -q "source (an automated account)" "$T/dry.out"; ok $? "the bot is proposed as a source"
grep -q "source (hospital)" "$T/dry.out"; ok $? "the hospital programme is proposed as a source"
is "$(ctl --json mentors | jq length)" 0 "dry run followed no one"
ctl --json import mastodon --dry-run > "$T/dry.json"; ok $? "--json"
jq -e '.candidates | length == 12 and (map(.rank) == [range(1;13)])' "$T/dry.json" >/dev/null
ok $? "ranks 1..12"
jq -e '.candidates | (map(.fit) | . == (sort | reverse))' "$T/dry.json" >/dev/null; ok $? "ranked by fit, best first"
jq -e '.candidates[0].fit > .candidates[-1].fit' "$T/dry.json" >/dev/null; ok $? "fit tells them apart"
jq -e '[.candidates[] | select(.name | test("Orthopaedic|Trail")) ] | length == 0' "$T/dry.json" >/dev/null
jq -e '[.candidates[] | select(.proposed == "source")] | length == 4' "$T/dry.json" >/dev/null
ok $? "exactly the 4 organisations proposed as sources"
grep -q "import 1 (mastodon)" "$T/daemon.log"; ok $? "the daemon ran the job"
n=$(grep -c 'GET .*/following' "$T/daemon.log")
[ "$n" -ge 3 ]; ok $? "paged through Link rel=next ($n pages of at most 5)"

# --- --match, --limit
ctl --json import mastodon --dry-run --match "cardiology journal" > "$T/match.json"; ok $? "--match"
jq -e '.candidates | length >= 1 and all(.name + " " | test("(?i)cardiology|journal|Dr"))' "$T/match.json" >/dev/null
ok $? "only matching rows"
n=$(jq '.candidates | length' "$T/match.json"); [ "$n" -lt 12 ]; ok $? "--match filters ($n rows)"
is "$(ctl --json import mastodon --dry-run --limit 3 | jq '.candidates | length')" 3 "--limit 3"
ctl import mastodon --limit 0 >/dev/null 2>&1; is $? 2 "--limit 0 is a usage error"
ctl import mastodon --dry-run --yes >/dev/null 2>&1; is $? 2 "--dry-run with --yes is a usage error"
ctl import nosuch --dry-run >"$T/bad.out" 2>&1; is $? 1 "unknown platform refused"

# --- picks by number through a pipe
echo "1-2,4" | ctl import mastodon --limit 6 > "$T/pick.out"; ok $? "picks through a pipe"
is "$(ctl --json mentors | jq length) $(ctl --json sources | jq length)" \
   "$(jq -r '[.candidates[:6][] | select(.rank == 1 or .rank == 2 or .rank == 4)] |
       "\(map(select(.proposed == "mentor")) | length) \(map(select(.proposed == "source")) | length)"' "$T/dry.json")" \
   "rows 1, 2 and 4 followed, each as proposed"
echo "7" | ctl import mastodon --limit 6 >/dev/null 2>"$T/pick.err"; is $? 2 "a row past the table is refused"
grep -q "no row 7" "$T/pick.err"; ok $? "and says so"
echo "x-y" | ctl import mastodon --limit 6 >/dev/null 2>&1; is $? 2 "unreadable picks refused"
: | ctl import mastodon --limit 6 > "$T/none.out"; ok $? "no picks (end of input)"

# --- --yes, then idempotence
ctl import mastodon --yes > "$T/yes.out"; ok $? "import mastodon --yes"
grep -q "Followed .* as mentors and .* as sources; 3 followed already" "$T/yes.out"; ok $? "follows the rest: $(cat "$T/yes.out" | tail -1)"
is "$(ctl --json sources | jq '[.[] | select(.platform == "mastodon")] | length')" 4 "4 sources"
is "$(ctl --json mentors | jq length)" 8 "8 mentors"
ctl import mastodon --yes > "$T/again.out"; ok $? "a second import"
grep -q "Nothing new to follow: the 12 picked accounts are followed already" "$T/again.out"; ok $? "follows nothing new and says so"
is "$(ctl --json mentors | jq length)" 8 "still 8 mentors"
grep -q "yes, as source" "$T/again.out"; ok $? "the table marks what is followed"

# --- Bluesky and X following lists
ctl --json import bluesky --yes > "$T/bsky.json"; ok $? "import bluesky --yes"
is "$(jq '.followed_mentors + .followed_sources' "$T/bsky.json")" 12 "12 Bluesky accounts followed"
grep -q 'getFollows' "$T/daemon.log"; ok $? "read with getFollows"
ctl --json import x --dry-run --limit 2 > "$T/x.json"; ok $? "import x --dry-run"
is "$(jq '.candidates | length' "$T/x.json")" 2 "X following list read"

# --- X below the tier that lists follows: 403 client-forbidden
fake_post /_fake/script '{"path":"/2/users/1500000000000000000/following","action":"raw","code":403,"count":1,"body":"{\"client_id\":\"1\",\"detail\":\"When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.\",\"registration_url\":\"https://developer.twitter.com/en/docs/projects/overview\",\"title\":\"Client Forbidden\",\"required_enrollment\":\"Appropriate Level of API Access\",\"reason\":\"client-not-enrolled\",\"type\":\"https://api.twitter.com/2/problems/client-forbidden\"}"}'
ctl import x --dry-run > "$T/x403.out" 2>"$T/x403.err"; is $? 1 "X tier refusal: exit 1"
grep -q "needs a higher X API tier" "$T/x403.err"; ok $? "says the tier does not allow it"
grep -q "client-not-enrolled" "$T/x403.err"; ok $? "with X's reason"
ctl --json status | jq -e '.platforms[] | select(.platform == "x") | .state != "auth-failed"' >/dev/null
ok $? "X polling is not stopped by it"

# --- a 429 in the middle of a walk: held, then resumed within budget
# The fake's clock stands still at FAKE_T0 while mentord's runs on: the
# reset it announces is set 3 s past mentord's now, as a live server's is.
reset_in=$(( $(date +%s) + MENTORD_CLOCK_OFFSET - FAKE_T0 + 3 ))
me_id=$(curl -s "$FAKE/api/v1/accounts/lookup?acct=me" | jq -r .id)
fake_post /_fake/script '{"path":"/api/v1/accounts/'"$me_id"'/following","action":"429","reset_in":'"$reset_in"',"skip":1,"count":1}'
ctl --json import mastodon --dry-run > "$T/429.json"; ok $? "import through a 429"
is "$(jq '.candidates | length' "$T/429.json")" 12 "every account after the 429"
grep -q "rate limited, resuming" "$T/daemon.log"; ok $? "the job waited for the window"

# --- a malformed page: asked again, nothing skipped
fake_post /_fake/script '{"path":"/xrpc/app.bsky.graph.getFollows","action":"truncate","skip":1,"count":1}'
ctl --json import bluesky --dry-run > "$T/trunc.json"; ok $? "import through a malformed page"
is "$(jq '.candidates | length' "$T/trunc.json")" 12 "no account lost or doubled"
grep -q "asking again" "$T/daemon.log"; ok $? "the page was asked again"

# --- Mastodon's export file
printf '\357\273\277Account address,Show boosts,Notify on new posts,Languages\r\n"doc1@mastodon.test",true,false,\r\n\r\ndoc9@mastodon.test,true,false,en\r\nnobody@mastodon.test,true,false,\r\n' > "$T/following_accounts.csv"
ctl --json import mastodon --csv "$T/following_accounts.csv" --dry-run > "$T/csv.json"; ok $? "import --csv (BOM, CRLF, quotes, blank line)"
is "$(jq '.candidates | length' "$T/csv.json")" 3 "3 accounts from the file"
jq -e '.candidates[] | select(.handle == "nobody@mastodon.test") | .fit == null' "$T/csv.json" >/dev/null
ok $? "a failed lookup keeps its row, with no fit"
jq -e '.candidates[] | select(.handle == "doc9@mastodon.test") | .proposed == "source"' "$T/csv.json" >/dev/null
ok $? "the looked-up society is proposed as a source"
printf 'Handle,Boosts\nalice@x.y,true\n' > "$T/wrong.csv"
ctl import mastodon --csv "$T/wrong.csv" --dry-run >/dev/null 2>"$T/wrong.err"; is $? 2 "wrong header refused"
grep -q "header must be 'Account address" "$T/wrong.err"; ok $? "with the expected header"
printf 'Account address,Show boosts,Notify on new posts,Languages\n"bad@x.y,true\n' > "$T/quote.csv"
ctl import mastodon --csv "$T/quote.csv" --dry-run >/dev/null 2>"$T/quote.err"; is $? 2 "broken quoting refused"
ctl import mastodon --csv "$T/nosuch.csv" --dry-run >/dev/null 2>&1; is $? 2 "missing file refused"
ctl import x --csv "$T/following_accounts.csv" >/dev/null 2>&1; is $? 2 "--csv is Mastodon's format"

ctl status > "$T/status.out"; ok $? "status"
grep -q "import" "$T/status.out"; ok $? "status shows the imports"
! grep -q "fake-mastodon-token\|fake-x-token" "$T/daemon.log" "$T/status.out"; ok $? "no token in the log or status"
daemon_alive; ok $? "daemon alive"
stop_daemon; ok $? "stopped"
stop_fake
finish
