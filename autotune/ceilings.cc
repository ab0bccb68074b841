// Phase 1: the machine's ceilings (FMA peaks, memory bandwidth, fork-join).
#include "autotune/tuner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "amdahl/amdahl.h"
#include "autotune/cases.h"
#include "autotune/overrides.h"
#include "autotune/search.h"

namespace amdahl_tune {

using amdahl::DType;
using amdahl::Kernel;
using amdahl_cases::MakeCase;

void Tuner::MeasureCeilings() {
  const double s = options_.effort == Effort::kPatient ? 0.5 : 0.25;
  wisdom_.peak_f32_gflops_core = amdahl::MeasureFmaPeakGflops(DType::kF32, 1, s);
  wisdom_.peak_f64_gflops_core = amdahl::MeasureFmaPeakGflops(DType::kF64, 1, s);
  // Memory: a triad far larger than the caches (768 MiB), on every thread.
  const size_t n = size_t{1} << 25;
  auto triad = MakeCase(Kernel::kTriad, DType::kF64, n);
  const double t = TimePerCall([&] { triad->Run(); }, 3, 0.05);
  wisdom_.memory_gbps = 24.0 * static_cast<double>(n) / t * 1e-9;
  wisdom_.forkjoin_ns = 1e9 * TimePerCall([&] {
    amdahl::ParallelFor(0, threads_, 1, [](size_t, size_t) {});
  });
  if (!Quiet()) {
    std::printf("  ceilings: FMA f32 %.1f GFLOPS/core, f64 %.1f GFLOPS/core; memory %.1f GB/s "
                "(triad, %zu threads); fork-join %.0f ns\n",
                wisdom_.peak_f32_gflops_core, wisdom_.peak_f64_gflops_core,
                wisdom_.memory_gbps, threads_, wisdom_.forkjoin_ns);
  }
}

}  // namespace amdahl_tune
