# SPDX-License-Identifier: GPL-2.0
#
# The BPF skeleton recipe of tools/sched_ext, written once for the
# project's Makefile and for the selftests' Makefile, which builds the
# scheduler itself when it sits in a kernel tree:
#
#	$(call gen_skel,OBJ,NAME,SKEL[,SUBSKEL])
#
# links the BPF object OBJ three times with 'bpftool gen object' (the
# second and third links must be identical, or static linking is not
# stable), then writes the skeleton NAME of the last link to SKEL and,
# given SUBSKEL, its subskeleton there.  The caller prints its own
# message and provides BPFTOOL and Q.
define gen_skel
	$(Q)$(BPFTOOL) gen object $(1:.o=.linked1.o) $(1)
	$(Q)$(BPFTOOL) gen object $(1:.o=.linked2.o) $(1:.o=.linked1.o)
	$(Q)$(BPFTOOL) gen object $(1:.o=.linked3.o) $(1:.o=.linked2.o)
	$(Q)diff $(1:.o=.linked2.o) $(1:.o=.linked3.o)
	$(Q)$(BPFTOOL) gen skeleton $(1:.o=.linked3.o) name $(2) > $(3).tmp
	$(if $(4),$(Q)$(BPFTOOL) gen subskeleton $(1:.o=.linked3.o) name $(2) > $(4))
	$(Q)mv $(3).tmp $(3)
endef
