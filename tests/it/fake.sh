# fake.sh — sourced after lib.sh: the fake API server and a configuration
# that points every network at it.

FAKEAPI="$SRC/$BUILD/tests/fakeapi"
case "$BUILD" in /*) FAKEAPI="$BUILD/tests/fakeapi";; esac
FAKE_PID=; FAKE_PORT=
FAKE_T0=1790000000      # frozen scenario clock (2026-09-21)

# start_fake [fakeapi options...] — Mastodon is one instance named
# mastodon.test unless the options name instances: accts (doc1@mastodon.test)
# and uris (https://mastodon.test/users/doc1/statuses/ID) then stay the same
# from one fake server (and port) to the next, so runs compare.
start_fake() {
	rm -f "$T/fake.port"
	case " $* " in
	*" --mastodon-instances "*) set -- "$@";;
	*) set -- --mastodon-instances mastodon.test "$@";;
	esac
	"$FAKEAPI" --port-file "$T/fake.port" --seed 7 --end-time "$FAKE_T0" --now "$FAKE_T0" "$@" \
		>"$T/fake.out" 2>"$T/fake.err" &
	FAKE_PID=$!
	i=0; while [ $i -lt 100 ] && [ ! -s "$T/fake.port" ]; do sleep 0.05; i=$((i+1)); done
	FAKE_PORT=$(cat "$T/fake.port" 2>/dev/null)
	FAKE="http://127.0.0.1:$FAKE_PORT"
	[ -n "$FAKE_PORT" ]
}

stop_fake() {
	[ -n "$FAKE_PID" ] && { kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null; }
	FAKE_PID=
}

fake_post() {  # fake_post PATH JSON
	curl -s -f -X POST -H 'Content-Type: application/json' --data "$2" "$FAKE$1" >/dev/null
}

# fake_config [extra [mentord] lines] — tokens in 0600 files, all networks on.
# Mastodon accounts of other instances (alice@example.social) are read at
# their home: instance_override sends those requests to the fake too, which
# answers every unknown Host as its one instance.
# Tests read one page of history per first sync (history = 0) unless their
# extra lines ask for a back-fill, and read X without a monthly cap
# (monthly_posts = 0) unless they set one (87-xcap).
fake_config() {
	extra=${1:-}
	# mentord's clock runs at the fake server's (frozen) scenario time, so
	# token expiry, Bluesky's since= and rate windows agree.
	MENTORD_CLOCK_OFFSET=$((FAKE_T0 - $(date +%s)))
	export MENTORD_CLOCK_OFFSET
	printf 'fake-x-token\n' > "$T/x-token"
	printf 'fake-mastodon-token\n' > "$T/mastodon-token"
	printf 'fake-app-password\n' > "$T/bsky-password"
	chmod 600 "$T/x-token" "$T/mastodon-token" "$T/bsky-password"
	cat > "$XDG_CONFIG_HOME/mentord/mentord.conf" <<CONF
[mentord]
interests = cardiology, meded
http_timeout = 2s
history = 0
$extra
[x]
enabled = yes
api_base = $FAKE
token_file = $T/x-token
me = me
monthly_posts = 0
[mastodon]
api_base = http://mastodon.test
instance_override = $FAKE
token_file = $T/mastodon-token
me = me
[bluesky]
api_base = $FAKE
pds_base = $FAKE
identifier = me.bsky.social
app_password_file = $T/bsky-password
me = me.bsky.social
CONF
}

# cursor_of PLATFORM TARGET
cursor_of() {
	sqlite3 "$XDG_STATE_HOME/mentord/mentord.db" \
		"SELECT cursor FROM cursors WHERE platform = '$1' AND target = '$2'"
}

# dump_ledger FILE — every post key and event dedupe key, sorted.
dump_ledger() {
	sqlite3 "$XDG_STATE_HOME/mentord/mentord.db" \
		"SELECT 'post ' || platform || ' ' || key FROM posts UNION ALL
		 SELECT 'event ' || kind || ' ' || coalesce(dedupe, '') FROM events" | sort > "$1"
}
