#!/bin/sh
# Every Manager1 method with bad arguments: each gets a named error, the
# daemon stays up, and rejected calls change nothing in the database.
. "$(dirname "$0")/lib.sh"

start_bus; ok $? "private bus started"
start_daemon; ok $? "mentord started"
DB="$XDG_STATE_HOME/mentord/mentord.db"
ctl follow x known >/dev/null && ctl track known >/dev/null; ok $? "seed one follow and one tag"
snapshot() { sqlite3 "$DB" '.dump mentors accounts hashtags posts events cursors'; }
snapshot > "$T/before.sql"

call() {  # call WANT-ERROR METHOD ARGS... (dbus-send typed args)
	want=$1; method=$2; shift 2
	out=$(dbus-send --session --print-reply --dest=org.mentord.Mentord1 /org/mentord/Mentord1 \
		"org.mentord.Manager1.$method" "$@" 2>&1)
	case "$out" in
	*"Error $want"*) ok 0 "$method($*) -> $want" ;;
	*) ok 1 "$method($*) -> $want"; echo "#   got: $(echo "$out" | head -n2)" ;;
	esac
}
E=org.mentord.Error
LONG=$(printf 'a%.0s' $(seq 1 300))
for h in "" "@" "has space" "'; DROP TABLE mentors; --" "%n%n%n%s" "../../etc/passwd" "$LONG" "a\"b" "tab	x"; do
	call $E.InvalidHandle Follow string:x "string:$h" string: uint64:0
	call $E.InvalidHandle Unfollow string:x "string:$h"
done
for h in "no_domain_dots" "-bad-.bsky.social" "a..b" "did:plc:short" "1.2"; do
	call $E.InvalidHandle Follow string:bluesky "string:$h" string: uint64:0
done
call $E.InvalidHandle Follow string:mastodon "string:user@bad_domain" string: uint64:0
call $E.InvalidHandle Follow string:x string:waytoolonghandle123 string: uint64:0
for p in "" "X" "facebook" "x; rm -rf /" "$LONG"; do
	call $E.UnknownPlatform Follow "string:$p" string:someone string: uint64:0
	call $E.UnknownPlatform Unfollow "string:$p" string:someone
done
call $E.UnknownPlatform Track string:meded string:myspace
call $E.InvalidArgument Follow string:x string:newperson "string:$(printf 'n%.0s' $(seq 1 300))" uint64:0
call $E.InvalidArgument Follow string:x string:newperson "string:two
lines" uint64:0
call $E.UnknownMentor Follow string:x string:newperson string: uint64:18446744073709551615
call $E.UnknownMentor Follow string:x string:newperson string: uint64:424242
for t in "" "#" "###" "has space" "123" "$LONG" "semi;colon" "'; DROP TABLE hashtags; --" "%n"; do
	call $E.InvalidTag Track "string:$t" string:
	call $E.InvalidTag Untrack "string:$t"
done
call $E.NotTracked Untrack string:never
call $E.NotFollowed Unfollow string:x string:never
call $E.AlreadyFollowed Follow string:x string:KNOWN string: uint64:0
call $E.AlreadyTracked Track string:#KNOWN string:
call $E.InvalidArgument ListMentors string:worst uint32:0 uint32:10
call $E.InvalidArgument ListMentors "string:'; DROP TABLE mentors" uint32:0 uint32:10
for m in "" "nobody" "999999" "'; DROP TABLE mentors; --" "%n%s" "../x"; do
	call $E.UnknownMentor Mute "string:$m" uint64:3600
	call $E.UnknownMentor Unmute "string:$m"
done
call $E.InvalidArgument Mute "string:$LONG$LONG" uint64:3600
call $E.InvalidArgument Mute string:1 uint64:18446744073709551615
call $E.InvalidArgument Mute string:1 uint64:315360001
call $E.NotMuted Unmute string:1
call $E.InvalidArgument ExportLedger uint64:0 uint32:0
call $E.InvalidArgument ExportLedger uint64:0 uint32:5001
call $E.InvalidArgument ExportLedger uint64:18446744073709551615 uint32:4294967295
D=org.freedesktop.DBus.Error
call $D.InvalidArgs Mute string:1 int32:5
call $D.InvalidArgs ListMutes string:extra
call $D.InvalidArgs Follow string:x
call $D.InvalidArgs Follow int32:1 string:x string: uint64:0
call $D.InvalidArgs GetStatus string:extra
call $D.InvalidArgs Reload int32:7
call $D.InvalidArgs ListMentors string:score
call $D.InvalidArgs ExportLedger uint64:0
call $D.InvalidArgs ExportLedger int64:0 uint32:10
call $D.UnknownMethod DropEverything

out=$(dbus-send --session --print-reply --dest=org.mentord.Mentord1 /org/mentord/Mentord1 \
	org.mentord.Manager1.ListMentors string:score uint32:4294967295 uint32:4294967295 2>&1)
case "$out" in *"uint32 1"*) ok 0 "huge offset/limit are clamped, not an error";; *) ok 1 "huge offset/limit"; echo "# $out";; esac

ctl export >/dev/null && ctl export --format csv >/dev/null; ok $? "an export between the bad calls"
daemon_alive; ok $? "daemon still running after the bad calls"
ctl status >/dev/null; ok $? "daemon still answers"
snapshot > "$T/after.sql"
cmp -s "$T/before.sql" "$T/after.sql"; ok $? "rejected calls left the database unchanged"
stop_daemon; ok $? "stopped cleanly"
finish
