// Per-target reductions: Sum and Dot over leaves.
#include "lib/ops/reduce.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "lib/ops/reduce.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "lib/ops/lanes-inl.h"

HWY_BEFORE_NAMESPACE();
namespace amdahl {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Returns the sum over [0, n) of term(d, i), a vector of lanes i..i+N. The
// last partial vector is read by `tail`: masked loads on AVX2 and AVX-512,
// zero-padded copies elsewhere (their masked loads read the whole vector).
template <class D, class Term, class Tail>
HWY_INLINE hn::TFromD<D> ReduceLeaf(D d, size_t n, const Term& term,
                                    const Tail& tail) {
  const size_t N = hn::Lanes(d);
  auto a0 = hn::Zero(d), a1 = hn::Zero(d), a2 = hn::Zero(d), a3 = hn::Zero(d);
  size_t i = 0;
  for (; i + 4 * N <= n; i += 4 * N) {
    a0 = term(d, i, a0);
    a1 = term(d, i + N, a1);
    a2 = term(d, i + 2 * N, a2);
    a3 = term(d, i + 3 * N, a3);
  }
  for (; i + N <= n; i += N) a0 = term(d, i, a0);
  if (i < n) a1 = tail(d, i, n - i, a1);
  const auto sum = hn::Add(hn::Add(a0, a1), hn::Add(a2, a3));
  return HorizontalSum(d, sum);
}

template <class T>
void SumLeavesT(const T* HWY_RESTRICT x, size_t n, size_t leaf, T* partials) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  for (size_t b = 0, j = 0; b < n; b += leaf, ++j) {
    const T* p = x + b;
    const size_t len = HWY_MIN(leaf, n - b);
    partials[j] = ReduceLeaf(
        d, len,
        [p](auto dd, size_t i, V acc) { return hn::Add(acc, hn::LoadU(dd, p + i)); },
        [p](auto dd, size_t i, size_t count, V acc) {
#if HWY_TARGET <= HWY_AVX2
          return hn::Add(acc, hn::MaskedLoad(hn::FirstN(dd, count), dd, p + i));
#endif
          HWY_ALIGN T buf[hn::MaxLanes(decltype(dd)())] = {};
          for (size_t k = 0; k < count; ++k) buf[k] = p[i + k];
          return hn::Add(acc, hn::Load(dd, buf));
        });
  }
}

template <class T>
void DotLeavesT(const T* HWY_RESTRICT x, const T* HWY_RESTRICT y, size_t n,
                size_t leaf, T* partials) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  for (size_t b = 0, j = 0; b < n; b += leaf, ++j) {
    const T* p = x + b;
    const T* q = y + b;
    const size_t len = HWY_MIN(leaf, n - b);
    partials[j] = ReduceLeaf(
        d, len,
        [p, q](auto dd, size_t i, V acc) {
          return MulAddAny(dd, hn::LoadU(dd, p + i), hn::LoadU(dd, q + i), acc);
        },
        [p, q](auto dd, size_t i, size_t count, V acc) {
#if HWY_TARGET <= HWY_AVX2
          const auto m = hn::FirstN(dd, count);
          return MulAddAny(dd, hn::MaskedLoad(m, dd, p + i), hn::MaskedLoad(m, dd, q + i), acc);
#endif
          HWY_ALIGN T bx[hn::MaxLanes(decltype(dd)())] = {};
          HWY_ALIGN T by[hn::MaxLanes(decltype(dd)())] = {};
          for (size_t k = 0; k < count; ++k) {
            bx[k] = p[i + k];
            by[k] = q[i + k];
          }
          return MulAddAny(dd, hn::Load(dd, bx), hn::Load(dd, by), acc);
        });
  }
}

#define AMDAHL_DEFINE_REDUCE(T, NAME, name)                                         \
  void SumLeaves##NAME(const T* x, size_t n, size_t leaf, T* partials) {     \
    SumLeavesT(x, n, leaf, partials);                                         \
  }                                                                           \
  void DotLeaves##NAME(const T* x, const T* y, size_t n, size_t leaf,        \
                       T* partials) {                                         \
    DotLeavesT(x, y, n, leaf, partials);                                      \
  }
AMDAHL_FOR_EACH_DTYPE(AMDAHL_DEFINE_REDUCE)
#undef AMDAHL_DEFINE_REDUCE

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace amdahl {
namespace ops {

#define AMDAHL_EXPORT_REDUCE(T, NAME, name)                                         \
  HWY_EXPORT(SumLeaves##NAME);                                                \
  HWY_EXPORT(DotLeaves##NAME);                                                \
  void SumLeaves(const T* x, size_t n, size_t leaf, T* partials) {           \
    HWY_DYNAMIC_DISPATCH(SumLeaves##NAME)(x, n, leaf, partials);              \
  }                                                                           \
  void DotLeaves(const T* x, const T* y, size_t n, size_t leaf,              \
                 T* partials) {                                               \
    HWY_DYNAMIC_DISPATCH(DotLeaves##NAME)(x, y, n, leaf, partials);           \
  }
AMDAHL_FOR_EACH_DTYPE(AMDAHL_EXPORT_REDUCE)
#undef AMDAHL_EXPORT_REDUCE

}  // namespace ops
}  // namespace amdahl
#endif  // HWY_ONCE
