"""amdahl past one machine, for Dask users: matmul(A, B) of dask arrays with
amdahl's GEMM on every block pair (da.matmul calls numpy per block, whose
int64 loop is the slow one: numpy issue 14556).

Threads are budgeted: on a host whose workers have T Dask threads in all and
see C usable cores, each block product runs amdahl on max(1, C // T)
threads, so Dask's threads times amdahl's never exceed the cores (amdahl's
count is process-wide: it is set while products run and given back after
the last one)."""
import contextlib
import os
import threading

import numpy as np

from . import _amdahl

_SUPPORTED = (np.float32, np.float64, np.int32, np.int64)


class _ThreadBudget:
    """Sets amdahl's (process-wide) count while any block product of this
    process runs, and restores the count from before when the last ends."""

    def __init__(self):
        self._lock = threading.Lock()
        self._active = 0
        self._before = None

    @contextlib.contextmanager
    def __call__(self, threads):
        with self._lock:
            if self._active == 0:
                self._before = _amdahl.num_threads()
                _amdahl.set_num_threads(threads)
            self._active += 1
        try:
            yield
        finally:
            with self._lock:
                self._active -= 1
                if self._active == 0:
                    _amdahl.set_num_threads(self._before)


_budget = _ThreadBudget()


def _usable_cores():
    return max(1, int(_amdahl.topology()["usable_cores"]))


def thread_budget(client):
    """amdahl's threads per block product on each host of a distributed
    cluster: the fewest usable cores a worker there sees, over the Dask
    threads of all the workers on that host (at least 1). {host: threads}."""
    from distributed.comm import get_address_host
    workers = client.scheduler_info()["workers"]
    cores = client.run(_usable_cores)
    threads_on, cores_on = {}, {}
    for address, worker in workers.items():
        host = get_address_host(address)
        threads_on[host] = threads_on.get(host, 0) + int(worker["nthreads"])
        cores_on[host] = min(cores_on.get(host, cores.get(address, 1)), cores.get(address, 1))
    return {host: max(1, cores_on[host] // threads_on[host]) for host in threads_on}


def _local_threads():
    """The budget without a distributed cluster: Dask's local scheduler may
    run as many tasks at once as it has threads."""
    import dask
    scheduler = dask.config.get("scheduler", None)
    if scheduler in ("sync", "synchronous", "single-threaded"):
        return _usable_cores()
    tasks = int(dask.config.get("num_workers", None) or os.cpu_count() or 1)
    return max(1, _usable_cores() // max(1, tasks))


def _threads_here(budgets):
    if budgets:
        try:
            from distributed import get_worker
            from distributed.comm import get_address_host
            return budgets.get(get_address_host(get_worker().address), 1)
        except (ImportError, ValueError):
            pass
    return _local_threads()


def _block_product(a_blocks, b_blocks, budgets=None):
    """C_ij = sum over k of A_ik B_kj: one GEMM per block pair, accumulated
    in place (beta = 1), exact for integers."""
    with _budget(_threads_here(budgets)):
        out = None
        for a, b in zip(a_blocks, b_blocks):
            if out is None:
                out = _amdahl.gemm(a, b)
            else:
                _amdahl.gemm(a, b, beta=1, out=out)
        return out


def matmul(a, b, client=None):
    """a @ b for 2-D dask (or numpy) arrays of one dtype (float32, float64,
    int32, int64) with amdahl's GEMM per block pair. b's row chunks follow
    a's column chunks. The thread budget comes from `client`'s cluster (by
    default the current distributed client, if any; else Dask's local
    threads). Returns a dask array (nothing runs until computed)."""
    import dask.array as da
    if a is None or b is None:
        raise TypeError(f"{'a' if a is None else 'b'} is None; an array is needed")
    a, b = da.asarray(a), da.asarray(b)
    for name, x in (("a", a), ("b", b)):
        if x.ndim != 2:
            raise ValueError(f"{name} has {x.ndim} dimensions {x.shape}; 2 expected")
        if x.dtype.type not in _SUPPORTED:
            raise TypeError(f"{name} has dtype {x.dtype}; amdahl takes float32, float64, "
                            "int32 or int64")
    if a.dtype != b.dtype:
        raise TypeError(f"a has dtype {a.dtype} but b has dtype {b.dtype}")
    if a.shape[1] != b.shape[0]:
        raise ValueError(f"a has shape {a.shape} and b has shape {b.shape}: inner "
                         f"dimensions {a.shape[1]} and {b.shape[0]} differ")
    b = b.rechunk((a.chunks[1], b.chunks[1]))
    if client is None:
        try:
            from distributed import default_client
            client = default_client()
        except (ImportError, ValueError):
            client = None
    budgets = thread_budget(client) if client is not None else None
    return da.blockwise(_block_product, "ij", a, "ik", b, "kj", dtype=a.dtype,
                        concatenate=False, align_arrays=False,
                        meta=np.empty((0, 0), dtype=a.dtype), budgets=budgets)
