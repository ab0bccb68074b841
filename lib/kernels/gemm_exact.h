// Integer GEMM on the float units, exactly. When every product and partial
// sum of op(A) op(B) stays within 2^24 (float) or 2^53 (double) in
// magnitude, the integers are exact in that float type, and so is any
// order of their sums: the float GEMM (FMA units, many times the integer
// multiply's rate) gives the integer result bit for bit. The bound is
// max|A| max|B| k, from one scan of A and B.
#ifndef AMDAHL_KERNELS_GEMM_EXACT_H_
#define AMDAHL_KERNELS_GEMM_EXACT_H_

#include <cstddef>
#include <cstdint>

#include "amdahl/export.h"

namespace amdahl {

// The float type an m x n x k integer product can run in exactly.
enum class ExactFloat { kNone, kF32, kF64 };

// Returns the float type whose integers hold every partial sum of a k-deep
// product of elements bounded by max_a and max_b, when the bound also fits
// the integer type (int_max: no sum wraps, so no float-to-integer
// conversion saturates); kNone otherwise. (Exported for the tests.)
AMDAHL_API ExactFloat ExactFloatFor(uint64_t max_a, uint64_t max_b, size_t k, uint64_t int_max);

// Row-major C = alpha op(A) op(B) + beta C (wrapping) through the float
// GEMM, when the values allow it and the product is large enough to gain;
// returns false (nothing written) otherwise. Arguments are checked by the
// caller (amdahl::Gemm).
bool GemmExactOnFloat(bool trans_a, bool trans_b, size_t m, size_t n, size_t k,
                      int32_t alpha, const int32_t* a, size_t lda, const int32_t* b,
                      size_t ldb, int32_t beta, int32_t* c, size_t ldc);
bool GemmExactOnFloat(bool trans_a, bool trans_b, size_t m, size_t n, size_t k,
                      int64_t alpha, const int64_t* a, size_t lda, const int64_t* b,
                      size_t ldb, int64_t beta, int64_t* c, size_t ldc);

}  // namespace amdahl

#endif  // AMDAHL_KERNELS_GEMM_EXACT_H_
