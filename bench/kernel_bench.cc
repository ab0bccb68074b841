// <kernel>/<dtype>/<size>: every amdahl kernel of the case registry
// (autotune/cases.h, shared with amdahl-tune) at its own thread choice;
// GEMM and GEMV also at one thread and at all ("/threads:<t>"). Counters as
// the registry says: GBps (streaming kernels, GEMV) or GFLOPS (GEMM), and
// threads_used: the most threads the library used (what it chose).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <type_traits>

#include "amdahl/amdahl.h"
#include "autotune/cases.h"
#include "bench/bench_util.h"
#include "lib/hooks.h"

namespace {

using amdahl_cases::CaseKind;

// TimedLoop, with the counter threads_used.
template <class F>
void TimedKernel(benchmark::State& state, const char* unit, double per_call, const F& f) {
  amdahl::detail::TakeMostThreadsUsed();
  amdahl_bench::TimedLoop(state, unit, per_call, f);
  state.counters["threads_used"] = static_cast<double>(amdahl::detail::TakeMostThreadsUsed());
}

void BM_Kernel(benchmark::State& state, const CaseKind* kind, amdahl::DType dtype,
               size_t size, size_t threads) {
  const std::unique_ptr<amdahl_cases::Case> c = kind->make(dtype, size);
  amdahl::SetNumThreads(threads);
  TimedKernel(state, kind->unit, 1e-9 * kind->work(dtype, size), [&] { c->Run(); });
  amdahl::SetNumThreads(0);
}

// C (m x n) = A op(B), row-major, at amdahl's own thread choice: op(B) = B^T
// (B stored transposed) for gemmnt/<dtype>/<n>, B for
// gemmrect/<dtype>/<m>x<n>x<k>.
template <typename T>
void BM_GemmShape(benchmark::State& state, amdahl_bench::GemmShape s, bool trans_b) {
  const auto a = amdahl_bench::RandomVector<T>(s.m * s.k, 1);
  const auto b = amdahl_bench::RandomVector<T>(s.k * s.n, 2);
  amdahl_bench::AlignedVector<T> c(s.m * s.n);
  TimedKernel(state, "GFLOPS", 2e-9 * static_cast<double>(s.m * s.n * s.k), [&] {
    amdahl::Gemm(amdahl::Trans::kNo, trans_b ? amdahl::Trans::kYes : amdahl::Trans::kNo, s.m,
                 s.n, s.k, T(1), a.data(), s.k, b.data(), trans_b ? s.k : s.n, T(0), c.data(),
                 s.n);
  });
}

// C = A B through a GemmPlan made once (gemmplan/<dtype>/<n>, n x n x n,
// row-major, at the plan's own thread choice): the small products called in
// a loop, as libxsmm's dispatched kernels are.
template <typename T>
void BM_GemmPlan(benchmark::State& state, size_t n) {
  const auto a = amdahl_bench::RandomVector<T>(n * n, 1);
  const auto b = amdahl_bench::RandomVector<T>(n * n, 2);
  amdahl_bench::AlignedVector<T> c(n * n);
  const amdahl::GemmPlan<T> plan(amdahl::Trans::kNo, amdahl::Trans::kNo, n, n, n, n, n, n);
  TimedKernel(state, "GFLOPS", 2e-9 * static_cast<double>(n * n * n),
              [&] { plan(T(1), a.data(), b.data(), T(0), c.data()); });
}

// y = A^T x, A n x n row-major, at amdahl's own thread choice
// (gemvt/<dtype>/<n>): column sums, the other half of GEMV (and what a
// column-major A x is). Counted as gemv: A, x and y once each.
template <typename T>
void BM_GemvTransposed(benchmark::State& state, size_t n) {
  const auto a = amdahl_bench::RandomVector<T>(n * n, 1);
  const auto x = amdahl_bench::RandomVector<T>(n, 2);
  amdahl_bench::AlignedVector<T> y(n);
  TimedKernel(state, "GBps", 1e-9 * static_cast<double>((n * n + 2 * n) * sizeof(T)), [&] {
    amdahl::Gemv(amdahl::Trans::kYes, n, n, T(1), a.data(), n, x.data(), T(0), y.data());
  });
}

// y = -y, Scale in place at amdahl's own thread choice (scal/<dtype>/<n>):
// BLAS's scal does this, so it is what the BLAS peers are compared with.
template <typename T>
void BM_ScaleInPlace(benchmark::State& state, size_t n) {
  amdahl_bench::AlignedVector<T> y = amdahl_bench::RandomVector<T>(n, 2);
  TimedKernel(state, "GBps",
              1e-9 * static_cast<double>(amdahl_bench::StreamBytes("scal", sizeof(T)) * n),
              [&] { amdahl::Scale(n, T(-1), y.data(), y.data()); });
}

template <typename T>
void RegisterScaleInPlace() {
  for (size_t n : amdahl_bench::StreamSizes()) {
    benchmark::RegisterBenchmark(
        amdahl_bench::StreamName("", "scal", amdahl_bench::DTypeName<T>(), n).c_str(),
        BM_ScaleInPlace<T>, n);
  }
}

template <typename T>
void RegisterGemvTransposed() {
  for (size_t n : amdahl_bench::GemvSizes()) {
    const std::string name = std::string("gemvt/") + amdahl_bench::DTypeName<T>() + "/" +
                             std::to_string(n);
    benchmark::RegisterBenchmark(name.c_str(), BM_GemvTransposed<T>, n);
  }
}

template <typename T>
void RegisterGemmPlan() {
  for (size_t n : amdahl_bench::GemmSizes()) {
    if (n > amdahl_bench::kSmallGemmMax) continue;
    const std::string name = std::string("gemmplan/") + amdahl_bench::DTypeName<T>() + "/" +
                             std::to_string(n);
    benchmark::RegisterBenchmark(name.c_str(), BM_GemmPlan<T>, n)->Unit(benchmark::kMicrosecond);
  }
}

template <typename T>
void RegisterGemmRect() {
  for (const amdahl_bench::GemmShape& s : amdahl_bench::GemmRectShapes()) {
    const std::string name = std::string("gemmrect/") + amdahl_bench::DTypeName<T>() + "/" +
                             amdahl_bench::GemmRectName(s);
    benchmark::RegisterBenchmark(name.c_str(), BM_GemmShape<T>, s, false)
        ->Unit(benchmark::kMicrosecond);
  }
}

template <typename T>
void RegisterGemmTransposedB() {
  for (size_t n : amdahl_bench::GemmTransposedSizes()) {
    const std::string name = std::string("gemmnt/") + amdahl_bench::DTypeName<T>() + "/" +
                             std::to_string(n);
    benchmark::RegisterBenchmark(name.c_str(), BM_GemmShape<T>, amdahl_bench::GemmShape{n, n, n},
                                 true)
        ->Unit(benchmark::kMicrosecond);
  }
}

const bool registered = [] {
  RegisterGemmTransposedB<float>();
  RegisterGemmTransposedB<double>();
  RegisterGemmRect<float>();
  RegisterGemmRect<double>();
  RegisterGemmPlan<float>();
  RegisterGemmPlan<double>();
  RegisterGemvTransposed<float>();
  RegisterGemvTransposed<double>();
  RegisterScaleInPlace<float>();
  RegisterScaleInPlace<double>();
  const size_t all = amdahl::GetTopology().usable_cores.value;
  for (const CaseKind& kind : amdahl_cases::Kinds()) {
    for (amdahl::DType dtype : amdahl_cases::AllDTypes()) {
      std::vector<size_t> sizes = kind.bench_sizes;
      // The notebook's parallel_dot: int64 1000 x 1000.
      if (kind.kernel == amdahl::Kernel::kGemm && dtype == amdahl::DType::kI64) {
        sizes.push_back(1000);
      }
      for (size_t size : sizes) {
        for (size_t threads : {size_t{0}, size_t{1}, all}) {
          if (threads != 0 && (!kind.bench_thread_variants || (threads == all && all == 1))) {
            continue;
          }
          const std::string name = std::string(amdahl::KernelName(kind.kernel)) + "/" +
                                   amdahl::DTypeName(dtype) + "/" + std::to_string(size) +
                                   amdahl_bench::ThreadsSuffix(threads);
          auto* b = benchmark::RegisterBenchmark(name.c_str(), BM_Kernel, &kind, dtype, size,
                                                 threads);
          if (kind.kernel == amdahl::Kernel::kGemm) b->Unit(benchmark::kMicrosecond);
        }
      }
    }
  }
  return true;
}();

}  // namespace
