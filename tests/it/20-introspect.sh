#!/bin/sh
# The interface served must equal schema/org.mentord.Manager1.xml, the contract.
. "$(dirname "$0")/lib.sh"

iface() {  # prints the Manager1 interface block, comments and blanks removed
	perl -0777 -ne 's/<!--.*?-->//gs; m{(<interface name="org\.mentord\.Manager1">.*?</interface>)}s or exit 1;
		$_ = $1; s/\s+/ /g; s/> </></g; print "$_\n"'
}

start_bus; ok $? "private bus started"
start_daemon; ok $? "mentord started"
busctl --user introspect --xml-interface org.mentord.Mentord1 /org/mentord/Mentord1 > "$T/served.xml"
ok $? "introspection answered"
iface < "$T/served.xml" > "$T/served.norm"; ok $? "served XML has org.mentord.Manager1"
iface < "$SRC/schema/org.mentord.Manager1.xml" > "$T/schema.norm"; ok $? "schema XML has org.mentord.Manager1"
if cmp -s "$T/served.norm" "$T/schema.norm"; then ok 0 "served interface equals schema/org.mentord.Manager1.xml"
else
	ok 1 "served interface equals schema/org.mentord.Manager1.xml"
	diff "$T/schema.norm" "$T/served.norm" | sed 's/^/# /' | head -20
fi
busctl --user introspect org.mentord.Mentord1 /org/mentord/Mentord1 org.mentord.Manager1 > "$T/table" 2>&1
grep -q '^\.Follow' "$T/table"; ok $? "busctl introspect lists Follow"
stop_daemon; ok $? "mentord stopped cleanly"
finish
