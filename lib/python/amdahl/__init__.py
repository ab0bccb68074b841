"""amdahl: SIMD-plus-threads kernels that tune themselves to the machine, on
numpy arrays (float32, float64, int32, int64).

Arrays are taken without a copy when C- or Fortran-ordered (rows or columns
may be strided); other layouts are copied once. The GIL is released while a
kernel of 32 Ki elements or more runs (a smaller one takes less time than
releasing and retaking it). Bad shapes raise ValueError and bad dtypes TypeError, naming the
arguments, before anything is written to `out`.

The thread count is process-wide: set_num_threads(), `with threads(n):` and
threadpoolctl's limits apply to every Python thread of the process.
"""
import contextlib
import json

from ._amdahl import (__version__, add, axpy, dot, gemm, gemv, num_threads,  # noqa: F401
                      scale, set_num_threads, sum, topology, triad)
from . import _amdahl
from ._progress import ProgressBar
from .speedup import Speedup  # noqa: F401
from .speedup import measure as _measure_speedup

_EFFORTS = {"estimate": 0, "measure": 1, "patient": 2}


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


def wisdom_path():
    """The wisdom file this process reads (and tune() writes by default)."""
    return _amdahl._wisdom_path()


def set_wisdom_path(path):
    """Makes `path` this process's wisdom file ("" : the environment's choice)
    and loads it; returns whether it holds wisdom for this host."""
    return _amdahl._set_wisdom_path(str(path))


def config(kernel, dtype, n):
    """The configuration a call of `kernel` on `dtype` at size n runs with now
    (threads, cutoffs, blocks) and where it came from: "source" is "wisdom",
    "interpolated" or "defaults", "wisdom" the file. n: elements for the
    streaming kernels; for gemv an int (square) or (rows, cols); for gemm an
    int (square) or (m, n, k)."""
    kernel = str(kernel)
    want = {"gemm": 3, "gemv": 2}.get(kernel, 1)
    if isinstance(n, (tuple, list)):
        shape = [int(v) for v in n]
    else:
        shape = [int(n)] * want
    return json.loads(_amdahl._config(kernel, dtype, shape))


class TuneResult(list):
    """tune()'s table: a list of dicts, one a kernel, dtype and size
    (kernel, dtype, size, threads, blocks, rate, unit, peak_fraction,
    speedup, serial_cutoff); .ceilings (FMA peaks, memory bandwidth,
    fork-join cost), .wisdom (the file written), .amdahl (speedup curves,
    when asked for)."""

    def __init__(self, summary):
        super().__init__(summary["results"])
        self.ceilings = summary["ceilings"]
        self.host = summary["host"]
        self.wisdom = summary["wisdom"]
        self.amdahl = summary["amdahl"]


def tune(budget=60, kernels=None, dtypes=None, progress=True, effort="measure",
         wisdom=None, curves=False):
    """Runs the tuner in this process within `budget` seconds and saves what it
    finds into `wisdom` (default: wisdom_path()), merged with what the file
    holds; later calls run with it. kernels / dtypes: names ("gemm", "dot";
    "f32", "i64") or None for all. progress: True (a bar on a terminal and in
    a notebook, lines otherwise), False, or a callable(what, done, total,
    seconds_left). Ctrl-C stops it and saves nothing. Returns a TuneResult."""
    if effort not in _EFFORTS:
        raise ValueError(f"effort = {effort!r} is none of {sorted(_EFFORTS)}")

    def names(arg, value):
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        try:
            return ",".join(str(v) for v in value)
        except TypeError:
            raise TypeError(f"{arg} = {value!r} is not a name or a list of names") from None

    bar = None
    if progress is True:
        bar = callback = ProgressBar(budget)
    elif progress is False or progress is None:
        callback = None
    elif callable(progress):
        callback = progress
    else:
        raise TypeError(f"progress = {progress!r} is not True, False or a callable")
    try:
        text = _amdahl._tune(float(budget), _EFFORTS[effort], names("kernels", kernels),
                             names("dtypes", dtypes), bool(curves),
                             None if wisdom is None else str(wisdom), callback)
    finally:
        if bar is not None:
            bar.close()
    return TuneResult(json.loads(text))


def speedup(kernel, dtype, n, max_threads=None):
    """Measures `kernel` on `dtype` at n (elements; the side of a square matrix
    for gemv and gemm) on 1..max_threads threads (default: num_threads())
    under this process's wisdom. Returns a Speedup: the curve, the Amdahl fit,
    Karp-Flatt and the roofline; .plot() draws them. Takes seconds."""
    return _measure_speedup(kernel, dtype, n, max_threads)
from . import _threadpoolctl
_threadpoolctl_registration = _threadpoolctl.register()
