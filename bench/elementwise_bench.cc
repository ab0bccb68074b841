// scale|axpy|add|triad|sum|dot/<dtype>/<n>: amdahl's streaming kernels,
// counter GBps (bytes read + written per second).
#include <benchmark/benchmark.h>

#include "amdahl/amdahl.h"
#include "bench/bench_util.h"

namespace {

template <typename T>
void BM_Stream(benchmark::State& state, std::string kernel, size_t n) {
  const auto x = amdahl_bench::RandomVector<T>(n, 1);
  const auto y0 = amdahl_bench::RandomVector<T>(n, 2);
  std::vector<T> y = y0, z(n);
  const T a = T(2);
  T sink = T(0);
  const double bytes =
      1e-9 * static_cast<double>(amdahl_bench::StreamBytes(kernel, sizeof(T)) * n);
  auto loop = [&](const auto& f) { amdahl_bench::TimedLoop(state, "GBps", bytes, f); };
  if (kernel == "scale") {
    loop([&] { amdahl::Scale(n, a, x.data(), y.data()); });
  } else if (kernel == "axpy") {
    loop([&] { amdahl::Axpy(n, a, x.data(), y.data()); });
  } else if (kernel == "add") {
    loop([&] { amdahl::Add(n, x.data(), y0.data(), z.data()); });
  } else if (kernel == "triad") {
    loop([&] { amdahl::Triad(n, x.data(), a, y0.data(), z.data()); });
  } else if (kernel == "sum") {
    loop([&] { sink += amdahl::Sum(n, x.data()); });
  } else {
    loop([&] { sink += amdahl::Dot(n, x.data(), y0.data()); });
  }
  benchmark::DoNotOptimize(sink);
}

template <typename T>
void Register() {
  for (const char* kernel : {"scale", "axpy", "add", "triad", "sum", "dot"}) {
    for (size_t n : amdahl_bench::StreamSizes()) {
      benchmark::RegisterBenchmark(
          amdahl_bench::StreamName("", kernel, amdahl_bench::DTypeName<T>(), n).c_str(),
          BM_Stream<T>, std::string(kernel), n);
    }
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
