// Helpers shared by the benchmark files: wall-clock counters and inputs.
// Names follow DESIGN.md: "<kernel>/<dtype>/<size>[/threads:<t>]" for amdahl,
// "peer:<name>/<kernel>/<dtype>/<size>[/threads:<t>]" for peers.
#ifndef AMDAHL_BENCH_BENCH_UTIL_H_
#define AMDAHL_BENCH_BENCH_UTIL_H_

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "amdahl/dtype.h"
#include "autotune/cases.h"

namespace amdahl_bench {

// Measures the wall-clock time of a benchmark loop (the pool's workers and a
// peer's threads run beside the caller, so CPU time of the caller is not the
// right clock) and reports rates from it.
class WallTimer {
 public:
  WallTimer() : start_(std::chrono::steady_clock::now()) {}
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
        .count();
  }
  // Sets `name` = per_call * iterations / seconds (e.g. GFLOPS, GBps).
  void Rate(benchmark::State& state, const char* name, double per_call) const {
    const double s = Seconds();
    state.counters[name] =
        s > 0 ? per_call * static_cast<double>(state.iterations()) / s : 0;
  }
  // Sets "ns" = nanoseconds per call.
  void NsPerCall(benchmark::State& state) const {
    const double iters = static_cast<double>(state.iterations() ? state.iterations() : 1);
    state.counters["ns"] = Seconds() * 1e9 / iters;
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// Runs f() in the benchmark loop and reports `name` = per_call * calls / s.
template <class F>
void TimedLoop(benchmark::State& state, const char* name, double per_call, const F& f) {
  const WallTimer timer;
  for (auto _ : state) {
    f();
    benchmark::ClobberMemory();
  }
  timer.Rate(state, name, per_call);
}

using amdahl_cases::AlignedVector;  // 64-byte aligned, as the cases
using amdahl_cases::RandomVector;   // the inputs the registry's cases use

// "f32", ...: the dtype list's names.
template <typename T>
constexpr const char* DTypeName() {
  return amdahl::DTypeTraits<T>::kName;
}

inline std::string ThreadsSuffix(size_t threads) {
  return threads == 0 ? "" : "/threads:" + std::to_string(threads);
}

// C = A B^T (B stored transposed, "gemmnt/<dtype>/<n>"): the layout whose
// packing is a transpose, for amdahl and the BLAS peers.
inline std::vector<size_t> GemmTransposedSizes() { return {256, 1024}; }

// C (m x n) = A (m x k) B (k x n), row-major, not square
// ("gemmrect/<dtype>/<m>x<n>x<k>"), for amdahl and the BLAS peers: one column
// or one row of C (a matrix-vector product in GEMM's clothes, as a 2-D
// vector in numpy gets), and a few columns or rows (a small batch through a
// large layer).
struct GemmShape {
  size_t m, n, k;
};
inline std::vector<GemmShape> GemmRectShapes() {
  return {{4096, 1, 4096}, {1, 4096, 4096}, {4096, 16, 4096}, {16, 4096, 4096}};
}
inline std::string GemmRectName(const GemmShape& s) {
  return std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k);
}

// The sizes of the case registry, for the peers: streaming kernels
// (elements), GEMV and GEMM (the side n of square matrices).
inline std::vector<size_t> StreamSizes() {
  return amdahl_cases::KindOf(amdahl::Kernel::kScale).bench_sizes;
}
inline std::vector<size_t> GemvSizes() {
  return amdahl_cases::KindOf(amdahl::Kernel::kGemv).bench_sizes;
}
inline std::vector<size_t> GemmSizes() {
  return amdahl_cases::KindOf(amdahl::Kernel::kGemm).bench_sizes;
}
// The small products: libxsmm's sizes, and amdahl's GemmPlan beside them.
constexpr size_t kSmallGemmMax = 128;

// Bytes read plus written per element (Axpy reads y too), as amdahl counts.
// "scal" is Scale in place (y = a y), BLAS's scal: the same two arrays' worth.
inline size_t StreamBytes(const std::string& kernel, size_t elem) {
  if (kernel == "scale" || kernel == "scal" || kernel == "dot") return 2 * elem;
  if (kernel == "sum") return elem;
  return 3 * elem;
}

inline std::string StreamName(const std::string& prefix, const std::string& kernel,
                              const char* dtype, size_t n) {
  return prefix + kernel + "/" + dtype + "/" + std::to_string(n);
}

}  // namespace amdahl_bench

#endif  // AMDAHL_BENCH_BENCH_UTIL_H_
