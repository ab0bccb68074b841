// Per-target GEMM macro-kernel for int64_t (one small TU per type, as vqsort).
#include "lib/ops/gemm.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "lib/ops/gemm_i64.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "lib/ops/gemm-inl.h"

HWY_BEFORE_NAMESPACE();
namespace amdahl {
namespace HWY_NAMESPACE {

ops::GemmTile GemmTileI64() { return GemmTileT<int64_t>(); }

void GemmMacroI64(ops::GemmTile tile, size_t mc, size_t nc, size_t kc,
                  const int64_t* a, ops::ALayout a_layout, const int64_t* b, ops::BLayout b_layout,
                  int64_t alpha, int64_t beta, int64_t* c, size_t ldc) {
  GemmMacroT(tile, mc, nc, kc, a, a_layout, b, b_layout, alpha, beta, c, ldc);
}

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace amdahl {
namespace ops {

HWY_EXPORT(GemmTileI64);
HWY_EXPORT(GemmMacroI64);

GemmTile GemmTileOf(const int64_t*) { return HWY_DYNAMIC_DISPATCH(GemmTileI64)(); }

void GemmMacro(GemmTile tile, size_t mc, size_t nc, size_t kc,
               const int64_t* a, ALayout a_layout, const int64_t* b, BLayout b_layout, int64_t alpha,
               int64_t beta, int64_t* c, size_t ldc) {
  HWY_DYNAMIC_DISPATCH(GemmMacroI64)(tile, mc, nc, kc, a, a_layout, b, b_layout,
                                       alpha, beta, c, ldc);
}

}  // namespace ops
}  // namespace amdahl
#endif  // HWY_ONCE
