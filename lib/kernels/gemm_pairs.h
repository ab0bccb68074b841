// Integer GEMM on int16 pairs (lib/ops/gemm_pairs.h): both operands packed
// whole, once, in parallel, their range scanned on the way; then blocks of
// k shallow enough that no int32 sum overflows, split among threads as the
// float GEMM's. Whether it pays is machine data: on Zen 4 its tiles beat
// the f32 FMA by 1.5-1.7x (int64 1000^3: 6.0 ms against the float path's
// 10.4); on Intel's AVX-512 the 16-bit multiply has one port to the FMA's
// two, so its multiplies should about tie, and it still saves the float
// copies and the conversion back (not measured there yet). amdahl-tune
// times it against the float path and stores exact_gemm.int16_pairs; it
// runs unless the wisdom says it lost.
#ifndef AMDAHL_KERNELS_GEMM_PAIRS_H_
#define AMDAHL_KERNELS_GEMM_PAIRS_H_

#include <cstddef>
#include <cstdint>

#include "amdahl/export.h"

namespace amdahl {

// The largest |element| the pairs take: -32768 is left out so that a pair
// of products (at most 2 x 32767^2) fits an int32 lane.
constexpr uint64_t kPairMax = 32767;

// Whether the integer GEMM tries the pairs first: the setting of
// detail::SetIntegerGemmOnPairs, else the wisdom's int16_pairs, else yes.
// (Exported for the tests.)
AMDAHL_API bool PairsEnabled();

// Row-major C = alpha op(A) op(B) + beta C (wrapping) on int16 pairs when
// every element of op(A) and op(B) is within +-kPairMax and blocks of k at
// least 128 deep keep the int32 sums in range; returns false (nothing
// written) otherwise, or when the packed copies would pass 1 GiB. Arguments
// are checked by the caller (amdahl::Gemm). (Exported for the tests.)
AMDAHL_API bool GemmOnPairs(bool trans_a, bool trans_b, size_t m, size_t n, size_t k,
                            int32_t alpha, const int32_t* a, size_t lda, const int32_t* b,
                            size_t ldb, int32_t beta, int32_t* c, size_t ldc);
AMDAHL_API bool GemmOnPairs(bool trans_a, bool trans_b, size_t m, size_t n, size_t k,
                            int64_t alpha, const int64_t* a, size_t lda, const int64_t* b,
                            size_t ldb, int64_t beta, int64_t* c, size_t ldc);

}  // namespace amdahl

#endif  // AMDAHL_KERNELS_GEMM_PAIRS_H_
