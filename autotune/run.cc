// The tuner's entry points: the phases in order, the save and the reload.
#include "autotune/run.h"

#include <algorithm>
#include <string>

#include "amdahl/amdahl.h"
#include "autotune/cases.h"

namespace amdahl_tune {

std::unique_ptr<Tuner> TuneAndSave(const Options& options_in, const std::string& path,
                                   bool curves) {
  // A place that cannot take the result is reported now, not after the tune.
  amdahl::CheckWisdomWritable(path);
  // The library reads the same file the tuner writes (its earlier results
  // are the starting point); that there is none yet is no news here.
  std::string why;
  amdahl::SetWisdomPath(path, &why);
  Options options = options_in;
  if (curves) options.reserve_s = std::min(6.0, options.budget_s / 4);
  auto tuner = std::make_unique<Tuner>(options);
  tuner->MeasureCeilings();
  tuner->TuneLoops();
  // The exact integer GEMM's two choices (a fraction of a second each)
  // before the GEMM blocks, which take whatever budget is left.
  tuner->TuneInt16Pairs();
  tuner->TuneInt64Slicing();
  tuner->TuneGemm();
  // The save keeps entries of kernels and sizes not tuned this time.
  amdahl::SaveWisdom(path, tuner->wisdom());
  // From here on the process runs as a user's program would: under the
  // wisdom just written.
  amdahl::ReloadWisdom();
  if (curves) tuner->MeasureCurves();
  return tuner;
}

bool ValidateSaved(const Options& options, const std::string& path, std::string* why) {
  amdahl::HostWisdom saved;
  std::string warning;
  if (!amdahl::LoadWisdom(path, amdahl::CurrentHostKey(), &saved, why, &warning)) return false;
  return Tuner(options).Validate(saved);
}

Curve MeasureSpeedup(amdahl::Kernel kernel, amdahl::DType dtype, size_t size,
                     size_t max_threads, Ceilings* ceilings, std::string* ceilings_from) {
  if (size == 0) throw amdahl::Error("MeasureSpeedup: size = 0; a curve needs work to time");
  const amdahl::HostWisdom* active = amdahl::ActiveWisdom();
  amdahl::HostWisdom measured;
  if (active == nullptr || active->memory_gbps <= 0) {
    Options quiet;
    quiet.progress = [](const std::string&, size_t, size_t, double) { return true; };
    Tuner tuner(quiet);
    tuner.MeasureCeilings();
    measured = tuner.wisdom();
    active = &measured;
    *ceilings_from = "measured";
  } else {
    *ceilings_from = "wisdom";
  }
  ceilings->peak_gflops_core = PeakPerCore(*active, dtype);
  ceilings->memory_gbps = active->memory_gbps;
  const std::unique_ptr<amdahl_cases::Case> run = amdahl_cases::MakeCase(kernel, dtype, size);
  const std::string name = std::string(amdahl::KernelName(kernel)) + "/" +
                           amdahl::DTypeName(dtype) + "/" + std::to_string(size);
  return MeasureCurve(name, [&] { run->Run(); }, amdahl_cases::WorkOf(kernel, dtype, size),
                      max_threads ? max_threads : amdahl::NumThreads(), *ceilings);
}

}  // namespace amdahl_tune
