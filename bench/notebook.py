#!/usr/bin/python3
"""The notebook that started amdahl, re-run on this machine: every cell's
way of doing the work, timed in one run, one table; then the Python goals and
the speedup plot of the int64 product.

  PYTHONPATH=build/lib/python /usr/bin/python3 bench/notebook.py [--plot FILE]

numpy's OpenBLAS picks its kernels from the CPU (threadpoolctl's
"architecture" is printed); to compare with OpenBLAS at its best where it
misdetects the CPU, set OPENBLAS_CORETYPE for this command alone."""
import argparse
import datetime
import os
import platform
import sys
import time

import numpy as np

import amdahl


def best_time(f, repeats=5, budget_s=20.0):
    """The fastest of `repeats` runs (each batch long enough for the clock),
    fewer when the first run is slow: seconds per call."""
    # Each case starts on a quiet machine: the previous one's threads (OpenBLAS's
    # spin for a while after a call, joblib's pools wind down) would otherwise
    # run beside it.
    time.sleep(0.5)
    f()  # warm: pools, pages, caches
    calls, t = 1, 0.0
    while True:
        t0 = time.perf_counter()
        for _ in range(calls):
            f()
        t = time.perf_counter() - t0
        if t >= 2e-3 or calls >= 1 << 20:
            break
        calls *= 2
    best = t / calls
    deadline = time.perf_counter() + budget_s
    for _ in range(repeats - 1):
        if time.perf_counter() > deadline:
            break
        t0 = time.perf_counter()
        for _ in range(calls):
            f()
        best = min(best, (time.perf_counter() - t0) / calls)
    return best


def fmt(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.1f} us"
    return f"{seconds * 1e9:.0f} ns"


def f(k):
    return 2 * k


def parallel_dot(a, b, n_jobs):
    """The notebook's: the rows of a split over n_jobs joblib workers."""
    from joblib import Parallel, delayed
    parts = np.array_split(np.arange(a.shape[0]), n_jobs)
    rows = Parallel(n_jobs=n_jobs)(delayed(np.dot)(a[p], b) for p in parts)
    return np.vstack(rows)


def openblas_architecture():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (no threadpoolctl)"
    archs = [i.get("architecture", "?") for i in threadpool_info()
             if i.get("internal_api") == "openblas"]
    return ", ".join(archs) or "none loaded"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", default="build/notebook-speedup.png",
                        help="where to save the speedup plot (PNG)")
    parser.add_argument("--quick", action="store_true",
                        help="one run of the slow cells (for CI)")
    args = parser.parse_args()
    repeats = 1 if args.quick else 5
    import joblib
    from joblib import Parallel, delayed

    topo = amdahl.topology()
    cores = amdahl.num_threads()
    print(f"machine: {topo['cpu_model']}, {topo['usable_cores']} cores, amdahl target "
          f"{topo['target']}; {datetime.date.today()}; Python {platform.python_version()}, "
          f"numpy {np.__version__} (OpenBLAS {openblas_architecture()}), joblib "
          f"{joblib.__version__}, amdahl {amdahl.__version__} on {cores} threads")

    rows = []

    def row(cell, how, seconds, baseline=None, check=True):
        rows.append((cell, how, seconds, baseline, check))

    # Cell 1: f(k) = 2k over 20,000 items.
    n = 20000
    ks = list(range(n))
    x = np.arange(n, dtype=np.int64)
    want = 2 * x
    t_list = best_time(lambda: [f(k) for k in ks])
    row("2k x 20,000", "list comprehension", t_list)
    slow = dict(repeats=1 if args.quick else 3, budget_s=30)
    t = best_time(lambda: Parallel(n_jobs=cores)(delayed(f)(k) for k in ks), **slow)
    row("2k x 20,000", f"joblib loky, n_jobs={cores}", t, t_list)
    t = best_time(lambda: Parallel(n_jobs=cores, prefer="threads")(delayed(f)(k) for k in ks),
                  **slow)
    row("2k x 20,000", f"joblib threading, n_jobs={cores}", t, t_list)
    t_np2x = best_time(lambda: 2 * x, repeats=max(repeats, 7))
    row("2k x 20,000", "numpy 2 * x", t_np2x, t_list)
    out = np.empty_like(x)
    t_scale = best_time(lambda: amdahl.scale(2, x, out=out), repeats=max(repeats, 7))
    row("2k x 20,000", "amdahl.scale(2, x, out=)", t_scale, t_list,
        np.array_equal(amdahl.scale(2, x), want))
    t_scale_new = best_time(lambda: amdahl.scale(2, x), repeats=max(repeats, 7))
    row("2k x 20,000", "amdahl.scale(2, x)", t_scale_new, t_list)

    # Cell 2: int64 1000 x 1000 randint(0, 10) matrices.
    rng = np.random.default_rng(0)
    a = rng.integers(0, 10, (1000, 1000), dtype=np.int64)
    b = rng.integers(0, 10, (1000, 1000), dtype=np.int64)
    exact = amdahl.matmul(a, b)
    t_npdot = best_time(lambda: np.dot(a, b), repeats=1 if args.quick else 2, budget_s=10)
    row("int64 1000^2 product", "np.dot (numpy's integer loop)", t_npdot,
        check=np.array_equal(np.dot(a, b), exact))
    t = best_time(lambda: parallel_dot(a, b, cores), repeats=1 if args.quick else 2,
                  budget_s=10)
    row("int64 1000^2 product", f"joblib parallel_dot, n_jobs={cores}", t, t_npdot,
        np.array_equal(parallel_dot(a, b, cores), exact))
    detour = lambda: (a.astype(np.float64) @ b.astype(np.float64)).astype(np.int64)  # noqa
    t_detour = best_time(detour, repeats=max(repeats, 3))
    row("int64 1000^2 product", "float64 detour (OpenBLAS), cast back", t_detour, t_npdot,
        np.array_equal(detour(), exact))
    t_matmul = best_time(lambda: amdahl.matmul(a, b), repeats=max(repeats, 3))
    row("int64 1000^2 product", "amdahl.matmul (exact int64)", t_matmul, t_npdot)

    # A tiny call: what a Python user pays per call.
    s8 = np.ones(8)
    t_tiny = best_time(lambda: amdahl.dot(s8, s8), repeats=max(repeats, 7))
    t_tiny_np = best_time(lambda: np.dot(s8, s8), repeats=max(repeats, 7))
    row("dot of 8 float64", "np.dot", t_tiny_np)
    row("dot of 8 float64", "amdahl.dot", t_tiny, t_tiny_np)

    print()
    print(f"| cell | how | time | speedup | result |")
    print(f"|---|---|---:|---:|---|")
    for cell, how, seconds, baseline, check in rows:
        speedup = f"{baseline / seconds:.1f}x" if baseline else "1x"
        print(f"| {cell} | {how} | {fmt(seconds)} | {speedup} | "
              f"{'exact' if check else 'WRONG'} |")

    print("\nGoals (Python, this run):")
    goals = [
        ("amdahl.scale(2, x) at 20,000 at least as fast as numpy 2 * x",
         t_scale_new <= t_np2x, f"{fmt(t_scale_new)} vs {fmt(t_np2x)}"),
        ("int64 matmul 1000 at least 100x np.dot", t_npdot / t_matmul >= 100,
         f"{t_npdot / t_matmul:.0f}x"),
        ("int64 matmul 1000 faster than the float64 detour", t_matmul < t_detour,
         f"{fmt(t_matmul)} vs {fmt(t_detour)}"),
        ("call overhead of a tiny dot under 2 us", t_tiny < 2e-6, fmt(t_tiny)),
    ]
    for what, ok, measured in goals:
        print(f"  {'met ' if ok else 'MISSED'}  {what}: {measured}")

    s = amdahl.speedup("gemm", "i64", 1000)
    print(f"\nspeedup of int64 matmul 1000: {s}")
    s.plot(path=args.plot)
    print(f"plot: {os.path.abspath(args.plot)}")
    return 0 if all(r[4] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
