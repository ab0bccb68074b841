// Reduction kernels on one contiguous range, vectorized with Highway and
// dispatched to the best target at run time. No threads, no checks.
//
// The range is cut into leaves of `leaf` elements (the last may be shorter);
// each leaf is reduced with 4 vector accumulators combined in a fixed order,
// so a leaf's result depends only on its data and the target, never on how
// leaves are spread over threads. Integers wrap around.
#ifndef AMDAHL_OPS_REDUCE_H_
#define AMDAHL_OPS_REDUCE_H_

#include <cstddef>
#include <cstdint>

#include "amdahl/dtypes.h"

namespace amdahl {
namespace ops {

#define AMDAHL_DECLARE_REDUCE(T, ID, name)                                   \
  /* partials[j] = sum of x over leaf j of [0, n) */                         \
  void SumLeaves(const T* x, size_t n, size_t leaf, T* partials);           \
  /* partials[j] = sum of x[i] * y[i] over leaf j of [0, n) */               \
  void DotLeaves(const T* x, const T* y, size_t n, size_t leaf, T* partials);

AMDAHL_FOR_EACH_DTYPE(AMDAHL_DECLARE_REDUCE)
#undef AMDAHL_DECLARE_REDUCE

}  // namespace ops
}  // namespace amdahl

#endif  // AMDAHL_OPS_REDUCE_H_
