// Timing helpers shared by the benchmark files (names as in DESIGN.md).
#ifndef AMDAHL_BENCH_BENCH_UTIL_H_
#define AMDAHL_BENCH_BENCH_UTIL_H_

#include <benchmark/benchmark.h>

#include <chrono>

namespace amdahl_bench {

// Wall-clock time of a benchmark loop, reported as the counter "ns" (per
// call). Google Benchmark's own inverted rate counters print as seconds.
class NsPerCall {
 public:
  NsPerCall() : start_(std::chrono::steady_clock::now()) {}
  void Report(benchmark::State& state) const {
    const double ns = std::chrono::duration<double, std::nano>(
                          std::chrono::steady_clock::now() - start_)
                          .count();
    state.counters["ns"] =
        ns / static_cast<double>(state.iterations() ? state.iterations() : 1);
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace amdahl_bench

#endif  // AMDAHL_BENCH_BENCH_UTIL_H_
