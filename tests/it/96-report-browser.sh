#!/bin/sh
# mentorctl report in a real browser: headless Chromium renders a report of
# a small ledger and one of a hostile ledger (a <script> name, right-to-left
# overrides, a 10,000-character name, notes with HTML) to a PNG and a PDF,
# with no console message (a CSP violation or a script would print one),
# and its DOM has exactly the bars the data asks for. Chromium comes from
# Debian (tools/apt-install.sh) when missing; the test fails without it
# unless MENTORD_NO_BROWSER=1. Offline: file:// only, every other request
# sent to a dead loopback proxy. REPORT_SHOT=FILE keeps the first screenshot
# (docs/report.png is made so).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

if ! command -v chromium >/dev/null 2>&1; then
	if [ "${MENTORD_NO_BROWSER:-}" = 1 ]; then
		echo "1..0 # SKIP MENTORD_NO_BROWSER=1 and no chromium"
		exit 0
	fi
	sh "$SRC/tools/apt-install.sh" report-test chromium >/dev/null 2>&1
fi
command -v chromium >/dev/null 2>&1; ok $? "chromium is installed (set MENTORD_NO_BROWSER=1 to go without)"

DB="$XDG_STATE_HOME/mentord/mentord.db"
call() { bus_call "$@"; }
want_bars() {  # want_bars MONTHS ID...
	n=$1; shift
	call GetEngagement atsu $# "$@" month "$n" | jq '[.[1][][3][] | select(. > 0)] | length'
}
ago() { date -u -d "@$((FAKE_T0 - $1 * 86400))" +%F; }
chrome() {  # chrome NAME ARGS... FILE — one headless run, its stderr in $T/NAME.log
	name=$1; shift
	timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$T/chrome-$name" \
		--no-first-run --no-default-browser-check --disable-background-networking --disable-sync \
		--disable-component-update --disable-extensions --proxy-server=127.0.0.1:9 \
		--enable-logging=stderr --v=0 "$@" 2>"$T/$name.log"
}
# Renders report FILE (label L) three ways and checks what came out.
render() {  # render L FILE WANT_BARS MENTORS
	chrome "$1-png" --screenshot="$T/$1.png" --window-size=1200,1600 "file://$2" >/dev/null
	check "$1: a PNG" sh -c "file '$T/$1.png' | grep -q 'PNG image'"
	chrome "$1-pdf" --print-to-pdf="$T/$1.pdf" --no-pdf-header-footer "file://$2" >/dev/null
	check "$1: a PDF" sh -c "head -c 5 '$T/$1.pdf' | grep -q '%PDF-'"
	# The print CSS breaks the page before each mentor: the first page
	# (funnel, totals), then one per mentor, each short enough for one.
	# Chromium writes its page objects uncompressed.
	is "$(grep -a -c '/Type /Page\b' "$T/$1.pdf")" "$(($4 + 1))" "$1: the PDF has a page for each of the $4 mentors after the first"
	chrome "$1-dom" --dump-dom "file://$2" > "$T/$1.dom"
	is "$(grep -o '<rect class="bar ' "$T/$1.dom" | wc -l | tr -d ' ')" "$3" "$1: the rendered DOM has $3 timeline bars"
	is "$(grep -o '<rect class="fbar ' "$T/$1.dom" | wc -l | tr -d ' ')" 5 "$1: and five funnel bars"
	is "$(grep -c '<script' "$T/$1.dom")" 0 "$1: no script element in the DOM"
	is "$(cat "$T/$1"-*.log | grep -ci 'CONSOLE\|Refused\|Content Security Policy\|Uncaught')" 0 "$1: no console message"
}

start_bus; ok $? "private bus started"
start_fake --accounts 4 --posts 20 --engaged 2; ok $? "fake server: doc1 and doc2 interact with me"
fake_config
start_daemon; ok $? "mentord up on the fake networks"
ctl follow mastodon doc1 --name "Dr Ada Okafor" >/dev/null && ctl follow bluesky doc2.bsky.social --name "Dr Lin Wei" >/dev/null &&
	ctl follow mastodon doc3 --name "Dr Sam Rivera" >/dev/null
ok $? "followed three mentors"
ctl poll --wait >/dev/null; ok $? "polled"
M1=$(sqlite3 "$DB" "SELECT mentor_id FROM accounts WHERE handle LIKE 'doc1%'")
ctl log "$M1" met --note "Journal club" --when "$(ago 50)" >/dev/null &&
	ctl log "$M1" meeting --when "$(ago 20)" >/dev/null && ctl log "$M1" email --when "$(ago 12)" >/dev/null
ok $? "logged three contacts"
IDS=$(sqlite3 "$DB" "SELECT id FROM mentors WHERE kind = 'mentor'" | tr '\n' ' ')
cd "$T" || exit 1
ctl report --out "$T/small.html" >/dev/null; ok $? "report of the small ledger"
# shellcheck disable=SC2086
render small "$T/small.html" "$(want_bars 12 $IDS)" "$(echo $IDS | wc -w)"
[ -n "${REPORT_SHOT:-}" ] && cp "$T/small.png" "$REPORT_SHOT"

# The hostile ledger: names and notes that try to become markup or turn
# the page around.
LONG=$(head -c 10000 /dev/zero | tr '\0' 'N')
RLO=$(printf '\342\200\256')   # U+202E RIGHT-TO-LEFT OVERRIDE
LRI=$(printf '\342\201\246')   # U+2066 LEFT-TO-RIGHT ISOLATE, never closed
ctl follow mastodon doc4 --name '<script>alert(1)</script>' >/dev/null; ok $? "a mentor named <script>alert(1)</script>"
M4=$(sqlite3 "$DB" "SELECT mentor_id FROM accounts WHERE handle LIKE 'doc4%'")
ctl link "$M4" email 'x@example.org' >/dev/null 2>&1
ctl log "$M4" note --note '<img src=x onerror=alert(2)><a href="https://evil.example/">x</a></td></table>' --when "$(ago 5)" >/dev/null
ok $? "a note with HTML in it"
# Names as a network could give them, written while the daemon is down (it
# reads names at start, and a poll of its own could hold the write lock).
stop_daemon
sqlite3 "$DB" "UPDATE mentors SET name = 'Dr ${RLO}evil${LRI} name' WHERE id = (SELECT mentor_id FROM accounts WHERE handle LIKE 'doc3%');
	UPDATE mentors SET name = 'L$LONG' WHERE id = (SELECT mentor_id FROM accounts WHERE handle LIKE 'doc2%')"
ok $? "and (in the database) one with bidi overrides, one of 10,001 characters"
start_daemon; ok $? "mentord restarted"
IDS=$(sqlite3 "$DB" "SELECT id FROM mentors WHERE kind = 'mentor'" | tr '\n' ' ')
ctl report --private --out "$T/hostile.html" >/dev/null; ok $? "report --private of the hostile ledger"
F="$T/hostile.html"
check "the script name is text" grep -qF '<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>' "$F"
check "the note's markup is text" grep -qF '&lt;img src=x onerror=alert(2)&gt;&lt;a href=&quot;' "$F"
is "$(grep -c "$RLO\|$LRI" "$F")" 0 "no bidi override or isolate reaches the page"
check "the long name is cut with an ellipsis" grep -q '<bdi>LNNNNNNNNN*…</bdi>' "$F"
is "$(grep -o 'LNNNN*' "$F" | awk '{ print length }' | sort -n | tail -n1)" 79 "to 80 columns"
# shellcheck disable=SC2086
render hostile "$F" "$(want_bars 12 $IDS)" "$(echo $IDS | wc -w)"
check "the DOM shows the script name as text" grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$T/hostile.dom"
finish
