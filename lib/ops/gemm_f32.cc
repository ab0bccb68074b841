// Per-target GEMM macro-kernel for float (one small TU per type, as vqsort).
#include "lib/ops/gemm.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "lib/ops/gemm_f32.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "lib/ops/gemm-inl.h"

HWY_BEFORE_NAMESPACE();
namespace amdahl {
namespace HWY_NAMESPACE {

ops::GemmTile GemmTileF32() { return GemmTileT<float>(); }

void GemmMacroF32(ops::GemmTile tile, size_t mc, size_t nc, size_t kc,
                  const float* a, ops::ALayout a_layout, const float* b, ops::BLayout b_layout,
                  float alpha, float beta, float* c, size_t ldc) {
  GemmMacroT(tile, mc, nc, kc, a, a_layout, b, b_layout, alpha, beta, c, ldc);
}

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace amdahl {
namespace ops {

HWY_EXPORT(GemmTileF32);
HWY_EXPORT(GemmMacroF32);

GemmTile GemmTileOf(const float*) { return HWY_DYNAMIC_DISPATCH(GemmTileF32)(); }

void GemmMacro(GemmTile tile, size_t mc, size_t nc, size_t kc,
               const float* a, ALayout a_layout, const float* b, BLayout b_layout, float alpha,
               float beta, float* c, size_t ldc) {
  HWY_DYNAMIC_DISPATCH(GemmMacroF32)(tile, mc, nc, kc, a, a_layout, b, b_layout,
                                       alpha, beta, c, ldc);
}

}  // namespace ops
}  // namespace amdahl
#endif  // HWY_ONCE
