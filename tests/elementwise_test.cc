#include "amdahl/elementwise.h"

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
#include "amdahl/machine.h"
#include "amdahl/pool.h"
#include "amdahl/topology.h"
#include "tests/test_util.h"

namespace amdahl {
namespace {

// Sizes around every lane count of the x86 targets (2..16), plus sizes that
// cross the serial cutoff (threads) and large odd ones; 20,003 lies in L2,
// where Scale runs half vectors on AVX-512 (80-160 KB an array).
std::vector<size_t> Sizes() {
  return amdahl_test::LaneSizes({20003, 100003, (1u << 20) + 3});
}

template <typename T>
std::vector<T> Random(size_t n, uint32_t seed) {
  return amdahl_test::RandomVector<T>(n, seed);
}

// Reference arithmetic: integers wrap (computed unsigned), floats round once
// per operation, fused where the kernel promises it.
template <typename T>
T RefMul(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return a * b;
  } else {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
  }
}
template <typename T>
T RefAdd(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return a + b;
  } else {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  }
}
// Targets without FMA round a * b + c twice.
bool HasFma(const std::string& target) {
  return target != "SSE4" && target != "SSSE3" && target != "SCALAR" &&
         target != "EMU128";
}
bool g_fused = HasFma(ActiveTarget());

template <typename T>
T RefMulAdd(T a, T b, T c) {
  if constexpr (std::is_floating_point_v<T>) {
    return g_fused ? std::fma(a, b, c) : a * b + c;
  } else {
    return RefAdd(RefMul(a, b), c);
  }
}

template <typename T>
std::vector<T> Alphas() {
  if constexpr (std::is_floating_point_v<T>) {
    return {T(0), T(1), T(0.7), T(-2.5)};
  } else {
    return {T(0), T(1), T(2), T(-3), std::numeric_limits<T>::max()};
  }
}

// Equal bit for bit (NaN-safe and -0 aware).
template <typename T>
void ExpectSameBits(const std::vector<T>& want, const T* got, size_t n,
                    const std::string& what) {
  for (size_t i = 0; i < n; ++i) {
    if (std::memcmp(&want[i], &got[i], sizeof(T)) != 0) {
      ADD_FAILURE() << what << ": element " << i << " of " << n << " is "
                    << got[i] << ", want " << want[i];
      return;
    }
  }
}

template <typename T>
class ElementwiseTest : public ::testing::Test {};
TYPED_TEST_SUITE(ElementwiseTest, amdahl_test::AllDTypes, amdahl_test::DTypeNames);

TYPED_TEST(ElementwiseTest, MatchesReferenceOnEveryTargetSizeAndOffset) {
  using T = TypeParam;
  amdahl_test::ForEachTarget([](const char* target) {
    g_fused = HasFma(target);
    for (size_t n : Sizes()) {
      for (size_t offset : {0u, 1u}) {  // 1: misaligned by one element
        const auto xs = Random<T>(n + 1, 1);
        const auto ys = Random<T>(n + 1, 2);
        const T* x = xs.data() + offset;
        const T* y = ys.data() + offset;
        std::vector<T> out(n + 1);
        for (T a : Alphas<T>()) {
          const std::string what = std::string(target) + " n=" +
                                   std::to_string(n) + " offset=" +
                                   std::to_string(offset);
          std::vector<T> want(n);
          for (size_t i = 0; i < n; ++i) want[i] = RefMul(a, x[i]);
          Scale(n, a, x, out.data() + offset);
          ExpectSameBits(want, out.data() + offset, n, "Scale " + what);

          for (size_t i = 0; i < n; ++i) want[i] = RefMulAdd(a, x[i], y[i]);
          std::copy(y, y + n, out.data() + offset);
          Axpy(n, a, x, out.data() + offset);
          ExpectSameBits(want, out.data() + offset, n, "Axpy " + what);

          for (size_t i = 0; i < n; ++i) want[i] = RefMulAdd(a, y[i], x[i]);
          Triad(n, x, a, y, out.data() + offset);
          ExpectSameBits(want, out.data() + offset, n, "Triad " + what);
        }
        std::vector<T> want(n);
        for (size_t i = 0; i < n; ++i) want[i] = RefAdd(x[i], y[i]);
        Add(n, x, y, out.data() + offset);
        ExpectSameBits(want, out.data() + offset, n,
                       std::string("Add ") + target + " n=" + std::to_string(n));
      }
    }
  });
  g_fused = HasFma(ActiveTarget());
}

TYPED_TEST(ElementwiseTest, InPlace) {
  using T = TypeParam;
  const size_t n = (1u << 18) + 5;
  const auto x0 = Random<T>(n, 3);
  const auto y0 = Random<T>(n, 4);
  const T a = Alphas<T>()[2];
  std::vector<T> want(n), v = x0;
  for (size_t i = 0; i < n; ++i) want[i] = RefMul(a, x0[i]);
  Scale(n, a, v.data(), v.data());
  ExpectSameBits(want, v.data(), n, "Scale y == x");

  v = x0;
  for (size_t i = 0; i < n; ++i) want[i] = RefAdd(x0[i], y0[i]);
  Add(n, v.data(), y0.data(), v.data());
  ExpectSameBits(want, v.data(), n, "Add z == x");

  v = y0;
  for (size_t i = 0; i < n; ++i) want[i] = RefMulAdd(a, y0[i], x0[i]);
  Triad(n, x0.data(), a, v.data(), v.data());
  ExpectSameBits(want, v.data(), n, "Triad z == y");

  v = x0;
  for (size_t i = 0; i < n; ++i) want[i] = RefMulAdd(a, x0[i], x0[i]);
  Axpy(n, a, v.data(), v.data());
  ExpectSameBits(want, v.data(), n, "Axpy y == x");
}

TYPED_TEST(ElementwiseTest, SameResultForEveryThreadCount) {
  using T = TypeParam;
  const size_t n = (1u << 21) + 7;
  const auto x = Random<T>(n, 5);
  const auto y = Random<T>(n, 6);
  std::vector<T> want(n);
  for (size_t i = 0; i < n; ++i) want[i] = RefMulAdd(T(3), y[i], x[i]);
  for (size_t t = 1; t <= GetTopology().usable_cores.value; ++t) {
    SetNumThreads(t);
    std::vector<T> z(n);
    Triad(n, x.data(), T(3), y.data(), z.data());
    ExpectSameBits(want, z.data(), n, "threads=" + std::to_string(t));
  }
  SetNumThreads(0);
}

TYPED_TEST(ElementwiseTest, NonTemporalStoresBeyondTheCaches) {
  using T = TypeParam;
  const size_t n = GetLoopConfig(Kernel::kScale, DType::kF32, 0).stream_min + 5;
  if (n > (size_t{1} << 28)) GTEST_SKIP() << "arrays too large for this test";
  const auto x = Random<T>(n + 1, 7);
  std::vector<T> y(n + 1), want(n);
  for (size_t i = 0; i < n; ++i) want[i] = RefMul(T(2), x[i + 1]);
  Scale(n, T(2), x.data() + 1, y.data() + 1);
  ExpectSameBits(want, y.data() + 1, n, "streamed Scale");
}

}  // namespace
}  // namespace amdahl
