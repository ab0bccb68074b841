// Phase 4 (--validate): the saved wisdom judged on a small subset (f32 GEMM
// 256 and 512, Scale f32 1 Mi), one protocol for every kind of entry.
#include "autotune/tuner.h"

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

namespace {

constexpr double kMinVsBest = 0.95, kMinVsDefaults = 0.97;

// The protocol, for any kind of configuration: the exhaustive grid timed
// round-robin (one round, no dropping), then the saved choice, the grid's
// best and the defaults re-timed together, round-robin. Ratios are speeds
// relative to the saved choice: below 1, the saved one is slower. Prints the
// verdict; returns whether it meets both goals. `saved` null: no entry, so
// the defaults run (the tuner stores none where its best did not beat them),
// and they are what is judged against the grid.
template <class Config>
bool ValidateEntry(Kernel kernel, DType dtype, size_t size, const Config* saved,
                   const std::vector<Config>& grid, const Config& defaults,
                   const SearchOptions& base) {
  const std::string name = std::string(amdahl::KernelName(kernel)) + "/" +
                           amdahl::DTypeName(dtype) + "/" + std::to_string(size);
  if (saved == nullptr) saved = &defaults;
  const std::unique_ptr<amdahl_cases::Case> c = amdahl_cases::MakeCase(kernel, dtype, size);
  auto time_cfg = [&](const Config& cfg) {
    ConfigOverride o(kernel, dtype, cfg);
    return TimePerCall([&] { c->Run(); }, 1, 2e-3);
  };
  SearchOptions ex = base;
  ex.rounds = 1;
  ex.repeats = 3;
  ex.drop_ratio = 1e9;
  const SearchResult best =
      RoundRobinSearch(grid.size(), [&](size_t i) { return time_cfg(grid[i]); }, ex);
  const Config three[] = {*saved, grid[best.best], defaults};
  SearchOptions again = base;
  again.rounds = 3;
  again.repeats = 3;
  again.drop_ratio = 1e9;
  const SearchResult r =
      RoundRobinSearch(3, [&](size_t i) { return time_cfg(three[i]); }, again);
  const double vs_best = r.seconds[1] / r.seconds[0], vs_defaults = r.seconds[2] / r.seconds[0];
  const bool ok = vs_best >= kMinVsBest && vs_defaults >= kMinVsDefaults;
  std::printf("  %-16s saved (%s) / exhaustive-best %.3f, saved / defaults %.3f  %s  "
              "(%zu in the grid)\n",
              name.c_str(), saved->source, vs_best, vs_defaults, ok ? "ok" : "FAIL",
              grid.size());
  return ok;
}

}  // namespace

bool Tuner::Validate(const amdahl::HostWisdom& saved) {
  std::printf("validate: the saved wisdom against an exhaustive grid and the defaults, "
              "re-timed round-robin (goals: >= %.2f and >= %.2f)\n",
              kMinVsBest, kMinVsDefaults);
  bool all_ok = true;
  // GEMM f32 at 256 and 512, as the library applies the saved entries.
  for (size_t n : {size_t{256}, size_t{512}}) {
    const amdahl::GemmConfig defaults = amdahl::DefaultGemmConfig(DType::kF32, n, n, n);
    amdahl::GemmConfig chosen = defaults;
    if (const amdahl::GemmWisdom* e = amdahl::FindGemmWisdom(
            saved, DType::kF32, amdahl::GemmBucket(n, n, n), threads_)) {
      chosen = amdahl::ApplyGemmWisdom(defaults, *e);
    }
    const bool found = std::string(chosen.source) != "defaults";
    // Every tile at its own blocks, and the wide grid of blocks for the
    // chosen one.
    std::vector<amdahl::GemmConfig> grid = GemmTileCandidates(DType::kF32, n);
    for (const amdahl::GemmConfig& c :
         GemmCandidates(DType::kF32, n, true, {chosen.mr, chosen.nr, chosen.lanes})) {
      grid.push_back(c);
    }
    all_ok = ValidateEntry(Kernel::kGemm, DType::kF32, n, found ? &chosen : nullptr, grid,
                           defaults, BaseSearch()) &&
             all_ok;
  }
  // Scale f32 at 1 Mi elements: the saved entry as it is (threads and serial
  // cutoff) against threads x grain.
  const size_t n = size_t{1} << 20;
  const amdahl::LoopConfig defaults = amdahl::DefaultLoopConfigFor(Kernel::kScale, DType::kF32);
  const amdahl::LoopConfig* entry = nullptr;
  for (const amdahl::LoopWisdom& e : saved.loops) {
    if (e.kernel == Kernel::kScale && e.dtype == DType::kF32 &&
        e.bucket == amdahl::LoopBucket(n)) {
      entry = &e.config;
    }
  }
  std::vector<amdahl::LoopConfig> grid;
  for (size_t t = 1; t <= threads_; ++t) {
    for (size_t grain = 1024; grain <= n; grain *= 4) {
      amdahl::LoopConfig g = defaults;
      g.threads = t;
      g.grain = grain;
      g.serial_cutoff = 0;
      grid.push_back(g);
    }
  }
  return ValidateEntry(Kernel::kScale, DType::kF32, n, entry, grid, defaults, BaseSearch()) &&
         all_ok;
}

}  // namespace amdahl_tune
