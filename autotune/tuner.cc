#include "autotune/tuner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <vector>

#include "amdahl/amdahl.h"
#include "autotune/search.h"
#include "lib/hooks.h"

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

namespace {

const Kernel kLoopKernels[] = {Kernel::kScale, Kernel::kAxpy, Kernel::kAdd,
                               Kernel::kTriad, Kernel::kSum,  Kernel::kDot};
const DType kDTypes[] = {DType::kF32, DType::kF64, DType::kI32, DType::kI64};

// Arrays for one streaming kernel at n elements, and a call of it.
class StreamCase {
 public:
  virtual ~StreamCase() = default;
  virtual void Run() = 0;
};

template <typename T>
class TypedStreamCase : public StreamCase {
 public:
  TypedStreamCase(Kernel kernel, size_t n) : kernel_(kernel), n_(n), x_(n, T(1)), y_(n, T(2)), z_(n) {}
  void Run() override {
    switch (kernel_) {
      case Kernel::kScale: amdahl::Scale(n_, T(3), x_.data(), y_.data()); break;
      case Kernel::kAxpy: amdahl::Axpy(n_, T(0), x_.data(), y_.data()); break;
      case Kernel::kAdd: amdahl::Add(n_, x_.data(), y_.data(), z_.data()); break;
      case Kernel::kTriad: amdahl::Triad(n_, x_.data(), T(3), y_.data(), z_.data()); break;
      case Kernel::kSum: sink_ += amdahl::Sum(n_, x_.data()); break;
      case Kernel::kDot: sink_ += amdahl::Dot(n_, x_.data(), y_.data()); break;
      case Kernel::kGemm: break;
    }
  }

 private:
  Kernel kernel_;
  size_t n_;
  std::vector<T> x_, y_, z_;
  T sink_ = T(0);
};

std::unique_ptr<StreamCase> MakeStreamCase(Kernel kernel, DType dtype, size_t n) {
  switch (dtype) {
    case DType::kF32: return std::make_unique<TypedStreamCase<float>>(kernel, n);
    case DType::kF64: return std::make_unique<TypedStreamCase<double>>(kernel, n);
    case DType::kI32: return std::make_unique<TypedStreamCase<int32_t>>(kernel, n);
    case DType::kI64: return std::make_unique<TypedStreamCase<int64_t>>(kernel, n);
  }
  return nullptr;
}

// An n x n x n product of one type.
class GemmCase {
 public:
  virtual ~GemmCase() = default;
  virtual void Run() = 0;
};

template <typename T>
class TypedGemmCase : public GemmCase {
 public:
  explicit TypedGemmCase(size_t n) : n_(n), a_(n * n, T(1)), b_(n * n, T(1)), c_(n * n) {}
  void Run() override {
    amdahl::Gemm(amdahl::Trans::kNo, amdahl::Trans::kNo, n_, n_, n_, T(1), a_.data(), n_,
                 b_.data(), n_, T(0), c_.data(), n_);
  }

 private:
  size_t n_;
  std::vector<T> a_, b_, c_;
};

std::unique_ptr<GemmCase> MakeGemmCase(DType dtype, size_t n) {
  switch (dtype) {
    case DType::kF32: return std::make_unique<TypedGemmCase<float>>(n);
    case DType::kF64: return std::make_unique<TypedGemmCase<double>>(n);
    case DType::kI32: return std::make_unique<TypedGemmCase<int32_t>>(n);
    case DType::kI64: return std::make_unique<TypedGemmCase<int64_t>>(n);
  }
  return nullptr;
}

// Sets a loop override for its lifetime.
class LoopOverride {
 public:
  LoopOverride(Kernel k, DType t, const amdahl::LoopConfig& c) : k_(k), t_(t), c_(c) {
    amdahl::detail::SetLoopOverride(k_, t_, &c_);
  }
  ~LoopOverride() { amdahl::detail::SetLoopOverride(k_, t_, nullptr); }

 private:
  Kernel k_;
  DType t_;
  amdahl::LoopConfig c_;
};

class GemmOverride {
 public:
  GemmOverride(DType t, const amdahl::GemmConfig& c) : t_(t), c_(c) {
    amdahl::detail::SetGemmOverride(t_, &c_);
  }
  ~GemmOverride() { amdahl::detail::SetGemmOverride(t_, nullptr); }

 private:
  DType t_;
  amdahl::GemmConfig c_;
};

double PeakFor(const amdahl::HostWisdom& w, DType dtype, size_t threads) {
  // Integer GEMM has no FMA peak of its own; the same-width float peak is
  // the ceiling of the vector units.
  const bool wide = dtype == DType::kF64 || dtype == DType::kI64;
  return (wide ? w.peak_f64_gflops_core : w.peak_f32_gflops_core) *
         static_cast<double>(threads);
}

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
  wisdom_.library_version = "0.1.0";
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
  if (options_.tty) {
    const size_t width = 24;
    const size_t filled = n ? width * i / n : width;
    std::printf("\r  %-22s [%s%s] %zu/%zu  ~%.0f s left   ", what.c_str(),
                std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(), i,
                n, left);
    std::fflush(stdout);
  } else if (i == 0) {
    std::printf("  %s: %zu candidates, %.0f s of budget left\n", what.c_str(), n, left);
  }
}

void Tuner::MeasureCeilings() {
  const double s = options_.effort == Effort::kPatient ? 0.5 : 0.25;
  wisdom_.peak_f32_gflops_core = amdahl::MeasureFmaPeakGflops(DType::kF32, 1, s);
  wisdom_.peak_f64_gflops_core = amdahl::MeasureFmaPeakGflops(DType::kF64, 1, s);
  // Memory: a triad far larger than the caches (768 MiB), on every thread.
  const size_t n = size_t{1} << 25;
  auto triad = MakeStreamCase(Kernel::kTriad, DType::kF64, n);
  const double t = TimePerCall([&] { triad->Run(); }, 3, 0.05);
  wisdom_.memory_gbps = 24.0 * static_cast<double>(n) / t * 1e-9;
  wisdom_.forkjoin_ns = 1e9 * TimePerCall([&] {
    amdahl::ParallelFor(0, threads_, 1, [](size_t, size_t) {});
  });
  std::printf("  ceilings: FMA f32 %.1f GFLOPS/core, f64 %.1f GFLOPS/core; memory %.1f GB/s "
              "(triad, %zu threads); fork-join %.0f ns\n",
              wisdom_.peak_f32_gflops_core, wisdom_.peak_f64_gflops_core, wisdom_.memory_gbps,
              threads_, wisdom_.forkjoin_ns);
}

void Tuner::TuneLoops() {
  if (options_.effort == Effort::kEstimate) return;
  std::vector<std::pair<Kernel, DType>> work;
  for (Kernel k : kLoopKernels) {
    for (DType t : kDTypes) {
      if (Wants(k) && Wants(t)) work.emplace_back(k, t);
    }
  }
  if (work.empty()) return;
  const int lo_bucket = 10, hi_bucket = options_.effort == Effort::kPatient ? 26 : 24;
  for (size_t w = 0; w < work.size(); ++w) {
    const Kernel kernel = work[w].first;
    const DType dtype = work[w].second;
    const std::string name = std::string(amdahl::KernelName(kernel)) + "/" + amdahl::DTypeName(dtype);
    // Leave the loops at most half the remaining budget, shared fairly.
    const double share = 0.5 * SecondsLeft() / static_cast<double>(work.size() - w);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(share);
    Progress("loops " + name, 0, static_cast<size_t>(hi_bucket - lo_bucket + 1));
    const amdahl::LoopConfig defaults = amdahl::DefaultLoopConfigFor(kernel, dtype);
    const double bpe = static_cast<double>(amdahl::BytesPerElement(kernel, dtype));

    // Serial cutoff: the smallest size at which all threads beat one.
    size_t cutoff = defaults.serial_cutoff;
    if (threads_ > 1) {
      cutoff = BisectCutoff(size_t{1} << 10, size_t{1} << 22, [&](size_t n) {
        auto c = MakeStreamCase(kernel, dtype, n);
        amdahl::LoopConfig par = defaults, ser = defaults;
        par.serial_cutoff = 0;
        par.threads = threads_;
        ser.threads = 1;
        double tp, ts;
        {
          LoopOverride o(kernel, dtype, par);
          tp = TimePerCall([&] { c->Run(); });
        }
        {
          LoopOverride o(kernel, dtype, ser);
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
        auto c = MakeStreamCase(kernel, dtype, n);
        std::vector<size_t> candidates;
        for (size_t t = 1; t <= threads_; ++t) candidates.push_back(t);
        SearchOptions so = BaseSearch();
        so.rounds = 2;
        so.repeats = 2;
        const SearchResult r = RoundRobinSearch(candidates.size(), [&](size_t i) {
          amdahl::LoopConfig cfg = defaults;
          cfg.threads = candidates[i];
          cfg.serial_cutoff = 0;
          LoopOverride o(kernel, dtype, cfg);
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
    if (options_.tty) std::printf("\n");
  }
}

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

namespace {

// --validate's protocol, for any kind of configuration: the exhaustive grid
// timed round-robin (one round, no dropping), then the saved choice, the
// grid's best and the defaults re-timed together, round-robin. Ratios are
// speeds relative to the saved choice: below 1, the saved one is slower.
struct Verdict {
  double vs_best = 0, vs_defaults = 0;
  size_t grid = 0;
};

template <class Config, class TimeFn>
Verdict Judge(const Config& saved, const std::vector<Config>& grid, const Config& defaults,
              const SearchOptions& base, const TimeFn& time_cfg) {
  SearchOptions ex = base;
  ex.rounds = 1;
  ex.repeats = 3;
  ex.drop_ratio = 1e9;
  const SearchResult best =
      RoundRobinSearch(grid.size(), [&](size_t i) { return time_cfg(grid[i]); }, ex);
  const Config three[] = {saved, grid[best.best], defaults};
  SearchOptions again = base;
  again.rounds = 3;
  again.repeats = 3;
  again.drop_ratio = 1e9;
  const SearchResult r =
      RoundRobinSearch(3, [&](size_t i) { return time_cfg(three[i]); }, again);
  return {r.seconds[1] / r.seconds[0], r.seconds[2] / r.seconds[0], grid.size()};
}

constexpr double kMinVsBest = 0.95, kMinVsDefaults = 0.97;

bool Report(const std::string& name, const std::string& source, const Verdict& v) {
  const bool ok = v.vs_best >= kMinVsBest && v.vs_defaults >= kMinVsDefaults;
  std::printf("  %-16s saved (%s) / exhaustive-best %.3f, saved / defaults %.3f  %s  "
              "(%zu in the grid)\n",
              name.c_str(), source.c_str(), v.vs_best, v.vs_defaults, ok ? "ok" : "FAIL",
              v.grid);
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
    const std::string name = "gemm/f32/" + std::to_string(n);
    const amdahl::GemmConfig defaults = amdahl::DefaultGemmConfig(DType::kF32, n, n, n);
    amdahl::GemmConfig chosen = defaults;
    for (const amdahl::GemmWisdom& e : saved.gemm) {
      if (e.dtype == DType::kF32 && e.bucket == amdahl::GemmBucket(n, n, n)) {
        chosen = amdahl::ApplyGemmWisdom(defaults, e);
      }
    }
    if (std::string(chosen.source) == "defaults") {
      std::printf("  %-16s no saved entry: tune gemm f32 first  FAIL\n", name.c_str());
      all_ok = false;
      continue;
    }
    auto g = std::shared_ptr<GemmCase>(MakeGemmCase(DType::kF32, n));
    const Verdict v = Judge(chosen, GemmCandidates(DType::kF32, n, true), defaults, BaseSearch(),
                            [&](const amdahl::GemmConfig& c) {
                              GemmOverride o(DType::kF32, c);
                              return TimePerCall([&] { g->Run(); }, 1, 2e-3);
                            });
    all_ok = Report(name, chosen.source, v) && all_ok;
  }
  // Scale f32 at 1 Mi elements: the saved entry as it is (threads and serial
  // cutoff) against threads x grain.
  {
    const size_t n = size_t{1} << 20;
    const std::string name = "scale/f32/" + std::to_string(n);
    const amdahl::LoopConfig defaults =
        amdahl::DefaultLoopConfigFor(Kernel::kScale, DType::kF32);
    const amdahl::LoopWisdom* entry = nullptr;
    for (const amdahl::LoopWisdom& e : saved.loops) {
      if (e.kernel == Kernel::kScale && e.dtype == DType::kF32 &&
          e.bucket == amdahl::LoopBucket(n)) {
        entry = &e;
      }
    }
    if (entry == nullptr) {
      std::printf("  %-16s no saved entry: tune scale f32 first  FAIL\n", name.c_str());
      return false;
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
    auto c = MakeStreamCase(Kernel::kScale, DType::kF32, n);
    const Verdict v = Judge(entry->config, grid, defaults, BaseSearch(),
                            [&](const amdahl::LoopConfig& cfg) {
                              LoopOverride o(Kernel::kScale, DType::kF32, cfg);
                              return TimePerCall([&] { c->Run(); }, 1, 2e-3);
                            });
    all_ok = Report(name, entry->config.source, v) && all_ok;
  }
  return all_ok;
}

void Tuner::TuneGemm() {
  if (options_.effort == Effort::kEstimate || !Wants(Kernel::kGemm)) return;
  std::vector<size_t> sizes = {64, 128, 256, 512, 1024};
  if (options_.effort == Effort::kPatient) sizes.push_back(2048);
  std::vector<DType> dtypes;
  for (DType t : kDTypes) {
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
      auto g = MakeGemmCase(dtype, n);
      const std::string name = std::string("gemm/") + amdahl::DTypeName(dtype) + "/" + std::to_string(n);
      Progress(name, 0, cands.size());
      SearchOptions so = BaseSearch();
      so.rounds = options_.effort == Effort::kPatient ? 4 : 2;
      so.repeats = 2;
      const double budget_per_timing =
          share / static_cast<double>(cands.size() * so.rounds * so.repeats + 1);
      const SearchResult r = RoundRobinSearch(cands.size(), [&](size_t i) {
        GemmOverride o(dtype, cands[i]);
        return TimePerCall([&] { g->Run(); }, 1, std::min(2e-3, budget_per_timing));
      }, so);
      const amdahl::GemmConfig& best = cands[r.best];
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
      e.gflops = flops / r.seconds[r.best] * 1e-9;
      wisdom_.gemm.push_back(e);
      Row row;
      row.kernel = "gemm";
      row.dtype = amdahl::DTypeName(dtype);
      row.size = n;
      row.threads = best.threads;
      // kc and nc are searched; mc is the model's.
      row.blocks = std::to_string(best.kc) + "/" + std::to_string(best.nc);
      row.rate = e.gflops;
      row.unit = "GFLOPS";
      row.peak_fraction = e.gflops / PeakFor(wisdom_, dtype, best.threads);
      row.speedup = one_thread > 0 ? one_thread / r.seconds[r.best] : 1;
      rows_.push_back(row);
      if (options_.tty) std::printf("\n");
    }
  }
}

void Tuner::MeasureCurves() {
  struct Probe {
    std::string name;
    std::function<void()> run;
    double per_call;  // flops or bytes
    const char* unit;
    bool memory;
  };
  std::vector<Probe> probes;
  std::shared_ptr<GemmCase> g32(MakeGemmCase(DType::kF32, 512));
  std::shared_ptr<GemmCase> g64(MakeGemmCase(DType::kF64, 512));
  const size_t big = size_t{1} << 24;
  std::shared_ptr<StreamCase> scale(MakeStreamCase(Kernel::kScale, DType::kF32, big));
  std::shared_ptr<StreamCase> dot(MakeStreamCase(Kernel::kDot, DType::kF64, big));
  std::shared_ptr<StreamCase> l2(MakeStreamCase(Kernel::kTriad, DType::kF32, 1 << 16));
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
