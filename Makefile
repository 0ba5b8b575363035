# trykk - YAML content + YAML layouts -> print-ready PDFs.
#   make          install missing Debian packages, build ./trykk, render content/ into out/
#   make check    build and run every test
PREFIX ?= /usr/local
CC ?= cc
PKGS = yaml-0.1 pangocairo pangoft2 cairo-pdf fontconfig freetype2 libcmark lcms2 \
       libqrencode libpng
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

check: deps trykk build/unit_tests build/pngdiff build/keydoc
	./tests/run.sh

clean:
	rm -rf build trykk out tests/out

install: trykk
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 trykk $(DESTDIR)$(PREFIX)/bin/trykk
	[ ! -f docs/trykk.1 ] || install -m 644 docs/trykk.1 $(DESTDIR)$(PREFIX)/share/man/man1/

build/keydoc: tests/tools/keydoc.c $(LIB_OBJ)
	$(CC) $(CFLAGS) -Isrc -o $@ $< $(LIB_OBJ) $(LDFLAGS) $(LDLIBS)
