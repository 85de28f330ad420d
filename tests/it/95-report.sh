#!/bin/sh
# mentorctl report: one self-contained HTML file from a ledger the fake
# networks and LogEvent built. Structure (the CSP meta, no script, no URL of
# any kind, the bars counted against GetEngagement), --mentor, --since,
# --private against the default (a note's text and an e-mail-like note),
# the file's mode and the temp-file-and-rename, bad arguments (exit 2),
# an unknown mentor (1), no daemon (3). GetReportMentors and
# GetReportFunnel answer bad arguments with named errors.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

DB="$XDG_STATE_HOME/mentord/mentord.db"
call() { bus_call "$@"; }
# The number of non-zero month cells of GetEngagement over the given ids:
# what the timelines must draw as bars.
want_bars() {  # want_bars MONTHS ID...
	n=$1; shift
	call GetEngagement atsu $# "$@" month "$n" | jq '[.[1][][3][] | select(. > 0)] | length'
}
count() { grep -o "$1" "$2" | wc -l | tr -d ' '; }

start_bus; ok $? "private bus started"
start_fake --accounts 4 --posts 20 --engaged 2; ok $? "fake server: doc1 and doc2 interact with me"
fake_config
start_daemon; ok $? "mentord up on the fake networks"
ctl follow mastodon doc1 --name "Dr One" >/dev/null && ctl follow bluesky doc2.bsky.social --name "Dr Two" >/dev/null &&
	ctl follow mastodon doc3 --name "Dr Three" >/dev/null
ok $? "followed three mentors"
ctl poll --wait >/dev/null; ok $? "polled"
M1=$(sqlite3 "$DB" "SELECT mentor_id FROM accounts WHERE handle LIKE 'doc1%'")
M2=$(sqlite3 "$DB" "SELECT mentor_id FROM accounts WHERE handle LIKE 'doc2%'")
M3=$(sqlite3 "$DB" "SELECT mentor_id FROM accounts WHERE handle LIKE 'doc3%'")
# Times on the daemon's clock (the fake server's), days before it.
ago() { date -u -d "@$((FAKE_T0 - $1 * 86400))" +%F; }
ctl log "$M1" met --note 'Coffee after <b>grand rounds</b> — SECRETNOTE & more' --when "$(ago 10)" >/dev/null &&
	ctl log "$M1" call --when "$(ago 40)" >/dev/null && ctl log "$M3" meeting --note "PRIVATE3 <i>x</i>" --when "$(ago 3)" >/dev/null
ok $? "logged a meeting, a call and a note with HTML"

cd "$T" || exit 1
OUT="mentord-report-$(date +%F).html"
ctl report > "$T/out.txt"; ok $? "report with no arguments"
check "it wrote $OUT in the current folder" test -s "$T/$OUT"
is "$(stat -c %a "$T/$OUT")" 644 "mode 0644 by default"
F="$T/$OUT"
check "the CSP meta" grep -qF "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">" "$F"
is "$(grep -ci '<script' "$F")" 0 "no script tag"
is "$(grep -ciE 'https?:|//[a-z0-9]|url\(|@import|@font-face|src=|href=' "$F")" 0 "no URL, import, font, src or href anywhere"
is "$(ls "$T" | grep -c 'mentord-report.*\.html\.')" 0 "no temporary file left"
is "$(count '<section class="mentor">' "$F")" 3 "a section per mentor"
is "$(count 'class="fbar ' "$F")" 5 "five funnel bars"
is "$(count 'class="bar ' "$F")" "$(want_bars 12 "$M1" "$M2" "$M3")" "a bar per non-zero month, channel and direction"
check "private notes: left out" grep -q 'Private notes: left out' "$F"
check "e-mail subjects: left out" grep -q 'E-mail subjects: left out' "$F"
is "$(grep -c 'SECRETNOTE\|PRIVATE3' "$F")" 0 "no note text without --private"
check "the logged meeting is listed (without its note)" grep -q '<td>met</td><td>offline</td>' "$F"
if command -v xmllint >/dev/null 2>&1; then
	xmllint --html --noout "$F" 2>"$T/xmllint.txt"
	is "$(grep 'error' "$T/xmllint.txt" | grep -vc 'Tag \(svg\|rect\|line\|text\|title\|bdi\|section\|header\) invalid')" 0 \
		"xmllint: well formed (its HTML4 parser knows no SVG, bdi, section or header tag)"
fi

ctl report --private --out "$T/p.html" >/dev/null; ok $? "report --private --out FILE"
is "$(stat -c %a "$T/p.html")" 600 "mode 0600 with --private"
check "private notes: included" grep -q 'Private notes: included' "$T/p.html"
check "the note's text, escaped" grep -qF 'Coffee after &lt;b&gt;grand rounds&lt;/b&gt; — SECRETNOTE &amp; more' "$T/p.html"
check "the other note" grep -qF 'PRIVATE3 &lt;i&gt;x&lt;/i&gt;' "$T/p.html"

ctl report --mentor "$M1" --mentor "Dr Two" --mentor "$M1" --out "$T/m.html" >/dev/null; ok $? "--mentor twice (one named twice)"
is "$(count '<section class="mentor">' "$T/m.html")" 2 "two sections"
check "Dr One is there" grep -q '<bdi>Dr One</bdi>' "$T/m.html"
is "$(grep -c 'Dr Three' "$T/m.html")" 0 "Dr Three is not"
is "$(count 'class="bar ' "$T/m.html")" "$(want_bars 12 "$M1" "$M2")" "bars of the two"

# The daemon's clock is the fake server's: a date two months before it.
SINCE=$(ago 61)
ctl report --since "$SINCE" --out "$T/s.html" >/dev/null; ok $? "--since $SINCE"
check "the period is named" grep -q "counts since $SINCE" "$T/s.html"
m=$(grep -o '[0-9]* months\?;' "$T/s.html" | head -n1 | cut -d' ' -f1)
check "three or four months of timeline ($m)" test "$m" -ge 3 -a "$m" -le 4
is "$(count 'class="bar ' "$T/s.html")" "$(want_bars "$m" "$M1" "$M2" "$M3")" "bars of those months"

ctl --json report --out "$T/j.html" > "$T/j.json"; ok $? "--json"
is "$(jq -r '.file + " " + (.mentors | tostring)' "$T/j.json")" "$T/j.html 3" "--json names the file and the count"

for a in "--since nonsense" "--since 2999-01-01" "--out" "--bogus" "extra" "--out ''"; do
	eval "ctl report $a" >/dev/null 2>&1
	is $? 2 "usage error (exit 2): report $a"
done
ctl report --mentor "Nobody Such" --out "$T/n.html" >/dev/null 2>"$T/err.txt"
is $? 1 "an unknown mentor: exit 1"
check "no file for it" test ! -e "$T/n.html"

e=$(busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 GetReportMentors atxb 0 0 false 2>&1)
case "$e" in *"Give 1 to 500"*) ok 0 "GetReportMentors without ids: InvalidArgument";; *) ok 1 "GetReportMentors without ids: $e";; esac
e=$(busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 GetReportFunnel x 0 2>&1)
case "$e" in *"window must be"*) ok 0 "GetReportFunnel window 0: InvalidArgument";; *) ok 1 "GetReportFunnel window 0: $e";; esac
is "$(call GetReportMentors atxb 2 "$M1" 999999 0 false | jq '.[0] | length')" 1 "an unknown id is left out"
check "the daemon is still up" daemon_alive

stop_daemon
ctl report --out "$T/x.html" >/dev/null 2>&1
is $? 3 "no daemon: exit 3"
check "and no file" test ! -e "$T/x.html"
finish
