# xcap.sh — sourced by run.sh: phase_xcap and its row. 200 followed X
# accounts (BENCH_X_ACCOUNTS), X alone (Mastodon and Bluesky off), rounds
# of `poll --wait` with the fake's clock 12 hours on between them (about 3
# new posts per account): what X billed each round (x_billed in
# /_fake/stats, as X counts) without a cap and with [x] monthly_posts =
# 2000 (the default). mentord's
# clock does not move, so the capped rounds after the day's allowance read
# nothing more: the cap spreads reads over the days, not over the rounds.
# The scenario's day is 2026-09-19: 12 days left, an allowance of 167.
NX=${BENCH_X_ACCOUNTS:-200}
XROUNDS=4

xcap_run() {  # xcap_run NAME MONTHLY_POSTS
	rm -f "$T/fake.port"
	# shellcheck disable=SC2086
	"$FAKEAPI" --port-file "$T/fake.port" --seed 7 --accounts "$NX" --posts 60 --span-days 10 \
		--end-time "$FAKE_T0" --now $((FAKE_T0 - 2 * 86400)) $UNLIMITED >"$T/fake.out" 2>"$T/fake.err" &
	FAKE_PID=$!
	i=0; while [ $i -lt 200 ] && [ ! -s "$T/fake.port" ]; do sleep 0.05; i=$((i+1)); done
	FAKE="http://127.0.0.1:$(cat "$T/fake.port")"
	fake_config
	sed -i "s/^monthly_posts = 0$/monthly_posts = $2/; /^\[mastodon\]/,\$d" "$XDG_CONFIG_HOME/mentord/mentord.conf"
	printf '[mastodon]\nenabled = no\n[bluesky]\nenabled = no\n' >> "$XDG_CONFIG_HOME/mentord/mentord.conf"
	MENTORD_CLOCK_OFFSET=$((FAKE_T0 - 2 * 86400 - $(date +%s))); export MENTORD_CLOCK_OFFSET
	fresh_state
	"$BB/gen_db" "$DB" follow "$NX" "$FAKE" 2>/dev/null || { log "gen_db follow failed"; stop_fake; return; }
	b0=0; r0=0   # the first round begins with the daemon: it reads at once
	start_daemon || { log "mentord did not start"; stop_fake; return; }
	round=1
	while [ $round -le $XROUNDS ]; do
		if [ $round -gt 1 ]; then
			fake_post /_fake/clock '{"advance": 43200}'
			b0=$(fake_stat .x_billed)
			r0=$(fake_stat '.networks.x // 0')
		fi
		ctl --timeout 300 poll --wait >/dev/null 2>&1
		put "xcap.$1.r$round" $(($(fake_stat .x_billed) - b0))
		put "xcap.$1.r$round.requests" $(($(fake_stat '.networks.x // 0') - r0))
		round=$((round + 1))
	done
	put "xcap.$1.posts" "$(sqlite3 "$DB" "SELECT count(*) FROM posts WHERE platform = 'x'")"
	put "xcap.$1.allowance" "$(ctl --json status | jq -r '.platforms[] | select(.platform == "x") | .allowance_today // "-"')"
	stop_daemon
	stop_fake
}

phase_xcap() {
	log "xcap: $NX X accounts, $XROUNDS rounds, without a cap and with monthly_posts = 2000"
	xcap_run nocap 0
	xcap_run cap 2000
}

xcap_rounds() {  # xcap_rounds NAME — "b1 / b2 / ... (requests r1 / ...)"
	b=; q=; i=1
	while [ $i -le $XROUNDS ]; do
		b="$b${b:+ / }$(get "xcap.$1.r$i")"; q="$q${q:+ / }$(get "xcap.$1.r$i.requests")"
		i=$((i + 1))
	done
	echo "$b (requests $q; $(get "xcap.$1.posts") posts stored)"
}

xcap_day() {  # the capped run's posts billed over all its rounds (one UTC day)
	s=0; i=1
	while [ $i -le $XROUNDS ]; do
		v=$(get "xcap.cap.r$i"); case "$v" in ''|-) echo "-"; return;; esac
		s=$((s + v)); i=$((i + 1))
	done
	echo "$s"
}

render_xcap() {
	a=$(get xcap.cap.allowance)
	row "8. X posts billed per round, $NX followed X accounts, rounds 12 h apart (first sync first): monthly_posts = 2000 ($a a day)" \
		"$(xcap_rounds cap)" "no cap: $(xcap_rounds nocap)" "$(ratio "$(get xcap.cap.r1)" "$(get xcap.nocap.r1)")" \
		"the day's reads <= $a" "$(verdict "$(xcap_day)" '<=' "$a")"
}
