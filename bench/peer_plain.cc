// peer:plain: the loops a competent person would write, compiled -O3
// -march=native (auto-vectorized), single-threaded. The reductions carry
// `#pragma omp simd reduction` (-fopenmp-simd), which lets the compiler
// reassociate as -ffast-math would: a plain float sum is one serial chain.
#include <benchmark/benchmark.h>

#include <string>
#include <type_traits>

#include "bench/bench_util.h"

namespace {

template <typename T>
void BM_PlainStream(benchmark::State& state, std::string kernel, size_t n) {
  const auto x = amdahl_bench::RandomVector<T>(n, 1);
  const auto y0 = amdahl_bench::RandomVector<T>(n, 2);
  amdahl_bench::AlignedVector<T> y = y0, z(n);
  const T a = T(2);
  T sink = T(0);
  const double bytes =
      1e-9 * static_cast<double>(amdahl_bench::StreamBytes(kernel, sizeof(T)) * n);
  auto loop = [&](const auto& f) { amdahl_bench::TimedLoop(state, "GBps", bytes, f); };
  T* yp = y.data();
  T* zp = z.data();
  const T* xp = x.data();
  const T* y0p = y0.data();
  if (kernel == "scale") {
    loop([&] { for (size_t i = 0; i < n; ++i) yp[i] = a * xp[i]; });
  } else if (kernel == "scal") {  // in place, a = -1 as for BLAS (no overflow)
    loop([&] { for (size_t i = 0; i < n; ++i) yp[i] = -yp[i]; });
  } else if (kernel == "axpy") {
    loop([&] { for (size_t i = 0; i < n; ++i) yp[i] += a * xp[i]; });
  } else if (kernel == "add") {
    loop([&] { for (size_t i = 0; i < n; ++i) zp[i] = xp[i] + y0p[i]; });
  } else if (kernel == "triad") {
    loop([&] { for (size_t i = 0; i < n; ++i) zp[i] = xp[i] + a * y0p[i]; });
  } else if (kernel == "sum") {
    loop([&] {
      T s = T(0);
#pragma omp simd reduction(+ : s)
      for (size_t i = 0; i < n; ++i) s += xp[i];
      sink += s;
    });
  } else {
    loop([&] {
      T s = T(0);
#pragma omp simd reduction(+ : s)
      for (size_t i = 0; i < n; ++i) s += xp[i] * y0p[i];
      sink += s;
    });
  }
  benchmark::DoNotOptimize(sink);
  if (kernel == "sum" || kernel == "dot") state.SetLabel("omp simd reduction");
}

// C = A B, i-k-j order so that the inner loop vectorizes.
template <typename T>
void BM_PlainGemm(benchmark::State& state, size_t n) {
  const auto a = amdahl_bench::RandomVector<T>(n * n, 1);
  const auto b = amdahl_bench::RandomVector<T>(n * n, 2);
  amdahl_bench::AlignedVector<T> c(n * n);
  const amdahl_bench::WallTimer timer;
  for (auto _ : state) {
    std::fill(c.begin(), c.end(), T(0));
    for (size_t i = 0; i < n; ++i) {
      for (size_t p = 0; p < n; ++p) {
        const T aip = a[i * n + p];
        const T* brow = &b[p * n];
        T* crow = &c[i * n];
        for (size_t j = 0; j < n; ++j) crow[j] += aip * brow[j];
      }
    }
    benchmark::ClobberMemory();
  }
  timer.Rate(state, "GFLOPS", 2e-9 * static_cast<double>(n * n * n));
}

template <typename T>
void Register() {
  for (const char* kernel : {"scale", "scal", "axpy", "add", "triad", "sum", "dot"}) {
    // scal beside BLAS's, floats only (-INT_MIN would overflow).
    if (std::string(kernel) == "scal" && std::is_integral_v<T>) continue;
    for (size_t n : amdahl_bench::StreamSizes()) {
      benchmark::RegisterBenchmark(
          amdahl_bench::StreamName("peer:plain/", kernel, amdahl_bench::DTypeName<T>(), n)
              .c_str(),
          BM_PlainStream<T>, std::string(kernel), n);
    }
  }
  std::vector<size_t> sizes = {64, 128, 256, 512, 1024};
  if (std::is_same_v<T, int64_t>) sizes.push_back(1000);
  for (size_t n : sizes) {
    const std::string name = std::string("peer:plain/gemm/") +
                             amdahl_bench::DTypeName<T>() + "/" + std::to_string(n) +
                             "/threads:1";
    benchmark::RegisterBenchmark(name.c_str(), BM_PlainGemm<T>, n)
        ->Unit(benchmark::kMicrosecond);
  }
}

const bool registered = [] {
  Register<float>();
  Register<double>();
  Register<int32_t>();
  Register<int64_t>();
  return true;
}();

}  // namespace
