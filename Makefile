# vfio-hook: libvirt qemu hook that hands a GPU and its IOMMU group to vfio-pci.
# Out-of-tree build into $(O) (default build/); `make V=1` shows commands.

VERSION   := 0.1.0
O         ?= build
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
SYSCONFDIR ?= /etc
HOOKDIR   ?= $(SYSCONFDIR)/libvirt/hooks
DOCDIR    ?= $(PREFIX)/share/doc/vfio-hook
DATADIR   ?= $(PREFIX)/share
MANDIR    ?= $(DATADIR)/man
DESTDIR   ?=
CC        ?= cc
PKG_CONFIG ?= pkg-config
# Headers only: every one is dlopen()ed (below), none linked. glibc >= 2.34 has dlopen() in libc.
PKGS      := libxml-2.0 libkmod libpci libudev libsystemd smartcols

ifeq ($(V),1)
Q :=
else
Q := @
endif

WARN_COMMON := -std=gnu11 -Wall -Wextra -Wformat=2 -Wformat-nonliteral -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wmissing-declarations -Wold-style-definition -Wpointer-arith \
	-Wwrite-strings -Wundef -Wvla -Wcast-align -Wnull-dereference -Wimplicit-fallthrough \
	-Wswitch-enum -Wno-unused-parameter -Werror=implicit-function-declaration \
	-Werror=return-type -Werror=incompatible-pointer-types -Werror=int-conversion -fno-common
WARN_GCC := -Wlogical-op -Wduplicated-cond -Wduplicated-branches -Wjump-misses-init
# -U first: a packager's CPPFLAGS (dpkg-buildflags) may bring _FORTIFY_SOURCE=2.
HARDEN   := -O2 -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fstack-clash-protection \
	-fcf-protection -fPIE
LDHARDEN := -pie -Wl,-z,relro,-z,now -Wl,--as-needed
SAN      := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

WARN := $(WARN_COMMON)

IS_GCC := $(shell $(CC) --version 2>/dev/null | grep -qi 'gcc\|free software' && echo 1)
ifeq ($(IS_GCC),1)
WARN += $(WARN_GCC)
endif
ifeq ($(WERROR),1)
WARN += -Werror
WARN_COMMON += -Werror
endif

PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)

# libxml2, libkmod, libsystemd, libpci, libudev and libsmartcols are dlopen()ed on first use
# (src/lib/dlopen-*.c): a hook call with nothing to do maps none of them, nor ICU, libstdc++,
# libcrypto, libgcrypt or zlib behind them.
# They are loaded by the soname their development library carries, as the linker would have
# recorded it (libxml2 2.14 went from libxml2.so.2 to libxml2.so.16). $(call soname_of,PKG,LIB)
OBJDUMP ?= objdump
soname_of = $(shell f="$$($(PKG_CONFIG) --variable=libdir $(1) 2>/dev/null)/$(2).so"; \
	[ -e "$$f" ] || f="$$($(CC) -print-file-name=$(2).so)"; \
	$(OBJDUMP) -p "$$f" 2>/dev/null | awk '$$1 == "SONAME" { print $$2; exit }')
LIBXML2_SONAME    := $(call soname_of,libxml-2.0,libxml2)
LIBKMOD_SONAME    := $(call soname_of,libkmod,libkmod)
LIBSYSTEMD_SONAME := $(call soname_of,libsystemd,libsystemd)
LIBPCI_SONAME     := $(call soname_of,libpci,libpci)
LIBUDEV_SONAME    := $(call soname_of,libudev,libudev)
LIBSMARTCOLS_SONAME := $(call soname_of,smartcols,libsmartcols)
# Left out when not found: src/lib/dlopen-*.c then stops with an #error that says which.
SONAME_DEFS := $(foreach l,LIBXML2 LIBKMOD LIBSYSTEMD LIBPCI LIBUDEV LIBSMARTCOLS,$(if \
	$($(l)_SONAME),-D$(l)_SONAME='"$($(l)_SONAME)"'))

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

CPPFLAGS += -Iinclude -I$(O)/gen -DVERSION='"$(VERSION)"' -D_GNU_SOURCE $(SONAME_DEFS)
CFLAGS   += $(WARN) $(OPT) $(PKG_CFLAGS)

SRCS := $(wildcard src/*/*.c)
LIB_SRCS := $(filter-out src/verbs/main.c,$(SRCS))
OBJS := $(SRCS:%.c=$(O)/%.o)
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%)

.PHONY: all clean check check-fast unit integration e2e demo deps deps-test install uninstall \
	asan golden bench analyze help fuzz fuzz-build man completion install-man uninstall-man \
	dist deb print-sonames print-pkgs
all: $(O)/vfio-hook man completion

help:
	@echo "make            build $(O)/vfio-hook, the man pages and the shell completions"
	@echo "make man        build the man pages in $(O)/man/ (go-md2man)"
	@echo "make completion build the bash and zsh completions in $(O)/completion/"
	@echo "make demo       install build deps, build, print the plan for the bundled example"
	@echo "make check      install test deps, run unit, integration, fuzz and real-kernel tests"
	@echo "make check-fast layout, unit, integration, docs and packaging tests, short fuzz runs (no VM)"
	@echo "make asan check the same under ASan+UBSan (build in build-asan/)"
	@echo "make fuzz       long libFuzzer runs, FUZZ_RUNS executions per target (build in $(FUZZ_O)/)"
	@echo "make golden     regenerate golden plans (review the diff)"
	@echo "make rpm        RPM packages from make dist's tarball, in $(O)/rpm/RPMS/"
	@echo "                (RPMBUILD_FLAGS=--nodeps on a machine without an rpm database)"
	@echo "make bench      measure: no-op calls, planning as hosts and XML grow, and the"
	@echo "                handoff in the real-kernel guest; tables, bench.json and"
	@echo "                timeline.svg in $(O)/bench/ (exit 1 if a target is missed)"
	@echo "make analyze    gcc -fanalyzer, clang-tidy and cppcheck over src/ and tests/unit;"
	@echo "                any finding fails (make deps-test installs the tools)"
	@echo "make install    install (DESTDIR, PREFIX, MANDIR, DATADIR, HOOK_LINK=1); a foreign hook is"
	@echo "                kept as qemu.before-vfio-hook, running libvirt daemons restarted"
	@echo "make uninstall  remove it, put back the foreign hook"
	@echo "make dist       $(O)/vfio-hook-$(VERSION).tar.gz from the files git tracks"
	@echo "make deb        the Debian package, from that tarball, in $(O)/deb/; then lintian"

# Each object depends on the headers it includes, as the compiler lists them (-MMD, in $@.d;
# -MP: a header removed since does not stop the build). An object without its .d file (built
# before, or the file lost) is built again: its headers are unknown. The object is touched after
# the compiler writes both, as clang writes the .d last: else it would always look out of date.
DEPFLAGS = -MMD -MP -MF $@.d
%.o.d: ;
.PRECIOUS: %.o.d

$(O)/%.o: %.c $(O)/%.o.d
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<
	@touch $@

$(O)/vfio-hook: $(OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDOPT) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/libvfiohook.a: $(LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

-include $(OBJS:%=%.d) $(UNIT_BINS:%=%.d)

$(O)/tests/%: tests/unit/%.c $(O)/libvfiohook.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) -Itests/lib $(CFLAGS) $(DEPFLAGS) $(LDOPT) -o $@ $< $(O)/libvfiohook.a $(LDLIBS)

# libFuzzer targets (tests/fuzz/), always built with clang into $(FUZZ_O)/: the library
# instrumented for coverage with ASan+UBSan, each target linked with libFuzzer. clang's
# warnings only (WARN_COMMON): $(CC) may be gcc.
FUZZ_O      := build-fuzz
FUZZ_CC     ?= clang
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := $(WARN_COMMON) -O1 -g $(FUZZ_SAN)
FUZZ_NAMES  := domain vm-flags config journal
FUZZ_BINS   := $(FUZZ_NAMES:%=$(FUZZ_O)/fuzz-%)
FUZZ_OBJS   := $(LIB_SRCS:%.c=$(FUZZ_O)/%.o)
FUZZ_RUNS   ?= 10000000
FUZZ_LARGE_RUNS ?= 20000
FUZZ_JOBS   ?= 1
FUZZ_TARGETS ?=

$(FUZZ_O)/src/%.o: src/%.c $(FUZZ_O)/src/%.o.d
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) $(DEPFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c -o $@ $<
	@touch $@

$(FUZZ_O)/libvfiohook.a: $(FUZZ_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

-include $(FUZZ_OBJS:%=%.d)

$(FUZZ_O)/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_O)/libvfiohook.a $(wildcard tests/fuzz/*.h)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $< \
		$(FUZZ_O)/libvfiohook.a $(LDLIBS)

# Built when clang can link libFuzzer; without it the fuzz layer fails and says why.
fuzz-build:
	$(Q)if FUZZ_CC="$(FUZZ_CC)" sh tests/fuzz/run.sh probe; then \
		$(MAKE) --no-print-directory $(FUZZ_BINS); fi

# Long runs, niced: the smoke runs in check-fast are the tests; these look for new inputs.
fuzz: fuzz-build
	$(Q)FUZZ_LARGE_RUNS=$(FUZZ_LARGE_RUNS) nice -n 19 sh tests/fuzz/run.sh long --build $(FUZZ_O) --runs $(FUZZ_RUNS) \
		--jobs $(FUZZ_JOBS) $(FUZZ_TARGETS)

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
check-fast: $(O)/vfio-hook $(UNIT_BINS) fuzz-build man completion
	$(Q)FUZZ_BUILD=$(FUZZ_O) FUZZ_CC=$(FUZZ_CC) sh tests/run.sh --build $(O) layout unit integration fuzz docs packaging

# The e2e layer installs the Debian package in the guest: make deb first, where apt is (Debian
# and its derivatives; elsewhere the package's checks and e2e scenario 98 print SKIP). Each e2e
# layer boots its own guest: nodm and GNOME on the VGA card (e2e), virtio-vga with a stuck unbind
# (e2e-virtio-vga), efifb on a display controller (e2e-efifb).
E2E_LAYERS := e2e e2e-virtio-vga e2e-efifb
MAKE_DEB = if command -v apt-get >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory deb || \
		echo "make deb failed: the packaging and e2e layers say what that costs"; \
	else echo "no apt-get: no Debian package (make deb); its checks and e2e scenario 98 skip"; fi
check: deps-test
	$(Q)$(MAKE) --no-print-directory all $(UNIT_BINS) fuzz-build
	$(Q)$(MAKE_DEB)
	$(Q)FUZZ_BUILD=$(FUZZ_O) FUZZ_CC=$(FUZZ_CC) sh tests/run.sh --build $(O) layout unit integration fuzz docs packaging $(E2E_LAYERS)

e2e: $(O)/vfio-hook
	$(Q)$(MAKE_DEB)
	$(Q)sh tests/run.sh --build $(O) $(E2E_LAYERS)

# Targets for speed and memory live here, never in timed tests (docs/performance.md).
bench: deps-test
	$(Q)$(MAKE) --no-print-directory all
	$(Q)bash tests/bench/run.sh $(O)

asan:
	@:

# Static analysis: three analysers over src/ and tests/unit, each finding an error. Outputs in
# $(O)/analyze/ only mark what passed, so a second run redoes only what changed.
ANALYZE_CC ?= gcc
CLANG_TIDY ?= clang-tidy
CPPCHECK   ?= cppcheck
ANALYZE_DIR := $(O)/analyze
ANALYZE_SRCS := $(SRCS) $(UNIT_SRCS)
ANALYZE_DEPS := $(wildcard include/*/*.h src/*/*.h) tests/lib/test.h Makefile
# gcc 12's analyzer loses a heap pointer once it is stored where it cannot follow (an array
# element at a run-time index, a struct reached through a pointer it did not allocate) and then
# calls it leaked (GCC PR analyzer/106473 is one such case). These files store that way
# throughout; each report in them was read and the pointer found owned. Leak checks stay on
# everywhere else, and LSan (make asan check-fast) watches these files at run time.
ANALYZE_LEAK_FP := host/block.c host/host-console.c host/host-cpu.c host/host-pci.c \
	host/host-firewall.c host/host-procs.c host/host-shares.c host/host-units.c host/host-usb.c \
	core/journal.c verbs/main.c lib/strutil.c
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
		--library=posix -Iinclude -I$(O)/gen -Itests/lib -D_GNU_SOURCE -D__CPPCHECK__ \
		-DVERSION='"$(VERSION)"' $(SONAME_DEFS) $(ANALYZE_SRCS)
	@touch $@

# Man pages, --help and shell completion from one source: the VERBS and OPTIONS entries of
# docs/man/vfio-hook.8.md are the verbs and options of --help (src/verbs/main.c prints
# $(O)/gen/help-text.h) and the words the completions offer (docs/man/md-entries.awk).
GO_MD2MAN   ?= go-md2man
MAN_PAGES   := $(O)/man/vfio-hook.8 $(O)/man/vfio-hook.conf.5
COMPLETIONS := $(O)/completion/vfio-hook $(O)/completion/_vfio-hook
HELP_TEXT   := $(O)/gen/help-text.h

man: $(MAN_PAGES)
completion: $(COMPLETIONS)

$(HELP_TEXT): docs/man/vfio-hook.8.md docs/man/md-entries.awk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)awk -v what=help -f docs/man/md-entries.awk $< > $@.tmp && mv $@.tmp $@

$(O)/gen/completion-words.sh: docs/man/vfio-hook.8.md docs/man/md-entries.awk
	@mkdir -p $(dir $@)
	$(Q)awk -v what=words -f docs/man/md-entries.awk $< > $@.tmp && mv $@.tmp $@

# Every build of main.c reads the header: the binary, `make asan`, and make analyze's three tools.
$(O)/src/verbs/main.o $(ANALYZE_DIR)/src/verbs/main.o $(ANALYZE_DIR)/src/verbs/main.tidy \
	$(ANALYZE_DIR)/cppcheck.ok: $(HELP_TEXT)

$(O)/man/%: docs/man/%.md docs/man/roff-minus.awk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MAN     $@")
	$(Q)command -v $(GO_MD2MAN) >/dev/null || \
		{ echo "$(GO_MD2MAN) not found: sh tests/deps.sh build installs it" >&2; exit 1; }
	$(Q)sed 's/@VERSION@/$(VERSION)/' $< > $@.md.tmp
	$(Q)$(GO_MD2MAN) -in $@.md.tmp -out $@.roff.tmp
	$(Q)awk -f docs/man/roff-minus.awk $@.roff.tmp > $@.tmp && mv $@.tmp $@ && rm -f $@.*.tmp

$(O)/completion/vfio-hook: docs/completion/vfio-hook.bash $(O)/gen/completion-words.sh
$(O)/completion/_vfio-hook: docs/completion/_vfio-hook.zsh $(O)/gen/completion-words.sh
$(COMPLETIONS):
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)awk -v words=$(O)/gen/completion-words.sh \
		'$$0 == "@WORDS@" { while ((getline l < words) > 0) print l; next } { print }' $< \
		> $@.tmp && mv $@.tmp $@

install: install-man
uninstall: uninstall-man

install-man: man completion
	install -d $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(DATADIR)/bash-completion/completions $(DESTDIR)$(DATADIR)/zsh/site-functions
	install -m 0644 $(O)/man/vfio-hook.8 $(DESTDIR)$(MANDIR)/man8/vfio-hook.8
	install -m 0644 $(O)/man/vfio-hook.conf.5 $(DESTDIR)$(MANDIR)/man5/vfio-hook.conf.5
	install -m 0644 $(O)/completion/vfio-hook \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/vfio-hook
	install -m 0644 $(O)/completion/_vfio-hook $(DESTDIR)$(DATADIR)/zsh/site-functions/_vfio-hook

uninstall-man:
	rm -f $(DESTDIR)$(MANDIR)/man8/vfio-hook.8 $(DESTDIR)$(MANDIR)/man5/vfio-hook.conf.5 \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/vfio-hook \
		$(DESTDIR)$(DATADIR)/zsh/site-functions/_vfio-hook

golden: $(O)/vfio-hook
	$(Q)REGENERATE=1 sh tests/integration/run.sh $(O)

# --- install / uninstall -----------------------------------------------------------------------
# Default layout: the binary is $(HOOKDIR)/qemu, network -> qemu, $(BINDIR)/vfio-hook -> the hook.
# HOOK_LINK=1 (the packages): the binary is $(BINDIR)/vfio-hook and both hooks are symlinks to it,
# because dpkg makes every file under /etc a conffile, which a program must not be.
# A foreign hook (another program, e.g. an older script dispatcher) is kept aside as
# NAME.before-vfio-hook and put back by uninstall. Ours is a file carrying the marker of
# src/verbs/doctor-install.c, or a symlink to it.
HOOK_LINK ?=
HOOK_MARKER := vfio-hook: libvirt qemu hook binary, marker 1
# $(call present,PATH): a shell condition, true for a dangling link too.
present = { [ -e "$(1)" ] || [ -L "$(1)" ]; }
# $(call hook_is_ours,PATH): a shell condition.
hook_is_ours = grep -qsF '$(HOOK_MARKER)' "$(1)" || \
	{ [ -L "$(1)" ] && case "$$(readlink "$(1)")" in */vfio-hook|qemu) true;; *) false;; esac; }
# $(call hook_set_aside,PATH): remove ours, move a foreign one aside (never over an earlier copy).
hook_set_aside = if $(call present,$(1)); then \
	if $(call hook_is_ours,$(1)); then rm -f "$(1)"; \
	elif $(call present,$(1).before-vfio-hook); then \
		echo "$(1): a foreign hook, and $(1).before-vfio-hook exists already: move one away" >&2; exit 1; \
	else mv "$(1)" "$(1).before-vfio-hook" && echo "Kept the previous hook as $(1).before-vfio-hook"; fi; fi
# $(call hook_remove,PATH): remove ours and put back what install kept aside.
hook_remove = if $(call present,$(1)) && ! { $(call hook_is_ours,$(1)); }; then \
	echo "$(1) is not vfio-hook: left alone" >&2; \
	else rm -f "$(1)"; if $(call present,$(1).before-vfio-hook); then \
		mv "$(1).before-vfio-hook" "$(1)" && echo "Put back $(1)"; fi; fi
# $(call command_remove,PATH): the vfio-hook on PATH, if it is ours (a link, or the binary).
command_remove = if [ -L "$(1)" ] || { $(call hook_is_ours,$(1)); }; then rm -f "$(1)"; fi

# libvirt looks for its hook files once, when the daemon starts (virHookInitialize; on SIGHUP
# too, but a reload also re-reads every driver's state): a running daemon neither runs a new
# hook nor notices a removed one, and a missing hook it still believes in fails every VM start.
# So a real install restarts the daemons that run: libvirtd (monolithic, Debian 12), virtqemud
# for the qemu hook and virtnetworkd for the network hook (modular, Fedora). A restart keeps
# running guests. Never with DESTDIR (staging, packages: their scripts restart), nor without
# systemd, nor with RESTART_DAEMONS=0: then the line to run is printed.
HOOK_DAEMONS := libvirtd.service virtqemud.service virtnetworkd.service
RESTART_DAEMONS ?= 1
define restart_daemons
	@if [ -n "$(DESTDIR)" ]; then :; \
	elif [ "$(RESTART_DAEMONS)" = 1 ] && [ -d /run/systemd/system ]; then \
		for u in $(HOOK_DAEMONS); do if systemctl -q is-active $$u; then \
			echo "systemctl restart $$u (libvirt reads its hooks when it starts)"; \
			systemctl restart $$u || exit 1; fi; done; \
	else echo "Now run: systemctl try-restart $(HOOK_DAEMONS)"; fi
endef

install: $(O)/vfio-hook
	install -d $(DESTDIR)$(HOOKDIR) $(DESTDIR)$(BINDIR)
	$(Q)$(call hook_set_aside,$(DESTDIR)$(HOOKDIR)/qemu)
	$(Q)$(call hook_set_aside,$(DESTDIR)$(HOOKDIR)/network)
	$(Q)$(call command_remove,$(DESTDIR)$(BINDIR)/vfio-hook)
ifeq ($(HOOK_LINK),1)
	install -m 0755 $(O)/vfio-hook $(DESTDIR)$(BINDIR)/vfio-hook
	ln -s $(BINDIR)/vfio-hook $(DESTDIR)$(HOOKDIR)/qemu
	ln -s $(BINDIR)/vfio-hook $(DESTDIR)$(HOOKDIR)/network
else
	install -m 0755 $(O)/vfio-hook $(DESTDIR)$(HOOKDIR)/qemu
	ln -s qemu $(DESTDIR)$(HOOKDIR)/network
	ln -s $(HOOKDIR)/qemu $(DESTDIR)$(BINDIR)/vfio-hook
endif
	# Examples (every line commented) where vfio-hook reads them, never over an admin's files.
	install -d -m 0755 $(DESTDIR)$(HOOKDIR)/vfio-hook.d/default $(DESTDIR)$(DOCDIR)/examples
	test -e $(DESTDIR)$(HOOKDIR)/vfio-hook.conf || \
		install -m 0644 hooks.d/vfio-hook.conf.example $(DESTDIR)$(HOOKDIR)/vfio-hook.conf
	test -e $(DESTDIR)$(HOOKDIR)/vfio-hook.d/default/vm.conf || \
		install -m 0644 hooks.d/vfio-hook.d/default/vm.conf $(DESTDIR)$(HOOKDIR)/vfio-hook.d/default/vm.conf
	cp -R hooks.d/. $(DESTDIR)$(DOCDIR)/examples/
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	$(restart_daemons)

uninstall:
	$(Q)$(call hook_remove,$(DESTDIR)$(HOOKDIR)/network)
	$(Q)$(call hook_remove,$(DESTDIR)$(HOOKDIR)/qemu)
	$(Q)$(call command_remove,$(DESTDIR)$(BINDIR)/vfio-hook)
	rm -rf $(DESTDIR)$(DOCDIR)
	@echo "Kept $(HOOKDIR)/vfio-hook.conf and $(HOOKDIR)/vfio-hook.d: your settings."
	$(restart_daemons)

# For packages (after `all`: not the default goal): the libraries to depend on (docs/packaging/debian/rules).
print-sonames:
	@echo $(foreach l,LIBXML2 LIBKMOD LIBSYSTEMD LIBPCI LIBUDEV LIBSMARTCOLS,$($(l)_SONAME))
print-pkgs:
	@echo $(PKGS)

# --- dist / deb ---------------------------------------------------------------------------------
# The release tarball: every file git tracks, as it is in the work tree, under
# vfio-hook-$(VERSION)/. Reproducible: names sorted, owner root, modes without group/other
# write, every mtime the last commit's (or SOURCE_DATE_EPOCH), no name or time in the gzip header.
DIST := $(O)/vfio-hook-$(VERSION).tar.gz
DIST_EPOCH = $(or $(SOURCE_DATE_EPOCH),$(shell git log -1 --format=%ct 2>/dev/null))
dist:
	$(Q)git rev-parse --is-inside-work-tree >/dev/null 2>&1 || \
		{ echo "make dist: needs the git repository (it packs the files git tracks)" >&2; exit 1; }
	@mkdir -p $(O)
	$(Q)git ls-files -z | LC_ALL=C tar --null -T - --format=gnu --sort=name \
		--mtime=@$(DIST_EPOCH) --owner=0 --group=0 --numeric-owner --mode=go-w \
		--transform='flags=r;s,^,vfio-hook-$(VERSION)/,' -cf - | gzip -9n > $(DIST).tmp
	$(Q)mv $(DIST).tmp $(DIST)
	@echo "  DIST    $(DIST)"

# The Debian package, built from the tarball as a distribution would, with
# docs/packaging/debian/ as debian/: $(O)/deb/vfio-hook_$(VERSION)-1_ARCH.deb. Then lintian,
# which fails on any error or warning not overridden (with a reason) in
# docs/packaging/debian/vfio-hook.lintian-overrides.
DEB_DIR := $(O)/deb
DEB_SRC := $(DEB_DIR)/vfio-hook-$(VERSION)
# A package builds as a distribution would: with none of this make's job server and flags, nor
# the variables given on its command line, which make exports to the environment. There the
# package's own make would take O=DIR as its build directory, and its clean would delete DIR.
PACKAGE_BUILD_ENV = env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $(foreach v,$(sort O DESTDIR PREFIX \
	SANITIZE WERROR V CC $(foreach a,$(MAKEOVERRIDES),$(firstword $(subst =, ,$(a))))),-u $(v))

deb: dist
	$(Q)v=$$(dpkg-parsechangelog -l docs/packaging/debian/changelog -S Version) && \
		[ "$${v%-*}" = "$(VERSION)" ] || \
		{ echo "make deb: debian/changelog is at $$v, the Makefile at $(VERSION)" >&2; exit 1; }
	$(Q)rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)
	$(Q)cp $(DIST) $(DEB_DIR)/vfio-hook_$(VERSION).orig.tar.gz
	$(Q)tar -C $(DEB_DIR) -xzf $(DIST)
	$(Q)cp -R $(DEB_SRC)/docs/packaging/debian $(DEB_SRC)/debian
	$(Q)cd $(DEB_SRC) && $(PACKAGE_BUILD_ENV) dpkg-buildpackage -us -uc -b
	lintian --fail-on error,warning --info $(DEB_DIR)/vfio-hook_$(VERSION)-1_$$(dpkg --print-architecture).changes
	@ls -l $(DEB_DIR)/*.deb

clean:
	rm -rf $(O) build-asan $(FUZZ_O)

# RPM packages (docs/packaging/rpm/vfio-hook.spec) built from the release tarball.
RPMBUILD_FLAGS ?=
.PHONY: rpm
rpm: dist
	$(Q)rm -rf $(O)/rpm && mkdir -p $(O)/rpm/SOURCES
	$(Q)cp $(O)/vfio-hook-$(VERSION).tar.gz $(O)/rpm/SOURCES/
	$(Q)$(PACKAGE_BUILD_ENV) rpmbuild -bb $(RPMBUILD_FLAGS) \
		--define "_topdir $(abspath $(O)/rpm)" docs/packaging/rpm/vfio-hook.spec
