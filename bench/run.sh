#!/bin/sh
# run.sh BUILD [PHASE...] — every measurement of `make bench`, then the table.
# Phases: ingest newsboat query idle scale pollcost feed firstsync check email xcap (default: all).
# Everything runs on a private dbus-daemon and on 127.0.0.1 (the fake API
# server); nothing here asserts: a missed target is printed, the exit is 0.
#
# Knobs (environment): BENCH_ACCOUNTS (ingest mix, accounts per network,
# default 500), BENCH_SCALE_ACCOUNTS (1M-post run, default 5000),
# BENCH_MENTORS / BENCH_EVENTS (query data, 10000 / 1000000), BENCH_REPS
# (runs per query command, default 30), BENCH_MAIL (messages in the
# generated Maildir of the e-mail phase, default 100000), BENCH_SYNC_ACCOUNTS /
# BENCH_SYNC_SCALE / BENCH_SYNC_SECONDS (first sync: accounts per network,
# 5000; clock speed-up, 120; the most real seconds it may take, 600).
# BENCH_PERF=1 records the ingest round with perf (BENCH_PERF_F: samples a
# second, default 499) into $BUILD/bench/ingest.perf.
set -u
BUILD=${1:-build}
[ $# -gt 0 ] && shift
PHASES=${*:-ingest newsboat query idle scale pollcost feed firstsync check email xcap}
export MENTORD_BUILD="$BUILD" MENTORD_SRC="$(pwd)"
# lib.sh gives the private bus, a temporary HOME and daemon start/stop;
# fake.sh the fake API server and a configuration that points at it.
. tests/it/lib.sh
. tests/it/fake.sh
BB="$SRC/$BUILD/bench"
case "$BUILD" in /*) BB="$BUILD/bench";; esac
NA=${BENCH_ACCOUNTS:-500}
NS=${BENCH_SCALE_ACCOUNTS:-5000}
NM=${BENCH_MENTORS:-10000}
NE=${BENCH_EVENTS:-1000000}
REPS=${BENCH_REPS:-30}
NML=${BENCH_MAIL:-100000}
R="$BB/results.txt"      # "key value" lines, read back for the table
mkdir -p "$BB"
: > "$R"
DB_DIR="$XDG_STATE_HOME/mentord"
DB="$DB_DIR/mentord.db"

put() { echo "$1 $2" >> "$R"; }
get() { awk -v k="$1" '$1 == k { v = $2 } END { print (v == "" ? "-" : v) }' "$R"; }
now_ms() { date +%s%3N; }
log() { echo "bench: $*" >&2; }
calc() { awk "BEGIN { x = $1; if (x == int(x)) printf \"%d\", x; else printf \"%.${2:-2}f\", x }" 2>/dev/null || echo "-"; }

# Field of /proc/PID/status in kB (VmRSS, VmHWM).
proc_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
# User+system CPU of a process so far, in ms.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$1/stat" 2>/dev/null; }
# Voluntary + involuntary context switches over all threads: each is a
# wakeup (or a preemption) of the daemon.
wakeups() {
	cat /proc/"$1"/task/*/status 2>/dev/null |
		awk '/^(voluntary|nonvoluntary)_ctxt_switches/ { n += $2 } END { print n + 0 }'
}
# Field of /proc/PID/smaps_rollup in kB (Pss, Private_Clean, Private_Dirty).
smaps_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null; }
# The footprint of a process beside RSS: PSS, private (clean + dirty) and
# private dirty kB. Private clean pages are file pages no other process maps
# at that moment — library text when no other mentord runs — so that sum
# moves with the machine (3.5 to 14 MB for the same daemon); private dirty
# (heap, the libraries' relocated data) is the daemon's own and is what the
# idle target is held to.
put_mem() {  # put_mem PREFIX PID
	put "$1.pss_kb" "$(smaps_kb "$2" Pss)"
	pc=$(smaps_kb "$2" Private_Clean); pd=$(smaps_kb "$2" Private_Dirty)
	put "$1.private_kb" "$(if [ -n "$pc" ] && [ -n "$pd" ]; then echo $((pc + pd)); else echo -; fi)"
	put "$1.dirty_kb" "${pd:--}"
}
posts_in_db() { sqlite3 "$DB" "SELECT count(*) FROM posts" 2>/dev/null || echo 0; }
events_in_db() { sqlite3 "$DB" "SELECT count(*) FROM events" 2>/dev/null || echo 0; }
fake_stat() { curl -s "$FAKE/_fake/stats" | jq -r "$1"; }

# A fresh state directory for the next daemon.
fresh_state() {
	rm -rf "$DB_DIR"
	mkdir -p "$DB_DIR"
	chmod 700 "$DB_DIR"
}

# Every bucket of the fake server opened wide (throughput, not rate limits).
UNLIMITED="--rate x.users_tweets=10000000/900 --rate x.users_mentions=10000000/900
 --rate x.search_recent=10000000/900 --rate x.users=10000000/900 --rate x.tweets=10000000/900
 --rate mastodon.api=10000000/300 --rate mastodon.paging=10000000/900
 --rate bluesky.api=10000000/300 --rate bluesky.createSession=10000000/300"

# The networks off: a daemon that only serves queries.
offline_config() {
	cat > "$XDG_CONFIG_HOME/mentord/mentord.conf" <<'CONF'
[mentord]
interests = cardiology, meded
[x]
enabled = no
[mastodon]
enabled = no
[bluesky]
enabled = no
CONF
}

# ---- 1. ingest: mentord through HTTP vs the parse+insert floor ----
phase_ingest() {
	log "ingest: $NA accounts on each network, 20 posts each"
	# -v logs every request: the floor replays the same pages from it.
	# shellcheck disable=SC2086
	start_fake --accounts "$NA" --posts 20 --engaged 5 -v $UNLIMITED || { log "fake server did not start"; return; }
	fake_config
	fresh_state
	"$BB/gen_db" "$DB" follow "$NA" "$FAKE" 2>/dev/null || { log "gen_db follow failed"; stop_fake; return; }
	t0=$(now_ms)
	start_daemon || { log "mentord did not start"; stop_fake; return; }
	[ -n "${BENCH_PERF:-}" ] && { perf record --call-graph dwarf,16384 -F ${BENCH_PERF_F:-499} -o "$BB/ingest.perf" -p "$DAEMON_PID" 2>/dev/null & PERF_PID=$!; }
	ctl --timeout 600 poll --wait >/dev/null
	t1=$(now_ms)
	[ -n "${BENCH_PERF:-}" ] && { kill -INT "$PERF_PID"; wait "$PERF_PID"; }
	posts=$(posts_in_db); events=$(events_in_db)
	cpu=$(cpu_ms "$DAEMON_PID")
	put ingest.posts "$posts"
	put ingest.events "$events"
	put ingest.wall_ms $((t1 - t0))
	put ingest.cpu_ms "$cpu"
	put ingest.requests "$(fake_stat .requests)"
	put ingest.rate "$(calc "$posts * 1000 / ($t1 - $t0)" 0)"
	put ingest.rate_cpu "$(calc "$posts * 1000 / $cpu" 0)"
	put ingest.hwm_kb "$(proc_kb "$DAEMON_PID" VmHWM)"
	put ingest.rss_kb "$(proc_kb "$DAEMON_PID" VmRSS)"
	# Idle with everything polled: nothing is due for poll_interval.
	sleep 1
	w0=$(wakeups "$DAEMON_PID"); sleep 20; w1=$(wakeups "$DAEMON_PID")
	put idle_polled.wakeups_min $(((w1 - w0) * 3))
	put idle_polled.rss_kb "$(proc_kb "$DAEMON_PID" VmRSS)"
	stop_daemon
	# The floor: the same pages, parse + one prepared INSERT, a transaction per page.
	# A snapshot of the log: the server logs the floor's own requests too.
	rm -f "$T/floor.db"*
	cp "$T/fake.err" "$T/round.log"
	set -- $("$BB/floor_ingest" "$FAKE" "$T/round.log" "$T/floor.db")
	put floor.pages "${1:-0}"; put floor.posts "${2:-0}"; put floor.rate "${4:-0}"; put floor.rate_cpu "${6:-0}"
	stop_fake
}

# ---- 2. newsboat: the same number of items as local Atom feeds ----
phase_newsboat() {
	command -v newsboat >/dev/null 2>&1 || { log "newsboat missing: skipped"; return; }
	nf=$((NA * 3)); per=20
	log "newsboat: $nf feeds x $per items"
	mkdir -p "$T/feeds" "$T/nb/home"
	# One Atom file per feed, the size of a 20-post page; the fake server
	# serves them (scripted raw answers), so both peers read the same kind
	# of loopback server.
	awk -v nf="$nf" -v per="$per" -v dir="$T/feeds" 'BEGIN {
		for (f = 1; f <= nf; f++) {
			file = dir "/" f ".xml"
			printf "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>doc%d</title><id>urn:feed:%d</id><updated>2026-09-21T00:00:00Z</updated>\n", f, f > file
			for (i = 1; i <= per; i++)
				printf "<entry><title>Post %d of doc%d about cardiology and meded</title><id>urn:post:%d:%d</id><link href=\"https://example.org/doc%d/%d\"/><updated>2026-09-%02dT%02d:00:00Z</updated><author><name>Dr Doc %d</name></author><content type=\"html\">&lt;p&gt;Grand rounds today: heart failure with preserved ejection fraction, echo first, then the trial data. Thanks to the residents for a great case #meded %d&lt;/p&gt;</content></entry>\n", i, f, f, i, f, i, 1 + i % 20, i % 24, f, i >> file
			print "</feed>" >> file
			close(file)
		}
	}'
	{
		printf '['
		i=1; while [ $i -le "$nf" ]; do
			[ $i -gt 1 ] && printf ','
			printf '{"path":"/feeds/%d.xml","action":"raw","code":200,"content_type":"application/atom+xml","file":"%s/feeds/%d.xml","forever":true}' $i "$T" $i
			i=$((i + 1))
		done
		printf ']'
	} > "$T/feeds.json"
	start_fake --script "$T/feeds.json" || { log "fake server did not start"; return; }
	i=1; while [ $i -le "$nf" ]; do echo "$FAKE/feeds/$i.xml"; i=$((i + 1)); done > "$T/nb/urls"
	echo "reload-threads 2" > "$T/nb/config"
	HOME="$T/nb/home" /usr/bin/time -v newsboat -x reload -u "$T/nb/urls" -c "$T/nb/cache.db" -C "$T/nb/config" \
		>/dev/null 2>"$T/nb/time.txt"
	items=$(sqlite3 "$T/nb/cache.db" "SELECT count(*) FROM rss_item" 2>/dev/null || echo 0)
	wall=$(awk -F': ' '/Elapsed/ { n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s }' "$T/nb/time.txt")
	put newsboat.items "$items"
	put newsboat.wall_s "$wall"
	put newsboat.rate "$(calc "$items / $wall" 0)"
	put newsboat.hwm_kb "$(awk -F': ' '/Maximum resident/ { print $2 }' "$T/nb/time.txt")"
	cpu=$(awk -F': ' '/(User|System) time/ { s += $2 } END { print s }' "$T/nb/time.txt")
	put newsboat.cpu_s "$cpu"
	put newsboat.rate_cpu "$(calc "$items / $cpu" 0)"
	stop_fake
}

# ---- 3. query latency on 10k mentors and 1M ledger events ----
ledger_db() {  # a cached copy: generating 1M events takes ~40 s
	cache="$BB/data/ledger-$NM-$NE.db"
	stale=
	for f in bench/gen_db.c schema/*.sql; do [ "$f" -nt "$cache" ] && stale=1; done
	if [ ! -s "$cache" ] || [ -n "$stale" ]; then
		log "query: generating $NM mentors, $NE events (cached in $cache)"
		mkdir -p "$BB/data"; rm -f "$cache" "$cache-wal" "$cache-shm"
		t0=$(now_ms)
		"$BB/gen_db" "$cache" ledger "$NM" "$NE" 2>/dev/null || { rm -f "$cache"; return 1; }
		sqlite3 "$cache" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
		put gen.ledger_ms $(($(now_ms) - t0))
	fi
	fresh_state
	cp "$cache" "$DB" && chmod 600 "$DB"
}

lat_put() {  # lat_put NAME CMD... — p50/p90 and the largest output
	name=$1; shift
	set -- $("$BB/lat" "${LAT_REPS:-$REPS}" "$@" 2>/dev/null | tail -n 1 || true)
	put "q.$name.p50" "${1:--}"; put "q.$name.p90" "${2:--}"; put "q.$name.bytes" "${4:--}"; put "q.$name.fail" "${5:--}"
}

phase_query() {
	ledger_db || { log "query: no ledger database"; return; }
	offline_config
	# The clock at the generated data's end (gen_db's T_END, the fake's
	# scenario time), as the ingest phase leaves it: at the real date no
	# mentor has a recent post, and Nudges would look at nothing.
	MENTORD_CLOCK_OFFSET=$((FAKE_T0 - $(date +%s))); export MENTORD_CLOCK_OFFSET
	# Item 5: the notifier's nudge review on the same data, whole and in
	# its steps: "mentors p50_ms max_ms nudges steps max_step_ms".
	set -- $("$BB/review" "$DB" "$FAKE_T0" 5 2>/dev/null || true)
	put review.mentors "${1:--}"; put review.p50 "${2:--}"; put review.max "${3:--}"
	put review.nudges "${4:--}"; put review.steps "${5:--}"; put review.step_max "${6:--}"
	t0=$(now_ms)
	start_daemon || { log "mentord did not start on the ledger database"; return; }
	put q.start_ms $(($(now_ms) - t0))
	put q.rss_kb "$(proc_kb "$DAEMON_PID" VmRSS)"
	put q.db_mb "$(du -m "$DB" | cut -f1)"
	log "query: $REPS runs of each command"
	# The floor is measured first and last, and the lower p50 kept: a
	# daemon still settling after start must not flatter the ratios.
	lat_put floor1 "$BB/busfloor"
	lat_put busctl busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1 org.freedesktop.DBus.Peer Ping
	lat_put status "$MENTORCTL" status
	lat_put mentors "$MENTORCTL" mentors
	lat_put show "$MENTORCTL" show 5000
	lat_put why "$MENTORCTL" why 5000
	lat_put suggest "$MENTORCTL" suggest
	lat_put nudges "$MENTORCTL" nudges
	# The whole report (every mentor's page, written to a file): the issue's
	# target is under 1 s at 10k mentors and 1M events.
	LAT_REPS=5 lat_put report "$MENTORCTL" report --out "$T/bench-report.html"
	put q.report.html_kb "$(du -k "$T/bench-report.html" 2>/dev/null | cut -f1)"
	# The whole 1M-event ledger takes seconds: a few runs, and the client's
	# peak RSS, which stays flat when export streams.
	LAT_REPS=3 lat_put export "$MENTORCTL" export
	put q.export.hwm_kb "$(/usr/bin/time -f %M "$MENTORCTL" export 2>&1 >/dev/null | tail -n 1)"
	lat_put floor2 "$BB/busfloor"
	f1=$(get q.floor1.p50); f2=$(get q.floor2.p50)
	put q.floor.p50 "$(awk -v a="$f1" -v b="$f2" 'BEGIN { print (b != "-" && (a == "-" || b + 0 < a + 0)) ? b : a }')"
	put q.hwm_kb "$(proc_kb "$DAEMON_PID" VmHWM)"
	put q.rss_after_kb "$(proc_kb "$DAEMON_PID" VmRSS)"
	put q.anon_kb "$(proc_kb "$DAEMON_PID" RssAnon)"
	put_mem q "$DAEMON_PID"
	stop_daemon
}

# ---- 4. footprint: a fresh daemon, nothing followed, nothing due ----
phase_idle() {
	fresh_state
	offline_config
	start_daemon || { log "mentord did not start"; return; }
	sleep 1
	put idle.rss_kb "$(proc_kb "$DAEMON_PID" VmRSS)"
	put idle.anon_kb "$(proc_kb "$DAEMON_PID" RssAnon)"
	put_mem idle "$DAEMON_PID"
	w0=$(wakeups "$DAEMON_PID"); c0=$(cpu_ms "$DAEMON_PID"); sleep 20
	put idle.wakeups_min $((($(wakeups "$DAEMON_PID") - w0) * 3))
	put idle.cpu_ms_min $((($(cpu_ms "$DAEMON_PID") - c0) * 3))
	stop_daemon
}

# ---- 4b + 5. 1M posts through the daemon; poll cost at 5,000 accounts ----
# The fake clock starts 8 days before the end of a 10-day scenario; each
# round moves it 2 days on, so every round brings ~14 new posts per account.
phase_scale() {
	posts=75
	log "scale: $NS accounts on each network, $posts posts each over 10 days, 5 rounds"
	rm -f "$T/fake.port"
	# shellcheck disable=SC2086
	"$FAKEAPI" --port-file "$T/fake.port" --seed 7 --accounts "$NS" --posts "$posts" --span-days 10 \
		--end-time "$FAKE_T0" --now $((FAKE_T0 - 8 * 86400)) $UNLIMITED >"$T/fake.out" 2>"$T/fake.err" &
	FAKE_PID=$!
	i=0; while [ $i -lt 200 ] && [ ! -s "$T/fake.port" ]; do sleep 0.05; i=$((i+1)); done
	FAKE="http://127.0.0.1:$(cat "$T/fake.port")"
	fake_config
	MENTORD_CLOCK_OFFSET=$((FAKE_T0 - 8 * 86400 - $(date +%s))); export MENTORD_CLOCK_OFFSET
	fresh_state
	t0=$(now_ms)
	"$BB/gen_db" "$DB" follow "$NS" "$FAKE" 2>/dev/null || { log "gen_db follow failed"; stop_fake; return; }
	put scale.gen_ms $(($(now_ms) - t0))
	start_daemon || { log "mentord did not start"; stop_fake; return; }
	put scale.start_rss_kb "$(proc_kb "$DAEMON_PID" VmRSS)"
	round=1
	while [ $round -le 5 ]; do
		[ $round -gt 1 ] && fake_post /_fake/clock '{"advance": 172800}'
		curl -s -X POST "$FAKE/_fake/stats/reset" >/dev/null
		t0=$(now_ms); c0=$(cpu_ms "$DAEMON_PID")
		ctl --timeout 300 poll --wait >/dev/null 2>&1
		t1=$(now_ms)
		put "scale.r$round.ms" $((t1 - t0))
		put "scale.r$round.cpu_ms" $(($(cpu_ms "$DAEMON_PID") - c0))
		put "scale.r$round.requests" "$(fake_stat .requests)"
		put "scale.r$round.posts" "$(posts_in_db)"
		put "scale.r$round.rss_kb" "$(proc_kb "$DAEMON_PID" VmRSS)"
		log "scale: round $round: $(posts_in_db) posts, $((t1 - t0)) ms"
		round=$((round + 1))
	done
	put scale.posts "$(posts_in_db)"
	put scale.events "$(events_in_db)"
	put scale.hwm_kb "$(proc_kb "$DAEMON_PID" VmHWM)"
	put scale.rss_kb "$(proc_kb "$DAEMON_PID" VmRSS)"
	put scale.anon_kb "$(proc_kb "$DAEMON_PID" RssAnon)"
	# One more round at the networks' real limits (the fake server's defaults).
	pollcost_round "$NS"
	stop_daemon
	stop_fake
}

REAL_RATES='x.users_tweets 10000 900
x.users_mentions 450 900
x.search_recent 450 900
x.users 300 900
x.tweets 3500 900
mastodon.api 300 300
mastodon.paging 300 900
bluesky.api 3000 300
bluesky.createSession 30 300'

# pollcost_round N — the next round (15 min later) at the real limits:
# requests per network and the 429s served.
pollcost_round() {
	echo "$REAL_RATES" | while read -r b l w; do
		fake_post /_fake/rate "{\"bucket\":\"$b\",\"limit\":$l,\"window\":$w,\"reset\":true}"
	done
	fake_post /_fake/clock '{"advance": 900}'
	curl -s -X POST "$FAKE/_fake/stats/reset" >/dev/null
	l0=$(grep -c 'rate limited' "$T/daemon.log")
	t0=$(now_ms)
	polled=$(ctl --json --timeout 300 poll --wait 2>/dev/null | jq -r .polled)
	put "pc.$1.ms" $(($(now_ms) - t0))
	put "pc.$1.polled" "${polled:--}"
	for n in x mastodon bluesky; do
		put "pc.$1.$n" "$(fake_stat ".networks.$n")"
	done
	put "pc.$1.429" "$(fake_stat '.status["429"] // 0')"
	put "pc.$1.held" $(($(grep -c 'rate limited' "$T/daemon.log") - l0))
}

phase_pollcost() {
	for n in 10 100 1000; do
		log "pollcost: $n accounts on each network"
		# shellcheck disable=SC2086
		start_fake --accounts "$n" --posts 10 $UNLIMITED || { log "fake server did not start"; return; }
		fake_config
		fresh_state
		"$BB/gen_db" "$DB" follow "$n" "$FAKE" 2>/dev/null || { stop_fake; continue; }
		start_daemon || { stop_fake; continue; }
		ctl --timeout 300 poll --wait >/dev/null 2>&1    # first sync, limits open
		pollcost_round "$n"
		stop_daemon
		stop_fake
	done
}

# ---- 5b. home feeds: 5,000 followed accounts a network the user also
# follows there, 500 new posts in a round; requests per network against
# new posts / page size + 10 (Mastodon 40 a page, Bluesky 100). ----
NF=${BENCH_FEED_ACCOUNTS:-5000}
NP=${BENCH_FEED_POSTS:-500}
feed_joined() { sqlite3 "$DB" "SELECT count(*) FROM feed_follows WHERE platform = '$1' AND joined = 1" 2>/dev/null || echo 0; }
phase_feed() {
	log "feed: $NF followed accounts on Mastodon and Bluesky, $NP new posts"
	# shellcheck disable=SC2086
	start_fake --accounts "$NF" --posts 10 --follows "1-$NF" $UNLIMITED || { log "fake server did not start"; return; }
	fake_config
	sed -i '/^\[x\]$/,/^\[/ s/^enabled = yes$/enabled = no/' "$XDG_CONFIG_HOME/mentord/mentord.conf"
	fresh_state
	"$BB/gen_db" "$DB" follow-acct "$NF" "$FAKE" 2>/dev/null || { log "gen_db follow-acct failed"; stop_fake; return; }
	start_daemon || { stop_fake; return; }
	# First syncs, whom the user follows, the feeds' first pages, the joins.
	i=0
	while [ $i -lt 8 ] && { [ "$(feed_joined mastodon)" -lt "$NF" ] || [ "$(feed_joined bluesky)" -lt "$NF" ]; }; do
		ctl --timeout 600 poll --wait >/dev/null 2>&1
		i=$((i + 1))
	done
	put feed.joined "$(feed_joined mastodon)/$(feed_joined bluesky)"
	per=$((NP / 100))
	for net in mastodon bluesky; do
		k=1
		while [ $k -le 100 ]; do
			fake_post /_fake/add_posts "{\"network\":\"$net\",\"account\":\"doc$((k * (NF / 100)))\",\"count\":$per,\"kind\":\"post\"}"
			k=$((k + 1))
		done
	done
	echo "$REAL_RATES" | while read -r b l w; do
		fake_post /_fake/rate "{\"bucket\":\"$b\",\"limit\":$l,\"window\":$w,\"reset\":true}"
	done
	fake_post /_fake/clock '{"advance": 300}'
	curl -s -X POST "$FAKE/_fake/stats/reset" >/dev/null
	p0=$(posts_in_db)
	ctl --json --timeout 300 poll --wait >/dev/null 2>&1
	put feed.mastodon "$(fake_stat '.networks.mastodon')"
	put feed.bluesky "$(fake_stat '.networks.bluesky')"
	put feed.posts $(($(posts_in_db) - p0))
	put feed.429 "$(fake_stat '.status["429"] // 0')"
	stop_daemon
	stop_fake
}

# ---- 5c. first sync at heavy-user scale: NY accounts a network, 30 days
# of history (history = 30d), the networks' real rate budgets, both clocks
# running SY times faster. A median of ~1.3 posts a day (40 in 30 days); the
# 60 first accounts (1 %) post more, up to ~23 a day (a power law), on every
# network. The user follows them all on Mastodon and Bluesky, as a heavy user
# does, so refreshes go through the home feeds. X has no monthly cap here
# (monthly_posts = 0, fake_config): the cap's bench is its own. Measured:
# the simulated time until every account's back-fill is done, the requests
# against each budget, the daemon's peak RSS (VmHWM) and the 429s. ----
NY=${BENCH_SYNC_ACCOUNTS:-5000}
SY=${BENCH_SYNC_SCALE:-120}
SYNC_REAL_S=${BENCH_SYNC_SECONDS:-600}
backfill_done() { sqlite3 "$DB" "SELECT count(*) FROM backfill WHERE token IS NULL" 2>/dev/null || echo 0; }
phase_firstsync() {
	log "firstsync: $NY accounts on each network, 30 days of history, real rate budgets, clock x$SY"
	heavy=$(awk -v n="$NY" 'BEGIN { for (k = 1; k <= 60 && k <= n; k++) printf " --heavy doc%d=%d", k, int(40 * (60 / k) ^ 0.7) }')
	R0=$(date +%s)
	# shellcheck disable=SC2086
	start_fake --seed 11 --accounts "$NY" --posts 40 --span-days 30 --end-time "$FAKE_T0" $heavy \
		--follows "1-$NY" --now "$FAKE_T0" --clock-scale "$SY" --clock-anchor "$R0" ||
		{ log "fake server did not start"; return; }
	fake_config
	sed -i 's/^history = 0$/history = 30d/' "$XDG_CONFIG_HOME/mentord/mentord.conf"
	fresh_state
	"$BB/gen_db" "$DB" follow-acct "$NY" "$FAKE" 2>/dev/null || { log "gen_db follow-acct failed"; stop_fake; return; }
	# Both clocks read FAKE_T0 at the real instant R0, then run SY times faster.
	MENTORD_CLOCK_SCALE=$SY MENTORD_CLOCK_ANCHOR=$R0 MENTORD_CLOCK_OFFSET=$((FAKE_T0 - R0))
	export MENTORD_CLOCK_SCALE MENTORD_CLOCK_ANCHOR MENTORD_CLOCK_OFFSET
	curl -s -X POST "$FAKE/_fake/stats/reset" >/dev/null
	t0=$(now_ms)
	start_daemon || { log "mentord did not start"; stop_fake; unset MENTORD_CLOCK_SCALE MENTORD_CLOCK_ANCHOR; return; }
	want=$((3 * NY)); done_n=0; hwm=0
	while [ $(($(now_ms) - t0)) -lt $((SYNC_REAL_S * 1000)) ] && daemon_alive; do
		done_n=$(backfill_done)
		[ "$done_n" -ge "$want" ] && break
		sleep 1
	done
	t1=$(now_ms)
	put sync.accounts "$NY"
	put sync.scale "$SY"
	put sync.done "$done_n/$want"
	put sync.real_s "$(calc "($t1 - $t0) / 1000" 0)"
	put sync.sim_min "$(calc "($t1 - $t0) * $SY / 60000" 0)"
	put sync.posts "$(posts_in_db)"
	put sync.cpu_ms "$(cpu_ms "$DAEMON_PID")"
	put sync.hwm_kb "$(proc_kb "$DAEMON_PID" VmHWM)"
	put sync.rss_kb "$(proc_kb "$DAEMON_PID" VmRSS)"
	for n in x mastodon bluesky; do put "sync.$n" "$(fake_stat ".networks.$n")"; done
	put sync.429 "$(fake_stat '.status["429"] // 0')"
	put sync.over "$(fake_stat '[.buckets[].over] | add // 0')"
	# Requests against each budget: LIMIT per WINDOW s, spent over the run.
	curl -s "$FAKE/_fake/stats" | jq -r '.buckets | to_entries[] | "\(.key) \(.value.limit)/\(.value.window)s"' > "$T/sync.buckets"
	curl -s "$FAKE/_fake/stats" | jq -r '.endpoints | to_entries[] | "\(.key)=\(.value.requests)"' | tr '\n' ' ' > "$T/sync.endpoints"
	put sync.endpoints "$(tr ' ' ',' < "$T/sync.endpoints" | sed 's/,$//')"
	stop_daemon
	stop_fake
	unset MENTORD_CLOCK_SCALE MENTORD_CLOCK_ANCHOR
}

# ---- 6. draft check ----
phase_check() {
	set -- $("$BB/checkrate" 3 tests/corpus/*.tsv)
	put check.drafts "${1:-0}"; put check.rate "${4:-0}"; put check.bytes "${5:-0}"
	# The probe set of issue 16: "FILE drafts N ids_blocked A/B risky_warned C/D
	# clean_blocked E/F identifier P/R quasi P/R tone P/R".
	for f in probe2-tune probe2-holdout; do
		set -- $("$BB/checkprobe" "tests/corpus/$f.tsv")
		put "probe.$f.ids" "${5:-0/0}"; put "probe.$f.risky" "${7:-0/0}"; put "probe.$f.clean" "${9:-0/0}"
		put "probe.$f.pr" "identifier=${11:-?},quasi=${13:-?},tone=${15:-?}"
	done
}

# ---- 7. e-mail: the first scan of a generated Maildir (headers only) ----
# Message files per second from the daemon's start to the end of its first
# scan, and its peak RSS. The files were just written, so they are read from
# the page cache: this measures parsing and storing, not the disk.
phase_email() {
	fresh_state
	offline_config
	mk="$SRC/$BUILD/tests/mkmaildir"
	case "$BUILD" in /*) mk="$BUILD/tests/mkmaildir";; esac
	rm -rf "$T/BenchMail"
	"$mk" "$T/BenchMail" --seed 1 --count "$NML" --no-huge > "$T/benchmail.expect" || { log "mkmaildir failed"; return; }
	printf '[email]\nmaildir = %s\nme = trainee@uni.edu, t.k@gmail.com\n' "$T/BenchMail" >> "$XDG_CONFIG_HOME/mentord/mentord.conf"
	t0=$(now_ms)
	start_daemon || { log "mentord did not start"; return; }
	while daemon_alive; do
		st=$(busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 GetEmailStatus 2>/dev/null)
		case "$st" in *'"watching"'*) break;; esac
		sleep 0.1
	done
	ms=$(($(now_ms) - t0))
	files=$(echo "$st" | awk '{ print $5 }')
	put email.files "$files"
	put email.messages "$(echo "$st" | awk '{ print $6 }')"
	put email.ms "$ms"
	put email.rate "$(calc "$files * 1000 / $ms" 0)"
	put email.hwm_kb "$(proc_kb "$DAEMON_PID" VmHWM)"
	stop_daemon
	rm -rf "$T/BenchMail"
}

. "$SRC/bench/xcap.sh"

phase_all() {
	for p in $PHASES; do
		"phase_$p"
	done
}

# ---- the table ----
# row NAME MENTORD BASELINE RATIO TARGET VERDICT
row() { printf '| %s | %s | %s | %s | %s | %s |\n' "$@"; }
# verdict VALUE OP LIMIT — "met" / "MISSED" / "n/a" when a figure is missing.
verdict() {
	case "$1$3" in *-*|"") echo "n/a"; return;; esac
	awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { ok = op == ">=" ? v >= l : v <= l; print ok ? "met" : "MISSED" }'
}
# Issue 16's targets from "A/B" fractions: blocked >= 0.90, warned >= 0.85, none clean blocked.
probe_verdict() {
	awk -v i="$1" -v r="$2" -v c="$3" 'BEGIN {
		split(i, a, "/"); split(r, b, "/"); split(c, d, "/")
		if (a[2] == 0 || b[2] == 0) { print "n/a"; exit }
		print (a[1] / a[2] >= 0.90 && b[1] / b[2] >= 0.85 && d[1] == 0) ? "met" : "MISSED"
	}'
}
ratio() { case "$1$2" in *-*) echo "-";; *) calc "$1 / $2" "${3:-2}";; esac; }
mb() { case "$1" in -|"") echo "-";; *) calc "$1 / 1024" 1;; esac; }

render() {
	echo "| measurement | mentord | baseline (same run) | ratio | target | verdict |"
	echo "| --- | --- | --- | --- | --- | --- |"
	r=$(ratio "$(get ingest.rate)" "$(get floor.rate)")
	row "1. ingest, posts/s (wall; $(get ingest.posts) posts, $(get ingest.requests) requests, 3 formats)" \
		"$(get ingest.rate)" "floor: $(get floor.rate) ($(get floor.posts) posts, $(get floor.pages) pages)" "$r" ">= 0.50" "$(verdict "$r" '>=' 0.5)"
	r=$(ratio "$(get ingest.rate_cpu)" "$(get floor.rate_cpu)")
	row "1b. ingest, posts per CPU-second (steadier on a shared machine)" "$(get ingest.rate_cpu)" "floor: $(get floor.rate_cpu)" "$r" ">= 0.50" "$(verdict "$r" '>=' 0.5)"
	r=$(ratio "$(get ingest.rate)" "$(get newsboat.rate)" 1)
	row "2. items/s vs newsboat ($(get newsboat.items) items)" "$(get ingest.rate)" "newsboat: $(get newsboat.rate)" "$r" ">= 10" "$(verdict "$r" '>=' 10)"
	r=$(ratio "$(get ingest.rate_cpu)" "$(get newsboat.rate_cpu)" 1)
	row "2a. items per CPU-second vs newsboat" "$(get ingest.rate_cpu)" "newsboat: $(get newsboat.rate_cpu)" "$r" ">= 10" "$(verdict "$r" '>=' 10)"
	r=$(ratio "$(get ingest.hwm_kb)" "$(get newsboat.hwm_kb)")
	row "2b. peak RSS, MB, same item count" "$(mb "$(get ingest.hwm_kb)")" "newsboat: $(mb "$(get newsboat.hwm_kb)")" "$r" "<= 0.50" "$(verdict "$r" '<=' 0.5)"
	f=$(get q.floor.p50)
	row "3. bus floor: exec + connect + Ping, p50 ms (first / last)" "-" "$(get q.floor1.p50) / $(get q.floor2.p50) (busctl: $(get q.busctl.p50))" "1.00" "-" "-"
	for c in status mentors show why suggest nudges; do
		r=$(ratio "$(get "q.$c.p50")" "$f")
		row "3. mentorctl $c, p50 ms (p90; stdout bytes)" "$(get "q.$c.p50") ($(get "q.$c.p90"); $(get "q.$c.bytes") B)" \
			"floor: $f" "$r" "<= 1.5" "$(verdict "$r" '<=' 1.5)"
	done
	row "3. mentorctl export (JSON, every mentor), p50 ms (p90; stdout bytes)" "$(get q.export.p50) ($(get q.export.p90); $(get q.export.bytes) B; client peak RSS $(mb "$(get q.export.hwm_kb)") MB)" \
		"floor: $f" "$(ratio "$(get q.export.p50)" "$f")" "(info: streams)" "-"
	v=$(get q.report.p50)
	row "3. mentorctl report (HTML, every mentor), p50 ms (p90; file KB)" "$v ($(get q.report.p90); $(get q.report.html_kb) KB)" \
		"floor: $f" "$(ratio "$v" "$f")" "<= 1000 ms" "$(verdict "$v" '<=' 1000)"
	row "5. nudge review, $(get review.mentors) mentors: whole review p50 ms (max; nudges) / the longest of its $(get review.steps) steps, ms" \
		"$(get review.p50) ($(get review.max); $(get review.nudges)) / $(get review.step_max)" "-" "-" "step <= 20" "$(verdict "$(get review.step_max)" '<=' 20)"
	row "5c. first sync, $(get sync.accounts) accounts/network, 30 days, real budgets (clock x$(get sync.scale)): simulated minutes until all back-filled ($(get sync.done) done; $(get sync.posts) posts; $(get sync.real_s) s real)" \
		"$(get sync.sim_min) min" "requests X / Mastodon / Bluesky: $(get sync.x) / $(get sync.mastodon) / $(get sync.bluesky)" "-" "(info)" "-"
	row "5c. first sync: 429s (requests over a spent window); daemon peak RSS, MB" "$(get sync.429) ($(get sync.over)); $(mb "$(get sync.hwm_kb)")" "-" "-" "0; < 48" \
		"$(verdict "$(get sync.429)" '<=' 0) / $(verdict "$(mb "$(get sync.hwm_kb)")" '<=' 48)"
	row "3b. daemon start on $NM mentors / $NE events, ms (RSS MB)" "$(get q.start_ms) ($(mb "$(get q.rss_kb)"))" "-" "-" "(info)" "-"
	v=$(get idle.rss_kb)
	row "4. RSS idle, fresh daemon, MB (private anon)" "$(mb "$v") ($(mb "$(get idle.anon_kb)"))" "-" "-" "< 8" "$(verdict "$(mb "$v")" '<=' 8)"
	row "4. RSS idle with $NM mentors loaded, MB (private anon)" "$(mb "$(get q.rss_after_kb)") ($(mb "$(get q.anon_kb)"))" "-" "-" "(info)" "-"
	v=$(get idle.dirty_kb)
	row "4. PSS / private (clean + dirty) / private dirty idle, fresh daemon, MB" "$(mb "$(get idle.pss_kb)") / $(mb "$(get idle.private_kb)") / $(mb "$v")" "RSS: $(mb "$(get idle.rss_kb)")" "-" "private dirty <= 3" "$(verdict "$(mb "$v")" '<=' 3)"
	row "4. PSS / private idle with $NM mentors loaded, MB" "$(mb "$(get q.pss_kb)") / $(mb "$(get q.private_kb)")" "RSS: $(mb "$(get q.rss_after_kb)")" "-" "(info)" "-"
	v=$(get scale.rss_kb)
	row "4. RSS after ingesting $(get scale.posts) posts, MB (peak; private anon)" "$(mb "$v") ($(mb "$(get scale.hwm_kb)"); $(mb "$(get scale.anon_kb)"))" "-" "-" "< 48" "$(verdict "$(mb "$v")" '<=' 48)"
	row "4. wakeups/min idle, nothing followed (CPU ms/min)" "$(get idle.wakeups_min) ($(get idle.cpu_ms_min))" "-" "-" "watchdog + polls only" "$(verdict "$(get idle.wakeups_min)" '<=' 60)"
	row "4. wakeups/min idle, $NA x 3 accounts all polled" "$(get idle_polled.wakeups_min)" "-" "-" "watchdog + polls only" "$(verdict "$(get idle_polled.wakeups_min)" '<=' 60)"
	for n in 10 100 1000 "$NS"; do
		row "5. poll round at real limits, $n accounts/network: requests X / Mastodon / Bluesky (429s; held by a window)" \
			"$(get "pc.$n.x") / $(get "pc.$n.mastodon") / $(get "pc.$n.bluesky") ($(get "pc.$n.429"); $(get "pc.$n.held"))" \
			"accounts: $n / $n / $n" "$(ratio "$(get "pc.$n.x")" "$n")" "0 x 429; X sub-linear" "$(verdict "$(get "pc.$n.429")" '<=' 0)"
	done
	tm=$((NP / 40 + 10)); tb=$((NP / 100 + 10))
	row "5b. home feed round, $NF followed accounts/network, $(get feed.posts) of $((2 * NP)) new posts stored: requests Mastodon / Bluesky (429s; joined)" \
		"$(get feed.mastodon) / $(get feed.bluesky) ($(get feed.429); $(get feed.joined))" \
		"one by one: $NF / $NF" "$(ratio "$(get feed.mastodon)" "$tm")" "<= $tm / <= $tb" \
		"$(verdict "$(get feed.mastodon)" '<=' "$tm") / $(verdict "$(get feed.bluesky)" '<=' "$tb")"
	i=1; while [ $i -le 5 ]; do
		row "4c. 1M-post run, round $i: posts stored, wall s (daemon CPU s), requests" \
			"$(get "scale.r$i.posts") posts, $(calc "$(get "scale.r$i.ms") / 1000" 1) s ($(calc "$(get "scale.r$i.cpu_ms") / 1000" 1) s)" \
			"$(get "scale.r$i.requests") requests" "-" "(info)" "-"
		i=$((i + 1))
	done
	v=$(get check.rate)
	row "6. draft checks/s, one core ($(get check.drafts) drafts, $(get check.bytes) B mean)" "$v" "-" "-" "> 20000" "$(verdict "$v" '>=' 20000)"
	for f in probe2-tune probe2-holdout; do
		row "6b. $f: identifiers blocked / risky at least warned / clean blocked (P/R: $(get "probe.$f.pr"))" \
			"$(get "probe.$f.ids") / $(get "probe.$f.risky") / $(get "probe.$f.clean")" "-" "-" \
			">= 0.90 / >= 0.85 / 0" "$(probe_verdict "$(get "probe.$f.ids")" "$(get "probe.$f.risky")" "$(get "probe.$f.clean")")"
	done
	v=$(get email.rate)
	row "7. e-mail first scan, message files/s ($(get email.files) files of $NML messages, $(get email.messages) with the user; $(calc "$(get email.ms) / 1000" 1) s; peak RSS $(mb "$(get email.hwm_kb)") MB)" \
		"$v" "-" "-" ">= 5000" "$(verdict "$v" '>=' 5000)"
	render_xcap
}

start_bus || { echo "bench: no private bus" >&2; exit 0; }
trap 'finish >/dev/null 2>&1; exit 0' INT TERM
t_start=$(date +%s)
phase_all
put bench.seconds $(($(date +%s) - t_start))
{
	echo "mentord benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "command: make bench ($(get bench.seconds) s); raw figures: $R"
	echo
	render
} > "$BB/table.md"
echo
cat "$BB/table.md"
finish >/dev/null
exit 0
