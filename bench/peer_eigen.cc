// peer:eigen: Eigen 3.4's matrix product (its own blocked GEBP kernels),
// compiled -O3 -march=native with OpenMP for its threads.
#include <benchmark/benchmark.h>

#include <Eigen/Core>

#include "amdahl/topology.h"
#include "bench/bench_util.h"

namespace {

template <typename T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <typename T>
void BM_EigenGemm(benchmark::State& state, size_t n, size_t threads) {
  const auto av = amdahl_bench::RandomVector<T>(n * n, 1);
  const auto bv = amdahl_bench::RandomVector<T>(n * n, 2);
  const Eigen::Index ni = static_cast<Eigen::Index>(n);
  const Eigen::Map<const RowMatrix<T>> a(av.data(), ni, ni);
  const Eigen::Map<const RowMatrix<T>> b(bv.data(), ni, ni);
  RowMatrix<T> c(ni, ni);
  Eigen::setNbThreads(static_cast<int>(threads));
  const amdahl_bench::WallTimer timer;
  for (auto _ : state) {
    c.noalias() = a * b;
    benchmark::ClobberMemory();
  }
  timer.Rate(state, "GFLOPS", 2e-9 * static_cast<double>(n * n * n));
  Eigen::setNbThreads(0);
}

template <typename T>
void Register() {
  std::vector<size_t> sizes = amdahl_bench::GemmSizes();
  if (std::is_same_v<T, int64_t>) sizes.push_back(1000);
  const size_t all = amdahl::GetTopology().usable_cores.value;
  for (size_t n : sizes) {
    for (size_t threads : {size_t{1}, all}) {
      const std::string name = std::string("peer:eigen/gemm/") +
                               amdahl_bench::DTypeName<T>() + "/" + std::to_string(n) +
                               amdahl_bench::ThreadsSuffix(threads);
      benchmark::RegisterBenchmark(name.c_str(), BM_EigenGemm<T>, n, threads)
          ->Unit(benchmark::kMicrosecond);
      if (all == 1) break;
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
