// The integer GEMM on int16 pairs: packing (parallel), blocks, threads.
#include "lib/kernels/gemm_pairs.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <string>
#include <vector>

#include "amdahl/config.h"
#include "amdahl/dtype.h"
#include "amdahl/error.h"
#include "amdahl/pool.h"
#include "amdahl/wisdom.h"
#include "lib/hooks.h"
#include "lib/kernels/gemm_grid.h"
#include "lib/kernels/scratch_buffer.h"
#include "lib/ops/gemm_pairs.h"

namespace amdahl {
namespace {

// Blocks of k shallower than this many pairs (a pass over C each) are left
// to the float path.
constexpr uint64_t kMinBlockPairs = 64;
// The packed copies of A and B together, at most.
constexpr size_t kMaxPackedBytes = size_t{1} << 30;
// Kept per calling thread between calls up to this (the notebook's 1000^3
// packs 4 MB; a fresh block would fault its pages in on every call).
constexpr size_t kKeepBytes = size_t{64} << 20;

// -1: the wisdom decides; 0 off; 1 on.
std::atomic<int> g_pairs{-1};

thread_local ScratchBuffer t_packed;

template <typename I>
uint64_t AbsMax(I lo, I hi) {
  // |lo| as unsigned: -(lo + 1) + 1 does not overflow for the minimum.
  const uint64_t abs_lo = lo < 0 ? static_cast<uint64_t>(-(lo + 1)) + 1 : 0;
  return std::max<uint64_t>(abs_lo, hi > 0 ? static_cast<uint64_t>(hi) : 0);
}

// Packs X (depth k x `extent`, as ops::PackPairs reads it) whole into
// slivers of `width`, in parallel; returns its largest |element|.
template <typename I>
uint64_t PackWhole(const I* x, size_t ld, bool trans, size_t k, size_t extent, size_t width,
                   int32_t* dst) {
  const size_t pairs = (k + 1) / 2;
  const size_t slivers = (extent + width - 1) / width;
  // About 64 KiB of words per chunk.
  const size_t grain = std::max<size_t>(1, (size_t{1} << 14) / (width * pairs));
  std::vector<uint64_t> part((slivers + grain - 1) / grain, 0);
  ParallelFor(0, slivers, grain, [&](size_t s0, size_t s1) {
    const size_t e0 = s0 * width, e1 = std::min(extent, s1 * width);
    I lo, hi;
    ops::PackPairs(trans ? x + e0 * ld : x + e0, ld, trans, k, e1 - e0, width,
                   dst + e0 * pairs, &lo, &hi);
    part[s0 / grain] = AbsMax(lo, hi);
  });
  return *std::max_element(part.begin(), part.end());
}

// Words between rows of A read in place: whole cache lines, and never a
// multiple of 2 KiB (12 rows 4 KiB apart would share one set of L1: the
// 2048^3 product ran at 0.65x for it).
size_t RowStride(size_t pairs) {
  const size_t stride = (pairs + 15) / 16 * 16;
  return stride % 512 == 0 ? stride + 16 : stride;
}

// The rows of A (not transposed) as rows of words (RowStride apart), in
// parallel; returns the largest |element|.
template <typename I>
uint64_t RowsWhole(const I* a, size_t lda, size_t m, size_t k, int32_t* dst) {
  const size_t stride = RowStride((k + 1) / 2);
  const size_t grain = std::max<size_t>(1, (size_t{1} << 14) / stride);
  std::vector<uint64_t> part((m + grain - 1) / grain, 0);
  ParallelFor(0, m, grain, [&](size_t r0, size_t r1) {
    I lo, hi;
    ops::PairRowsOf(a + r0 * lda, lda, r1 - r0, k, dst + r0 * stride, stride, &lo, &hi);
    part[r0 / grain] = AbsMax(lo, hi);
  });
  return *std::max_element(part.begin(), part.end());
}

template <typename I>
bool GemmOnPairsT(bool ta, bool tb, size_t m, size_t n, size_t k, I alpha, const I* a,
                  size_t lda, const I* b, size_t ldb, I beta, I* c, size_t ldc) {
  // The f32 GEMM's blocks and threads fit: its accumulators are as many
  // 32-bit lanes, and a pair word is a float's 4 bytes (kc words: 2 kc of
  // k). The tile is the pairs' own, the blocks whole tiles of it.
  const GemmConfig cfg = GetGemmConfig(DType::kF32, m, n, k);
  const ops::GemmTile tile = ops::GemmPairsTile();
  const size_t mr = tile.mr, nr = tile.nr, pairs = (k + 1) / 2;
  const size_t mc_step = std::max(mr, cfg.mc / mr * mr);
  const size_t nc_step = std::max(nr, cfg.nc / nr * nr);
  // A, not transposed: rows of words read in place; else packed slivers.
  const size_t a_stride = RowStride(pairs);
  const size_t a_words = ta ? (m + mr - 1) / mr * mr * pairs : m * a_stride;
  const size_t b_words = (n + nr - 1) / nr * nr * pairs;
  if ((a_words + b_words) * sizeof(int32_t) > kMaxPackedBytes) return false;
  int32_t* pa = static_cast<int32_t*>(t_packed.Get((a_words + b_words + 16) * sizeof(int32_t)));
  int32_t* pb = pa + (a_words + 15) / 16 * 16;
  // op(A)(i, p) is X(p, i) of PackPairs: stored A transposed is X itself.
  const uint64_t max_a = ta ? PackWhole(a, lda, false, k, m, mr, pa) : RowsWhole(a, lda, m, k, pa);
  const uint64_t max_b = PackWhole(b, ldb, tb, k, n, nr, pb);
  if (max_a > kPairMax || max_b > kPairMax) {
    t_packed.Trim(kKeepBytes);
    return false;
  }
  // A block's int32 sums: 2 products of at most max_a max_b per pair.
  size_t block = cfg.kc;
  if (const uint64_t ab2 = 2 * max_a * max_b; ab2 > 0) {
    const uint64_t fits = static_cast<uint64_t>(std::numeric_limits<int32_t>::max()) / ab2;
    if (fits < pairs && fits < kMinBlockPairs) {
      t_packed.Trim(kKeepBytes);
      return false;
    }
    block = static_cast<size_t>(std::min<uint64_t>(block, fits));
  }
  auto run = [&](size_t i0, size_t i1, size_t j0, size_t j1) {
    for (size_t ic = i0; ic < i1; ic += mc_step) {
      const size_t mc = std::min(mc_step, i1 - ic);
      for (size_t pc = 0; pc < pairs; pc += block) {
        const size_t kb = std::min(block, pairs - pc);
        const I beta_now = pc == 0 ? beta : I(1);
        // Sliver ic / mr, or row ic in place.
        const int32_t* a_panel = ta ? pa + ic * pairs + pc * mr : pa + ic * a_stride + pc;
        const ops::ALayout a_layout =
            ta ? ops::ALayout{1, mr, mr * pairs} : ops::ALayout{a_stride, 1, mr * a_stride};
        for (size_t jc = j0; jc < j1; jc += nc_step) {
          ops::GemmPairsMacro(tile, mc, std::min(nc_step, j1 - jc), kb, a_panel, a_layout,
                              pb + jc * pairs + pc * nr, nr * pairs, alpha, beta_now,
                              c + ic * ldc + jc, ldc);
        }
      }
    }
  };
  size_t tm = 1, tn = 1;
  if (cfg.threads > 1) ThreadGrid(m, n, mr, nr, tile.lanes, cfg.threads, &tm, &tn);
  if (tm * tn == 1) {
    run(0, m, 0, n);
  } else {
    ParallelForThreads(0, tm * tn, 1, tm * tn, [&](size_t t, size_t) {
      size_t i0, i1, j0, j1;
      Split(m, tm, t / tn, mr, &i0, &i1);
      Split(n, tn, t % tn, nr, &j0, &j1);
      if (i1 > i0 && j1 > j0) run(i0, i1, j0, j1);
    });
  }
  t_packed.Trim(kKeepBytes);
  return true;
}

}  // namespace

namespace detail {

int SetIntegerGemmOnPairs(int mode) {
  if (mode < -1 || mode > 1) {
    throw Error("amdahl::detail::SetIntegerGemmOnPairs: mode = " + std::to_string(mode) +
                " is not -1 (the wisdom decides), 0 (off) or 1 (on)");
  }
  return g_pairs.exchange(mode);
}

}  // namespace detail

bool PairsEnabled() {
  const int mode = g_pairs.load(std::memory_order_relaxed);
  if (mode >= 0) return mode == 1;
  const HostWisdom* w = ActiveWisdom();
  return w == nullptr || w->int16_pairs != 0;
}

bool GemmOnPairs(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, int32_t alpha,
                 const int32_t* a, size_t lda, const int32_t* b, size_t ldb, int32_t beta,
                 int32_t* c, size_t ldc) {
  return GemmOnPairsT(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

bool GemmOnPairs(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, int64_t alpha,
                 const int64_t* a, size_t lda, const int64_t* b, size_t ldb, int64_t beta,
                 int64_t* c, size_t ldc) {
  return GemmOnPairsT(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace amdahl
