// Lane arithmetic for every lane type and target: a 64-bit integer multiply
// (low 64 bits, wrapping), multiply-add, the sum of a vector's lanes, and
// their one-lane (scalar) versions for the edges.
//
// The 64-bit integer multiply:
// AVX-512 has it natively (vpmullq); elsewhere it is built from 32x32->64
// MulEven products: a*b mod 2^64 = lo(a)lo(b) + ((hi(a)lo(b) + lo(a)hi(b)) << 32).

// Per-target include guard (Highway's toggle idiom).
#if defined(AMDAHL_OPS_LANES_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AMDAHL_OPS_LANES_INL_H_
#undef AMDAHL_OPS_LANES_INL_H_
#else
#define AMDAHL_OPS_LANES_INL_H_
#endif

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace amdahl {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class D, class V = hn::Vec<D>>
HWY_INLINE V MulLo64(D d, V a, V b) {
#if HWY_TARGET <= HWY_AVX3
  (void)d;
  return hn::Mul(a, b);
#elif HWY_TARGET == HWY_SCALAR
  // One lane: multiply as unsigned so that the wraparound is defined.
  using T = hn::TFromD<D>;
  const uint64_t p = static_cast<uint64_t>(hn::GetLane(a)) *
                     static_cast<uint64_t>(hn::GetLane(b));
  return hn::Set(d, static_cast<T>(p));
#else
  const hn::RebindToUnsigned<D> du;
  const hn::Repartition<uint32_t, D> d32;
  const auto au = hn::BitCast(du, a);
  const auto bu = hn::BitCast(du, b);
  const auto lolo = hn::MulEven(hn::BitCast(d32, au), hn::BitCast(d32, bu));
  const auto hilo = hn::MulEven(hn::BitCast(d32, hn::ShiftRight<32>(au)),
                                hn::BitCast(d32, bu));
  const auto lohi = hn::MulEven(hn::BitCast(d32, au),
                                hn::BitCast(d32, hn::ShiftRight<32>(bu)));
  return hn::BitCast(d, hn::Add(lolo, hn::ShiftLeft<32>(hn::Add(hilo, lohi))));
#endif
}

// Multiplies lane-wise for any lane type: MulLo64 for 64-bit integers.
template <class D, class V = hn::Vec<D>>
HWY_INLINE V MulAny(D d, V a, V b) {
  using T = hn::TFromD<D>;
  if constexpr (hwy::IsFloat<T>() || sizeof(T) != 8) {
    (void)d;
    return hn::Mul(a, b);
  } else {
    return MulLo64(d, a, b);
  }
}

// Returns alpha * dot + beta * y (beta == 0: y is not read).
template <typename T>
HWY_INLINE T ScalarCombine(T alpha, T dot, T beta, const T* y) {
  if constexpr (hwy::IsFloat<T>()) {
    return beta == T(0) ? alpha * dot : alpha * dot + beta * *y;
  } else {
    // Wrapping arithmetic: as unsigned, where overflow is defined.
    using U = hwy::MakeUnsigned<T>;
    U r = static_cast<U>(alpha) * static_cast<U>(dot);
    if (beta != T(0)) r += static_cast<U>(beta) * static_cast<U>(*y);
    return static_cast<T>(r);
  }
}

// Returns a * b + c for one lane: wrapping for integers.
template <typename T>
HWY_INLINE T ScalarMulAdd(T a, T b, T c) {
  if constexpr (hwy::IsFloat<T>()) {
    return a * b + c;
  } else {
    using U = hwy::MakeUnsigned<T>;
    return static_cast<T>(static_cast<U>(a) * static_cast<U>(b) + static_cast<U>(c));
  }
}

// Returns a * b + c: one fused rounding for floats, wrapping for integers.
template <class D, class V = hn::Vec<D>>
HWY_INLINE V MulAddAny(D d, V a, V b, V c) {
  using T = hn::TFromD<D>;
  if constexpr (hwy::IsFloat<T>()) {
    (void)d;
    return hn::MulAdd(a, b, c);
  } else {
    return hn::Add(MulAny(d, a, b), c);
  }
}

// The sum of v's lanes. Integers wrap: they are added here as unsigned,
// because Highway 1.0.3's SumOfLanes of 32-bit lanes on AVX-512 calls
// _mm512_reduce_add_epi32, which GCC defines with a signed + (overflow is
// undefined behaviour; UBSan reports it).
template <class D, class V>
HWY_INLINE hn::TFromD<D> HorizontalSum(D d, V v) {
  using T = hn::TFromD<D>;
  if constexpr (hwy::IsFloat<T>()) {
    return hn::GetLane(hn::SumOfLanes(d, v));
  } else {
    using U = hwy::MakeUnsigned<T>;
    HWY_ALIGN T lanes[hn::MaxLanes(D())];
    hn::Store(v, d, lanes);
    U sum = 0;
    for (size_t i = 0; i < hn::Lanes(d); ++i) sum += static_cast<U>(lanes[i]);
    return static_cast<T>(sum);
  }
}

#if !HWY_HAVE_SCALABLE && HWY_TARGET != HWY_SCALAR
// Stores the sum of v's 128-bit blocks (one block of lanes) at out.
template <class D, class V>
HWY_INLINE void StoreSumOfBlocks(D d, V v, hn::TFromD<D>* HWY_RESTRICT out) {
  if constexpr (hn::MaxLanes(D()) * sizeof(hn::TFromD<D>) > 16) {
    const hn::Half<D> dh;
    StoreSumOfBlocks(dh, hn::Add(hn::LowerHalf(dh, v), hn::UpperHalf(dh, v)), out);
  } else {
    hn::StoreU(v, d, out);
  }
}
#endif

// out[r] = the sum of v_r's lanes, r = 0..3: one reduction tree for the four
// (lanes interleaved within blocks, then the blocks added) instead of four
// (GEMV's dot products of four rows: four SumOfLanes were half of a 64 x 64
// f32 product). Integers wrap, as vector adds do.
template <class D, class V = hn::Vec<D>, typename T = hn::TFromD<D>>
HWY_INLINE void SumsOf4(D d, V v0, V v1, V v2, V v3, T* HWY_RESTRICT out) {
#if HWY_HAVE_SCALABLE || HWY_TARGET == HWY_SCALAR
  out[0] = HorizontalSum(d, v0);
  out[1] = HorizontalSum(d, v1);
  out[2] = HorizontalSum(d, v2);
  out[3] = HorizontalSum(d, v3);
#else
  // Each block of v01 holds partial sums of v0 and v1, alternating.
  const V v01 = hn::Add(hn::InterleaveLower(d, v0, v1), hn::InterleaveUpper(d, v0, v1));
  const V v23 = hn::Add(hn::InterleaveLower(d, v2, v3), hn::InterleaveUpper(d, v2, v3));
  if constexpr (sizeof(T) == 4) {
    // Four lanes a block: pairs of pairs make each block [s0 s1 s2 s3].
    const hn::Repartition<uint64_t, D> d64;
    const auto w01 = hn::BitCast(d64, v01), w23 = hn::BitCast(d64, v23);
    const V all = hn::Add(hn::BitCast(d, hn::InterleaveLower(d64, w01, w23)),
                          hn::BitCast(d, hn::InterleaveUpper(d64, w01, w23)));
    StoreSumOfBlocks(d, all, out);
  } else {
    static_assert(sizeof(T) == 8, "32- and 64-bit lanes");
    // Two lanes a block: each block of v01 is [s0 s1], of v23 [s2 s3].
    StoreSumOfBlocks(d, v01, out);
    StoreSumOfBlocks(d, v23, out + 2);
  }
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#endif  // AMDAHL_OPS_LANES_INL_H_
