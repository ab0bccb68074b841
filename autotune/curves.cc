// Phase 5 (--report): speedup against threads under the saved wisdom, with
// Amdahl's fit and the roofline. MeasureCurve is also the C API's (and
// Python's) amdahl_speedup.
#include "autotune/tuner.h"

#include <algorithm>
#include <memory>
#include <string>
#include <functional>
#include <vector>

#include "amdahl/amdahl.h"
#include "autotune/cases.h"

namespace amdahl_tune {

using amdahl::DType;
using amdahl::Kernel;
using amdahl_cases::MakeCase;

Curve MeasureCurve(const std::string& name, const std::function<void()>& run,
                   const amdahl_cases::Work& work,
                   size_t max_threads, const Ceilings& ceilings, double min_batch_s) {
  Curve c;
  c.name = name;
  c.unit = work.rate_in_bytes ? "GB/s" : "GFLOPS";
  const double per_call = work.rate_in_bytes ? work.bytes : work.flops;
  std::vector<double> seconds;
  const size_t before = amdahl::NumThreads();
  try {
    for (size_t t = 1; t <= std::max<size_t>(max_threads, 1); ++t) {
      amdahl::SetNumThreads(t);
      seconds.push_back(TimePerCall(run, 3, min_batch_s));
    }
  } catch (...) {
    amdahl::SetNumThreads(before);
    throw;
  }
  amdahl::SetNumThreads(before);
  for (double s : seconds) {
    c.speedup.push_back(seconds[0] / s);
    c.rate.push_back(per_call / s * 1e-9);
  }
  c.fit = FitAmdahl(c.speedup);
  c.rate_all = c.rate.back();
  if (work.rate_in_bytes) {
    c.roof_memory = ceilings.memory_gbps;
    c.bandwidth_bound = c.roof_memory > 0 && c.rate_all >= 0.8 * c.roof_memory;
  } else {
    c.roof_core = ceilings.peak_gflops_core;
    if (work.bytes > 0) c.roof_memory = work.flops / work.bytes * ceilings.memory_gbps;
  }
  const double p = static_cast<double>(seconds.size());
  c.roofline_speedup = c.RooflineSpeedup(p);
  c.roofline_rate = c.roofline_speedup * c.rate.front();
  return c;
}

double Curve::RooflineSpeedup(double p) const {
  double roof = roof_core > 0 ? p * roof_core : 0;
  if (roof_memory > 0) roof = roof > 0 ? std::min(roof, roof_memory) : roof_memory;
  return roof > 0 && !rate.empty() && rate.front() > 0 ? roof / rate.front() : 0;
}

void Tuner::MeasureCurves() {
  struct Probe {
    Kernel kernel;
    DType dtype;
    size_t size;
    const char* name;
  };
  // The last is in L2: bound by neither memory nor serial code, a contrast
  // to the others.
  const size_t big = size_t{1} << 24;
  const Probe probes[] = {{Kernel::kGemm, DType::kF32, 512, "gemm/f32/512"},
                          {Kernel::kGemm, DType::kF64, 512, "gemm/f64/512"},
                          {Kernel::kScale, DType::kF32, big, "scale/f32/16M"},
                          {Kernel::kDot, DType::kF64, big, "dot/f64/16M"},
                          {Kernel::kTriad, DType::kF32, 1 << 16, "triad/f32/64K"}};
  for (const Probe& p : probes) {
    if (SecondsLeft() + options_.reserve_s < 0.5) break;
    const std::unique_ptr<amdahl_cases::Case> run = MakeCase(p.kernel, p.dtype, p.size);
    const Ceilings ceilings{PeakPerCore(wisdom_, p.dtype), wisdom_.memory_gbps};
    curves_.push_back(MeasureCurve(p.name, [&] { run->Run(); },
                                   amdahl_cases::WorkOf(p.kernel, p.dtype, p.size), threads_,
                                   ceilings));
  }
}

}  // namespace amdahl_tune
