#include "amdahl/gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <cstring>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "amdahl/config.h"
#include "amdahl/error.h"
#include "amdahl/machine.h"
#include "amdahl/wisdom.h"
#include "amdahl/pool.h"
#include "amdahl/topology.h"
#include "tests/test_util.h"
#include "lib/hooks.h"
#include "lib/ops/pack.h"
#include "lib/ops/pack_reference.h"

namespace amdahl {
namespace {

template <typename T>
T Wrap(long double v) {
  return static_cast<T>(v);
}

// A stored matrix: rows x cols with leading dimension ld >= cols (row-major
// storage; a column-major matrix is stored as its transpose).
template <typename T>
struct Stored {
  size_t rows, cols, ld;
  std::vector<T> data;
};

template <typename T>
Stored<T> RandomStored(size_t rows, size_t cols, size_t pad, std::mt19937_64& rng) {
  Stored<T> s{rows, cols, std::max<size_t>(cols, 1) + pad, {}};  // BLAS: ld >= max(1, cols)
  s.data.resize(std::max<size_t>(1, rows * s.ld + 1));
  for (auto& x : s.data) {
    if constexpr (std::is_floating_point_v<T>) {
      x = std::uniform_real_distribution<T>(-1, 1)(rng);
    } else {
      x = static_cast<T>(rng());  // full range: products wrap
    }
  }
  return s;
}

struct Case {
  Trans ta, tb;
  Layout layout;
  size_t m, n, k;
  double alpha, beta;
  size_t pad;     // leading dimension - columns
  size_t offset;  // elements: misaligns every matrix
};

std::string Describe(const Case& c) {
  return "m=" + std::to_string(c.m) + " n=" + std::to_string(c.n) +
         " k=" + std::to_string(c.k) + " ta=" + std::to_string(c.ta == Trans::kYes) +
         " tb=" + std::to_string(c.tb == Trans::kYes) +
         " col=" + std::to_string(c.layout == Layout::kColMajor) +
         " alpha=" + std::to_string(c.alpha) + " beta=" + std::to_string(c.beta) +
         " pad=" + std::to_string(c.pad) + " off=" + std::to_string(c.offset);
}

// Runs one case against a plain reference, with the tolerance from the error
// bound k * u * (|alpha| |A| |B| + |beta| |C|) for floats; integers exact
// (wrapping). Returns false after the first wrong element.
// (via_plan: through a GemmPlan made for the case, called twice.)
template <typename T>
bool Check(const Case& c, std::mt19937_64& rng, const std::string& where,
           bool via_plan = false) {
  const bool col = c.layout == Layout::kColMajor;
  const bool ta = c.ta == Trans::kYes, tb = c.tb == Trans::kYes;
  // Logical op(A)(i, p), op(B)(p, j), C(i, j) and where they are stored.
  // Row-major storage of A: m x k (or k x m if ta); column-major: the
  // transpose of that.
  auto dims = [col](size_t r, size_t cc, bool t) {
    size_t rows = t ? cc : r, cols = t ? r : cc;
    if (col) std::swap(rows, cols);
    return std::make_pair(rows, cols);
  };
  const auto [ar, ac] = dims(c.m, c.k, ta);
  const auto [br, bc] = dims(c.k, c.n, tb);
  const auto [cr, cc] = dims(c.m, c.n, false);
  auto A = RandomStored<T>(ar, ac, c.pad, rng);
  auto B = RandomStored<T>(br, bc, c.pad, rng);
  auto C = RandomStored<T>(cr, cc, c.pad, rng);
  if (c.beta == 0 && std::is_floating_point_v<T>) {
    for (auto& x : C.data) x = std::numeric_limits<T>::quiet_NaN();
  }
  auto at = [col](const Stored<T>& s, size_t i, size_t j, bool t) -> T {
    if (t) std::swap(i, j);
    return col ? s.data[j * s.ld + i] : s.data[i * s.ld + j];
  };
  const T alpha = static_cast<T>(c.alpha), beta = static_cast<T>(c.beta);
  const std::vector<T> c_before = C.data;

  // The offset misaligns: copy each matrix one element further.
  auto shifted = [&](Stored<T>& s) {
    std::vector<T> v(s.data.size() + c.offset);
    std::copy(s.data.begin(), s.data.end(), v.begin() + static_cast<long>(c.offset));
    return v;
  };
  std::vector<T> a_buf = shifted(A), b_buf = shifted(B), c_buf = shifted(C);
  if (via_plan) {
    // Called twice (on a copy of C first): a plan is made for many calls.
    const GemmPlan<T> plan(c.ta, c.tb, c.m, c.n, c.k, A.ld, B.ld, C.ld, c.layout);
    std::vector<T> scratch = c_buf;
    plan(alpha, a_buf.data() + c.offset, b_buf.data() + c.offset, T(0),
         scratch.data() + c.offset);
    plan(alpha, a_buf.data() + c.offset, b_buf.data() + c.offset, beta,
         c_buf.data() + c.offset);
  } else {
    Gemm(c.ta, c.tb, c.m, c.n, c.k, alpha, a_buf.data() + c.offset, A.ld,
         b_buf.data() + c.offset, B.ld, beta, c_buf.data() + c.offset, C.ld, c.layout);
  }
  const T* got = c_buf.data() + c.offset;

  const double u = std::is_floating_point_v<T> ? std::numeric_limits<T>::epsilon() / 2 : 0;
  for (size_t i = 0; i < c.m; ++i) {
    for (size_t j = 0; j < c.n; ++j) {
      const size_t idx = col ? j * C.ld + i : i * C.ld + j;
      if constexpr (std::is_floating_point_v<T>) {
        long double exact = 0, mag = 0;
        for (size_t p = 0; p < c.k; ++p) {
          const long double prod =
              static_cast<long double>(at(A, i, p, ta)) * at(B, p, j, tb);
          exact += prod;
          mag += std::fabs(prod);
        }
        const long double cij = beta == 0 ? 0 : c_before[idx];
        const long double want = alpha * exact + (beta == 0 ? 0 : beta * cij);
        const double bound = (static_cast<double>(c.k) + 2) * u *
                             (std::fabs(c.alpha) * static_cast<double>(mag) +
                              std::fabs(c.beta) * std::fabs(static_cast<double>(cij))) +
                             std::numeric_limits<T>::min();
        if (!(std::fabs(static_cast<double>(got[idx] - want)) <= bound)) {
          ADD_FAILURE() << where << " " << Describe(c) << ": C(" << i << "," << j
                        << ") = " << got[idx] << ", want " << static_cast<double>(want)
                        << " +- " << bound;
          return false;
        }
      } else {
        using U = std::make_unsigned_t<T>;
        U acc = 0;
        for (size_t p = 0; p < c.k; ++p) {
          acc += static_cast<U>(at(A, i, p, ta)) * static_cast<U>(at(B, p, j, tb));
        }
        const U want = static_cast<U>(alpha) * acc +
                       (beta == 0 ? U(0) : static_cast<U>(beta) * static_cast<U>(c_before[idx]));
        if (static_cast<U>(got[idx]) != want) {
          ADD_FAILURE() << where << " " << Describe(c) << ": C(" << i << "," << j
                        << ") = " << got[idx] << ", want " << static_cast<T>(want);
          return false;
        }
      }
    }
  }
  // Nothing outside C's m x n elements changed (padding of the rows).
  for (size_t r = 0; r < C.rows; ++r) {
    for (size_t j = C.cols; j < C.ld && r * C.ld + j < C.data.size(); ++j) {
      const size_t idx = r * C.ld + j;
      if (std::memcmp(&got[idx], &c_before[idx], sizeof(T)) != 0) {
        ADD_FAILURE() << where << " " << Describe(c) << ": wrote padding at " << idx;
        return false;
      }
    }
  }
  return true;
}

// Integer types run their integer kernels here (the values these tests use
// would otherwise take the exact float path: gemm_exact_test.cc covers it).
template <typename T>
class GemmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::is_integral_v<T>) on_float_ = amdahl::detail::SetIntegerGemmOnFloat(false);
  }
  void TearDown() override {
    if (std::is_integral_v<T>) amdahl::detail::SetIntegerGemmOnFloat(on_float_);
  }

 private:
  bool on_float_ = true;
};
TYPED_TEST_SUITE(GemmTest, amdahl_test::AllDTypes, amdahl_test::DTypeNames);

// Every shape in {0, 1, 2, 3, 7, 31, lanes +- 1, 64, 257}^3 is too many for
// every combination of the rest; each shape is paired with a rotating choice
// of transposes, layout, alpha, beta, padding and offset.
template <typename T>
void CheckEdgeShapesOnEveryTarget(bool via_plan) {
  const std::vector<size_t> dims = {0, 1, 2, 3, 7, 15, 17, 31, 33, 64, 257};
  const std::vector<double> alphas = amdahl_test::Alphas<T>(), betas = amdahl_test::Betas<T>();
  amdahl_test::ForEachTarget([&](const char* target) {
    std::mt19937_64 rng(42);
    size_t r = 0;
    for (size_t m : dims) {
      for (size_t n : dims) {
        for (size_t k : dims) {
          if (m * n * k > 257 * 64 * 64) continue;  // keep the reference quick
          ++r;
          Case c{(r & 1) ? Trans::kYes : Trans::kNo, (r & 2) ? Trans::kYes : Trans::kNo,
                 (r % 7 == 3) ? Layout::kColMajor : Layout::kRowMajor,
                 m, n, k, alphas[r % alphas.size()], betas[(r / 3) % betas.size()],
                 (r / 5) % 3, (r / 2) % 2};
          if (!Check<T>(c, rng, target, via_plan)) return;
        }
      }
    }
  });
}

TYPED_TEST(GemmTest, EdgeShapesOnEveryTarget) { CheckEdgeShapesOnEveryTarget<TypeParam>(false); }

// A plan computes what Gemm does: its one-block path (small float products,
// neither operand transposed) and Gemm's for the rest.
TYPED_TEST(GemmTest, PlanOnEdgeShapesOnEveryTarget) {
  CheckEdgeShapesOnEveryTarget<TypeParam>(true);
}

// A plan keeps the choices of its creation: made on one thread count, run
// on another, from several threads at once, and through a copy.
TYPED_TEST(GemmTest, PlanRunsAfterTheThreadCountChangesAndFromSeveralThreads) {
  using T = TypeParam;
  const size_t m = 20, n = 36, k = 12;
  std::vector<T> a(m * k), b(k * n), want(m * n);
  for (size_t i = 0; i < a.size(); ++i) a[i] = T(static_cast<int>(i % 7) - 3);
  for (size_t i = 0; i < b.size(); ++i) b[i] = T(static_cast<int>(i % 5) - 2);
  Gemm(Trans::kNo, Trans::kNo, m, n, k, T(1), a.data(), k, b.data(), n, T(0), want.data(), n);
  SetNumThreads(1);
  const GemmPlan<T> plan(Trans::kNo, Trans::kNo, m, n, k, k, n, n);
  SetNumThreads(0);
  const GemmPlan<T> copy = plan;
  std::vector<std::vector<T>> got(4, std::vector<T>(m * n, T(9)));
  std::vector<std::thread> users;
  for (size_t t = 0; t < got.size(); ++t) {
    users.emplace_back([&, t] {
      for (int repeat = 0; repeat < 50; ++repeat) {
        (t % 2 ? copy : plan)(T(1), a.data(), b.data(), T(0), got[t].data());
      }
    });
  }
  for (std::thread& u : users) u.join();
  for (const std::vector<T>& g : got) EXPECT_EQ(want, g);
}

// B read in place whatever its width: a ragged last vector is loaded under a
// mask, and C's is stored under one. Each matrix ends where an inaccessible
// page begins (no padding), so a whole-vector access past a row's end at the
// last row faults on every target, with or without a sanitizer.
TYPED_TEST(GemmTest, RaggedColumnsTouchNothingPastTheMatrices) {
  using T = TypeParam;
  amdahl_test::ForEachTarget([&](const char* target) {
    for (size_t n : {1, 3, 7, 9, 15, 17, 20, 33, 50}) {
      for (size_t m : {1, 5, 9, 17}) {
        // (k = 19 and 40: the last columns by dot products, a partial vector of k)
        for (size_t k : {1, 4, 19, 40}) {
          for (const T beta : {T(0), T(2)}) {
            amdahl_test::GuardedBuffer a_mem(m * k * sizeof(T)), b_mem(k * n * sizeof(T)),
                c_mem(m * n * sizeof(T));
            T* a = amdahl_test::GuardedElements<T>(a_mem);
            T* b = amdahl_test::GuardedElements<T>(b_mem);
            T* c = amdahl_test::GuardedElements<T>(c_mem);
            for (size_t i = 0; i < m * k; ++i) a[i] = T(static_cast<int>(i % 7) - 3);
            for (size_t i = 0; i < k * n; ++i) b[i] = T(static_cast<int>(i % 5) - 2);
            for (size_t i = 0; i < m * n; ++i) c[i] = T(static_cast<int>(i % 3));
            std::vector<T> want(m * n);
            for (size_t i = 0; i < m; ++i) {
              for (size_t j = 0; j < n; ++j) {
                T sum = 0;
                for (size_t p = 0; p < k; ++p) sum += a[i * k + p] * b[p * n + j];
                want[i * n + j] = sum + beta * c[i * n + j];
              }
            }
            Gemm(Trans::kNo, Trans::kNo, m, n, k, T(1), a, k, b, n, beta, c, n);
            for (size_t i = 0; i < m * n; ++i) {
              // Small integers: exact in every type.
              ASSERT_EQ(want[i], c[i]) << target << " m=" << m << " n=" << n << " k=" << k
                                       << " beta=" << beta << " at " << i;
            }
          }
        }
      }
    }
  });
}

template <typename T>
void CheckEveryTransposeLayoutAlphaBeta(bool via_plan) {
  std::mt19937_64 rng(7);
  for (Trans ta : {Trans::kNo, Trans::kYes}) {
    for (Trans tb : {Trans::kNo, Trans::kYes}) {
      for (Layout layout : {Layout::kRowMajor, Layout::kColMajor}) {
        for (double alpha : amdahl_test::Alphas<T>()) {
          for (double beta : amdahl_test::Betas<T>()) {
            Case c{ta, tb, layout, 67, 45, 39, alpha, beta, 3, 1};
            if (!Check<T>(c, rng, "all", via_plan)) return;
          }
        }
      }
    }
  }
}

TYPED_TEST(GemmTest, EveryTransposeLayoutAlphaBeta) {
  CheckEveryTransposeLayoutAlphaBeta<TypeParam>(false);
}

// (67 x 45 x 39 is one block: a float plan's own path, either layout.)
TYPED_TEST(GemmTest, PlanOnEveryTransposeLayoutAlphaBeta) {
  CheckEveryTransposeLayoutAlphaBeta<TypeParam>(true);
}

TYPED_TEST(GemmTest, RandomShapesUpTo600AndEveryThreadCount) {
  using T = TypeParam;
  std::mt19937_64 rng(2024);
  const size_t max_threads = GetTopology().usable_cores.value;
  for (int i = 0; i < 8; ++i) {
    std::uniform_int_distribution<size_t> dim(1, 600);
    Case c{(i & 1) ? Trans::kYes : Trans::kNo, (i & 2) ? Trans::kYes : Trans::kNo,
           Layout::kRowMajor, dim(rng), dim(rng), dim(rng) / 3 + 1,
           amdahl_test::Alphas<T>()[1 + i % 3], amdahl_test::Betas<T>()[i % 4], size_t(i % 4), size_t(i % 2)};
    SetNumThreads(1 + static_cast<size_t>(i) % max_threads);
    if (!Check<T>(c, rng, "threads=" + std::to_string(NumThreads()))) break;
  }
  SetNumThreads(0);
}

TYPED_TEST(GemmTest, LargeBlockedAcrossCacheBlocks) {
  using T = TypeParam;
  std::mt19937_64 rng(5);
  // k > kc, m > mc-ish and n > nc: every loop of the blocking runs twice.
  Case c{Trans::kNo, Trans::kNo, Layout::kRowMajor, 301, 700, 1100, amdahl_test::Alphas<T>()[2],
         amdahl_test::Betas<T>()[2], 1, 0};
  Check<T>(c, rng, "large");
}

// Sets a GEMM override for its lifetime.
class GemmOverrideScope {
 public:
  GemmOverrideScope(DType dtype, const GemmConfig& c) : dtype_(dtype), c_(c) {
    detail::SetGemmOverride(dtype_, &c_);
  }
  ~GemmOverrideScope() { detail::SetGemmOverride(dtype_, nullptr); }

 private:
  DType dtype_;
  GemmConfig c_;
};

// A larger than the in-place limit (set here to 64 KiB) but with few columns
// of C: read in place, since it meets each block of B once. Two thread
// counts: the thread grid cuts such a product by rows.
TYPED_TEST(GemmTest, LargeAWithFewColumnsReadInPlace) {
  using T = TypeParam;
  constexpr DType dt = DTypeOf<T>();
  std::mt19937_64 rng(11);
  for (size_t threads : {size_t{1}, size_t{2}}) {
    GemmConfig cfg = DefaultGemmConfig(dt, 1500, 5, 1500);
    cfg.a_in_place_max_bytes = size_t{64} << 10;
    cfg.threads = threads;
    GemmOverrideScope scope(dt, cfg);
    Case c{Trans::kNo, Trans::kNo, Layout::kRowMajor, 1500, 5, 1500,
           amdahl_test::Alphas<T>()[1], amdahl_test::Betas<T>()[2], 2, 1};
    if (!Check<T>(c, rng, "threads=" + std::to_string(threads))) break;
  }
}

TYPED_TEST(GemmTest, BetaZeroNeverReadsCAndAlphaZeroOnlyScales) {
  using T = TypeParam;
  std::vector<T> a(16, T(2)), b(16, T(3)), c(16, T(5));
  Gemm(Trans::kNo, Trans::kNo, 4, 4, 4, T(0), a.data(), 4, b.data(), 4, T(2),
       c.data(), 4);
  for (T v : c) EXPECT_EQ(T(10), v);
  Gemm(Trans::kNo, Trans::kNo, 4, 4, 0, T(1), a.data(), 4, b.data(), 4, T(0),
       c.data(), 4);
  for (T v : c) EXPECT_EQ(T(0), v);
  if constexpr (std::is_floating_point_v<T>) {
    std::fill(c.begin(), c.end(), std::numeric_limits<T>::quiet_NaN());
    Gemm(Trans::kNo, Trans::kNo, 4, 4, 4, T(1), a.data(), 4, b.data(), 4, T(0),
         c.data(), 4);
    for (T v : c) EXPECT_EQ(T(24), v);
  }
}

// The error bound of <amdahl/gemm.h>, (k + 2) u (|alpha| |A||B| + |beta||C|),
// where alpha and beta scale the result and k is small: k * u alone was
// exceeded at k = 1 (the rounding of alpha * acc and of the final add).
TYPED_TEST(GemmTest, ErrorBoundHoldsAtSmallKWithScaling) {
  using T = TypeParam;
  if (!std::is_floating_point_v<T>) GTEST_SKIP() << "integers are exact";
  std::mt19937_64 rng(11);
  amdahl_test::ForEachTarget([&](const char* target) {
    for (size_t k : {1, 2, 3}) {
      Case c{Trans::kNo, Trans::kNo, Layout::kRowMajor, 37, 53, k, 2.25, 0.3, 0, 0};
      if (!Check<T>(c, rng, target)) return;
    }
  });
}

// The packed paths of A and B (in-place reads off), under a sweep of block
// sizes: kc from 1 to past k, mc and nc at odd multiples of the tile, and
// the values the tuner's candidates take around the analytical model; then
// the in-place paths under the same blocks. Every dtype, every target.
TYPED_TEST(GemmTest, PackedPathsUnderABlockSweepOnEveryTarget) {
  using T = TypeParam;
  constexpr DType dt = DTypeOf<T>();
  amdahl_test::ForEachTarget([&](const char* target) {
    std::mt19937_64 rng(99);
    const GemmConfig model = DefaultGemmConfig(dt, 200, 200, 200);
    const size_t mr = model.mr, nr = model.nr;
    std::vector<GemmConfig> sweep;
    for (size_t kc : {size_t{1}, size_t{7}, size_t{16}, model.kc / 2, model.kc * 3 / 4,
                      model.kc * 3 / 2}) {
      for (size_t mc : {mr, 3 * mr, 5 * mr}) {
        for (size_t nc : {nr, 3 * nr}) {
          GemmConfig c = model;
          c.kc = std::max<size_t>(kc, 1);
          c.mc = mc;
          c.nc = nc;
          sweep.push_back(c);
        }
      }
    }
    size_t r = 0;
    for (GemmConfig c : sweep) {
      for (const bool in_place : {false, true}) {
        c.a_in_place_max_bytes = in_place ? size_t{1} << 30 : 0;
        c.b_in_place_max_bytes = in_place ? size_t{1} << 30 : 0;
        c.threads = 1 + r % 2;
        GemmOverrideScope scope(dt, c);
        ++r;
        // m, n, k not multiples of any block: every edge of every loop.
        Case cs{(r & 1) ? Trans::kYes : Trans::kNo, (r & 2) ? Trans::kYes : Trans::kNo,
                Layout::kRowMajor, 5 * mr + 3, 3 * nr + 5, 2 * c.kc + 3,
                amdahl_test::Alphas<T>()[1 + r % 3], amdahl_test::Betas<T>()[r % 4], r % 3, r % 2};
        const std::string where = std::string(target) + " mc/kc/nc " + std::to_string(c.mc) +
                                  "/" + std::to_string(c.kc) + "/" + std::to_string(c.nc) +
                                  (in_place ? " in place" : " packed");
        if (!Check<T>(cs, rng, where)) return;
      }
    }
  });
}

// Every register tile each target compiles, under its own analytical blocks
// and under small odd ones, packed and in place: shapes with a partial tile
// at every edge (rows short of mr, vectors and lanes short of nr), and one
// narrower than a single vector.
TYPED_TEST(GemmTest, EveryTileOnEveryTarget) {
  using T = TypeParam;
  constexpr DType dt = DTypeOf<T>();
  amdahl_test::ForEachTarget([&](const char* target) {
    std::mt19937_64 rng(7);
    const std::vector<GemmTileShape> tiles = GemmTiles(dt);
    ASSERT_FALSE(tiles.empty()) << target;
    size_t r = 0;
    for (const GemmTileShape& tile : tiles) {
      ASSERT_TRUE(IsGemmTile(dt, tile)) << target;
      ASSERT_EQ(0u, tile.nr % tile.lanes) << target;
      GemmConfig model = DefaultGemmConfig(dt, 100, 100, 100, tile);
      ASSERT_EQ(tile.mr, model.mr);
      ASSERT_EQ(tile.nr, model.nr);
      ASSERT_TRUE(GemmConfigProblem(model).empty()) << GemmConfigProblem(model);
      GemmConfig small = model;
      small.mc = 2 * tile.mr;
      small.kc = 5;
      small.nc = tile.nr;
      for (GemmConfig c : {model, small}) {
        for (const bool in_place : {false, true}) {
          c.a_in_place_max_bytes = in_place ? size_t{1} << 30 : 0;
          c.b_in_place_max_bytes = in_place ? size_t{1} << 30 : 0;
          c.threads = 1 + r % 2;
          GemmOverrideScope scope(dt, c);
          const std::string where = std::string(target) + " tile " + std::to_string(tile.mr) +
                                    "x" + std::to_string(tile.nr) + " kc " +
                                    std::to_string(c.kc) + (in_place ? " in place" : " packed");
          struct Shape {
            size_t m, n, k;
          };
          const Shape shapes[] = {{4 * tile.mr - 1, 2 * tile.nr + tile.lanes + 1, 11},
                                  {tile.mr, tile.nr, 1},
                                  {tile.mr + 1, tile.nr - tile.lanes, 17},
                                  {1, tile.lanes - 1 + (tile.lanes == 1), 9},
                                  {2 * tile.mr - 1, 3 * tile.lanes, 2 * c.kc + 1}};
          for (const auto& [m, n, k] : shapes) {
            ++r;
            Case cs{Trans::kNo, (r & 1) ? Trans::kYes : Trans::kNo, Layout::kRowMajor, m, n,
                    k, amdahl_test::Alphas<T>()[1 + r % 3],
                    amdahl_test::Betas<T>()[r % 4], r % 3, 0};
            if (!Check<T>(cs, rng, where)) return;
          }
        }
      }
    }
  });
}

// A wisdom entry names its tile: one the target compiles is taken with its
// blocks; one it lacks (another target's) leaves the defaults in charge.
TYPED_TEST(GemmTest, WisdomEntryTakesItsTileWhenTheTargetHasIt) {
  constexpr DType dt = DTypeOf<TypeParam>();
  const GemmConfig defaults = DefaultGemmConfig(dt, 300, 300, 300);
  for (const GemmTileShape& tile : GemmTiles(dt)) {
    GemmWisdom e;
    e.dtype = dt;
    e.config = DefaultGemmConfig(dt, 300, 300, 300, tile);
    e.config.mc = 2 * tile.mr;
    e.config.source = "wisdom";
    const GemmConfig got = ApplyGemmWisdom(defaults, e);
    EXPECT_EQ(tile.mr, got.mr);
    EXPECT_EQ(tile.nr, got.nr);
    EXPECT_EQ(2 * tile.mr, got.mc);
    EXPECT_STREQ("wisdom", got.source);
    e.config.mr = 63;
    e.config.mc = 63;
    const GemmConfig kept = ApplyGemmWisdom(defaults, e);
    EXPECT_EQ(defaults.mr, kept.mr);
    EXPECT_EQ(defaults.mc, kept.mc);
    EXPECT_STREQ("defaults", kept.source);
  }
}

// A tile the target does not compile is refused where the defaults are asked
// for it, naming it.
TYPED_TEST(GemmTest, DefaultsForATileTheTargetLacksAreAnError) {
  constexpr DType dt = DTypeOf<TypeParam>();
  GemmTileShape tile = GemmTiles(dt).front();
  tile.mr = 63;
  EXPECT_FALSE(IsGemmTile(dt, tile));
  try {
    DefaultGemmConfig(dt, 64, 64, 64, tile);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string::npos, std::string(e.what()).find("tile 63 x")) << e.what();
  }
}

// Blocks that are not whole tiles would make the packing write past its
// buffers: an override with them is refused, naming the block.
TYPED_TEST(GemmTest, OverrideWithBlocksThatAreNotWholeTilesIsRefused) {
  using T = TypeParam;
  constexpr DType dt = DTypeOf<T>();
  const GemmConfig model = DefaultGemmConfig(dt, 1024, 1024, 1024);
  EXPECT_TRUE(GemmConfigProblem(model).empty()) << GemmConfigProblem(model);
  GemmConfig bad = model;
  bad.mc = model.mr * 12 + 4;
  EXPECT_NE(std::string::npos, GemmConfigProblem(bad).find("mc = ")) << GemmConfigProblem(bad);
  EXPECT_THROW(detail::SetGemmOverride(dt, &bad), Error);
  bad = model;
  bad.nc = model.nr + 1;
  EXPECT_NE(std::string::npos, GemmConfigProblem(bad).find("nc = ")) << GemmConfigProblem(bad);
  EXPECT_THROW(detail::SetGemmOverride(dt, &bad), Error);
  bad = model;
  bad.kc = 0;
  EXPECT_THROW(detail::SetGemmOverride(dt, &bad), Error);
  bad = model;
  bad.kc = size_t{1} << 20;
  bad.mc = model.mr * 1024;
  EXPECT_NE(std::string::npos, GemmConfigProblem(bad).find("2^26")) << GemmConfigProblem(bad);
  // The defaults are whole tiles on every target (mc = 4096 is not a
  // multiple of mr = 6).
  amdahl_test::ForEachTarget([&](const char* target) {
    for (size_t n : {1, 64, 1000, 5000}) {
      const GemmConfig d = DefaultGemmConfig(dt, n, n, n);
      EXPECT_TRUE(GemmConfigProblem(d).empty()) << target << ": " << GemmConfigProblem(d);
    }
  });
}

// An override made for one target's tile, used on another: an error, not a
// kernel running with the wrong sliver widths.
TYPED_TEST(GemmTest, OverrideOfAnotherTargetsTileIsAnError) {
  using T = TypeParam;
  constexpr DType dt = DTypeOf<T>();
  GemmConfig c = DefaultGemmConfig(dt, 64, 64, 64);
  c.mr *= 2;
  c.mc = c.mr;
  GemmOverrideScope scope(dt, c);
  std::vector<T> a(64 * 64, T(1)), b(64 * 64, T(1)), out(64 * 64, T(0));
  try {
    Gemm(Trans::kNo, Trans::kNo, 64, 64, 64, T(1), a.data(), 64, b.data(), 64, T(0),
         out.data(), 64);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string::npos, std::string(e.what()).find("is not one of this target's")) << e.what();
  }
  for (T v : out) ASSERT_EQ(T(0), v);
}

// GEMM under blocks read from a wisdom file, on every target the CPU has: a
// child per target (AMDAHL_TARGET) loads a file holding odd blocks for that
// target's host key and its last tile, for every dtype and size bucket.
constexpr size_t kFileKc = 37;

template <typename T>
bool ChildChecksUnderTheFile(std::mt19937_64& rng) {
  constexpr DType dt = DTypeOf<T>();
  const GemmConfig c = GetGemmConfig(dt, 150, 150, 150);
  EXPECT_STREQ("wisdom", c.source) << DTypeName(dt);
  // The file's tile: the target's last, not the defaults' (where it has two).
  EXPECT_EQ(GemmTiles(dt).back().mr, c.mr);
  EXPECT_EQ(GemmTiles(dt).back().nr, c.nr);
  EXPECT_EQ(3 * c.mr, c.mc);
  EXPECT_EQ(kFileKc, c.kc);
  EXPECT_EQ(5 * c.nr, c.nc);
  for (size_t i = 0; i < 4; ++i) {
    Case cs{(i & 1) ? Trans::kYes : Trans::kNo, (i & 2) ? Trans::kYes : Trans::kNo,
            Layout::kRowMajor, 130 + i, 170 - i, 100 + 7 * i, amdahl_test::Alphas<T>()[1 + i % 3],
            amdahl_test::Betas<T>()[i], i % 2, i % 2};
    if (!Check<T>(cs, rng, "wisdom file")) return false;
  }
  return true;
}

TEST(GemmWisdom, ChildRunsUnderTheFile) {
  if (!amdahl_test::IsChild()) GTEST_SKIP() << "runs as a child process";
  const char* want = std::getenv("AMDAHL_TARGET");
  ASSERT_NE(nullptr, want);
  EXPECT_EQ(want, ActiveTarget());
  std::mt19937_64 rng(3);
  ChildChecksUnderTheFile<float>(rng) && ChildChecksUnderTheFile<double>(rng) &&
      ChildChecksUnderTheFile<int32_t>(rng) && ChildChecksUnderTheFile<int64_t>(rng);
}

TEST(GemmWisdom, BlocksFromAFileOnEveryTarget) {
  if (amdahl_test::IsChild()) GTEST_SKIP();
  const std::string dir = amdahl_test::FreshTestDir("gemm-wisdom");
  const std::string path = dir + "/wisdom.json";
  std::vector<std::string> targets;
  amdahl_test::ForEachTarget([&](const char* target) {
    targets.push_back(target);
    HostWisdom w;
    w.host = CurrentHostKey();  // with this target
    w.library_version = "test";
    for (DType dt : {DType::kF32, DType::kF64, DType::kI32, DType::kI64}) {
      const GemmConfig model = DefaultGemmConfig(dt, 150, 150, 150, GemmTiles(dt).back());
      for (int bucket = 0; bucket < 12; ++bucket) {
        GemmWisdom e;
        e.dtype = dt;
        e.bucket = bucket;
        e.config = model;
        e.config.mc = 3 * model.mr;
        e.config.kc = kFileKc;
        e.config.nc = 5 * model.nr;
        e.config.threads = 2;
        w.gemm.push_back(e);
      }
    }
    SaveWisdom(path, w);
  });
  ASSERT_FALSE(targets.empty());
  for (const std::string& target : targets) {
    const auto r = amdahl_test::RunSelf("AMDAHL_QUIET=1 AMDAHL_TARGET=" + target +
                                            " AMDAHL_WISDOM=" + path,
                                        "GemmWisdom.ChildRunsUnderTheFile");
    EXPECT_EQ(0, r.exit_code) << target << ":\n" << r.output;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace amdahl

namespace amdahl {
namespace {

// The per-target packing against the plain reference, on every target:
// both operands, both layouts, edge slivers, leading dimensions past the
// block.
TYPED_TEST(GemmTest, PackingMatchesTheReferenceOnEveryTarget) {
  using T = TypeParam;
  amdahl_test::ForEachTarget([&](const char* target) {
    std::mt19937_64 rng(17);
    for (bool trans : {false, true}) {
      for (size_t rows : {1, 5, 8, 13, 48, 50}) {
        for (size_t depth : {1, 3, 17, 64}) {
          for (size_t tile : {4, 6, 8, 16, 48}) {
            const size_t ld = (trans ? rows : depth) + 3;
            const size_t stored = trans ? depth : rows;
            std::vector<T> src(stored * ld);
            for (auto& x : src) x = static_cast<T>(static_cast<int>(rng() % 1000) - 500);
            const size_t slivers = (rows + tile - 1) / tile;
            std::vector<T> got(slivers * tile * depth, T(-7)), want(got.size(), T(-9));
            ops::PackA(src.data(), ld, trans, rows, depth, tile, got.data());
            ops::PackAReference(src.data(), ld, trans, rows, depth, tile, want.data());
            ASSERT_EQ(want, got) << target << " PackA trans=" << trans << " mc=" << rows
                                 << " kc=" << depth << " mr=" << tile;
            // B's block is depth x rows (kc x nc): stored rows x ld when
            // transposed, depth x ld' otherwise.
            const size_t ldb = (trans ? depth : rows) + 2;
            std::vector<T> b((trans ? rows : depth) * ldb);
            for (auto& x : b) x = static_cast<T>(static_cast<int>(rng() % 1000) - 500);
            ops::PackB(b.data(), ldb, trans, depth, rows, tile, got.data());
            ops::PackBReference(b.data(), ldb, trans, depth, rows, tile, want.data());
            ASSERT_EQ(want, got) << target << " PackB trans=" << trans << " kc=" << depth
                                 << " nc=" << rows << " nr=" << tile;
          }
        }
      }
    }
  });
}

}  // namespace
}  // namespace amdahl
