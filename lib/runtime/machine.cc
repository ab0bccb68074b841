// Machine ceilings, measured.
#include "amdahl/machine.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "amdahl/error.h"
#include "amdahl/pool.h"
#include "amdahl/topology.h"
#include "hwy/targets.h"
#include "lib/runtime/log.h"
#include "lib/ops/peak.h"
#include "lib/runtime/target.h"

namespace amdahl {

int64_t TargetByName(const std::string& name, std::string* known) {
  auto upper = [](std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return s;
  };
  if (known) known->clear();
  for (const int64_t target : hwy::SupportedAndGeneratedTargets()) {
    if (upper(hwy::TargetName(target)) == upper(name)) return target;
    if (known) *known += (known->empty() ? "" : ", ") + std::string(hwy::TargetName(target));
  }
  return 0;
}

void ApplyTargetFromEnv() {
  static const bool applied = [] {
    const char* name = std::getenv("AMDAHL_TARGET");
    if (name == nullptr || name[0] == '\0') return false;
    std::string known;
    const int64_t target = TargetByName(name, &known);
    if (target == 0) {
      WarnOnce(std::string("AMDAHL_TARGET=") + name + " is not a target of this CPU and build (" +
               known + "); using the best of them");
      return false;
    }
    hwy::SetSupportedTargetsForTest(target);
    return true;
  }();
  (void)applied;
}

std::string ActiveTarget() {
  ApplyTargetFromEnv();
  // The best target this CPU supports among those compiled in (listed best
  // first) is the one HWY_DYNAMIC_DISPATCH picks.
  const std::vector<int64_t> targets = hwy::SupportedAndGeneratedTargets();
  return targets.empty() ? "none" : hwy::TargetName(targets.front());
}

double MeasureFmaPeakGflops(DType dtype, size_t threads, double seconds) {
  if (dtype != DType::kF32 && dtype != DType::kF64) {
    throw Error("amdahl::MeasureFmaPeakGflops: dtype = " + std::string(DTypeName(dtype)) +
                " has no FMA peak (f32 or f64)");
  }
  if (!(seconds > 0 && seconds <= 3600)) {
    throw Error("amdahl::MeasureFmaPeakGflops: seconds = " + std::to_string(seconds) +
                " is not in (0, 3600]");
  }
  if (threads == 0) threads = GetTopology().usable_cores.value;
  constexpr size_t kIterations = 1 << 16;  // ~0.3 ms a call on a 3 GHz core
  double best = 0;
  const int repeats = 5;
  for (int r = 0; r < repeats; ++r) {
    std::atomic<double> flops{0};
    const auto start = std::chrono::steady_clock::now();
    const auto until = start + std::chrono::duration<double>(seconds / repeats);
    ParallelForPinned(0, threads, 1, threads, [&](size_t, size_t) {
      double mine = 0;
      do {
        if (dtype == DType::kF64) {
          double sink;
          mine += ops::FmaLoopF64(kIterations, 1.0, &sink);
        } else {
          float sink;
          mine += ops::FmaLoopF32(kIterations, 1.0f, &sink);
        }
      } while (std::chrono::steady_clock::now() < until);
      double seen = flops.load();
      while (!flops.compare_exchange_weak(seen, seen + mine)) {
      }
    });
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, flops.load() / s * 1e-9);
  }
  return best;
}

}  // namespace amdahl
