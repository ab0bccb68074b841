// Phase 2: the streaming kernels' serial cutoffs and thread counts per size
// bucket (every kernel configured by a LoopConfig: elementwise, reductions,
// GEMV).
#include "autotune/tuner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
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
  // The phase takes a fixed part of what is left, each kernel x dtype an
  // equal part of what remains of the phase as it starts: all of it when
  // GEMM is not tuned, else 40 %, the rest going to GEMM (its blocks and
  // the exact integer choices). (Each pair used to take half of its fair
  // share of all that was left, which compounded over the 32 pairs: the
  // loops took 47 of a 60 s budget and GEMM 9, too little for its larger
  // sizes and the integer types. Zen 5, 2026-12-03.)
  const double phase_s = (Wants(Kernel::kGemm) ? 0.4 : 1.0) * std::max(0.0, SecondsLeft());
  const auto phase_end =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(phase_s);
  const int lo_bucket = 10, hi_bucket = options_.effort == Effort::kPatient ? 26 : 24;
  for (size_t w = 0; w < work.size(); ++w) {
    const amdahl_cases::CaseKind& kind = *work[w].first;
    const Kernel kernel = kind.kernel;
    const DType dtype = work[w].second;
    const std::string name = std::string(amdahl::KernelName(kernel)) + "/" + amdahl::DTypeName(dtype);
    const auto now = std::chrono::steady_clock::now();
    const auto deadline = now + (phase_end - now) / static_cast<long>(work.size() - w);
    Progress("loops " + name, 0, static_cast<size_t>(hi_bucket - lo_bucket + 1));
    const amdahl::LoopConfig defaults = amdahl::DefaultLoopConfigFor(kernel, dtype);
    const double bpe = static_cast<double>(amdahl::BytesPerElement(kernel, dtype));
    // The case whose call the library configures as n elements.
    auto make = [&](size_t n) { return kind.make(dtype, kind.size_of_elements(n)); };
    // Seconds per call of `c` under `cfg`.
    auto time_with = [&](const amdahl::LoopConfig& cfg, amdahl_cases::Case& c) {
      ConfigOverride o(kernel, dtype, cfg);
      return TimePerCall([&] { c.Run(); }, 1);
    };

    // Serial cutoff: where all threads start to beat one, fitted over every
    // power of two from 1 Ki to 1 Mi elements (a fork-join costs microseconds;
    // past 1 Mi it is noise), each size timed serial and parallel alternately.
    size_t cutoff = defaults.serial_cutoff;
    if (threads_ > 1) {
      std::vector<size_t> sizes;
      std::vector<double> ratio;
      for (int b = 10; b <= 20; ++b) {
        const size_t n = size_t{1} << b;
        auto c = make(n);
        amdahl::LoopConfig par = defaults, ser = defaults;
        par.serial_cutoff = 0;
        par.threads = threads_;
        ser.threads = 1;
        const Comparison cmp = CompareWithBaseline([&] { return time_with(par, *c); },
                                                   [&] { return time_with(ser, *c); }, 3);
        sizes.push_back(n);
        ratio.push_back(cmp.baseline / cmp.tuned);
      }
      cutoff = FitCutoff(sizes, ratio);
    }

    // Per size bucket (every other power of two), the best thread count,
    // kept only where it beats the defaults (timed against them, interleaved)
    // beyond the noise.
    struct Measured {
      int bucket;
      amdahl::LoopConfig config;
      double gbps;
      bool kept;  // false: the tuned choice did not beat the defaults (nothing stored)
    };
    std::vector<Measured> measured;
    for (int b = lo_bucket; b <= hi_bucket; b += 2) {
      // The first bucket is always measured, and its progress is the
      // pair's line above. Past the deadline nothing more is measured: those
      // buckets keep the defaults rather than a guess stored as if measured.
      if (b != lo_bucket) {
        Progress("loops " + name, static_cast<size_t>(b - lo_bucket),
                 static_cast<size_t>(hi_bucket - lo_bucket + 1));
        if (std::chrono::steady_clock::now() >= deadline) break;
      }
      const size_t n = size_t{1} << b;
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
        return time_with(cfg, *c);
      }, so);
      amdahl::LoopConfig tuned = defaults;
      tuned.threads = candidates[r.best];
      tuned.serial_cutoff = cutoff;
      // What each configuration runs at this size: threads, or 1 below its cutoff.
      auto runs_on = [n](const amdahl::LoopConfig& cfg) {
        return n < cfg.serial_cutoff ? size_t{1} : cfg.threads;
      };
      bool kept = true;
      double seconds = r.seconds[r.best];
      if (runs_on(tuned) != runs_on(defaults)) {
        const Comparison cmp = CompareWithBaseline([&] { return time_with(tuned, *c); },
                                                   [&] { return time_with(defaults, *c); });
        kept = cmp.tuned_wins;
        seconds = kept ? cmp.tuned : cmp.baseline;
      }
      const amdahl::LoopConfig& chosen = kept ? tuned : defaults;
      const double rate = bpe * static_cast<double>(n) / seconds * 1e-9;
      measured.push_back({b, chosen, rate, kept});
      Row row;
      row.kernel = amdahl::KernelName(kernel);
      row.dtype = amdahl::DTypeName(dtype);
      row.size = n;
      row.threads = runs_on(chosen);
      row.blocks = kept ? "-" : "(defaults)";  // grain: the default, not searched
      row.rate = rate;
      row.unit = "GB/s";
      // Only out of cache is memory bandwidth the ceiling; in cache there is
      // no measured one (the fraction stays 0 and prints as "-").
      const double bytes = bpe * static_cast<double>(n);
      const double llc = static_cast<double>(amdahl::GetTopology().l3_bytes.value +
                                             amdahl::GetTopology().l2_bytes.value *
                                                 amdahl::GetTopology().cores.size());
      row.peak_fraction = wisdom_.memory_gbps > 0 && bytes > 2 * llc
                              ? rate / wisdom_.memory_gbps
                              : 0;
      row.speedup = r.seconds[0] / r.seconds[r.best];
      row.serial_cutoff = chosen.serial_cutoff;
      if (b == lo_bucket || b == 20 || b == hi_bucket) rows_.push_back(row);
    }
    // Measured buckets store the choices that won; a bucket between two
    // measured ones takes theirs, marked interpolated, only when both won and
    // agree (else, and above the last measured one, the defaults stay in
    // charge).
    for (size_t i = 0; i < measured.size(); ++i) {
      if (!measured[i].kept) continue;
      amdahl::LoopWisdom e;
      e.kernel = kernel;
      e.dtype = dtype;
      e.bucket = measured[i].bucket;
      e.config = measured[i].config;
      e.gbps = measured[i].gbps;
      wisdom_.loops.push_back(e);
      if (i + 1 < measured.size() && measured[i + 1].kept &&
          measured[i + 1].config.threads == e.config.threads &&
          measured[i + 1].config.serial_cutoff == e.config.serial_cutoff) {
        e.bucket = measured[i].bucket + 1;
        e.gbps = std::sqrt(measured[i].gbps * measured[i + 1].gbps);
        e.interpolated = true;
        wisdom_.loops.push_back(e);
      }
    }
    if (options_.tty && !Quiet()) std::printf("\n");
  }
}

}  // namespace amdahl_tune
