// pool/forkjoin: the cost of one empty fork-join over every thread.
#include <benchmark/benchmark.h>

#include "amdahl/pool.h"
#include "bench/bench_util.h"

namespace {

void BM_PoolForkJoin(benchmark::State& state) {
  const size_t threads = amdahl::NumThreads();
  const amdahl_bench::WallTimer timer;
  for (auto _ : state) {
    amdahl::ParallelFor(0, threads, 1, [](size_t b, size_t) {
      benchmark::DoNotOptimize(b);
    });
  }
  timer.NsPerCall(state);
  state.SetLabel(std::to_string(threads) + " threads");
}
BENCHMARK(BM_PoolForkJoin)->Name("pool/forkjoin");

}  // namespace
