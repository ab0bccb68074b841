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
