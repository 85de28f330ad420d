# mentord — plain Makefile. `make run` and `make check` install missing Debian
# build dependencies first (see `deps`), so they are the whole set-up.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share
MANDIR    ?= $(DATADIR)/man
USERUNITDIR ?= $(PREFIX)/lib/systemd/user
DBUSSVCDIR  ?= $(DATADIR)/dbus-1/services
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
DESTDIR   ?=

CC        ?= cc
BUILD     ?= build
PKGS      := libevent libcurl libcjson sqlite3 libsystemd libcrypto libutf8proc gmime-3.0
# Linked by mentorctl alone (import linkedin reads the export's ZIP).
CTL_PKGS  := libarchive
# Debian packages that provide the pkg-config modules and the test tools.
DEB_PKGS  := pkg-config gcc make libevent-dev libcurl4-openssl-dev libcjson-dev \
             libsqlite3-dev libsystemd-dev libssl-dev libcsv-dev libarchive-dev libutf8proc-dev libgmime-3.0-dev dbus dbus-daemon dbus-bin systemd sqlite3 jq
# Libraries without a pkg-config module: checked by their header.
DEP_HEADERS := csv.h

# Evaluated lazily: `deps` may have to install pkg-config first.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
CTL_CFLAGS = $(shell pkg-config --cflags $(CTL_PKGS))
CTL_LIBS   = $(shell pkg-config --libs $(CTL_PKGS))

OPT       ?= -O2 -g
SAN       ?=
WARN      := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter \
             -Wmissing-prototypes -Wstrict-prototypes
CPPFLAGS_ALL = -D_GNU_SOURCE -DMENTORD_VERSION='"$(VERSION)"' -I. -Idaemon -Ischema -I$(BUILD)/gen
CFLAGS_ALL   = -std=c11 $(WARN) $(OPT) $(SAN) $(PKG_CFLAGS) $(CFLAGS)
LDLIBS_ALL   = $(PKG_LIBS) -lm $(LDLIBS)

COMMON_SRC := $(wildcard common/*.c)
DAEMON_SRC := $(wildcard daemon/*/*.c)
CTL_SRC    := $(wildcard ctl/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
TOOL_SRC   := $(wildcard tests/tools/*.c)
FAKEAPI_SRC:= $(wildcard tests/tools/fakeapi/*.c)
TCOMMON_SRC:= $(wildcard tests/common/*.c)
FUZZH_SRC  := $(wildcard fuzz/harness_*.c)
SCHEMA_SQL := $(sort $(wildcard schema/[0-9][0-9][0-9]-*.sql))
RULE_FILES := $(sort $(wildcard daemon/check/rules/*))

GEN_SRC    := $(BUILD)/gen/embedded_schema.c $(BUILD)/gen/embedded_rules.c
LIB_OBJ    := $(DAEMON_SRC:%.c=$(BUILD)/%.o) $(GEN_SRC:.c=.o)
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/%.o)
FUZZH_OBJ  := $(FUZZH_SRC:%.c=$(BUILD)/%.o)
CTL_OBJ    := $(CTL_SRC:%.c=$(BUILD)/%.o)
TCOMMON_OBJ:= $(TCOMMON_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FAKEAPI_OBJ:= $(FAKEAPI_SRC:%.c=$(BUILD)/%.o)
TOOL_BIN   := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/%) $(BUILD)/tests/fakeapi $(BUILD)/tests/noinotify.so
UNITS      := $(BUILD)/units/mentord.service $(BUILD)/units/org.mentord.Mentord1.service

.PHONY: all run check test deps install uninstall clean check-asan check-valgrind

all: $(BUILD)/mentord $(BUILD)/mentorctl $(BUILD)/mentorctl-full $(UNITS)

# Named here so make never treats them as intermediate files (it would
# delete them after the test summary, or skip rebuilding them).
$(LIB_OBJ) $(COMMON_OBJ) $(FUZZH_OBJ) $(CTL_OBJ) $(TCOMMON_OBJ) $(FAKEAPI_OBJ) $(GEN_SRC) $(BUILD)/daemon/main.o:

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/gen/embedded_schema.c: $(SCHEMA_SQL) tools/embed.sh
	@mkdir -p $(dir $@)
	sh tools/embed.sh schema_migrations $(SCHEMA_SQL) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/embedded_rules.c: $(RULE_FILES) tools/embed.sh
	@mkdir -p $(dir $@)
	sh tools/embed.sh check_rules $(RULE_FILES) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/libmentord.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Shared by mentord and mentorctl: UTF-8, durations, string buffers.
$(BUILD)/libcommon.a: $(COMMON_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The fuzz targets' harnesses: linked by the fuzzers (fuzz/fuzz.mk) and by
# the regression test that replays what they found.
$(BUILD)/libfuzzharness.a: $(FUZZH_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/mentord: $(BUILD)/daemon/main.o $(BUILD)/libmentord.a $(BUILD)/libcommon.a
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

# mentorctl alone reads CSV (import --csv) and ZIP (import linkedin): libcsv, libarchive.
$(BUILD)/ctl/%.o: ctl/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) $(CTL_CFLAGS) -MMD -MP -c $< -o $@

# mentorctl starts for every command, so it links only sd-bus, cJSON and
# utf8proc; login, logout and import (libcurl, libcrypto, libcsv,
# libarchive) run in mentorctl-full, which it executes (ctl/handoff.c).
CTL_FULL_ONLY := $(filter $(BUILD)/ctl/login% $(BUILD)/ctl/web.o $(BUILD)/ctl/import_% \
                          $(BUILD)/ctl/cmd_import%,$(CTL_OBJ))
$(BUILD)/mentorctl: $(filter-out $(CTL_FULL_ONLY),$(CTL_OBJ)) $(BUILD)/libcommon.a
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -Wl,--as-needed -o $@ $^ $(shell pkg-config --libs libsystemd libcjson libutf8proc)

$(BUILD)/mentorctl-full: $(filter-out $(BUILD)/ctl/handoff.o,$(CTL_OBJ)) $(BUILD)/libcommon.a
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL) -lcsv $(CTL_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(TCOMMON_OBJ) $(BUILD)/libmentord.a $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -Itests/common $(CFLAGS_ALL) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/tests/test_fuzz_regress: tests/unit/test_fuzz_regress.c $(TCOMMON_OBJ) $(BUILD)/libfuzzharness.a \
		$(BUILD)/libmentord.a $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -Itests/common $(CFLAGS_ALL) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

# mentorctl's CSV reader, on libcsv.
$(BUILD)/tests/test_import_csv: tests/unit/test_import_csv.c $(TCOMMON_OBJ) $(BUILD)/ctl/import_csv.o
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -Itests/common $(CFLAGS_ALL) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL) -lcsv

# mentorctl's reader of LinkedIn's export, on libarchive and libcsv.
LI_OBJ := $(BUILD)/ctl/import_linkedin.o $(BUILD)/ctl/import_linkedin_rows.o $(BUILD)/ctl/import_linkedin_me.o
$(BUILD)/tests/test_import_linkedin: tests/unit/test_import_linkedin.c $(TCOMMON_OBJ) $(LI_OBJ) $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -Itests/common $(CFLAGS_ALL) $(CTL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL) -lcsv $(CTL_LIBS)

# The synthetic LinkedIn exports of the tests, written with libarchive.
$(BUILD)/tests/mklinkedin: tests/tools/mklinkedin.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(CTL_CFLAGS) $(LDFLAGS) -o $@ $^ $(CTL_LIBS)

# mentorctl's sparklines.
$(BUILD)/tests/test_spark: tests/unit/test_spark.c $(TCOMMON_OBJ) $(BUILD)/ctl/spark.o $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -Itests/common $(CFLAGS_ALL) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

# mentorctl's terminal text (columns by utf8proc's width).
$(BUILD)/tests/test_text: tests/unit/test_text.c $(TCOMMON_OBJ) $(BUILD)/ctl/text.o $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -Itests/common $(CFLAGS_ALL) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

# mentorctl's report document and charts.
REPORT_OBJ := $(BUILD)/ctl/report.o $(BUILD)/ctl/report_html.o $(BUILD)/ctl/report_svg.o $(BUILD)/ctl/text.o
$(BUILD)/tests/test_report_html: tests/unit/test_report_html.c $(TCOMMON_OBJ) $(REPORT_OBJ) $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -Itests/common $(CFLAGS_ALL) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/tests/%: tests/tools/%.c $(TCOMMON_OBJ) $(BUILD)/libmentord.a $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -Itests/common $(CFLAGS_ALL) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

# A preloaded shim, built without the sanitizers: it only replaces two libc calls.
$(BUILD)/tests/noinotify.so: tests/tools/preload/noinotify.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 -shared -fPIC -o $@ $<

# The fake API server is one program from several files (tests/tools/fakeapi/).
$(BUILD)/tests/tools/fakeapi/%.o: tests/tools/fakeapi/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -Itests/tools/fakeapi $(CPPFLAGS) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/tests/fakeapi: $(FAKEAPI_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/units/%: units/%.in
	@mkdir -p $(dir $@)
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@VERSION@|$(VERSION)|g' $< > $@

# Installs what pkg-config (or the test harness) cannot find, from Debian.
deps:
	@DEP_HEADERS="$(DEP_HEADERS)" sh tools/deps.sh $(PKGS) $(CTL_PKGS) -- $(DEB_PKGS)

run: deps
	@$(MAKE) --no-print-directory all
	@sh tools/run.sh $(BUILD)

test: all $(UNIT_BIN) $(TOOL_BIN)
	@sh tests/run.sh $(BUILD)

# The report's test renders in headless Chromium (tests/it/96-report-browser.sh).
check: deps
	@[ "$${MENTORD_NO_BROWSER:-}" = 1 ] || command -v chromium >/dev/null || sh tools/deps.sh -- chromium
	@$(MAKE) --no-print-directory test

# The whole suite under AddressSanitizer + UBSan, in its own build tree.
check-asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 test

# The whole suite with every test binary and the daemon under valgrind.
VALGRIND = valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect
check-valgrind: deps
	@command -v valgrind >/dev/null || sh tools/deps.sh -- valgrind
	@$(MAKE) --no-print-directory BUILD=build-vg all
	@$(MAKE) --no-print-directory BUILD=build-vg TEST_WRAP="$(VALGRIND)" MENTORD_WRAP="$(VALGRIND)" test

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(USERUNITDIR) $(DESTDIR)$(DBUSSVCDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR)
	install -m 0644 docs/man/mentorctl.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 docs/man/mentord.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 docs/man/mentord.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 ctl/mentorctl.bash $(DESTDIR)$(BASHCOMPDIR)/mentorctl
	install -m 0755 $(BUILD)/mentord $(BUILD)/mentorctl $(DESTDIR)$(BINDIR)/
	install -d $(DESTDIR)$(PREFIX)/libexec/mentord
	install -m 0755 $(BUILD)/mentorctl-full $(DESTDIR)$(PREFIX)/libexec/mentord/
	sed -e 's|@BINDIR@|$(BINDIR)|g' units/mentord.service.in > $(DESTDIR)$(USERUNITDIR)/mentord.service
	sed -e 's|@BINDIR@|$(BINDIR)|g' units/org.mentord.Mentord1.service.in \
		> $(DESTDIR)$(DBUSSVCDIR)/org.mentord.Mentord1.service
	chmod 0644 $(DESTDIR)$(USERUNITDIR)/mentord.service $(DESTDIR)$(DBUSSVCDIR)/org.mentord.Mentord1.service

uninstall:
	rm -f $(DESTDIR)$(MANDIR)/man1/mentorctl.1 $(DESTDIR)$(MANDIR)/man5/mentord.conf.5 \
	      $(DESTDIR)$(MANDIR)/man8/mentord.8 $(DESTDIR)$(BASHCOMPDIR)/mentorctl
	rm -f $(DESTDIR)$(BINDIR)/mentord $(DESTDIR)$(BINDIR)/mentorctl \
	      $(DESTDIR)$(PREFIX)/libexec/mentord/mentorctl-full \
	      $(DESTDIR)$(USERUNITDIR)/mentord.service \
	      $(DESTDIR)$(DBUSSVCDIR)/org.mentord.Mentord1.service

clean:
	rm -rf build build-*

# Benchmarks (make bench) and fuzz targets (make fuzz) live beside their code.
-include bench/bench.mk fuzz/fuzz.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
