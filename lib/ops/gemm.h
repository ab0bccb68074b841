// The GEMM macro-kernel: C block += packed A panel x packed B block, on the
// best Highway target (GemmMacroOf: a plain function per tile, which the
// framework finds once per target). No threads, no checks; the framework
// (lib/kernels/gemm.cc) packs, blocks and splits.
//
// Microkernel contract (as BLIS's, row-major): an mr x nr tile of C is kept
// in registers as mr rows of nr / N vectors. Over p in [0, kc) it loads nr
// values of the B sliver (packed: b[p * nr + j]) and broadcasts mr values of
// the A sliver (packed: a[p * mr + i]), accumulating with fused multiply-adds.
// Small operands may be read in place instead of packed (ALayout, BLayout).
// Then C_tile = alpha * acc + beta * C_tile; beta == 0 never reads C. Edge
// tiles (fewer than mr rows or nr columns left) are computed on narrower
// tiles where the target has them (4 or 2 rows; half- or quarter-width
// vectors) and in full on the zero-padded slivers otherwise, and only the
// valid part is written. The last few columns past the whole vectors may
// instead be dot products along k (A read in place, floats).
#ifndef AMDAHL_OPS_GEMM_H_
#define AMDAHL_OPS_GEMM_H_

#include <cstddef>
#include <cstdint>

#include "amdahl/dtypes.h"

namespace amdahl {
namespace ops {

// A register tile of the target that dispatch chose now: mr rows x nr
// columns, nr = a whole number of vectors of `lanes`.
struct GemmTile {
  size_t mr;
  size_t nr;
  size_t lanes;
};

// The most tiles one target compiles.
constexpr size_t kMaxGemmTiles = 8;

// Where the macro-kernel finds element (p, j) of the B block:
// b[p * row_stride + (j / nr) * sliver_stride + j % nr]. Packed slivers:
// {nr, nr * kc}. B read in place (row-major, not transposed): {ldb, nr};
// columns past nc are never read (a last, partial vector is loaded under a
// mask where the target has one, else lane by lane).
struct BLayout {
  size_t row_stride;
  size_t sliver_stride;
};

// Where the macro-kernel finds element (i, p) of the A panel:
// a[(i / mr) * sliver_stride + (i % mr) * row_stride + p * col_stride].
// Packed slivers: {1, mr, mr * kc}. A read in place (row-major, not
// transposed): {lda, 1, mr * lda}; rows past mc are never read.
struct ALayout {
  size_t row_stride;
  size_t col_stride;
  size_t sliver_stride;
};

// A macro-kernel of one register tile on one target: C[0, mc) x [0, nc) =
// alpha * A_panel * B_block + beta * C, with A and B laid out as a_layout and
// b_layout say; kc >= 1 (a tile's first step of k multiplies: an empty
// product is the framework's, as beta * C).
template <typename T>
using GemmMacroFn = void (*)(size_t mc, size_t nc, size_t kc, const T* a,
                             const ALayout& a_layout, const T* b, const BLayout& b_layout,
                             T alpha, T beta, T* c, size_t ldc);

#define AMDAHL_DECLARE_GEMM(T, ID, name)                                      \
  /* Writes the target's register tiles for T to tiles[0, count) and      \
     returns count (<= kMaxGemmTiles); tiles[0] is the default. */          \
  size_t GemmTilesOf(const T* type_tag, GemmTile* tiles);                   \
  /* The running target's macro-kernel of `tile`, for an A panel packed in  \
     slivers ({1, mr, mr * kc}) or read in place ({lda, 1, mr * lda}): a   \
     plain function, so that the framework finds it once per target        \
     instead of dispatching on every call. nullptr if `tile` is not one   \
     of GemmTilesOf(T). */                                                  \
  GemmMacroFn<T> GemmMacroOf(const T* type_tag, GemmTile tile, bool packed_a);

AMDAHL_FOR_EACH_DTYPE(AMDAHL_DECLARE_GEMM)
#undef AMDAHL_DECLARE_GEMM

}  // namespace ops
}  // namespace amdahl

#endif  // AMDAHL_OPS_GEMM_H_
