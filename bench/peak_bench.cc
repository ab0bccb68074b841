// peak/fma/<dtype>/threads:<t>: the FMA peak of this machine, the 100% that
// every "% of peak" refers to.
#include <benchmark/benchmark.h>

#include "amdahl/amdahl.h"
#include "bench/bench_util.h"

namespace {

void BM_FmaPeak(benchmark::State& state, amdahl::DType dtype, size_t threads) {
  double gflops = 0;
  for (auto _ : state) {
    gflops = amdahl::MeasureFmaPeakGflops(dtype, threads, 0.2);
  }
  state.counters["GFLOPS"] = gflops;
  state.SetLabel(amdahl::ActiveTarget());
}

const bool registered = [] {
  const size_t all = amdahl::GetTopology().usable_cores.value;
  for (amdahl::DType dtype : {amdahl::DType::kF32, amdahl::DType::kF64}) {
    for (size_t threads : {size_t{1}, all}) {
      const std::string name = std::string("peak/fma/") + amdahl::DTypeName(dtype) +
                               amdahl_bench::ThreadsSuffix(threads);
      benchmark::RegisterBenchmark(name.c_str(), BM_FmaPeak, dtype, threads);
      if (all == 1) break;
    }
  }
  return true;
}();

}  // namespace
