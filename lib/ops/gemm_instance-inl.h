// One dtype's GEMM entry points, per target and dispatched: included once per
// target by lib/ops/gemm_<dtype>.cc, which defines AMDAHL_GEMM_T. No include
// guard: every pass of foreach_target needs it. The code is gemm-inl.h's.

#include "hwy/highway.h"
#include "lib/ops/gemm-inl.h"
#include "lib/ops/gemm.h"

HWY_BEFORE_NAMESPACE();
namespace amdahl {
namespace HWY_NAMESPACE {

// (The type-tag argument keeps each dtype's symbol distinct.)
size_t GemmTilesOne(const AMDAHL_GEMM_T*, ops::GemmTile* tiles) {
  return TilesOf<AMDAHL_GEMM_T>(GemmTiles(), tiles);
}

void GemmMacroOne(ops::GemmTile tile, size_t mc, size_t nc, size_t kc, const AMDAHL_GEMM_T* a,
                  const ops::ALayout& a_layout, const AMDAHL_GEMM_T* b,
                  const ops::BLayout& b_layout, AMDAHL_GEMM_T alpha, AMDAHL_GEMM_T beta,
                  AMDAHL_GEMM_T* c, size_t ldc) {
  GemmMacroT(tile, mc, nc, kc, a, a_layout, b, b_layout, alpha, beta, c, ldc);
}

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace amdahl {
namespace ops {

HWY_EXPORT(GemmTilesOne);
HWY_EXPORT(GemmMacroOne);

size_t GemmTilesOf(const AMDAHL_GEMM_T* tag, GemmTile* tiles) {
  return HWY_DYNAMIC_DISPATCH(GemmTilesOne)(tag, tiles);
}

void GemmMacro(GemmTile tile, size_t mc, size_t nc, size_t kc, const AMDAHL_GEMM_T* a,
               const ALayout& a_layout, const AMDAHL_GEMM_T* b, const BLayout& b_layout,
               AMDAHL_GEMM_T alpha, AMDAHL_GEMM_T beta, AMDAHL_GEMM_T* c, size_t ldc) {
  HWY_DYNAMIC_DISPATCH(GemmMacroOne)(tile, mc, nc, kc, a, a_layout, b, b_layout, alpha, beta,
                                     c, ldc);
}

}  // namespace ops
}  // namespace amdahl
#endif  // HWY_ONCE
