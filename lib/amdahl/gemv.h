// Matrix-vector multiply for every dtype (<amdahl/dtypes.h>):
//   y = alpha * op(A) * x + beta * y,  op(A) = A or A^T,
// A is m x n, stored row-major (element (i, j) at a[i * lda + j]) or, with
// Layout::kColMajor, column-major (at a[j * lda + i]) as in the reference
// BLAS. x has n elements (m when transposed), y has m (n when transposed);
// both contiguous.
//
// BLAS semantics: an empty y does nothing; an empty x or alpha == 0 only
// scales y by beta (A and x are not read). beta == 0 never reads y (NaN
// already in y does not leak). Integers wrap around. Arguments are checked
// before anything is written: null pointers where elements are accessed, a
// leading dimension too small for the stored shape, sizes whose products
// overflow, and y overlapping A or x throw amdahl::Error naming the
// argument.
//
// Float results are within (k + 2) * u * (|alpha| |A| |x| + |beta| |y|) of
// the exact result, elementwise (k: the length of x, u: unit roundoff).
// Memory-bound: threaded over rows of op(A) (columns of the stored matrix
// when that is the contiguous way) above a tuned size.
#ifndef AMDAHL_GEMV_H_
#define AMDAHL_GEMV_H_

#include <cstddef>
#include <cstdint>

#include "amdahl/dtypes.h"
#include "amdahl/export.h"
#include "amdahl/layout.h"

namespace amdahl {

#define AMDAHL_GEMV_API(T, ID, name)                                         \
  AMDAHL_API void Gemv(Trans trans, size_t m, size_t n, T alpha, const T* a, \
                       size_t lda, const T* x, T beta, T* y,                 \
                       Layout layout = Layout::kRowMajor);

AMDAHL_FOR_EACH_DTYPE(AMDAHL_GEMV_API)
#undef AMDAHL_GEMV_API

}  // namespace amdahl

#endif  // AMDAHL_GEMV_H_
