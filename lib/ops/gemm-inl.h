// GEMM microkernel and macro-kernel templates, shared by gemm_<type>.cc.
// See lib/ops/gemm.h for the contract.

// Per-target include guard (Highway's toggle idiom).
#if defined(AMDAHL_OPS_GEMM_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AMDAHL_OPS_GEMM_INL_H_
#undef AMDAHL_OPS_GEMM_INL_H_
#else
#define AMDAHL_OPS_GEMM_INL_H_
#endif

#include "hwy/cache_control.h"
#include "hwy/highway.h"
#include "lib/ops/gemm.h"
#include "lib/ops/lanes-inl.h"

HWY_BEFORE_NAMESPACE();
namespace amdahl {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Register tile per target: kGemmMR rows x kGemmNV vectors. AVX-512 has 32
// vector registers: 8 x 3 = 24 accumulators + 3 B vectors + 1 broadcast.
// AVX2 and SSE4 have 16: 6 x 2 = 12 accumulators + 2 + 1.
#if HWY_TARGET <= HWY_AVX3
constexpr size_t kGemmMR = 8;
constexpr size_t kGemmNV = 3;
#elif HWY_TARGET == HWY_SCALAR || HWY_TARGET == HWY_EMU128
constexpr size_t kGemmMR = 4;
constexpr size_t kGemmNV = 2;
#else
constexpr size_t kGemmMR = 6;
constexpr size_t kGemmNV = 2;
#endif

template <typename T>
ops::GemmTile GemmTileT() {
  const hn::ScalableTag<T> d;
  return ops::GemmTile{kGemmMR, kGemmNV * hn::Lanes(d), hn::Lanes(d)};
}

// Returns alpha * acc + beta * c (beta == 0: c is not read).
template <class D, class V = hn::Vec<D>>
HWY_INLINE V Combine(D d, V acc, V valpha, V vbeta, const hn::TFromD<D>* c,
                     bool read_c) {
  const V scaled = MulAny(d, valpha, acc);
  if (!read_c) return scaled;
  return MulAddAny(d, vbeta, hn::LoadU(d, c), scaled);
}

// Writes C_tile = alpha * acc + beta * C_tile for m_eff x n_eff valid
// elements. Not inlined: the accumulators go through memory once per tile, so
// that alpha and beta do not occupy registers during the k loop.
template <size_t NV, class D, class V = hn::Vec<D>, typename T = hn::TFromD<D>>
HWY_NOINLINE void StoreTile(D d, const V (*acc)[NV], T alpha, T beta, T* c,
                            size_t ldc, size_t m_eff, size_t n_eff) {
  constexpr size_t MR = kGemmMR;
  const size_t N = hn::Lanes(d);
  const V valpha = hn::Set(d, alpha);
  const V vbeta = hn::Set(d, beta);
  const bool read_c = beta != T(0);
  if (m_eff == MR && n_eff == NV * N) {
    for (size_t i = 0; i < MR; ++i) {
      T* row = c + i * ldc;
      for (size_t v = 0; v < NV; ++v) {
        hn::StoreU(Combine(d, acc[i][v], valpha, vbeta, row + v * N, read_c), d,
                   row + v * N);
      }
    }
    return;
  }
  // Edge tile: C's valid part goes through a padded buffer, so the same
  // vector arithmetic applies and nothing outside the tile is touched.
  HWY_ALIGN T tile[MR * NV * hn::MaxLanes(D())];
  const size_t width = NV * N;
  m_eff = HWY_MIN(m_eff, MR);  // (for the compiler's bounds analysis)
  n_eff = HWY_MIN(n_eff, width);
  for (size_t i = 0; i < m_eff; ++i) {
    for (size_t j = 0; j < n_eff; ++j) tile[i * width + j] = read_c ? c[i * ldc + j] : T(0);
    for (size_t j = n_eff; j < width; ++j) tile[i * width + j] = T(0);
  }
  for (size_t i = 0; i < m_eff; ++i) {
    for (size_t v = 0; v < NV; ++v) {
      T* t = tile + i * width + v * N;
      hn::Store(Combine(d, acc[i][v], valpha, vbeta, t, read_c), d, t);
    }
  }
  for (size_t i = 0; i < m_eff; ++i) {
    for (size_t j = 0; j < n_eff; ++j) c[i * ldc + j] = tile[i * width + j];
  }
}

// One tile of kGemmMR rows x NV vectors: see the contract in lib/ops/gemm.h.
// Row p of the B sliver is at b + p * nr (nr: the row stride, the tile width
// when packed); NV < kGemmNV serves the last, narrower tile of a row.
template <size_t NV, class D, typename T = hn::TFromD<D>>
HWY_INLINE void MicroKernel(D d, size_t kc, const T* HWY_RESTRICT a,
                            size_t a_row_stride, size_t a_col_stride,
                            const T* HWY_RESTRICT b, size_t nr, T alpha, T beta,
                            T* c, size_t ldc, size_t m_eff, size_t n_eff) {
  using V = hn::Vec<D>;
  constexpr size_t MR = kGemmMR;
  const size_t N = hn::Lanes(d);
  // Rows past m_eff repeat the last valid one: never outside A, never stored.
  const T* rows[MR];
  HWY_UNROLL(8)
  for (size_t i = 0; i < MR; ++i) rows[i] = a + HWY_MIN(i, m_eff - 1) * a_row_stride;

  V acc[MR][NV];
  HWY_UNROLL(8)
  for (size_t i = 0; i < MR; ++i) {
    HWY_UNROLL(3)
    for (size_t v = 0; v < NV; ++v) acc[i][v] = hn::Zero(d);
  }

  for (size_t p = 0, off = 0; p < kc; ++p, off += a_col_stride) {
    V bv[NV];
    HWY_UNROLL(3)
    for (size_t v = 0; v < NV; ++v) bv[v] = hn::LoadU(d, b + v * N);
    HWY_UNROLL(8)
    for (size_t i = 0; i < MR; ++i) {
      const V ai = hn::Set(d, rows[i][off]);
      HWY_UNROLL(3)
      for (size_t v = 0; v < NV; ++v) acc[i][v] = MulAddAny(d, ai, bv[v], acc[i][v]);
    }
    b += nr;
  }
  StoreTile<NV>(d, acc, alpha, beta, c, ldc, m_eff, n_eff);
}

// Macro-kernel: every tile of the mc x nc block. The A sliver (broadcast,
// mr x kc) stays in L1 while the B slivers of the block stream from L2.
template <typename T>
void GemmMacroT(ops::GemmTile tile, size_t mc, size_t nc, size_t kc,
                const T* HWY_RESTRICT a_panel, ops::ALayout a_layout,
                const T* HWY_RESTRICT b_block, ops::BLayout b_layout, T alpha,
                T beta, T* c, size_t ldc) {
  const hn::ScalableTag<T> d;
  const size_t MR = kGemmMR;
  const size_t NR = kGemmNV * hn::Lanes(d);
  HWY_ASSERT(tile.mr == MR && tile.nr == NR);
  for (size_t ir = 0; ir < mc; ir += MR) {
    const T* a = a_panel + ir / MR * a_layout.sliver_stride;
    const size_t m_eff = HWY_MIN(MR, mc - ir);
    for (size_t jr = 0; jr < nc; jr += NR) {
      const T* b = b_block + jr / NR * b_layout.sliver_stride;
      const size_t n_eff = HWY_MIN(NR, nc - jr);
      T* c_tile = c + ir * ldc + jr;
      // The last tile of a row uses only the vectors it needs.
      const size_t vectors = (n_eff + hn::Lanes(d) - 1) / hn::Lanes(d);
      if (vectors >= kGemmNV) {
        MicroKernel<kGemmNV>(d, kc, a, a_layout.row_stride, a_layout.col_stride, b,
                             b_layout.row_stride, alpha, beta, c_tile, ldc, m_eff, n_eff);
      } else if (vectors == 2) {
        MicroKernel<2>(d, kc, a, a_layout.row_stride, a_layout.col_stride, b,
                             b_layout.row_stride, alpha, beta, c_tile, ldc, m_eff, n_eff);
      } else {
        MicroKernel<1>(d, kc, a, a_layout.row_stride, a_layout.col_stride, b,
                             b_layout.row_stride, alpha, beta, c_tile, ldc, m_eff, n_eff);
      }
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#endif  // AMDAHL_OPS_GEMM_INL_H_
