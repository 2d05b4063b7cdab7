#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Tell whether two builds of one BPF scheduler object make the same
# scheduling decisions, as far as their code goes: the struct_ops callbacks
# and the subprograms they call (.text) must be instruction for instruction
# the same, relocations included, and so must the ops struct as built
# (.struct_ops.link and the callbacks bound to its fields).  Any other
# program (an fentry probe, a tracepoint) may differ only if it references
# no writable data or map that a callback references too: then nothing it
# does can reach a scheduling decision.
#
# What this cannot see, the loader sets at run time: the values of the
# read-only data and the ops fields it fills in.  tests/vm/sched-state.py
# reads those from the running scheduler; the line "reads: NAME..." lists
# the read-only variables the callbacks reference, whose values matter (a
# section's name alone, such as .rodata, when a reference could not be
# tied to one variable: then all of them matter).
#
# Usage: scripts/bpf-callbacks-diff.py OURS.o REF.o
# Prints what differs, one line each, the "reads:" line, then the verdict
# line, "callbacks the same: ..." or "callbacks differ: ...".  Exit status: 0
# when the callbacks are the same, 1 when they are not, 2 on an error.
# Environment: LLVM_OBJDUMP (default llvm-objdump-19).
#
# Copyright (c) 2026 The scx_flash authors

import os
import re
import subprocess
import sys

OBJDUMP = os.environ.get("LLVM_OBJDUMP", "llvm-objdump-19")
# Sections that hold code the kernel runs as the scheduler's callbacks.
CALLBACK_SECTION = re.compile(r"^(struct_ops(\.s)?/|\.text$)")
# Relocations that take a symbol's address: data, maps, subprograms.
DATA_RELOC = re.compile(r"\sR_BPF_64_(64|ABS64|ABS32|NODYLD32)\s+(\S+)")
# Data a program cannot change once the object is loaded.
READ_ONLY = re.compile(r"^\.(rodata|kconfig|ksyms)")


def objdump(*args):
	out = subprocess.run([OBJDUMP, *args], capture_output=True, text=True)
	if out.returncode != 0:
		print(f"{OBJDUMP} {' '.join(args)}: {out.stderr.strip()}",
		      file=sys.stderr)
		sys.exit(2)
	# the first lines name the file, which differs by path only
	return out.stdout.split("\n", 2)[-1]


def programs(obj):
	"""{section: disassembly with relocations} for each code section."""
	progs = {}
	name = None
	for line in objdump("-d", "-r", "--no-show-raw-insn", obj).splitlines():
		m = re.match(r"^Disassembly of section (\S+):$", line)
		if m:
			name = m.group(1)
			progs[name] = []
		elif name and line.strip():
			progs[name].append(line.strip())
	return {k: "\n".join(v) for k, v in progs.items()}


def symbol_table(obj):
	"""[(name, section, start, end)] from the object's symbol table."""
	symbols = []
	for line in objdump("-t", obj).splitlines():
		# address, flags, section, size, name (flags may hold spaces)
		m = re.match(r"^([0-9a-f]+)\s.{7}\s(\S+)\s+([0-9a-f]+)\s+(\S+)$",
			     line)
		if m:
			start = int(m.group(1), 16)
			symbols.append((m.group(4), m.group(2), start,
					start + int(m.group(3), 16)))
	return symbols


def resolve(sym, offset, symbols):
	"""The data a relocation against SYM at OFFSET reaches, as
	section:name.  A section symbol (the compiler's way to reach static
	data) resolves to the symbol that holds OFFSET, if one does, and
	otherwise stands for its whole section."""
	for name, sec, start, end in symbols:
		if name != sym:
			continue
		if name != sec:
			return f"{sec}:{name}"
		for iname, isec, istart, iend in symbols:
			if isec == sec and iname != sec and \
			   istart <= offset < iend:
				return f"{sec}:{iname}"
		return f"{sec}:{sec}"
	return f"{sym}:{sym}"


def data_refs(code, symbols):
	"""The data and maps that CODE references, as section:name."""
	refs = set()
	imm = 0
	for line in code.splitlines():
		m = DATA_RELOC.search(line)
		if not m:
			# the offset into a section symbol is the load's immediate
			i = re.search(r"= (0x[0-9a-f]+) ll$", line)
			imm = int(i.group(1), 16) if i else 0
			continue
		ref = resolve(m.group(2), imm, symbols)
		if ref.startswith(".") and not ref.startswith(".text:"):
			refs.add(ref)
	return refs


def writable(refs):
	return {r for r in refs if not READ_ONLY.match(r)}


def shares(refs, others):
	"""Whether REFS and OTHERS name the same data: one symbol, or a
	section symbol standing for the whole section on either side."""
	for r in refs:
		sec, sym = r.split(":", 1)
		for o in others:
			osec, osym = o.split(":", 1)
			if r == o or (sec == osec and sec in (sym, osym)):
				return True
	return False


def main():
	if len(sys.argv) != 3:
		print("usage: bpf-callbacks-diff.py OURS.o REF.o",
		      file=sys.stderr)
		return 2
	ours, ref = sys.argv[1:]
	ours_progs, ref_progs = programs(ours), programs(ref)
	symbols, ref_symbols = symbol_table(ours), symbol_table(ref)
	differ = []

	callbacks = sorted(s for s in set(ours_progs) | set(ref_progs)
			   if CALLBACK_SECTION.match(s))
	for s in callbacks:
		if ours_progs.get(s) != ref_progs.get(s):
			print(f"callback section {s} differs")
			differ.append(s)
	for args in (["-s", "-j", ".struct_ops.link"],
		     ["-r", "-j", ".struct_ops.link"]):
		if objdump(*args, ours) != objdump(*args, ref):
			print("the ops struct as built (.struct_ops.link) differs")
			differ.append(".struct_ops.link")
			break

	callback_refs = set()
	for s in callbacks:
		callback_refs |= data_refs(ours_progs.get(s, ""), symbols)
	others = []
	for s in sorted(set(ours_progs) | set(ref_progs)):
		if CALLBACK_SECTION.match(s) or \
		   ours_progs.get(s) == ref_progs.get(s):
			continue
		if s not in ours_progs or s not in ref_progs:
			print(f"program section {s} is in one build only")
			differ.append(s)
		elif shares(writable(data_refs(ours_progs[s], symbols) |
				     data_refs(ref_progs[s], ref_symbols)),
			    writable(callback_refs)):
			print(f"program section {s} differs and shares data "
			      "with the callbacks")
			differ.append(s)
		else:
			others.append(s)

	# what the loader may have set, for tests/vm/sched-state.py's output
	print("reads: " + " ".join(sorted(r.split(":", 1)[1]
					  for r in callback_refs
					  if r.startswith(".rodata"))))
	if differ:
		print(f"callbacks differ: {' '.join(differ)}")
		return 1
	print(f"callbacks the same: {len(callbacks)} sections; other "
	      f"programs that differ, sharing no writable data with them: "
	      f"{' '.join(others) or 'none'}")
	return 0


if __name__ == "__main__":
	sys.exit(main())
