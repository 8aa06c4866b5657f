# SPDX-License-Identifier: MIT
#
# One non-recursive Makefile.  Objects go to build/<variant>/:
#   make              build/release/ferry (and ./ferry, a link to it)
#   make asan         build/asan/ferry with AddressSanitizer + UBSan
#   make test         both variants, then the whole suite under each;
#                     ends with one line "N passed, N failed"
#   make run          build and start ferry on the embedded store
#   make install      honours PREFIX and DESTDIR
#
# Missing Debian packages are installed first by scripts/deps.sh (apt-get
# as root, sudo when available, else it prints the command to run).

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
DATADIR	?= $(PREFIX)/share/ferry
DESTDIR	?=
CC	?= cc

# Libraries, all through pkg-config.
PKGS	:= sqlite3 libmagic uuid libcjson inih libcrypto ncursesw zlib

SANITIZE ?=
ifeq ($(SANITIZE),)
VARIANT	:= release
OPT	:= -O2
else
VARIANT	:= asan
OPT	:= -O1 -fno-omit-frame-pointer -fsanitize=$(SANITIZE) \
	   -fno-sanitize-recover=all
endif
B	:= build/$(VARIANT)

WARN	:= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wformat=2 -Wwrite-strings -Wpointer-arith \
	   -Wundef -Wno-format-nonliteral
CPPFLAGS += -Iinclude -Isrc -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
	   -DFERRY_DATADIR='"$(DATADIR)"'
CFLAGS	+= -std=c11 $(OPT) -g $(WARN) -MMD -MP

.DEFAULT_GOAL := all

# Generated once (and again when the dependency script changes): installs
# missing packages, then records pkg-config's answer.
ifeq ($(filter clean distclean deps,$(MAKECMDGOALS)),)
include build/config.mk
endif

build/config.mk: scripts/deps.sh
	@sh scripts/deps.sh build
	@mkdir -p build
	@{ echo "PKG_CFLAGS := $$(pkg-config --cflags $(PKGS))"; \
	   echo "PKG_LIBS := $$(pkg-config --libs $(PKGS)) -lpthread"; \
	} > $@.tmp && mv $@.tmp $@

LIB_SRCS := $(wildcard src/core/*.c src/mime/*.c src/backends/*.c \
	      src/store/*.c src/jobs/*.c src/cli/*.c src/tui/*.c src/zip/*.c)
LIB_SRCS := $(filter-out src/cli/main.c,$(LIB_SRCS))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
FERRY_OBJS := $(B)/src/cli/main.o

UNIT_SRCS := $(wildcard tests/unit/*-test.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(B)/tools/%)

.PHONY: all asan test check run install uninstall clean deps test-deps \
	unit-bins fuzz

all: $(B)/ferry ferry

ferry: $(B)/ferry
	@ln -sf $(B)/ferry ferry

asan:
	@$(MAKE) --no-print-directory SANITIZE=address,undefined \
	    build/asan/ferry build/asan/.tests

$(B)/libferry.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/ferry: $(FERRY_OBJS) $(B)/libferry.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/%.o: %.c build/config.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/tests/%: $(B)/tests/%.o $(B)/libferry.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/tools/%: $(B)/tests/tools/%.o $(B)/libferry.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/tests/%.o: tests/unit/%.c build/config.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(PKG_CFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/.tests: $(UNIT_BINS) $(TOOL_BINS)
	@touch $@

unit-bins: $(B)/.tests

deps:
	@sh scripts/deps.sh build

test-deps:
	@sh scripts/deps.sh test

# The whole suite, under the release build and under the sanitizers.
test check: all
	@sh scripts/deps.sh test
	@$(MAKE) --no-print-directory unit-bins
	@$(MAKE) --no-print-directory asan
	@sh tests/run.sh build/release build/asan

run: all
	./$(B)/ferry

install: $(B)/ferry
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/themes \
	    $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(B)/ferry $(DESTDIR)$(BINDIR)/ferry
	for t in themes/*.theme; do [ -e "$$t" ] || continue; \
	    install -m 0644 "$$t" $(DESTDIR)$(DATADIR)/themes/; done
	[ ! -e docs/ferry.1 ] || install -m 0644 docs/ferry.1 \
	    $(DESTDIR)$(MANDIR)/man1/ferry.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ferry $(DESTDIR)$(MANDIR)/man1/ferry.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build ferry

-include $(shell find build/$(VARIANT) -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------- Fuzzing --
# Fuzz targets live in tests/fuzz/<target>-fuzzer.c (one
# LLVMFuzzerTestOneInput each) with <target>.dict, <target>.options and a
# seed corpus in tests/fuzz/corpus/<target>/.
#   Every variant builds $(B)/fuzz/<target>-replay: the target plus
#   tests/fuzz/replay.c (a plain main) linked with libferry.a, with the
#   variant's flags; tests/e2e/fuzz-replay.sh replays the corpus with it in
#   `make test`, so the release and sanitizer builds both run every seed.
#   `make fuzz` builds build/fuzz/<target>-fuzzer with clang and libFuzzer
#   (ASan + UBSan; libferry recompiled into build/fuzz/ with
#   -fsanitize=fuzzer-no-link) and runs each target for FUZZ_SECONDS.  New
#   inputs go to build/fuzz/corpus/<target>/, crashes to
#   build/fuzz/artifacts/; the repository's corpus is only read.
#   `make -j fuzz` runs the targets in parallel; `make fuzz-run-NAME` one.
FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_SAN	:= address,undefined
FUZZ_CFLAGS	:= -std=c11 -O1 -g -fno-omit-frame-pointer -MMD -MP $(WARN) \
		   -fsanitize=fuzzer-no-link,$(FUZZ_SAN) \
		   -fno-sanitize-recover=all
FUZZ_NAMES	:= $(patsubst tests/fuzz/%-fuzzer.c,%,\
		   $(wildcard tests/fuzz/*-fuzzer.c))
FUZZ_REPLAYS	:= $(FUZZ_NAMES:%=$(B)/fuzz/%-replay)
FUZZ_LIB_OBJS	:= $(LIB_SRCS:%.c=build/fuzz/%.o)

$(B)/.tests: $(FUZZ_REPLAYS)

# Made through pattern rules only: keep them (not intermediate files).
.SECONDARY: $(FUZZ_NAMES:%=$(B)/fuzz/obj/%-fuzzer.o) $(B)/fuzz/obj/replay.o \
    $(FUZZ_NAMES:%=build/fuzz/tests/fuzz/%-fuzzer.o) \
    $(FUZZ_NAMES:%=build/fuzz/%-fuzzer)

$(B)/fuzz/%-replay: $(B)/fuzz/obj/%-fuzzer.o $(B)/fuzz/obj/replay.o \
    $(B)/libferry.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/fuzz/obj/%.o: tests/fuzz/%.c build/config.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c -o $@ $<

build/fuzz/%.o: %.c build/config.mk
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<

build/fuzz/libferry.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

build/fuzz/%-fuzzer: build/fuzz/tests/fuzz/%-fuzzer.o build/fuzz/libferry.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) $(LDFLAGS) \
	    -o $@ $^ $(PKG_LIBS)

# Run one target: its .options ([libfuzzer] key = value lines) become
# -key=value flags; the seeds are read, new inputs kept in build/fuzz/.
fuzz-run-%: build/fuzz/%-fuzzer
	@mkdir -p build/fuzz/corpus/$* build/fuzz/artifacts
	@echo "fuzz: $* for $(FUZZ_SECONDS)s, log in build/fuzz/$*.log"
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    ./build/fuzz/$*-fuzzer -max_total_time=$(FUZZ_SECONDS) \
	    -print_final_stats=1 \
	    $$(sed -n 's/^[[:space:]]*\([a-z_]*\)[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/-\1=\2/p' \
	        tests/fuzz/$*.options 2>/dev/null) \
	    $$([ -f tests/fuzz/$*.dict ] && echo -dict=tests/fuzz/$*.dict) \
	    -artifact_prefix=build/fuzz/artifacts/$*- \
	    build/fuzz/corpus/$* tests/fuzz/corpus/$* \
	    >build/fuzz/$*.log 2>&1 || \
	    { tail -40 build/fuzz/$*.log; echo "fuzz: $* failed; log in" \
	      "build/fuzz/$*.log, input in build/fuzz/artifacts/"; exit 1; }
	@grep -E '^(stat::|Done)' build/fuzz/$*.log | sed 's/^/fuzz: $*: /'

fuzz: $(FUZZ_NAMES:%=fuzz-run-%)

-include $(shell find build/fuzz -name '*.d' 2>/dev/null)

# ----------------------------------------------------------------- ferryd --
# ferryd, the folder service (src/server/, docs/API.md): its own objects
# linked with libferry.a, libmicrohttpd and zlib.  The flags of those two
# come from pkg-config here (not in build/config.mk); a fresh checkout gets
# them after config.mk's rule has run scripts/deps.sh, because make
# restarts once it has remade an included file.
#   make / make all    also builds $(B)/ferryd
#   make asan          also builds build/asan/ferryd (through .tests)
#   make install       also installs ferryd next to ferry
# Unit tests named tests/unit/server-*-test.c are linked with
# $(B)/libferryd.a (the server objects without main) and the server libs.
SERVER_PKGS	:= libmicrohttpd zlib
SERVER_CFLAGS	:= $(shell pkg-config --cflags $(SERVER_PKGS) 2>/dev/null)
SERVER_LIBS	:= $(shell pkg-config --libs $(SERVER_PKGS) 2>/dev/null)
SERVER_SRCS	:= $(wildcard src/server/*.c)
SERVER_OBJS	:= $(SERVER_SRCS:%.c=$(B)/%.o)
SERVER_LIB_OBJS	:= $(filter-out $(B)/src/server/main.o,$(SERVER_OBJS))

.PHONY: ferryd install-ferryd uninstall-ferryd

all: $(B)/ferryd
ferryd: $(B)/ferryd
$(B)/.tests: $(B)/ferryd
install: install-ferryd
uninstall: uninstall-ferryd

$(SERVER_OBJS): PKG_CFLAGS += $(SERVER_CFLAGS)

$(B)/libferryd.a: $(SERVER_LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/ferryd: $(B)/src/server/main.o $(B)/libferryd.a $(B)/libferry.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(SERVER_LIBS)

$(B)/tests/server-%-test.o: PKG_CFLAGS += $(SERVER_CFLAGS)

$(B)/tests/server-%-test: $(B)/tests/server-%-test.o $(B)/libferryd.a \
    $(B)/libferry.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(SERVER_LIBS)

install-ferryd: $(B)/ferryd
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(B)/ferryd $(DESTDIR)$(BINDIR)/ferryd

uninstall-ferryd:
	rm -f $(DESTDIR)$(BINDIR)/ferryd
