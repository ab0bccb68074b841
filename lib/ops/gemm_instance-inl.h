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

ops::GemmMacroFn<AMDAHL_GEMM_T> GemmMacroOfOne(const AMDAHL_GEMM_T*, ops::GemmTile tile,
                                               bool packed_a) {
  return GemmMacroOfList<AMDAHL_GEMM_T>(GemmTiles(), tile, packed_a);
}

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace amdahl {
namespace ops {

HWY_EXPORT(GemmTilesOne);
HWY_EXPORT(GemmMacroOfOne);

size_t GemmTilesOf(const AMDAHL_GEMM_T* tag, GemmTile* tiles) {
  return HWY_DYNAMIC_DISPATCH(GemmTilesOne)(tag, tiles);
}

GemmMacroFn<AMDAHL_GEMM_T> GemmMacroOf(const AMDAHL_GEMM_T* tag, GemmTile tile,
                                       bool packed_a) {
  return HWY_DYNAMIC_DISPATCH(GemmMacroOfOne)(tag, tile, packed_a);
}

}  // namespace ops
}  // namespace amdahl
#endif  // HWY_ONCE
