// The integer GEMM on int16 pairs: equal to the integer kernels bit for bit
// on every target (odd k, edge tiles, transposes, alpha and beta that wrap,
// padded rows), taken exactly when the values fit (+-32767, and blocks of k
// whose int32 sums cannot overflow), nothing written when not taken; and
// through amdahl::Gemm when the setting is on.
#include "lib/kernels/gemm_pairs.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "amdahl/error.h"
#include "amdahl/gemm.h"
#include "amdahl/wisdom.h"
#include "lib/hooks.h"
#include "tests/test_util.h"

namespace {

using amdahl_test::BoundedIntegers;

template <typename T>
class GemmPairsTest : public ::testing::Test {};
using IntTypes = ::testing::Types<int32_t, int64_t>;
TYPED_TEST_SUITE(GemmPairsTest, IntTypes, amdahl_test::DTypeNames);

struct Case {
  size_t m, n, k;
  int64_t max_a, max_b;
  bool ta, tb;
  size_t pad;
};

// Row-major C = alpha op(A) op(B) + beta C by the pairs and by the integer
// kernels: the pairs take it exactly when `taken`, and then agree bit for
// bit; otherwise C is untouched.
template <typename T>
void ExpectPairs(const Case& t, T alpha, T beta, bool taken, const std::string& where) {
  const size_t lda = (t.ta ? t.m : t.k) + t.pad, ldb = (t.tb ? t.k : t.n) + t.pad;
  const size_t ldc = t.n + t.pad;
  const std::vector<T> a = BoundedIntegers<T>((t.ta ? t.k : t.m) * lda, t.max_a, 1);
  const std::vector<T> b = BoundedIntegers<T>((t.tb ? t.n : t.k) * ldb, t.max_b, 2);
  const std::vector<T> c0 = BoundedIntegers<T>(t.m * ldc, 1000, 3);
  std::vector<T> want = c0, got = c0;
  const auto tr = [](bool x) { return x ? amdahl::Trans::kYes : amdahl::Trans::kNo; };
  const bool before = amdahl::detail::SetIntegerGemmOnFloat(false);
  amdahl::Gemm(tr(t.ta), tr(t.tb), t.m, t.n, t.k, alpha, a.data(), lda, b.data(), ldb, beta,
               want.data(), ldc);
  amdahl::detail::SetIntegerGemmOnFloat(before);
  ASSERT_EQ(taken, amdahl::GemmOnPairs(t.ta, t.tb, t.m, t.n, t.k, alpha, a.data(), lda,
                                       b.data(), ldb, beta, got.data(), ldc))
      << where;
  if (!taken) {
    EXPECT_EQ(c0, got) << where << ": written though not taken";
    return;
  }
  amdahl_test::ExpectSameAsIntegerKernels(got, want, where);
}

TYPED_TEST(GemmPairsTest, EqualsTheIntegerKernelsOnEveryTarget) {
  using T = TypeParam;
  amdahl_test::ForEachTarget([&](const char* target) {
    size_t i = 0;
    for (bool ta : {false, true}) {
      for (bool tb : {false, true}) {
        // alpha past int16 and wrapping, beta 0 (C not read) or not.
        const T alpha = i % 3 == 0 ? T(1) : std::numeric_limits<T>::max() - 2;
        const T beta = i % 2 == 0 ? T(0) : T(-3);
        const std::string where = std::string(target) + " ta=" + std::to_string(ta) +
                                  " tb=" + std::to_string(tb);
        // The notebook's values; odd k and edge tiles in both directions.
        ExpectPairs<T>({67, 45, 129, 9, 9, ta, tb, i % 2}, alpha, beta, true,
                       where + " randint");
        // int16's extremes, k = 1 and 2 (one word, half or whole), a row.
        ExpectPairs<T>({29, 70, 1, 32767, 32767, ta, tb, 1}, alpha, beta, true, where + " k=1");
        ExpectPairs<T>({13, 17, 2, 32767, 32767, ta, tb, 0}, alpha, beta, true, where + " k=2");
        ExpectPairs<T>({1, 100, 7, 32767, 300, ta, tb, 0}, alpha, beta, true, where + " m=1");
        ++i;
      }
    }
  });
}

// A larger product: several blocks of m, n and k (each thread's part, the
// f32 configuration's blocks in pair words).
TYPED_TEST(GemmPairsTest, LargeProductsInBlocks) {
  using T = TypeParam;
  ExpectPairs<T>({300, 280, 1001, 100, 100, false, false, 3}, T(1), T(0), true, "300x280x1001");
  ExpectPairs<T>({150, 300, 777, 100, 100, true, true, 0}, T(2), T(1), true, "transposed");
}

// +-32767 are taken, 32768 and -32768 (in either operand) are not: a pair of
// products of -32768 is 2^31, one past int32. (k = 2: one pair, the only
// depth whose sums 32767^2 allows.)
TYPED_TEST(GemmPairsTest, TakesExactlyTheValuesOfInt16WithoutItsMinimum) {
  using T = TypeParam;
  const Case in{20, 33, 2, 32767, 32767, false, false, 0};
  ExpectPairs<T>(in, T(1), T(1), true, "32767");
  Case out = in;
  out.max_a = 32768;
  ExpectPairs<T>(out, T(1), T(1), false, "32768 in A");
  out = in;
  out.max_b = 32768;
  out.tb = true;
  ExpectPairs<T>(out, T(1), T(1), false, "32768 in B");
  // -32768 alone (the largest value 5).
  const size_t m = 16, n = 16, k = 8;
  std::vector<T> a(m * k, T(5)), b(k * n, T(5)), c(m * n, T(7));
  a[3] = T(-32768);
  EXPECT_FALSE(amdahl::GemmOnPairs(false, false, m, n, k, T(1), a.data(), k, b.data(), n, T(0),
                                   c.data(), n));
  EXPECT_EQ(std::vector<T>(m * n, T(7)), c);
}

// k deeper than the int32 sums allow is cut into blocks added in T (2000 x
// 2000: blocks of 268 pairs); blocks shallower than 64 pairs are not taken
// unless all of k fits.
TYPED_TEST(GemmPairsTest, DeepKRunsInBlocksWhoseSumsFitInt32) {
  using T = TypeParam;
  ExpectPairs<T>({33, 40, 1000, 2000, 2000, false, true, 1}, T(1), T(0), true, "blocks");
  // 2 x 23170^2 < 2^31 < 4 x 23170^2: one pair a block.
  ExpectPairs<T>({20, 20, 1000, 23170, 23170, false, false, 0}, T(1), T(0), false, "shallow");
  ExpectPairs<T>({20, 20, 2, 23170, 23170, false, false, 0}, T(1), T(0), true, "one pair");
}

// Without wisdom and without a setting the pairs run; wisdom that measured
// them losing (int16_pairs 0) turns them off (the wisdom tests cover the
// field; here the suite runs without a wisdom file).
TEST(GemmPairs, OnByDefaultWithoutWisdom) {
  if (amdahl::ActiveWisdom() != nullptr) GTEST_SKIP() << "a wisdom file is active";
  const int before = amdahl::detail::SetIntegerGemmOnPairs(-1);
  EXPECT_TRUE(amdahl::PairsEnabled());
  amdahl::detail::SetIntegerGemmOnPairs(0);
  EXPECT_FALSE(amdahl::PairsEnabled());
  amdahl::detail::SetIntegerGemmOnPairs(before);
}

// The public door: with the setting on, amdahl::Gemm runs the pairs (column
// major: the swap happens before) and equals the integer kernels; the
// setting is checked.
TEST(GemmPairs, RunsThroughGemmWhenOnAndTheSettingIsChecked) {
  const int before = amdahl::detail::SetIntegerGemmOnPairs(1);
  const size_t m = 70, n = 50, k = 90;
  const std::vector<int64_t> a = BoundedIntegers<int64_t>(k * m, 9, 4);
  const std::vector<int64_t> b = BoundedIntegers<int64_t>(n * k, 9, 5);
  std::vector<int64_t> want(m * n, 2), got(m * n, 2);
  const bool on_float = amdahl::detail::SetIntegerGemmOnFloat(false);
  amdahl::Gemm(amdahl::Trans::kNo, amdahl::Trans::kYes, m, n, k, int64_t{3}, a.data(), m,
               b.data(), n, int64_t{-1}, want.data(), m, amdahl::Layout::kColMajor);
  amdahl::detail::SetIntegerGemmOnFloat(on_float);
  amdahl::Gemm(amdahl::Trans::kNo, amdahl::Trans::kYes, m, n, k, int64_t{3}, a.data(), m,
               b.data(), n, int64_t{-1}, got.data(), m, amdahl::Layout::kColMajor);
  EXPECT_EQ(want, got);
  try {
    amdahl::detail::SetIntegerGemmOnPairs(2);
    ADD_FAILURE() << "no error";
  } catch (const amdahl::Error& e) {
    EXPECT_NE(std::string::npos, std::string(e.what()).find("mode = 2")) << e.what();
  }
  EXPECT_EQ(1, amdahl::detail::SetIntegerGemmOnPairs(before));
}

}  // namespace
