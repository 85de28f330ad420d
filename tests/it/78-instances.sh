#!/bin/sh
# Mastodon people read from their own server: the fake plays three
# instances (HOME, the configured one, and a.example, b.example:8443) at one
# address, told apart by the Host header that [mastodon] instance_override
# makes mentord send. Accounts of a.example and b.example are read there,
# without the user's token, so their whole history arrives and late
# federation does not delay anything; one post is one row (its uri) whichever
# instance showed it; replies to the user are matched by acct; a home that
# refuses public reads, answers nothing or drops the connection puts its
# instance in fallback; each instance has its own budget.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

DB="$XDG_STATE_HOME/mentord/mentord.db"
CONF="$XDG_CONFIG_HOME/mentord/mentord.conf"
INSTANCES="home.example,a.example,b.example:8443"
# doc1, doc4 live on home.example, doc2, doc5 on a.example, doc3, doc6 on
# b.example:8443 (FAKEAPI.md). 80 posts each over 20 days: HOME knows the
# remote accounts' posts of the last 10 days only (federation starts halfway).
SCENARIO="--accounts 6 --posts 80 --span-days 20 --mastodon-instances $INSTANCES"

# instance_config [extra [mentord] lines]: the configured instance is
# home.example, every instance reached through the fake's address.
instance_config() {
	fake_config "history = 30d
${1:-}"
	sed -i "/^\[mastodon\]/,/^\[bluesky\]/ s|^api_base = .*|api_base = http://home.example|" "$CONF"
}
instances() { curl -s -f "$FAKE/_fake/instances"; }
inst() {  # inst NAME FIELD
	instances | jq -r --arg n "$1" --arg f "$2" '.instances[] | select(.name == $n) | .[$f]'
}
mstatus() { ctl --json status | jq -c '.platforms[] | select(.platform == "mastodon")'; }
# Keys (uri) of an account's posts on the server, sorted.
server_keys() {
	curl -s -f "$FAKE/_fake/posts?name=$1" | awk -F '\t' '$1 == "mastodon" { print $3 }' | sort
}
stored_keys() {
	sqlite3 "$DB" "SELECT p.key FROM posts p JOIN accounts a ON a.id = p.account_id
	               WHERE a.platform = 'mastodon' AND a.handle = '$1'" | sort
}
wait_backfilled() {
	i=0
	while [ $i -lt 120 ]; do
		[ "$(mstatus | jq .backfilling)" = 0 ] && return 0
		sleep 0.5; i=$((i + 1))
	done
	return 1
}

start_bus; ok $? "private bus started"

# ---- 1. read at home ---------------------------------------------------------
start_fake $SCENARIO; ok $? "fake API server: three Mastodon instances"
instance_config
start_daemon; ok $? "mentord up, configured instance home.example"
ctl follow mastodon doc1 >/dev/null && ctl follow mastodon doc2@a.example >/dev/null &&
	ctl follow mastodon doc3@b.example:8443 >/dev/null
ok $? "follow doc1 (local), doc2@a.example, doc3@b.example:8443"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null; ok $? "first syncs"
wait_backfilled; ok $? "back-fill finished"
is "$(sqlite3 "$DB" "SELECT stable_id FROM accounts WHERE handle = 'doc2@a.example'")" "doc2@a.example" \
	"a Mastodon account's stable id is its acct"
for who in doc2@a.example:doc2 doc3@b.example:8443:doc3 doc1:doc1; do
	handle=${who%:*}; name=${who##*:}
	server_keys "$name" > "$T/srv.keys"; stored_keys "$handle" > "$T/db.keys"
	n=$(wc -l < "$T/srv.keys")
	missing=$(comm -23 "$T/srv.keys" "$T/db.keys" | wc -l)
	is "$missing" 0 "every one of $handle's $n posts is stored, older than federation too"
done
is "$(sqlite3 "$DB" "SELECT count(*) FROM posts WHERE platform = 'mastodon' AND key NOT LIKE 'https://%'")" 0 \
	"Mastodon posts are keyed by their uri"
[ "$(inst a.example requests)" -gt 0 ] && [ "$(inst b.example:8443 requests)" -gt 0 ]
ok $? "a.example and b.example:8443 answered ($(inst a.example requests), $(inst b.example:8443 requests) requests)"
is "$(instances | jq '[.instances[].foreign_token] | add')" 0 "the user's token went to no other instance"
is "$(mstatus | jq '.fallback | length')" 0 "no instance in fallback"

# A reply to the user read at a.example carries a.example's ids: matched by
# acct, and the same reply seen in HOME's notifications is the same event.
m2=$(sqlite3 "$DB" "SELECT mentor_id FROM accounts WHERE handle = 'doc2@a.example'")
replies=$(sqlite3 "$DB" "SELECT count(*) FROM posts p JOIN accounts a ON a.id = p.account_id
                         WHERE a.handle = 'doc2@a.example' AND p.reply_to_author = 'me@home.example'")
events=$(sqlite3 "$DB" "SELECT count(*) FROM events WHERE mentor_id = $m2 AND kind = 'reply_to_me'")
is "$events" "$replies" "each of doc2's $replies replies to the user is one reply_to_me event"

# A post made now is on a.example at once and on HOME only after federation.
fake_post /_fake/add_posts '{"network":"mastodon","account":"doc2","count":1,"kind":"post"}'
ok $? "doc2 posts on a.example"
ctl poll --wait >/dev/null
server_keys doc2 > "$T/srv.keys"; stored_keys doc2@a.example > "$T/db.keys"
is "$(comm -23 "$T/srv.keys" "$T/db.keys" | wc -l)" 0 "it is stored in the next round, not after federation"
stop_daemon
stop_fake

# ---- 2. fallback: refused, empty, unreachable ----------------------------------
rm -rf "$XDG_STATE_HOME"
start_fake $SCENARIO --mastodon-closed a.example --mastodon-empty b.example:8443
ok $? "fake: a.example refuses public reads, b.example:8443 answers nothing"
instance_config
start_daemon; ok $? "mentord up"
ctl follow mastodon doc2@a.example >/dev/null && ctl follow mastodon doc3@b.example:8443 >/dev/null &&
	ctl follow mastodon doc5@a.example >/dev/null
ok $? "follow doc2, doc5 of a.example and doc3 of b.example:8443"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null
wait_backfilled
is "$(mstatus | jq -c '.fallback | sort')" '["a.example","b.example:8443"]' "status names both instances in fallback"
ctl status | grep -q 'mastodon: .*a.example.*(fallback)'; ok $? "the text status says so too"
for h in doc2@a.example doc3@b.example:8443 doc5@a.example; do
	n=$(stored_keys "$h" | wc -l)
	[ "$n" -gt 0 ]; ok $? "$h read through home.example ($n posts)"
done
refused=$(inst a.example refused)
[ "${refused:-99}" -le 2 ]; ok $? "a.example was asked until it refused, not on ($refused refusals)"
is "$(instances | jq '[.instances[].foreign_token] | add')" 0 "still no token elsewhere"
stop_daemon
stop_fake

rm -rf "$XDG_STATE_HOME"
start_fake $SCENARIO; ok $? "fake: a.example drops every connection"
fake_post /_fake/script '{"path":"/api/v1/","host":"a.example","action":"cut","count":-1}'
instance_config
start_daemon; ok $? "mentord up"
ctl follow mastodon doc2@a.example >/dev/null; ok $? "follow doc2@a.example"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null
is "$(mstatus | jq -c '.fallback')" '["a.example"]' "an unreachable home is in fallback"
[ "$(stored_keys doc2@a.example | wc -l)" -gt 0 ]; ok $? "and doc2 read through home.example"
st=$(mstatus | jq -r .state)
[ "$st" != error ] && [ "$st" != offline ]; ok $? "one home's trouble is not the network's ($st)"
stop_daemon
stop_fake

# ---- 3. a budget per instance ----------------------------------------------------
rm -rf "$XDG_STATE_HOME"
start_fake $SCENARIO --rate mastodon.api@a.example=5/300
ok $? "fake: a.example allows 5 requests per 5 minutes"
instance_config "history_share = 100%"
start_daemon; ok $? "mentord up"
ctl follow mastodon doc2@a.example >/dev/null && ctl follow mastodon doc5@a.example >/dev/null &&
	ctl follow mastodon doc1 >/dev/null && ctl follow mastodon doc4 >/dev/null
ok $? "two accounts on a.example, two on home.example"
ctl poll --wait >/dev/null && ctl poll --wait >/dev/null
sleep 2
stats=$(curl -s "$FAKE/_fake/stats")
is "$(printf '%s' "$stats" | jq '[.buckets[] | .over] | add')" 0 "no request beyond any instance's window"
is "$(printf '%s' "$stats" | jq '.buckets["mastodon.api@a.example"].remaining')" 0 "a.example's window is spent"
# Which of a.example's reads the window left for later depends on how the
# follows and the first syncs interleave (a slow build syncs doc2 whole
# before doc5 is followed): what must hold is that a.example's accounts are
# not complete yet, while home.example's are.
n5=$(stored_keys doc5@a.example | wc -l); n2=$(stored_keys doc2@a.example | wc -l)
[ $((n2 + n5)) -lt "$(( $(server_keys doc2 | wc -l) + $(server_keys doc5 | wc -l) ))" ]
ok $? "what is left of a.example waits for the next window ($n2 + $n5 posts stored)"
for h in doc1 doc4; do
	server_keys "$h" > "$T/srv.keys"; stored_keys "$h" > "$T/db.keys"
	is "$(comm -23 "$T/srv.keys" "$T/db.keys" | wc -l)" 0 "$h on home.example is complete meanwhile"
done
stop_daemon; ok $? "stopped cleanly"
finish
