// GEMV kernels on a row-major block, vectorized with Highway and dispatched
// to the best target at run time. No threads, no checks: the framework
// (lib/kernels/gemv.cc) validates, maps layouts and transposes, and splits.
//
// Both compute y = alpha * op(A) x + beta * y with A an m x n block at
// a[i * lda + j]; beta == 0 never reads y. Integers wrap around.
#ifndef AMDAHL_OPS_GEMV_H_
#define AMDAHL_OPS_GEMV_H_

#include <cstddef>
#include <cstdint>

#include "amdahl/dtypes.h"

namespace amdahl {
namespace ops {

#define AMDAHL_DECLARE_GEMV(T, ID, name)                                     \
  /* y[i] = alpha * (row i of A) . x + beta * y[i], i in [0, m): one dot   \
     product per row, four rows at a time sharing each load of x. */       \
  void GemvRows(size_t m, size_t n, T alpha, const T* a, size_t lda,        \
                const T* x, T beta, T* y);                                   \
  /* y[j] = alpha * (column j of A) . x + beta * y[j], j in [0, n): A^T x,  \
     streaming rows of A, four at a time, into a block of column sums. */  \
  void GemvCols(size_t m, size_t n, T alpha, const T* a, size_t lda,        \
                const T* x, T beta, T* y);                                   \
  /* The same, strips of column sums kept in registers while every row     \
     passes: one load a vector of A instead of 1.5 (faster while A is in    \
     cache; out of it, each row's few lines per strip defeat prefetching). */ \
  void GemvColStrips(size_t m, size_t n, T alpha, const T* a, size_t lda,   \
                     const T* x, T beta, T* y);

AMDAHL_FOR_EACH_DTYPE(AMDAHL_DECLARE_GEMV)
#undef AMDAHL_DECLARE_GEMV

}  // namespace ops
}  // namespace amdahl

#endif  // AMDAHL_OPS_GEMV_H_
