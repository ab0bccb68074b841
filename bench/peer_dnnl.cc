// peer:dnnl: oneDNN 2.6's int8 GEMM (Debian's libdnnl-dev, dnnl_gemm_s8s8s32:
// int8 operands, int32 sums) beside amdahl's exact integer GEMM, for
// small-range integers: the registry's integer operands lie in [-100, 100],
// which int8 holds. The operands are stored as int8 before timing (what a
// user holding such data would do), so the peer is timed at its best; its
// threads are OpenMP's. Each run checks two elements of C against a plain
// dot product: int8 kernels without VNNI may saturate their 16-bit pairs.
#include <benchmark/benchmark.h>
#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "amdahl/topology.h"
#include "bench/bench_util.h"

namespace {

template <typename T>
void BM_DnnlGemm(benchmark::State& state, size_t n, size_t threads) {
  const auto av = amdahl_bench::RandomVector<T>(n * n, 1);
  const auto bv = amdahl_bench::RandomVector<T>(n * n, 2);
  std::vector<int8_t> a(av.begin(), av.end()), b(bv.begin(), bv.end());
  std::vector<int32_t> c(n * n);
  const dnnl_dim_t ni = static_cast<dnnl_dim_t>(n);
  const int32_t c_offset = 0;
  omp_set_num_threads(static_cast<int>(threads));
  auto run = [&] {
    return dnnl_gemm_s8s8s32('N', 'N', 'F', ni, ni, ni, 1.0f, a.data(), ni, 0, b.data(), ni, 0,
                             0.0f, c.data(), ni, &c_offset);
  };
  if (run() != dnnl_success) {
    state.SkipWithError("dnnl_gemm_s8s8s32 failed");
    return;
  }
  for (const size_t i : {size_t{0}, n * n - 1}) {
    const size_t row = i / n, col = i % n;
    int64_t want = 0;
    for (size_t p = 0; p < n; ++p) want += int64_t{a[row * n + p]} * b[p * n + col];
    if (want != c[i]) {
      state.SkipWithError(("wrong result at " + std::to_string(i) + " (saturated?)").c_str());
      return;
    }
  }
  const amdahl_bench::WallTimer timer;
  for (auto _ : state) {
    run();
    benchmark::ClobberMemory();
  }
  timer.Rate(state, "GFLOPS", 2e-9 * static_cast<double>(n * n * n));
  state.SetLabel("s8s8s32");
  omp_set_num_threads(static_cast<int>(amdahl::GetTopology().usable_cores.value));
}

template <typename T>
void Register(const std::vector<size_t>& sizes) {
  const size_t all = amdahl::GetTopology().usable_cores.value;
  for (size_t n : sizes) {
    for (size_t threads : {size_t{1}, all}) {
      const std::string name = std::string("peer:dnnl/gemm/") + amdahl_bench::DTypeName<T>() +
                               "/" + std::to_string(n) + amdahl_bench::ThreadsSuffix(threads);
      benchmark::RegisterBenchmark(name.c_str(), BM_DnnlGemm<T>, n, threads)
          ->Unit(benchmark::kMicrosecond);
      if (all == 1) break;
    }
  }
}

const bool registered = [] {
  const dnnl_version_t* v = dnnl_version();
  benchmark::AddCustomContext(
      "peer:dnnl", "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                       std::to_string(v->patch) + " dnnl_gemm_s8s8s32 (operands in int8)");
  Register<int32_t>(amdahl_bench::GemmSizes());
  Register<int64_t>({1000});
  return true;
}();

}  // namespace
