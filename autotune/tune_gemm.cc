// Phase 3: GEMM's blocks and threads per size bucket, from the analytical
// model and its neighbours.
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

std::vector<amdahl::GemmConfig> Tuner::GemmCandidates(DType dtype, size_t n,
                                                       bool exhaustive) const {
  const amdahl::GemmConfig model = amdahl::DefaultGemmConfig(dtype, n, n, n);
  // The model and its neighbours; --validate's exhaustive grid is wider.
  std::vector<size_t> kcs = {model.kc / 2, model.kc * 3 / 4, model.kc, model.kc * 3 / 2};
  std::vector<size_t> ncs = {model.nc / 2, model.nc, model.nc * 2};
  if (exhaustive) {
    kcs = {64, 128, 192, 256, 384, 512, 768, 1024};
    ncs.clear();
    for (size_t tiles : {1, 2, 3, 5, 8, 10, 16, 20, 32}) ncs.push_back(tiles * model.nr);
  }
  std::vector<amdahl::GemmConfig> cands;
  for (size_t kc : kcs) {
    for (size_t nc : ncs) {
      for (size_t t = 1; t <= threads_; ++t) {
        amdahl::GemmConfig c = model;
        c.kc = std::max<size_t>(16, kc / 16 * 16);
        c.nc = std::max(c.nr, nc / c.nr * c.nr);
        c.threads = t;
        // Meaningless candidates are filtered before any timing: blocks far
        // beyond the problem (they behave as the whole problem), threads
        // with under ~0.5 MFLOP each.
        if (c.kc > 2 * n && kc != model.kc) continue;
        if (c.nc > 2 * n && nc != model.nc) continue;
        if (t > 1 && 2.0 * n * n * n < 1e6 * static_cast<double>(t)) continue;
        cands.push_back(c);
      }
    }
  }
  return cands;
}

void Tuner::TuneGemm() {
  if (options_.effort == Effort::kEstimate || !Wants(Kernel::kGemm)) return;
  std::vector<size_t> sizes = {64, 128, 256, 512, 1024};
  if (options_.effort == Effort::kPatient) sizes.push_back(2048);
  std::vector<DType> dtypes;
  for (DType t : amdahl_cases::AllDTypes()) {
    if (Wants(t)) dtypes.push_back(t);
  }
  size_t done = 0;
  const size_t total = sizes.size() * dtypes.size();
  for (DType dtype : dtypes) {
    for (size_t n : sizes) {
      const double share = SecondsLeft() / static_cast<double>(total - done);
      ++done;
      if (share < 0.05) continue;
      const std::vector<amdahl::GemmConfig> cands = GemmCandidates(dtype, n, false);
      auto g = MakeCase(Kernel::kGemm, dtype, n);
      const std::string name = std::string("gemm/") + amdahl::DTypeName(dtype) + "/" + std::to_string(n);
      Progress(name, done - 1, total);
      SearchOptions so = BaseSearch();
      so.rounds = options_.effort == Effort::kPatient ? 4 : 2;
      so.repeats = 2;
      const double budget_per_timing =
          share / static_cast<double>(cands.size() * so.rounds * so.repeats + 1);
      const SearchResult r = RoundRobinSearch(cands.size(), [&](size_t i) {
        ConfigOverride o(Kernel::kGemm, dtype, cands[i]);
        return TimePerCall([&] { g->Run(); }, 1, std::min(2e-3, budget_per_timing));
      }, so);
      // The winner is kept only where it beats the defaults, timed against
      // them interleaved, beyond the noise; else the defaults stay in charge
      // (no entry) and the row says so.
      const amdahl::GemmConfig defaults = amdahl::DefaultGemmConfig(dtype, n, n, n);
      const amdahl::GemmConfig& winner = cands[r.best];
      double seconds = r.seconds[r.best];
      bool kept = true;
      if (winner.mc != defaults.mc || winner.kc != defaults.kc || winner.nc != defaults.nc ||
          winner.threads != defaults.threads) {
        auto time = [&](const amdahl::GemmConfig& cfg) {
          ConfigOverride o(Kernel::kGemm, dtype, cfg);
          return TimePerCall([&] { g->Run(); }, 1, std::min(2e-3, budget_per_timing));
        };
        const Comparison cmp = CompareWithBaseline([&] { return time(winner); },
                                                   [&] { return time(defaults); }, 4);
        kept = cmp.tuned_wins;
        seconds = kept ? cmp.tuned : cmp.baseline;
      }
      const amdahl::GemmConfig& best = kept ? winner : defaults;
      const double flops = 2.0 * static_cast<double>(n) * n * n;
      double one_thread = 0;
      for (size_t i = 0; i < cands.size(); ++i) {
        if (cands[i].threads == 1 && r.seconds[i] > 0 &&
            (one_thread == 0 || r.seconds[i] < one_thread)) {
          one_thread = r.seconds[i];
        }
      }
      amdahl::GemmWisdom e;
      e.dtype = dtype;
      e.bucket = amdahl::GemmBucket(n, n, n);
      e.config = best;
      e.gflops = flops / seconds * 1e-9;
      if (kept) wisdom_.gemm.push_back(e);
      Row row;
      row.kernel = "gemm";
      row.dtype = amdahl::DTypeName(dtype);
      row.size = n;
      row.threads = best.threads;
      // kc and nc are searched; mc is the model's.
      row.blocks = std::to_string(best.kc) + "/" + std::to_string(best.nc) +
                   (kept ? "" : " (defaults)");
      row.rate = e.gflops;
      row.unit = "GFLOPS";
      row.peak_fraction = e.gflops / (PeakPerCore(wisdom_, dtype) * static_cast<double>(best.threads));
      row.speedup = one_thread > 0 ? one_thread / seconds : 1;
      rows_.push_back(row);
      if (options_.tty && !Quiet()) std::printf("\n");
    }
  }
}

}  // namespace amdahl_tune
