#include "amdahl/reduce.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <type_traits>
#include <vector>

#include "amdahl/config.h"
#include "amdahl/error.h"
#include "amdahl/pool.h"
#include "amdahl/topology.h"
#include "tests/test_util.h"

namespace amdahl {
namespace {

std::vector<size_t> Sizes() { return amdahl_test::LaneSizes({4095, 4096, 4097, 100003, (1u << 20) + 3}); }

template <typename T>
std::vector<T> Random(size_t n, uint32_t seed) {
  return amdahl_test::RandomVector<T>(n, seed);
}

// The documented bound's g(n), with the fewest lanes any target has.
double BoundFactor(size_t n, size_t min_lanes) {
  const double leaves = std::ceil(static_cast<double>(n) / kReduceLeaf);
  return std::ceil(static_cast<double>(std::min<size_t>(n, kReduceLeaf)) /
                   (4.0 * static_cast<double>(min_lanes))) +
         std::log2(16.0) + 2 + std::ceil(std::log2(std::max(leaves, 1.0)));
}

template <typename T>
class ReduceTest : public ::testing::Test {};
TYPED_TEST_SUITE(ReduceTest, amdahl_test::AllDTypes, amdahl_test::DTypeNames);

TYPED_TEST(ReduceTest, MatchesReferenceWithinTheBound) {
  using T = TypeParam;
  amdahl_test::ForEachTarget([](const char* target) {
    for (size_t n : Sizes()) {
      for (size_t offset : {0u, 1u}) {
        const auto xs = Random<T>(n + 1, 11);
        const auto ys = Random<T>(n + 1, 12);
        const T* x = xs.data() + offset;
        const T* y = ys.data() + offset;
        const T sum = Sum(n, x);
        const T dot = Dot(n, x, y);
        if constexpr (std::is_floating_point_v<T>) {
          long double ref_sum = 0, ref_dot = 0, abs_sum = 0, abs_dot = 0;
          for (size_t i = 0; i < n; ++i) {
            ref_sum += x[i];
            abs_sum += std::fabs(x[i]);
            ref_dot += static_cast<long double>(x[i]) * y[i];
            abs_dot += std::fabs(static_cast<long double>(x[i]) * y[i]);
          }
          const double u = std::numeric_limits<T>::epsilon() / 2;
          const size_t min_lanes = sizeof(T) == 4 ? 4 : 2;
          const double g = BoundFactor(n, min_lanes);
          EXPECT_LE(std::fabs(sum - ref_sum), g * u * abs_sum)
              << target << " Sum n=" << n;
          EXPECT_LE(std::fabs(dot - ref_dot), (g + 1) * u * abs_dot)
              << target << " Dot n=" << n;
        } else {
          using U = std::make_unsigned_t<T>;
          U ref_sum = 0, ref_dot = 0;
          for (size_t i = 0; i < n; ++i) {
            ref_sum += static_cast<U>(x[i]);
            ref_dot += static_cast<U>(x[i]) * static_cast<U>(y[i]);
          }
          EXPECT_EQ(static_cast<T>(ref_sum), sum) << target << " Sum n=" << n;
          EXPECT_EQ(static_cast<T>(ref_dot), dot) << target << " Dot n=" << n;
        }
      }
    }
  });
}

TYPED_TEST(ReduceTest, SameBitsForEveryThreadCount) {
  using T = TypeParam;
  const size_t n = (1u << 21) + 17;
  const auto x = Random<T>(n, 13);
  const auto y = Random<T>(n, 14);
  amdahl_test::ForEachTarget([&](const char* target) {
    SetNumThreads(1);
    const T sum1 = Sum(n, x.data());
    const T dot1 = Dot(n, x.data(), y.data());
    for (size_t t = 2; t <= GetTopology().usable_cores.value; ++t) {
      SetNumThreads(t);
      const T sum = Sum(n, x.data());
      const T dot = Dot(n, x.data(), y.data());
      EXPECT_EQ(0, std::memcmp(&sum, &sum1, sizeof(T))) << target << " t=" << t;
      EXPECT_EQ(0, std::memcmp(&dot, &dot1, sizeof(T))) << target << " t=" << t;
    }
    SetNumThreads(0);
  });
}

}  // namespace
}  // namespace amdahl
