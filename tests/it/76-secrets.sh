#!/bin/sh
# Secrets and files: tokens and app passwords come only from 0600 files or
# systemd credentials, a refused file is named with the reason, and planted
# secrets appear in none of: the daemon log (debug level), any read-only
# D-Bus reply, mentorctl output, /proc/PID/cmdline and environ, the database
# and its -wal/-shm, any other state file, and the export. State files are
# 0600 and directories 0700 whatever the umask.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake.sh"

# A permissive umask: modes must come from mentord, not from the caller.
umask 022
XTOK="PLANTED-xbearer-Zq81vT4kLw"
MTOK="PLANTED-masto-Hj27Pd0sRyE"
BPW="plnt-bsky-appw-k3m9-T5x"
STATE="$XDG_STATE_HOME/mentord"
DB="$STATE/mentord.db"
BUSCALL="busctl --user call org.mentord.Mentord1 /org/mentord/Mentord1"
M=org.mentord.Manager1

start_bus; ok $? "private bus started"
# The fake server accepts only the planted secrets: posts prove they were used.
start_fake --x-token "$XTOK" --mastodon-token "$MTOK" --bsky-password "$BPW"; ok $? "fake API server started"
fake_config
printf '%s\n' "$XTOK" > "$T/x-token"
printf '%s\n' "$BPW" > "$T/bsky-password"
chmod 600 "$T/x-token" "$T/bsky-password"
# Mastodon's token comes from a systemd credential ($CREDENTIALS_DIRECTORY,
# as LoadCredential= sets it up); the configured file holds a wrong token
# in a world-readable file, which must not even be looked at.
mkdir -p "$T/creds"; chmod 700 "$T/creds"
printf '%s\n' "$MTOK" > "$T/creds/mastodon-token"; chmod 400 "$T/creds/mastodon-token"
printf 'wrong-token\n' > "$T/mastodon-token"; chmod 644 "$T/mastodon-token"

export CREDENTIALS_DIRECTORY="$T/creds"
start_daemon -v; ok $? "mentord started (debug logging)"
unset CREDENTIALS_DIRECTORY
ctl follow x doc1 --name "Dr One" >/dev/null && ctl follow mastodon doc1 --mentor 1 >/dev/null &&
	ctl follow bluesky doc1.bsky.social --mentor 1 >/dev/null && ctl follow x doc2 >/dev/null &&
	ctl track meded >/dev/null
ok $? "followed accounts on every network"
ctl poll --wait >/dev/null; ok $? "a poll round ran"
for p in x mastodon bluesky; do
	n=$(sqlite3 "$DB" "SELECT count(*) FROM posts WHERE platform = '$p'")
	[ "${n:-0}" -gt 0 ]; ok $? "$p polled with its planted secret ($n posts)"
done
# Mastodon's posts above came with the credential; its 0644 file would
# have been refused by name.
! grep -q "$T/mastodon-token" "$T/daemon.log"
ok $? "the credential took precedence: the world-readable token_file was never read"

# --- refused secret files: named, with the reason ---
chmod 644 "$T/x-token"
ctl reload >/dev/null 2>&1
ctl status > "$T/status.out" 2>&1
grep -q "$T/x-token: mode 0644" "$T/status.out"; ok $? "a 0644 token file is refused; status names it and the mode"
grep -q "$T/x-token: mode 0644 lets others read" "$T/daemon.log"; ok $? "and the log says why"
chmod 640 "$T/x-token"; ctl reload >/dev/null 2>&1
ctl --json status | jq -r '.platforms[] | select(.platform == "x") | .last_error' > "$T/err.out"
grep -q "$T/x-token: mode 0640 lets others read or write it; refusing it (run: chmod 600" "$T/err.out"
ok $? "a group-readable (0640) one too, with the fix to run"
chmod 600 "$T/x-token"
ln -s "$T/x-token" "$T/x-link"
sed -i "s|^token_file = $T/x-token|token_file = $T/x-link|" "$XDG_CONFIG_HOME/mentord/mentord.conf"
ctl reload >/dev/null 2>&1
ctl status 2>&1 | grep -q "$T/x-link: is a symbolic link; refusing it"; ok $? "a symlinked token file is refused by name"
sed -i "s|^token_file = $T/x-link|token_file = $T/x-token|" "$XDG_CONFIG_HOME/mentord/mentord.conf"
ctl reload >/dev/null 2>&1; ok $? "back to the 0600 file"
ctl poll --wait >/dev/null; ok $? "and polling works again"

# --- file modes ---
is "$(stat -c %a "$STATE")" 700 "state directory is 0700 (umask 022)"
for f in "$DB" "$DB-wal" "$DB-shm" "$STATE/bluesky-session.json"; do
	is "$(stat -c %a "$f" 2>/dev/null)" 600 "$(basename "$f") is 0600"
done
other=$(find "$STATE" -mindepth 1 \( -type f ! -perm 600 \) -o \( -type d ! -perm 700 \) | head -n 3)
is "$other" "" "no other state file or directory is more open"

# --- collect every place a secret could leak to, then grep them all ---
mkdir -p "$T/sinks"
cp "$T/daemon.log" "$T/sinks/daemon.log"
tr '\0' '\n' < "/proc/$DAEMON_PID/cmdline" > "$T/sinks/cmdline"
tr '\0' '\n' < "/proc/$DAEMON_PID/environ" > "$T/sinks/environ"
for f in "$STATE"/*; do cp "$f" "$T/sinks/state-$(basename "$f")"; done
n_state=$(ls "$STATE" | wc -l)
{
	$BUSCALL $M GetStatus
	$BUSCALL $M ListMentors suu "" 0 0
	$BUSCALL $M Suggest u 100
	$BUSCALL $M LinkSuggestions
	$BUSCALL $M Nudges
	$BUSCALL $M Check sas "my token is $XTOK" 0 | sed "s/$XTOK/(echoed draft)/g"
	$BUSCALL org.freedesktop.DBus.Properties GetAll s $M
	$BUSCALL org.freedesktop.DBus.Introspectable Introspect
	for id in $(sqlite3 "$DB" 'SELECT id FROM mentors'); do
		$BUSCALL $M ShowMentor su "$id" 0
		$BUSCALL $M Why s "$id"
	done
} > "$T/sinks/bus-replies" 2>&1
{
	for c in status mentors nudges suggest "suggest --links"; do
		# shellcheck disable=SC2086
		ctl $c; ctl --json $c
	done
	for id in $(sqlite3 "$DB" 'SELECT id FROM mentors'); do ctl --json show "$id"; ctl --json why "$id"; done
} > "$T/sinks/ctl-output" 2>&1
grep -q 'doc1' "$T/sinks/bus-replies" && grep -q 'doc1' "$T/sinks/ctl-output" &&
	cat "$T"/sinks/state-mentord.db* | grep -aq 'doc1'
ok $? "control: the collected replies, output and database do hold the polled data ($n_state state files)"

if ctl --help 2>&1 | grep -q '^  export'; then
	ctl --json export > "$T/sinks/export.json" 2>&1; ok $? "mentorctl --json export"
	ctl export --format csv > "$T/sinks/export.csv" 2>&1; ok $? "mentorctl export --format csv"
	grep -q doc1 "$T/sinks/export.json" && grep -q doc1 "$T/sinks/export.csv"
	ok $? "control: both exports hold the polled ledger"
else
	ok 0 "# SKIP mentorctl export is not there yet"
	ok 0 "# SKIP mentorctl export --format csv is not there yet"
	ok 0 "# SKIP export control"
fi

for s in "$XTOK" "$MTOK" "$BPW"; do
	# The whole secret, and a distinctive middle part against cut copies.
	part=$(printf '%s' "$s" | cut -c 7-16)
	hits=$(grep -rlaF -e "$s" -e "$part" "$T/sinks" | sed "s|$T/sinks/||" | tr '\n' ' ')
	is "$hits" "" "secret ${part}... appears in no log, reply, argv, environ, state file or export"
done

stop_daemon; ok $? "stopped cleanly"
# Modes are tightened on start, not only set on creation.
chmod 755 "$STATE"; chmod 644 "$DB"
start_daemon; ok $? "restarted over a 0755 directory and a 0644 database"
is "$(stat -c %a "$STATE") $(stat -c %a "$DB")" "700 600" "both tightened to 0700 / 0600"
stop_daemon; ok $? "stopped cleanly"
finish
