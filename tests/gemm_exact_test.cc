// The exact integer GEMM on float units: the bound that picks the float
// type, and results equal to the integer kernels' (bit for bit, wrapping
// included) on every target, at the edges of float's and double's exact
// integers, for transposes, layouts, alpha, beta and padded rows.
#include "lib/kernels/gemm_exact.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "amdahl/error.h"
#include "amdahl/gemm.h"
#include "lib/hooks.h"
#include "tests/test_util.h"

namespace {

using amdahl_test::BoundedIntegers;

using amdahl::ExactFloat;
using amdahl::PlanExact;

// This suite is the float path's: the int16 pairs, which would take its
// small values first, are off (tests/gemm_pairs_test.cc has theirs).
class PairsOff : public ::testing::Environment {
 public:
  void SetUp() override { amdahl::detail::SetIntegerGemmOnPairs(0); }
  void TearDown() override { amdahl::detail::SetIntegerGemmOnPairs(-1); }
};
::testing::Environment* const kPairsOff = ::testing::AddGlobalTestEnvironment(new PairsOff);

// The plan's type and block depth as one comparable value.
std::pair<ExactFloat, size_t> Plan(uint64_t a, uint64_t b, size_t k, uint64_t int_max) {
  const amdahl::ExactPlan p = PlanExact(a, b, k, int_max);
  return {p.type, p.k_block};
}

TEST(PlanExact, PicksTheNarrowestFloatWhoseIntegersHoldEverySum) {
  const uint64_t i64 = std::numeric_limits<int64_t>::max();
  const uint64_t i32 = std::numeric_limits<int32_t>::max();
  using P = std::pair<ExactFloat, size_t>;
  EXPECT_EQ(Plan(4096, 4096, 1, i64), P(ExactFloat::kF32, 1));   // 2^24
  EXPECT_EQ(Plan(9, 9, 1000, i64), P(ExactFloat::kF32, 1000));   // the notebook's
  EXPECT_EQ(Plan(4096, 4097, 1, i64), P(ExactFloat::kF64, 1));
  EXPECT_EQ(Plan(4096, 4096, 2, i64), P(ExactFloat::kF64, 2));
  EXPECT_EQ(Plan(uint64_t{1} << 26, uint64_t{1} << 26, 2, i64), P(ExactFloat::kF64, 2));  // 2^53
  EXPECT_EQ(Plan(uint64_t{1} << 26, (uint64_t{1} << 26) + 1, 2, i64).first, ExactFloat::kNone);
  EXPECT_EQ(Plan(uint64_t{1} << 63, 2, 1, i64).first, ExactFloat::kNone);  // overflows
  EXPECT_EQ(Plan(uint64_t{1} << 32, uint64_t{1} << 32, 1, i64).first, ExactFloat::kNone);
  EXPECT_EQ(Plan(0, std::numeric_limits<uint64_t>::max(), 1 << 20, i64),
            P(ExactFloat::kF32, 1 << 20));
  // Blocked over k: float in blocks of 2^24 / (max|A| max|B|) while they are
  // at least 256 deep, then double (at least 64 deep).
  EXPECT_EQ(Plan(256, 256, 600, i64), P(ExactFloat::kF32, 256));
  EXPECT_EQ(Plan(256, 257, 600, i64), P(ExactFloat::kF64, 600));
  EXPECT_EQ(Plan(uint64_t{1} << 20, uint64_t{1} << 20, 9000, i64), P(ExactFloat::kF64, 8192));
  EXPECT_EQ(Plan(uint64_t{1} << 23, uint64_t{1} << 24, 1000, i64), P(ExactFloat::kF64, 64));
  EXPECT_EQ(Plan(uint64_t{1} << 23, (uint64_t{1} << 24) + 1, 1000, i64).first, ExactFloat::kNone);
  // int32: a block's sums must fit int32 (the conversion back does not wrap).
  EXPECT_EQ(Plan(1 << 15, 1 << 15, 1, i32), P(ExactFloat::kF64, 1));     // 2^30
  EXPECT_EQ(Plan(1 << 15, 1 << 15, 2, i32).first, ExactFloat::kNone);    // 2^31
  EXPECT_EQ(Plan(1 << 10, 1 << 10, 3000, i32), P(ExactFloat::kF64, 2047));
}

template <typename T>
class GemmExactTest : public ::testing::Test {};
using IntTypes = ::testing::Types<int32_t, int64_t>;
TYPED_TEST_SUITE(GemmExactTest, IntTypes, amdahl_test::DTypeNames);

// C = alpha op(A) op(B) + beta C, the integer kernels' way and the default
// way (the float path where values allow), on one target: equal bit for bit.
template <typename T>
void ExpectSameAsIntegerKernels(size_t m, size_t n, size_t k, T max_a, T max_b, bool ta,
                                bool tb, amdahl::Layout layout, T alpha, T beta, size_t pad,
                                const std::string& where) {
  const bool row = layout == amdahl::Layout::kRowMajor;
  // Stored row-major shapes (rows x cols with ld >= cols) are swapped for
  // column-major calls; either way ld covers the stored inner dimension.
  const size_t a_outer = row ? (ta ? k : m) : (ta ? m : k);
  const size_t a_inner = row ? (ta ? m : k) : (ta ? k : m);
  const size_t b_outer = row ? (tb ? n : k) : (tb ? k : n);
  const size_t b_inner = row ? (tb ? k : n) : (tb ? n : k);
  const size_t c_outer = row ? m : n, c_inner = row ? n : m;
  const size_t lda = a_inner + pad, ldb = b_inner + pad, ldc = c_inner + pad;
  const std::vector<T> a = BoundedIntegers<T>(a_outer * lda, max_a, 1);
  const std::vector<T> b = BoundedIntegers<T>(b_outer * ldb, max_b, 2);
  const std::vector<T> c0 = BoundedIntegers<T>(c_outer * ldc, T(1000), 3);
  std::vector<T> want = c0, got = c0;
  const auto t = [](bool x) { return x ? amdahl::Trans::kYes : amdahl::Trans::kNo; };
  const bool before = amdahl::detail::SetIntegerGemmOnFloat(false);
  amdahl::Gemm(t(ta), t(tb), m, n, k, alpha, a.data(), lda, b.data(), ldb, beta, want.data(),
               ldc, layout);
  amdahl::detail::SetIntegerGemmOnFloat(true);
  amdahl::Gemm(t(ta), t(tb), m, n, k, alpha, a.data(), lda, b.data(), ldb, beta, got.data(),
               ldc, layout);
  amdahl::detail::SetIntegerGemmOnFloat(before);
  amdahl_test::ExpectSameAsIntegerKernels(got, want, where);
}

TYPED_TEST(GemmExactTest, EqualsTheIntegerKernelsOnEveryTarget) {
  using T = TypeParam;
  amdahl_test::ForEachTarget([&](const char* target) {
    size_t i = 0;
    for (bool ta : {false, true}) {
      for (bool tb : {false, true}) {
        for (auto layout : {amdahl::Layout::kRowMajor, amdahl::Layout::kColMajor}) {
          const T alpha = i % 3 == 0 ? T(1) : T(-3);
          const T beta = i % 2 == 0 ? T(0) : T(2);
          const size_t pad = i % 2;
          ++i;
          const std::string where = std::string(target) + " ta=" + std::to_string(ta) +
                                    " tb=" + std::to_string(tb) + " row=" +
                                    std::to_string(layout == amdahl::Layout::kRowMajor);
          // The notebook's values (float), then double's range.
          ExpectSameAsIntegerKernels<T>(67, 45, 129, 9, 9, ta, tb, layout, alpha, beta, pad,
                                        where + " randint(0,10)");
          // Past 2^24, within double and (int32) within 2^31.
          const T wide = sizeof(T) == 8 ? T(20000) : T(1500);
          ExpectSameAsIntegerKernels<T>(41, 69, 63, wide, wide, ta, tb, layout, alpha, beta,
                                        pad, where + " double");
        }
      }
    }
  });
}

// All elements at the extremes: every sum reaches the bound exactly.
TYPED_TEST(GemmExactTest, SumsAtTheBoundAreExact) {
  using T = TypeParam;
  const size_t k = 64, m = 48, n = 48;
  // 2^11 * 2^7 * 64 = 2^24: float's last exact integer.
  std::vector<T> a(m * k, T(2048)), b(k * n, T(128)), c(m * n, T(0));
  amdahl::Gemm(amdahl::Trans::kNo, amdahl::Trans::kNo, m, n, k, T(1), a.data(), k, b.data(), n,
               T(0), c.data(), n);
  for (T x : c) ASSERT_EQ(x, T(1) << 24);
  // One more in B: beyond float, still double (or the integer kernels).
  b[0] = T(129);
  amdahl::Gemm(amdahl::Trans::kNo, amdahl::Trans::kNo, m, n, k, T(1), a.data(), k, b.data(), n,
               T(0), c.data(), n);
  EXPECT_EQ(c[0], (T(1) << 24) + 2048);
  EXPECT_EQ(c[1], T(1) << 24);
  if constexpr (sizeof(T) == 8) {
    // 2^26 * 2^21 * 64 = 2^53: double's last exact integer, then past it
    // (the integer kernels, exact modulo 2^64).
    std::fill(a.begin(), a.end(), T(1) << 26);
    std::fill(b.begin(), b.end(), T(1) << 21);
    amdahl::Gemm(amdahl::Trans::kNo, amdahl::Trans::kNo, m, n, k, T(1), a.data(), k, b.data(),
                 n, T(0), c.data(), n);
    for (T x : c) ASSERT_EQ(x, T(1) << 53);
    b[0] = (T(1) << 21) + 1;
    amdahl::Gemm(amdahl::Trans::kNo, amdahl::Trans::kNo, m, n, k, T(1), a.data(), k, b.data(),
                 n, T(0), c.data(), n);
    EXPECT_EQ(c[0], (T(1) << 53) + (T(1) << 26));
  }
}

TYPED_TEST(GemmExactTest, BlocksOfKAddUpLikeTheIntegerKernels) {
  using T = TypeParam;
  // Float in blocks of 256 (3 of them, the last short), then double in
  // blocks: 2^20 x 2^20 at k = 9000 for i64 (2 blocks of 8192 and 808),
  // 2^10 x 2^10 at k = 3000 for i32 (2047-deep blocks, sums past int32
  // wrapping as the integer kernels' do).
  ExpectSameAsIntegerKernels<T>(9, 11, 600, T(256), T(256), false, true,
                                amdahl::Layout::kRowMajor, T(3), T(1), 1, "float blocks");
  const T wide = sizeof(T) == 8 ? T(1) << 20 : T(1) << 10;
  const size_t k = sizeof(T) == 8 ? 9000 : 3000;
  ExpectSameAsIntegerKernels<T>(7, 10, k, wide, wide, true, false, amdahl::Layout::kColMajor,
                                T(-1), T(2), 0, "double blocks");
}

TYPED_TEST(GemmExactTest, LargeValuesWrapLikeTheIntegerKernels) {
  using T = TypeParam;
  const T big = std::numeric_limits<T>::max() / 3;
  ExpectSameAsIntegerKernels<T>(40, 40, 40, big, big, false, false, amdahl::Layout::kRowMajor,
                                T(7), T(-1), 1, "past double");
}

// Past PlanExact, int64 operands are cut into slices (Ozaki), the fewest
// products whose every one is exact on the float path, at most
// kMaxSliceProducts of them; past that, none (the integer kernels).
TEST(PlanSlices, CutsTheWiderOperandsIntoTheFewestExactProducts) {
  using amdahl::PlanSlices;
  using amdahl::SlicePlan;
  auto products = [](const SlicePlan& p) { return p.slices_a * p.slices_b; };
  // 2^30 x 2^30 at k = 1000: PlanExact declines (2^60 > 2^53 / 64); one
  // operand cut in two 16-bit slices: 2^30 x 2^16 in 128-deep blocks.
  const uint64_t i64 = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  ASSERT_EQ(ExactFloat::kNone, PlanExact(1u << 30, 1u << 30, 1000, i64).type);
  SlicePlan p = PlanSlices(1u << 30, 1u << 30, 1000, 4);
  EXPECT_EQ(2u, products(p));
  EXPECT_EQ(16, p.slices_a == 2 ? p.bits_a : p.bits_b);
  // 2^40 x 2^40: both cut, 20 bits each (2^40 per product, whole k in double).
  p = PlanSlices(uint64_t{1} << 40, uint64_t{1} << 40, 1000, 4);
  EXPECT_EQ(4u, products(p));
  EXPECT_EQ(21, p.bits_a);  // 2^40 has 41 bits
  // Fewer products allowed than a cut needs: none.
  EXPECT_EQ(0u, PlanSlices(uint64_t{1} << 40, uint64_t{1} << 40, 1000, 3).slices_a);
  EXPECT_EQ(0u, PlanSlices(1u << 30, 1u << 30, 1000, 0).slices_a);
  // The whole int64 range would take 9 products: the integer kernels.
  EXPECT_EQ(0u, PlanSlices(i64, i64, 1000, 4).slices_a);
  // With 9 allowed, the whole range at k = 64: 3 x 3 slices of 22 bits.
  p = PlanSlices(uint64_t{1} << 63, uint64_t{1} << 63, 64, 9);
  EXPECT_EQ(9u, products(p));
  EXPECT_EQ(22, p.bits_a);
  // A tiny operand: only the other is cut.
  p = PlanSlices(uint64_t{1} << 63, 3, 40, 4);
  EXPECT_EQ(2u, products(p));
  EXPECT_EQ(2u, p.slices_a);
  EXPECT_EQ(32, p.bits_a);
}

// Lets the exact GEMM cut int64 operands into up to `products` slice
// products, whatever the wisdom says, for its lifetime.
class SliceProductsScope {
 public:
  explicit SliceProductsScope(int products)
      : before_(amdahl::detail::SetInt64SliceProducts(products)) {}
  ~SliceProductsScope() { amdahl::detail::SetInt64SliceProducts(before_); }

 private:
  int before_;
};

// The sliced path against the integer kernels at the edges of its cuts: bit
// lengths one below, at and one above each slice width, alpha and beta that
// wrap, both transposes and layouts, on every target.
TEST(GemmSliced, EqualsTheIntegerKernelsAtTheEdgesOfEachCut) {
  const uint64_t i64 = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  const SliceProductsScope scope(4);
  amdahl_test::ForEachTarget([&](const char* target) {
    size_t i = 0;
    for (const int64_t max : {(int64_t{1} << 31) - 1, int64_t{1} << 31, (int64_t{1} << 31) + 1,
                              (int64_t{1} << 40) - 1, int64_t{1} << 40, (int64_t{1} << 41) + 1}) {
      ASSERT_EQ(ExactFloat::kNone, PlanExact(max, max, 70, i64).type);
      ASSERT_NE(0u, amdahl::PlanSlices(max, max, 70, 4).slices_a) << max;
      const bool ta = i & 1, tb = i & 2;
      const auto layout = i & 4 ? amdahl::Layout::kColMajor : amdahl::Layout::kRowMajor;
      const int64_t alpha = i % 3 == 0 ? 1 : std::numeric_limits<int64_t>::max() - 5;
      const int64_t beta = i % 2 == 0 ? 0 : -3;
      ++i;
      ExpectSameAsIntegerKernels<int64_t>(45, 38, 70, max, max, ta, tb, layout, alpha, beta, i % 2,
                                          std::string(target) + " max " + std::to_string(max));
    }
  });
}

// int64's extremes: INT64_MIN (whose top slice is -2^bits) and INT64_MAX in
// A, small B: A is cut, B is not; the sums wrap as the integer kernels'.
TEST(GemmSliced, Int64ExtremesWrapLikeTheIntegerKernels) {
  const size_t m = 33, n = 35, k = 40;
  std::vector<int64_t> a(m * k), b(k * n), want(m * n, 5), got(m * n, 5);
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = i % 3 == 0   ? std::numeric_limits<int64_t>::min()
           : i % 3 == 1 ? std::numeric_limits<int64_t>::max()
                        : -static_cast<int64_t>(i);
  }
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<int64_t>(i % 7) - 3;
  ASSERT_EQ(2u, amdahl::PlanSlices(uint64_t{1} << 63, 3, k, 4).slices_a);
  const SliceProductsScope scope(4);
  const bool before = amdahl::detail::SetIntegerGemmOnFloat(false);
  amdahl::Gemm(amdahl::Trans::kNo, amdahl::Trans::kNo, m, n, k, int64_t{3}, a.data(), k,
               b.data(), n, int64_t{2}, want.data(), n);
  amdahl::detail::SetIntegerGemmOnFloat(true);
  amdahl::Gemm(amdahl::Trans::kNo, amdahl::Trans::kNo, m, n, k, int64_t{3}, a.data(), k,
               b.data(), n, int64_t{2}, got.data(), n);
  amdahl::detail::SetIntegerGemmOnFloat(before);
  EXPECT_EQ(want, got);
}

// The whole int64 range, 3 x 3 slice products where 9 are allowed: the
// sums wrap modulo 2^64 as the integer kernels' do.
TEST(GemmSliced, TheWholeRangeInNineProductsWrapsLikeTheIntegerKernels) {
  const SliceProductsScope scope(9);
  const int64_t big = std::numeric_limits<int64_t>::max();
  ASSERT_EQ(3u, amdahl::PlanSlices(uint64_t{1} << 63, uint64_t{1} << 63, 40, 9).slices_a);
  ExpectSameAsIntegerKernels<int64_t>(40, 41, 40, big, big, true, false,
                                      amdahl::Layout::kRowMajor, 7, -1, 1, "whole range");
}

// Slicing is off where the wisdom has not measured it pays (the default),
// and when set to 0; an out-of-range setting is refused, naming it.
TEST(GemmSliced, OffUnlessAllowedAndTheSettingIsChecked) {
  const SliceProductsScope scope(0);
  const int64_t big = int64_t{1} << 40;
  ASSERT_EQ(0, amdahl::detail::SetInt64SliceProducts(0));
  ExpectSameAsIntegerKernels<int64_t>(40, 40, 40, big, big, false, false,
                                      amdahl::Layout::kRowMajor, 1, 0, 0, "not sliced");
  try {
    amdahl::detail::SetInt64SliceProducts(10);
    ADD_FAILURE() << "no error";
  } catch (const amdahl::Error& e) {
    EXPECT_NE(std::string::npos, std::string(e.what()).find("products = 10")) << e.what();
  }
  EXPECT_EQ(0, amdahl::detail::SetInt64SliceProducts(0));
}

}  // namespace
