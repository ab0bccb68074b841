// Per-target conversions between integer and float lanes (with the range
// scan the exactness needs), for the exact integer GEMM.
#include "lib/ops/int_float.h"

#include <type_traits>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "lib/ops/int_float.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "lib/ops/lanes-inl.h"

HWY_BEFORE_NAMESPACE();
namespace amdahl {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Lanes of the wider of I and F, and the same count of each type.
template <typename I, typename F>
struct Tags {
  using Wide = hn::ScalableTag<std::conditional_t<(sizeof(I) > sizeof(F)), I, F>>;
  Wide wide;
  hn::Rebind<I, Wide> di;
  hn::Rebind<F, Wide> df;
};

// F lanes from I lanes (values exactly representable by the caller's rule).
template <class DF, class DI>
HWY_INLINE hn::Vec<DF> ToF(DF df, DI di, hn::Vec<DI> v) {
  using I = hn::TFromD<DI>;
  using F = hn::TFromD<DF>;
  if constexpr (sizeof(I) == sizeof(F)) {
    return hn::ConvertTo(df, v);
  } else if constexpr (sizeof(I) > sizeof(F)) {  // int64 -> double -> float
    const hn::Rebind<double, DI> dd;
    return hn::DemoteTo(df, hn::ConvertTo(dd, v));
  } else {  // int32 -> double
    (void)di;
    return hn::PromoteTo(df, v);
  }
}

// I lanes from F lanes holding integers.
template <class DI, class DF>
HWY_INLINE hn::Vec<DI> ToI(DI di, DF df, hn::Vec<DF> v) {
  using I = hn::TFromD<DI>;
  using F = hn::TFromD<DF>;
  if constexpr (sizeof(I) == sizeof(F)) {
    return hn::ConvertTo(di, v);
  } else if constexpr (sizeof(I) > sizeof(F)) {  // float -> double -> int64
    const hn::Rebind<double, DI> dd;
    return hn::ConvertTo(di, hn::PromoteTo(dd, v));
  } else {  // double -> int32
    (void)df;
    return hn::DemoteTo(di, v);
  }
}

template <typename I, typename F>
void IntToFloatT(const I* HWY_RESTRICT src, size_t rows, size_t cols, size_t ld,
                 F* HWY_RESTRICT dst, I* lo, I* hi) {
  const Tags<I, F> t;
  const size_t N = hn::Lanes(t.wide);
  auto vlo = hn::Set(t.di, src[0]), vhi = vlo;
  I slo = src[0], shi = src[0];
  for (size_t r = 0; r < rows; ++r) {
    const I* s = src + r * ld;
    F* d = dst + r * cols;
    size_t j = 0;
    for (; j + N <= cols; j += N) {
      const auto v = hn::LoadU(t.di, s + j);
      vlo = hn::Min(vlo, v);
      vhi = hn::Max(vhi, v);
      hn::StoreU(ToF(t.df, t.di, v), t.df, d + j);
    }
    for (; j < cols; ++j) {
      slo = HWY_MIN(slo, s[j]);
      shi = HWY_MAX(shi, s[j]);
      d[j] = static_cast<F>(s[j]);
    }
  }
  *lo = HWY_MIN(slo, hn::GetLane(hn::MinOfLanes(t.di, vlo)));
  *hi = HWY_MAX(shi, hn::GetLane(hn::MaxOfLanes(t.di, vhi)));
}

template <typename I, typename F>
void FloatToIntUpdateT(const F* HWY_RESTRICT p, size_t rows, size_t cols, I alpha, I beta,
                       I* HWY_RESTRICT c, size_t ldc) {
  const Tags<I, F> t;
  const size_t N = hn::Lanes(t.wide);
  const auto va = hn::Set(t.di, alpha), vb = hn::Set(t.di, beta);
  using U = hwy::MakeUnsigned<I>;  // wrapping arithmetic in the tail
  for (size_t r = 0; r < rows; ++r) {
    const F* s = p + r * cols;
    I* d = c + r * ldc;
    size_t j = 0;
    if (beta == I(0) && alpha == I(1)) {  // a plain conversion (64-bit multiplies are slow)
      for (; j + N <= cols; j += N) {
        hn::StoreU(ToI(t.di, t.df, hn::LoadU(t.df, s + j)), t.di, d + j);
      }
      for (; j < cols; ++j) d[j] = static_cast<I>(s[j]);
    } else if (beta == I(0)) {  // C is not read: it may hold anything
      for (; j + N <= cols; j += N) {
        hn::StoreU(MulAny(t.di, va, ToI(t.di, t.df, hn::LoadU(t.df, s + j))), t.di, d + j);
      }
      for (; j < cols; ++j) {
        d[j] = static_cast<I>(static_cast<U>(alpha) * static_cast<U>(static_cast<I>(s[j])));
      }
    } else {
      for (; j + N <= cols; j += N) {
        const auto prod = ToI(t.di, t.df, hn::LoadU(t.df, s + j));
        const auto old = MulAny(t.di, vb, hn::LoadU(t.di, d + j));
        hn::StoreU(MulAddAny(t.di, va, prod, old), t.di, d + j);
      }
      for (; j < cols; ++j) {
        d[j] = static_cast<I>(static_cast<U>(alpha) * static_cast<U>(static_cast<I>(s[j])) +
                              static_cast<U>(beta) * static_cast<U>(d[j]));
      }
    }
  }
}

// Slices of `bits` bits: x = sum over s of slice_s * 2^(bits s), the lower
// slices in [0, 2^bits), the last one signed (what remains after the
// arithmetic shifts; within [-2^bits, 2^bits] when bits * slices covers x).
void SliceInt64T(const int64_t* HWY_RESTRICT src, size_t rows, size_t cols, size_t ld,
                 int bits, size_t slices, int64_t* HWY_RESTRICT dst, size_t slice_stride) {
  const hn::ScalableTag<int64_t> d;
  const size_t N = hn::Lanes(d);
  const int64_t mask = (int64_t{1} << bits) - 1;
  const auto vmask = hn::Set(d, mask);
  for (size_t r = 0; r < rows; ++r) {
    const int64_t* s = src + r * ld;
    int64_t* out = dst + r * cols;
    size_t j = 0;
    for (; j + N <= cols; j += N) {
      auto v = hn::LoadU(d, s + j);
      for (size_t k = 0; k + 1 < slices; ++k) {
        hn::StoreU(hn::And(v, vmask), d, out + k * slice_stride + j);
        v = hn::ShiftRightSame(v, bits);
      }
      hn::StoreU(v, d, out + (slices - 1) * slice_stride + j);
    }
    for (; j < cols; ++j) {
      int64_t v = s[j];
      for (size_t k = 0; k + 1 < slices; ++k) {
        out[k * slice_stride + j] = v & mask;
        v >>= bits;  // arithmetic: floor division by 2^bits
      }
      out[(slices - 1) * slice_stride + j] = v;
    }
  }
}

#define AMDAHL_INT_FLOAT_PER_TARGET(I, F, NAME)                                           \
  void IntToFloat##NAME(const I* src, size_t rows, size_t cols, size_t ld, F* dst, I* lo,  \
                        I* hi) {                                                          \
    IntToFloatT(src, rows, cols, ld, dst, lo, hi);                                        \
  }                                                                                       \
  void FloatToIntUpdate##NAME(const F* p, size_t rows, size_t cols, I alpha, I beta, I* c, \
                              size_t ldc) {                                               \
    FloatToIntUpdateT(p, rows, cols, alpha, beta, c, ldc);                                \
  }
AMDAHL_INT_FLOAT_PER_TARGET(int32_t, float, I32F32)
AMDAHL_INT_FLOAT_PER_TARGET(int32_t, double, I32F64)
AMDAHL_INT_FLOAT_PER_TARGET(int64_t, float, I64F32)
AMDAHL_INT_FLOAT_PER_TARGET(int64_t, double, I64F64)
#undef AMDAHL_INT_FLOAT_PER_TARGET

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace amdahl {
namespace ops {

#define AMDAHL_EXPORT_INT_FLOAT(I, F, NAME)                                               \
  HWY_EXPORT(IntToFloat##NAME);                                                           \
  HWY_EXPORT(FloatToIntUpdate##NAME);                                                     \
  void IntToFloat(const I* src, size_t rows, size_t cols, size_t ld, F* dst, I* lo,       \
                  I* hi) {                                                                \
    HWY_DYNAMIC_DISPATCH(IntToFloat##NAME)(src, rows, cols, ld, dst, lo, hi);             \
  }                                                                                       \
  void FloatToIntUpdate(const F* p, size_t rows, size_t cols, I alpha, I beta, I* c,      \
                        size_t ldc) {                                                     \
    HWY_DYNAMIC_DISPATCH(FloatToIntUpdate##NAME)(p, rows, cols, alpha, beta, c, ldc);     \
  }
AMDAHL_EXPORT_INT_FLOAT(int32_t, float, I32F32)
AMDAHL_EXPORT_INT_FLOAT(int32_t, double, I32F64)
AMDAHL_EXPORT_INT_FLOAT(int64_t, float, I64F32)
AMDAHL_EXPORT_INT_FLOAT(int64_t, double, I64F64)
#undef AMDAHL_EXPORT_INT_FLOAT

HWY_EXPORT(SliceInt64T);
void SliceInt64(const int64_t* src, size_t rows, size_t cols, size_t ld, int bits,
                size_t slices, int64_t* dst, size_t slice_stride) {
  HWY_DYNAMIC_DISPATCH(SliceInt64T)(src, rows, cols, ld, bits, slices, dst, slice_stride);
}

}  // namespace ops
}  // namespace amdahl
#endif  // HWY_ONCE
