#!/bin/sh
# layers.sh [-v] ROOT BUILD — checks that the daemon's folders call one way.
#
# The order of the layers is read from the line "Layers, lowest first: a < b
# < ..." of ROOT/docs/ARCHITECTURE.md, so the document and the check cannot
# drift apart. A folder may use its own files and the folders below it:
#   1. includes: every `#include "..."` of common/, daemon/ and ctl/ names a
#      header of its own folder or of a lower layer; a folder's *_internal.h
#      is included from that folder only (and by tests and fuzz targets);
#      mentorctl (ctl/) may use common/ and schema/ only; nothing includes a
#      .c file, tests and fuzz targets included;
#   2. calls: the symbols each object file of BUILD needs (nm) are defined in
#      its own folder or below (this sees calls and data the includes hide);
#   3. loops: no two modules (a .c with its .h) use each other, directly or
#      through others;
#   4. names: what a module exports starts with its file's name, the first
#      word of it, or its folder's name (store_posts.c: store_posts_*,
#      store_*), so a name tells where it lives.
# Prints one line per violation and exits 1 when there is any; -v also lists
# the module graph. Needs nm (binutils) and a built tree.
set -eu
verbose=0
[ "${1:-}" = -v ] && { verbose=1; shift; }
root=${1:?usage: layers.sh [-v] ROOT BUILD}
build=${2:?usage: layers.sh [-v] ROOT BUILD}
doc="$root/docs/ARCHITECTURE.md"

order=$(sed -n 's/^Layers, lowest first: *//p' "$doc" | head -n 1 | tr -d '`' | tr '<' ' ')
if [ -z "$order" ]; then
	echo "layers: no 'Layers, lowest first: a < b < ...' line in $doc" >&2
	exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- 1. includes -------------------------------------------------------
# "file<TAB>header" for every quoted include of the checked trees.
(cd "$root" && find common daemon ctl tests fuzz bench -name '*.[ch]' 2>/dev/null | sort |
	while read -r f; do
		sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
			while read -r h; do printf '%s\t%s\n' "$f" "$h"; done
	done) > "$tmp/includes"

awk -F'\t' -v order="$order" -v root="$root" '
function folder_of(path,   n, p) {
	n = split(path, p, "/")
	if (p[1] == "daemon") return n == 2 ? "main" : p[2]
	return p[1]
}
function exists(path,   line, r) {
	r = (getline line < path) >= 0
	close(path)
	return r
}
BEGIN {
	n = split(order, o, " ")
	for (i = 1; i <= n; i++) rank[o[i]] = i
	bad = 0
}
{
	file = $1; inc = $2; from = folder_of(file)
	if (inc ~ /\.c$/) {
		printf "%s: includes %s: reach private functions through a *_internal.h\n", file, inc
		bad++; next
	}
	if (from == "tests" || from == "fuzz" || from == "bench") next
	dir = file; sub(/\/[^\/]*$/, "", dir)
	if (inc !~ /\//) {
		# A bare name: the same folder, or a contract of schema/.
		if (exists(root "/" dir "/" inc)) next
		if (exists(root "/schema/" inc)) to = "schema"
		else { printf "%s: includes \"%s\", found neither beside it nor in schema/\n", file, inc; bad++; next }
	} else {
		split(inc, q, "/")
		to = q[1]
		if (!(to in rank) && exists(root "/daemon/" inc)) to = q[1]
	}
	if (to == from) next
	if (from == "ctl") {
		if (to != "common" && to != "schema") {
			printf "%s: includes %s: mentorctl uses common/ and schema/ only\n", file, inc; bad++
		}
		next
	}
	if (!(from in rank)) { printf "%s: folder %s is not in the layer order\n", file, from; bad++; next }
	if (!(to in rank)) { printf "%s: includes %s from %s, which is not in the layer order\n", file, inc, to; bad++; next }
	if (inc ~ /_internal\.h$/) {
		printf "%s: includes %s, the private header of %s/\n", file, inc, to; bad++; next
	}
	if (rank[to] > rank[from]) {
		printf "%s: includes %s: %s is above %s\n", file, inc, to, from; bad++
	}
}
END { exit bad ? 1 : 0 }' "$tmp/includes" > "$tmp/inc.out" || true

# Internal headers of a folder included by another folder's tests is fine;
# by another daemon folder it is reported above.

# ---- 2. calls ------------------------------------------------------------
# Objects of the daemon and of common/; the generated data belongs to the
# folder whose files it embeds. Names the compiler makes (__odr_asan.* under
# ASan) are nobody's.
: > "$tmp/objs"
for o in $(cd "$build" && find common daemon gen -name '*.o' 2>/dev/null | sort); do
	case "$o" in
	gen/embedded_schema.o) m=daemon/store/embedded_schema ;;
	gen/embedded_rules.o) m=daemon/check/embedded_rules ;;
	gen/*) continue ;;
	*) m=${o%.o}; [ -f "$root/$m.c" ] || continue ;;   # left over from a renamed file
	esac
	printf '%s %s\n' "$o" "$m" >> "$tmp/objs"
done
if [ ! -s "$tmp/objs" ]; then
	echo "layers: no object files under $build (build first)" >&2
	exit 2
fi
while read -r o m; do
	nm "$build/$o" | awk -v m="$m" '
		$1 == "U" { print m, "U", $2; next }
		NF == 3 && $2 ~ /^[TDBRCGSV]$/ && $3 !~ /^__/ { print m, "D", $3 }'
done < "$tmp/objs" > "$tmp/syms"

awk -v order="$order" -v verbose="$verbose" -v out="$tmp/edges" '
function folder_of(mod,   p, n) {
	n = split(mod, p, "/")
	if (p[1] == "daemon") return n == 2 ? "main" : p[2]
	return p[1]
}
BEGIN { n = split(order, o, " "); for (i = 1; i <= n; i++) rank[o[i]] = i }
$2 == "D" { def[$3] = $1; next }
$2 == "U" { use[++nu] = $1 " " $3 }
END {
	bad = 0
	for (i = 1; i <= nu; i++) {
		split(use[i], u, " ")
		if (!(u[2] in def)) continue          # a library symbol
		to = def[u[2]]; from = u[1]
		if (to == from) continue
		edge[from " " to] = edge[from " " to] (edge[from " " to] == "" ? "" : ",") u[2]
		ff = folder_of(from); ft = folder_of(to)
		if (ff == ft) continue
		if (!(ff in rank) || !(ft in rank)) {
			printf "%s.o uses %s of %s: a folder outside the layer order\n", from, u[2], to; bad++
		} else if (rank[ft] > rank[ff]) {
			printf "%s.o calls %s (%s): %s is above %s\n", from, u[2], to, ft, ff; bad++
		}
	}
	for (e in edge) { print e, edge[e] > out; if (verbose) print "edge", e, edge[e] }
	exit bad ? 1 : 0
}' "$tmp/syms" > "$tmp/calls.out" || true
[ -f "$tmp/edges" ] || : > "$tmp/edges"

# ---- 3. loops ------------------------------------------------------------
# A module is in a loop when it can reach itself. Each loop is printed once,
# as the path from its smallest module back to it.
awk '
{ from = $1; to = $2; adj[from] = adj[from] " " to; why[from " " to] = $3; nodes[from]; nodes[to] }
function path_to(src, dst,   queue, head, tail, prev, seen, v, n, nb, i, p, s) {
	head = 1; tail = 0; queue[++tail] = src
	while (head <= tail && !(dst in seen)) {
		v = queue[head++]
		n = split(adj[v], nb, " ")
		for (i = 1; i <= n; i++)
			if (!(nb[i] in seen)) { seen[nb[i]]; prev[nb[i]] = v; queue[++tail] = nb[i] }
	}
	if (!(dst in seen)) return ""
	s = dst
	for (p = prev[dst]; p != src; p = prev[p]) s = p " -> " s
	return src " -> " s
}
END {
	bad = 0
	for (v in nodes) {
		c = path_to(v, v)
		if (c == "") continue
		# Report each loop once: from its smallest member.
		n = split(c, parts, " -> ")
		smallest = parts[1]
		for (i = 2; i <= n; i++) if (parts[i] < smallest) smallest = parts[i]
		if (smallest != v) continue
		printf "loop: %s\n", c
		for (i = 1; i < n; i++) printf "    %s -> %s: %s\n", parts[i], parts[i + 1], why[parts[i] " " parts[i + 1]]
		bad++
	}
	exit bad ? 1 : 0
}' "$tmp/edges" > "$tmp/loops.out" || true

# ---- 4. names -------------------------------------------------------------
awk '$2 == "D" {
	n = split($1, p, "/"); base = p[n]; folder = p[1] == "daemon" ? p[2] : p[1]
	split(base, w, "_")
	if (index($3, base "_") == 1 || $3 == base || index($3, w[1] "_") == 1 || index($3, folder "_") == 1)
		next
	if ($1 ~ /embedded_/) next          # generated data: schema_migrations, check_rules
	printf "%s.o exports %s: name it %s_* (or %s_*)\n", $1, $3, base, folder
}' "$tmp/syms" > "$tmp/names.out"

status=0
for part in inc calls loops names; do
	if [ -s "$tmp/$part.out" ]; then
		cat "$tmp/$part.out"
		status=1
	fi
done
[ "$verbose" = 1 ] && awk '{ print "edge", $1, "->", $2 }' "$tmp/edges" | sort
exit $status
