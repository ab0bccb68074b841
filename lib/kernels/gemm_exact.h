// Integer GEMM on the float units, exactly. When every product and partial
// sum of op(A) op(B) stays within 2^24 (float) or 2^53 (double) in
// magnitude, the integers are exact in that float type, and so is any
// order of their sums: the float GEMM (FMA units, many times the integer
// multiply's rate) gives the integer result bit for bit. The bound is
// max|A| max|B| k, from one scan of A and B; a k too deep for it is cut
// into blocks that are not.
#ifndef AMDAHL_KERNELS_GEMM_EXACT_H_
#define AMDAHL_KERNELS_GEMM_EXACT_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "amdahl/export.h"

namespace amdahl {

// The exact integer paths' copies (float, sliced or int16 pairs) together
// take at most kExactMaxCopyBytes, and each calling thread keeps up to
// kExactKeepBytes of them between calls (a fresh block would fault its
// pages in on every call: 24 MB of floats for the notebook's 1000^2).
constexpr size_t kExactMaxCopyBytes = size_t{1} << 30;
constexpr size_t kExactKeepBytes = size_t{64} << 20;

// The largest |x| over a range [lo, hi] of an integer type, as unsigned (the
// type's minimum included).
template <typename I>
uint64_t AbsMax(I lo, I hi) {
  // -(lo + 1) + 1 does not overflow for the minimum.
  const uint64_t abs_lo = lo < 0 ? static_cast<uint64_t>(-(lo + 1)) + 1 : 0;
  return std::max<uint64_t>(abs_lo, hi > 0 ? static_cast<uint64_t>(hi) : 0);
}

// The float type an integer product runs in exactly, and the depth of k
// per float GEMM.
enum class ExactFloat { kNone, kF32, kF64 };
struct ExactPlan {
  ExactFloat type;
  size_t k_block;  // k itself, or blocks added in integer arithmetic
};

// Plans a k-deep product of elements bounded by max_a and max_b: float when
// max_a max_b k <= 2^24; else float in blocks of k whose sums stay within
// 2^24 while they are at least 256 deep (the blocks' results added as
// integers, as FFLAS-FFPACK does); else double, whole (<= 2^53) or in blocks
// at least 64 deep; kNone when even double's blocks would be shallow.
// Every block's sums must also fit the integer type (int_max): the
// conversion back does not wrap. (Exported for the tests.)
AMDAHL_API ExactPlan PlanExact(uint64_t max_a, uint64_t max_b, size_t k, uint64_t int_max);

// Past PlanExact, int64 operands are cut into slices (Ozaki): A = sum of
// A_i 2^(bits_a i), B likewise, and every slice product runs on the float
// path. Whether that pays depends on the machine's integer multiply: on Zen
// 4 (2026-11-30) its integer kernels run int64 1000^3 in 31 ms and double's
// path in 22 ms, so even two products lose; on the Xeon (2026-11-24) 47 ms
// against 15. The most products that pay is measured by amdahl-tune and
// read from the wisdom (HostWisdom::int64_slice_products); without it the
// library does not slice.
constexpr size_t kMaxSlices = 3;
struct SlicePlan {
  size_t slices_a, slices_b;
  int bits_a, bits_b;
  ExactPlan exact;  // of every slice product (each slice within 2^bits)
};
// The plan with the fewest products, at most max_products, whose every
// product PlanExact takes; slices_a == 0 when there is none.
AMDAHL_API SlicePlan PlanSlices(uint64_t max_a, uint64_t max_b, size_t k, size_t max_products);

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
