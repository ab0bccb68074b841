"""amdahl's pool seen from threadpoolctl (Debian's 3.1) and from joblib's
process workers: limits are honoured, nothing is oversubscribed."""
import os

import pytest

import amdahl

threadpoolctl = pytest.importorskip("threadpoolctl")


def test_threadpool_info_lists_amdahl():
    info = [i for i in threadpoolctl.threadpool_info() if i["internal_api"] == "amdahl"]
    assert len(info) == 1, threadpoolctl.threadpool_info()
    assert info[0]["user_api"] == "amdahl" and info[0]["prefix"] == "libamdahl_c"
    assert info[0]["version"] == amdahl.__version__
    assert info[0]["num_threads"] == amdahl.num_threads()


def test_threadpool_limits_limits_amdahl_and_restores():
    before = amdahl.num_threads()
    with threadpoolctl.threadpool_limits(1):
        assert amdahl.num_threads() == 1
    assert amdahl.num_threads() == before
    with threadpoolctl.threadpool_limits(limits=1, user_api="amdahl"):
        assert amdahl.num_threads() == 1
    assert amdahl.num_threads() == before


def _seen_in_worker():
    import amdahl as a
    return a.num_threads(), os.environ.get("OMP_NUM_THREADS")


def test_joblib_loky_workers_honour_the_thread_limit():
    joblib = pytest.importorskip("joblib")
    # loky gives each of n_jobs workers cores // n_jobs threads through
    # OMP_NUM_THREADS; amdahl reads it.
    with joblib.parallel_backend("loky", inner_max_num_threads=1):
        seen = joblib.Parallel(n_jobs=2)(joblib.delayed(_seen_in_worker)() for _ in range(4))
    assert all(threads == 1 and omp == "1" for threads, omp in seen), seen
