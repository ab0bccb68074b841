// Elementwise kernels for every dtype (<amdahl/dtypes.h>): vectorized (best Highway
// target at run time) and threaded only when the size pays for it.
//
// The output may be the very same array as an input (in place, e.g. Scale
// with y == x); any other overlap throws amdahl::Error, as do null pointers
// with n > 0 and sizes whose byte count overflows. Nothing is written then.
// Integer arithmetic wraps around (two's complement). Axpy and Triad round
// once (fused multiply-add) on targets with FMA (AVX2 and up) and twice on
// SSE4 and the scalar fallback.
#ifndef AMDAHL_ELEMENTWISE_H_
#define AMDAHL_ELEMENTWISE_H_

#include <cstddef>
#include <cstdint>

#include "amdahl/dtypes.h"
#include "amdahl/export.h"

namespace amdahl {

#define AMDAHL_ELEMENTWISE_API(T, ID, name)                                  \
  /* y[i] = a * x[i] for i in [0, n) */                                      \
  AMDAHL_API void Scale(size_t n, T a, const T* x, T* y);                    \
  /* y[i] = a * x[i] + y[i] */                                               \
  AMDAHL_API void Axpy(size_t n, T a, const T* x, T* y);                     \
  /* z[i] = x[i] + y[i] */                                                   \
  AMDAHL_API void Add(size_t n, const T* x, const T* y, T* z);               \
  /* z[i] = x[i] + a * y[i] */                                               \
  AMDAHL_API void Triad(size_t n, const T* x, T a, const T* y, T* z);

AMDAHL_FOR_EACH_DTYPE(AMDAHL_ELEMENTWISE_API)
#undef AMDAHL_ELEMENTWISE_API

}  // namespace amdahl

#endif  // AMDAHL_ELEMENTWISE_H_
