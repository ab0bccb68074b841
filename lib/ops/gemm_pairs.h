// Integer GEMM on 16-bit pairs: when every element of op(A) and op(B) fits
// in int16, a multiply of two int16 pairs summed into an int32 lane
// (vpmaddwd on x86: 2 products per 32-bit lane, twice the lanes of a float
// FMA) gives the integer product exactly while the int32 sums cannot
// overflow. On Zen 4 (2026-11-30) its tiles run at 1.5-1.7x the f32 FMA
// rate; on Intel the multiply has one port to the FMA's two, so whether it
// pays is machine data (lib/kernels/gemm_pairs.h).
//
// Layout: both operands are copied whole, once, as 32-bit words holding a
// pair of k-neighbours (low half: element 2q, high half: 2q + 1, zero past
// k): B in nr-column slivers as lib/ops/gemm.h's, b[q * nr + j]; A as rows
// of words read in place (not transposed: no transpose to pay) or in mr-row
// slivers, a[q * mr + r]. The microkernel broadcasts A's words and
// multiplies them with B's, accumulating in int32 registers.
// No threads, no checks: lib/kernels/gemm_pairs.cc blocks and splits.
#ifndef AMDAHL_OPS_GEMM_PAIRS_H_
#define AMDAHL_OPS_GEMM_PAIRS_H_

#include <cstddef>
#include <cstdint>

#include "amdahl/export.h"
#include "lib/ops/gemm.h"

namespace amdahl {
namespace ops {

// The register tile the pairs run on here (one per target).
AMDAHL_API GemmTile GemmPairsTile();

#define AMDAHL_DECLARE_GEMM_PAIRS(I)                                                        \
  /* Packs the depth x extent block of X (element (p, e) at x[p * ld + e], or           \
     x[e * ld + p] when trans) into ceil(extent / width) slivers of ceil(depth / 2)     \
     pair words x width: dst[(s * pairs + q) * width + c] holds X(2q, s * width + c)    \
     and X(2q + 1, ...) as int16 (truncated: the caller checks the range), zero past    \
     depth and extent. *lo and *hi get the smallest and largest element read.          \
     depth, extent >= 1. */                                                              \
  AMDAHL_API void PackPairs(const I* x, size_t ld, bool trans, size_t depth, size_t extent, \
                            size_t width, int32_t* dst, I* lo, I* hi);                     \
  /* The rows of x (rows x depth, row stride ld) as rows of pair words: word q of row  \
     r (at dst[r * dst_stride + q]) holds x[r][2q] and x[r][2q + 1] (zero past depth),  \
     truncated to int16; *lo and *hi as PackPairs's. For A read in place: no           \
     transpose, a vector at a time. rows, depth >= 1. */                                \
  AMDAHL_API void PairRowsOf(const I* x, size_t ld, size_t rows, size_t depth, int32_t* dst, \
                             size_t dst_stride, I* lo, I* hi);                             \
  /* C[0, mc) x [0, nc) = alpha * A_panel * B_block + beta * C (wrapping), over       \
     `pairs` pair words of k, on GemmPairsTile(): A's word (i, q) where a_layout puts  \
     element (i, p) of lib/ops/gemm.h (packed slivers or rows in place), sliver s of B \
     at b + s * b_sliver_stride with rows nr words apart. The caller keeps every sum   \
     within int32. */                                                                   \
  AMDAHL_API void GemmPairsMacro(size_t mc, size_t nc, size_t pairs, const int32_t* a,      \
                                 ALayout a_layout, const int32_t* b,                        \
                                 size_t b_sliver_stride, I alpha, I beta, I* c, size_t ldc);
AMDAHL_DECLARE_GEMM_PAIRS(int32_t)
AMDAHL_DECLARE_GEMM_PAIRS(int64_t)
#undef AMDAHL_DECLARE_GEMM_PAIRS

}  // namespace ops
}  // namespace amdahl

#endif  // AMDAHL_OPS_GEMM_PAIRS_H_
