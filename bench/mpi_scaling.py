#!/usr/bin/python3
"""Strong scaling of the distributed GEMM over ranks, with Amdahl's fit:
communication (the panel broadcasts, the redistribution) plays the serial
part. Runs build/bench/amdahl-mpi-bench under mpirun at 1..R ranks (one core
each), prints the table with speedup, Amdahl's serial fraction and
Karp-Flatt, and saves the plot (amdahl.Speedup's, if the Python module is
importable).

  /usr/bin/python3 bench/mpi_scaling.py [--ranks 1,2] [--n 4096] [--dtype f64]
      [--bench build/bench/amdahl-mpi-bench] [--plot mpi-scaling.png]

With --paired K it instead answers "what does going through MPI cost on
this host": K rounds, each running R ranks x 1 core (R = the largest of
--ranks) and then one process on R threads (amdahl's single-process Gemm,
unbound), back to back, so that both sides of each ratio see the same
machine state; prints every round's ratio and their median."""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def run(bench, ranks, n, dtype, nb, peers=True, bind=True):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "bench.json")
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        # One core a rank: Open MPI binds each rank to a core. Unbound, one
        # rank's pool spreads over every core it may use.
        placement = ["--bind-to", "core", "--map-by", "core"] if bind else ["--bind-to", "none"]
        cmd = ["mpirun", "-np", str(ranks), *placement, bench, "--sizes", str(n),
               "--dtypes", dtype, "--nb", str(nb), "--peers", "scalapack" if peers else "none",
               "--out", out]
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
        with open(out) as f:
            return json.load(f)["benchmarks"]


def fit(speedup):
    """Amdahl's serial fraction by least squares on 1/S - 1/p = f (1 - 1/p),
    and Karp-Flatt per p >= 2 (as autotune/fit.cc)."""
    sxy = sxx = 0.0
    karp_flatt = []
    for i, s in enumerate(speedup[1:], start=2):
        x, y = 1 - 1 / i, 1 / s - 1 / i
        sxy += x * y
        sxx += x * x
        karp_flatt.append(y / x)
    f = min(1.0, max(0.0, sxy / sxx)) if sxx else 0.0
    return f, karp_flatt


def paired(args, ranks, rounds):
    """Round by round: R ranks through the MPI front, then the single-process
    Gemm on R threads; the ratio of each pair, and the median."""
    ratios = []
    print(f"| round | {ranks} ranks GFLOPS | 1 process x {ranks} threads GFLOPS | ratio |")
    print("|---:|---:|---:|---:|")
    for i in range(rounds):
        mpi = {b["name"]: b for b in run(args.bench, ranks, args.n, args.dtype, args.nb, False)}
        local = {b["name"]: b for b in run(args.bench, 1, args.n, args.dtype, args.nb, False,
                                           bind=False)}
        g = mpi[f"mpi/gemm/{args.dtype}/{args.n}/ranks:{ranks}"]["GFLOPS"]
        l = local[f"gemm/{args.dtype}/{args.n}"]["GFLOPS"]
        ratios.append(g / l)
        print(f"| {i + 1} | {g:.1f} | {l:.1f} | {g / l:.3f} |", flush=True)
    ratios.sort()
    mid = len(ratios) // 2
    median = ratios[mid] if len(ratios) % 2 else (ratios[mid - 1] + ratios[mid]) / 2
    print(f"median ratio {median:.3f} (min {ratios[0]:.3f}, max {ratios[-1]:.3f}) over "
          f"{rounds} rounds")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ranks", default="1,2")
    p.add_argument("--n", type=int, default=4096)
    p.add_argument("--dtype", default="f64")
    p.add_argument("--nb", type=int, default=128)
    p.add_argument("--bench", default="build/bench/amdahl-mpi-bench")
    p.add_argument("--plot", default="mpi-scaling.png")
    p.add_argument("--paired", type=int, default=0, metavar="K",
                   help="K interleaved rounds of the largest rank count against one process")
    args = p.parse_args()
    ranks = [int(r) for r in args.ranks.split(",")]
    if args.paired:
        return paired(args, max(ranks), args.paired)
    rates, peers = [], []
    for r in ranks:
        rows = {b["name"].split("/ranks:")[0]: b for b in run(args.bench, r, args.n, args.dtype, args.nb)}
        rates.append(rows[f"mpi/gemm/{args.dtype}/{args.n}"]["GFLOPS"])
        peer = rows.get(f"peer:scalapack/mpi/gemm/{args.dtype}/{args.n}")
        peers.append(peer["GFLOPS"] if peer else None)
    speedup = [r / rates[0] for r in rates]
    f, karp_flatt = fit(speedup)
    print(f"| ranks | amdahl GFLOPS | speedup | ScaLAPACK GFLOPS |")
    print(f"|---:|---:|---:|---:|")
    for r, g, s, q in zip(ranks, rates, speedup, peers):
        print(f"| {r} | {g:.1f} | {s:.2f} | {'-' if q is None else f'{q:.1f}'} |")
    ceiling = "none" if f == 0 else f"{1 / f:.1f}x"
    print(f"Amdahl: f = {f:.3f} (communication as the serial part), ceiling {ceiling}; "
          f"Karp-Flatt {' '.join(f'{e:.3f}' for e in karp_flatt)}")
    if ranks != list(range(1, len(ranks) + 1)):
        return 0
    try:
        sys.path.insert(0, "build/lib/python")
        from amdahl.speedup import Speedup
    except ImportError:
        return 0
    s = Speedup({"kernel": f"mpi/gemm/{args.dtype}/{args.n} over ranks", "threads": ranks,
                 "speedup": speedup, "rate": rates, "unit": "GFLOPS", "serial_fraction": f,
                 "ceiling": -1 if f == 0 else 1 / f, "karp_flatt": karp_flatt,
                 "bandwidth_bound": False, "roof_core": 0, "roof_memory": 0,
                 "ceilings": {}, "ceilings_from": "none"})
    s.plot(path=args.plot, xlabel="ranks p (one core each)")
    print(f"plot: {os.path.abspath(args.plot)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
