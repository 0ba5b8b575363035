# trykk - YAML content + YAML layouts -> print-ready PDFs.
#   make          install missing Debian packages, build ./trykk, render content/ into out/
#   make check    build and run every test
PREFIX ?= /usr/local
CC ?= cc
PKGS = yaml-0.1 pangocairo pangoft2 cairo-pdf fontconfig freetype2 libcmark lcms2 \
       libqrencode libpng libdeflate
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -pedantic \
          -Wno-overlength-strings $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhpdf -lhyphen -ljpeg -lm

SRC := $(wildcard src/*.c src/*/*.c)
LIB_SRC := $(filter-out src/main.c,$(SRC))
OBJ := $(SRC:src/%.c=build/%.o)
LIB_OBJ := $(LIB_SRC:src/%.c=build/%.o)
CONTENT := $(wildcard content/*.yaml)

.PHONY: all deps build render check unit e2e errors clean install asan valgrind bench fuzz

all: deps build render

deps:
	@./scripts/deps.sh

build: trykk

trykk: $(OBJ)
	$(CC) $(CFLAGS) -o $@ $(OBJ) $(LDFLAGS) $(LDLIBS)

build/%.o: src/%.c $(wildcard src/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

render: trykk
	./trykk build -o out

build/unit_tests: $(LIB_OBJ) $(wildcard tests/unit/*.c tests/unit/*.h)
	$(CC) $(CFLAGS) -Isrc -o $@ $(wildcard tests/unit/*.c) $(LIB_OBJ) $(LDFLAGS) $(LDLIBS)

unit: build/unit_tests
	./build/unit_tests

build/pngdiff: tests/tools/pngdiff.c
	@mkdir -p build
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lpng

check: deps trykk build/unit_tests build/pngdiff build/keydoc build/fuzz-replay-model \
       build/fuzz-replay-layout
	./tests/run.sh

clean:
	rm -rf build trykk out tests/out

# make install [PREFIX=/usr/local] [DESTDIR=]: the program, trykk(1), bash completion.
install: trykk
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 trykk $(DESTDIR)$(PREFIX)/bin/trykk
	install -m 644 docs/trykk.1 $(DESTDIR)$(PREFIX)/share/man/man1/trykk.1
	install -m 644 docs/completion/trykk.bash \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/trykk

build/keydoc: tests/tools/keydoc.c $(LIB_OBJ)
	$(CC) $(CFLAGS) -Isrc -o $@ $< $(LIB_OBJ) $(LDFLAGS) $(LDLIBS)

# ---- robustness: sanitizers, valgrind, fuzzing (docs/robustness.md) -------------------
#   make asan       unit tests and the whole suite with ASan+UBSan (leaks checked)
#   make valgrind   every product in content/ under memcheck
#   make fuzz       each libFuzzer target for FUZZ_SECONDS (clang)
HDR := $(wildcard src/*.h src/*/*.h)
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined
ASAN_OBJ := $(SRC:src/%.c=build/asan/%.o)
ASAN_LIB_OBJ := $(LIB_SRC:src/%.c=build/asan/%.o)

build/asan/%.o: src/%.c $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -c -o $@ $<

build/asan/trykk: $(ASAN_OBJ)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $(ASAN_OBJ) $(LDFLAGS) $(LDLIBS)

build/asan/unit_tests: $(ASAN_LIB_OBJ) $(wildcard tests/unit/*.c tests/unit/*.h)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -Isrc -o $@ $(wildcard tests/unit/*.c) $(ASAN_LIB_OBJ) \
	    $(LDFLAGS) $(LDLIBS)

build/asan/keydoc: tests/tools/keydoc.c $(ASAN_LIB_OBJ)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -Isrc -o $@ $< $(ASAN_LIB_OBJ) $(LDFLAGS) $(LDLIBS)

build/asan/pngdiff: tests/tools/pngdiff.c
	@mkdir -p build/asan
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $< $(LDFLAGS) -lpng

build/asan/fuzz-replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(ASAN_LIB_OBJ)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -Isrc -o $@ $< tests/fuzz/replay.c $(ASAN_LIB_OBJ) \
	    $(LDFLAGS) $(LDLIBS)

# The fuzz targets without libFuzzer, replaying tests/fuzz/regressions in make check.
build/fuzz-replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIB_OBJ)
	$(CC) $(CFLAGS) -Isrc -o $@ $< tests/fuzz/replay.c $(LIB_OBJ) $(LDFLAGS) $(LDLIBS)

asan: deps build/asan/trykk build/asan/unit_tests build/asan/keydoc build/asan/pngdiff \
      build/asan/fuzz-replay-model build/asan/fuzz-replay-layout
	sh tests/e2e/sanitize.sh build/asan

VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite --num-callers=50 \
           --errors-for-leak-kinds=definite --track-origins=yes \
           --suppressions=tests/valgrind.supp
# One target per product, so `make -j2 valgrind` runs two at once. TRYKK_JOBS=1: one
# process, because a forked renderer (out.h) exits without tearing pango down, and
# memcheck would count the caches of pango's font thread, which fork does not copy,
# as lost. The forked path runs under `make asan`.
valgrind: $(CONTENT:content/%.yaml=build/valgrind/%.log)
	@echo "valgrind: $(words $(CONTENT)) products, no memory errors, no definite leaks"

build/valgrind/%.log: content/%.yaml trykk FORCE
	@mkdir -p build/valgrind/out
	@echo "valgrind: $<"
	@TRYKK_JOBS=1 $(VALGRIND) --log-file=$@ ./trykk build -q -o build/valgrind/out $< || \
	    { cat $@; echo "valgrind: $< failed (log: $@)"; exit 1; }
	@if [ -s $@ ]; then cat $@; echo "valgrind: $< reported errors"; exit 1; fi

FORCE:
.PHONY: FORCE

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=undefined
FUZZ_LIB_OBJ := $(LIB_SRC:src/%.c=build/fuzz/%.o)
FUZZ_ARGS = -dict=tests/fuzz/yaml.dict -timeout=60 -rss_limit_mb=2048 -max_len=16384 \
            -print_final_stats=1

build/fuzz/%.o: src/%.c $(HDR)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -Isrc -DTRYKK_ROOT='"$(CURDIR)"' \
	    -o $@ $< $(FUZZ_LIB_OBJ) $(LDFLAGS) $(LDLIBS)

# New inputs collect in build/fuzz/corpus-T (seeds: tests/fuzz/corpus/T), crashes in
# build/fuzz/crashes-T/. A crash stops make with libFuzzer's report.
fuzz: build/fuzz/fuzz_model build/fuzz/fuzz_layout
	@for t in model layout; do \
	    mkdir -p build/fuzz/corpus-$$t build/fuzz/crashes-$$t; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	    LSAN_OPTIONS=suppressions=tests/fuzz/lsan.supp:print_suppressions=0 \
	    ./build/fuzz/fuzz_$$t $(FUZZ_ARGS) -max_total_time=$(FUZZ_SECONDS) \
	        -artifact_prefix=build/fuzz/crashes-$$t/ build/fuzz/corpus-$$t \
	        tests/fuzz/corpus/$$t tests/fuzz/regressions/$$t || exit 1; \
	done

# ---- benchmarks (docs/performance.md) -------------------------------------------------
#   make bench      every benchmark job (warm-up + RUNS runs), table in bench/results.md;
#                   PROFILE=1 adds callgrind instruction counts. Never part of make check.
bench: trykk
	./bench/run.sh
	./bench/plot.sh
