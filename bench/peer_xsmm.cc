// peer:xsmm: libxsmm 1.17's JIT-generated kernels for small GEMM (Debian's
// libxsmm-dev, static), one thread, at n <= 128 where they are made for.
// libxsmm is column-major: the row-major C = A B is the column-major
// C^T = B^T A^T, the same buffers with A and B swapped.
#include <benchmark/benchmark.h>
#include <libxsmm.h>

#include <string>
#include <type_traits>

#include "bench/bench_util.h"

namespace {

template <typename T>
void BM_XsmmGemm(benchmark::State& state, size_t n) {
  const auto a = amdahl_bench::RandomVector<T>(n * n, 1);
  const auto b = amdahl_bench::RandomVector<T>(n * n, 2);
  amdahl_bench::AlignedVector<T> c(n * n);
  const libxsmm_blasint ni = static_cast<libxsmm_blasint>(n);
  const T alpha = 1, beta = 0;
  const int flags = LIBXSMM_GEMM_FLAG_NONE, prefetch = LIBXSMM_PREFETCH_AUTO;
  auto kernel = [&] {
    if constexpr (std::is_same_v<T, float>) {
      return libxsmm_smmdispatch(ni, ni, ni, nullptr, nullptr, nullptr, &alpha, &beta, &flags,
                                 &prefetch);
    } else {
      return libxsmm_dmmdispatch(ni, ni, ni, nullptr, nullptr, nullptr, &alpha, &beta, &flags,
                                 &prefetch);
    }
  }();
  if (kernel == nullptr) {
    state.SkipWithError("libxsmm generated no kernel for this size");
    return;
  }
  const amdahl_bench::WallTimer timer;
  for (auto _ : state) {
    // The prefetch arguments point at the same operands (one product).
    kernel(b.data(), a.data(), c.data(), b.data(), a.data(), c.data());
    benchmark::ClobberMemory();
  }
  timer.Rate(state, "GFLOPS", 2e-9 * static_cast<double>(n * n * n));
  state.SetLabel("JIT");
}

template <typename T>
void Register() {
  for (size_t n : amdahl_bench::GemmSizes()) {
    if (n > amdahl_bench::kSmallGemmMax) continue;
    const std::string name = "peer:xsmm/gemm/" + std::string(amdahl_bench::DTypeName<T>()) +
                             "/" + std::to_string(n) + amdahl_bench::ThreadsSuffix(1);
    benchmark::RegisterBenchmark(name.c_str(), BM_XsmmGemm<T>, n)
        ->Unit(benchmark::kMicrosecond);
  }
}

const bool registered = [] {
  libxsmm_init();
  benchmark::AddCustomContext("peer:xsmm", std::string("libxsmm ") + LIBXSMM_VERSION +
                                               " JIT (one thread, n <= 128)");
  Register<float>();
  Register<double>();
  return true;
}();

}  // namespace
