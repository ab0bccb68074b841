// Helpers shared by the tests: re-running this test binary in a child process
// with another environment or affinity.
#ifndef AMDAHL_TESTS_TEST_UTIL_H_
#define AMDAHL_TESTS_TEST_UTIL_H_

#include <cstdint>
#include <functional>
#include <type_traits>
#include <string>

namespace amdahl_test {

struct ChildResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `prefix /proc/self/exe --gtest_filter=<test>` through the shell with
// AMDAHL_TEST_CHILD=1 set, e.g. prefix "taskset -c 0" or "AMDAHL_NUM_THREADS=1".
// Child-only tests skip themselves unless IsChild().
ChildResult RunSelf(const std::string& prefix, const std::string& test);

bool IsChild();

// Names typed tests by element type: f32, f64, i32, i64.
struct DTypeNames {
  template <typename T>
  static std::string GetName(int) {
    if (std::is_same_v<T, float>) return "f32";
    if (std::is_same_v<T, double>) return "f64";
    if (std::is_same_v<T, int32_t>) return "i32";
    return "i64";
  }
};

// Calls f(target_name) once for every Highway target that this CPU supports
// and the library was compiled for, with dynamic dispatch restricted to it.
void ForEachTarget(const std::function<void(const char*)>& f);

}  // namespace amdahl_test

#endif  // AMDAHL_TESTS_TEST_UTIL_H_
