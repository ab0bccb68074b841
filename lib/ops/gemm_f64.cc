// Per-target GEMM macro-kernel for double (one small TU per type, as vqsort).
#include "lib/ops/gemm.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "lib/ops/gemm_f64.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "lib/ops/gemm-inl.h"

HWY_BEFORE_NAMESPACE();
namespace amdahl {
namespace HWY_NAMESPACE {

ops::GemmTile GemmTileF64() { return GemmTileT<double>(); }

void GemmMacroF64(ops::GemmTile tile, size_t mc, size_t nc, size_t kc,
                  const double* a, ops::ALayout a_layout, const double* b, ops::BLayout b_layout,
                  double alpha, double beta, double* c, size_t ldc) {
  GemmMacroT(tile, mc, nc, kc, a, a_layout, b, b_layout, alpha, beta, c, ldc);
}

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace amdahl {
namespace ops {

HWY_EXPORT(GemmTileF64);
HWY_EXPORT(GemmMacroF64);

GemmTile GemmTileOf(const double*) { return HWY_DYNAMIC_DISPATCH(GemmTileF64)(); }

void GemmMacro(GemmTile tile, size_t mc, size_t nc, size_t kc,
               const double* a, ALayout a_layout, const double* b, BLayout b_layout, double alpha,
               double beta, double* c, size_t ldc) {
  HWY_DYNAMIC_DISPATCH(GemmMacroF64)(tile, mc, nc, kc, a, a_layout, b, b_layout,
                                       alpha, beta, c, ldc);
}

}  // namespace ops
}  // namespace amdahl
#endif  // HWY_ONCE
