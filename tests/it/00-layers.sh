#!/bin/sh
# The layering rule of docs/ARCHITECTURE.md on this build (tools/layers.sh):
# includes and calls go only down the order of the folders, modules never
# use each other in a loop, and nothing includes a .c file. Then the check
# itself is tried on copies of the tree with one deliberate mistake each,
# to show that it would catch them.
. "$(dirname "$0")/lib.sh"

B="$SRC/$BUILD"
case "$BUILD" in /*) B="$BUILD";; esac
LAYERS="$SRC/tools/layers.sh"

sh "$LAYERS" "$SRC" "$B" > "$T/real.out" 2>&1
ok $? "the tree follows its layers"
[ -s "$T/real.out" ] && sed 's/^/# /' "$T/real.out"
grep -q '^Layers, lowest first: ' "$SRC/docs/ARCHITECTURE.md"
ok $? "the order is written at the top of docs/ARCHITECTURE.md"

# A copy of the sources the check reads and of the objects it reads.
copy_tree() {  # copy_tree DIR
	mkdir -p "$1/src" "$1/build"
	(cd "$SRC" && find common daemon ctl tests fuzz bench schema -name '*.[ch]' -o -name '*.h.in' |
		tar cf - -T - docs/ARCHITECTURE.md) | tar xf - -C "$1/src"
	(cd "$B" && tar cf - common daemon gen) | tar xf - -C "$1/build"
}
# Compiles a probe file of the copy into the copy's build, as make would.
probe_object() {  # probe_object DIR FILE.c
	o="$1/build/${2%.c}.o"
	mkdir -p "$(dirname "$o")"
	${CC:-cc} -c -I"$1/src" -I"$1/src/daemon" -I"$1/src/schema" "$1/src/$2" -o "$o"
}
expect_caught() {  # expect_caught DIR PATTERN DESCRIPTION
	sh "$LAYERS" "$1/src" "$1/build" > "$1/out" 2>&1
	rc=$?
	grep -q -- "$2" "$1/out"
	found=$?
	[ "$rc" -eq 1 ] && [ "$found" -eq 0 ]
	ok $? "$3"
	[ "$rc" -eq 1 ] && [ "$found" -eq 0 ] || sed 's/^/#   /' "$1/out"
}

# 1. A base module includes the bus (base is the lowest daemon layer).
D="$T/include"; copy_tree "$D"
sed -i '0,/^#include/s//#include "bus\/bus.h"\n#include/' "$D/src/daemon/base/log.c"
expect_caught "$D" 'daemon/base/log.c: includes bus/bus.h: bus is above base' \
	"a base file including bus/bus.h is caught"

# 2. A store module calls up into the scheduler, with no include to show it.
D="$T/call"; copy_tree "$D"
cat > "$D/src/daemon/store/store_probe.c" <<'EOF'
void sched_reload(void *s);
void store_probe(void *s);
void store_probe(void *s) { sched_reload(s); }
EOF
probe_object "$D" daemon/store/store_probe.c
expect_caught "$D" 'daemon/store/store_probe.o calls sched_reload (daemon/poll/sched): poll is above store' \
	"a store file calling sched_reload is caught"

# 3. Two modules of one folder use each other.
D="$T/loop"; copy_tree "$D"
cat > "$D/src/daemon/ledger/ledger_pa.c" <<'EOF'
int ledger_pb(int n);
int ledger_pa(int n);
int ledger_pa(int n) { return n > 0 ? ledger_pb(n - 1) : 0; }
EOF
cat > "$D/src/daemon/ledger/ledger_pb.c" <<'EOF'
int ledger_pa(int n);
int ledger_pb(int n);
int ledger_pb(int n) { return n > 0 ? ledger_pa(n - 1) : 1; }
EOF
probe_object "$D" daemon/ledger/ledger_pa.c
probe_object "$D" daemon/ledger/ledger_pb.c
expect_caught "$D" 'loop: daemon/ledger/ledger_pa -> daemon/ledger/ledger_pb -> daemon/ledger/ledger_pa' \
	"two ledger files calling each other are caught"

# 4. A test reaches private functions by including a .c file.
D="$T/dotc"; copy_tree "$D"
sed -i '0,/^#include/s//#include "..\/..\/daemon\/http\/http.c"\n#include/' "$D/src/tests/unit/test_http.c"
expect_caught "$D" 'tests/unit/test_http.c: includes ../../daemon/http/http.c' \
	"a test including a .c file is caught"

# 5. A private header read from another folder.
D="$T/internal"; copy_tree "$D"
sed -i '0,/^#include/s//#include "poll\/sched_internal.h"\n#include/' "$D/src/daemon/bus/bus_daemon.c"
expect_caught "$D" 'includes poll/sched_internal.h, the private header of poll/' \
	"bus/ including poll's private header is caught"

# 6. mentorctl reaching into the daemon.
D="$T/ctl"; copy_tree "$D"
sed -i '0,/^#include/s//#include "store\/store.h"\n#include/' "$D/src/ctl/cmd_status.c"
expect_caught "$D" 'ctl/cmd_status.c: includes store/store.h: mentorctl uses common/ and schema/ only' \
	"mentorctl including store/store.h is caught"

# 7. An exported name that does not say where it lives.
D="$T/names"; copy_tree "$D"
cat > "$D/src/daemon/notify/notify_probe.c" <<'EOF'
int policy_probe(int n);
int policy_probe(int n) { return n + 1; }
EOF
probe_object "$D" daemon/notify/notify_probe.c
expect_caught "$D" 'daemon/notify/notify_probe.o exports policy_probe' \
	"notify_probe.c exporting policy_probe is caught"

finish
