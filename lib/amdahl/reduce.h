// Reductions for every dtype (<amdahl/dtypes.h>): Sum and Dot.
//
// Deterministic: x is cut into leaves of kReduceLeaf (4096) elements, each
// reduced with 4 vector accumulators in a fixed order, and the leaf results
// are added pairwise in a fixed tree. Threads only decide who computes which
// leaf, so any thread count gives the same bits (on the same Highway target;
// another target has another lane count and may differ in the last bits).
//
// Error bound (floats, u = unit roundoff, N = lanes of the target: at least 4
// for f32 and 2 for f64 on every target):
//   |Sum(x) - sum x_i| <= g(n) * u * sum |x_i|
//   |Dot(x, y) - sum x_i y_i| <= (g(n) + 1) * u * sum |x_i y_i|
//   g(n) = ceil(min(n, 4096) / (4 N)) + log2(N) + 2 + ceil(log2(ceil(n / 4096)))
// (to first order in u). Integers wrap around (two's complement).
// Null pointers with n > 0 and overflowing sizes throw amdahl::Error.
#ifndef AMDAHL_REDUCE_H_
#define AMDAHL_REDUCE_H_

#include <cstddef>
#include <cstdint>

#include "amdahl/dtypes.h"
#include "amdahl/export.h"

namespace amdahl {

#define AMDAHL_REDUCE_API(T, ID, name)                                       \
  /* Returns the sum of x[i] for i in [0, n); 0 for n == 0. */              \
  AMDAHL_API T Sum(size_t n, const T* x);                                    \
  /* Returns the sum of x[i] * y[i] for i in [0, n); 0 for n == 0. */       \
  AMDAHL_API T Dot(size_t n, const T* x, const T* y);                        \
  /* The tree's parts, for reductions split across processes (MPI): the */  \
  /* leaf results of x (ceil(n / kReduceLeaf) of them, into partials), */   \
  /* and the pairwise tree over count partials (overwritten). Sum(n, x) */  \
  /* is SumPartials then PairwiseSum, bit for bit. */                       \
  AMDAHL_API void SumPartials(size_t n, const T* x, T* partials);            \
  AMDAHL_API void DotPartials(size_t n, const T* x, const T* y, T* partials); \
  AMDAHL_API T PairwiseSum(size_t count, T* partials);

AMDAHL_FOR_EACH_DTYPE(AMDAHL_REDUCE_API)
#undef AMDAHL_REDUCE_API

}  // namespace amdahl

#endif  // AMDAHL_REDUCE_H_
