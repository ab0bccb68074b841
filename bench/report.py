#!/usr/bin/env python3
"""Turns amdahl-bench's Google Benchmark JSON into a markdown report and plots,
and guards against regressions by ratios measured in the same run.

usage: report.py BENCH.json [--out DIR] [--guard] [--guard-only] [--readme]
       report.py --guard-filter

  --out DIR       write report.md and PNG plots there (default: beside the JSON)
  --guard         exit 1 when a same-run ratio falls under its threshold
  --guard-only    print only the guard lines (for a confirmation rerun)
  --guard-filter  print a --benchmark_filter regex for the guarded benchmarks
  --readme        print only the README's GEMM table (markdown)

Names (DESIGN.md): amdahl "<kernel>/<dtype>/<size>[/threads:<t>]", peers
"peer:<name>/<kernel>/<dtype>/<size>[/threads:<t>]", "peak/fma/<dtype>/threads:<t>";
gemmrect's size is a shape, "<m>x<n>x<k>".
Python standard library, plus Debian's python3-matplotlib for the plots.
"""
import argparse
import json
import os
import re
import sys
from collections import defaultdict

# Regression guard: amdahl / reference, both measured in this run. Generous,
# so that a noisy shared machine never fails a good change.
GUARDS = [
    # (what, amdahl key, reference key, minimum ratio)
    ("f32 GEMM n=512 vs OpenBLAS", ("gemm", "f32", 512), ("openblas", "gemm", "f32", 512), 0.7),
    ("f64 GEMM n=512 vs OpenBLAS", ("gemm", "f64", 512), ("openblas", "gemm", "f64", 512), 0.7),
    ("scale f32 16 Mi vs STREAM triad (-O3 -march=native, regular stores)", ("scale", "f32", 16777216), ("stream", "triad", "f32", 16777216), 0.8),
    ("triad f64 16 Mi vs STREAM triad (-O3 -march=native, regular stores)", ("triad", "f64", 16777216), ("stream", "triad", "f64", 16777216), 0.8),
    # 0.7: on the Zen 5 VM (2026-12-02) GEMV read 512 MiB at 37.6-39.1 GB/s, 0.79x STREAM's
    # triad (47.4-49.6), twice, while 1.10-1.20x OpenBLAS's GEMV in the same runs.
    ("GEMV f64 n=8192 (512 MiB) vs STREAM triad f64 16 Mi", ("gemv", "f64", 8192), ("stream", "triad", "f64", 16777216), 0.7),
    ("GEMV f64 n=8192 vs OpenBLAS", ("gemv", "f64", 8192), ("openblas", "gemv", "f64", 8192), 0.8),
]

NAME = re.compile(r"^(?:peer:(?P<peer>[a-z]+)/)?(?P<kernel>[a-z]+)/(?P<dtype>[a-z0-9]+)"
                  r"(?:/(?P<size>\d+(?:x\d+x\d+)?))?(?:/threads:(?P<threads>\d+))?$")


def size_of(text):
    """A name's size: an int, or for a shape (gemmrect's "<m>x<n>x<k>") its
    text, which sorts among its own kernel's sizes only."""
    if not text:
        return 0
    return int(text) if text.isdigit() else text


def load(path):
    """Returns (context, rates, used) with rates[(peer, kernel, dtype, size)][threads]
    = (value, unit), the median over repetitions when there are several, and
    used[key][threads] = the most threads amdahl's kernel used in that run (its
    counter threads_used; absent for peers)."""
    with open(path) as f:
        data = json.load(f)
    runs = defaultdict(list)
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        name = b.get("run_name", b["name"])
        for unit in ("GFLOPS", "GBps", "ns"):
            if unit in b:
                runs[name].append((b.get("run_type") == "aggregate", b[unit], unit,
                                   b.get("threads_used")))
    rates, used = defaultdict(dict), defaultdict(dict)
    for name, values in runs.items():
        m = NAME.match(name)
        if not m:
            continue
        # The median aggregate if present, else the only run.
        agg = [v for v in values if v[0]]
        _, value, unit, threads_used = agg[0] if agg else values[0]
        key = (m["peer"] or "amdahl", m["kernel"], m["dtype"], size_of(m["size"]))
        threads = int(m["threads"]) if m["threads"] else 0
        rates[key][threads] = (value, unit)
        if threads_used is not None:
            used[key][threads] = int(round(threads_used))
    return data.get("context", {}), rates, used


def best(entry):
    """Best rate over the thread variants (0 = the library's own choice)."""
    if not entry:
        return None, None
    threads, (value, unit) = max(entry.items(), key=lambda kv: kv[1][0])
    return value, threads


def own(entry):
    """amdahl at its own thread choice (the name without /threads:): what a
    user gets. None when this run has no such benchmark."""
    if not entry or 0 not in entry:
        return None
    return entry[0][0]


def rate_of(peer, entry):
    """What a figure shows: amdahl at its own choice, a peer at its best."""
    return own(entry) if peer == "amdahl" else best(entry)[0]


def own_defects(rates, used, slack=1.03):
    """Where amdahl's own choice lost to one of its fixed-thread runs in this
    run by more than `slack`: a tuner defect to show, not to hide. Returns
    (defects, noise): noise, where the own choice used as many threads as the
    faster run did (the same configuration: what this run's noise is; a run
    labelled with more threads may use fewer, as GEMM does below its
    threshold)."""
    defects, noise = [], []
    for (p, k, d, s), entry in sorted(rates.items()):
        mine = own(entry) if p == "amdahl" and k not in ("peak", "pool") else None
        if mine is None:
            continue
        fixed = [(v, t) for t, (v, _) in entry.items() if t > 0]
        if fixed:
            v, t = max(fixed)
            if v > slack * mine:
                threads_used = used.get((p, k, d, s), {})
                chose, ran = threads_used.get(0), threads_used.get(t, t)
                line = (f"- {k}/{d}/{s}: own choice {fmt(mine)}"
                        + (f" (on {chose} threads)" if chose else "")
                        + f" < {fmt(v)} on a fixed {t} threads"
                        + (f" (it used {ran})" if ran != t else "")
                        + f" ({v / mine:.2f}x)")
                (noise if chose == ran else defects).append(line)
    return defects, noise


def guard_filter():
    """A --benchmark_filter regex that selects every benchmark a guard reads."""
    names = set()
    for _, mine, ref, _ in GUARDS:
        names.add("/".join(str(p) for p in mine))
        names.add(f"peer:{ref[0]}/" + "/".join(str(p) for p in ref[1:]))
    return "^(" + "|".join(sorted(re.escape(n) for n in names)) + ")(/threads:[0-9]+)?$"


def fma_peaks(path):
    with open(path) as f:
        data = json.load(f)
    out = {}
    for b in data["benchmarks"]:
        m = re.match(r"^peak/fma/(f32|f64)/threads:(\d+)$", b.get("run_name", b["name"]))
        if m and "GFLOPS" in b and (b.get("run_type") != "aggregate" or b.get("aggregate_name") == "median"):
            out[(m[1], int(m[2]))] = b["GFLOPS"]
    return out


def fmt(v, digits=1):
    return "-" if v is None else f"{v:.{digits}f}"


def report(context, rates, used, peak, guard_lines):
    lines = []
    cores = int(context.get("amdahl_usable_cores", "1") or 1)
    lines.append("# amdahl benchmark report\n")
    lines.append(f"- CPU: {context.get('amdahl_cpu', '?')}, {cores} usable cores, "
                 f"Highway target {context.get('amdahl_target', '?')}")
    lines.append(f"- date: {context.get('date', '?')}, host {context.get('host_name', '?')}")
    lines.append(f"- compiler: {context.get('amdahl_compiler', '?')}; build: {context.get('amdahl_build', '?')}")
    for k, v in sorted(context.items()):
        if k.startswith("peer:"):
            lines.append(f"- {k} ran: {v}")
    coretype = context.get("OPENBLAS_CORETYPE")
    coretype = None if coretype in (None, "unset") else coretype
    lines.append("- OpenBLAS: " + (f"OPENBLAS_CORETYPE={coretype} (this machine's safety setting: "
                                   "OpenBLAS below its best)" if coretype else
                                   "OPENBLAS_CORETYPE unset (OpenBLAS at its best)"))
    lines.append(f"- FMA peak measured: f32 {fmt(peak.get(('f32', cores)))} GFLOPS, "
                 f"f64 {fmt(peak.get(('f64', cores)))} GFLOPS on {cores} cores\n")

    kernels = sorted({(k, d, s) for (p, k, d, s) in rates if p == "amdahl" and k not in ("peak", "pool")})
    lines.append("amdahl at its own thread choice (what a user gets; in brackets the threads "
                 "it used; a fixed-thread figure is labelled), each peer at its best thread count. STREAM: the OpenMP triad "
                 "built -O3 -march=native; STREAM-NT: the same with non-temporal stores. "
                 "plain: one thread, -O3 -march=native, reductions with `omp simd reduction`.\n")
    lines.append("| kernel | dtype | size | amdahl | threads | % peak | best peer | amdahl / best peer | amdahl / plain | amdahl / STREAM | amdahl / STREAM-NT |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for kernel, dtype, size in kernels:
        entry = rates[("amdahl", kernel, dtype, size)]
        value, threads = own(entry), 0
        if value is None:  # only fixed-thread runs of this one: labelled
            value, threads = best(entry)
        chose = used.get(("amdahl", kernel, dtype, size), {}).get(0)
        unit = next(iter(entry.values()))[1]
        peers = {p: best(rates[(p, kernel, dtype, size)])[0]
                 for p in ("openblas", "blis", "eigen", "xsmm", "dnnl") if (p, kernel, dtype, size) in rates}
        stream = best(rates.get(("stream", "triad", dtype, size), {}))[0] if unit == "GBps" else None
        stream_nt = best(rates.get(("streamnt", "triad", dtype, size), {}))[0] if unit == "GBps" else None
        plain = best(rates.get(("plain", kernel, dtype, size), {}))[0]
        best_peer = max(peers.items(), key=lambda kv: kv[1]) if peers else None
        pk = None
        if unit == "GFLOPS":
            wide = dtype in ("f64", "i64")
            # Of the cores it ran on: the own choice's threads where known.
            p = peak.get(("f64" if wide else "f32", threads or int(chose or cores)))
            pk = 100 * value / p if p else None
        lines.append(
            f"| {kernel} | {dtype} | {size} | {fmt(value)} {unit} | "
            f"{'fixed ' + str(threads) if threads else 'own choice' + (f' ({chose})' if chose else '')} | "
            f"{fmt(pk, 0) + ' %' if pk else '-'} | "
            f"{best_peer[0] + ' ' + fmt(best_peer[1]) if best_peer else '-'} | "
            f"{fmt(value / best_peer[1], 2) if best_peer else '-'} | "
            f"{fmt(value / plain, 2) if plain else '-'} | "
            f"{fmt(value / stream, 2) if stream else '-'} | "
            f"{fmt(value / stream_nt, 2) if stream_nt else '-'} |")
    defects, noise = own_defects(rates, used)
    lines.append("\namdahl's own thread choice below one of its fixed-thread runs (> 3 %): "
                 + ("none in this run." if not defects else ""))
    lines.extend(defects)
    if noise:
        lines.append("\nThe same thread count measured more than 3 % apart in this run (the "
                     "own choice and the faster fixed run used as many threads: noise, not "
                     "a choice):")
        lines.extend(noise)
    # The notebook's int64 1000^3 against the float64 detour's multiply
    # (OpenBLAS dgemm, same size): same flops, so the time ratio is the
    # inverse rate ratio. Issue 14's goal: at most 0.5.
    i64 = own(rates.get(("amdahl", "gemm", "i64", 1000), {}))
    dgemm = best(rates.get(("openblas", "gemm", "f64", 1000), {}))[0]
    if i64 and dgemm:
        lines.append(f"\nint64 GEMM 1000^3 (exact) takes {dgemm / i64:.2f}x the time of OpenBLAS "
                     f"dgemm 1000 ({fmt(2000 / i64, 2)} ms against "
                     f"{fmt(2000 / dgemm, 2)} ms).")
    fork = rates.get(("amdahl", "pool", "forkjoin", 0), {})
    omp = rates.get(("omp", "pool", "forkjoin", 0), {})
    if fork:
        lines.append(f"\nFork-join: amdahl {fmt(best(fork)[0], 0)} ns"
                     + (f", OpenMP {fmt(best(omp)[0], 0)} ns" if omp else "") + " (lower is better).")
    lines.append("\nRegression guard (same-run ratios):")
    lines.extend(guard_lines)
    return "\n".join(lines) + "\n"


def guard(rates):
    lines, ok = [], True
    for what, mine, ref, minimum in GUARDS:
        a = own(rates.get(("amdahl",) + mine, {}))
        b = best(rates.get(ref, {}))[0]
        if a is None or b is None:
            lines.append(f"- {what}: not measured in this run (skipped)")
            continue
        ratio = a / b
        passed = ratio >= minimum
        ok &= passed
        lines.append(f"- {what}: {ratio:.2f} (minimum {minimum}) {'ok' if passed else 'FAILED'}")
    return ok, lines


def plots(rates, out_dir):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return ["(python3-matplotlib missing: no plots)"]
    written = []
    for dtype in ("f32", "f64"):
        fig, ax = plt.subplots(figsize=(7, 4.5))
        for peer in ("amdahl", "openblas", "blis", "eigen", "plain"):
            pts = sorted((s, rate_of(p, e)) for (p, k, d, s), e in rates.items()
                         if p == peer and k == "gemm" and d == dtype and s and rate_of(p, e))
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=peer)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("n (n x n x n)")
        ax.set_ylabel("GFLOPS (amdahl: own thread choice; peers: best)")
        ax.set_title(f"GEMM {dtype}")
        ax.legend()
        path = os.path.join(out_dir, f"gemm-{dtype}.png")
        fig.savefig(path, dpi=100, bbox_inches="tight")
        plt.close(fig)
        written.append(path)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for peer, kernel, dtype, label in (("amdahl", "scale", "f32", "amdahl scale f32"),
                                      ("plain", "scale", "f32", "plain scale f32"),
                                      ("amdahl", "triad", "f64", "amdahl triad f64"),
                                      ("stream", "triad", "f64", "STREAM triad f64"),
                                      ("streamnt", "triad", "f64", "STREAM-NT triad f64")):
        pts = sorted((s * (8 if dtype == "f32" else 24), rate_of(p, e))
                     for (p, k, d, s), e in rates.items()
                     if p == peer and k == kernel and d == dtype and rate_of(p, e))
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=label)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("working set (bytes)")
    ax.set_ylabel("GB/s")
    ax.set_title("Streaming kernels against working-set size")
    ax.legend()
    path = os.path.join(out_dir, "stream.png")
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    written.append(path)
    # Speedup against threads for GEMM, with Amdahl's fit.
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for (p, k, d, s), e in sorted(rates.items()):
        if p != "amdahl" or k != "gemm" or not s or 1 not in e:
            continue
        ts = sorted(t for t in e if t >= 1)
        if len(ts) < 2:
            continue
        speedup = [e[t][0] / e[1][0] for t in ts]
        xs = [1 - 1 / t for t in ts[1:]]
        ys = [1 / sp - 1 / t for sp, t in zip(speedup[1:], ts[1:])]
        f = max(0.0, min(1.0, sum(x * y for x, y in zip(xs, ys)) / sum(x * x for x in xs)))
        line, = ax.plot(ts, speedup, marker="o", linestyle="none", label=f"gemm {d} {s}: f = {f:.3f}")
        grid = [1 + i * (max(16, 2 * ts[-1]) - 1) / 60 for i in range(61)]
        ax.plot(grid, [1 / (f + (1 - f) / t) for t in grid], color=line.get_color())
    ax.plot([1, 16], [1, 16], linestyle="--", color="gray", label="ideal")
    ax.set_xlabel("threads p")
    ax.set_ylabel("speedup S(p)")
    ax.set_title("GEMM speedup against threads, Amdahl fit 1/S = f + (1 - f)/p")
    ax.legend(fontsize=7)
    path = os.path.join(out_dir, "speedup.png")
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    written.append(path)
    return written


def readme_table(rates, peak, cores):
    rows = ["| n | f32 amdahl | OpenBLAS | BLIS | Eigen | % peak | f64 amdahl | OpenBLAS | BLIS | Eigen | % peak |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    sizes = sorted({s for (p, k, d, s) in rates if p == "amdahl" and k == "gemm" and d in ("f32", "f64")})
    for n in sizes:
        cells = [str(n)]
        for dtype in ("f32", "f64"):
            mine = own(rates.get(("amdahl", "gemm", dtype, n), {}))
            cells.append(fmt(mine, 0))
            for peer in ("openblas", "blis", "eigen"):
                cells.append(fmt(best(rates.get((peer, "gemm", dtype, n), {}))[0], 0))
            p = peak.get((dtype, cores))
            cells.append(f"{100 * mine / p:.0f} %" if mine and p else "-")
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("json", nargs="?")
    ap.add_argument("--out")
    ap.add_argument("--guard", action="store_true")
    ap.add_argument("--guard-only", action="store_true")
    ap.add_argument("--guard-filter", action="store_true")
    ap.add_argument("--readme", action="store_true")
    args = ap.parse_args()
    if args.guard_filter:
        print(guard_filter())
        return 0
    if not args.json:
        ap.error("BENCH.json is required")
    context, rates, used = load(args.json)
    peak = fma_peaks(args.json)
    cores = int(context.get("amdahl_usable_cores", "1") or 1)
    if args.readme:
        sys.stdout.write(
            f"Measured {context.get('date', '?')[:10]} on {context.get('amdahl_cpu', '?')}, {cores} cores, "
            f"Highway target {context.get('amdahl_target', '?')}, {context.get('amdahl_compiler', '?')}, "
            f"{context.get('amdahl_build', '?')}; OpenBLAS ran {context.get('peer:openblas', '?')} "
            f"(OPENBLAS_CORETYPE {context.get('OPENBLAS_CORETYPE', '?')}), BLIS ran "
            f"{context.get('peer:blis', '?')}. GFLOPS; amdahl at its own thread choice, each peer at "
            f"its best thread count.\n\n")
        sys.stdout.write(readme_table(rates, peak, cores))
        return 0
    ok, guard_lines = guard(rates)
    if args.guard_only:
        sys.stdout.write("\n".join(guard_lines) + "\n")
        return 1 if args.guard and not ok else 0
    out_dir = args.out or os.path.dirname(os.path.abspath(args.json))
    os.makedirs(out_dir, exist_ok=True)
    text = report(context, rates, used, peak, guard_lines)
    written = plots(rates, out_dir)
    text += "\nPlots: " + ", ".join(written) + "\n"
    with open(os.path.join(out_dir, "report.md"), "w") as f:
        f.write(text)
    sys.stdout.write(text)
    if args.guard and not ok:
        sys.stderr.write("report.py: a same-run ratio fell under its threshold\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
