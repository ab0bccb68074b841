// Per-target FMA loop for measuring the peak rate of a core.
#include "lib/ops/peak.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "lib/ops/peak.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace amdahl {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <typename T>
double FmaLoopT(size_t iterations, T seed, T* sink) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  // 24 chains: enough to cover 2 FMA pipes x 4+ cycles of latency with room.
  constexpr size_t kChains = 24;
  V acc[kChains];
  for (size_t i = 0; i < kChains; ++i) acc[i] = hn::Set(d, seed + T(i));
  const V m = hn::Set(d, T(0.999999));
  const V a = hn::Set(d, T(1e-7));
  for (size_t it = 0; it < iterations; ++it) {
    HWY_UNROLL(24)
    for (size_t i = 0; i < kChains; ++i) acc[i] = hn::MulAdd(acc[i], m, a);
  }
  V sum = acc[0];
  for (size_t i = 1; i < kChains; ++i) sum = hn::Add(sum, acc[i]);
  *sink = hn::GetLane(sum);
  return 2.0 * static_cast<double>(iterations * kChains * hn::Lanes(d));
}

double FmaLoopF32(size_t iterations, float seed, float* sink) {
  return FmaLoopT(iterations, seed, sink);
}
double FmaLoopF64(size_t iterations, double seed, double* sink) {
  return FmaLoopT(iterations, seed, sink);
}

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace amdahl {
namespace ops {

HWY_EXPORT(FmaLoopF32);
HWY_EXPORT(FmaLoopF64);

double FmaLoopF32(size_t iterations, float seed, float* sink) {
  return HWY_DYNAMIC_DISPATCH(FmaLoopF32)(iterations, seed, sink);
}
double FmaLoopF64(size_t iterations, double seed, double* sink) {
  return HWY_DYNAMIC_DISPATCH(FmaLoopF64)(iterations, seed, sink);
}

}  // namespace ops
}  // namespace amdahl
#endif  // HWY_ONCE
