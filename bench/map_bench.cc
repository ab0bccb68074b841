// map/<dtype>/<n>: the notebook's f(k) = 2k written as a user would with
// ParallelMap and a Highway lambda, compiled -march=native (static dispatch).
#include <benchmark/benchmark.h>

#include "amdahl/parallel_map-inl.h"
#include "bench/bench_util.h"
#include "hwy/highway.h"

namespace {

namespace hn = hwy::HWY_NAMESPACE;

template <typename T>
void BM_MapDouble(benchmark::State& state, size_t n) {
  const auto x = amdahl_bench::RandomVector<T>(n, 1);
  amdahl_bench::AlignedVector<T> y(n);
  amdahl_bench::TimedLoop(state, "GBps", 1e-9 * static_cast<double>(2 * sizeof(T) * n), [&] {
    amdahl::HWY_NAMESPACE::ParallelMap(n, x.data(), y.data(),
                                       [](auto, auto v) { return hn::Add(v, v); });
  });
  state.SetLabel(hwy::TargetName(HWY_TARGET));
}

const bool registered = [] {
  for (size_t n : amdahl_bench::StreamSizes()) {
    benchmark::RegisterBenchmark(
        amdahl_bench::StreamName("", "map", "i64", n).c_str(), BM_MapDouble<int64_t>, n);
    benchmark::RegisterBenchmark(
        amdahl_bench::StreamName("", "map", "f32", n).c_str(), BM_MapDouble<float>, n);
  }
  return true;
}();

}  // namespace
