# SPDX-License-Identifier: LGPL-2.1-or-later
# Thin front for CMake. The README's commands: make run, make check, make bench.
BUILD     ?= build
RELEASE   := $(BUILD)/release
CHECK     := $(BUILD)/check
TSAN      := $(BUILD)/tsan
PREFIX    ?= /usr/local
JOBS      ?= $(shell nproc)

.PHONY: all deps release run check tsan slowtest difftest bench bench-spread bench-variants \
	bench-replay-10m install clean format fuzz vmacache

all: release

# Installs missing Debian packages (cmocka, liburcu, libbsd, pkg-config) when pkg-config
# cannot find them.
deps:
	@sh scripts/ensure-deps.sh

release: deps
	@cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=Release -DMMLAB_DEBUG=0 \
		-DMMLAB_TLB_HIT_STATS=OFF >/dev/null
	@cmake --build $(RELEASE) -j $(JOBS)

# mmlab's main job on the bundled example: a scenario run against a fresh address space.
run: release
	$(RELEASE)/tools/mmlab/mmlab run --no-aslr examples/first-steps.strace

check: deps
	@cmake -S . -B $(CHECK) -DCMAKE_BUILD_TYPE=Debug -DMMLAB_SANITIZE=ON -DMMLAB_WERROR=ON \
		-DMMLAB_DEBUG=2 >/dev/null
	@cmake --build $(CHECK) -j $(JOBS)
	cd $(CHECK) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS)

# ThreadSanitizer build of the concurrency tests (label "tsan").
tsan: deps
	@cmake -S . -B $(TSAN) -DCMAKE_BUILD_TYPE=Debug -DMMLAB_TSAN=ON -DMMLAB_WERROR=ON \
		-DMMLAB_DEBUG=1 >/dev/null
	@cmake --build $(TSAN) -j $(JOBS)
	cd $(TSAN) && ctest --output-on-failure -L tsan -j $(JOBS)

# The slow variants: the maple tree's 10^6-operation differential run validating the whole
# tree after every operation (takes minutes).
slowtest: check
	cd $(CHECK) && MT_DIFF_SLOW=1 ./tests/test_maple_diff
	cd $(CHECK) && MMLAB_FAULT_SLOW=1 ./tests/test_fault_stress

# The VMA cache's hit ratio replaying each recording of tests/data (the README's figures).
vmacache: release
	sh scripts/vmacache-ratios.sh $(RELEASE)/tools/mmlab/mmlab .

# Differential tests against the host kernel: DIFF_SEEDS random call sequences (tests/diff),
# with the calls that fault pages in (mlock, MAP_LOCKED, MAP_POPULATE); DIFF_MODE=nofault
# leaves those out. Then DIFFFAULT_SEEDS fault sequences (touches, forks, DONTNEED) compared
# through smaps and getrusage, shared mappings included, and as many with mremap moves of
# touched memory and mprotect splits.
# Then DIFFFILE_SEEDS sequences on a file (tests/diff/difffile.c): mappings, touches past its
# end, forks, msync, pread/pwrite/ftruncate with one-page reads (MADV_RANDOM and
# POSIX_FADV_RANDOM), and with Linux's readahead on a 16-page and a 48-page file (mmlab
# reads ahead as much as the host disk's read_ahead_kb says), mappings alone and with
# pread/pwrite/ftruncate.
DIFF_SEEDS ?= 10000
DIFF_MODE ?= full
DIFFFAULT_SEEDS ?= 500
DIFFFILE_SEEDS ?= 300
difftest: check
	$(CHECK)/tests/diff/diffmm 1 $(DIFF_SEEDS) 60 $(DIFF_MODE)
	$(CHECK)/tests/diff/difffault 1 $(DIFFFAULT_SEEDS)
	$(CHECK)/tests/diff/difffault 1 $(DIFFFAULT_SEEDS) 60 moves
	$(CHECK)/tests/diff/difffile 1 $(DIFFFILE_SEEDS) 60 random,io
	$(CHECK)/tests/diff/difffile 1 $(DIFFFILE_SEEDS) 60 small
	$(CHECK)/tests/diff/difffile 1 $(DIFFFILE_SEEDS) 60 large
	$(CHECK)/tests/diff/difffile 1 $(DIFFFILE_SEEDS) 60 small,io

# Each run names its machine in machine.txt beside its results (scripts/bench-machine.sh).
# bench_maple's Linux baseline: the kernel's lib/maple_tree.c built in user space from Debian's
# linux-source package (installed by ensure-deps.sh bench) as build/linux-maple/lmt_bench,
# which bench_maple runs in turns with its own measurements; left out, with a message, if that
# cannot be had. LINUX_MAPLE_BIN sets the shell variable lmt to its path, or to "".
define LINUX_MAPLE_BIN
sh scripts/ensure-deps.sh bench || true; \
lmt=$$(sh bench/linux-maple/build.sh $(BUILD)/linux-maple) || \
	{ echo "bench: no Linux maple tree baseline" >&2; lmt=""; }
endef

bench: release
	@rm -rf $(BUILD)/bench && mkdir -p $(BUILD)/bench
	@sh scripts/bench-machine.sh | tee $(BUILD)/bench/machine.txt
	@$(call LINUX_MAPLE_BIN); \
	sh scripts/bench-run.sh $(RELEASE)/bench $(BUILD)/bench/results.jsonl "$$lmt"
	@echo "results: $(BUILD)/bench/results.jsonl, machine: $(BUILD)/bench/machine.txt"

# The spread of every figure over BENCH_RUNS runs of make bench's programs (default 10, all
# programs; BENCH_PROGRAMS="bench_mmu bench_maple" for some): run N's rows in
# build/bench/spread/run-N.jsonl, then per figure the min, median and max of its value and
# ratio in build/bench/spread.txt.
BENCH_RUNS ?= 10
BENCH_PROGRAMS ?=
bench-spread: release
	@rm -rf $(BUILD)/bench/spread && mkdir -p $(BUILD)/bench/spread
	@sh scripts/bench-machine.sh | tee $(BUILD)/bench/spread/machine.txt
	@lmt=""; $(if $(BENCH_PROGRAMS),$(if $(findstring bench_maple,$(BENCH_PROGRAMS)),\
		$(call LINUX_MAPLE_BIN),true),$(call LINUX_MAPLE_BIN)); \
	for i in $$(seq 1 $(BENCH_RUNS)); do \
		sh scripts/bench-run.sh $(RELEASE)/bench $(BUILD)/bench/spread/run-$$i.jsonl \
			"$$lmt" $(BENCH_PROGRAMS) >/dev/null || exit 1; \
		echo "bench-spread: run $$i of $(BENCH_RUNS) done"; \
	done
	@sh scripts/bench-spread.sh $(BUILD)/bench/spread/run-*.jsonl | tee $(BUILD)/bench/spread.txt
	@echo "spread: $(BUILD)/bench/spread.txt"

# Figures of other builds, each beside the release build's in one run: TLB hits counted
# (MMLAB_TLB_HIT_STATS=ON, as make check builds it) for bench_mmu, and the maple tree's
# lookups without their AVX-512 variant (MMLAB_WIDE_FIND=OFF) for bench_maple. Rows in
# build/bench/variants.jsonl, tagged "mmu/hit_stats" and "maple/scalar_find", and a table of
# variant over release in build/bench/variants.txt.
VARIANTS := $(BUILD)/variants
bench-variants: release
	@cmake -S . -B $(VARIANTS)/hit_stats -DCMAKE_BUILD_TYPE=Release -DMMLAB_DEBUG=0 \
		-DMMLAB_TLB_HIT_STATS=ON >/dev/null
	@cmake --build $(VARIANTS)/hit_stats -j $(JOBS) --target bench_mmu
	@cmake -S . -B $(VARIANTS)/scalar_find -DCMAKE_BUILD_TYPE=Release -DMMLAB_DEBUG=0 \
		-DMMLAB_TLB_HIT_STATS=OFF -DMMLAB_WIDE_FIND=OFF >/dev/null
	@cmake --build $(VARIANTS)/scalar_find -j $(JOBS) --target bench_maple
	@mkdir -p $(BUILD)/bench && rm -f $(BUILD)/bench/variants.jsonl
	@sh scripts/bench-machine.sh | tee $(BUILD)/bench/variants-machine.txt
	@out=$(BUILD)/bench/variants.jsonl; \
	sh scripts/bench-run.sh $(RELEASE)/bench $$out "" bench_mmu && \
	MMLAB_BENCH_VARIANT=hit_stats sh scripts/bench-run.sh $(VARIANTS)/hit_stats/bench $$out "" \
		bench_mmu && \
	sh scripts/bench-run.sh $(RELEASE)/bench $$out "" bench_maple && \
	MMLAB_BENCH_VARIANT=scalar_find sh scripts/bench-run.sh $(VARIANTS)/scalar_find/bench \
		$$out "" bench_maple
	@sh scripts/bench-compare.sh $(BUILD)/bench/variants.jsonl | tee $(BUILD)/bench/variants.txt
	@echo "variants: $(BUILD)/bench/variants.jsonl, $(BUILD)/bench/variants.txt"

# bench_replay at 10^7 lines, for the issue's goal of a peak RSS under 64 MB (`make bench`
# runs it at MMLAB_REPLAY_LINES, default 10^6); one repetition, appended to the results.
REPLAY_10M_REPS ?= 1
bench-replay-10m: release
	@mkdir -p $(BUILD)/bench
	MMLAB_REPLAY_LINES=10000000 MMLAB_REPLAY_REPS=$(REPLAY_10M_REPS) \
		MMLAB_BENCH_OUT=$(BUILD)/bench/results.jsonl $(RELEASE)/bench/bench_replay
	@echo "results: $(BUILD)/bench/results.jsonl"

# libFuzzer run of the scenario parser (clang), seeded with the recordings, the strace logs of
# tests/data/strace and fuzz/seeds. New crashers land in fuzz/crashers (crash-*, leak-*, oom-*,
# timeout-*), which make check replays with the seeds. FUZZ_TIME seconds (default 60).
FUZZ_TIME ?= 60
fuzz:
	@command -v clang >/dev/null || sudo apt-get install -y -qq clang
	@mkdir -p $(BUILD)/fuzz/corpus && cp tests/data/recordings/*/trace.strace $(BUILD)/fuzz/corpus/ 2>/dev/null; \
	for f in tests/data/recordings/*/trace.strace; do cp $$f $(BUILD)/fuzz/corpus/$$(basename $$(dirname $$f)).strace; done; \
	cp tests/data/strace/*.strace tests/data/strace/sh-pipe-ff.* fuzz/seeds/* $(BUILD)/fuzz/corpus/
	clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Itools/mmlab -Iinclude \
		fuzz/fuzz_scenario.c tools/mmlab/sbuf.c tools/mmlab/strace_flags.c \
		tools/mmlab/scenario_arena.c tools/mmlab/scenario.c tools/mmlab/scenario_leader.c \
		tools/mmlab/scenario_value.c \
		tools/mmlab/scenario_eval.c tools/mmlab/scenario_load.c tools/mmlab/scenario_fmt.c \
		-o $(BUILD)/fuzz/fuzz_scenario
	$(BUILD)/fuzz/fuzz_scenario -max_total_time=$(FUZZ_TIME) -artifact_prefix=fuzz/crashers/ \
		$(BUILD)/fuzz/corpus

install: release
	cmake --install $(RELEASE) --prefix $(PREFIX)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)
