# SPDX-License-Identifier: GPL-2.0
#
# scx_flash: a sched_ext EDF scheduler, built the way tools/sched_ext builds
# its examples.  libbpf and bpftool come from a kernel tree (KSRC), vmlinux.h
# from the BTF of the kernel that runs the scheduler (VMLINUX_BTF).
#
# 'make help' lists the targets and variables.

all: all_targets

# ---------------------------------------------------------------------------
# Verbosity: quiet rules unless V=1, as in Kbuild.
ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(patsubst $(CURDIR)/%,%,$(2))";
MAKEFLAGS += --no-print-directory
endif

# ---------------------------------------------------------------------------
# Inputs
CURDIR		:= $(abspath .)
SCX_CACHE	?= $(CURDIR)/.cache
KSRC		?= $(SCX_CACHE)/linux
KSRC		:= $(abspath $(KSRC))

# The VM kernel: the newest installed kernel with CONFIG_SCHED_CLASS_EXT=y.
VM_KVER		?= $(shell $(CURDIR)/scripts/vm-kernel.sh)
VM_KERNEL	?= /usr/lib/modules/$(VM_KVER)/vmlinuz

ifeq ($(O),)
OUTPUT_DIR	:= $(CURDIR)/build
else
OUTPUT_DIR	:= $(abspath $(O))/build
endif
OBJ_DIR		:= $(OUTPUT_DIR)/obj
INCLUDE_DIR	:= $(OUTPUT_DIR)/include
BINDIR		:= $(OUTPUT_DIR)/bin
SBINDIR		:= $(OUTPUT_DIR)/sbin
BPFOBJ_DIR	:= $(OBJ_DIR)/libbpf
SCXOBJ_DIR	:= $(OBJ_DIR)/sched_ext
TESTOBJ_DIR	:= $(OBJ_DIR)/selftests
UNITOBJ_DIR	:= $(OBJ_DIR)/unit
FUZZOBJ_DIR	:= $(OBJ_DIR)/fuzz

BPFDIR		:= $(KSRC)/tools/lib/bpf
BPFTOOLDIR	:= $(KSRC)/tools/bpf/bpftool
APIDIR		:= $(KSRC)/tools/include/uapi
BPFOBJ		:= $(BPFOBJ_DIR)/libbpf.a
BPFTOOL		?= $(SBINDIR)/bpftool

# BTF that describes the kernel the scheduler runs on.  The default is the
# VM kernel's, never the host's: the host kernel may lack sched_ext types.
VMLINUX_BTF	?= $(OBJ_DIR)/vmlinux-$(VM_KVER)

# Where 'make install' puts the loader, its systemd unit and the unit's
# options file (under $(DESTDIR)).  systemd reads units from
# /usr/local/lib/systemd/system as well as /usr/lib/systemd/system.
prefix		?= /usr/local
bindir		?= $(prefix)/bin
sysconfdir	?= /etc
unitdir		?= $(prefix)/lib/systemd/system

CLANG		?= clang-19
CC		?= gcc
HOSTCC		?= $(CC)
SPARSE		?= sparse
CHECKPATCH	?= $(KSRC)/scripts/checkpatch.pl

CFLAGS		+= -g -O2 -rdynamic -pthread -Wall -Werror			\
		   -I$(INCLUDE_DIR) -I$(APIDIR) -I$(CURDIR)/include
LDFLAGS		+= -lelf -lz -lpthread

# Clang's own system include directories, appended after the BPF ones, so
# that <limits.h> and friends resolve while targeting BPF.
define get_sys_includes
$(shell $(1) -v -E - </dev/null 2>&1 |						\
	sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
endef

BPF_CFLAGS	= -g -D__TARGET_ARCH_x86 -mlittle-endian			\
		  -I$(CURDIR)/include -I$(CURDIR)/include/bpf-compat		\
		  -I$(INCLUDE_DIR) -I$(APIDIR)					\
		  $(call get_sys_includes,$(CLANG))				\
		  -Wall -Wno-compare-distinct-pointer-types			\
		  -Wno-microsoft-anon-tag -fms-extensions			\
		  -O2 -mcpu=v3

c-sched-targets	:= scx_flash
SCX_HEADERS	:= $(wildcard include/scx/*.h)
SELFTEST_SRCS	:= $(filter-out %.bpf.c,$(wildcard selftests/*.c))
SELFTEST_BPF	:= $(wildcard selftests/*.bpf.c)
UNIT_SRCS	:= $(wildcard tests/unit/*.c)
FUZZ_SRCS	:= $(wildcard tests/fuzz/*.c)

# ---------------------------------------------------------------------------
# Tools: libbpf and bpftool from KSRC

$(OBJ_DIR) $(BPFOBJ_DIR) $(SCXOBJ_DIR) $(TESTOBJ_DIR) $(UNITOBJ_DIR)		\
$(FUZZOBJ_DIR) $(OBJ_DIR)/bpftool $(INCLUDE_DIR) $(BINDIR) $(SBINDIR):
	$(Q)mkdir -p $@

$(KSRC)/Makefile:
	$(error No kernel tree at KSRC=$(KSRC): run 'make deps' or set KSRC)

$(BPFOBJ): $(KSRC)/Makefile | $(BPFOBJ_DIR)
	$(call msg,LIBBPF,$@)
	$(Q)$(MAKE) -s -C $(BPFDIR) OUTPUT=$(BPFOBJ_DIR)/ CC="$(HOSTCC)"	\
		EXTRA_CFLAGS='-g -O0 -fPIC' DESTDIR=$(OUTPUT_DIR) prefix=	\
		all install_headers >$(BPFOBJ_DIR)/build.log 2>&1 ||		\
		{ cat $(BPFOBJ_DIR)/build.log; exit 1; }

$(SBINDIR)/bpftool: $(BPFOBJ) | $(OBJ_DIR)/bpftool $(SBINDIR)
	$(call msg,BPFTOOL,$@)
	$(Q)$(MAKE) -s -C $(BPFTOOLDIR) CC="$(HOSTCC)" EXTRA_CFLAGS='-g -O0'	\
		OUTPUT=$(OBJ_DIR)/bpftool/ LIBBPF_OUTPUT=$(BPFOBJ_DIR)/	\
		LIBBPF_DESTDIR=$(OUTPUT_DIR)/ prefix= DESTDIR=$(OUTPUT_DIR)/	\
		install-bin >$(OBJ_DIR)/bpftool/build.log 2>&1 ||		\
		{ cat $(OBJ_DIR)/bpftool/build.log; exit 1; }

# ---------------------------------------------------------------------------
# vmlinux.h from the VM kernel's BTF

$(OBJ_DIR)/vmlinux-%: | $(OBJ_DIR)
	$(call msg,EXTRACT,$@)
	$(Q)test -f "$(VM_KERNEL)" ||						\
		{ echo "No sched_ext kernel image found: run 'make deps'" >&2;	\
		  exit 1; }
	$(Q)$(KSRC)/scripts/extract-vmlinux $(VM_KERNEL) > $@.tmp 2>/dev/null
	$(Q)mv $@.tmp $@

$(INCLUDE_DIR)/vmlinux.h: $(VMLINUX_BTF) $(BPFTOOL) | $(INCLUDE_DIR)
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp
	$(Q)grep -q 'struct sched_ext_ops {' $@.tmp ||				\
		{ echo "$(VMLINUX_BTF) has no sched_ext types" >&2; exit 1; }
	$(Q)mv $@.tmp $@

# ---------------------------------------------------------------------------
# The scheduler: BPF object, stable static link, skeletons, loader

# gen_skel: the skeleton recipe, shared with selftests/Makefile.
include $(CURDIR)/selftests/gen_skel.mk

$(SCXOBJ_DIR)/%.bpf.o: %.bpf.c %.h $(INCLUDE_DIR)/vmlinux.h $(SCX_HEADERS)	\
		       | $(BPFOBJ) $(SCXOBJ_DIR)
	$(call msg,CLNG-BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -target bpf -c $< -o $@

$(INCLUDE_DIR)/%.bpf.skel.h: $(SCXOBJ_DIR)/%.bpf.o $(BPFTOOL)
	$(call msg,GEN-SKEL,$@)
	$(call gen_skel,$<,$*,$@,$(@:.skel.h=.subskel.h))

$(SCXOBJ_DIR)/%.o: %.c %.h $(INCLUDE_DIR)/%.bpf.skel.h $(SCX_HEADERS)		\
		   | $(SCXOBJ_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# The loader's helpers (scx_flash-objs, as tools/sched_ext names them):
# plain C from libc, without the skeleton, libbpf or include/scx.
scx_flash-objs	:= scx_flash_topo.o scx_flash_stats.o
SCX_HELPER_OBJS	:= $(addprefix $(SCXOBJ_DIR)/,$(scx_flash-objs))
HELPER_CFLAGS	:= -g -O2 -Wall -Werror -I$(CURDIR)

$(SCX_HELPER_OBJS): $(SCXOBJ_DIR)/%.o: %.c %.h | $(SCXOBJ_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(HELPER_CFLAGS) -c $< -o $@

$(SCXOBJ_DIR)/scx_flash.o: $(scx_flash-objs:.o=.h)

$(BINDIR)/%: $(SCXOBJ_DIR)/%.o $(SCX_HELPER_OBJS) $(BPFOBJ) | $(BINDIR)
	$(call msg,LINK,$@)
	$(Q)$(CC) -o $@ $^ $(LDFLAGS)

$(c-sched-targets): %: $(BINDIR)/%

all_targets: $(addprefix $(BINDIR)/,$(c-sched-targets))

# ---------------------------------------------------------------------------
# Tests: host unit tests and the kselftest-style runner for the VM

# The runner reports through the kselftest helpers of the kernel tree when
# it has them, as it does once installed in tools/testing/selftests.
KSFT_DIR	:= $(KSRC)/tools/testing/selftests
ifneq ($(wildcard $(KSFT_DIR)/kselftest.h),)
SELFTEST_CFLAGS	:= -DSCX_KSELFTEST -idirafter $(KSFT_DIR)
endif

# The small BPF programs of the cases (selftests/*.bpf.c), which they load
# beside the running scx_flash to watch it or to make it fail.
SELFTEST_SKELS	:= $(patsubst selftests/%.bpf.c,$(INCLUDE_DIR)/%.bpf.skel.h,	\
			     $(SELFTEST_BPF))

$(patsubst selftests/%.c,$(TESTOBJ_DIR)/%.o,$(SELFTEST_BPF)):			\
$(TESTOBJ_DIR)/%.bpf.o: selftests/%.bpf.c $(INCLUDE_DIR)/vmlinux.h		\
			$(SCX_HEADERS) | $(BPFOBJ) $(TESTOBJ_DIR)
	$(call msg,CLNG-BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -target bpf -c $< -o $@

$(SELFTEST_SKELS): $(INCLUDE_DIR)/%.bpf.skel.h: $(TESTOBJ_DIR)/%.bpf.o	\
						$(BPFTOOL)
	$(call msg,GEN-SKEL,$@)
	$(call gen_skel,$<,$*,$@)

$(TESTOBJ_DIR)/%.o: selftests/%.c $(wildcard selftests/*.h)			\
		    $(INCLUDE_DIR)/scx_flash.bpf.skel.h $(SELFTEST_SKELS)	\
		    | $(TESTOBJ_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SELFTEST_CFLAGS) -I$(CURDIR)/selftests -c $< -o $@

$(BINDIR)/runner: $(patsubst selftests/%.c,$(TESTOBJ_DIR)/%.o,$(SELFTEST_SRCS))	\
		  $(BPFOBJ) | $(BINDIR)
	$(call msg,LINK,$@)
	$(Q)$(CC) -o $@ $^ $(LDFLAGS)

# The tests of the loader include it whole and link its helpers; those of
# a helper (HELPER_TESTS) include that helper alone, from libc: no
# skeleton, no libbpf.
LOADER_DEPS	:= scx_flash.c scx_flash.h $(scx_flash-objs:.o=.c)		\
		   $(scx_flash-objs:.o=.h) $(INCLUDE_DIR)/scx_flash.bpf.skel.h	\
		   $(BPFOBJ)
UNIT_HELPER	:= $(UNITOBJ_DIR)/test_topology $(UNITOBJ_DIR)/test_stats
FUZZ_HELPER	:= $(FUZZOBJ_DIR)/fuzz_sysfs $(FUZZOBJ_DIR)/fuzz_stats		\
		   $(FUZZOBJ_DIR)/fuzz_monitor

$(UNITOBJ_DIR)/test_topology $(FUZZOBJ_DIR)/fuzz_sysfs:			\
	scx_flash_topo.c scx_flash_topo.h
$(UNITOBJ_DIR)/test_stats $(FUZZOBJ_DIR)/fuzz_stats $(FUZZOBJ_DIR)/fuzz_monitor: \
	scx_flash_stats.c scx_flash_stats.h

$(UNIT_HELPER): $(UNITOBJ_DIR)/%: tests/unit/%.c $(wildcard tests/unit/*.h)	\
		| $(UNITOBJ_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(HELPER_CFLAGS) -o $@ $<

$(UNITOBJ_DIR)/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LOADER_DEPS)	\
		  | $(UNITOBJ_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(CURDIR) -o $@ $< $(scx_flash-objs:.o=.c)	\
		$(BPFOBJ) $(LDFLAGS)

selftests: $(BINDIR)/runner $(BINDIR)/scx_flash
unit-tests: $(patsubst tests/unit/%.c,$(UNITOBJ_DIR)/%,$(UNIT_SRCS))

# The libFuzzer harnesses of the loader's parsers (tests/fuzz/): each
# includes what it tests, as the unit tests do, and is built by clang
# with the fuzzer, address and undefined behaviour sanitizers, any
# undefined behaviour being fatal.  'make fuzz' runs them.
FUZZ_CFLAGS	:= -g -O1 -fno-omit-frame-pointer				\
		   -fsanitize=fuzzer,address,undefined				\
		   -fno-sanitize-recover=all -Wall -Werror			\
		   -I$(INCLUDE_DIR) -I$(APIDIR) -I$(CURDIR)/include -I$(CURDIR)

$(FUZZ_HELPER): $(FUZZOBJ_DIR)/%: tests/fuzz/%.c tests/fuzz/fuzz.h		\
		$(wildcard tests/unit/*.h) | $(FUZZOBJ_DIR)
	$(call msg,CC-FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -o $@ $<

$(FUZZOBJ_DIR)/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(wildcard tests/unit/*.h)	\
		  $(LOADER_DEPS) | $(FUZZOBJ_DIR)
	$(call msg,CC-FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(scx_flash-objs:.o=.c) $(BPFOBJ)	\
		$(LDFLAGS)

fuzz-targets: $(patsubst tests/fuzz/%.c,$(FUZZOBJ_DIR)/%,$(FUZZ_SRCS))

# ---------------------------------------------------------------------------
# Top-level jobs

SCX_ENV = KSRC=$(KSRC) OUTPUT_DIR=$(OUTPUT_DIR) VM_KERNEL=$(VM_KERNEL)	\
	  CLANG=$(CLANG) CHECKPATCH=$(CHECKPATCH) SPARSE=$(SPARSE)

deps:
	$(Q)$(CURDIR)/scripts/deps.sh

ensure-deps:
	$(Q)$(CURDIR)/scripts/deps.sh --check || $(CURDIR)/scripts/deps.sh

run: ensure-deps
	$(Q)$(MAKE) all_targets
	$(Q)$(SCX_ENV) $(CURDIR)/scripts/run.sh $(ARGS)

test: ensure-deps
	$(Q)$(MAKE) all_targets selftests unit-tests fuzz-targets
	$(Q)$(SCX_ENV) $(CURDIR)/scripts/test.sh $(TESTS)

# FUZZ_RUNS executions per harness (1000000), or FUZZ_SECS seconds each;
# FUZZ=name selects harnesses.
fuzz: ensure-deps
	$(Q)$(MAKE) fuzz-targets
	$(Q)$(SCX_ENV) FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_SECS=$(FUZZ_SECS)		\
		$(CURDIR)/scripts/fuzz.sh $(FUZZ)

check:
	$(Q)$(SCX_ENV) $(CURDIR)/scripts/check.sh

patches:
	$(Q)$(SCX_ENV) $(CURDIR)/scripts/patch-series.sh $(if $(PATCHES_OUT),-o $(PATCHES_OUT))

patches-check:
	$(Q)$(MAKE) $(VMLINUX_BTF)
	$(Q)$(SCX_ENV) VMLINUX_BTF=$(VMLINUX_BTF) $(CURDIR)/scripts/patch-series-check.sh

bench: ensure-deps
	$(Q)$(MAKE) all_targets
	$(Q)$(SCX_ENV) ROUNDS=$(ROUNDS) QUICK=$(QUICK) BENCH_MODE=$(BENCH_MODE) \
		$(CURDIR)/scripts/bench.sh

soak: ensure-deps
	$(Q)$(MAKE) all_targets selftests
	$(Q)$(SCX_ENV) SOAK_SECS=$(SOAK_SECS) SOAK_TOPO=$(SOAK_TOPO)		\
		$(CURDIR)/scripts/soak.sh

# The kernel tree's example schedulers built unchanged against our
# include/scx in a scratch copy of its tools/sched_ext, then run in one VM
# boot (not with SCX_SKIP_VM=1).  'make test' does both too.
examples: ensure-deps
	$(Q)$(MAKE) $(VMLINUX_BTF)
	$(Q)rc=0;								\
	$(SCX_ENV) VMLINUX_BTF=$(VMLINUX_BTF)					\
		$(CURDIR)/scripts/examples-check.sh || rc=1;			\
	if [ "$(SCX_SKIP_VM)" != 1 ]; then					\
		$(SCX_ENV) $(CURDIR)/scripts/vm-run.sh --			\
			$(CURDIR)/tests/vm/examples.sh $(OUTPUT_DIR)/examples	\
			|| rc=1;						\
	fi;									\
	exit $$rc

# The loader, its systemd unit (with the installed paths substituted) and
# the unit's options file.  An options file already in place holds the
# administrator's options: install leaves it alone, and uninstall removes
# it only while it is the one shipped, as a package manager treats a
# configuration file.  Directories on the system stay, shared as they are
# with other packages; under a DESTDIR, a staging tree, uninstall removes
# those left empty, up to DESTDIR itself.
install: all_targets
	$(Q)install -d $(DESTDIR)$(bindir) $(DESTDIR)$(unitdir)		\
		$(DESTDIR)$(sysconfdir)/default
	$(Q)install -m 0755 $(addprefix $(BINDIR)/,$(c-sched-targets))	\
		$(DESTDIR)$(bindir)/
	$(Q)sed -e 's|@BINDIR@|$(bindir)|g'					\
		-e 's|@SYSCONFDIR@|$(sysconfdir)|g'				\
		services/scx_flash.service.in >				\
		$(DESTDIR)$(unitdir)/scx_flash.service
	$(Q)chmod 0644 $(DESTDIR)$(unitdir)/scx_flash.service
	$(Q)if [ -e $(DESTDIR)$(sysconfdir)/default/scx_flash ]; then		\
		echo "  KEEP     $(DESTDIR)$(sysconfdir)/default/scx_flash";	\
	else									\
		install -m 0644 services/scx_flash.default			\
			$(DESTDIR)$(sysconfdir)/default/scx_flash;		\
	fi

uninstall:
	$(Q)rm -f $(addprefix $(DESTDIR)$(bindir)/,$(c-sched-targets))		\
		$(DESTDIR)$(unitdir)/scx_flash.service
	$(Q)if cmp -s services/scx_flash.default				\
		      $(DESTDIR)$(sysconfdir)/default/scx_flash; then		\
		rm -f $(DESTDIR)$(sysconfdir)/default/scx_flash;		\
	elif [ -e $(DESTDIR)$(sysconfdir)/default/scx_flash ]; then		\
		echo "  KEEP     $(DESTDIR)$(sysconfdir)/default/scx_flash (changed)"; \
	fi
	$(Q)[ -z "$(DESTDIR)" ] ||						\
	for d in $(bindir) $(unitdir) $(sysconfdir)/default; do		\
		d=$(DESTDIR:%/=%)$$d;						\
		while [ "$$d" != "$(DESTDIR:%/=%)" ] && rmdir "$$d" 2>/dev/null; do \
			d=$${d%/*};						\
		done;								\
	done

clean:
	$(call msg,CLEAN,$(OUTPUT_DIR))
	$(Q)rm -rf $(OUTPUT_DIR)

help:
	@echo 'Build targets:'
	@echo '  all          - build scx_flash into build/bin (default)'
	@echo '  scx_flash    - the same, by name'
	@echo '  install      - install scx_flash, scx_flash.service and'
	@echo '                 /etc/default/scx_flash (DESTDIR, prefix)'
	@echo '  uninstall    - remove what install put there'
	@echo '  clean        - remove the build directory'
	@echo ''
	@echo 'Jobs:'
	@echo '  deps         - install toolchain, VM kernel, kernel tree (root)'
	@echo '  run          - run scx_flash: natively on a sched_ext kernel,'
	@echo '                 otherwise in a VM beside a demo load (ARGS=...)'
	@echo '  test         - unit tests, style checks, in-tree build and the'
	@echo '                 selftests in one VM boot (TESTS=filter)'
	@echo '  check        - checkpatch.pl and sparse from KSRC'
	@echo '  fuzz         - the libFuzzer harnesses of the loader'"'"'s parsers,'
	@echo '                 1000000 executions each (FUZZ_RUNS=, FUZZ_SECS=,'
	@echo '                 FUZZ=name); make test runs a short form'
	@echo '  patches      - upstream patch series against KSRC in build/patches'
	@echo '                 (PATCHES_OUT=dir), signed by git config user.name/'
	@echo '                 user.email or SCX_PATCH_FROM="Name <address>";'
	@echo '                 patches-check applies a test series with git am'
	@echo '                 and builds every step'
	@echo '  bench        - default scheduler vs scx_flash vs upstream scx_flash'
	@echo '                 vs scx_simple, in one VM boot with the instruction'
	@echo '                 clock (BENCH_MODE=clock), or one boot per round'
	@echo '                 with parallel vCPUs (BENCH_MODE=parallel)'
	@echo '                 (ROUNDS=5, QUICK=1, PEER=); build/bench/results.md'
	@echo '  soak         - scx_flash attached once under a mixed load with'
	@echo '                 hackbench storms, parallel vCPUs (SOAK_SECS=600,'
	@echo '                 SOAK_TOPO=numa: 8 vCPUs, 2 nodes); build/soak/'
	@echo '  examples     - build the kernel tree'"'"'s example schedulers against'
	@echo '                 our include/scx and run each in one VM boot'
	@echo '                 (SCX_SKIP_VM=1: build only)'
	@echo ''
	@echo 'Variables:'
	@echo '  V=1          - show full commands'
	@echo '  O=dir        - put build artifacts in dir/build'
	@echo '  KSRC=dir     - kernel tree for libbpf, bpftool and checkpatch'
	@echo '                 (default: .cache/linux from linux-source-7.x)'
	@echo '  VMLINUX_BTF= - BTF for vmlinux.h (default: the VM kernel'"'"'s)'
	@echo '  CLANG=       - BPF compiler (default: clang-19)'
	@echo '  DESTDIR=     - staging directory for install and uninstall'
	@echo '  prefix=      - install prefix (default: /usr/local; bindir,'
	@echo '                 unitdir and sysconfdir=/etc follow)'

.PHONY: all all_targets $(c-sched-targets) selftests unit-tests deps		\
	ensure-deps run test check bench soak examples install uninstall clean	\
	help fuzz fuzz-targets
.PHONY: patches patches-check

.DELETE_ON_ERROR:
.SECONDARY:
