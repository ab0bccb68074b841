// peer:stream: McCalpin's STREAM triad (a[i] = b[i] + q * c[i]) with OpenMP
// on every core, built as its authors run it: -O3 -march=native, the same
// flags as amdahl's own kernels get for this CPU. peer:streamnt is the same
// loop with non-temporal (streaming) stores, as STREAM's tuned builds use:
// they skip the read-for-ownership of the output, as amdahl does out of
// cache, so each amdahl / STREAM ratio in the report names which one.
#include <benchmark/benchmark.h>
#include <omp.h>

#include "amdahl/pool.h"
#include "bench/bench_util.h"
#include "hwy/aligned_allocator.h"
#include "hwy/highway.h"

namespace {

namespace hn = hwy::HWY_NAMESPACE;

template <typename T, bool kNonTemporal>
void BM_StreamTriad(benchmark::State& state, size_t n) {
  const int threads = static_cast<int>(amdahl::NumThreads());
  auto a = hwy::AllocateAligned<T>(n), b = hwy::AllocateAligned<T>(n),
       c = hwy::AllocateAligned<T>(n);
  // First touch on the threads that will use the pages.
#pragma omp parallel for num_threads(threads) schedule(static)
  for (size_t i = 0; i < n; ++i) {
    a[i] = T(0);
    b[i] = T(1);
    c[i] = T(2);
  }
  const T q = T(3);
  T* HWY_RESTRICT ap = a.get();
  const T* HWY_RESTRICT bp = b.get();
  const T* HWY_RESTRICT cp = c.get();
  const amdahl_bench::WallTimer timer;
  for (auto _ : state) {
    if constexpr (kNonTemporal) {
      const hn::ScalableTag<T> d;
      const size_t N = hn::Lanes(d);
      const size_t vectors = n / N;
      const auto vq = hn::Set(d, q);
#pragma omp parallel for num_threads(threads) schedule(static)
      for (size_t v = 0; v < vectors; ++v) {
        const size_t i = v * N;
        hn::Stream(hn::MulAdd(vq, hn::Load(d, cp + i), hn::Load(d, bp + i)), d, ap + i);
      }
      for (size_t i = vectors * N; i < n; ++i) ap[i] = bp[i] + q * cp[i];
    } else {
#pragma omp parallel for num_threads(threads) schedule(static)
      for (size_t i = 0; i < n; ++i) ap[i] = bp[i] + q * cp[i];
    }
    benchmark::ClobberMemory();
  }
  timer.Rate(state, "GBps", 1e-9 * static_cast<double>(3 * sizeof(T) * n));
  state.SetLabel(std::to_string(threads) + " threads, -O3 -march=native" +
                 (kNonTemporal ? ", non-temporal stores" : ""));
}

const bool stream_registered = [] {
  for (size_t n : amdahl_bench::StreamSizes()) {
    for (const char* peer : {"peer:stream/", "peer:streamnt/"}) {
      const bool nt = std::string(peer) == "peer:streamnt/";
      benchmark::RegisterBenchmark(
          amdahl_bench::StreamName(peer, "triad", "f32", n).c_str(),
          nt ? BM_StreamTriad<float, true> : BM_StreamTriad<float, false>, n);
      benchmark::RegisterBenchmark(
          amdahl_bench::StreamName(peer, "triad", "f64", n).c_str(),
          nt ? BM_StreamTriad<double, true> : BM_StreamTriad<double, false>, n);
    }
  }
  return true;
}();

}  // namespace
