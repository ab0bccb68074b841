// The GEMM macro-kernel: C block += packed A panel x packed B block, on the
// best Highway target. No threads, no checks; the framework (lib/gemm.cc)
// packs, blocks and splits.
//
// Microkernel contract (as BLIS's, row-major): an mr x nr tile of C is kept
// in registers as mr rows of nr / N vectors. Over p in [0, kc) it loads nr
// values of the packed B sliver (b[p * nr + j]) and broadcasts mr values of
// the packed A sliver (a[p * mr + i]), accumulating with fused multiply-adds.
// Then C_tile = alpha * acc + beta * C_tile; beta == 0 never reads C. Edge
// tiles (fewer than mr rows or nr columns left) are computed in full on the
// zero-padded slivers and only the valid part is written.
#ifndef AMDAHL_OPS_GEMM_H_
#define AMDAHL_OPS_GEMM_H_

#include <cstddef>
#include <cstdint>

namespace amdahl {
namespace ops {

// The register tile of the target that dispatch chose now.
struct GemmTile {
  size_t mr;
  size_t nr;
};

#define AMDAHL_DECLARE_GEMM(T)                                                \
  GemmTile GemmTileOf(const T* type_tag);                                     \
  /* C[0, mc) x [0, nc) = alpha * A_panel * B_block + beta * C, where        \
     a_packed holds ceil(mc / mr) slivers of kc x mr and b_packed holds      \
     ceil(nc / nr) slivers of kc x nr. `tile` must be GemmTileOf(T). */      \
  void GemmMacro(GemmTile tile, size_t mc, size_t nc, size_t kc,              \
                 const T* a_packed, const T* b_packed, T alpha, T beta, T* c, \
                 size_t ldc);

AMDAHL_DECLARE_GEMM(float)
AMDAHL_DECLARE_GEMM(double)
AMDAHL_DECLARE_GEMM(int32_t)
AMDAHL_DECLARE_GEMM(int64_t)
#undef AMDAHL_DECLARE_GEMM

}  // namespace ops
}  // namespace amdahl

#endif  // AMDAHL_OPS_GEMM_H_
