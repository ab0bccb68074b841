// Elementwise kernels on one contiguous range, vectorized with Highway and
// dispatched to the best target at run time. No threads, no checks: the
// framework (lib/elementwise.cc) validates and splits the work.
//
// Outputs may be the very same array as an input (in place); any other overlap
// is undefined here. `stream` asks for non-temporal stores (for outputs far
// larger than the caches); it is a hint.
#ifndef AMDAHL_OPS_ELEMENTWISE_H_
#define AMDAHL_OPS_ELEMENTWISE_H_

#include <cstddef>
#include <cstdint>

#include "amdahl/dtypes.h"

namespace amdahl {
namespace ops {

#define AMDAHL_DECLARE_ELEMENTWISE(T, ID, name)                              \
  /* y[i] = a * x[i] */                                                      \
  void Scale(T a, const T* x, T* y, size_t n, bool stream);                  \
  /* y[i] += a * x[i] */                                                     \
  void Axpy(T a, const T* x, T* y, size_t n, bool stream);                   \
  /* z[i] = x[i] + y[i] */                                                   \
  void Add(const T* x, const T* y, T* z, size_t n, bool stream);             \
  /* z[i] = x[i] + a * y[i] (fused multiply-add for floats) */              \
  void Triad(const T* x, T a, const T* y, T* z, size_t n, bool stream);

AMDAHL_FOR_EACH_DTYPE(AMDAHL_DECLARE_ELEMENTWISE)
#undef AMDAHL_DECLARE_ELEMENTWISE

}  // namespace ops
}  // namespace amdahl

#endif  // AMDAHL_OPS_ELEMENTWISE_H_
