#!/usr/bin/python3
"""int64 n x n randint(0, 10) on a Dask LocalCluster of two worker processes
(one thread each): Dask's own A @ B (numpy per block) against
amdahl.dask.matmul, in the same run, both on persisted inputs.

  PYTHONPATH=build/lib/python /usr/bin/python3 bench/dask_matmul.py [n]"""
import sys
import time

import dask.array as da
import numpy as np
from distributed import Client, LocalCluster

import amdahl
import amdahl.dask


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    topo = amdahl.topology()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        rng = np.random.default_rng(0)
        a = rng.integers(0, 10, (n, n))
        b = rng.integers(0, 10, (n, n))
        da_a = da.from_array(a, chunks=(n // 2, n // 2))
        da_b = da.from_array(b, chunks=(n // 2, n // 2))
        da_a, da_b = client.persist([da_a, da_b])
        print(f"{topo['cpu_model']}, {topo['usable_cores']} cores, target {topo['target']}; "
              f"int64 {n} x {n} in {n // 2} x {n // 2} chunks; 2 workers x 1 thread; "
              f"amdahl threads per block product: {amdahl.dask.thread_budget(client)}")
        t0 = time.perf_counter()
        ours = amdahl.dask.matmul(da_a, da_b).compute()
        t_ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        theirs = (da_a @ da_b).compute()
        t_theirs = time.perf_counter() - t0
        print(f"Dask A @ B: {t_theirs:.2f} s; amdahl.dask.matmul: {t_ours:.2f} s "
              f"({t_theirs / t_ours:.1f}x); equal: {np.array_equal(ours, theirs)}")


if __name__ == "__main__":
    main()
