#!/bin/sh
# mentorctl export and ExportLedger: the whole ledger (over a thousand
# events, several pages) as one JSON document and as RFC 4180 CSV, checked
# against the database row by row; paging by the cursor; notes with commas,
# quotes, newlines and non-ASCII; bad arguments; usage errors; nothing
# written to the database.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

DB="$XDG_STATE_HOME/mentord/mentord.db"
call() { bus_call "$@"; }
# The events as the export must show them, straight from the database:
# one JSON array in id order, "" for what is absent, "offline" for the
# platform of an event logged by hand, times in RFC 3339.
db_events() {
	sqlite3 -json "$DB" "SELECT e.id, e.mentor_id, m.name AS mentor, e.kind, e.at,
		coalesce(e.platform, 'offline') AS platform, coalesce(a.handle, '') AS handle,
		coalesce(e.url, p.url, '') AS url, coalesce(e.note, '') AS note,
		replace(replace(coalesce(p.text, ''), char(65535), char(65533)), char(64976), char(65533)) AS text
		FROM events e JOIN mentors m ON m.id = e.mentor_id LEFT JOIN accounts a ON a.id = e.account_id
		LEFT JOIN posts p ON p.id = e.post_id ORDER BY e.id" |
	jq -cS 'map(.at |= todate)'
}
# The export's events in the same shape (null → "").
norm='[.events[] | map_values(. // "")]'

start_bus; ok $? "private bus started"
start_fake --accounts 6 --posts 200 --engaged 3; ok $? "fake server: 200 posts per account"
fake_config
start_daemon; ok $? "mentord up on the fake networks"
ctl follow mastodon doc1 --name "Dr One" >/dev/null && ctl follow bluesky doc1.bsky.social --mentor 1 >/dev/null &&
	ctl follow mastodon doc2 --name "Dr Two, PhD" >/dev/null && ctl follow bluesky doc3.bsky.social --name 'Zoë "Z" Three' >/dev/null &&
	ctl follow mastodon doc4 --name "Dr Four" >/dev/null
ok $? "followed five accounts of four mentors"
# First syncs are history, so the news below must come after all five. A
# fast daemon needs one round; a slow one (valgrind) may resolve a handle
# that was followed late only in the next.
first_syncs() { sqlite3 "$DB" "SELECT count(*) FROM cursors WHERE target LIKE 'account:%' AND cursor IS NOT NULL"; }
ctl poll --wait >/dev/null; r=$?
i=0
while [ "$(first_syncs)" -lt 5 ] && [ $i -lt 20 ]; do ctl poll --wait >/dev/null; i=$((i + 1)); done
[ "$(first_syncs)" -eq 5 ] || r=1
ok $r "first poll (history: one page per account)"
# News after the first sync is read in full: 1,000 new posts over three
# accounts, one with commas and quotes in its text.
fake_post /_fake/add_posts '{"network":"mastodon","account":"doc1","count":400,"kind":"post","text":"Grand rounds, \"Q&A\" at noon"}' &&
	fake_post /_fake/add_posts '{"network":"mastodon","account":"doc2","count":300,"kind":"post"}' &&
	fake_post /_fake/add_posts '{"network":"bluesky","account":"doc3","count":300,"kind":"post"}' &&
	fake_post /_fake/add_posts '{"network":"mastodon","account":"doc4","count":1,"kind":"post","text":"odd \uffff and \ufdd0 end"}'
ok $? "the fake server adds 1,001 posts, one with Unicode noncharacters (valid JSON, refused by sd-bus)"
LONG=$(head -c 60000 /dev/zero | tr '\0' 'w')
fake_post /_fake/add_posts "{\"network\":\"mastodon\",\"account\":\"doc2\",\"count\":1,\"kind\":\"post\",\"text\":\"$LONG\"}"
ok $? "and one post of 60,000 bytes, more than a page may hold"
# A slow daemon (valgrind) may leave long walks to the next round.
i=0; r=0
while [ $i -lt 20 ]; do
	ctl poll --wait >/dev/null || r=1
	[ "$(ctl --json status | jq .events)" -gt 1000 ] && break
	i=$((i + 1))
done
ok $r "polled them"
NOTE1='coffee, then "rounds"
second line; café — naïve 🩺'
NOTE2='"quoted", trailing comma,'
ctl log 'Dr One' meeting --note "$NOTE1" >/dev/null && ctl log 2 email --note "$NOTE2" >/dev/null &&
	ctl log 3 call >/dev/null && ctl log 4 note --note "tab	inside" >/dev/null
ok $? "logged four offline events, notes with commas, quotes, a newline, a tab and non-ASCII"

total=$(ctl --json status | jq .events)
[ "$total" -gt 1000 ]; ok $? "over a thousand events in the ledger ($total)"
sqlite3 "$DB" '.dump mentors accounts hashtags posts events cursors' > "$T/before.sql"

# JSON
ctl --json export > "$T/e.json"; ok $? "export --json"
jq -e 'type == "object"' "$T/e.json" >/dev/null; ok $? "the export is one JSON document"
jq -e '(.version | type == "number") and (.mentord_version | type == "string")
	and (.exported_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))
	and (.mentors | type == "array") and (.events | type == "array")' "$T/e.json" >/dev/null
ok $? "top level: version, mentord_version, exported_at (RFC 3339 UTC), mentors, events"
jq -e '.mentors | length == 4 and all(keys == (["id","name","stage","score","fit","accounts","posts",
	"events","last_activity","last_contact"] | sort)) and all(.accounts | all(keys == ["handle","platform"]))' \
	"$T/e.json" >/dev/null
ok $? "four mentors, each with the spec keys of mentors --json"
jq -e '.events | all(keys == (["id","mentor_id","mentor","kind","at","platform","handle","url","text","note"] | sort))' \
	"$T/e.json" >/dev/null
ok $? "every event has id, mentor_id, mentor, kind, at, platform, handle, url, text, note"
is "$(jq '.events | length' "$T/e.json")" "$total" "event count equals status events"
is "$(jq '[.mentors[].events] | add' "$T/e.json")" "$total" "event count equals the sum over the mentors"
jq -e '[.events[].id] as $i | $i == ($i | unique)' "$T/e.json" >/dev/null; ok $? "each event once, in id order"
db_events > "$T/db.json"
jq -cS "$norm" "$T/e.json" > "$T/ex.json"
if cmp -s "$T/db.json" "$T/ex.json"; then ok 0 "every event equals the database row, field by field"
else ok 1 "every event equals the database row"; diff "$T/db.json" "$T/ex.json" | head -c 600 | sed 's/^/# /'; fi
jq -e --arg n "$NOTE1" '[.events[] | select(.note == $n and .kind == "meeting" and .mentor == "Dr One"
	and .platform == "offline" and .handle == null and .url == null and .text == null)] | length == 1' "$T/e.json" >/dev/null
ok $? "the multi-line note survives byte for byte; an offline event has platform offline, null handle, url, text"
jq -e '[.events[] | select(.kind == "post")] | length > 0 and all(.text != null and .handle != null and (.url | startswith("http")))' \
	"$T/e.json" >/dev/null
ok $? "post events carry the post's text, the account's handle and the URL"
jq -e '[.events[] | select(.text == "odd \ufffd and \ufffd end")] | length == 1' "$T/e.json" >/dev/null
ok $? "noncharacters in a post arrive as U+FFFD instead of failing the page"
ctl show 'Dr Four' >/dev/null; ok $? "show survives the same post"
ctl --json mentors | jq -S 'sort_by(.id) | map(del(.score, .fit))' > "$T/m1.json"
jq -S '.mentors | map(del(.score, .fit))' "$T/e.json" > "$T/m2.json"
cmp -s "$T/m1.json" "$T/m2.json"; ok $? "the mentors are those of mentors --json, by id"
ctl export > "$T/plain.json" && ctl export --format json > "$T/fmt.json"; ok $? "export and export --format json"
for f in plain fmt; do
	jq -cS "$norm" "$T/$f.json" | cmp -s - "$T/ex.json"; ok $? "'$f' export has the same events"
done

# CSV
ctl export --format csv > "$T/e.csv"; ok $? "export --format csv"
is "$(head -n 1 "$T/e.csv")" "$(printf 'id,mentor_id,mentor,kind,at,platform,handle,url,text,note\r')" \
	"CSV header row, CRLF line ends"
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8"), strict=True))
head, rows = rows[0], rows[1:]
print(json.dumps([dict(zip(head, [int(r[0]), int(r[1])] + r[2:])) for r in rows], ensure_ascii=False))' \
		"$T/e.csv" > "$T/csv.json"
else   # perl is always there: a small RFC 4180 reader
	perl -CSD -0777 -ne 'my (@f, @rows);
		while ((pos() // 0) < length && /\G(?:"((?:[^"]|"")*)"|([^,"\r\n]*))(,|\r\n|\z)/gc) {
			my ($q, $u, $end) = ($1, $2, $3); push @f, defined $q ? $q =~ s/""/"/gr : $u;
			if ($end ne ",") { push @rows, [@f]; @f = (); } }
		my @h = @{shift @rows}; print "[";
		print join(",", map { my $r = $_; "{" . join(",", map { my $v = $r->[$_];
			$v = $_ < 2 ? $v : "\"" . ($v =~ s/(["\\])/\\$1/gr =~ s/\n/\\n/gr =~ s/\r/\\r/gr =~ s/\t/\\t/gr) . "\"";
			"\"$h[$_]\":$v" } 0..$#h) . "}" } @rows);
		print "]\n";' "$T/e.csv" > "$T/csv.json"
fi
ok $? "the CSV parses back"
# A cell that could start a formula has a single quote in front (OWASP).
jq -cS 'map(map_values(if type == "string" and test("^[-=+@\t\r]") then "\u0027" + . else . end))' "$T/ex.json" > "$T/ex-csv.json"
jq -cS . "$T/csv.json" | cmp -s - "$T/ex-csv.json"; ok $? "CSV rows equal the JSON events, field by field, formula cells guarded"
grep -q '"""quoted"", trailing comma,"' "$T/e.csv"; ok $? "a field with quotes and commas is quoted, quotes doubled"

# ExportLedger itself: paging by the cursor, the limit and the byte budget.
after=0; pages=0; : > "$T/ids"
while :; do
	call ExportLedger tu "$after" 97 > "$T/page.json" || break
	jq -e '(.[0] | length) <= 97' "$T/page.json" >/dev/null || { pages=-1; break; }
	jq '.[0][][0]' "$T/page.json" >> "$T/ids"
	next=$(jq '.[1]' "$T/page.json")
	[ "$next" = 0 ] && break
	[ "$next" = "$(jq '.[0][-1][0]' "$T/page.json")" ] || { pages=-1; break; }
	after=$next; pages=$((pages + 1))
done
[ "$pages" -gt 10 ]; ok $? "paging with limit 97 took $pages pages, none longer than 97, next = last id"
jq -c '[.events[].id]' "$T/e.json" > "$T/ids.want"
jq -cs . "$T/ids" | cmp -s - "$T/ids.want"; ok $? "the pages give each event exactly once"
call ExportLedger tu 0 5000 > "$T/big.json"; ok $? "one page with limit 5000"
n=$(jq '.[0] | length' "$T/big.json")
[ "$n" -gt 0 ] && [ "$n" -lt "$total" ] && [ "$(jq '.[1]' "$T/big.json")" = "$(jq '.[0][-1][0]' "$T/big.json")" ]
ok $? "the byte budget cuts the page ($n of $total events) and next points on"
bytes=$(jq '[.[0][][] | if type == "string" then utf8bytelength + 8 else 8 end] | add' "$T/big.json")
[ "$bytes" -lt 65536 ]; ok $? "that page's payload stays under 64 KiB ($bytes bytes)"
big=$(jq --arg l "$LONG" '.events[] | select(.text == $l) | .id' "$T/e.json")
[ -n "$big" ]; ok $? "the 60,000-byte post is exported whole (event $big)"
is "$(call ExportLedger tu $((big - 1)) 5000 | jq -c '[(.[0] | length), .[1]]')" "[1,$big]" \
	"a row longer than the page budget goes alone, and paging moves on"
last=$(sqlite3 "$DB" 'SELECT max(id) FROM events')
is "$(call ExportLedger tu "$last" 10)" '[[],0]' "after the last event: nothing, next 0"
is "$(call ExportLedger tu 18446744073709551615 10)" '[[],0]' "a cursor past any id: nothing, next 0"
is "$(call ExportLedger tu $((last - 1)) 1 | jq -c '[(.[0] | length), .[1]]')" '[1,0]' "the last row ends with next 0"
for l in 0 5001 1000000; do
	out=$(busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 \
		ExportLedger tu 0 "$l" 2>&1)
	case "$out" in *InvalidArgument*|*"must be 1 to"*) ok 0 "limit $l is InvalidArgument";;
		*) ok 1 "limit $l is InvalidArgument"; diag "$out";; esac
done

# Usage errors.
ctl export --format xml >/dev/null 2>&1; is $? 2 "--format xml is a usage error"
ctl export extra >/dev/null 2>&1; is $? 2 "an extra argument is a usage error"
ctl export --bogus >/dev/null 2>&1; is $? 2 "an unknown option is a usage error"
ctl --json export --format csv >/dev/null 2>&1; is $? 2 "--json with --format csv is a usage error"

sqlite3 "$DB" '.dump mentors accounts hashtags posts events cursors' > "$T/after.sql"
cmp -s "$T/before.sql" "$T/after.sql"; ok $? "exporting changed nothing in the database"
daemon_alive; ok $? "daemon still running"
stop_daemon; ok $? "stopped cleanly"
ctl export > "$T/none.json" 2>/dev/null; is $? 3 "no daemon: exit 3"
[ ! -s "$T/none.json" ]; ok $? "no daemon: nothing on stdout"
finish
