"""numpy under the BLAS door: with libamdahl_blas.so preloaded, numpy's
matrix products land in amdahl (its trace says so) and agree with numpy's
own loops (einsum without optimization, which calls no BLAS).

usage: numpy_preload_test.py LIBAMDAHL_BLAS  (run with Debian's python3)
"""
import os
import subprocess
import sys


def child():
    import numpy as np

    rng = np.random.default_rng(3)
    for dtype, tol in ((np.float64, 1e-12), (np.float32, 1e-4)):
        a = rng.uniform(-1, 1, (300, 200)).astype(dtype)
        b = rng.uniform(-1, 1, (200, 150)).astype(dtype)
        x = rng.uniform(-1, 1, 200).astype(dtype)
        want = np.einsum("ij,jk->ik", a, b, optimize=False)
        assert np.allclose(a @ b, want, rtol=tol, atol=tol * 200), f"{dtype} matmul"
        assert np.allclose(a.T.copy().T @ b, want, rtol=tol, atol=tol * 200)
        # A Fortran-ordered operand and a transposed view: other BLAS flags.
        assert np.allclose(np.asfortranarray(a) @ b.T.copy().T, want, rtol=tol, atol=tol * 200)
        assert np.allclose(a.T @ a, np.einsum("ki,kj->ij", a, a, optimize=False),
                           rtol=tol, atol=tol * 300)
        assert np.allclose(a @ x, np.einsum("ij,j->i", a, x, optimize=False),
                           rtol=tol, atol=tol * 200), f"{dtype} matvec"
        assert np.isclose(x @ x, np.einsum("i,i->", x, x, optimize=False),
                          rtol=tol, atol=tol * 200), f"{dtype} dot"
    print("numpy results agree")


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--child":
        child()
        return 0
    lib = os.path.abspath(sys.argv[1])
    env = dict(os.environ, LD_PRELOAD=lib, AMDAHL_BLAS_TRACE="1")
    r = subprocess.run([sys.executable, __file__, "--child"], env=env,
                       capture_output=True, text=True)
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    if r.returncode != 0:
        return 1
    missing = [f for f in ("cblas_dgemm", "cblas_sgemm", "cblas_dgemv", "cblas_sgemv")
               if f"amdahl-blas: {f} runs on amdahl" not in r.stderr]
    if missing:
        print(f"numpy did not reach amdahl for {missing}", file=sys.stderr)
        return 1
    print("numpy's products ran on amdahl")
    return 0


if __name__ == "__main__":
    sys.exit(main())
