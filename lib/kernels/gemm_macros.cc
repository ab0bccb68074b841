// GEMM's macro-kernels per dtype and Highway target, found once.
#include "lib/kernels/gemm_macros.h"

#include <cstdint>
#include <string>

#include "amdahl/dtypes.h"
#include "amdahl/error.h"
#include "lib/runtime/per_target.h"

namespace amdahl {
namespace {

template <typename T>
struct TargetMacros {
  size_t count = 0;
  ops::GemmTile tiles[ops::kMaxGemmTiles] = {};
  GemmMacros<T> macros[ops::kMaxGemmTiles] = {};
};

template <typename T>
PerTarget<TargetMacros<T>> g_target_macros;

[[noreturn, gnu::noinline, gnu::cold]] void ThrowUnknownTile(const GemmConfig& cfg) {
  throw Error("amdahl::Gemm: tile " + std::to_string(cfg.mr) + " x " + std::to_string(cfg.nr) +
              " (" + std::to_string(cfg.lanes) + " lanes) is not one of this target's");
}

}  // namespace

template <typename T>
GemmMacros<T> GemmMacrosFor(const GemmConfig& cfg) {
  const TargetMacros<T>& slot = g_target_macros<T>.Get([] {
    const T* tag = nullptr;
    TargetMacros<T> found;
    found.count = ops::GemmTilesOf(tag, found.tiles);  // (a dispatched call)
    for (size_t i = 0; i < found.count; ++i) {
      found.macros[i] = {ops::GemmMacroOf(tag, found.tiles[i], /*packed_a=*/false),
                         ops::GemmMacroOf(tag, found.tiles[i], /*packed_a=*/true)};
    }
    return found;
  });
  for (size_t i = 0; i < slot.count; ++i) {
    const ops::GemmTile& t = slot.tiles[i];
    if (t.mr == cfg.mr && t.nr == cfg.nr && t.lanes == cfg.lanes) return slot.macros[i];
  }
  ThrowUnknownTile(cfg);
}

#define AMDAHL_INSTANTIATE_GEMM_MACROS(T, ID, name) \
  template GemmMacros<T> GemmMacrosFor<T>(const GemmConfig& cfg);
AMDAHL_FOR_EACH_DTYPE(AMDAHL_INSTANTIATE_GEMM_MACROS)
#undef AMDAHL_INSTANTIATE_GEMM_MACROS

}  // namespace amdahl
