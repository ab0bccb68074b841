// amdahl-tune's shared machinery: timing, the budget, progress. Each phase
// is a file of its own: ceilings.cc, tune_loops.cc, tune_gemm.cc,
// validate.cc, curves.cc.
#include "autotune/tuner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "amdahl/amdahl.h"

namespace amdahl_tune {

using amdahl::DType;
using amdahl::Kernel;

double TimePerCall(const std::function<void()>& f, size_t repeats, double min_batch_s) {
  using Clock = std::chrono::steady_clock;
  f();  // warm caches, pages and the pool
  size_t calls = 1;
  double best = 1e30;
  for (size_t r = 0; r < repeats; ++r) {
    for (;;) {
      const auto t0 = Clock::now();
      for (size_t i = 0; i < calls; ++i) f();
      const double s = std::chrono::duration<double>(Clock::now() - t0).count();
      if (s >= min_batch_s || calls > (size_t{1} << 24)) {
        best = std::min(best, s / static_cast<double>(calls));
        break;
      }
      calls *= 2;
    }
  }
  return best;
}

double PeakPerCore(const amdahl::HostWisdom& w, DType dtype) {
  // Integer GEMM has no FMA peak of its own: small enough values run on the
  // float units (lib/kernels/gemm_exact.h), up to float's peak.
  return dtype == DType::kF64 ? w.peak_f64_gflops_core : w.peak_f32_gflops_core;
}

namespace {

std::string Utc() {
  const std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buf;
}

}  // namespace

SearchOptions Tuner::BaseSearch() const {
  // Pinned threads make the fastest run the truest; unpinned ones migrate,
  // and a trimmed mean resists both lucky and unlucky runs.
  SearchOptions so;
  const char* pin = std::getenv("AMDAHL_PIN");
  so.use_min = !(pin != nullptr && std::string(pin) == "0");
  return so;
}

Tuner::Tuner(const Options& options)
    : options_(options), start_(std::chrono::steady_clock::now()) {
  wisdom_.host = amdahl::CurrentHostKey();
  wisdom_.library_version = kLibraryVersion;
  wisdom_.date = Utc();
  threads_ = amdahl::NumThreads();
}

double Tuner::SecondsLeft() const {
  const double used =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return options_.budget_s - options_.reserve_s - used;
}

bool Tuner::Wants(Kernel kernel) const {
  return options_.kernels.empty() ||
         std::find(options_.kernels.begin(), options_.kernels.end(), kernel) !=
             options_.kernels.end();
}

bool Tuner::Wants(DType dtype) const {
  return options_.dtypes.empty() ||
         std::find(options_.dtypes.begin(), options_.dtypes.end(), dtype) !=
             options_.dtypes.end();
}

void Tuner::Progress(const std::string& what, size_t i, size_t n) {
  const double left = std::max(0.0, SecondsLeft());
  if (options_.progress) {
    if (!options_.progress(what, i, n, left)) throw Cancelled();
  } else if (options_.tty) {
    const size_t width = 24;
    const size_t filled = n ? width * i / n : width;
    std::printf("\r  %-22s [%s%s] %zu/%zu  ~%.0f s left   ", what.c_str(),
                std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(), i,
                n, left);
    std::fflush(stdout);
  } else if (i == 0) {
    std::printf("  %s: %zu candidates, %.1f s of budget left\n", what.c_str(), n, left);
  }
}

}  // namespace amdahl_tune
