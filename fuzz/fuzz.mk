# fuzz.mk — libFuzzer targets for every parser of untrusted input (make fuzz).
# Included by the top Makefile. The daemon sources and the harnesses
# (fuzz/harness_*.c) are built with clang into their own tree (FUZZ_BUILD,
# objects instrumented with fuzzer-no-link), each fuzz/fuzz_*.c (an entry
# point) is linked with -fsanitize=fuzzer against them and the system
# libraries (cJSON included: the target is our code). fuzz/run.sh makes the
# seed corpora from the fixtures and runs each target for FUZZ_SECONDS.
#
#   make fuzz                       every target, FUZZ_SECONDS (60) each
#   make fuzz FUZZ_SECONDS=30 FUZZ_TARGETS="x html"
#   make fuzz-build                 only build them (build-fuzz/fuzz/fuzz_*)

FUZZ_BUILD   ?= build-fuzz
FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= x mastodon bluesky html headers config check mail
# Recorded real responses, read in place when present (never copied here).
FUZZ_REAL    ?= ../shared/fixtures/real
FUZZ_OPT     := -O1 -g -fno-omit-frame-pointer
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
# clang-only warnings on code gcc (the project compiler) accepts.
FUZZ_NOWARN  := -Wno-format-nonliteral
FUZZ_CFLAGS   = -D_GNU_SOURCE -DMENTORD_VERSION='"$(VERSION)"' -I. -Idaemon -Ischema -std=c11 \
                $(WARN) $(FUZZ_NOWARN) $(FUZZ_OPT) $(FUZZ_SAN) $(PKG_CFLAGS)
FUZZ_ALL     := x mastodon bluesky html headers config check mail

.PHONY: fuzz fuzz-build fuzz-deps fuzz-bins

fuzz: fuzz-build
	@sh fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_REAL) $(FUZZ_TARGETS)

fuzz-deps: deps
	@sh fuzz/deps.sh $(FUZZ_CC)

# The library is made by the top Makefile's own rules, in FUZZ_BUILD.
fuzz-build: fuzz-deps
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) OPT="$(FUZZ_OPT)" \
		SAN="$(FUZZ_SAN) $(FUZZ_NOWARN) -fsanitize=fuzzer-no-link" fuzz-bins

fuzz-bins: $(FUZZ_ALL:%=$(FUZZ_BUILD)/fuzz/fuzz_%) $(FUZZ_BUILD)/fuzz/mkseed

$(FUZZ_BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/harness.h $(FUZZ_BUILD)/libfuzzharness.a $(FUZZ_BUILD)/libmentord.a \
		$(FUZZ_BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libfuzzharness.a \
		$(FUZZ_BUILD)/libmentord.a $(FUZZ_BUILD)/libcommon.a $(PKG_LIBS) -lm

# A plain program (ASan only): it runs once per `make fuzz` to write seeds.
$(FUZZ_BUILD)/fuzz/mkseed: fuzz/mkseed.c fuzz/harness_net.h tests/unit/net_testutil.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Wno-unused-function -Itests/unit -Itests/common -o $@ $< $(PKG_LIBS)
