# bench.mk — `make bench`: generates data, runs every measurement and prints
# one table (docs/PERFORMANCE.md). Included by the top Makefile. Not part of
# `make check`: it reports figures and ratios, it never fails on a target.

BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: bench bench-tools

$(BUILD)/bench/%: bench/%.c bench/body.h bench/timing.h $(BUILD)/libmentord.a $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $(filter-out %.h,$^) $(LDLIBS_ALL)

bench-tools: all $(BENCH_BIN) $(BUILD)/tests/fakeapi $(BUILD)/tests/mkmaildir

bench: deps
	@sh bench/deps.sh
	@$(MAKE) --no-print-directory bench-tools
	@sh bench/run.sh $(BUILD)
