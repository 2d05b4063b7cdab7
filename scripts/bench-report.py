#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Summarise the benchmark's raw results ("round scheduler metric value"
# lines, see tests/vm/bench.sh) as a markdown table of medians, each with
# its ratio to the kernel's default scheduler from the same run.
#
# Usage: scripts/bench-report.py RAW [OUT.md]

import statistics
import sys

# metric: (label, better, ideal); better is "lower", "higher" or "ideal".
METRICS = {
    "hackbench_s": ("hackbench, processes/sockets (s)", "lower", None),
    "hackbench_threads_pipes_s": ("hackbench, threads/pipes (s)", "lower", None),
    "sleeper_avg_us": ("1 ms sleeper beside hogs, average (us)", "lower", None),
    "sleeper_p99_us": ("1 ms sleeper beside hogs, p99 (us)", "lower", None),
    "sleeper_max_us": ("1 ms sleeper beside hogs, max (us)", "lower", None),
    "nice_ratio": ("CPU share nice 0 / nice 5 (ideal 3.05)", "ideal", 3.05),
    "cgroup_ratio": ("CPU share cpu.weight 200 / 100 (ideal 2.0)", "ideal", 2.0),
    "throughput_ops_s": ("CPU-bound throughput at 2x overcommit (ops/s)", "higher", None),
}


def load(path):
    data, scheds, rounds = {}, [], set()
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 4 or line.startswith("#"):
                continue
            rnd, sched, metric, value = parts
            try:
                v = float(value)
            except ValueError:
                continue
            if v != v:  # nan: the measurement failed
                continue
            if sched not in scheds:
                scheds.append(sched)
            rounds.add(rnd)
            data.setdefault((sched, metric), []).append(v)
    return data, scheds, len(rounds)


def cell(data, sched, metric, base):
    vals = data.get((sched, metric))
    if not vals:
        return "-"
    med = statistics.median(vals)
    text = f"{med:.3g}" if med < 1000 else f"{med:.0f}"
    _, better, ideal = METRICS[metric]
    if better == "ideal":
        return f"{text} ({(med / ideal - 1) * 100:+.0f}%)"
    if base and sched != "default":
        return f"{text} ({med / base:.2f}x)"
    return text


def main():
    raw = sys.argv[1]
    data, scheds, nr_rounds = load(raw)
    lines = [
        f"Medians of {nr_rounds} round(s); in parentheses the ratio to the "
        "default scheduler of the same run (or, for shares, the distance "
        "from the ideal).",
        "",
        "| metric | " + " | ".join(scheds) + " |",
        "| --- |" + " --- |" * len(scheds),
    ]
    for metric, (label, better, _) in METRICS.items():
        if not any((s, metric) in data for s in scheds):
            continue
        base_vals = data.get(("default", metric))
        base = statistics.median(base_vals) if base_vals else None
        row = [cell(data, s, metric, base) for s in scheds]
        lines.append(f"| {label} | " + " | ".join(row) + " |")
    text = "\n".join(lines) + "\n"
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w") as f:
            f.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
