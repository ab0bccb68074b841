#include "amdahl/gemv.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "amdahl/config.h"
#include "amdahl/error.h"
#include "amdahl/pool.h"
#include "lib/hooks.h"
#include "tests/test_util.h"

namespace amdahl {
namespace {

struct Case {
  Trans trans;
  Layout layout;
  size_t m, n;
  double alpha, beta;
  size_t pad;     // leading dimension - stored columns
  size_t offset;  // elements: misaligns A, x and y
};

std::string Describe(const Case& c) {
  return "m=" + std::to_string(c.m) + " n=" + std::to_string(c.n) +
         " trans=" + std::to_string(c.trans == Trans::kYes) +
         " col=" + std::to_string(c.layout == Layout::kColMajor) +
         " alpha=" + std::to_string(c.alpha) + " beta=" + std::to_string(c.beta) +
         " pad=" + std::to_string(c.pad) + " off=" + std::to_string(c.offset);
}

// Runs one case against a plain reference: floats within the bound
// (k + 2) u (|alpha| |A| |x| + |beta| |y|), integers exact (wrapping).
// beta == 0 fills y with NaN first (it must not leak). Returns false after
// the first wrong element.
template <typename T>
bool Check(const Case& c, std::mt19937_64& rng, const std::string& where) {
  const bool col = c.layout == Layout::kColMajor, t = c.trans == Trans::kYes;
  const size_t stored_rows = col ? c.n : c.m, stored_cols = col ? c.m : c.n;
  const size_t lda = std::max<size_t>(stored_cols, 1) + c.pad;
  const size_t nx = t ? c.m : c.n, ny = t ? c.n : c.m;
  auto random = [&](size_t count) {
    return amdahl_test::RandomVector<T>(count + c.offset + 1, static_cast<uint32_t>(rng()));
  };
  std::vector<T> a = random(stored_rows * lda), x = random(nx), y = random(ny);
  if (c.beta == 0 && std::is_floating_point_v<T>) {
    for (auto& e : y) e = std::numeric_limits<T>::quiet_NaN();
  }
  const std::vector<T> y_before = y;
  const T* A = a.data() + c.offset;
  const T* X = x.data() + c.offset;
  // Element (i, j) of A, m x n, as stored.
  auto at = [&](size_t i, size_t j) { return col ? A[j * lda + i] : A[i * lda + j]; };
  const T alpha = static_cast<T>(c.alpha), beta = static_cast<T>(c.beta);
  Gemv(c.trans, c.m, c.n, alpha, A, lda, X, beta, y.data() + c.offset, c.layout);
  const T* got = y.data() + c.offset;
  const T* before = y_before.data() + c.offset;
  const double u = std::is_floating_point_v<T> ? std::numeric_limits<T>::epsilon() / 2 : 0;
  for (size_t r = 0; r < ny; ++r) {
    if constexpr (std::is_floating_point_v<T>) {
      long double exact = 0, mag = 0;
      for (size_t p = 0; p < nx; ++p) {
        const long double prod = static_cast<long double>(t ? at(p, r) : at(r, p)) * X[p];
        exact += prod;
        mag += std::fabs(prod);
      }
      const long double yr = beta == 0 ? 0 : before[r];
      const long double want = alpha * exact + (beta == 0 ? 0 : beta * yr);
      const double bound = (static_cast<double>(nx) + 2) * u *
                               (std::fabs(c.alpha) * static_cast<double>(mag) +
                                std::fabs(c.beta) * std::fabs(static_cast<double>(yr))) +
                           std::numeric_limits<T>::min();
      if (!(std::fabs(static_cast<double>(got[r] - want)) <= bound)) {
        ADD_FAILURE() << where << " " << Describe(c) << ": y[" << r << "] = " << got[r]
                      << ", want " << static_cast<double>(want) << " +- " << bound;
        return false;
      }
    } else {
      using U = std::make_unsigned_t<T>;
      U acc = 0;
      for (size_t p = 0; p < nx; ++p) {
        acc += static_cast<U>(t ? at(p, r) : at(r, p)) * static_cast<U>(X[p]);
      }
      const U want = static_cast<U>(alpha) * acc +
                     (beta == 0 ? U(0) : static_cast<U>(beta) * static_cast<U>(before[r]));
      if (static_cast<U>(got[r]) != want) {
        ADD_FAILURE() << where << " " << Describe(c) << ": y[" << r << "] = " << got[r]
                      << ", want " << static_cast<T>(want);
        return false;
      }
    }
  }
  // Nothing outside y's elements changed.
  for (size_t r = 0; r < c.offset; ++r) {
    if (std::memcmp(&y[r], &y_before[r], sizeof(T)) != 0) {
      ADD_FAILURE() << where << " " << Describe(c) << ": wrote before y";
      return false;
    }
  }
  if (std::memcmp(&y.back(), &y_before.back(), sizeof(T)) != 0) {
    ADD_FAILURE() << where << " " << Describe(c) << ": wrote after y";
    return false;
  }
  return true;
}

// Forces the threaded path (or the serial one) whatever the size.
class GemvOverride {
 public:
  GemvOverride(DType dtype, size_t threads) : dtype_(dtype) {
    c_.threads = threads;
    c_.grain = 64;
    c_.serial_cutoff = 0;
    c_.source = "test";
    detail::SetLoopOverride(Kernel::kGemv, dtype_, &c_);
  }
  ~GemvOverride() { detail::SetLoopOverride(Kernel::kGemv, dtype_, nullptr); }

 private:
  DType dtype_;
  LoopConfig c_;
};

template <typename T>
class GemvTest : public ::testing::Test {};
TYPED_TEST_SUITE(GemvTest, amdahl_test::AllDTypes, amdahl_test::DTypeNames);

// Sizes around every lane count (and the four-row and two-vector steps),
// each pair with a rotating choice of transpose, layout, alpha, beta,
// padding and offset; serial and threaded.
TYPED_TEST(GemvTest, SizesAroundTheVectorLengthOnEveryTarget) {
  using T = TypeParam;
  const std::vector<size_t> dims = amdahl_test::LaneSizes({4, 5, 8, 9, 33, 100});
  const std::vector<double> alphas = amdahl_test::Alphas<T>(), betas = amdahl_test::Betas<T>();
  amdahl_test::ForEachTarget([&](const char* target) {
    std::mt19937_64 rng(7);
    size_t r = 0;
    for (size_t threads : {size_t{1}, size_t{3}}) {
      GemvOverride o(DTypeOf<T>(), threads);
      for (size_t m : dims) {
        for (size_t n : dims) {
          if (m * n > 600 * 600) continue;
          ++r;
          const Case c{(r & 1) ? Trans::kYes : Trans::kNo,
                       (r & 2) ? Layout::kColMajor : Layout::kRowMajor, m, n,
                       alphas[r % alphas.size()], betas[(r / 4) % betas.size()],
                       (r / 3) % 3, (r / 5) % 2};
          if (!Check<T>(c, rng, target)) return;
        }
      }
    }
  });
}

TYPED_TEST(GemvTest, EveryTransposeLayoutAlphaBeta) {
  using T = TypeParam;
  std::mt19937_64 rng(3);
  for (Trans t : {Trans::kNo, Trans::kYes}) {
    for (Layout l : {Layout::kRowMajor, Layout::kColMajor}) {
      for (double alpha : amdahl_test::Alphas<T>()) {
        for (double beta : amdahl_test::Betas<T>()) {
          ASSERT_TRUE(Check<T>({t, l, 37, 45, alpha, beta, 3, 1}, rng, "default"));
        }
      }
    }
  }
}

// Larger than the caches' share of one thread, at the library's own choice
// of threads.
TYPED_TEST(GemvTest, LargeAtTheLibrarysChoice) {
  using T = TypeParam;
  std::mt19937_64 rng(11);
  for (Trans t : {Trans::kNo, Trans::kYes}) {
    for (Layout l : {Layout::kRowMajor, Layout::kColMajor}) {
      ASSERT_TRUE(Check<T>({t, l, 1031, 3077, 1, 0, 5, 0}, rng, "own choice"));
    }
  }
}

// A^T x on one thread past L2 (2 MiB) and over several column blocks (32 KiB
// of sums: 8192 f32 columns, 4096 f64), the last block ragged, with rows left
// over from the groups of four; on every target.
TYPED_TEST(GemvTest, ColumnSumsOverSeveralBlocks) {
  using T = TypeParam;
  GemvOverride o(DTypeOf<T>(), 1);
  amdahl_test::ForEachTarget([&](const char* target) {
    std::mt19937_64 rng(5);
    ASSERT_TRUE(Check<T>({Trans::kYes, Layout::kRowMajor, 75, 9001, 1, 0, 0, 0}, rng, target));
    ASSERT_TRUE(Check<T>({Trans::kNo, Layout::kColMajor, 9001, 75, -1, 1, 3, 1}, rng, target));
  });
}

TYPED_TEST(GemvTest, AlphaZeroReadsNeitherAnorX) {
  using T = TypeParam;
  std::vector<T> y = {T(1), T(2), T(3)};
  Gemv(Trans::kNo, 3, 4, T(0), static_cast<const T*>(nullptr), 4,
       static_cast<const T*>(nullptr), T(2), y.data());
  EXPECT_EQ(T(2), y[0]);
  EXPECT_EQ(T(6), y[2]);
  Gemv(Trans::kNo, 3, 0, T(1), static_cast<const T*>(nullptr), 1,
       static_cast<const T*>(nullptr), T(0), y.data());
  EXPECT_EQ(T(0), y[1]);
  // An empty y does nothing, whatever the rest.
  Gemv(Trans::kNo, 0, 4, T(1), static_cast<const T*>(nullptr), 4,
       static_cast<const T*>(nullptr), T(0), static_cast<T*>(nullptr));
}

TYPED_TEST(GemvTest, BadInputNamesTheArgumentAndWritesNothing) {
  using T = TypeParam;
  std::vector<T> a(64, T(1)), x(8, T(1)), y(8, T(5));
  const std::vector<T> y0 = y;
  auto expect = [&](const std::function<void()>& f, const std::string& what) {
    try {
      f();
      ADD_FAILURE() << "no error for " << what;
    } catch (const Error& e) {
      EXPECT_NE(std::string::npos, std::string(e.what()).find(what)) << e.what();
    }
    EXPECT_EQ(y0, y) << what;
  };
  expect([&] { Gemv(Trans::kNo, 8, 8, T(1), a.data(), 7, x.data(), T(0), y.data()); },
         "lda = 7 is less than 8, the columns of the stored row-major matrix");
  expect([&] {
    Gemv(Trans::kNo, 4, 8, T(1), a.data(), 3, x.data(), T(0), y.data(), Layout::kColMajor);
  }, "lda = 3 is less than 4, the rows of the stored column-major matrix");
  expect([&] { Gemv(Trans::kNo, 8, 8, T(1), nullptr, 8, x.data(), T(0), y.data()); }, "a");
  expect([&] { Gemv(Trans::kNo, 8, 8, T(1), a.data(), 8, nullptr, T(0), y.data()); }, "x");
  expect([&] { Gemv(Trans::kNo, 8, 8, T(1), a.data(), 8, x.data(), T(0), nullptr); }, "y");
  expect([&] { Gemv(Trans::kNo, 4, 4, T(1), a.data(), 4, x.data(), T(0), a.data() + 2); },
         "y overlaps a");
  expect([&] { Gemv(Trans::kNo, 4, 4, T(1), a.data(), 4, y.data() + 2, T(0), y.data()); },
         "y overlaps x");
  expect([&] {
    Gemv(static_cast<Trans>(7), 4, 4, T(1), a.data(), 4, x.data(), T(0), y.data());
  }, "trans = 7");
  expect([&] {
    Gemv(Trans::kNo, 2, size_t{1} << 62, T(1), a.data(), size_t{1} << 62, x.data(), T(0),
         y.data());
  }, "overflows");
}

}  // namespace
}  // namespace amdahl
