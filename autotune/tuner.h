// amdahl-tune's measurements: the machine's ceilings, the streaming kernels'
// serial cutoffs and thread counts, GEMM's blocks, and speedup curves.
#ifndef AMDAHL_AUTOTUNE_TUNER_H_
#define AMDAHL_AUTOTUNE_TUNER_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "amdahl/config.h"
#include "amdahl/wisdom.h"
#include "autotune/cases.h"
#include "autotune/fit.h"
#include "autotune/search.h"

namespace amdahl_tune {

enum class Effort { kEstimate, kMeasure, kPatient };

// The library version the tuner records in wisdom.
constexpr const char* kLibraryVersion = "0.1.0";

struct Options {
  double budget_s = 60;
  Effort effort = Effort::kMeasure;
  std::vector<amdahl::Kernel> kernels;  // empty: all
  std::vector<amdahl::DType> dtypes;    // empty: all
  bool tty = false;                     // progress bar instead of lines
  double reserve_s = 0;                 // of the budget, kept for MeasureCurves
  // Called between measurements: what is measured, step i of n, the seconds
  // of budget left. Returning false cancels the tune (Cancelled is thrown,
  // nothing is saved). When set, the tuner prints nothing.
  std::function<bool(const std::string& what, size_t i, size_t n, double seconds_left)>
      progress;
};

// Thrown when Options::progress asks to stop.
struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("the tune was cancelled; nothing was saved") {}
};

// One row of the final table.
struct Row {
  std::string kernel, dtype;
  size_t size = 0;       // elements, or n of an n x n x n GEMM
  size_t threads = 0;
  std::string blocks;    // "mc/kc/nc" for GEMM, "grain" for loops
  double rate = 0;       // GFLOPS or GB/s
  const char* unit = "";
  double peak_fraction = 0;  // of the measured ceiling (FMA peak or memory)
  double speedup = 0;        // over one thread, same configuration otherwise
  size_t serial_cutoff = 0;  // loops only
};

// A kernel's speedup against threads, with Amdahl's fit.
struct Curve {
  std::string name;          // e.g. "gemm/f32/1024"
  std::vector<double> speedup;  // at p = 1..P
  std::vector<double> rate;     // GFLOPS or GB/s at p = 1..P
  AmdahlFit fit;
  double rate_all = 0;       // at P threads
  const char* unit = "";
  bool bandwidth_bound = false;  // limited by memory bandwidth, not serial code
  // The roofline, in `unit`: a GFLOPS kernel may reach p x roof_core (the FMA
  // peak of p cores) and at most roof_memory (its flops per byte x memory
  // bandwidth); a GB/s kernel roof_memory (the bandwidth). 0: not known.
  double roof_core = 0;
  double roof_memory = 0;
  double roofline_rate = 0;      // the roofline at P threads
  double roofline_speedup = 0;   // roofline_rate / one thread's rate (0: none)

  // The roofline at p threads over one thread's measured rate (0: none).
  double RooflineSpeedup(double p) const;
};

// The ceilings a roofline needs: one core's FMA peak and memory bandwidth.
struct Ceilings {
  double peak_gflops_core = 0;
  double memory_gbps = 0;
};

// Times `run` at 1..max_threads threads under the library's configuration
// (its wisdom), fits Amdahl's law and places the roofline: GB/s kernels are
// capped by memory bandwidth, GFLOPS ones by min(P x peak, intensity x
// bandwidth). Zero ceilings: no roofline. Restores the thread count.
Curve MeasureCurve(const std::string& name, const std::function<void()>& run,
                   const amdahl_cases::Work& work,
                   size_t max_threads, const Ceilings& ceilings, double min_batch_s = 5e-3);

class Tuner {
 public:
  explicit Tuner(const Options& options);

  // Measures FMA peaks, memory bandwidth and the fork-join cost.
  void MeasureCeilings();
  void TuneLoops();
  void TuneGemm();
  // int64 GEMM past double's exact range: how many slice products (Ozaki)
  // still beat the integer kernels here (HostWisdom::int64_slice_products).
  void TuneInt64Slicing();
  // Integer GEMM within int16: whether the int16 pairs beat the float path
  // here (HostWisdom::int16_pairs), i32 and i64 each.
  void TuneInt16Pairs();
  void MeasureCurves();
  // Judges `saved` (the wisdom stored for this host) on a small subset (f32
  // GEMM 256 and 512, Scale f32 1 Mi): re-timed against an exhaustive grid
  // and the defaults; prints the ratios. Returns false when an entry is
  // missing or saved / exhaustive-best < 0.95 or saved / defaults < 0.97.
  bool Validate(const amdahl::HostWisdom& saved);

  const amdahl::HostWisdom& wisdom() const { return wisdom_; }
  const std::vector<Row>& rows() const { return rows_; }
  const std::vector<Curve>& curves() const { return curves_; }

 private:
  double SecondsLeft() const;
  bool Wants(amdahl::Kernel kernel) const;
  bool Wants(amdahl::DType dtype) const;
  bool Quiet() const { return static_cast<bool>(options_.progress); }
  void Progress(const std::string& what, size_t i, size_t n);
  SearchOptions BaseSearch() const;
  // Every register tile of the target at its own analytical blocks, at each
  // thread count (the first stage of the GEMM search).
  std::vector<amdahl::GemmConfig> GemmTileCandidates(amdahl::DType dtype, size_t n) const;
  // Blocks around `tile`'s analytical ones at each thread count (the second
  // stage); exhaustive: --validate's wider grid.
  std::vector<amdahl::GemmConfig> GemmCandidates(amdahl::DType dtype, size_t n, bool exhaustive,
                                                 const amdahl::GemmTileShape& tile) const;

  Options options_;
  std::chrono::steady_clock::time_point start_;
  amdahl::HostWisdom wisdom_;
  std::vector<Row> rows_;
  std::vector<Curve> curves_;
  size_t threads_ = 1;
};

// One core's FMA peak for `dtype` in `w` (integers: float's, the fastest
// units their GEMM may run on).
double PeakPerCore(const amdahl::HostWisdom& w, amdahl::DType dtype);

// Seconds per call of f: the minimum over `repeats` batches, each long
// enough (at least `min_batch_s`) for the clock.
double TimePerCall(const std::function<void()>& f, size_t repeats = 3,
                   double min_batch_s = 1e-3);

}  // namespace amdahl_tune

#endif  // AMDAHL_AUTOTUNE_TUNER_H_
