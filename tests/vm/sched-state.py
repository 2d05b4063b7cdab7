#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: print what the loader of a running BPF scheduler set at
# load time, for comparing two builds of one scheduler (tests/vm/examples.sh):
# each field of its ops struct as the kernel holds it ("ops.<field> <value>",
# a callback as its signature and program name) and each variable of its
# read-only data ("rodata.<name> <value>"), both from bpftool, for the maps
# that process PID holds.  Function-local constants (names with a dot, the
# compiler's format strings) are left out: no loader can set them.
#
# Usage: tests/vm/sched-state.py BPFTOOL PID
# Exit status: 0, or 1 when PID holds no struct_ops map.
#
# Copyright (c) 2026 The scx_flash authors

import json
import re
import subprocess
import sys


def bpftool(bpftool_bin, *args):
	out = subprocess.run([bpftool_bin, "-j", *args], capture_output=True,
			     text=True, check=True)
	return json.loads(out.stdout)


def main():
	if len(sys.argv) != 3:
		print("usage: sched-state.py BPFTOOL PID", file=sys.stderr)
		return 2
	tool, pid = sys.argv[1], int(sys.argv[2])
	lines = []
	ops_maps = 0

	for m in bpftool(tool, "map", "show"):
		if pid not in (p.get("pid") for p in m.get("pids", [])):
			continue
		if m.get("type") == "struct_ops":
			ops_maps += 1
			dump = bpftool(tool, "struct_ops", "dump", "id",
				       str(m["id"]))
			for entry in dump:
				for value in entry.values():
					for k, v in value.get("data", {}).items():
						if isinstance(v, str):
							v = re.sub(r"/prog_id:\d+$",
								   "", v)
						lines.append(f"ops.{k} "
							     f"{json.dumps(v)}")
		elif m.get("name", "").endswith(".rodata"):
			dump = bpftool(tool, "map", "dump", "id", str(m["id"]))
			for entry in dump:
				section = entry.get("formatted", {}).get("value", {})
				for var in section.get(".rodata", []):
					for k, v in var.items():
						if "." not in k:
							lines.append(f"rodata.{k} "
								     f"{json.dumps(v)}")
	print("\n".join(sorted(lines)))
	return 0 if ops_maps else 1


if __name__ == "__main__":
	sys.exit(main())
