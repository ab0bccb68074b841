// peer:omp: OpenMP's fork-join on the same thread count as amdahl's pool.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <vector>

#include "amdahl/pool.h"
#include "bench/bench_util.h"

namespace {

void BM_OmpForkJoin(benchmark::State& state) {
  const int threads = static_cast<int>(amdahl::NumThreads());
  const amdahl_bench::WallTimer timer;
  for (auto _ : state) {
#pragma omp parallel num_threads(threads)
    { benchmark::DoNotOptimize(omp_get_thread_num()); }
  }
  timer.NsPerCall(state);
  state.SetLabel(std::to_string(threads) + " threads");
}
BENCHMARK(BM_OmpForkJoin)->Name("peer:omp/pool/forkjoin");

}  // namespace

namespace {

// peer:stream: McCalpin's STREAM triad (a[i] = b[i] + q * c[i]) with OpenMP
// on every core: the machine's memory bandwidth as the usual benchmark sees it.
template <typename T>
void BM_StreamTriad(benchmark::State& state, size_t n) {
  const int threads = static_cast<int>(amdahl::NumThreads());
  std::vector<T> a(n), b(n), c(n);
  // First touch on the threads that will use the pages.
#pragma omp parallel for num_threads(threads) schedule(static)
  for (size_t i = 0; i < n; ++i) {
    a[i] = T(0);
    b[i] = T(1);
    c[i] = T(2);
  }
  const T q = T(3);
  const amdahl_bench::WallTimer timer;
  for (auto _ : state) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t i = 0; i < n; ++i) a[i] = b[i] + q * c[i];
    benchmark::ClobberMemory();
  }
  timer.Rate(state, "GBps", 1e-9 * static_cast<double>(3 * sizeof(T) * n));
  state.SetLabel(std::to_string(threads) + " threads");
}

const bool stream_registered = [] {
  for (size_t n : amdahl_bench::StreamSizes()) {
    benchmark::RegisterBenchmark(
        amdahl_bench::StreamName("peer:stream/", "triad", "f32", n).c_str(),
        BM_StreamTriad<float>, n);
    benchmark::RegisterBenchmark(
        amdahl_bench::StreamName("peer:stream/", "triad", "f64", n).c_str(),
        BM_StreamTriad<double>, n);
  }
  return true;
}();

}  // namespace
