// The exact integer GEMM on float units: the range scan, the conversions
// (parallel, Highway: lib/ops/int_float.cc) and the float GEMM between them.
#include "lib/kernels/gemm_exact.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <vector>

#include "amdahl/gemm.h"
#include "amdahl/pool.h"
#include "lib/hooks.h"
#include "lib/kernels/scratch_buffer.h"
#include "lib/ops/int_float.h"

namespace amdahl {
namespace {

// Below this many multiply-adds the scan and conversions cost more than the
// float units save. Measured on Xeon (AVX3, 2026-11-24): the float path wins
// from 32^3 on for i32 and i64 (i64 64^3: 7.2 us against 24 us), ties below.
constexpr double kMinWork = 32.0 * 32 * 32;
// The float copies of A, B and the product together (as doubles), at most.
constexpr size_t kMaxTemporaryBytes = size_t{1} << 30;

// Blocks of k shallower than these cost more in passes over C than the
// float units save (each block adds an m x n conversion pass).
constexpr uint64_t kMinBlockF32 = 256;
constexpr uint64_t kMinBlockF64 = 64;

std::atomic<bool> g_on_float{true};

// Float copies of A, B and the product, per calling thread, kept up to
// kKeepBytes: a fresh block (24 MB for the notebook's 1000^2) would fault
// its pages in on every call.
constexpr size_t kKeepBytes = size_t{64} << 20;

thread_local ScratchBuffer t_scratch;

// Rows per parallel chunk: about 64 KiB of the wider type.
size_t RowGrain(size_t cols) {
  return std::max<size_t>(1, (size_t{1} << 13) / std::max<size_t>(cols, 1));
}

// dst = src as F (rows x cols, dense), in parallel; returns max |src|.
template <typename I, typename F>
uint64_t Convert(const I* src, size_t rows, size_t cols, size_t ld, F* dst) {
  const size_t grain = RowGrain(cols);
  std::vector<uint64_t> part((rows + grain - 1) / grain, 0);
  ParallelFor(0, rows, grain, [&](size_t r0, size_t r1) {
    I lo, hi;
    ops::IntToFloat(src + r0 * ld, r1 - r0, cols, ld, dst + r0 * cols, &lo, &hi);
    // |lo| as unsigned: -(lo + 1) + 1 does not overflow for the minimum.
    const uint64_t abs_lo = lo < 0 ? static_cast<uint64_t>(-(lo + 1)) + 1 : 0;
    part[r0 / grain] = std::max<uint64_t>(abs_lo, hi > 0 ? static_cast<uint64_t>(hi) : 0);
  });
  return *std::max_element(part.begin(), part.end());
}

struct Shapes {
  size_t m, n, k, a_rows, a_cols, b_rows, b_cols;
};

// The product of the float copies (fa, fb, as stored), back into C: one
// float GEMM per block of k (its sums exact), each added into C in integer
// arithmetic (alpha, and beta on the first).
template <typename I, typename F>
void MultiplyAndStore(bool ta, bool tb, const Shapes& s, size_t k_block, const F* fa,
                      const F* fb, F* fp, I alpha, I beta, I* c, size_t ldc) {
  for (size_t p0 = 0; p0 < s.k; p0 += k_block) {
    const size_t kb = std::min(k_block, s.k - p0);
    const F* a = ta ? fa + p0 * s.a_cols : fa + p0;
    const F* b = tb ? fb + p0 : fb + p0 * s.b_cols;
    Gemm(ta ? Trans::kYes : Trans::kNo, tb ? Trans::kYes : Trans::kNo, s.m, s.n, kb, F(1), a,
         s.a_cols, b, s.b_cols, F(0), fp, s.n);
    const I beta_now = p0 == 0 ? beta : I(1);
    ParallelFor(0, s.m, RowGrain(s.n), [&](size_t r0, size_t r1) {
      ops::FloatToIntUpdate(fp + r0 * s.n, r1 - r0, s.n, alpha, beta_now, c + r0 * ldc, ldc);
    });
  }
}

template <typename I>
bool GemmExactOnFloatT(bool ta, bool tb, size_t m, size_t n, size_t k, I alpha, const I* a,
                       size_t lda, const I* b, size_t ldb, I beta, I* c, size_t ldc) {
  if (!g_on_float.load(std::memory_order_relaxed)) return false;
  if (static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) < kMinWork) {
    return false;
  }
  const Shapes s{m, n, k, ta ? k : m, ta ? m : k, tb ? n : k, tb ? k : n};
  const size_t na = s.a_rows * s.a_cols, nb = s.b_rows * s.b_cols, elements = na + nb + m * n;
  if (elements * sizeof(double) > kMaxTemporaryBytes) return false;
  // Converted to float while scanned for the range (one pass over A and B);
  // again to double only when float cannot hold the sums.
  // (+ 16: each copy starts on a 64-byte boundary.)
  char* scratch = static_cast<char*>(t_scratch.Get((elements + 16) * sizeof(double)));
  float* fa = reinterpret_cast<float*>(scratch);
  float* fb = fa + (na + 15) / 16 * 16;
  const uint64_t max_a = Convert(a, s.a_rows, s.a_cols, lda, fa);
  const uint64_t max_b = Convert(b, s.b_rows, s.b_cols, ldb, fb);
  const ExactPlan plan =
      PlanExact(max_a, max_b, k, static_cast<uint64_t>(std::numeric_limits<I>::max()));
  if (plan.type == ExactFloat::kF32) {
    MultiplyAndStore(ta, tb, s, plan.k_block, fa, fb, fb + (nb + 15) / 16 * 16, alpha, beta, c,
                     ldc);
  } else if (plan.type == ExactFloat::kF64) {
    double* da = reinterpret_cast<double*>(scratch);
    double* db = da + (na + 7) / 8 * 8;
    Convert(a, s.a_rows, s.a_cols, lda, da);
    Convert(b, s.b_rows, s.b_cols, ldb, db);
    MultiplyAndStore(ta, tb, s, plan.k_block, da, db, db + (nb + 7) / 8 * 8, alpha, beta, c,
                     ldc);
  }
  t_scratch.Trim(kKeepBytes);
  return plan.type != ExactFloat::kNone;
}

}  // namespace

namespace detail {

bool SetIntegerGemmOnFloat(bool enabled) { return g_on_float.exchange(enabled); }

}  // namespace detail

ExactPlan PlanExact(uint64_t max_a, uint64_t max_b, size_t k, uint64_t int_max) {
  uint64_t ab;
  if (__builtin_mul_overflow(max_a, max_b, &ab) || ab > int_max) return {ExactFloat::kNone, 0};
  if (ab == 0) return {ExactFloat::kF32, k};
  // The deepest block whose sums stay exact in each type and (for the
  // conversion back, which must not saturate) within the integer type.
  const uint64_t fits = int_max / ab;
  const uint64_t k32 = std::min((uint64_t{1} << 24) / ab, fits);
  const uint64_t k64 = std::min((uint64_t{1} << 53) / ab, fits);
  const uint64_t kk = static_cast<uint64_t>(k);
  // Float, blocked while its blocks stay deep (twice double's rate pays for
  // a pass over C per block), then double.
  if (k32 >= kk) return {ExactFloat::kF32, k};
  if (k32 >= kMinBlockF32) return {ExactFloat::kF32, static_cast<size_t>(k32)};
  if (k64 >= kk) return {ExactFloat::kF64, k};
  if (k64 >= kMinBlockF64) return {ExactFloat::kF64, static_cast<size_t>(k64)};
  return {ExactFloat::kNone, 0};
}

bool GemmExactOnFloat(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, int32_t alpha,
                      const int32_t* a, size_t lda, const int32_t* b, size_t ldb, int32_t beta,
                      int32_t* c, size_t ldc) {
  return GemmExactOnFloatT(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

bool GemmExactOnFloat(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, int64_t alpha,
                      const int64_t* a, size_t lda, const int64_t* b, size_t ldb, int64_t beta,
                      int64_t* c, size_t ldc) {
  return GemmExactOnFloatT(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace amdahl
