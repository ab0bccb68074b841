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
#include "lib/ops/mul64-inl.h"

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
  return ops::GemmTile{kGemmMR, kGemmNV * hn::Lanes(d)};
}

// Returns alpha * acc + beta * c (beta == 0: c is not read).
template <class D, class V = hn::Vec<D>>
HWY_INLINE V Combine(D d, V acc, V valpha, V vbeta, const hn::TFromD<D>* c,
                     bool read_c) {
  const V scaled = MulAny(d, valpha, acc);
  if (!read_c) return scaled;
  return MulAddAny(d, vbeta, hn::LoadU(d, c), scaled);
}

// One mr x nr tile: see the contract in lib/ops/gemm.h. m_eff and n_eff are
// the valid rows and columns (at most kGemmMR and nr).
template <class D, typename T = hn::TFromD<D>>
HWY_INLINE void MicroKernel(D d, size_t kc, const T* HWY_RESTRICT a,
                            const T* HWY_RESTRICT b, T alpha, T beta, T* c,
                            size_t ldc, size_t m_eff, size_t n_eff) {
  using V = hn::Vec<D>;
  constexpr size_t MR = kGemmMR;
  constexpr size_t NV = kGemmNV;
  const size_t N = hn::Lanes(d);
  const size_t NR = NV * N;

  V acc[MR][NV];
  HWY_UNROLL(8)
  for (size_t i = 0; i < MR; ++i) {
    HWY_UNROLL(3)
    for (size_t v = 0; v < NV; ++v) acc[i][v] = hn::Zero(d);
  }

  for (size_t p = 0; p < kc; ++p) {
    V bv[NV];
    HWY_UNROLL(3)
    for (size_t v = 0; v < NV; ++v) bv[v] = hn::Load(d, b + v * N);
    HWY_UNROLL(8)
    for (size_t i = 0; i < MR; ++i) {
      const V ai = hn::Set(d, a[i]);
      HWY_UNROLL(3)
      for (size_t v = 0; v < NV; ++v) acc[i][v] = MulAddAny(d, ai, bv[v], acc[i][v]);
    }
    a += MR;
    b += NR;
  }

  const V valpha = hn::Set(d, alpha);
  const V vbeta = hn::Set(d, beta);
  const bool read_c = beta != T(0);
  if (m_eff == MR && n_eff == NR) {
    HWY_UNROLL(8)
    for (size_t i = 0; i < MR; ++i) {
      T* row = c + i * ldc;
      HWY_UNROLL(3)
      for (size_t v = 0; v < NV; ++v) {
        hn::StoreU(Combine(d, acc[i][v], valpha, vbeta, row + v * N, read_c), d,
                   row + v * N);
      }
    }
    return;
  }
  // Edge tile: C's valid part goes through a padded buffer, so the same
  // vector arithmetic applies and nothing outside the tile is touched.
  HWY_ALIGN T tile[MR * NV * hn::MaxLanes(D())] = {};
  if (read_c) {
    for (size_t i = 0; i < m_eff; ++i) {
      for (size_t j = 0; j < n_eff; ++j) tile[i * NR + j] = c[i * ldc + j];
    }
  }
  for (size_t i = 0; i < MR; ++i) {
    for (size_t v = 0; v < NV; ++v) {
      T* t = tile + i * NR + v * N;
      hn::Store(Combine(d, acc[i][v], valpha, vbeta, t, read_c), d, t);
    }
  }
  for (size_t i = 0; i < m_eff; ++i) {
    for (size_t j = 0; j < n_eff; ++j) c[i * ldc + j] = tile[i * NR + j];
  }
}

// Macro-kernel: every tile of the mc x nc block. The A sliver (broadcast,
// mr x kc) stays in L1 while the B slivers of the block stream from L2.
template <typename T>
void GemmMacroT(ops::GemmTile tile, size_t mc, size_t nc, size_t kc,
                const T* HWY_RESTRICT a_packed, const T* HWY_RESTRICT b_packed,
                T alpha, T beta, T* c, size_t ldc) {
  const hn::ScalableTag<T> d;
  const size_t MR = kGemmMR;
  const size_t NR = kGemmNV * hn::Lanes(d);
  HWY_ASSERT(tile.mr == MR && tile.nr == NR);
  for (size_t ir = 0; ir < mc; ir += MR) {
    const T* a = a_packed + ir * kc;
    const size_t m_eff = HWY_MIN(MR, mc - ir);
    for (size_t jr = 0; jr < nc; jr += NR) {
      const T* b = b_packed + jr * kc;
      const size_t n_eff = HWY_MIN(NR, nc - jr);
      MicroKernel(d, kc, a, b, alpha, beta, c + ir * ldc + jr, ldc, m_eff, n_eff);
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#endif  // AMDAHL_OPS_GEMM_INL_H_
