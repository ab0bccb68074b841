// Per-target GEMV: rows (A x) and columns (A^T x) of a row-major block.
#include "lib/ops/gemv.h"

#include <type_traits>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "lib/ops/gemv.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "lib/ops/lanes-inl.h"

HWY_BEFORE_NAMESPACE();
namespace amdahl {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// R rows at a time: two accumulators per row over 2N columns, then one
// vector step and a scalar tail of fewer than N columns.
template <size_t R, typename T>
HWY_INLINE void RowsBlock(size_t n, T alpha, const T* HWY_RESTRICT a, size_t lda,
                          const T* HWY_RESTRICT x, T beta, T* y) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  const size_t N = hn::Lanes(d);
  V acc0[R], acc1[R];
  for (size_t r = 0; r < R; ++r) {
    acc0[r] = hn::Zero(d);
    acc1[r] = hn::Zero(d);
  }
  size_t j = 0;
  for (; j + 2 * N <= n; j += 2 * N) {
    const V x0 = hn::LoadU(d, x + j);
    const V x1 = hn::LoadU(d, x + j + N);
    for (size_t r = 0; r < R; ++r) {
      acc0[r] = MulAddAny(d, hn::LoadU(d, a + r * lda + j), x0, acc0[r]);
      acc1[r] = MulAddAny(d, hn::LoadU(d, a + r * lda + j + N), x1, acc1[r]);
    }
  }
  if (j + N <= n) {
    const V x0 = hn::LoadU(d, x + j);
    for (size_t r = 0; r < R; ++r) {
      acc0[r] = MulAddAny(d, hn::LoadU(d, a + r * lda + j), x0, acc0[r]);
    }
    j += N;
  }
  T dots[R];
  if constexpr (R == 4) {
    SumsOf4(d, hn::Add(acc0[0], acc1[0]), hn::Add(acc0[1], acc1[1]),
            hn::Add(acc0[2], acc1[2]), hn::Add(acc0[3], acc1[3]), dots);
  } else {
    for (size_t r = 0; r < R; ++r) dots[r] = HorizontalSum(d, hn::Add(acc0[r], acc1[r]));
  }
  for (size_t r = 0; r < R; ++r) {
    T dot = dots[r];
    for (size_t t = j; t < n; ++t) dot = ScalarMulAdd(a[r * lda + t], x[t], dot);
    y[r] = ScalarCombine(alpha, dot, beta, y + r);
  }
}

template <typename T>
void GemvRowsT(size_t m, size_t n, T alpha, const T* a, size_t lda, const T* x, T beta,
               T* y) {
  size_t i = 0;
  for (; i + 4 <= m; i += 4) RowsBlock<4>(n, alpha, a + i * lda, lda, x, beta, y + i);
  for (; i < m; ++i) RowsBlock<1>(n, alpha, a + i * lda, lda, x, beta, y + i);
}

// Adds R rows of A's column block (rows lda apart from `col`, w columns, the
// first wv whole vectors) times x[0, R) into the sums: one load and one store
// of the sums per R vectors of A. Even and odd rows go to two chains of
// multiply-adds, added at the end: half the latency per vector of sums.
template <size_t R, class D, typename T = hn::TFromD<D>>
HWY_INLINE void AddRowsToSums(D d, const T* HWY_RESTRICT col, size_t lda,
                              const T* HWY_RESTRICT x, size_t w, size_t wv,
                              T* HWY_RESTRICT sums) {
  static_assert(R == 1 || R % 2 == 0, "one row, or pairs of rows");
  using V = hn::Vec<D>;
  const size_t N = hn::Lanes(d);
  V xs[R];
  for (size_t r = 0; r < R; ++r) xs[r] = hn::Set(d, x[r]);
  for (size_t j = 0; j < wv; j += N) {
    V s = MulAddAny(d, xs[0], hn::LoadU(d, col + j), hn::Load(d, sums + j));
    if constexpr (R > 1) {
      V odd = MulAny(d, xs[1], hn::LoadU(d, col + lda + j));
      for (size_t r = 2; r < R; r += 2) {
        s = MulAddAny(d, xs[r], hn::LoadU(d, col + r * lda + j), s);
        odd = MulAddAny(d, xs[r + 1], hn::LoadU(d, col + (r + 1) * lda + j), odd);
      }
      s = hn::Add(s, odd);
    }
    hn::Store(s, d, sums + j);
  }
  for (size_t j = wv; j < w; ++j) {
    T s = sums[j];
    for (size_t r = 0; r < R; ++r) s = ScalarMulAdd(x[r], col[r * lda + j], s);
    sums[j] = s;
  }
}

// Column sums of a block of at most kColBlockBytes while the rows of A
// stream past, four at a time. The block is read again only after four rows
// of it have passed, so it lives in L2 whatever its size; a longer one gives
// the prefetchers longer runs of each row. Four rows in two chains and 32 KiB
// against eight in one chain and 8 KiB (Zen 4, one core, GB/s): f32 1024^2
// 73-81 -> 82-84, 8192^2 21-22 -> 23-25, f64 8192^2 20-21 -> 23-25; two
// threads f64 1024^2 134-143 -> 150-155.
constexpr size_t kColBlockBytes = 32768;

template <typename T>
void GemvColsT(size_t m, size_t n, T alpha, const T* a, size_t lda, const T* x, T beta,
               T* y) {
  const hn::ScalableTag<T> d;
  const size_t N = hn::Lanes(d);
  constexpr size_t kBlock = kColBlockBytes / sizeof(T);
  HWY_ALIGN T sums[kBlock];
  for (size_t j0 = 0; j0 < n; j0 += kBlock) {
    const size_t w = HWY_MIN(kBlock, n - j0);
    const size_t wv = w / N * N;  // whole vectors; the rest is scalar
    for (size_t j = 0; j < w; ++j) sums[j] = T(0);
    const T* col = a + j0;
    size_t i = 0;
    for (; i + 4 <= m; i += 4) AddRowsToSums<4>(d, col + i * lda, lda, x + i, w, wv, sums);
    for (; i < m; ++i) AddRowsToSums<1>(d, col + i * lda, lda, x + i, w, wv, sums);
    for (size_t j = 0; j < w; ++j) y[j0 + j] = ScalarCombine(alpha, sums[j], beta, y + j0 + j);
  }
}

// Column sums of a strip of kV vectors kept in registers while every row of
// A passes, one load and one multiply-add per vector of A (GemvColStrips).
// Returns the sums in `sums`.
template <size_t kV, class D, typename T = hn::TFromD<D>>
HWY_INLINE void StripSums(D d, size_t m, const T* HWY_RESTRICT col, size_t lda,
                          const T* HWY_RESTRICT x, T* HWY_RESTRICT sums) {
  using V = hn::Vec<D>;
  const size_t N = hn::Lanes(d);
  V acc[kV];
  for (size_t v = 0; v < kV; ++v) acc[v] = hn::Zero(d);
  for (size_t i = 0; i < m; ++i) {
    const V xi = hn::Set(d, x[i]);
    const T* row = col + i * lda;
    for (size_t v = 0; v < kV; ++v) {
      acc[v] = MulAddAny(d, xi, hn::LoadU(d, row + v * N), acc[v]);
    }
  }
  for (size_t v = 0; v < kV; ++v) hn::StoreU(acc[v], d, sums + v * N);
}

template <typename T>
void GemvColStripsT(size_t m, size_t n, T alpha, const T* a, size_t lda, const T* x, T beta,
                    T* y) {
  const hn::ScalableTag<T> d;
  const size_t N = hn::Lanes(d);
  // Eight vectors of sums and one of x: within the 16 registers of AVX2.
  constexpr size_t kV = 8;
  HWY_ALIGN T sums[kV * hn::MaxLanes(decltype(d)())];
  size_t j0 = 0;
  // Strips of `vectors` vectors while they fit: 8 at a time, then 4, 2 and 1.
  auto strips = [&](auto vectors) {
    constexpr size_t V = decltype(vectors)::value;
    for (; j0 + V * N <= n; j0 += V * N) {
      StripSums<V>(d, m, a + j0, lda, x, sums);
      for (size_t j = 0; j < V * N; ++j) {
        y[j0 + j] = ScalarCombine(alpha, sums[j], beta, y + j0 + j);
      }
    }
  };
  strips(std::integral_constant<size_t, kV>());
  strips(std::integral_constant<size_t, 4>());
  strips(std::integral_constant<size_t, 2>());
  strips(std::integral_constant<size_t, 1>());
  // Fewer than N columns left: the L1-block kernel's scalar columns.
  if (j0 < n) GemvColsT(m, n - j0, alpha, a + j0, lda, x, beta, y + j0);
}

#define AMDAHL_DEFINE_GEMV(T, ID, name)                                         \
  void GemvRows##ID(size_t m, size_t n, T alpha, const T* a, size_t lda,        \
                    const T* x, T beta, T* y) {                                 \
    GemvRowsT(m, n, alpha, a, lda, x, beta, y);                                 \
  }                                                                             \
  void GemvCols##ID(size_t m, size_t n, T alpha, const T* a, size_t lda,        \
                    const T* x, T beta, T* y) {                                 \
    GemvColsT(m, n, alpha, a, lda, x, beta, y);                                 \
  }                                                                             \
  void GemvColStrips##ID(size_t m, size_t n, T alpha, const T* a, size_t lda,   \
                         const T* x, T beta, T* y) {                            \
    GemvColStripsT(m, n, alpha, a, lda, x, beta, y);                            \
  }
AMDAHL_FOR_EACH_DTYPE(AMDAHL_DEFINE_GEMV)
#undef AMDAHL_DEFINE_GEMV

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace amdahl {
namespace ops {

#define AMDAHL_EXPORT_GEMV(T, ID, name)                                         \
  HWY_EXPORT(GemvRows##ID);                                                     \
  HWY_EXPORT(GemvCols##ID);                                                     \
  HWY_EXPORT(GemvColStrips##ID);                                                \
  void GemvRows(size_t m, size_t n, T alpha, const T* a, size_t lda, const T* x, \
                T beta, T* y) {                                                 \
    HWY_DYNAMIC_DISPATCH(GemvRows##ID)(m, n, alpha, a, lda, x, beta, y);        \
  }                                                                             \
  void GemvCols(size_t m, size_t n, T alpha, const T* a, size_t lda, const T* x, \
                T beta, T* y) {                                                 \
    HWY_DYNAMIC_DISPATCH(GemvCols##ID)(m, n, alpha, a, lda, x, beta, y);        \
  }                                                                             \
  void GemvColStrips(size_t m, size_t n, T alpha, const T* a, size_t lda,       \
                     const T* x, T beta, T* y) {                                \
    HWY_DYNAMIC_DISPATCH(GemvColStrips##ID)(m, n, alpha, a, lda, x, beta, y);   \
  }
AMDAHL_FOR_EACH_DTYPE(AMDAHL_EXPORT_GEMV)
#undef AMDAHL_EXPORT_GEMV

}  // namespace ops
}  // namespace amdahl
#endif  // HWY_ONCE
