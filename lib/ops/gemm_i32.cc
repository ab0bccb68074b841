// Per-target GEMM macro-kernel for int32_t (one small TU per type, as vqsort).
#include "lib/ops/gemm.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "lib/ops/gemm_i32.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "lib/ops/gemm-inl.h"

HWY_BEFORE_NAMESPACE();
namespace amdahl {
namespace HWY_NAMESPACE {

ops::GemmTile GemmTileI32() { return GemmTileT<int32_t>(); }

void GemmMacroI32(ops::GemmTile tile, size_t mc, size_t nc, size_t kc,
                  const int32_t* a, ops::ALayout a_layout, const int32_t* b, ops::BLayout b_layout,
                  int32_t alpha, int32_t beta, int32_t* c, size_t ldc) {
  GemmMacroT(tile, mc, nc, kc, a, a_layout, b, b_layout, alpha, beta, c, ldc);
}

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace amdahl {
namespace ops {

HWY_EXPORT(GemmTileI32);
HWY_EXPORT(GemmMacroI32);

GemmTile GemmTileOf(const int32_t*) { return HWY_DYNAMIC_DISPATCH(GemmTileI32)(); }

void GemmMacro(GemmTile tile, size_t mc, size_t nc, size_t kc,
               const int32_t* a, ALayout a_layout, const int32_t* b, BLayout b_layout, int32_t alpha,
               int32_t beta, int32_t* c, size_t ldc) {
  HWY_DYNAMIC_DISPATCH(GemmMacroI32)(tile, mc, nc, kc, a, a_layout, b, b_layout,
                                       alpha, beta, c, ldc);
}

}  // namespace ops
}  // namespace amdahl
#endif  // HWY_ONCE
