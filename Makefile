# vfio-hook: libvirt qemu hook that hands a GPU and its IOMMU group to vfio-pci.
# Out-of-tree build into $(O) (default build/); `make V=1` shows commands.

VERSION   := 0.1.0
O         ?= build
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
SYSCONFDIR ?= /etc
HOOKDIR   ?= $(SYSCONFDIR)/libvirt/hooks
DOCDIR    ?= $(PREFIX)/share/doc/vfio-hook
DESTDIR   ?=
CC        ?= cc
PKG_CONFIG ?= pkg-config
PKGS      := libxml-2.0 libkmod libpci libudev libsystemd smartcols

ifeq ($(V),1)
Q :=
else
Q := @
endif

WARN := -std=gnu11 -Wall -Wextra -Wformat=2 -Wformat-nonliteral -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wmissing-declarations -Wold-style-definition -Wpointer-arith \
	-Wwrite-strings -Wundef -Wvla -Wcast-align -Wnull-dereference -Wimplicit-fallthrough \
	-Wswitch-enum -Wno-unused-parameter -Werror=implicit-function-declaration \
	-Werror=return-type -Werror=incompatible-pointer-types -Werror=int-conversion -fno-common
WARN_GCC := -Wlogical-op -Wduplicated-cond -Wduplicated-branches -Wjump-misses-init
HARDEN   := -O2 -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fstack-clash-protection \
	-fcf-protection -fPIE
LDHARDEN := -pie -Wl,-z,relro,-z,now -Wl,--as-needed
SAN      := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

IS_GCC := $(shell $(CC) --version 2>/dev/null | grep -qi 'gcc\|free software' && echo 1)
ifeq ($(IS_GCC),1)
WARN += $(WARN_GCC)
endif
ifeq ($(WERROR),1)
WARN += -Werror
endif

PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

# `make asan check-fast` (or any goal after asan): sanitizer build in build-asan/.
ifneq ($(filter asan,$(MAKECMDGOALS)),)
O := build-asan
SANITIZE := 1
endif

ifeq ($(SANITIZE),1)
OPT := $(SAN)
LDOPT := -fsanitize=address,undefined
else
OPT := -g $(HARDEN)
LDOPT := $(LDHARDEN)
endif

CPPFLAGS += -Iinclude -DVERSION='"$(VERSION)"' -D_GNU_SOURCE
CFLAGS   += $(WARN) $(OPT) $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS)

SRCS := $(wildcard src/*.c)
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
OBJS := $(SRCS:%.c=$(O)/%.o)
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%)

.PHONY: all clean check check-fast unit integration e2e demo deps deps-test install uninstall \
	asan golden bench analyze help
all: $(O)/vfio-hook

help:
	@echo "make            build $(O)/vfio-hook"
	@echo "make demo       install build deps, build, print the plan for the bundled example"
	@echo "make check      install test deps, run unit, integration and real-kernel tests"
	@echo "make check-fast unit and integration tests only (no VM)"
	@echo "make asan check the same under ASan+UBSan (build in build-asan/)"
	@echo "make golden     regenerate golden plans (review the diff)"
	@echo "make analyze    gcc -fanalyzer, clang-tidy and cppcheck over src/ and tests/unit;"
	@echo "                any finding fails (make deps-test installs the tools)"
	@echo "make install    install (DESTDIR, PREFIX honoured)"

$(O)/%.o: %.c $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/vfio-hook: $(OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDOPT) -o $@ $^ $(LDLIBS)

$(O)/libvfiohook.a: $(LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/tests/%: tests/unit/%.c $(O)/libvfiohook.a tests/lib/test.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) -Itests/lib $(CFLAGS) $(LDOPT) -o $@ $< $(O)/libvfiohook.a $(LDLIBS)

deps:
	$(Q)sh tests/deps.sh build
deps-test:
	$(Q)sh tests/deps.sh test

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh tests/demo.sh $(O)/vfio-hook

unit: $(UNIT_BINS)
integration: $(O)/vfio-hook

# Every test layer reports through one runner, which prints the final "N passed, N failed".
check-fast: $(O)/vfio-hook $(UNIT_BINS)
	$(Q)sh tests/run.sh --build $(O) unit integration

check: deps-test
	$(Q)$(MAKE) --no-print-directory all $(UNIT_BINS)
	$(Q)sh tests/run.sh --build $(O) unit integration e2e

e2e: $(O)/vfio-hook
	$(Q)sh tests/run.sh --build $(O) e2e

asan:
	@:

# Static analysis: three analysers over src/ and tests/unit, each finding an error. Outputs in
# $(O)/analyze/ only mark what passed, so a second run redoes only what changed.
ANALYZE_CC ?= gcc
CLANG_TIDY ?= clang-tidy
CPPCHECK   ?= cppcheck
ANALYZE_DIR := $(O)/analyze
ANALYZE_SRCS := $(SRCS) $(UNIT_SRCS)
ANALYZE_DEPS := $(wildcard include/*.h) tests/lib/test.h Makefile
# gcc 12's analyzer loses a heap pointer once it is stored where it cannot follow (an array
# element at a run-time index, a struct reached through a pointer it did not allocate) and then
# calls it leaked (GCC PR analyzer/106473 is one such case). These files store that way
# throughout; each report in them was read and the pointer found owned. Leak checks stay on
# everywhere else, and LSan (make asan check-fast) watches these files at run time.
ANALYZE_LEAK_FP := block.c host-console.c host-pci.c host-procs.c journal.c main.c strutil.c
$(ANALYZE_LEAK_FP:%.c=$(ANALYZE_DIR)/src/%.o): ANALYZE_FLAGS += -Wno-analyzer-malloc-leak
# A failed ASSERT exits the forked test process without freeing: by design.
$(UNIT_SRCS:%.c=$(ANALYZE_DIR)/%.o): ANALYZE_FLAGS += -Wno-analyzer-malloc-leak
# Library headers are not ours to lint: -isystem keeps clang-tidy out of them.
TIDY_FLAGS = $(CPPFLAGS) -Itests/lib -std=gnu11 $(patsubst -I%,-isystem %,$(PKG_CFLAGS))

analyze: $(ANALYZE_SRCS:%.c=$(ANALYZE_DIR)/%.o) $(ANALYZE_SRCS:%.c=$(ANALYZE_DIR)/%.tidy) \
	$(ANALYZE_DIR)/cppcheck.ok
	@echo "analyze: gcc -fanalyzer, clang-tidy and cppcheck found nothing"

$(ANALYZE_DIR)/%.o: %.c $(ANALYZE_DEPS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FANALYZ $<")
	$(Q)$(ANALYZE_CC) $(CPPFLAGS) -Itests/lib $(CFLAGS) $(WARN_GCC) -Werror -fanalyzer \
		$(ANALYZE_FLAGS) -c -o $@ $<

$(ANALYZE_DIR)/%.tidy: %.c .clang-tidy $(ANALYZE_DEPS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TIDY    $<")
	$(Q)$(CLANG_TIDY) --quiet $< -- $(TIDY_FLAGS) 2>$@.err; r=$$?; \
		grep -v '^[0-9]* warnings\? generated\.$$' $@.err >&2; exit $$r
	@touch $@

$(ANALYZE_DIR)/cppcheck.ok: $(ANALYZE_SRCS) .cppcheck-suppressions $(ANALYZE_DEPS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CPPCHK  src tests/unit")
	$(Q)$(CPPCHECK) -q --enable=warning,performance,portability --error-exitcode=1 \
		--inline-suppr --suppressions-list=.cppcheck-suppressions --std=c11 \
		--library=posix -Iinclude -Itests/lib -D_GNU_SOURCE -D__CPPCHECK__ \
		-DVERSION='"$(VERSION)"' $(ANALYZE_SRCS)
	@touch $@

golden: $(O)/vfio-hook
	$(Q)REGENERATE=1 sh tests/integration/run.sh $(O)

install: $(O)/vfio-hook
	install -d $(DESTDIR)$(HOOKDIR) $(DESTDIR)$(BINDIR)
	install -m 0755 $(O)/vfio-hook $(DESTDIR)$(HOOKDIR)/qemu
	ln -sf qemu $(DESTDIR)$(HOOKDIR)/network
	ln -sf $(HOOKDIR)/qemu $(DESTDIR)$(BINDIR)/vfio-hook
	# Examples (every line commented) where vfio-hook reads them, never over an admin's files.
	install -d -m 0755 $(DESTDIR)$(HOOKDIR)/vfio-hook.d/default $(DESTDIR)$(DOCDIR)/examples
	test -e $(DESTDIR)$(HOOKDIR)/vfio-hook.conf || \
		install -m 0644 hooks.d/vfio-hook.conf.example $(DESTDIR)$(HOOKDIR)/vfio-hook.conf
	test -e $(DESTDIR)$(HOOKDIR)/vfio-hook.d/default/vm.conf || \
		install -m 0644 hooks.d/vfio-hook.d/default/vm.conf $(DESTDIR)$(HOOKDIR)/vfio-hook.d/default/vm.conf
	cp -R hooks.d/. $(DESTDIR)$(DOCDIR)/examples/

uninstall:
	rm -f $(DESTDIR)$(HOOKDIR)/qemu $(DESTDIR)$(HOOKDIR)/network $(DESTDIR)$(BINDIR)/vfio-hook
	rm -rf $(DESTDIR)$(DOCDIR)
	@echo "Kept $(HOOKDIR)/vfio-hook.conf and $(HOOKDIR)/vfio-hook.d: your settings."

clean:
	rm -rf $(O) build-asan
