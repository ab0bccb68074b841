// GEMM's macro-kernels per dtype and Highway target, found once.
#include "lib/kernels/gemm_macros.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "amdahl/dtypes.h"
#include "amdahl/error.h"
#include "hwy/targets.h"

namespace amdahl {
namespace {

template <typename T>
struct TargetMacros {
  std::atomic<bool> ready{false};
  size_t count = 0;
  ops::GemmTile tiles[ops::kMaxGemmTiles] = {};
  GemmMacros<T> macros[ops::kMaxGemmTiles] = {};
};

// Per Highway target: the tests switch targets. (Index 0 is Highway's "no
// target chosen yet": never filled.)
template <typename T>
TargetMacros<T> g_target_macros[HWY_MAX_DYNAMIC_TARGETS + 2];
std::mutex g_target_macros_mu;

template <typename T>
[[gnu::noinline]] const TargetMacros<T>& FindTargetMacros() {
  std::lock_guard<std::mutex> lock(g_target_macros_mu);
  const T* tag = nullptr;
  ops::GemmTile tiles[ops::kMaxGemmTiles];
  const size_t count = ops::GemmTilesOf(tag, tiles);
  // After a dispatched call: the first one is what chooses the target.
  TargetMacros<T>& slot = g_target_macros<T>[hwy::GetChosenTarget().GetIndex()];
  if (!slot.ready.load(std::memory_order_relaxed)) {
    for (size_t i = 0; i < count; ++i) {
      slot.tiles[i] = tiles[i];
      slot.macros[i] = {ops::GemmMacroOf(tag, tiles[i], /*packed_a=*/false),
                        ops::GemmMacroOf(tag, tiles[i], /*packed_a=*/true)};
    }
    slot.count = count;
    slot.ready.store(true, std::memory_order_release);
  }
  return slot;
}

[[noreturn, gnu::noinline, gnu::cold]] void ThrowUnknownTile(const GemmConfig& cfg) {
  throw Error("amdahl::Gemm: tile " + std::to_string(cfg.mr) + " x " + std::to_string(cfg.nr) +
              " (" + std::to_string(cfg.lanes) + " lanes) is not one of this target's");
}

}  // namespace

template <typename T>
GemmMacros<T> GemmMacrosFor(const GemmConfig& cfg) {
  const TargetMacros<T>* slot = &g_target_macros<T>[hwy::GetChosenTarget().GetIndex()];
  if (__builtin_expect(!slot->ready.load(std::memory_order_acquire), 0)) {
    slot = &FindTargetMacros<T>();
  }
  for (size_t i = 0; i < slot->count; ++i) {
    const ops::GemmTile& t = slot->tiles[i];
    if (t.mr == cfg.mr && t.nr == cfg.nr && t.lanes == cfg.lanes) return slot->macros[i];
  }
  ThrowUnknownTile(cfg);
}

#define AMDAHL_INSTANTIATE_GEMM_MACROS(T, ID, name) \
  template GemmMacros<T> GemmMacrosFor<T>(const GemmConfig& cfg);
AMDAHL_FOR_EACH_DTYPE(AMDAHL_INSTANTIATE_GEMM_MACROS)
#undef AMDAHL_INSTANTIATE_GEMM_MACROS

}  // namespace amdahl
