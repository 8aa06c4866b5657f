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
PKGS	:= sqlite3 libmagic uuid libcjson inih libcrypto ncursesw

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
	      src/store/*.c src/jobs/*.c src/cli/*.c src/tui/*.c)
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
