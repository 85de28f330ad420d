#!/bin/sh
# make install with PREFIX and DESTDIR puts binaries, the user unit and the
# D-Bus activation file in place, with the paths filled in.
. "$(dirname "$0")/lib.sh"

D="$T/dest"
make -s -C "$SRC" BUILD="$BUILD" PREFIX=/opt/mtest DESTDIR="$D" install >"$T/install.log" 2>&1
ok $? "make install PREFIX=/opt/mtest DESTDIR=…"
for f in bin/mentord bin/mentorctl libexec/mentord/mentorctl-full; do
	[ -x "$D/opt/mtest/$f" ]; ok $? "$f installed and executable"
done
U="$D/opt/mtest/lib/systemd/user/mentord.service"
[ -f "$U" ]; ok $? "user unit installed"
grep -q '^ExecStart=/opt/mtest/bin/mentord$' "$U"; ok $? "unit ExecStart points into PREFIX"
A="$D/opt/mtest/share/dbus-1/services/org.mentord.Mentord1.service"
[ -f "$A" ]; ok $? "D-Bus activation file installed"
grep -q '^Exec=/opt/mtest/bin/mentord$' "$A"; ok $? "activation Exec points into PREFIX"
for f in share/man/man1/mentorctl.1 share/man/man5/mentord.conf.5 share/man/man8/mentord.8 \
	share/bash-completion/completions/mentorctl; do
	[ -f "$D/opt/mtest/$f" ]; ok $? "$f installed"
done
"$D/opt/mtest/bin/mentorctl" --version | grep -q '^mentorctl '; ok $? "installed mentorctl runs"
# login, logout and import run in mentorctl-full (ctl/handoff.c): the
# installed mentorctl finds it under ../libexec/mentord/.
"$D/opt/mtest/bin/mentorctl" login 2>"$T/err"; is $? 2 "installed mentorctl hands login over (usage error from mentorctl-full)"
grep -q 'not installed' "$T/err"; is $? 1 "and finds mentorctl-full"
ldd "$D/opt/mtest/bin/mentorctl" | grep -Eq 'libcurl|libcrypto|libarchive|libcsv'; is $? 1 "mentorctl links none of the networks' libraries"
finish
