// The cases amdahl-tune times and amdahl-bench reports: for each kernel, how
// to make its inputs for a dtype and a size, what one call moves or computes,
// and the sizes the benchmark runs. A new kernel is tuned, validated and
// benchmarked by adding its entry to Kinds() (cases.cc).
#ifndef AMDAHL_AUTOTUNE_CASES_H_
#define AMDAHL_AUTOTUNE_CASES_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <random>
#include <type_traits>
#include <vector>

#include "amdahl/config.h"

namespace amdahl_cases {

// A kernel's inputs, made once, and a call of it on them.
class Case {
 public:
  virtual ~Case() = default;
  virtual void Run() = 0;
};

struct CaseKind {
  amdahl::Kernel kernel;
  // The benchmark's counter: "GBps" (bytes read + written per second) or
  // "GFLOPS" (2mnk for GEMM).
  const char* unit;
  // Bytes or flops of one call at `size` (1e-9 of them for the counter).
  double (*work)(amdahl::DType dtype, size_t size);
  // The size whose call the library configures as `elements` (the tuner's
  // buckets count elements): the elements themselves, or the side of a
  // square matrix.
  size_t (*size_of_elements)(size_t elements);
  std::unique_ptr<Case> (*make)(amdahl::DType dtype, size_t size);
  std::vector<size_t> bench_sizes;
  // The benchmark also runs it at one thread and at all (labelled).
  bool bench_thread_variants;
};

// What one call costs: flops and bytes moved (the roofline needs both), and
// which of them its rate counts.
struct Work {
  double flops = 0;
  double bytes = 0;
  bool rate_in_bytes = false;  // GB/s (the streaming kernels and GEMV), else GFLOPS
};

// Work of `kernel` on `dtype` at `size` (the registry's size: elements, or
// the side of a square matrix).
Work WorkOf(amdahl::Kernel kernel, amdahl::DType dtype, size_t size);

// Every kernel, in the order of amdahl::Kernel.
const std::vector<CaseKind>& Kinds();
const CaseKind& KindOf(amdahl::Kernel kernel);

inline std::unique_ptr<Case> MakeCase(amdahl::Kernel kernel, amdahl::DType dtype,
                                      size_t size) {
  return KindOf(kernel).make(dtype, size);
}

// The dtypes of the one list, in order.
inline std::vector<amdahl::DType> AllDTypes() {
  std::vector<amdahl::DType> all;
  for (int t = 0; t < amdahl::kNumDTypes; ++t) all.push_back(static_cast<amdahl::DType>(t));
  return all;
}

// Allocates on 64-byte boundaries: every case and peer sees its arrays
// aligned alike (a 16-byte aligned array splits every AVX-512 load across
// two cache lines, which moved a 4 Ki i32 Dot by 25 % between harnesses).
template <typename T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() = default;
  template <typename U>
  AlignedAllocator(const AlignedAllocator<U>&) {}  // NOLINT: rebinding
  T* allocate(size_t n) {
    return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(64)));
  }
  void deallocate(T* p, size_t) { ::operator delete(p, std::align_val_t(64)); }
  template <typename U>
  bool operator==(const AlignedAllocator<U>&) const { return true; }
  template <typename U>
  bool operator!=(const AlignedAllocator<U>&) const { return false; }
};

template <typename T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

// Floats uniform in [-1, 1]; integers in [-100, 100]; 64-byte aligned.
template <typename T>
AlignedVector<T> RandomVector(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  AlignedVector<T> v(n);
  for (auto& x : v) {
    if constexpr (std::is_floating_point_v<T>) {
      x = std::uniform_real_distribution<T>(-1, 1)(rng);
    } else {
      x = static_cast<T>(std::uniform_int_distribution<int>(-100, 100)(rng));
    }
  }
  return v;
}

}  // namespace amdahl_cases

#endif  // AMDAHL_AUTOTUNE_CASES_H_
