"""The Python module against numpy: every function and dtype, C and Fortran
order, strided and empty inputs, out= rules, bad input with the exact
exception, the GIL released, threads, fork. Run by `meson test` with
Debian's python3 and PYTHONPATH at the build folder."""
import multiprocessing
import threading
import time

import numpy as np
import pytest

import amdahl

DTYPES = [np.float32, np.float64, np.int32, np.int64]


def rand(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if np.issubdtype(dtype, np.integer):
        return rng.integers(-100, 100, shape).astype(dtype)
    return rng.uniform(-1, 1, shape).astype(dtype)


def close(got, want, dtype, k=1):
    """Integers exact; floats within (k + 2) u times the magnitude."""
    if np.issubdtype(dtype, np.integer):
        np.testing.assert_array_equal(got, want)
    else:
        u = np.finfo(dtype).eps / 2
        np.testing.assert_allclose(got, want, rtol=0, atol=(k + 2) * u * max(1.0, k) * 4)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [0, 1, 7, 33, 20000])
def test_streaming_kernels(dtype, n):
    x, y = rand(n, dtype, 1), rand(n, dtype, 2)
    close(amdahl.scale(3, x), (3 * x).astype(dtype), dtype)
    close(amdahl.add(x, y), x + y, dtype)
    close(amdahl.triad(x, 2, y), (x + 2 * y).astype(dtype), dtype)
    z = y.copy()
    amdahl.axpy(2, x, z)
    close(z, (y + 2 * x).astype(dtype), dtype)
    close(amdahl.sum(x), x.sum(dtype=dtype), dtype, n)
    close(amdahl.dot(x, y), np.dot(x, y), dtype, n)


@pytest.mark.parametrize("dtype", DTYPES)
def test_strided_vectors_are_copied_not_misread(dtype):
    x = rand(101, dtype)[::3]
    close(amdahl.scale(2, x), (2 * x).astype(dtype), dtype)
    close(amdahl.sum(x), x.sum(dtype=dtype), dtype, x.size)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("m,n,k", [(0, 3, 4), (1, 1, 1), (17, 33, 9), (64, 65, 66)])
def test_matmul_every_order(dtype, order, m, n, k):
    a = np.asarray(rand((m, k), dtype, 1), order=order)
    b = np.asarray(rand((k, n), dtype, 2), order=order)
    close(amdahl.matmul(a, b), a @ b, dtype, k)
    # Views: transposed and row-sliced operands, zero-copy through ld.
    close(amdahl.matmul(b.T, a.T), b.T @ a.T, dtype, k)
    big = rand((m, k + 5), dtype, 3)
    close(amdahl.matmul(big[:, :k], b), big[:, :k] @ b, dtype, k)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_alpha_beta_transposes_out(dtype):
    a, b = rand((20, 30), dtype, 1), rand((40, 20), dtype, 2)
    c = rand((30, 40), dtype, 3)
    want = (2 * (a.T @ b.T) + 3 * c).astype(dtype)
    out = c.copy()
    got = amdahl.gemm(a, b, alpha=2, beta=3, out=out, trans_a=True, trans_b=True)
    assert got is out
    close(out, want, dtype, 20)


def test_int64_matmul_is_the_notebooks_parallel_dot_exact():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 10, (1000, 1000), dtype=np.int64)
    b = rng.integers(0, 10, (1000, 1000), dtype=np.int64)
    got = amdahl.matmul(a, b)
    want = (a.astype(np.float64) @ b.astype(np.float64)).astype(np.int64)  # exact: < 2^53
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("order", ["C", "F"])
def test_gemv(dtype, order):
    a = np.asarray(rand((37, 45), dtype, 1), order=order)
    x, xt = rand(45, dtype, 2), rand(37, dtype, 3)
    close(amdahl.gemv(a, x), a @ x, dtype, 45)
    close(amdahl.gemv(a, xt, trans=True), a.T @ xt, dtype, 37)
    y = rand(37, dtype, 4)
    want = (2 * (a @ x) - y).astype(dtype)
    amdahl.gemv(a, x, alpha=2, beta=-1, out=y)
    close(y, want, dtype, 45)


def test_shape_errors_are_value_errors_naming_the_arguments():
    with pytest.raises(ValueError, match=r"a has shape \(2, 3\) and b has shape \(4, 2\)"):
        amdahl.matmul(np.ones((2, 3)), np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"x has shape \(3,\) but y has shape \(4,\)"):
        amdahl.dot(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="a has 1 dimensions"):
        amdahl.matmul(np.ones(3), np.ones((3, 3)))
    with pytest.raises(ValueError, match="beta = 2 scales out, but out is None"):
        amdahl.gemm(np.ones((2, 2)), np.ones((2, 2)), beta=2)


def test_dtype_errors_are_type_errors_naming_both():
    with pytest.raises(TypeError, match="x has dtype float64 but y has dtype float32"):
        amdahl.add(np.ones(3), np.ones(3, np.float32))
    with pytest.raises(TypeError, match="x has dtype complex128"):
        amdahl.scale(2, np.ones(3, np.complex128))
    with pytest.raises(TypeError, match="x is None"):
        amdahl.sum(None)


def test_bad_out_writes_nothing():
    a, b = np.ones((4, 4)), np.ones((4, 4))
    out = np.full((4, 5), 7.0)
    with pytest.raises(ValueError, match=r"out has shape \(4, 5\)"):
        amdahl.matmul(a, b, out=out)
    assert (out == 7).all()
    out32 = np.full((4, 4), 7, np.float32)
    with pytest.raises(TypeError):
        amdahl.matmul(a, b, out=out32)
    assert (out32 == 7).all()
    with pytest.raises(ValueError, match="out shares memory with an input"):
        amdahl.matmul(a, b, out=a)
    assert (a == 1).all()


def test_the_gil_is_released_while_a_kernel_runs():
    a = rand((1500, 1500), np.float64)
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    with amdahl.threads(1):
        t.start()
        time.sleep(0.01)
        before = len(ticks)
        start = time.perf_counter()
        for _ in range(3):
            amdahl.matmul(a, a)
        elapsed = time.perf_counter() - start
        during = len(ticks) - before
    stop.set()
    t.join()
    # The other thread kept ticking while the products ran.
    assert during >= max(3, int(elapsed / 0.001 * 0.2)), (during, elapsed)


def test_threads_context_manager_restores():
    n = amdahl.num_threads()
    with amdahl.threads(1):
        assert amdahl.num_threads() == 1
    assert amdahl.num_threads() == n
    assert amdahl.topology()["usable_cores"] >= 1


def _child(q):
    a = rand((64, 64), np.float64)
    q.put(bool(np.allclose(amdahl.matmul(a, a), a @ a)))


def test_fork_child_computes():
    amdahl.matmul(np.ones((64, 64)), np.ones((64, 64)))  # the pool exists before fork
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q,))
    p.start()
    assert q.get(timeout=60)
    p.join(60)
    assert p.exitcode == 0
