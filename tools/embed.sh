#!/bin/sh
# embed.sh SYMBOL FILE... — emit C source defining SYMBOL[] (and SYMBOL_count)
# holding each file's name and bytes, so the schema and rule data travel inside
# the binary and cannot drift from it.
set -eu
sym=$1; shift
echo '#include "base/embed.h"'
echo "const struct embedded_file ${sym}[] = {"
for f in "$@"; do
	printf '\t{ "%s",\n' "$(basename "$f")"
	# Octal-escape everything outside printable ASCII and the quote/backslash
	# pair, one source line per input line.
	od -An -v -tu1 "$f" | tr -s ' \n' '\n\n' | grep -v '^$' | awk '
	BEGIN { line = "\t  \""; n = 0 }
	{
		c = $1 + 0; n++
		if (c == 34) line = line "\\\"";
		else if (c == 92) line = line "\\\\";
		else if (c == 10) { line = line "\\n\""; print line; line = "\t  \""; next }
		else if (c >= 32 && c < 127) line = line sprintf("%c", c);
		else line = line sprintf("\\%03o", c);
	}
	END { line = line "\","; print line; printf "\t  %d },\n", n }'
done
echo '	{ 0, 0, 0 }'
echo '};'
echo "const size_t ${sym}_count = $#;"
