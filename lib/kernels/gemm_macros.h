// The running target's GEMM macro-kernels (lib/ops/gemm.h), found once per
// dtype and Highway target: GEMM calls them through plain pointers.
#ifndef AMDAHL_KERNELS_GEMM_MACROS_H_
#define AMDAHL_KERNELS_GEMM_MACROS_H_

#include "amdahl/config.h"
#include "lib/ops/gemm.h"

namespace amdahl {

// The macro-kernels of one register tile, for an A panel read in place and
// for one packed in slivers.
template <typename T>
struct GemmMacros {
  ops::GemmMacroFn<T> a_in_place;
  ops::GemmMacroFn<T> a_packed;
};

// The macro-kernels of cfg's tile on the running target. (Dispatching and
// searching the target's tiles on every call was 5 ns of a 1^3 product's
// 38 on Zen 4.) Every configuration's tile is checked where it is made;
// throws Error if this one is still not the target's.
template <typename T>
GemmMacros<T> GemmMacrosFor(const GemmConfig& cfg);

}  // namespace amdahl

#endif  // AMDAHL_KERNELS_GEMM_MACROS_H_
