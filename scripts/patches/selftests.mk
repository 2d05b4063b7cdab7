# SPDX-License-Identifier: GPL-2.0
#
# Selftests of tools/sched_ext/scx_flash.  tools/sched_ext's own Makefile
# builds libbpf, bpftool, vmlinux.h, the scheduler and its skeleton into
# $(OUTPUT)/build.  This one adds the small BPF programs of the cases
# (*.bpf.c), which the runner loads beside the running scheduler, and the
# runner, which links every test case of this directory and runs the
# shipped scx_flash from beside itself.
include ../../../build/Build.include
include ../../../scripts/Makefile.arch
include ../../../scripts/Makefile.include

TEST_GEN_PROGS := runner
TEST_GEN_FILES := scx_flash

# override lib.mk's default rules
OVERRIDE_TARGETS := 1
include ../lib.mk

CURDIR := $(abspath .)
REPOROOT := $(abspath ../../../..)
TOOLSDIR := $(REPOROOT)/tools
TOOLSINCDIR := $(TOOLSDIR)/include
APIDIR := $(TOOLSINCDIR)/uapi
SCXTOOLSDIR := $(TOOLSDIR)/sched_ext
SCXTOOLSINCDIR := $(SCXTOOLSDIR)/include

OUTPUT_DIR := $(OUTPUT)/build
OBJ_DIR := $(OUTPUT_DIR)/obj/scx_flash_selftests
INCLUDE_DIR := $(OUTPUT_DIR)/include
BPFOBJ := $(OUTPUT_DIR)/obj/libbpf/libbpf.a
BPFTOOL := $(OUTPUT_DIR)/sbin/bpftool
SCX_FLASH := $(OUTPUT_DIR)/bin/scx_flash
SKEL := $(INCLUDE_DIR)/scx_flash.bpf.skel.h

# The runner reports through kselftest.h.
CFLAGS += -g -O2 -pthread -Wall -Werror -DSCX_KSELFTEST			\
	  -I$(INCLUDE_DIR) -I$(APIDIR) -I$(SCXTOOLSINCDIR) -I$(CURDIR)	\
	  -idirafter $(abspath ..)
LDLIBS += -lelf -lz -lpthread

# As tools/sched_ext builds its BPF schedulers.
IS_LITTLE_ENDIAN = $(shell $(CC) -dM -E - </dev/null |				\
			grep 'define __BYTE_ORDER__ __ORDER_LITTLE_ENDIAN__')

define get_sys_includes
$(shell $(1) -v -E - </dev/null 2>&1 \
	| sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
endef

BPF_CFLAGS = -g -D__TARGET_ARCH_$(SRCARCH)					\
	     $(if $(IS_LITTLE_ENDIAN),-mlittle-endian,-mbig-endian)		\
	     -I$(SCXTOOLSINCDIR) -I$(SCXTOOLSINCDIR)/bpf-compat			\
	     -I$(INCLUDE_DIR) -I$(APIDIR) -I$(REPOROOT)/include		\
	     $(call get_sys_includes,$(CLANG))					\
	     -Wall -Wno-compare-distinct-pointer-types				\
	     -Wno-microsoft-anon-tag -fms-extensions -O2 -mcpu=v3

TEST_OBJS := $(patsubst %.c,$(OBJ_DIR)/%.o,$(filter-out %.bpf.c,$(wildcard *.c)))
TEST_BPF_SRCS := $(wildcard *.bpf.c)
TEST_BPF_OBJS := $(patsubst %.bpf.c,$(OBJ_DIR)/%.bpf.o,$(TEST_BPF_SRCS))
TEST_SKELS := $(patsubst %.bpf.c,$(INCLUDE_DIR)/%.bpf.skel.h,$(TEST_BPF_SRCS))

# libbpf, bpftool, vmlinux.h, scx_flash and its skeleton.
$(SCX_FLASH) $(SKEL) $(BPFOBJ) $(BPFTOOL): scx_flash_build
scx_flash_build:
	$(Q)$(MAKE) -C $(SCXTOOLSDIR) O=$(OUTPUT) scx_flash

$(OBJ_DIR):
	$(call msg,MKDIR,,$@)
	$(Q)mkdir -p $@

# The BPF programs of the cases, each with its skeleton.
$(TEST_BPF_OBJS): $(OBJ_DIR)/%.bpf.o: %.bpf.c $(SKEL) | $(OBJ_DIR)
	$(call msg,CLNG-BPF,,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -target bpf -c $< -o $@

include $(CURDIR)/gen_skel.mk

$(TEST_SKELS): $(INCLUDE_DIR)/%.bpf.skel.h: $(OBJ_DIR)/%.bpf.o $(BPFTOOL)
	$(call msg,GEN-SKEL,,$@)
	$(call gen_skel,$<,$*,$@)

$(OBJ_DIR)/%.o: %.c $(wildcard *.h) $(SKEL) $(TEST_SKELS) | $(OBJ_DIR)
	$(call msg,CC,,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUTPUT)/runner: $(TEST_OBJS) $(BPFOBJ)
	$(call msg,LINK,,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(OUTPUT)/scx_flash: $(SCX_FLASH)
	$(call msg,CP,,$@)
	$(Q)cp $< $@

override define CLEAN
	rm -rf $(OUTPUT_DIR)
	rm -f $(TEST_GEN_PROGS) $(TEST_GEN_FILES)
endef

.PHONY: scx_flash_build

.DELETE_ON_ERROR:

.SECONDARY:
