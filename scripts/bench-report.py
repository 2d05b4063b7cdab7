#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Summarise a 'make bench' run (DIR/raw.txt: "round scheduler metric value"
# lines, see tests/vm/bench.sh; DIR/hist/: cyclictest histograms) as
# DIR/results.md: medians with their ratios to the kernel's default
# scheduler, the spread between rounds, the targets of scx_flash and the
# BPF cost per callback; and, with gnuplot, DIR/latency-*.png (latency
# histograms) and DIR/ratios.png (ratios to the default scheduler).
#
# Usage: scripts/bench-report.py DIR

import glob
import os
import shutil
import statistics
import subprocess
import sys

# metric: (label, short label for plots, better, ideal);
# better is "lower", "higher" or "ideal".
METRICS = {
    "hackbench_s": ("hackbench, processes/sockets (s)",
                    "hackbench\\nsockets", "lower", None),
    "hackbench_threads_pipes_s": ("hackbench, threads/pipes (s)",
                                  "hackbench\\npipes", "lower", None),
    "hackbench_kctxt": ("hackbench, processes/sockets: context switches "
                        "(thousands)", None, "lower", None),
    "hackbench_threads_pipes_kctxt": ("hackbench, threads/pipes: context "
                                      "switches (thousands)", None, "lower",
                                      None),
    "hackbench_vcsw": ("hackbench, processes/sockets: its tasks' voluntary "
                       "context switches (thousands)", None, "lower", None),
    "hackbench_threads_pipes_vcsw": ("hackbench, threads/pipes: its tasks' "
                                     "voluntary context switches "
                                     "(thousands)", None, "lower", None),
    "hackbench_icsw": ("hackbench, processes/sockets: its tasks' involuntary "
                       "context switches (thousands)", None, "lower", None),
    "hackbench_threads_pipes_icsw": ("hackbench, threads/pipes: its tasks' "
                                     "involuntary context switches "
                                     "(thousands)", None, "lower", None),
    "hackbench_preempts": ("hackbench, processes/sockets: wakeups that "
                           "preempted (scx_flash's count)", None, "lower",
                           None),
    "hackbench_threads_pipes_preempts": ("hackbench, threads/pipes: wakeups "
                                         "that preempted (scx_flash's "
                                         "count)", None, "lower", None),
    "hackbench_remote_pct": ("hackbench, processes/sockets: wakeups to "
                             "another CPU (%)", None, "lower", None),
    "hackbench_threads_pipes_remote_pct": ("hackbench, threads/pipes: "
                                           "wakeups to another CPU (%)",
                                           None, "lower", None),
    "hackbench_wait_us": ("hackbench, processes/sockets: runqueue wait per "
                          "timeslice (us)", None, "lower", None),
    "hackbench_threads_pipes_wait_us": ("hackbench, threads/pipes: runqueue "
                                        "wait per timeslice (us)", None,
                                        "lower", None),
    "sleeper_sat_avg_us": ("1 ms sleeper, hog on every CPU: average (us)",
                           "sleeper\\navg", "lower", None),
    "sleeper_sat_p99_us": ("1 ms sleeper, hog on every CPU: p99 (us)",
                           "sleeper\\np99", "lower", None),
    "sleeper_sat_max_us": ("1 ms sleeper, hog on every CPU: max (us)",
                           "sleeper\\nmax", "lower", None),
    "sleeper_pin_avg_us": ("1 ms sleeper, beside a hog on CPU 0: average (us)",
                           "pinned\\navg", "lower", None),
    "sleeper_pin_p99_us": ("1 ms sleeper, beside a hog on CPU 0: p99 (us)",
                           "pinned\\np99", "lower", None),
    "sleeper_pin_max_us": ("1 ms sleeper, beside a hog on CPU 0: max (us)",
                           "pinned\\nmax", "lower", None),
    "frames_missed_pct": ("60 Hz frames beside a build-like load: periods "
                          "missed (%)", "frames\\nmissed", "lower", None),
    "frames_worst_late_us": ("60 Hz frames: worst lateness (us)",
                             "frames\\nlateness", "lower", None),
    "nice_ratio": ("CPU share nice 0 / nice 5 (ideal 3.05)",
                   "nice\\nshare", "ideal", 1024 / 335),
    "cgroup_ratio": ("CPU share cpu.weight 200 / 100 (ideal 2.0)",
                     "cgroup\\nshare", "ideal", 2.0),
    "throughput_mops": ("CPU-bound throughput at 2x overcommit (Mops/s)",
                        "through-\\nput", "higher", None),
    "throughput_rel": ("the same, relative to one hog per CPU",
                       "through-\\nput rel.", "higher", None),
    "clock_cpu_per_wall": ("clock check: CPU time of the share hogs / "
                           "seconds they ran (ideal 1.0)", None, "ideal",
                           1.0),
    "enable_ms": ("time from start to enabled (ms)", None, "lower", None),
    "bpf_cpu_pct": ("CPU time in BPF callbacks (%)", None, "lower", None),
}

# metric, comparison, bound, peer: the targets of issue 23, as ratios to
# the default scheduler of the same round (shares: distance from the
# ideal) and, where peer is given as (comparison, bound), to upstream's
# scx_flash too.
PEER = "upstream"
TARGETS = [
    ("hackbench_s", "<=", 0.85, ("<=", 0.95)),
    ("hackbench_threads_pipes_s", "<=", 0.62, ("<=", 1.0)),
    ("sleeper_sat_avg_us", "<=", 1.0, ("<=", 1.0)),
    ("sleeper_sat_p99_us", "<=", 1.0, ("<=", 1.0)),
    ("frames_missed_pct", "<=", 0.5, ("<=", 1.0)),
    ("nice_ratio", "within", 0.05, None),
    ("throughput_mops", ">=", 1.0, None),
]


def load(path):
    """{(sched, metric): {round: value}}, schedulers in order, header."""
    data, scheds, header = {}, [], []
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                header.append(line[1:].strip())
                continue
            parts = line.split()
            if len(parts) != 4:
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
            data.setdefault((sched, metric), {})[rnd] = v
    if "default" in scheds:
        scheds.remove("default")
        scheds.insert(0, "default")
    return data, scheds, header


def median(data, sched, metric):
    vals = data.get((sched, metric))
    return statistics.median(vals.values()) if vals else None


def ratio(data, sched, metric, to="default"):
    """Median over rounds of the ratio to the scheduler @to (the default
    one) in the same round: drifts between rounds cancel out."""
    vals = data.get((sched, metric), {})
    base = data.get((to, metric), {})
    rs = [v / base[r] for r, v in vals.items() if base.get(r)]
    return statistics.median(rs) if rs else None


def deviation(data, sched, metric):
    med = median(data, sched, metric)
    return None if med is None else med / METRICS[metric][3] - 1


def spread(data, sched, metric):
    """(max - min) / median between rounds, in percent."""
    vals = list(data.get((sched, metric), {}).values())
    med = median(data, sched, metric)
    if len(vals) < 2 or not med:
        return None
    return (max(vals) - min(vals)) / med * 100


def per_round(data, sched, metric):
    vals = data.get((sched, metric), {})
    return " / ".join(fmt(vals[r]) for r in sorted(vals, key=int)) or "-"


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 1000:
        return f"{v:.0f}"
    return f"{v:.3g}"


def cell(data, sched, metric):
    med = median(data, sched, metric)
    if med is None:
        return "-"
    better, ideal = METRICS[metric][2:]
    if better == "ideal":
        return f"{fmt(med)} ({(med / ideal - 1) * 100:+.0f}%)"
    r = ratio(data, sched, metric)
    if sched == "default" or r is None:
        return fmt(med)
    return f"{fmt(med)} ({r:.2f}x)"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def compare(v, cmp, bound):
    return {"<=": v <= bound, "<": v < bound, ">=": v >= bound}[cmp]


def target_met(data, sched, metric, cmp, bound, peer_cmp, scheds):
    """(met, text): met is None when there is nothing to compare."""
    if cmp == "within":
        d = deviation(data, sched, metric)
        if d is None:
            return None, "-"
        return abs(d) <= bound, f"{d * 100:+.0f}%"
    r = ratio(data, sched, metric)
    if r is None:
        return None, "-"
    ok, text = compare(r, cmp, bound), f"{r:.2f}x"
    if peer_cmp and PEER in scheds and sched != PEER:
        p = ratio(data, sched, metric, PEER)
        if p is not None:
            ok = ok and compare(p, *peer_cmp)
            text += f", {p:.2f}x {PEER}"
    return ok, text


def report(data, scheds, header, nr_rounds, plots):
    out = [f"Medians of {nr_rounds} round(s); in parentheses the median of "
           "the per-round ratios to the default scheduler (for shares: the "
           "distance from the ideal). Lower is better except for "
           "throughput.", ""]
    rows = []
    for metric, (label, _, _, _) in METRICS.items():
        if any((s, metric) in data for s in scheds):
            rows.append([label] + [cell(data, s, metric) for s in scheds])
    out += table(["metric"] + scheds, rows)

    out += ["", "Spread between rounds, (max - min) / median:", ""]
    rows = []
    for metric, (label, _, _, _) in METRICS.items():
        if any((s, metric) in data for s in scheds):
            rows.append([label] + [
                "-" if spread(data, s, metric) is None
                else f"{spread(data, s, metric):.0f}%" for s in scheds])
    out += table(["metric"] + scheds, rows)

    out += ["", "Each round (one value per round, in round order):", ""]
    rows = []
    for metric, (label, _, _, _) in METRICS.items():
        if any((s, metric) in data for s in scheds):
            rows.append([label] + [per_round(data, s, metric)
                                   for s in scheds])
    out += table(["metric"] + scheds, rows)

    flashes = [s for s in scheds if s.startswith("flash")]
    if flashes:
        out += ["", "Targets: the median per-round ratio to the default "
                f"scheduler and, where the goal names it, to {PEER} "
                "(nice share: the distance from 3.05):", ""]
        rows = []
        for metric, cmp, bound, peer_cmp in TARGETS:
            if not any((s, metric) in data for s in flashes):
                continue
            goal = (f"{cmp} {bound}x default" if cmp != "within"
                    else f"3.05 +- {bound * 100:.0f}%")
            if peer_cmp:
                goal += f", {peer_cmp[0]} {peer_cmp[1]}x {PEER}"
            row = [METRICS[metric][0], goal]
            for s in flashes:
                ok, text = target_met(data, s, metric, cmp, bound,
                                      peer_cmp, scheds)
                row.append(text if ok is None else
                           f"{'met' if ok else 'missed'} ({text})")
            rows.append(row)
        out += table(["target", "goal"] + flashes, rows)

    cbs = sorted({m.split(".", 1)[1] for (_, m) in data
                  if m.startswith("bpf_ns.")})
    bpf_scheds = [s for s in scheds if any((s, "bpf_ns." + c) in data
                                           for c in cbs)]
    if cbs:
        out += ["", "BPF cost per callback: median ns per call "
                "(kernel.bpf_stats_enabled; emulated time), and calls per "
                "round:", ""]
        rows = []
        for cb in cbs:
            row = [cb]
            for s in bpf_scheds:
                ns = median(data, s, "bpf_ns." + cb)
                calls = median(data, s, "bpf_calls." + cb)
                row.append("-" if ns is None
                           else f"{ns:.0f} ({calls:.0f})")
            rows.append(row)
        out += table(["callback"] + bpf_scheds, rows)

    if plots:
        out += [""] + [f"![{p}]({p})" for p in plots]
    if header:
        out += ["", "Run: " + "; ".join(header[:1])]
    return "\n".join(out) + "\n"


def read_hist(path):
    """{latency in us: wakeups}; the wakeups beyond the histogram's end
    (cyclictest -h) count at its end."""
    counts, last = {}, 0
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and parts[0].isdigit():
                last = int(parts[0])
                if int(parts[1]):
                    counts[last] = int(parts[1])
            elif line.startswith("# Histogram Overflows:") and \
                    len(parts) > 3 and int(parts[3]):
                counts[last + 1] = counts.get(last + 1, 0) + int(parts[3])
    return counts


def gnuplot(script, cwd):
    try:
        subprocess.run(["gnuplot"], input=script, text=True, cwd=cwd,
                       check=True, capture_output=True)
        return True
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"bench-report: gnuplot failed: {e}", file=sys.stderr)
        return False


def plot_hist(resdir, kind, title, scheds):
    """Histogram of wakeup latencies, all rounds together, as the share
    of wakeups per bucket; returns the PNG name or None."""
    hists = {}
    for s in scheds:
        total = {}
        for path in glob.glob(os.path.join(resdir, "hist",
                                           f"lat-{kind}.{s}.*")):
            for us, n in read_hist(path).items():
                total[us] = total.get(us, 0) + n
        if total:
            hists[s] = total
    if not hists:
        return None
    # Buckets of equal width on a log scale, 10 per decade, from 10 us
    # (everything below counts in the first) to the largest latency.
    top = max(max(h) for h in hists.values())
    edges = [0]
    while edges[-1] <= top:
        edges.append(int(10 ** (1 + len(edges) / 10)))
    names = list(hists)
    dat = f"latency-{kind}.dat"
    with open(os.path.join(resdir, dat), "w") as f:
        f.write("us " + " ".join(names) + "\n")
        for lo, hi in zip(edges, edges[1:]):
            row = [str(max(lo, 10))]
            for s in names:
                h = hists[s]
                c = sum(v for us, v in h.items() if lo <= us < hi)
                row.append(f"{c / sum(h.values()) * 100:.4g}" if c
                           else "NaN")
            f.write(" ".join(row) + "\n")
    png = f"latency-{kind}.png"
    ok = gnuplot(f"""
set terminal pngcairo size 900,500 font ",10"
set output "{png}"
set title "{title}"
set termoption noenhanced
set xlabel "wakeup latency (us), 10 buckets per decade; \\
the last also counts those beyond 20 ms"
set ylabel "wakeups (%)"
set logscale xy
set xrange [10:*]
set key top right
set grid
plot for [i=2:{len(names) + 1}] "{dat}" using 1:i with steps lw 2 \\
	title columnheader(i)
""", resdir)
    return png if ok else None


def plot_ratios(resdir, data, scheds):
    others = [s for s in scheds if s != "default"]
    metrics = [m for m in METRICS if METRICS[m][1] and
               any((s, m) in data for s in others)]
    if not others or not metrics:
        return None
    dat = "ratios.dat"
    with open(os.path.join(resdir, dat), "w") as f:
        f.write("metric " + " ".join(others) + "\n")
        for m in metrics:
            row = [f'"{METRICS[m][1]}"']
            for s in others:
                if METRICS[m][2] == "ideal":
                    d = deviation(data, s, m)
                    v = None if d is None else d + 1
                else:
                    v = ratio(data, s, m)
                row.append("NaN" if v is None else f"{v:.4g}")
            f.write(" ".join(row) + "\n")
    png = "ratios.png"
    ok = gnuplot(f"""
set terminal pngcairo size 1100,500 font ",10"
set output "{png}"
set title "Ratio to the default scheduler (shares: to the ideal); \\
throughput: higher is better, the rest lower"
set termoption noenhanced
set bmargin 4
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set ylabel "ratio"
set logscale y
set yrange [0.1:300]
set grid ytics
set key top center horizontal samplen 2 width 2
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 2
plot for [i=2:{len(others) + 1}] "{dat}" using i:xtic(1) \\
	title columnheader(i)
""", resdir)
    return png if ok else None


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench-report.py DIR")
    resdir = sys.argv[1]
    data, scheds, header = load(os.path.join(resdir, "raw.txt"))
    rounds = {r for vals in data.values() for r in vals}
    if not data:
        sys.exit("bench-report: no results in " + resdir)

    plots = []
    if shutil.which("gnuplot"):
        for kind, title in (
                ("sat", "1 ms sleeper, a CPU hog on every CPU"),
                ("pin", "1 ms sleeper beside a CPU hog, both on CPU 0")):
            p = plot_hist(resdir, kind, title, scheds)
            if p:
                plots.append(p)
        p = plot_ratios(resdir, data, scheds)
        if p:
            plots.append(p)
    else:
        print("bench-report: no gnuplot, no plots", file=sys.stderr)

    text = report(data, scheds, header, len(rounds), plots)
    with open(os.path.join(resdir, "results.md"), "w") as f:
        f.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
