// Per-target packing and macro-kernel of the GEMM on int16 pairs (see
// lib/ops/gemm_pairs.h). Its register tile is one of the GEMM's
// (gemm-inl.h), in int32 lanes.
#include "lib/ops/gemm_pairs.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "lib/ops/gemm_pairs.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "lib/ops/gemm-inl.h"

HWY_BEFORE_NAMESPACE();
namespace amdahl {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The word of a pair: even in the low 16 bits, odd in the high.
template <typename I>
HWY_INLINE int32_t PairWord(I even, I odd) {
  const uint32_t lo = static_cast<uint16_t>(even);
  const uint32_t hi = static_cast<uint16_t>(odd);
  return static_cast<int32_t>(lo | (hi << 16));
}

// The running range of the elements packed: vectors while whole vectors
// are read, scalars for the rest.
template <typename I>
struct PackRange {
  using D = hn::ScalableTag<I>;
  hn::Vec<D> vlo, vhi;
  I lo, hi;
  explicit PackRange(I first) : vlo(hn::Set(D(), first)), vhi(vlo), lo(first), hi(first) {}
  void Add(I x) {
    lo = HWY_MIN(lo, x);
    hi = HWY_MAX(hi, x);
  }
  void Result(I* out_lo, I* out_hi) const {
    *out_lo = HWY_MIN(lo, hn::GetLane(hn::MinOfLanes(D(), vlo)));
    *out_hi = HWY_MAX(hi, hn::GetLane(hn::MaxOfLanes(D(), vhi)));
  }
};

// dst[c] = PairWord(even[c], odd[c]) for c < count (odd == nullptr: zeros),
// then zeros to width.
template <typename I>
HWY_INLINE void PairRows(const I* HWY_RESTRICT even, const I* HWY_RESTRICT odd, size_t count,
                         size_t width, int32_t* HWY_RESTRICT dst, PackRange<I>& range) {
  const hn::ScalableTag<I> d;
  const hn::RebindToUnsigned<decltype(d)> du;
  const hn::Rebind<uint32_t, decltype(du)> dw;  // as many 32-bit words as lanes of I
  const size_t N = hn::Lanes(d);
  size_t c = 0;
  if (odd != nullptr) {
    const auto low16 = hn::Set(du, 0xFFFF);
    for (; c + N <= count; c += N) {
      const auto e = hn::LoadU(d, even + c), o = hn::LoadU(d, odd + c);
      range.vlo = hn::Min(range.vlo, hn::Min(e, o));
      range.vhi = hn::Max(range.vhi, hn::Max(e, o));
      const auto w = hn::Or(hn::And(hn::BitCast(du, e), low16),
                            hn::ShiftLeft<16>(hn::BitCast(du, o)));
      if constexpr (sizeof(I) == 4) {
        hn::StoreU(w, dw, reinterpret_cast<uint32_t*>(dst + c));
      } else {
        hn::StoreU(hn::TruncateTo(dw, w), dw, reinterpret_cast<uint32_t*>(dst + c));
      }
    }
  }
  for (; c < count; ++c) {
    const I o = odd != nullptr ? odd[c] : I(0);
    range.Add(even[c]);
    range.Add(o);
    dst[c] = PairWord(even[c], o);
  }
  for (; c < width; ++c) dst[c] = 0;
}

template <typename I>
void PackPairsT(const I* HWY_RESTRICT x, size_t ld, bool trans, size_t depth, size_t extent,
                size_t width, int32_t* HWY_RESTRICT dst, I* lo, I* hi) {
  const size_t pairs = (depth + 1) / 2;
  PackRange<I> range(x[0]);
  if (!trans) {
    // Rows 2q and 2q + 1 of X are runs: read in order, a vector of words
    // at a time, each sliver's part to its place.
    for (size_t q = 0; q < pairs; ++q) {
      const I* even = x + 2 * q * ld;
      const I* odd = 2 * q + 1 < depth ? even + ld : nullptr;
      for (size_t s = 0; s < extent; s += width) {
        PairRows(even + s, odd == nullptr ? nullptr : odd + s, HWY_MIN(width, extent - s),
                 width, dst + s * pairs + q * width, range);
      }
    }
    range.Result(lo, hi);
    return;
  }
  // A pair is two neighbours of one run of x; the words of a run go to
  // every width-th word (a transpose, as pack_reference.h's).
  for (size_t s = 0; s < extent; s += width) {
    const size_t count = HWY_MIN(width, extent - s);
    int32_t* out = dst + s * pairs;  // sliver s / width
    for (size_t c = 0; c < count; ++c) {
      const I* run = x + (s + c) * ld;
      for (size_t q = 0; q < pairs; ++q) {
        const I e = run[2 * q], o = 2 * q + 1 < depth ? run[2 * q + 1] : I(0);
        range.Add(e);
        range.Add(o);
        out[q * width + c] = PairWord(e, o);
      }
    }
    for (size_t q = 0; q < pairs; ++q) {
      for (size_t c = count; c < width; ++c) out[q * width + c] = 0;
    }
  }
  range.Result(lo, hi);
}

template <typename I>
void PairRowsOfT(const I* HWY_RESTRICT x, size_t ld, size_t rows, size_t depth,
                 int32_t* HWY_RESTRICT dst, size_t dst_stride, I* lo, I* hi) {
  const hn::ScalableTag<I> d;
  const hn::RebindToUnsigned<decltype(d)> du;
  const hn::Rebind<uint16_t, decltype(du)> d16;  // the low halves, in order: words
  const size_t N = hn::Lanes(d);
  PackRange<I> range(x[0]);
  for (size_t r = 0; r < rows; ++r) {
    const I* s = x + r * ld;
    int32_t* out = dst + r * dst_stride;
    size_t j = 0;
    if constexpr (HWY_TARGET != HWY_SCALAR) {  // (N is even: pairs stay whole)
      for (; j + N <= depth; j += N) {
        const auto v = hn::LoadU(d, s + j);
        range.vlo = hn::Min(range.vlo, v);
        range.vhi = hn::Max(range.vhi, v);
        hn::StoreU(hn::TruncateTo(d16, hn::BitCast(du, v)), d16,
                   reinterpret_cast<uint16_t*>(out) + j);
      }
    }
    for (; j < depth; j += 2) {
      const I o = j + 1 < depth ? s[j + 1] : I(0);
      range.Add(s[j]);
      range.Add(o);
      out[j / 2] = PairWord(s[j], o);
    }
  }
  range.Result(lo, hi);
}

// sum0 + the products of the int16 pairs in each 32-bit lane of a and b
// (sum1: the odd halves' on targets that keep them apart; add them with
// hn::RearrangeToOddPlusEven when done).
template <class D32, class V = hn::Vec<D32>>
HWY_INLINE V PairMulAdd(D32 d32, V a, V b, V sum0, V& sum1) {
#if HWY_TARGET == HWY_SCALAR
  // One lane holds one word: its halves by shifts (sign-extending).
  (void)d32;
  (void)sum1;
  const V ae = hn::ShiftRight<16>(hn::ShiftLeft<16>(a)), ao = hn::ShiftRight<16>(a);
  const V be = hn::ShiftRight<16>(hn::ShiftLeft<16>(b)), bo = hn::ShiftRight<16>(b);
  return hn::Add(sum0, hn::Add(hn::Mul(ae, be), hn::Mul(ao, bo)));
#else
  const hn::Repartition<int16_t, D32> d16;
  return hn::ReorderWidenMulAccumulate(d32, hn::BitCast(d16, a), hn::BitCast(d16, b), sum0,
                                       sum1);
#endif
}

// C = alpha * p + beta * C (wrapping) for the m_eff x n_eff valid part of
// an edge tile, its int32 products at p (row stride `width`). Not inlined:
// rare; and the accumulators reach it through memory they were stored to,
// never by address (that would keep them out of registers in the loop).
template <typename I>
HWY_NOINLINE void StorePairEdge(const int32_t* p, size_t width, I alpha, I beta, I* c,
                                size_t ldc, size_t m_eff, size_t n_eff) {
  using U = hwy::MakeUnsigned<I>;
  for (size_t i = 0; i < m_eff; ++i) {
    for (size_t j = 0; j < n_eff; ++j) {
      const U prod = static_cast<U>(alpha) * static_cast<U>(static_cast<I>(p[i * width + j]));
      I* out = c + i * ldc + j;
      const U old = beta == I(0) ? U(0) : static_cast<U>(beta) * static_cast<U>(*out);
      *out = static_cast<I>(prod + old);
    }
  }
}

// C = alpha * p + beta * C (wrapping) for `rows` whole rows of `width`
// int32 products at p, widened to I a vector at a time. Not inlined: see
// StorePairEdge.
template <typename I>
HWY_NOINLINE void StorePairRows(const int32_t* p, size_t rows, size_t width, I alpha, I beta,
                                I* c, size_t ldc) {
  const hn::ScalableTag<I> d;
  const hn::Rebind<int32_t, decltype(d)> d32;
  const size_t N = hn::Lanes(d);
  const auto valpha = hn::Set(d, alpha), vbeta = hn::Set(d, beta);
  const bool plain = alpha == I(1) && beta == I(0), read_c = beta != I(0);
  for (size_t i = 0; i < rows; ++i) {
    for (size_t j = 0; j < width; j += N) {
      hn::Vec<decltype(d)> x;
      if constexpr (sizeof(I) == 4) {
        x = hn::Load(d, p + i * width + j);
      } else {
        x = hn::PromoteTo(d, hn::Load(d32, p + i * width + j));
      }
      I* out = c + i * ldc + j;
      hn::StoreU(plain ? x : Combine(d, x, valpha, vbeta, out, read_c), d, out);
    }
  }
}

// The int32 tile into C of type I, through a buffer: a store from the
// registers that takes their address, or one too large to inline, keeps
// the accumulators in memory during the loop (spills measured at 12 x 2).
template <size_t MR, size_t NV, typename I, class D32, class V = hn::Vec<D32>>
HWY_INLINE void StorePairTile(D32 d32, const V (&acc)[MR][NV], I alpha, I beta, I* c,
                              size_t ldc, size_t m_eff, size_t n_eff) {
  const size_t N = hn::Lanes(d32);
  HWY_ALIGN int32_t tile[MR * NV * hn::MaxLanes(D32())];
  Unroll<MR>([&](auto i) {
    Unroll<NV>([&](auto v) { hn::Store(acc[i][v], d32, tile + (i * NV + v) * N); });
  });
  if (m_eff == MR && n_eff == NV * N) {
    StorePairRows(tile, MR, NV * N, alpha, beta, c, ldc);
  } else {
    StorePairEdge(tile, NV * N, alpha, beta, c, ldc, m_eff, n_eff);
  }
}

// One tile of MR rows x NV vectors over `pairs` words of A and of the B
// sliver (b, nr words a row). kPackedA: A's sliver is packed (a[q * MR +
// i]); else row i is read in place at a + i * a_row_stride (words in a row).
template <size_t MR, size_t NV, bool kPackedA, typename I>
HWY_INLINE void PairMicroKernel(size_t pairs, const int32_t* HWY_RESTRICT a,
                                size_t a_row_stride, const int32_t* HWY_RESTRICT b, size_t nr,
                                I alpha, I beta, I* c, size_t ldc, size_t m_eff, size_t n_eff) {
  const hn::ScalableTag<int32_t> d32;
  using V = hn::Vec<decltype(d32)>;
  const size_t N = hn::Lanes(d32);
  // Rows past m_eff repeat the last valid one (packed slivers are padded).
  [[maybe_unused]] const int32_t* rows[MR];
  if constexpr (!kPackedA) {
    Unroll<MR>([&](auto i) { rows[i] = a + HWY_MIN(i, m_eff - 1) * a_row_stride; });
  }
  V acc[MR][NV], odd[MR][NV];
  Unroll<MR>([&](auto i) {
    Unroll<NV>([&](auto v) { acc[i][v] = odd[i][v] = hn::Zero(d32); });
  });
  for (size_t q = 0; q < pairs; ++q) {
    V bv[NV];
    Unroll<NV>([&](auto v) { bv[v] = hn::LoadU(d32, b + v * N); });
    Unroll<MR>([&](auto i) {
      V ai;
      if constexpr (kPackedA) {
        ai = hn::Set(d32, a[i]);
      } else {
        ai = hn::Set(d32, rows[i][q]);
      }
      Unroll<NV>([&](auto v) { acc[i][v] = PairMulAdd(d32, ai, bv[v], acc[i][v], odd[i][v]); });
    });
    if constexpr (kPackedA) a += MR;
    b += nr;
  }
  Unroll<MR>([&](auto i) {
    Unroll<NV>([&](auto v) { acc[i][v] = hn::RearrangeToOddPlusEven(acc[i][v], odd[i][v]); });
  });
  StorePairTile<MR, NV>(d32, acc, alpha, beta, c, ldc, m_eff, n_eff);
}

// The tile of MR rows x NV vectors, or of fewer for the last of a row.
template <size_t MR, size_t NV, bool kPackedA, typename I>
HWY_INLINE void PairTileOfWidth(size_t vectors, size_t pairs, const int32_t* a,
                                size_t a_row_stride, const int32_t* b, size_t nr, I alpha,
                                I beta, I* c, size_t ldc, size_t m_eff, size_t n_eff) {
  if constexpr (NV > 1) {
    if (vectors < NV) {
      PairTileOfWidth<MR, NV - 1, kPackedA>(vectors, pairs, a, a_row_stride, b, nr, alpha,
                                            beta, c, ldc, m_eff, n_eff);
      return;
    }
  }
  PairMicroKernel<MR, NV, kPackedA>(pairs, a, a_row_stride, b, nr, alpha, beta, c, ldc, m_eff,
                                    n_eff);
}

template <size_t MR, size_t NV, bool kPackedA, typename I>
HWY_NOINLINE AMDAHL_FLATTEN void PairMacroTile(size_t mc, size_t nc, size_t pairs,
                                               const int32_t* a_panel, ops::ALayout a_layout,
                                               const int32_t* b_block, size_t b_sliver_stride,
                                               I alpha, I beta, I* c, size_t ldc) {
  const size_t N = hn::Lanes(hn::ScalableTag<int32_t>());
  const size_t NR = NV * N;
  for (size_t ir = 0; ir < mc; ir += MR) {
    const int32_t* a = a_panel + ir / MR * a_layout.sliver_stride;
    const size_t m_eff = HWY_MIN(MR, mc - ir);
    for (size_t jr = 0; jr < nc; jr += NR) {
      const size_t n_eff = HWY_MIN(NR, nc - jr);
      PairTileOfWidth<MR, NV, kPackedA>((n_eff + N - 1) / N, pairs, a, a_layout.row_stride,
                                        b_block + jr / NR * b_sliver_stride, NR, alpha, beta,
                                        c + ir * ldc + jr, ldc, m_eff, n_eff);
    }
  }
}

// The one tile the pairs run on per target: AVX-512, one core of Zen 4
// (2026-11-30), in L1: 12 x 2 and 14 x 2 vectors 99-100 GMAC/s, 8 x 3 89,
// 6 x 4 87, 4 x 4 90 (the f32 FMA's 58). Elsewhere the target's default
// GEMM tile. Only this one is compiled for the pairs.
template <class First, class... Rest>
First FirstShape(TileList<First, Rest...>);
#if HWY_TARGET <= HWY_AVX3
using PairTile = TileShape<12, 2>;
#else
using PairTile = decltype(FirstShape(GemmTiles()));
#endif

ops::GemmTile GemmPairsTileT() {
  const size_t N = hn::Lanes(hn::ScalableTag<int32_t>());
  return ops::GemmTile{PairTile::MR, PairTile::NV * N, N};
}

template <typename I>
void GemmPairsMacroT(size_t mc, size_t nc, size_t pairs, const int32_t* a,
                     ops::ALayout a_layout, const int32_t* b, size_t b_sliver_stride, I alpha,
                     I beta, I* c, size_t ldc) {
  if (a_layout.row_stride == 1 && a_layout.col_stride == PairTile::MR) {  // packed slivers
    PairMacroTile<PairTile::MR, PairTile::NV, true>(mc, nc, pairs, a, a_layout, b,
                                                    b_sliver_stride, alpha, beta, c, ldc);
  } else {
    PairMacroTile<PairTile::MR, PairTile::NV, false>(mc, nc, pairs, a, a_layout, b,
                                                     b_sliver_stride, alpha, beta, c, ldc);
  }
}

#define AMDAHL_GEMM_PAIRS_PER_TARGET(I, ID)                                                 \
  void PackPairs##ID(const I* x, size_t ld, bool trans, size_t depth, size_t extent,         \
                     size_t width, int32_t* dst, I* lo, I* hi) {                             \
    PackPairsT(x, ld, trans, depth, extent, width, dst, lo, hi);                             \
  }                                                                                          \
  void PairRowsOf##ID(const I* x, size_t ld, size_t rows, size_t depth, int32_t* dst,        \
                      size_t dst_stride, I* lo, I* hi) {                                     \
    PairRowsOfT(x, ld, rows, depth, dst, dst_stride, lo, hi);                                \
  }                                                                                          \
  void GemmPairsMacro##ID(size_t mc, size_t nc, size_t pairs, const int32_t* a,             \
                          ops::ALayout a_layout, const int32_t* b, size_t b_sliver_stride,   \
                          I alpha, I beta, I* c, size_t ldc) {                               \
    GemmPairsMacroT(mc, nc, pairs, a, a_layout, b, b_sliver_stride, alpha, beta, c, ldc);    \
  }
AMDAHL_GEMM_PAIRS_PER_TARGET(int32_t, I32)
AMDAHL_GEMM_PAIRS_PER_TARGET(int64_t, I64)
#undef AMDAHL_GEMM_PAIRS_PER_TARGET

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace amdahl {
namespace ops {

HWY_EXPORT(GemmPairsTileT);
GemmTile GemmPairsTile() { return HWY_DYNAMIC_DISPATCH(GemmPairsTileT)(); }

#define AMDAHL_EXPORT_GEMM_PAIRS(I, ID)                                                     \
  HWY_EXPORT(PackPairs##ID);                                                               \
  HWY_EXPORT(PairRowsOf##ID);                                                              \
  HWY_EXPORT(GemmPairsMacro##ID);                                                          \
  void PackPairs(const I* x, size_t ld, bool trans, size_t depth, size_t extent,           \
                 size_t width, int32_t* dst, I* lo, I* hi) {                               \
    HWY_DYNAMIC_DISPATCH(PackPairs##ID)(x, ld, trans, depth, extent, width, dst, lo, hi);  \
  }                                                                                        \
  void PairRowsOf(const I* x, size_t ld, size_t rows, size_t depth, int32_t* dst,          \
                  size_t dst_stride, I* lo, I* hi) {                                       \
    HWY_DYNAMIC_DISPATCH(PairRowsOf##ID)(x, ld, rows, depth, dst, dst_stride, lo, hi);     \
  }                                                                                        \
  void GemmPairsMacro(size_t mc, size_t nc, size_t pairs, const int32_t* a,               \
                      ALayout a_layout, const int32_t* b, size_t b_sliver_stride, I alpha, \
                      I beta, I* c, size_t ldc) {                                          \
    HWY_DYNAMIC_DISPATCH(GemmPairsMacro##ID)(mc, nc, pairs, a, a_layout, b,                \
                                             b_sliver_stride, alpha, beta, c, ldc);        \
  }
AMDAHL_EXPORT_GEMM_PAIRS(int32_t, I32)
AMDAHL_EXPORT_GEMM_PAIRS(int64_t, I64)
#undef AMDAHL_EXPORT_GEMM_PAIRS

}  // namespace ops
}  // namespace amdahl
#endif  // HWY_ONCE
