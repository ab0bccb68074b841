// Helpers shared by the tests: re-running this test binary in a child process
// with another environment or affinity.
#ifndef AMDAHL_TESTS_TEST_UTIL_H_
#define AMDAHL_TESTS_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <random>
#include <tuple>
#include <type_traits>
#include <vector>
#include <string>

#include "amdahl/dtype.h"

namespace amdahl_test {

struct ChildResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// The exit code RunSelf reports for a child that exited 0 without passing
// exactly one test.
constexpr int kChildRanNoTest = 98;

// Runs `prefix /proc/self/exe --gtest_filter=<test>` through the shell with
// AMDAHL_TEST_CHILD=1 set, e.g. prefix "taskset -c 0" or "AMDAHL_NUM_THREADS=1".
// Child-only tests skip themselves unless IsChild(). A child that exits 0
// but did not pass exactly one test (no match, or a skip) gives
// kChildRanNoTest.
ChildResult RunSelf(const std::string& prefix, const std::string& test);

bool IsChild();

// A fresh, empty folder for the running test: <tmp>/amdahl-<tag>-<pid>-<test>.
std::string FreshTestDir(const std::string& tag);

// Sizes around every lane count of the x86 targets (2..16 lanes): 0, 1, 2,
// 3, 7, 31, N - 1, N + 1, 4N/3, 256N - 1, plus `extra`.
inline std::vector<size_t> LaneSizes(std::vector<size_t> extra) {
  std::vector<size_t> sizes = {0, 1, 2, 3, 7, 31};
  for (size_t lanes : {2u, 4u, 8u, 16u}) {
    for (size_t n : {lanes - 1, lanes + 1, 4 * lanes / 3, 256 * lanes - 1}) {
      sizes.push_back(n);
    }
  }
  sizes.insert(sizes.end(), extra.begin(), extra.end());
  return sizes;
}

// Floats uniform in [-1, 1]; integers over their full range (so that sums
// and products wrap).
template <typename T>
std::vector<T> RandomVector(size_t n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<T> v(n);
  for (auto& x : v) {
    if constexpr (std::is_floating_point_v<T>) {
      x = std::uniform_real_distribution<T>(-1, 1)(rng);
    } else {
      x = static_cast<T>(rng());
    }
  }
  return v;
}

// Integers uniform in [-max, max], with both extremes present (n > 1).
template <typename T>
std::vector<T> BoundedIntegers(size_t n, int64_t max, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> dist(-max, max);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(dist(rng));
  if (n > 1) {
    v[0] = static_cast<T>(max);
    v[n - 1] = static_cast<T>(-max);
  }
  return v;
}

// One failure at the first element where `got` differs from the integer
// kernels' `want`, naming `where`.
template <typename T>
void ExpectSameAsIntegerKernels(const std::vector<T>& got, const std::vector<T>& want,
                                const std::string& where) {
  for (size_t i = 0; i < got.size(); ++i) {
    if (got[i] != want[i]) {
      ADD_FAILURE() << where << ": element " << i << " is " << got[i]
                    << ", the integer kernels " << want[i];
      return;
    }
  }
}

// alpha and beta sets: for integers, values other than 0 and 1 that stay
// integers (0.7 would be cast to 0).
template <typename T>
std::vector<double> Alphas() {
  if (std::is_floating_point_v<T>) return {0, 1, 0.7, -2.25};
  return {0, 1, 3, -2};
}
template <typename T>
std::vector<double> Betas() {
  if (std::is_floating_point_v<T>) return {0, 1, 1.3, -0.3};
  return {0, 1, -2, 3};
}

// The element types of typed tests: the dtype list of <amdahl/dtypes.h>.
template <class Tuple>
struct TypesAfterFirst;
template <class First, class... Ts>
struct TypesAfterFirst<std::tuple<First, Ts...>> {
  using type = ::testing::Types<Ts...>;
};
#define AMDAHL_TEST_DTYPE(T, ID, name) , T
using AllDTypes =
    TypesAfterFirst<std::tuple<void AMDAHL_FOR_EACH_DTYPE(AMDAHL_TEST_DTYPE)>>::type;
#undef AMDAHL_TEST_DTYPE

// Names typed tests by element type: f32, f64, i32, i64.
struct DTypeNames {
  template <typename T>
  static std::string GetName(int) {
    return amdahl::DTypeTraits<T>::kName;
  }
};

// `count` elements that end where an inaccessible page begins: reading or
// writing one element past them faults, sanitizer or not. Zero-filled.
class GuardedBuffer {
 public:
  explicit GuardedBuffer(size_t bytes);
  ~GuardedBuffer();
  GuardedBuffer(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(const GuardedBuffer&) = delete;
  // The first byte; data() + bytes is the guard page.
  void* data() const { return data_; }

 private:
  void* map_ = nullptr;
  size_t map_bytes_ = 0;
  void* data_ = nullptr;
};

template <typename T>
T* GuardedElements(GuardedBuffer& buffer) {
  return static_cast<T*>(buffer.data());
}

// Calls f(target_name) once for every Highway target that this CPU supports
// and the library was compiled for, with dynamic dispatch restricted to it.
void ForEachTarget(const std::function<void(const char*)>& f);

}  // namespace amdahl_test

#endif  // AMDAHL_TESTS_TEST_UTIL_H_
