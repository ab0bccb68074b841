// GEMM microkernel and macro-kernel templates, shared by gemm_<type>.cc.
// See lib/ops/gemm.h for the contract.

// Per-target include guard (Highway's toggle idiom).
#if defined(AMDAHL_OPS_GEMM_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AMDAHL_OPS_GEMM_INL_H_
#undef AMDAHL_OPS_GEMM_INL_H_
#else
#define AMDAHL_OPS_GEMM_INL_H_
#endif

#include <type_traits>
#include <utility>

#include "hwy/cache_control.h"
#include "hwy/highway.h"
#include "lib/ops/gemm.h"
#include "lib/ops/lanes-inl.h"
#include "lib/runtime/sanitized.h"

HWY_BEFORE_NAMESPACE();
namespace amdahl {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Register tiles per target: MR rows x NV vectors, compiled once each; the
// configuration (defaults, wisdom, the tuner) picks one per size. The first
// is the default. AVX-512 has 32 vector registers: 8 x 3 = 24 accumulators +
// 3 B vectors + 1 broadcast; 12 x 2 and 6 x 4 hold as many accumulators in
// other shapes (fewer B loads per FMA, or fewer broadcasts), 14 x 2 uses 28
// + 2 + 1 of the 32, 8 x 2 and 4 x 4 fit narrow and small products. AVX2,
// SSE4 and NEON have 16: 6 x 2 = 12 accumulators + 2 + 1, or 4 x 3.
template <size_t kMR, size_t kNV>
struct TileShape {
  static constexpr size_t MR = kMR;
  static constexpr size_t NV = kNV;
};
template <class... Shapes>
struct TileList {};

#if HWY_TARGET <= HWY_AVX3
using GemmTiles = TileList<TileShape<8, 3>, TileShape<12, 2>, TileShape<6, 4>,
                           TileShape<14, 2>, TileShape<8, 2>, TileShape<4, 4>>;
#elif HWY_TARGET == HWY_SCALAR || HWY_TARGET == HWY_EMU128
using GemmTiles = TileList<TileShape<4, 2>>;
#else
using GemmTiles = TileList<TileShape<6, 2>, TileShape<4, 3>>;
#endif

// Calls f(std::integral_constant<size_t, I>()) for I in [0, N): the loops
// over a tile's rows and vectors unrolled whatever the tile, so that the
// accumulators live in registers (an unroll pragma needs a literal count).
template <class F, size_t... I>
HWY_INLINE void UnrollIndices(F&& f, std::index_sequence<I...>) {
  (f(std::integral_constant<size_t, I>()), ...);
}
template <size_t N, class F>
HWY_INLINE void Unroll(F&& f) {
  UnrollIndices(f, std::make_index_sequence<N>());
}

// Inlines every call a macro-kernel makes but the HWY_NOINLINE ones: each
// lambda Unroll runs is a function of its own, and where GCC's growth limits
// left one out of line, the accumulators it captures lived in memory around
// the whole k loop (4-8 % at 32^3 and 64^3 on Zen 4, appearing and vanishing
// with unrelated changes to this file; 143 lambdas were out of line after
// one such change). Sanitizer builds leave it out: instrumented, a flattened macro-kernel
// took minutes to compile, and speed is not what those builds are for.
#if AMDAHL_SANITIZED
#define AMDAHL_FLATTEN
#else
#define AMDAHL_FLATTEN __attribute__((flatten))
#endif

template <typename T, class... Shapes>
size_t TilesOf(TileList<Shapes...>, ops::GemmTile* tiles) {
  static_assert(sizeof...(Shapes) <= ops::kMaxGemmTiles, "raise kMaxGemmTiles");
  const hn::ScalableTag<T> d;
  const size_t N = hn::Lanes(d);
  size_t count = 0;
  ((tiles[count++] = ops::GemmTile{Shapes::MR, Shapes::NV * N, N}), ...);
  return count;
}

// Returns alpha * acc + beta * c (beta == 0: c is not read).
template <class D, class V = hn::Vec<D>>
HWY_INLINE V Combine(D d, V acc, V valpha, V vbeta, const hn::TFromD<D>* c,
                     bool read_c) {
  const V scaled = MulAny(d, valpha, acc);
  if (!read_c) return scaled;
  return MulAddAny(d, vbeta, hn::LoadU(d, c), scaled);
}

// Writes a whole tile: C_tile = alpha * acc + beta * C_tile. Inlined: the
// accumulators go straight from registers to C (a call would spill them, 5 %
// of a 64^3 product).
template <size_t MR, size_t NV, class D, class V = hn::Vec<D>, typename T = hn::TFromD<D>>
HWY_INLINE void StoreWholeTile(D d, const V (&acc)[MR][NV], T alpha, T beta, T* c, size_t ldc) {
  const size_t N = hn::Lanes(d);
  if (alpha == T(1) && beta == T(0)) {
    Unroll<MR>([&](auto i) {
      Unroll<NV>([&](auto v) { hn::StoreU(acc[i][v], d, c + i * ldc + v * N); });
    });
    return;
  }
  const V valpha = hn::Set(d, alpha);
  const V vbeta = hn::Set(d, beta);
  const bool read_c = beta != T(0);
  Unroll<MR>([&](auto i) {
    T* row = c + i * ldc;
    Unroll<NV>([&](auto v) {
      hn::StoreU(Combine(d, acc[i][v], valpha, vbeta, row + v * N, read_c), d, row + v * N);
    });
  });
}

// Highway 1.0.3's MaskedLoad and BlendedStore of 32- and 64-bit lanes are
// single instructions on AVX2 and AVX-512 that touch no memory outside the
// mask; on the other targets they load whole vectors or go lane by lane.
#undef AMDAHL_GEMM_MASKED_EDGES  // (set anew for each target)
#if HWY_TARGET <= HWY_AVX2
#define AMDAHL_GEMM_MASKED_EDGES 1
#else
#define AMDAHL_GEMM_MASKED_EDGES 0
#endif

// Writes C_tile = alpha * acc + beta * C_tile for the m_eff x n_eff valid
// elements of an edge tile, the accumulators given as MR rows of NV vectors
// in memory. Not inlined: rare, and large. (It takes a copy, not the
// accumulators' address: an address taken anywhere keeps them in memory
// around the whole k loop, 16-24 stores and loads per tile; inlined here, the
// whole tiles' code around it ran 6 % slower at 32^3.)
template <size_t MR, size_t NV, class D, class V = hn::Vec<D>, typename T = hn::TFromD<D>>
HWY_NOINLINE void StoreEdgeTile(D d, const T* HWY_RESTRICT acc, T alpha, T beta, T* c,
                                size_t ldc, size_t m_eff, size_t n_eff) {
  const size_t N = hn::Lanes(d);
  const V valpha = hn::Set(d, alpha);
  const V vbeta = hn::Set(d, beta);
  const bool read_c = beta != T(0);
  const size_t width = NV * N;
  m_eff = HWY_MIN(m_eff, MR);  // (for the compiler's bounds analysis)
  n_eff = HWY_MIN(n_eff, width);
#if AMDAHL_GEMM_MASKED_EDGES
  // Whole vectors, then the first n_eff % N lanes of one more under a mask.
  // (Lane by lane through a buffer, an edge tile's store took as long as its
  // multiply at 24^3.)
  const size_t whole = n_eff / N;
  const auto rest = hn::FirstN(d, n_eff % N);
  for (size_t i = 0; i < m_eff; ++i) {
    T* row = c + i * ldc;
    const T* acc_row = acc + i * width;
    for (size_t v = 0; v < whole; ++v) {
      hn::StoreU(Combine(d, hn::Load(d, acc_row + v * N), valpha, vbeta, row + v * N, read_c),
                 d, row + v * N);
    }
    if (n_eff % N != 0) {
      T* p = row + whole * N;
      const V scaled = MulAny(d, valpha, hn::Load(d, acc_row + whole * N));
      const V out = read_c ? MulAddAny(d, vbeta, hn::MaskedLoad(rest, d, p), scaled) : scaled;
      hn::BlendedStore(out, rest, d, p);
    }
  }
#else
  // C's valid part goes through a padded buffer, so the same vector
  // arithmetic applies and nothing outside the tile is touched.
  HWY_ALIGN T tile[MR * NV * hn::MaxLanes(D())];
  for (size_t i = 0; i < m_eff; ++i) {
    for (size_t j = 0; j < n_eff; ++j) tile[i * width + j] = read_c ? c[i * ldc + j] : T(0);
    for (size_t j = n_eff; j < width; ++j) tile[i * width + j] = T(0);
  }
  for (size_t i = 0; i < m_eff; ++i) {
    for (size_t j = 0; j < width; j += N) {
      T* t = tile + i * width + j;
      hn::Store(Combine(d, hn::Load(d, acc + i * width + j), valpha, vbeta, t, read_c), d, t);
    }
  }
  for (size_t i = 0; i < m_eff; ++i) {
    for (size_t j = 0; j < n_eff; ++j) c[i * ldc + j] = tile[i * width + j];
  }
#endif
}

#if !AMDAHL_GEMM_MASKED_EDGES
// Loads the first `count` (0 < count < N) lanes at p, zeros above, reading
// nothing past p + count: the last, partial vector of a row of B read in
// place, where a whole vector would run past the matrix (targets without a
// masked load).
template <class D, typename T = hn::TFromD<D>>
HWY_INLINE hn::Vec<D> LoadFirst(D d, const T* HWY_RESTRICT p, size_t count) {
  HWY_ALIGN T lanes[hn::MaxLanes(D())] = {};
  for (size_t j = 0; j < count; ++j) lanes[j] = p[j];
  return hn::Load(d, lanes);
}
#endif

// One tile of MR rows x NV vectors: see the contract in lib/ops/gemm.h.
// Row p of the B sliver is at b + p * nr (nr: the row stride, the tile width
// when packed); NV below the tile's serves the last, narrower tile of a row.
// kPackedA: the A sliver is packed (a[p * MR + i]), one pointer for all rows;
// else row i is read in place at rows[i][p * a_col_stride]. kPartialB: a
// one-vector tile of fewer than N valid columns, which are all that is read
// of B (read in place, it may end there).
template <size_t MR, size_t NV, bool kPackedA, bool kPartialB, class D,
          typename T = hn::TFromD<D>>
HWY_INLINE void MicroKernel(D d, size_t kc, const T* HWY_RESTRICT a,
                            size_t a_row_stride, size_t a_col_stride,
                            const T* HWY_RESTRICT b, size_t nr, T alpha, T beta,
                            T* c, size_t ldc, size_t m_eff, size_t n_eff) {
  using V = hn::Vec<D>;
  const size_t N = hn::Lanes(d);
  // Rows past m_eff repeat the last valid one: never outside A, never stored.
  // (Packed slivers are zero-padded instead.)
  [[maybe_unused]] const T* rows[MR];
  if constexpr (!kPackedA) {
    Unroll<MR>([&](auto i) { rows[i] = a + HWY_MIN(i, m_eff - 1) * a_row_stride; });
  }
  static_assert(!kPartialB || NV == 1, "a partial vector is a tile of its own");
#if AMDAHL_GEMM_MASKED_EDGES
  [[maybe_unused]] const auto partial = hn::FirstN(d, n_eff);  // (used if kPartialB)
#endif

  // One step of k: row p of the B sliver times column p of the A sliver.
  // The first step multiplies instead of adding to zeroed accumulators: GCC
  // built those as one zero and MR x NV register copies, which take the FMA
  // pipes at every tile's start.
  V acc[MR][NV];
  auto step = [&](auto first, size_t off) {
    V bv[NV];
    Unroll<NV>([&](auto v) {
      if constexpr (kPartialB) {
#if AMDAHL_GEMM_MASKED_EDGES
        bv[v] = hn::MaskedLoad(partial, d, b);
#else
        bv[v] = LoadFirst(d, b, n_eff);
#endif
      } else {
        bv[v] = hn::LoadU(d, b + v * N);
      }
    });
    Unroll<MR>([&](auto i) {
      V ai;
      if constexpr (kPackedA) {
        ai = hn::Set(d, a[i]);
      } else {
        ai = hn::Set(d, rows[i][off]);
      }
      Unroll<NV>([&](auto v) {
        if constexpr (decltype(first)::value) {
          acc[i][v] = MulAny(d, ai, bv[v]);
        } else {
          acc[i][v] = MulAddAny(d, ai, bv[v], acc[i][v]);
        }
      });
    });
    b += nr;
    if constexpr (kPackedA) a += MR;
  };
  step(std::true_type(), 0);  // (kc >= 1: the framework calls no empty k)
  for (size_t p = 1, off = a_col_stride; p < kc; ++p, off += a_col_stride) {
    step(std::false_type(), off);
  }
  if (m_eff == MR && n_eff == NV * N) {
    StoreWholeTile<MR, NV>(d, acc, alpha, beta, c, ldc);
  } else {
    HWY_ALIGN T copy[MR * NV * hn::MaxLanes(D())];
    Unroll<MR>([&](auto i) {
      Unroll<NV>([&](auto v) { hn::Store(acc[i][v], d, copy + (i * NV + v) * N); });
    });
    StoreEdgeTile<MR, NV>(d, copy, alpha, beta, c, ldc, m_eff, n_eff);
  }
}

// A whole tile (MR rows, NV whole vectors), out of line: its row pointers and
// its store are fixed at compile time. (Inlined with m_eff and n_eff known
// only at run time, a row of 32^3 f32 tiles ran 4-8 % slower on Zen 4: the
// clamped row pointers feed every broadcast of the tile's first steps.)
template <size_t MR, size_t NV, bool kPackedA, class D, typename T = hn::TFromD<D>>
HWY_NOINLINE AMDAHL_FLATTEN void WholeTile(D d, size_t kc, const T* HWY_RESTRICT a,
                                           size_t a_row_stride, size_t a_col_stride,
                                           const T* HWY_RESTRICT b, size_t nr, T alpha,
                                           T beta, T* c, size_t ldc) {
  MicroKernel<MR, NV, kPackedA, false>(d, kc, a, a_row_stride, a_col_stride, b, nr, alpha,
                                       beta, c, ldc, MR, NV * hn::Lanes(d));
}

// A tile with fewer than MR rows or NV vectors to store, out of line as well:
// the macro-kernel that calls both keeps few registers and a small frame.
// kPartialB: the last, partial vector of a row of tiles (fewer than N
// columns), a one-vector tile of its own: one more kernel per row count, not
// per shape (a partial variant of every shape and width doubled the kernels'
// build time; inlined beside the whole tiles, it made those 2-5 % slower at
// 32^3 and 64^3).
template <size_t MR, size_t NV, bool kPackedA, bool kPartialB = false, class D,
          typename T = hn::TFromD<D>>
HWY_NOINLINE AMDAHL_FLATTEN void EdgeTile(D d, size_t kc, const T* HWY_RESTRICT a,
                                          size_t a_row_stride, size_t a_col_stride,
                                          const T* HWY_RESTRICT b, size_t nr, T alpha, T beta,
                                          T* c, size_t ldc, size_t m_eff, size_t n_eff) {
  MicroKernel<MR, NV, kPackedA, kPartialB>(d, kc, a, a_row_stride, a_col_stride, b, nr, alpha,
                                           beta, c, ldc, m_eff, n_eff);
}

// The tile of MR rows x NV vectors, or of fewer vectors for the last tile of
// a row (`vectors` of them), whole vectors.
template <size_t MR, size_t NV, bool kPackedA, class D, typename T = hn::TFromD<D>>
HWY_INLINE void TileOfWidth(D d, size_t vectors, size_t kc, const T* HWY_RESTRICT a,
                            size_t a_row_stride, size_t a_col_stride,
                            const T* HWY_RESTRICT b, size_t nr, T alpha, T beta,
                            T* c, size_t ldc, size_t m_eff, size_t n_eff) {
  if constexpr (NV > 1) {
    if (vectors < NV) {
      TileOfWidth<MR, NV - 1, kPackedA>(d, vectors, kc, a, a_row_stride, a_col_stride, b,
                                        nr, alpha, beta, c, ldc, m_eff, n_eff);
      return;
    }
  }
  if (m_eff == MR && n_eff == NV * hn::Lanes(d)) {
    WholeTile<MR, NV, kPackedA>(d, kc, a, a_row_stride, a_col_stride, b, nr, alpha, beta, c,
                                ldc);
    return;
  }
  EdgeTile<MR, NV, kPackedA>(d, kc, a, a_row_stride, a_col_stride, b, nr, alpha, beta, c, ldc,
                             m_eff, n_eff);
}

// C is prefetched (PrefetchTileOfC) for blocks whose rows of C span more
// than this, twice a 1 MiB L2 and one 2 MiB: a smaller C stays in the caches
// between passes over k, and the prefetches only cost (one Zen 5 core, f32
// 256^3 and f64 128^3 1.5-2 % slower with them); and from this depth, where
// a tile's time covers the memory's latency for the next one.
constexpr size_t kMinSpanPrefetchC = size_t{2} << 20;
constexpr size_t kMinDepthPrefetchC = 128;

// Asks L2 for `rows` rows (ldc apart) of `width` elements of C from c: the
// next tile's C, while this one multiplies. Without it each tile waited for
// its C at the end of the k loop (one Zen 5 core, f64 2048 x 2048 x 384: 3.6
// % slower reading C than only writing it). (L2, not L1: the tile's B
// stream, kc x NR, passes through L1 before the C is read.) A plain loop: GCC
// 12 dropped a prefetch from a lambda that did nothing else.
template <typename T>
HWY_INLINE void PrefetchTileOfC(const T* c, size_t ldc, size_t rows, size_t width) {
  constexpr size_t kLineElements = 64 / sizeof(T);
  for (size_t i = 0; i < rows; ++i) {
    const T* row = c + i * ldc;
    for (size_t j = 0; j < width; j += kLineElements) __builtin_prefetch(row + j, 0, 2);
    __builtin_prefetch(row + width - 1, 0, 2);  // (the last line, where the row is not aligned)
  }
}

// One row of tiles: the m_eff (<= MR) rows of an A sliver (rows a_row_stride
// apart, steps of k a_col_stride apart) times the nc columns of the B block,
// into C's rows at c. With prefetch_c, each tile prefetches the next one's
// C; the last, the first tile of the next row of tiles (next_c, next_m_eff
// rows), unless next_c is null.
template <size_t MR, size_t NV, bool kPackedA, typename T>
HWY_INLINE void RowOfTiles(size_t nc, size_t kc, const T* HWY_RESTRICT a, size_t a_row_stride,
                           size_t a_col_stride, const T* HWY_RESTRICT b_block,
                           const ops::BLayout& b_layout, T alpha, T beta, T* c, size_t ldc,
                           size_t m_eff, bool prefetch_c = false, const T* next_c = nullptr,
                           size_t next_m_eff = 0) {
  const hn::ScalableTag<T> d;
  const size_t N = hn::Lanes(d);
  const size_t NR = NV * N;
  // Columns are contiguous across slivers (B read in place, or one row of a
  // packed block): a tile may start anywhere, not only at a sliver.
  const bool contiguous = b_layout.sliver_stride == NR;
  for (size_t jr = 0, n_eff = 0; jr < nc; jr += n_eff) {
    const T* b = b_block + jr / NR * b_layout.sliver_stride + jr % NR;
    n_eff = HWY_MIN(NR, nc - jr);
    // A whole tile that would leave one whole vector (and perhaps a partial
    // one) for the last tile: two tiles of about half the vectors instead.
    // A one-vector tile keeps MR accumulators in flight, too few to hide the
    // FMA's latency on two pipes (one Zen 5 core: f64 32 x 8 x 32 at 51 % of
    // the peak, 32 x 16 x 32 at 72 %).
    if constexpr (NV >= 3) {
      if (contiguous && nc - jr >= NR + N && nc - jr < NR + 2 * N) n_eff = (NV + 1) / 2 * N;
    }
    if (prefetch_c) {
      if (jr + n_eff < nc) {
        PrefetchTileOfC(c + jr + n_eff, ldc, m_eff, HWY_MIN(NR, nc - jr - n_eff));
      } else if (next_c != nullptr) {
        PrefetchTileOfC(next_c, ldc, next_m_eff, HWY_MIN(NR, nc));
      }
    }
    // The last tile of a row uses only the whole vectors it needs; a last,
    // partial vector is a tile of its own.
    const size_t whole = n_eff / N * N;
    if (whole != 0) {
      TileOfWidth<MR, NV, kPackedA>(d, whole / N, kc, a, a_row_stride, a_col_stride, b,
                                    b_layout.row_stride, alpha, beta, c + jr, ldc, m_eff, whole);
    }
    if (whole != n_eff) {
      auto partial = [&](auto dp) {
        EdgeTile<MR, 1, kPackedA, true>(dp, kc, a, a_row_stride, a_col_stride, b + whole,
                                        b_layout.row_stride, alpha, beta, c + jr + whole, ldc,
                                        m_eff, n_eff - whole);
      };
#if HWY_TARGET <= HWY_AVX3
      // Exactly a quarter of a vector left: a whole 128-bit tile, stored
      // without a mask (the masked store through a buffer was 7 % of a 20^3
      // f32 product).
      if (n_eff - whole == N / 4) {
        partial(hn::Half<hn::Half<decltype(d)>>());
        continue;
      }
      // At most half a vector left: a half-width tile. Zen 4 runs a 512-bit
      // vector as two 256-bit halves, so this halves the tile's multiplies
      // (one core: f32 20^3 -7 %, 24^3 -14 %, 40^3 -11 %, 100^3 -5 %; f64
      // 12^3 and 20^3 -10 %); Intel's AVX-512 runs either width at one rate.
      if (n_eff - whole <= N / 2) {
        partial(hn::Half<decltype(d)>());
        continue;
      }
#endif
      partial(d);
    }
  }
}

// A last row of tiles of at most 4 rows, where the shape has more: 4-row
// tiles, or 2-row ones for at most 2 rows, which compute no or few padding
// rows. Out of line, one per width rather than per shape; a packed sliver is
// read as in place (rows 1 apart, steps of k MR apart).
template <size_t NV, typename T>
HWY_NOINLINE AMDAHL_FLATTEN void FewRowsOfTiles(size_t nc, size_t kc, const T* HWY_RESTRICT a,
                                                size_t a_row_stride, size_t a_col_stride,
                                                const T* HWY_RESTRICT b_block,
                                                const ops::BLayout& b_layout, T alpha, T beta,
                                                T* c, size_t ldc, size_t m_eff) {
  if (m_eff <= 2) {
    RowOfTiles<2, NV, false>(nc, kc, a, a_row_stride, a_col_stride, b_block, b_layout, alpha,
                             beta, c, ldc, m_eff);
    return;
  }
  RowOfTiles<4, NV, false>(nc, kc, a, a_row_stride, a_col_stride, b_block, b_layout, alpha,
                           beta, c, ldc, m_eff);
}

#if AMDAHL_GEMM_MASKED_EDGES
// The most columns ColumnsByDots takes.
constexpr size_t kMaxDotColumns = 4;

// C[i, t] = alpha * dot(A row i, bt row t) + beta * C[i, t] for R rows of A
// (lda apart, kc long) and the first r (<= kMaxDotColumns) rows of bt
// (bt_stride apart, zero-padded to whole vectors): each A vector loaded once
// for all r columns, four rows' sums reduced in one tree.
template <size_t R, class D, typename T = hn::TFromD<D>>
HWY_INLINE void RowDots(D d, size_t kc, const T* HWY_RESTRICT a, size_t lda,
                        const T* HWY_RESTRICT bt, size_t bt_stride, size_t r, T alpha,
                        T beta, T* c, size_t ldc) {
  using V = hn::Vec<D>;
  const size_t N = hn::Lanes(d);
  V acc[R][kMaxDotColumns];
  Unroll<R>([&](auto i) { Unroll<kMaxDotColumns>([&](auto t) { acc[i][t] = hn::Zero(d); }); });
  auto add = [&](size_t p, const V (&av)[R]) {
    Unroll<kMaxDotColumns>([&](auto t) {
      if (t < r) {
        const V bv = hn::Load(d, bt + t * bt_stride + p);
        Unroll<R>([&](auto i) { acc[i][t] = MulAddAny(d, av[i], bv, acc[i][t]); });
      }
    });
  };
  size_t p = 0;
  for (; p + N <= kc; p += N) {
    V av[R];
    Unroll<R>([&](auto i) { av[i] = hn::LoadU(d, a + i * lda + p); });
    add(p, av);
  }
  if (p < kc) {  // the last kc % N steps: nothing past A's row is read
    const auto first = hn::FirstN(d, kc - p);
    V av[R];
    Unroll<R>([&](auto i) { av[i] = hn::MaskedLoad(first, d, a + i * lda + p); });
    add(p, av);
  }
  // (Unrolled: an accumulator indexed at run time would live in memory.)
  Unroll<kMaxDotColumns>([&](auto t) {
    if (t >= r) return;
    T dots[4];
    if constexpr (R == 4) {
      SumsOf4(d, acc[0][t], acc[1][t], acc[2][t], acc[3][t], dots);
    } else {
      Unroll<R>([&](auto i) { dots[i] = HorizontalSum(d, acc[i][t]); });
    }
    for (size_t i = 0; i < R; ++i) {
      T* out = c + i * ldc + t;
      *out = ScalarCombine(alpha, dots[i], beta, out);
    }
  });
}

// The last r (< N) columns of an mc x nc block, A read in place (rows lda
// apart), B's columns at b (rows b_row_stride apart): dot products along k
// instead of a tile whose vectors hold r valid lanes of N (at 50^3 f32 the
// tile of 2 columns cost 15 % of the product for 4 % of its work).
template <class D, typename T = hn::TFromD<D>>
HWY_NOINLINE AMDAHL_FLATTEN void ColumnsByDots(D d, size_t mc, size_t kc,
                                               const T* HWY_RESTRICT a, size_t lda,
                                               const T* HWY_RESTRICT b, size_t b_row_stride,
                                               size_t r, T alpha, T beta, T* c, size_t ldc) {
  const size_t N = hn::Lanes(d);
  // k in chunks whose columns of B, transposed, fit on the stack.
  constexpr size_t kChunk = 256;
  HWY_ALIGN T bt[kMaxDotColumns * kChunk];
  for (size_t p0 = 0; p0 < kc; p0 += kChunk) {
    const size_t len = HWY_MIN(kChunk, kc - p0);
    const size_t padded = (len + N - 1) / N * N;
    for (size_t t = 0; t < r; ++t) {
      for (size_t p = 0; p < len; ++p) bt[t * kChunk + p] = b[(p0 + p) * b_row_stride + t];
      for (size_t p = len; p < padded; ++p) bt[t * kChunk + p] = T(0);
    }
    const T beta_now = p0 == 0 ? beta : T(1);
    size_t i = 0;
    for (; i + 4 <= mc; i += 4) {
      RowDots<4>(d, len, a + i * lda + p0, lda, bt, kChunk, r, alpha, beta_now, c + i * ldc,
                 ldc);
    }
    for (; i < mc; ++i) {
      RowDots<1>(d, len, a + i * lda + p0, lda, bt, kChunk, r, alpha, beta_now, c + i * ldc,
                 ldc);
    }
  }
}
#endif  // AMDAHL_GEMM_MASKED_EDGES

// How many of the block's last columns ColumnsByDots computes: the columns
// past the whole vectors, where dot products cost less than the tiles' lanes
// (per four rows, r (4 ceil(kc / N) + 10) steps against 2 kc for a
// half-width tile; Zen 4 measured at 50^3), A read in place (!kPackedA: rows
// a_layout.row_stride apart, each contiguous), floats (the integer types'
// scalar sums would overflow as signed values); else 0.
template <bool kPackedA, typename T>
HWY_INLINE size_t DotColumns(size_t nc, size_t kc) {
#if AMDAHL_GEMM_MASKED_EDGES
  if constexpr (!kPackedA && std::is_floating_point_v<T>) {
    const size_t N = hn::Lanes(hn::ScalableTag<T>());
    const size_t r = nc % N;
    if (r != 0 && r <= kMaxDotColumns && r * (4 * ((kc + N - 1) / N) + 10) < 2 * kc) {
      return r;
    }
  }
#endif
  (void)nc;
  (void)kc;
  return 0;
}

// Macro-kernel: every tile of the mc x nc block. The A sliver (broadcast,
// mr x kc) stays in L1 while the B slivers of the block stream from L2.
template <size_t MR, size_t NV, bool kPackedA, typename T>
HWY_NOINLINE AMDAHL_FLATTEN void GemmMacroTile(size_t mc, size_t nc, size_t kc,
                                               const T* HWY_RESTRICT a_panel,
                                               const ops::ALayout& a_layout,
                                               const T* HWY_RESTRICT b_block,
                                               const ops::BLayout& b_layout, T alpha, T beta,
                                               T* c, size_t ldc) {
  if (const size_t r = DotColumns<kPackedA, T>(nc, kc); r != 0) {
#if AMDAHL_GEMM_MASKED_EDGES
    const size_t NR = NV * hn::Lanes(hn::ScalableTag<T>());
    nc -= r;
    ColumnsByDots(hn::ScalableTag<T>(), mc, kc, a_panel, a_layout.row_stride,
                  b_block + nc / NR * b_layout.sliver_stride + nc % NR, b_layout.row_stride, r,
                  alpha, beta, c + nc, ldc);
#endif
  }
  const bool prefetch_c =
      kc >= kMinDepthPrefetchC && mc * ldc * sizeof(T) > kMinSpanPrefetchC;
  for (size_t ir = 0; ir < mc; ir += MR) {
    const T* a = a_panel + ir / MR * a_layout.sliver_stride;
    const size_t m_eff = HWY_MIN(MR, mc - ir);
    if constexpr (MR > 4) {
      if (m_eff <= 4) {
        FewRowsOfTiles<NV>(nc, kc, a, a_layout.row_stride, a_layout.col_stride, b_block,
                           b_layout, alpha, beta, c + ir * ldc, ldc, m_eff);
        continue;
      }
    }
    const size_t next = ir + MR;
    RowOfTiles<MR, NV, kPackedA>(nc, kc, a, a_layout.row_stride, a_layout.col_stride, b_block,
                                 b_layout, alpha, beta, c + ir * ldc, ldc, m_eff, prefetch_c,
                                 next < mc ? c + next * ldc : nullptr,
                                 next < mc ? HWY_MIN(MR, mc - next) : 0);
  }
}

// The macro-kernel of the listed shape that `tile` names (A packed or read
// in place); nullptr if none.
template <typename T, class... Shapes>
ops::GemmMacroFn<T> GemmMacroOfList(TileList<Shapes...>, ops::GemmTile tile, bool packed_a) {
  const size_t N = hn::Lanes(hn::ScalableTag<T>());
  ops::GemmMacroFn<T> found = nullptr;
  auto match = [&](auto shape) {
    using S = decltype(shape);
    if (tile.mr != S::MR || tile.nr != S::NV * N || tile.lanes != N) return false;
    found = packed_a ? &GemmMacroTile<S::MR, S::NV, true, T>
                     : &GemmMacroTile<S::MR, S::NV, false, T>;
    return true;
  };
  (match(Shapes()) || ...);
  return found;
}

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#endif  // AMDAHL_OPS_GEMM_INL_H_
