"""amdahl.dask.matmul on a LocalCluster of two worker processes against
numpy: every dtype, exact for integers, uneven chunks, bad input, and the
thread budget (Dask threads x amdahl threads <= cores)."""
import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

import amdahl  # noqa: E402
import amdahl.dask  # noqa: E402


def rand(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 10, shape).astype(dtype)


# Before the cluster fixture exists (module order): Dask's local threads.
def test_without_a_cluster_numpy_inputs():
    a, b = rand((20, 30), np.int64, 5), rand((30, 10), np.int64, 6)
    got = amdahl.dask.matmul(a, b)
    np.testing.assert_array_equal(got.compute(scheduler="threads"), a @ b)


def test_bad_input_names_the_argument():
    a = da.zeros((4, 5), dtype=np.float32, chunks=2)
    with pytest.raises(ValueError, match="inner dimensions 5 and 4 differ"):
        amdahl.dask.matmul(a, da.zeros((4, 3), dtype=np.float32))
    with pytest.raises(TypeError, match="a has dtype float32 but b has dtype float64"):
        amdahl.dask.matmul(a, da.zeros((5, 3), dtype=np.float64))
    with pytest.raises(TypeError, match="b has dtype complex64"):
        amdahl.dask.matmul(a, da.zeros((5, 3), dtype=np.complex64))
    with pytest.raises(ValueError, match="b has 1 dimensions"):
        amdahl.dask.matmul(a, da.zeros(5, dtype=np.float32))
    with pytest.raises(TypeError, match="b is None"):
        amdahl.dask.matmul(a, None)


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as c:
            yield c


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
def test_matmul_matches_numpy(client, dtype):
    a, b = rand((230, 170), dtype, 1), rand((170, 90), dtype, 2)
    da_a = da.from_array(a, chunks=(64, 50))
    da_b = da.from_array(b, chunks=(40, 32))  # rechunked to a's columns
    got = amdahl.dask.matmul(da_a, da_b).compute()
    assert got.dtype == dtype and got.shape == (230, 90)
    # Small integers: every dtype's result is exact here.
    np.testing.assert_array_equal(got, a @ b)


def test_int64_large_values_exact(client):
    a = np.random.default_rng(3).integers(-2**20, 2**20, (100, 80))
    b = np.random.default_rng(4).integers(-2**20, 2**20, (80, 60))
    got = amdahl.dask.matmul(da.from_array(a, chunks=30), da.from_array(b, chunks=25))
    np.testing.assert_array_equal(got.compute(), a @ b)


def test_thread_budget_never_oversubscribes(client):
    budget = amdahl.dask.thread_budget(client)
    cores = client.run(amdahl.dask._usable_cores)
    workers = client.scheduler_info()["workers"]
    for host, threads in budget.items():
        dask_threads = sum(w["nthreads"] for w in workers.values() if w["host"] == host)
        assert threads >= 1
        assert threads == 1 or threads * dask_threads <= min(cores.values())
    # Inside a task: the host's budget.
    seen = client.gather(client.map(amdahl.dask._threads_here, [budget] * 4, pure=False))
    assert set(seen) <= set(budget.values())
