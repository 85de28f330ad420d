#!/bin/sh
# Logging in from mentorctl against the fake server: Mastodon's OAuth flow
# (app registered once, out-of-band code read from a pipe), logout with
# revocation, a Bluesky app password, X's app bearer token and X's OAuth 2.0
# PKCE flow through mentorctl's loopback redirect (this script plays the
# browser). Each success: files 0600, the configuration's other lines and
# comments kept, the daemon reloaded and reading with the new credentials.
# Each failure (closed registration, wrong code, refused token or password,
# 429, a slow server, an unwritable configuration): exit 1, a clear message
# and the configuration byte for byte as it was. mentord refreshes the X user
# token before it expires and stores the rotated refresh token; a refused
# refresh is logged without the token. No secret reaches argv, the log, the
# bus, status or any state file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

umask 022
XTOK="PLANTED-xbearer-Lg47Qe2ZpW"
MTOK="PLANTED-masto-Wc83Nx5KdTq"
BPW="plnt-lgin-bsky-R8v2-Q7m"
CONF="$XDG_CONFIG_HOME/mentord/mentord.conf"
DIR="$XDG_CONFIG_HOME/mentord"
STATE="$XDG_STATE_HOME/mentord"
DB="$STATE/mentord.db"

start_bus; ok $? "private bus started"
# Mastodon is one instance named as its address (127.0.0.1:PORT), so the
# account login finds (me@127.0.0.1:PORT) is the one the instance knows.
start_fake && port=$FAKE_PORT && stop_fake
start_fake --port "$port" --mastodon-instances "127.0.0.1:$port" --x-token "$XTOK" --mastodon-token "$MTOK" \
	--bsky-password "$BPW"; ok $? "fake API server started"
MENTORD_CLOCK_OFFSET=$((FAKE_T0 - $(date +%s))); export MENTORD_CLOCK_OFFSET
cat > "$CONF" <<CONF
# my mentord settings: kept by every login
[mentord]
interests = cardiology, meded   # what I read
http_timeout = 2s
history = 0

[x]
enabled = no
api_base = http://127.0.0.1:9
; X's posts read without a monthly cap here (87-xcap tests it)
monthly_posts = 0

[mastodon]
; the instance comes from login
api_base = http://127.0.0.1:9

[bluesky]
api_base = $FAKE
pds_base = http://127.0.0.1:9
CONF
start_daemon; ok $? "mentord started"

script() { fake_post /_fake/script "$1"; }
unscript() { curl -s -X POST "$FAKE/_fake/script/clear" >/dev/null; }
oauth() { curl -s "$FAKE/_fake/oauth" | jq -r ".$1"; }
same_conf() { cmp -s "$CONF" "$T/conf.before"; }
save_conf() { cp "$CONF" "$T/conf.before"; }
n=0
out() { n=$((n + 1)); OUT="$T/ctl-$n.out"; }

# masto_login [CODE] — runs `login mastodon` with its standard input on a
# pipe, reads the address it prints, gets the code from the fake's
# out-of-band page as a browser would, and pastes it (or CODE).
masto_login() {
	out
	rm -f "$T/fifo"; mkfifo "$T/fifo"
	ctl login mastodon "$FAKE" --no-browser < "$T/fifo" > "$OUT" 2>&1 &
	lp=$!
	exec 3>"$T/fifo"
	i=0; while [ $i -lt 100 ] && ! grep -q '/oauth/authorize' "$OUT"; do sleep 0.05; i=$((i + 1)); done
	url=$(grep -o 'http://[^ ]*/oauth/authorize?[^ ]*' "$OUT")
	code=${1:-$(curl -s "$url" | sed -n 's/.*class="oauth-code"[^>]*value="\([^"]*\)".*/\1/p')}
	( printf '%s\n' "$code" >&3 ) 2>/dev/null
	exec 3>&-
	wait $lp
}

# ---------------------------------------------------------------- usage
save_conf
for args in "login" "login myspace" "login mastodon" "login mastodon ftp://a.example" \
	"login mastodon http://a.example" "login mastodon a.example b.example" "login bluesky" \
	"login bluesky not_a_handle" "login x --client-id abc" "login x --user" "login x --user --client-id a/b" \
	"login x --port 99999 --user --client-id a" "logout bluesky" "logout"; do
	# shellcheck disable=SC2086
	ctl $args </dev/null >/dev/null 2>&1; is $? 2 "mentorctl $args: usage error (2)"
done
same_conf; ok $? "no usage error touched the configuration"

# ---------------------------------------------------------------- Mastodon
script '{"path":"/api/v1/apps","action":"status","code":403}'
out; ctl login mastodon "$FAKE" --no-browser </dev/null >"$OUT" 2>&1; rc=$?
is "$rc" 1 "closed registration (apps 403): exit 1"
grep -q "registration is closed" "$OUT"; ok $? "and says registration is closed"
script '{"path":"/api/v1/apps","action":"status","code":422}'
out; ctl login mastodon "$FAKE" --no-browser </dev/null >"$OUT" 2>&1; rc=$?
is "$rc" 1 "apps 422: exit 1 too"
script '{"path":"/api/v1/apps","action":"429","reset_in":120}'
out; ctl login mastodon "$FAKE" --no-browser </dev/null >"$OUT" 2>&1; rc=$?
is "$rc" 1 "429 at registration: exit 1"
grep -q "rate limited" "$OUT"; ok $? "and says rate limited"
script '{"path":"/api/v1/apps","action":"hang"}'
out; ctl --timeout 1 login mastodon "$FAKE" --no-browser </dev/null >"$OUT" 2>&1; rc=$?
is "$rc" 1 "a server that does not answer: exit 1 after --timeout"
grep -q "did not answer within 1 s" "$OUT"; ok $? "and says the server is slow"
unscript
same_conf; ok $? "the configuration is unchanged after each failure"
[ ! -e "$DIR/mastodon-token" ] && ! ls "$DIR"/mastodon-app-* >/dev/null 2>&1; ok $? "and no token or app file was left"

masto_login "not-the-code"; rc=$?
is "$rc" 1 "a wrong code: exit 1"
grep -q "refused the code" "$OUT"; ok $? "and says the code was refused"
same_conf; ok $? "configuration unchanged"
is "$(oauth mastodon_apps)" 1 "the app was registered (once)"

script '{"path":"/oauth/token","action":"429"}'
masto_login; rc=$?
is "$rc" 1 "429 at the token endpoint: exit 1"
script '{"path":"/api/v1/accounts/verify_credentials","action":"status","code":401}'
masto_login; rc=$?
is "$rc" 1 "a token refused at verify_credentials (expired or revoked): exit 1"
grep -q "refused the token (expired or revoked)" "$OUT"; ok $? "and says so"
unscript
same_conf; ok $? "configuration unchanged"

# unwritable configuration (immutable directory: root ignores modes)
mkdir -p "$T/ro"; cp "$CONF" "$T/ro/mentord.conf"; cp "$CONF" "$T/ro.before"
if [ "$(id -u)" = 0 ]; then chattr +i "$T/ro" 2>/dev/null; locked=$?; else chmod 500 "$T/ro"; locked=$?; fi
if [ $locked -eq 0 ]; then
	out
	rm -f "$T/fifo"; mkfifo "$T/fifo"
	ctl login mastodon "$FAKE" --no-browser --config "$T/ro/mentord.conf" < "$T/fifo" > "$OUT" 2>&1 &
	lp=$!; exec 3>"$T/fifo"
	i=0; while [ $i -lt 100 ] && ! grep -q '/oauth/authorize' "$OUT"; do sleep 0.05; i=$((i + 1)); done
	url=$(grep -o 'http://[^ ]*/oauth/authorize?[^ ]*' "$OUT")
	( curl -s "$url" | sed -n 's/.*class="oauth-code"[^>]*value="\([^"]*\)".*/\1/p' >&3 ) 2>/dev/null
	exec 3>&-; wait $lp; rc=$?
	if [ "$(id -u)" = 0 ]; then chattr -i "$T/ro"; else chmod 700 "$T/ro"; fi
	is "$rc" 1 "an unwritable configuration file: exit 1"
	grep -q "cannot update $T/ro/mentord.conf.*left as it was" "$OUT"; ok $? "and says the file was left as it was"
	cmp -s "$T/ro/mentord.conf" "$T/ro.before"; ok $? "which it was, whole"
	is "$(ls -A "$T/ro")" "mentord.conf" "no temporary file left beside it"
else
	for i in 1 2 3 4; do ok 0 "# SKIP cannot make a directory unwritable here"; done
fi

masto_login; rc=$?
is "$rc" 0 "login mastodon: exit 0"
grep -q "Logged in to $FAKE as me@127.0.0.1:$FAKE_PORT" "$OUT"; ok $? "names the account"
grep -q "mentord reloaded" "$OUT"; ok $? "and the daemon reloaded"
is "$(oauth mastodon_apps)" 1 "the app registration was reused, not repeated"
is "$(stat -c %a "$DIR/mastodon-token")" 600 "token file 0600"
is "$(stat -c %a "$DIR"/mastodon-app-127.0.0.1_"$FAKE_PORT".json)" 600 "app registration file 0600"
head -n 4 "$CONF" | grep -q "^interests = cardiology, meded   # what I read$" &&
	grep -q "^# my mentord settings: kept by every login$" "$CONF" && grep -q "^; the instance comes from login$" "$CONF"
ok $? "comments and other lines kept"
sed -n '/^\[mastodon\]/,/^\[/p' "$CONF" > "$T/m.sec"
grep -q "^api_base = $FAKE$" "$T/m.sec" && grep -q "^token_file = $DIR/mastodon-token$" "$T/m.sec" &&
	grep -q "^me = me@127.0.0.1:$FAKE_PORT$" "$T/m.sec" && grep -q "^enabled = yes$" "$T/m.sec"
ok $? "[mastodon] api_base, token_file, me set"
is "$(grep -c '^api_base' "$T/m.sec")" 1 "api_base replaced, not doubled"

# the daemon reads with it: notifications need the token
ctl follow mastodon doc1 >/dev/null; ok $? "follow a Mastodon account"
ctl poll --wait >/dev/null; ok $? "a round ran"
nm=$(sqlite3 "$DB" "SELECT count(*) FROM posts WHERE platform = 'mastodon'")
[ "${nm:-0}" -gt 0 ]; ok $? "Mastodon posts arrived ($nm)"
is "$(curl -s "$FAKE/_fake/stats" | jq '.endpoints["mastodon.notifications"].requests // 0 | . > 0')" true \
	"notifications were read: the daemon uses the new token"

# ---------------------------------------------------------------- Bluesky
save_conf
out; printf 'wrong-pass-word-0000\n' | ctl login bluesky me.bsky.social --pds "$FAKE" --password-stdin >"$OUT" 2>&1; rc=$?
is "$rc" 1 "a wrong app password: exit 1"
grep -q "refused the handle or app password" "$OUT"; ok $? "and says so"
script '{"path":"/xrpc/com.atproto.server.createSession","action":"429"}'
out; printf '%s\n' "$BPW" | ctl login bluesky me.bsky.social --pds "$FAKE" --password-stdin >"$OUT" 2>&1; rc=$?
is "$rc" 1 "429 at createSession: exit 1"
unscript
same_conf; ok $? "configuration unchanged"
out; printf '%s\n' "$BPW" | ctl login bluesky me.bsky.social --pds "$FAKE" --password-stdin >"$OUT" 2>&1; rc=$?
is "$rc" 0 "login bluesky: exit 0"
is "$(stat -c %a "$DIR/bsky-app-password")" 600 "app password file 0600"
sed -n '/^\[bluesky\]/,/^\[/p' "$CONF" > "$T/b.sec"
grep -q "^identifier = me.bsky.social$" "$T/b.sec" && grep -q "^app_password_file = $DIR/bsky-app-password$" "$T/b.sec" &&
	grep -q "^pds_base = $FAKE$" "$T/b.sec"
ok $? "[bluesky] identifier, app_password_file, pds_base set"
i=0; while [ $i -lt 100 ] && [ ! -s "$STATE/bluesky-session.json" ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$STATE/bluesky-session.json" ]; ok $? "the daemon logged in with it (a session)"

# ---------------------------------------------------------------- X bearer
save_conf
out; printf 'not-a-valid-token\n' | ctl login x --api "$FAKE" >"$OUT" 2>&1; rc=$?
is "$rc" 1 "a refused bearer token: exit 1"
grep -q "X refused the bearer token" "$OUT"; ok $? "and says so"
same_conf; ok $? "configuration unchanged"
out; printf '%s\n' "$XTOK" | ctl login x --api "$FAKE" >"$OUT" 2>&1; rc=$?
is "$rc" 0 "login x (bearer from a pipe): exit 0"
is "$(stat -c %a "$DIR/x-bearer")" 600 "bearer file 0600"
sed -n '/^\[x\]/,/^\[/p' "$CONF" > "$T/x.sec"
grep -q "^enabled = yes$" "$T/x.sec" && grep -q "^token_file = $DIR/x-bearer$" "$T/x.sec" && grep -q "^api_base = $FAKE$" "$T/x.sec"
ok $? "[x] enabled, token_file, api_base set"
ctl follow x doc1 >/dev/null && ctl poll --wait >/dev/null; ok $? "follow on X and poll"
nx=$(sqlite3 "$DB" "SELECT count(*) FROM posts WHERE platform = 'x'")
[ "${nx:-0}" -gt 0 ]; ok $? "X posts arrived with the bearer ($nx)"

# ---------------------------------------------------------------- X user (PKCE)
# x_login [VALUE [PARAM]] — starts `login x --user`, follows its address to
# the fake's consent (a redirect), and delivers the redirect to mentorctl's
# loopback server (with VALUE instead of the real code, or of PARAM).
x_login() {
	out
	ctl login x --user --client-id test-client-7 --port 0 --api "$FAKE" --no-browser </dev/null >"$OUT" 2>&1 &
	lp=$!
	i=0; while [ $i -lt 100 ] && ! grep -q '/i/oauth2/authorize' "$OUT"; do sleep 0.05; i=$((i + 1)); done
	url=$(grep -o 'http://[^ ]*/i/oauth2/authorize?[^ ]*' "$OUT")
	back=$(curl -s -o /dev/null -w '%{redirect_url}' "$url")
	[ -n "${1:-}" ] && back=$(printf '%s' "$back" | sed "s/${2:-code}=[^&]*/${2:-code}=$1/")
	curl -s "$back" > "$T/callback.html"
	wait $lp
}
save_conf
x_login "bogus-code"; rc=$?
is "$rc" 1 "PKCE with a wrong code: exit 1"
grep -q "X refused the code" "$OUT"; ok $? "and says so"
x_login "forged-state" state; rc=$?
is "$rc" 1 "PKCE with a redirect of another login (wrong state): exit 1"
grep -q "wrong state" "$OUT"; ok $? "and says so"
same_conf; ok $? "configuration unchanged"
x_login; rc=$?
is "$rc" 0 "login x --user (PKCE through the loopback redirect): exit 0"
grep -q "close this window" "$T/callback.html"; ok $? "the browser was told it can close the window"
grep -q "Logged in to X as me" "$OUT"; ok $? "names the account from /2/users/me"
UT="$DIR/x-user-token"
is "$(stat -c %a "$UT")" 600 "user token file 0600"
jq -e '.access_token and .refresh_token and .expires_at and .client_id == "test-client-7"' "$UT" >/dev/null
ok $? "it holds access and refresh tokens, expiry and client id"
sed -n '/^\[x\]/,/^\[/p' "$CONF" > "$T/x.sec"
grep -q "^user_token_file = $UT$" "$T/x.sec" && grep -q "^me = me$" "$T/x.sec"; ok $? "[x] user_token_file and me set"
is "$(oauth x_tokens)" 1 "one token pair issued"

# the fake's own PKCE check: a verifier that does not match the challenge
ch=$(printf 'the-right-verifier-the-right-verifier-0123456' | openssl dgst -sha256 -binary | basenc --base64url | tr -d '=')
back=$(curl -s -o /dev/null -w '%{redirect_url}' \
	"$FAKE/i/oauth2/authorize?response_type=code&client_id=c1&redirect_uri=http://127.0.0.1:1/callback&state=s&code_challenge=$ch&code_challenge_method=S256")
code=$(printf '%s' "$back" | sed 's/.*code=//')
st=$(curl -s -o /dev/null -w '%{http_code}' -d "grant_type=authorization_code&code=$code&client_id=c1&redirect_uri=http://127.0.0.1:1/callback&code_verifier=a-wrong-verifier-a-wrong-verifier-a-wrong-ve" "$FAKE/2/oauth2/token")
is "$st" 400 "fake: a wrong code_verifier is refused"

# --- the daemon reads X with the user token alone and refreshes it ---
sed -i "s|^token_file = $DIR/x-bearer\$|token_file =|" "$CONF"
old_rt=$(jq -r .refresh_token "$UT")
jq -c ".expires_at = $((FAKE_T0 + 120))" "$UT" > "$T/ut.json" && cat "$T/ut.json" > "$UT"
ctl reload >/dev/null; ok $? "reload: no bearer, a user token that expires in 2 minutes"
i=0; while [ $i -lt 200 ] && [ "$(oauth x_refreshes)" != 1 ]; do sleep 0.05; i=$((i + 1)); done
is "$(oauth x_refreshes)" 1 "mentord refreshed it before it expired"
i=0; while [ $i -lt 100 ] && [ "$(jq -r .refresh_token "$UT")" = "$old_rt" ]; do sleep 0.05; i=$((i + 1)); done
new_rt=$(jq -r .refresh_token "$UT")
[ -n "$new_rt" ] && [ "$new_rt" != "$old_rt" ]; ok $? "and stored the rotated refresh token"
exp=$(jq -r .expires_at "$UT")
[ "$exp" -ge $((FAKE_T0 + 7200)) ] && [ "$exp" -lt $((FAKE_T0 + 7200 + 600)) ]; ok $? "with the new expiry, 2 h on (daemon clock)"
is "$(stat -c %a "$UT")" 600 "still 0600"
ls -A "$DIR" | grep -q '^\.' ; [ $? -ne 0 ]; ok $? "no temporary file left in $DIR"
st=$(curl -s -o /dev/null -w '%{http_code}' -d "grant_type=refresh_token&refresh_token=$old_rt&client_id=test-client-7" "$FAKE/2/oauth2/token")
is "$st" 400 "the old refresh token is spent at the fake"
grep -q "x: session refreshed" "$T/daemon.log"; ok $? "the log says so"
before=$(sqlite3 "$DB" "SELECT count(*) FROM posts WHERE platform = 'x'")
fake_post /_fake/add_posts '{"network":"x","account":"doc1","count":2}'
ctl poll --wait >/dev/null; ok $? "a round with the refreshed user token"
after=$(sqlite3 "$DB" "SELECT count(*) FROM posts WHERE platform = 'x'")
[ "$after" -gt "$before" ]; ok $? "new X posts arrived with the user token ($before -> $after)"

# a refused refresh: a spent refresh token, near its expiry
jq -c ".refresh_token = \"$old_rt\" | .expires_at = $((FAKE_T0 + 60)) | .access_token = \"xuat-expired\"" "$UT" > "$T/ut.json" &&
	cat "$T/ut.json" > "$UT"
ctl reload >/dev/null
i=0; while [ $i -lt 200 ] && ! grep -q "X refused to refresh the user token" "$T/daemon.log"; do sleep 0.05; i=$((i + 1)); done
grep -q "x: X refused to refresh the user token (HTTP 400.*mentorctl login x --user" "$T/daemon.log"
ok $? "a refused refresh: one clear log line"
daemon_alive; ok $? "the daemon keeps running"
ctl status > "$T/status.out" 2>&1; grep -q "X refused to refresh the user token" "$T/status.out"; ok $? "status shows it"

# ---------------------------------------------------------------- logout
out; ctl logout mastodon >"$OUT" 2>&1; rc=$?
is "$rc" 0 "logout mastodon: exit 0"
is "$(oauth mastodon_revoked)" true "the token was revoked at the instance"
[ ! -e "$DIR/mastodon-token" ]; ok $? "and its file removed"
grep -q "^token_file =$" "$T/m.sec" || sed -n '/^\[mastodon\]/,/^\[/p' "$CONF" | grep -q "^token_file =$"
ok $? "[mastodon] token_file emptied"
grep -q "mentord reloaded" "$OUT"; ok $? "and the daemon reloaded"
out; ctl logout mastodon >"$OUT" 2>&1; rc=$?
is "$rc" 0 "logout again: nothing to do, exit 0"

# no daemon: the login is still saved
stop_daemon; ok $? "daemon stopped"
out; printf '%s\n' "$BPW" | ctl login bluesky me.bsky.social --pds "$FAKE" --password-stdin >"$OUT" 2>&1; rc=$?
is "$rc" 0 "login without a running daemon: exit 0"
grep -q "mentord is not running" "$OUT"; ok $? "and says the daemon is not running"
start_daemon; ok $? "restarted"

# ---------------------------------------------------------------- secrets
mkdir -p "$T/sinks"
cp "$T/daemon.log" "$T/sinks/daemon.log"
cp "$T"/ctl-*.out "$T/sinks/"
tr '\0' '\n' < "/proc/$DAEMON_PID/cmdline" > "$T/sinks/cmdline"
for f in "$STATE"/*; do cp "$f" "$T/sinks/state-$(basename "$f")"; done
cp "$CONF" "$T/sinks/conf"
{
	busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 GetStatus
	busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1 org.freedesktop.DBus.Properties GetAll s org.mentord.Manager1
	ctl status; ctl --json status; ctl --json mentors
} > "$T/sinks/bus-and-status" 2>&1
grep -q "mastodon" "$T/sinks/bus-and-status"; ok $? "control: the status replies were collected"
for s in "$XTOK" "$MTOK" "$BPW" "$new_rt" "$(jq -r .access_token "$UT")"; do
	part=$(printf '%s' "$s" | cut -c 5-14)
	hits=$(grep -rlaF -e "$s" -e "$part" "$T/sinks" | sed "s|$T/sinks/||" | tr '\n' ' ')
	is "$hits" "" "secret ${part}... in no log, mentorctl output, argv, state file, config, bus reply or status"
done
stop_daemon; ok $? "stopped cleanly"
finish
