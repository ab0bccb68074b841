// The exact integer GEMM on float units: the range scan, the conversions
// (parallel, Highway: lib/ops/int_float.cc) and the float GEMM between them.
#include "lib/kernels/gemm_exact.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "amdahl/error.h"
#include "amdahl/gemm.h"
#include "amdahl/pool.h"
#include "amdahl/wisdom.h"
#include "lib/hooks.h"
#include "lib/kernels/gemm_pairs.h"
#include "lib/kernels/scratch_buffer.h"
#include "lib/ops/int_float.h"

namespace amdahl {
namespace {

// Below this many multiply-adds the scan and conversions cost more than the
// float units save. Measured on Xeon (AVX3, 2026-11-24): the float path wins
// from 32^3 on for i32 and i64 (i64 64^3: 7.2 us against 24 us), ties below.
constexpr double kMinWork = 32.0 * 32 * 32;
// The float copies of A, B and the product together (as doubles), at most.
constexpr size_t kMaxTemporaryBytes = kExactMaxCopyBytes;

// Blocks of k shallower than these cost more in passes over C than the
// float units save (each block adds an m x n conversion pass).
constexpr uint64_t kMinBlockF32 = 256;
constexpr uint64_t kMinBlockF64 = 64;

std::atomic<bool> g_on_float{true};

// Float copies of A, B and the product, per calling thread, kept up to
// kKeepBytes.
constexpr size_t kKeepBytes = kExactKeepBytes;

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
    part[r0 / grain] = AbsMax(lo, hi);
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

// -1: the wisdom's int64_slice_products decides; else the tests' or the
// tuner's setting.
std::atomic<int> g_slice_products{-1};

size_t MaxSliceProducts() {
  const int forced = g_slice_products.load(std::memory_order_relaxed);
  if (forced >= 0) return static_cast<size_t>(forced);
  const HostWisdom* w = ActiveWisdom();
  return w != nullptr && w->int64_slice_products > 0
             ? static_cast<size_t>(w->int64_slice_products)
             : 0;
}

// Slices of int64 operands, per calling thread (their float copies and the
// product use t_scratch).
thread_local ScratchBuffer t_slices;

// The bound of one slice of an operand cut into `slices` of `bits` bits:
// the operand's own bound when it is not cut.
uint64_t SliceBound(uint64_t max, size_t slices, int bits) {
  return slices == 1 ? max : uint64_t{1} << bits;
}

int BitLength(uint64_t x) { return x == 0 ? 0 : 64 - __builtin_clzll(x); }

// Every slice product of the plan in F: each slice converted once (all of
// an operand's slices are one tall matrix), each pair multiplied and added
// into C with alpha 2^(bits_a i + bits_b j), beta on the first.
template <typename F>
void MultiplySlices(bool ta, bool tb, const Shapes& s, const SlicePlan& plan,
                    const int64_t* slices_a, const int64_t* slices_b, int64_t alpha,
                    int64_t beta, int64_t* c, size_t ldc) {
  const size_t na = s.a_rows * s.a_cols, nb = s.b_rows * s.b_cols;
  F* fa = static_cast<F*>(
      t_scratch.Get((plan.slices_a * na + plan.slices_b * nb + s.m * s.n) * sizeof(F)));
  F* fb = fa + plan.slices_a * na;
  Convert(slices_a, plan.slices_a * s.a_rows, s.a_cols, s.a_cols, fa);
  Convert(slices_b, plan.slices_b * s.b_rows, s.b_cols, s.b_cols, fb);
  for (size_t i = 0; i < plan.slices_a; ++i) {
    for (size_t j = 0; j < plan.slices_b; ++j) {
      const int shift = plan.bits_a * static_cast<int>(i) + plan.bits_b * static_cast<int>(j);
      // alpha 2^shift modulo 2^64 (a shift of 64 or more leaves nothing).
      const int64_t scale =
          shift >= 64 ? 0 : static_cast<int64_t>(static_cast<uint64_t>(alpha) << shift);
      MultiplyAndStore(ta, tb, s, plan.exact.k_block, fa + i * na, fb + j * nb,
                       fb + plan.slices_b * nb, scale, i + j == 0 ? beta : int64_t{1}, c, ldc);
    }
  }
}

// The wider int64 product as sums of slice products (Ozaki): A = sum A_i
// 2^(wa i), B = sum B_j 2^(wb j), each A_i B_j exact on the float units,
// added into C in wrapping arithmetic (as the integer kernels: the sum is
// C's value modulo 2^64 whatever the true product's size). Returns false
// (nothing written) when no cut into at most MaxSliceProducts() products has
// every product exact, or its copies would pass kMaxTemporaryBytes.
bool GemmSlicedOnFloat(bool ta, bool tb, const Shapes& s, int64_t alpha, const int64_t* a,
                       size_t lda, const int64_t* b, size_t ldb, int64_t beta, int64_t* c,
                       size_t ldc, uint64_t max_a, uint64_t max_b) {
  const SlicePlan plan = PlanSlices(max_a, max_b, s.k, MaxSliceProducts());
  if (plan.slices_a == 0) return false;
  const size_t na = s.a_rows * s.a_cols, nb = s.b_rows * s.b_cols;
  const size_t sliced = plan.slices_a * na + plan.slices_b * nb;
  const size_t float_bytes = plan.exact.type == ExactFloat::kF32 ? sizeof(float) : sizeof(double);
  if (sliced * sizeof(int64_t) + (sliced + s.m * s.n) * float_bytes > kMaxTemporaryBytes) {
    return false;
  }
  int64_t* slices_a = static_cast<int64_t*>(t_slices.Get(sliced * sizeof(int64_t)));
  int64_t* slices_b = slices_a + plan.slices_a * na;
  ParallelFor(0, s.a_rows, RowGrain(s.a_cols), [&](size_t r0, size_t r1) {
    ops::SliceInt64(a + r0 * lda, r1 - r0, s.a_cols, lda, plan.bits_a, plan.slices_a,
                    slices_a + r0 * s.a_cols, na);
  });
  ParallelFor(0, s.b_rows, RowGrain(s.b_cols), [&](size_t r0, size_t r1) {
    ops::SliceInt64(b + r0 * ldb, r1 - r0, s.b_cols, ldb, plan.bits_b, plan.slices_b,
                    slices_b + r0 * s.b_cols, nb);
  });
  if (plan.exact.type == ExactFloat::kF32) {
    MultiplySlices<float>(ta, tb, s, plan, slices_a, slices_b, alpha, beta, c, ldc);
  } else {
    MultiplySlices<double>(ta, tb, s, plan, slices_a, slices_b, alpha, beta, c, ldc);
  }
  t_slices.Trim(kKeepBytes);
  return true;
}

template <typename I>
bool GemmExactOnFloatT(bool ta, bool tb, size_t m, size_t n, size_t k, I alpha, const I* a,
                       size_t lda, const I* b, size_t ldb, I beta, I* c, size_t ldc) {
  if (!g_on_float.load(std::memory_order_relaxed)) return false;
  if (static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) < kMinWork) {
    return false;
  }
  // Where the machine multiplies int16 pairs faster than floats, they go
  // first (they scan the range as they pack).
  if (PairsEnabled() && GemmOnPairs(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)) {
    return true;
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
  } else if (plan.type == ExactFloat::kNone) {
    if constexpr (std::is_same_v<I, int64_t>) {
      const bool done =
          GemmSlicedOnFloat(ta, tb, s, alpha, a, lda, b, ldb, beta, c, ldc, max_a, max_b);
      t_scratch.Trim(kKeepBytes);
      return done;
    }
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

int SetInt64SliceProducts(int products) {
  const int most = static_cast<int>(kMaxSlices * kMaxSlices);
  if (products < -1 || products > most) {
    throw Error("amdahl::detail::SetInt64SliceProducts: products = " + std::to_string(products) +
                " is outside [-1, " + std::to_string(most) + "]");
  }
  return g_slice_products.exchange(products);
}

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

SlicePlan PlanSlices(uint64_t max_a, uint64_t max_b, size_t k, size_t max_products) {
  const int la = BitLength(max_a), lb = BitLength(max_b);
  SlicePlan best{0, 0, 0, 0, {ExactFloat::kNone, 0}};
  for (size_t sa = 1; sa <= kMaxSlices; ++sa) {
    for (size_t sb = 1; sb <= kMaxSlices; ++sb) {
      if (sa * sb > max_products || (sa == 1 && sb == 1)) continue;
      if (best.slices_a != 0 && sa * sb >= best.slices_a * best.slices_b) continue;
      const int wa = (la + static_cast<int>(sa) - 1) / static_cast<int>(sa);
      const int wb = (lb + static_cast<int>(sb) - 1) / static_cast<int>(sb);
      if ((sa > 1 && (wa < 1 || wa > 62)) || (sb > 1 && (wb < 1 || wb > 62))) continue;
      const ExactPlan p = PlanExact(SliceBound(max_a, sa, wa), SliceBound(max_b, sb, wb), k,
                                    static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
      if (p.type != ExactFloat::kNone) best = SlicePlan{sa, sb, wa, wb, p};
    }
  }
  return best;
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
