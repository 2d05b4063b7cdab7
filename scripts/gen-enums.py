#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Generate the scx enum headers of include/scx from a vmlinux.h:
#
#   enums.autogen.bpf.h  BPF side of the relocatable enums: one weak .rodata
#                        variable per enumerator, and a macro that reads it
#   enums.autogen.h      userspace side: SCX_ENUM_INIT(skel), which fills
#                        those variables from the running kernel's BTF
#   enum_defs.autogen.h  HAVE_<ENUMERATOR> for every enumerator of every
#                        scx_* enum of the vmlinux.h, for #ifdef tests
#
# The vmlinux.h is the one 'bpftool btf dump file <vmlinux> format c' writes.
#
# Usage: scripts/gen-enums.py [-o DIR] VMLINUX_H
#   -o DIR  where to write the headers (default: include/scx of this tree)
#
# Copyright (c) 2026 The scx_flash authors

import argparse
import os
import re
import sys

# The relocatable enumerators, each with the enum type it traditionally
# belongs to (its family).  The type written out comes from the vmlinux.h
# (see enum_types()), since the loader looks each enumerator up by type and
# name in the BTF of the kernel the scheduler runs on.
RELOCATABLE = [
    ("SCX_OPS_NAME_LEN", "scx_public_consts"),
    ("SCX_SLICE_DFL", "scx_public_consts"),
    ("SCX_SLICE_INF", "scx_public_consts"),
    ("SCX_RQ_ONLINE", "scx_rq_flags"),
    ("SCX_RQ_CAN_STOP_TICK", "scx_rq_flags"),
    ("SCX_RQ_BAL_PENDING", "scx_rq_flags"),
    ("SCX_RQ_BYPASSING", "scx_rq_flags"),
    ("SCX_RQ_CLK_VALID", "scx_rq_flags"),
    ("SCX_RQ_IN_WAKEUP", "scx_rq_flags"),
    ("SCX_RQ_IN_BALANCE", "scx_rq_flags"),
    ("SCX_RQ_IN_DISPATCH", "scx_rq_flags"),
    ("SCX_DSQ_FLAG_BUILTIN", "scx_dsq_id_flags"),
    ("SCX_DSQ_FLAG_LOCAL_ON", "scx_dsq_id_flags"),
    ("SCX_DSQ_INVALID", "scx_dsq_id_flags"),
    ("SCX_DSQ_GLOBAL", "scx_dsq_id_flags"),
    ("SCX_DSQ_LOCAL", "scx_dsq_id_flags"),
    ("SCX_DSQ_LOCAL_ON", "scx_dsq_id_flags"),
    ("SCX_DSQ_LOCAL_CPU_MASK", "scx_dsq_id_flags"),
    ("SCX_TASK_QUEUED", "scx_ent_flags"),
    ("SCX_TASK_RESET_RUNNABLE_AT", "scx_ent_flags"),
    ("SCX_TASK_DEQD_FOR_SLEEP", "scx_ent_flags"),
    ("SCX_TASK_SUB_INIT", "scx_ent_flags"),
    ("SCX_TASK_IMMED", "scx_ent_flags"),
    ("SCX_TASK_STATE_SHIFT", "scx_ent_flags"),
    ("SCX_TASK_STATE_BITS", "scx_ent_flags"),
    ("SCX_TASK_STATE_MASK", "scx_ent_flags"),
    ("SCX_TASK_CURSOR", "scx_ent_flags"),
    ("SCX_TASK_NONE", "scx_task_state"),
    ("SCX_TASK_INIT", "scx_task_state"),
    ("SCX_TASK_READY", "scx_task_state"),
    ("SCX_TASK_ENABLED", "scx_task_state"),
    ("SCX_TASK_NR_STATES", "scx_task_state"),
    ("SCX_TASK_DSQ_ON_PRIQ", "scx_ent_dsq_flags"),
    ("SCX_KICK_IDLE", "scx_kick_flags"),
    ("SCX_KICK_PREEMPT", "scx_kick_flags"),
    ("SCX_KICK_WAIT", "scx_kick_flags"),
    ("SCX_ENQ_WAKEUP", "scx_enq_flags"),
    ("SCX_ENQ_HEAD", "scx_enq_flags"),
    ("SCX_ENQ_PREEMPT", "scx_enq_flags"),
    ("SCX_ENQ_IMMED", "scx_enq_flags"),
    ("SCX_ENQ_RESCUE", "scx_enq_flags"),
    ("SCX_ENQ_REENQ", "scx_enq_flags"),
    ("SCX_ENQ_LAST", "scx_enq_flags"),
    ("SCX_ENQ_CLEAR_OPSS", "scx_enq_flags"),
    ("SCX_ENQ_DSQ_PRIQ", "scx_enq_flags"),
    ("SCX_DEQ_SCHED_CHANGE", "scx_deq_flags"),
]

ENUM_START = re.compile(r"^enum (scx_\w+) \{$")
ENUMERATOR = re.compile(r"^\s+(\w+)(?:\s*=\s*[^,]+)?,?$")

TAB = 8
WIDTH = 80


def parse_scx_enums(path):
    """Return [(type, [enumerator, ...]), ...] in vmlinux.h order."""
    enums = []
    cur = None
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if cur is None:
                m = ENUM_START.match(line)
                if m:
                    cur = (m.group(1), [])
                continue
            if line == "};":
                enums.append(cur)
                cur = None
                continue
            m = ENUMERATOR.match(line)
            if not m:
                sys.exit(f"{path}:{lineno}: unexpected line in enum {cur[0]}: {line!r}")
            cur[1].append(m.group(1))
    if cur is not None:
        sys.exit(f"{path}: enum {cur[0]} is not closed")
    if not enums:
        sys.exit(f"{path}: no scx_* enum found, is this a sched_ext vmlinux.h?")
    return enums


def enum_types(enums):
    """Map each relocatable enumerator to its enum type, list the missing.

    An enumerator the vmlinux.h has takes the type it has there (its family
    if it is in several).  One the vmlinux.h lacks takes the type the rest
    of its family resolved to, e.g. the task states that moved from
    scx_task_state into scx_ent_flags, else the family name itself.
    """
    owners = {}
    for etype, names in enums:
        for name in names:
            owners.setdefault(name, []).append(etype)

    types = {}
    family_type = {}
    for name, family in RELOCATABLE:
        found = owners.get(name)
        if found:
            types[name] = family if family in found else found[0]
            family_type.setdefault(family, types[name])

    missing = [name for name, _ in RELOCATABLE if name not in types]
    for name, family in RELOCATABLE:
        if name in missing:
            types[name] = family_type.get(family, family)
    return types, missing


def continued(text):
    """Pad @text with tabs to column 72 (or one space past it), add '\\'."""
    col = len(text.expandtabs(TAB))
    stop = WIDTH - TAB
    if col >= stop:
        return text + " \\"
    return text + "\t" * ((stop - col + TAB - 1) // TAB) + "\\"


def header(guard, purpose, vmlinux_h, notes=()):
    """License, a comment (@purpose, provenance, @notes) and the guard."""
    lines = ["/* SPDX-License-Identifier: GPL-2.0 */", "/*"]
    lines += [f" * {text}" for text in purpose]
    lines += [
        " *",
        f" * Generated by scripts/gen-enums.py from {os.path.basename(vmlinux_h)};",
        " * do not edit, run the script again instead.",
    ]
    lines += [f" * {text}".rstrip() for text in notes]
    lines += [" */", f"#ifndef {guard}", f"#define {guard}", ""]
    return lines


def footer(guard):
    return [f"#endif /* {guard} */"]


def write(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def missing_note(missing):
    """Comment lines naming the enumerators the vmlinux.h lacks."""
    if not missing:
        return []
    note = ["", "Not in that vmlinux.h, so typed like the rest of their family",
            "(the loader stores 0 for them on kernels that lack them too):"]
    row = ""
    for name in missing:
        if row and len(row) + len(name) + 2 > WIDTH - 4:
            note.append(row)
            row = ""
        row += f"  {name}"
    note.append(row)
    return note


def gen_bpf(outdir, vmlinux_h):
    guard = "__SCX_ENUMS_AUTOGEN_BPF_H"
    lines = header(guard, [
        "Relocatable scx enums, BPF side: SCX_X reads the .rodata variable",
        "__SCX_X, which the loader fills with SCX_ENUM_INIT() (see enums.h).",
    ], vmlinux_h)
    for name, _ in RELOCATABLE:
        lines += [f"const volatile u64 __{name} __weak;",
                  f"#define {name} __{name}", ""]
    write(os.path.join(outdir, "enums.autogen.bpf.h"), lines + footer(guard))


def gen_user(outdir, vmlinux_h, types, missing):
    guard = "__SCX_ENUMS_AUTOGEN_H"
    lines = header(guard, [
        "Relocatable scx enums, userspace side: SCX_ENUM_INIT(skel) fills",
        "every __SCX_X of the skeleton's .rodata from the running kernel.",
    ], vmlinux_h, missing_note(missing))
    lines += [continued("#define SCX_ENUM_INIT(skel)"), continued("do {")]
    for name, _ in RELOCATABLE:
        lines.append(continued(f"\tSCX_ENUM_SET(skel, {types[name]}, {name});"))
    lines += ["} while (0)", ""]
    write(os.path.join(outdir, "enums.autogen.h"), lines + footer(guard))


def gen_defs(outdir, vmlinux_h, enums):
    guard = "__SCX_ENUM_DEFS_AUTOGEN_H"
    lines = header(guard, [
        "HAVE_<ENUMERATOR> for every enumerator of every scx_* enum, to test",
        "at build time what the target kernel knows.",
    ], vmlinux_h)
    for etype, names in enums:
        lines.append(f"/* enum {etype} */")
        lines += [f"#define HAVE_{name}" for name in names]
        lines.append("")
    write(os.path.join(outdir, "enum_defs.autogen.h"), lines + footer(guard))


def main():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(
        description="Generate include/scx enum headers from a vmlinux.h.")
    ap.add_argument("vmlinux_h", help="vmlinux.h written by bpftool")
    ap.add_argument("-o", "--outdir", default=os.path.join(top, "include", "scx"),
                    help="output directory (default: %(default)s)")
    args = ap.parse_args()

    enums = parse_scx_enums(args.vmlinux_h)
    types, missing = enum_types(enums)
    for name in missing:
        print(f"gen-enums: {name} is not in {args.vmlinux_h}, using enum "
              f"{types[name]}", file=sys.stderr)

    os.makedirs(args.outdir, exist_ok=True)
    gen_bpf(args.outdir, args.vmlinux_h)
    gen_user(args.outdir, args.vmlinux_h, types, missing)
    gen_defs(args.outdir, args.vmlinux_h, enums)


if __name__ == "__main__":
    main()
