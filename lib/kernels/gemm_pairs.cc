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
#include "lib/kernels/gemm_exact.h"
#include "lib/kernels/gemm_grid.h"
#include "lib/kernels/scratch_buffer.h"
#include "lib/ops/gemm_pairs.h"

namespace amdahl {
namespace {

// Blocks of k shallower than this many pairs (a pass over C each) are left
// to the float path.
constexpr uint64_t kMinBlockPairs = 64;
// -1: the wisdom decides; 0 off; 1 on.
std::atomic<int> g_pairs{-1};

thread_local ScratchBuffer t_packed;

// Gives the copies' block back on every way out when it grew past what a
// thread keeps.
struct TrimOnExit {
  ~TrimOnExit() { t_packed.Trim(kExactKeepBytes); }
};

// Words between rows of A read in place: whole cache lines, and never a
// multiple of 2 KiB (12 rows 4 KiB apart would share one set of L1: the
// 2048^3 product ran at 0.65x for it).
size_t RowStride(size_t pairs) {
  const size_t stride = (pairs + 15) / 16 * 16;
  return stride % 512 == 0 ? stride + 16 : stride;
}

// One thread's part of C: rows [i0, i1) x columns [j0, j1), and where its
// own copies of A's rows and B's columns lie in the scratch.
struct Part {
  size_t i0 = 0, i1 = 0, j0 = 0, j1 = 0;
  size_t a_at = 0, b_at = 0;  // words into the scratch
  uint64_t max_a = 0, max_b = 0;
};

thread_local std::vector<Part> t_parts;

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
  const size_t a_stride = RowStride(pairs);
  size_t tm = 1, tn = 1;
  if (cfg.threads > 1) ThreadGrid(m, n, mr, nr, tile.lanes, cfg.threads, &tm, &tn);
  // Each thread copies the rows of A and the columns of B its part reads,
  // into a region of its own that the next call's copy finds in the same
  // core's cache (pinned chunks): one copy shared by the threads made every
  // call move it from core to core (2 threads at 128^3: 51 us, 1: 25 us).
  // (The calling thread's, reused: no allocation per call. A reference, so
  // that the workers' lambdas see the caller's parts, not their own.)
  std::vector<Part>& parts = t_parts;
  parts.assign(tm * tn, Part{});
  size_t words = 0;
  for (size_t t = 0; t < parts.size(); ++t) {
    Part& p = parts[t];
    Split(m, tm, t / tn, mr, &p.i0, &p.i1);
    Split(n, tn, t % tn, nr, &p.j0, &p.j1);
    const size_t rows = p.i1 - p.i0, cols = p.j1 - p.j0;
    // (Each region starts on a cache line.)
    auto take = [&words](size_t count) {
      const size_t at = words;
      words += (count + 15) / 16 * 16;
      return at;
    };
    p.a_at = take(ta ? (rows + mr - 1) / mr * mr * pairs : rows * a_stride);
    p.b_at = take((cols + nr - 1) / nr * nr * pairs);
  }
  if (words * sizeof(int32_t) > kExactMaxCopyBytes) return false;
  const TrimOnExit trim;
  int32_t* scratch = static_cast<int32_t*>(t_packed.Get(words * sizeof(int32_t)));
  auto pack = [&](Part& p) {
    if (p.i1 <= p.i0 || p.j1 <= p.j0) return;
    I lo, hi;
    // op(A)(i, p) is X(p, i) of PackPairs: stored A transposed is X itself;
    // not transposed, its rows become rows of words (read in place).
    if (ta) {
      ops::PackPairs(a + p.i0, lda, false, k, p.i1 - p.i0, mr, scratch + p.a_at, &lo, &hi);
    } else {
      ops::PairRowsOf(a + p.i0 * lda, lda, p.i1 - p.i0, k, scratch + p.a_at, a_stride, &lo,
                      &hi);
    }
    p.max_a = AbsMax(lo, hi);
    ops::PackPairs(tb ? b + p.j0 * ldb : b + p.j0, ldb, tb, k, p.j1 - p.j0, nr,
                   scratch + p.b_at, &lo, &hi);
    p.max_b = AbsMax(lo, hi);
  };
  if (parts.size() == 1) {
    pack(parts[0]);
  } else {
    ParallelForPinned(0, parts.size(), 1, parts.size(), [&](size_t t0, size_t t1) {
      for (size_t t = t0; t < t1; ++t) pack(parts[t]);
    });
  }
  uint64_t max_a = 0, max_b = 0;
  for (const Part& p : parts) {
    max_a = std::max(max_a, p.max_a);
    max_b = std::max(max_b, p.max_b);
  }
  if (max_a > kPairMax || max_b > kPairMax) return false;
  // A block's int32 sums: 2 products of at most max_a max_b per pair.
  size_t block = cfg.kc;
  if (const uint64_t ab2 = 2 * max_a * max_b; ab2 > 0) {
    const uint64_t fits = static_cast<uint64_t>(std::numeric_limits<int32_t>::max()) / ab2;
    if (fits < pairs && fits < kMinBlockPairs) return false;
    block = static_cast<size_t>(std::min<uint64_t>(block, fits));
  }
  const ops::ALayout a_layout =
      ta ? ops::ALayout{1, mr, mr * pairs} : ops::ALayout{a_stride, 1, mr * a_stride};
  auto run = [&](const Part& p) {
    for (size_t ic = p.i0; ic < p.i1; ic += mc_step) {
      const size_t mc = std::min(mc_step, p.i1 - ic);
      for (size_t pc = 0; pc < pairs; pc += block) {
        const size_t kb = std::min(block, pairs - pc);
        const I beta_now = pc == 0 ? beta : I(1);
        // Sliver (ic - i0) / mr, or row ic - i0 in place.
        const int32_t* a_panel = scratch + p.a_at +
                                 (ta ? (ic - p.i0) * pairs + pc * mr : (ic - p.i0) * a_stride + pc);
        for (size_t jc = p.j0; jc < p.j1; jc += nc_step) {
          ops::GemmPairsMacro(mc, std::min(nc_step, p.j1 - jc), kb, a_panel, a_layout,
                              scratch + p.b_at + (jc - p.j0) * pairs + pc * nr, nr * pairs,
                              alpha, beta_now, c + ic * ldc + jc, ldc);
        }
      }
    }
  };
  if (parts.size() == 1) {
    run(parts[0]);
  } else {
    ParallelForPinned(0, parts.size(), 1, parts.size(), [&](size_t t0, size_t t1) {
      for (size_t t = t0; t < t1; ++t) run(parts[t]);  // (an empty part's loops do not start)
    });
  }
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
