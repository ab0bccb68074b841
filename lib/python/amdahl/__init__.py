"""amdahl: SIMD-plus-threads kernels that tune themselves to the machine, on
numpy arrays (float32, float64, int32, int64).

Arrays are taken without a copy when C- or Fortran-ordered (rows or columns
may be strided); other layouts are copied once. The GIL is released while a
kernel runs. Bad shapes raise ValueError and bad dtypes TypeError, naming the
arguments, before anything is written to `out`.
"""
import contextlib

from ._amdahl import (__version__, add, axpy, dot, gemm, gemv, num_threads,  # noqa: F401
                      scale, set_num_threads, sum, topology, triad)


def matmul(a, b, out=None):
    """a @ b (2-D) with amdahl's GEMM; int64 is exact (the notebook's parallel_dot)."""
    return gemm(a, b, out=out)


@contextlib.contextmanager
def threads(n):
    """Runs the block with amdahl's kernels on n threads (process-wide: every
    Python thread of the process sees it), then restores the count."""
    before = num_threads()
    set_num_threads(n)
    try:
        yield
    finally:
        set_num_threads(before)
