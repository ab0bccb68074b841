// gemm/<dtype>/<n>: amdahl's GEMM, C = A B on n x n row-major matrices, at
// its own thread choice and at 1 and all threads.
#include <benchmark/benchmark.h>

#include "amdahl/amdahl.h"
#include "bench/bench_util.h"

namespace {

template <typename T>
void BM_Gemm(benchmark::State& state, size_t n, size_t threads) {
  const auto a = amdahl_bench::RandomVector<T>(n * n, 1);
  const auto b = amdahl_bench::RandomVector<T>(n * n, 2);
  std::vector<T> c(n * n);
  amdahl::SetNumThreads(threads);
  amdahl_bench::WallTimer timer;
  for (auto _ : state) {
    amdahl::Gemm(amdahl::Trans::kNo, amdahl::Trans::kNo, n, n, n, T(1), a.data(),
                 n, b.data(), n, T(0), c.data(), n);
    benchmark::ClobberMemory();
  }
  timer.Rate(state, "GFLOPS", 2e-9 * static_cast<double>(n * n * n));
  amdahl::SetNumThreads(0);
}

template <typename T>
void RegisterGemm() {
  std::vector<size_t> sizes = amdahl_bench::GemmSizes();
  if (std::is_same_v<T, int64_t>) sizes.push_back(1000);  // the notebook's case
  const size_t all = amdahl::GetTopology().usable_cores.value;
  for (size_t n : sizes) {
    for (size_t threads : {size_t{0}, size_t{1}, all}) {
      if (threads == all && all == 1) continue;
      const std::string name = std::string("gemm/") + amdahl_bench::DTypeName<T>() +
                               "/" + std::to_string(n) +
                               amdahl_bench::ThreadsSuffix(threads);
      benchmark::RegisterBenchmark(name.c_str(), BM_Gemm<T>, n, threads)
          ->Unit(benchmark::kMicrosecond);
    }
  }
}

const bool registered = [] {
  RegisterGemm<float>();
  RegisterGemm<double>();
  RegisterGemm<int32_t>();
  RegisterGemm<int64_t>();
  return true;
}();

}  // namespace
