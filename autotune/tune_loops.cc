// Phase 2: the streaming kernels' serial cutoffs and thread counts per size
// bucket (every kernel configured by a LoopConfig: elementwise, reductions,
// GEMV).
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

void Tuner::TuneLoops() {
  if (options_.effort == Effort::kEstimate) return;
  // Every kernel configured by a LoopConfig: all but GEMM.
  std::vector<std::pair<const amdahl_cases::CaseKind*, DType>> work;
  for (const amdahl_cases::CaseKind& k : amdahl_cases::Kinds()) {
    if (k.kernel == Kernel::kGemm) continue;
    for (DType t : amdahl_cases::AllDTypes()) {
      if (Wants(k.kernel) && Wants(t)) work.emplace_back(&k, t);
    }
  }
  if (work.empty()) return;
  const int lo_bucket = 10, hi_bucket = options_.effort == Effort::kPatient ? 26 : 24;
  for (size_t w = 0; w < work.size(); ++w) {
    const amdahl_cases::CaseKind& kind = *work[w].first;
    const Kernel kernel = kind.kernel;
    const DType dtype = work[w].second;
    const std::string name = std::string(amdahl::KernelName(kernel)) + "/" + amdahl::DTypeName(dtype);
    // Leave the loops at most half the remaining budget, shared fairly.
    const double share = 0.5 * SecondsLeft() / static_cast<double>(work.size() - w);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(share);
    Progress("loops " + name, 0, static_cast<size_t>(hi_bucket - lo_bucket + 1));
    const amdahl::LoopConfig defaults = amdahl::DefaultLoopConfigFor(kernel, dtype);
    const double bpe = static_cast<double>(amdahl::BytesPerElement(kernel, dtype));
    // The case whose call the library configures as n elements.
    auto make = [&](size_t n) { return kind.make(dtype, kind.size_of_elements(n)); };

    // Serial cutoff: the smallest size at which all threads beat one.
    size_t cutoff = defaults.serial_cutoff;
    if (threads_ > 1) {
      cutoff = BisectCutoff(size_t{1} << 10, size_t{1} << 22, [&](size_t n) {
        auto c = make(n);
        amdahl::LoopConfig par = defaults, ser = defaults;
        par.serial_cutoff = 0;
        par.threads = threads_;
        ser.threads = 1;
        double tp, ts;
        {
          ConfigOverride o(kernel, dtype, par);
          tp = TimePerCall([&] { c->Run(); });
        }
        {
          ConfigOverride o(kernel, dtype, ser);
          ts = TimePerCall([&] { c->Run(); });
        }
        return tp < 0.97 * ts;
      });
    }

    // Per size bucket (every other power of two), the best thread count.
    for (int b = lo_bucket; b <= hi_bucket; b += 2) {
      Progress("loops " + name, static_cast<size_t>(b - lo_bucket), static_cast<size_t>(hi_bucket - lo_bucket + 1));
      const size_t n = size_t{1} << b;
      size_t best_threads = n < cutoff ? 1 : threads_;
      double best_rate = 0;
      if (std::chrono::steady_clock::now() < deadline || b == lo_bucket) {
        auto c = make(n);
        std::vector<size_t> candidates;
        for (size_t t = 1; t <= threads_; ++t) candidates.push_back(t);
        SearchOptions so = BaseSearch();
        so.rounds = 2;
        so.repeats = 2;
        const SearchResult r = RoundRobinSearch(candidates.size(), [&](size_t i) {
          amdahl::LoopConfig cfg = defaults;
          cfg.threads = candidates[i];
          cfg.serial_cutoff = 0;
          ConfigOverride o(kernel, dtype, cfg);
          return TimePerCall([&] { c->Run(); }, 1);
        }, so);
        best_threads = candidates[r.best];
        best_rate = bpe * static_cast<double>(n) / r.seconds[r.best] * 1e-9;
        Row row;
        row.kernel = amdahl::KernelName(kernel);
        row.dtype = amdahl::DTypeName(dtype);
        row.size = n;
        row.threads = best_threads;
        row.blocks = "-";  // grain: the default, not searched
        row.rate = best_rate;
        row.unit = "GB/s";
        // Only out of cache is memory bandwidth the ceiling; in cache there is
        // no measured one (the fraction stays 0 and prints as "-").
        const double bytes = bpe * static_cast<double>(n);
        const double llc = static_cast<double>(amdahl::GetTopology().l3_bytes.value +
                                               amdahl::GetTopology().l2_bytes.value *
                                                   amdahl::GetTopology().cores.size());
        row.peak_fraction = wisdom_.memory_gbps > 0 && bytes > 2 * llc
                                ? best_rate / wisdom_.memory_gbps
                                : 0;
        row.speedup = r.seconds[0] / r.seconds[r.best];
        row.serial_cutoff = cutoff;
        if (b == lo_bucket || b == 20 || b == hi_bucket) rows_.push_back(row);
      }
      // Past the deadline nothing was measured: the bucket keeps the
      // defaults rather than a guess stored as if it were measured.
      if (best_rate == 0) continue;
      // Every other bucket is measured; the one above takes its choice,
      // marked as interpolated.
      for (int bb = b; bb <= std::min(b + 1, hi_bucket); ++bb) {
        amdahl::LoopWisdom e;
        e.kernel = kernel;
        e.dtype = dtype;
        e.bucket = bb;
        e.config = defaults;
        e.config.threads = best_threads;
        e.config.serial_cutoff = cutoff;
        e.gbps = best_rate;
        e.interpolated = bb != b;
        wisdom_.loops.push_back(e);
      }
    }
    if (options_.tty && !Quiet()) std::printf("\n");
  }
}

}  // namespace amdahl_tune
