// Phase 5 (--report): speedup against threads under the saved wisdom, with
// Amdahl's fit and the roofline.
#include "autotune/tuner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <functional>
#include <vector>

#include "amdahl/amdahl.h"
#include "autotune/cases.h"
#include "autotune/overrides.h"
#include "autotune/search.h"

namespace amdahl_tune {

using amdahl::DType;
using amdahl::Kernel;
using amdahl_cases::MakeCase;

void Tuner::MeasureCurves() {
  struct Probe {
    std::string name;
    std::function<void()> run;
    double per_call;  // flops or bytes
    const char* unit;
    bool memory;
  };
  std::vector<Probe> probes;
  std::shared_ptr<amdahl_cases::Case> g32(MakeCase(Kernel::kGemm, DType::kF32, 512));
  std::shared_ptr<amdahl_cases::Case> g64(MakeCase(Kernel::kGemm, DType::kF64, 512));
  const size_t big = size_t{1} << 24;
  std::shared_ptr<amdahl_cases::Case> scale(MakeCase(Kernel::kScale, DType::kF32, big));
  std::shared_ptr<amdahl_cases::Case> dot(MakeCase(Kernel::kDot, DType::kF64, big));
  std::shared_ptr<amdahl_cases::Case> l2(MakeCase(Kernel::kTriad, DType::kF32, 1 << 16));
  probes.push_back({"gemm/f32/512", [g32] { g32->Run(); }, 2.0 * 512 * 512 * 512, "GFLOPS", false});
  probes.push_back({"gemm/f64/512", [g64] { g64->Run(); }, 2.0 * 512 * 512 * 512, "GFLOPS", false});
  probes.push_back({"scale/f32/16M", [scale] { scale->Run(); }, 8.0 * big, "GB/s", true});
  probes.push_back({"dot/f64/16M", [dot] { dot->Run(); }, 16.0 * big, "GB/s", true});
  // In L2: bound by neither memory nor serial code, a contrast to the above.
  probes.push_back({"triad/f32/64K", [l2] { l2->Run(); }, 12.0 * 65536, "GB/s", false});
  for (const Probe& p : probes) {
    if (SecondsLeft() + options_.reserve_s < 0.5) break;
    Curve c;
    c.name = p.name;
    c.unit = p.unit;
    std::vector<double> seconds;
    for (size_t t = 1; t <= threads_; ++t) {
      amdahl::SetNumThreads(t);
      seconds.push_back(TimePerCall(p.run, 3, 5e-3));
    }
    amdahl::SetNumThreads(0);
    for (double s : seconds) c.speedup.push_back(seconds[0] / s);
    c.fit = FitAmdahl(c.speedup);
    c.rate_all = p.per_call / seconds.back() * 1e-9;
    c.bandwidth_bound = p.memory && wisdom_.memory_gbps > 0 && c.rate_all >= 0.8 * wisdom_.memory_gbps;
    if (p.memory && wisdom_.memory_gbps > 0) {
      const double one_thread = p.per_call / seconds.front() * 1e-9;
      c.roofline_speedup = wisdom_.memory_gbps / one_thread;
    }
    curves_.push_back(c);
  }
}

}  // namespace amdahl_tune
