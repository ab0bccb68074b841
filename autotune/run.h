// The tuner's entry points as one call each, for the amdahl-tune tool and the
// C API (and through it Python and MPI): tune and save, or judge a save.
#ifndef AMDAHL_AUTOTUNE_RUN_H_
#define AMDAHL_AUTOTUNE_RUN_H_

#include <memory>
#include <string>

#include "autotune/tuner.h"

namespace amdahl_tune {

// Measures the ceilings, the loops and GEMM within options.budget_s, saves
// the result into `path` (merged: other hosts and what was not tuned again
// are kept) and makes `path` the library's wisdom file, reloaded. With
// `curves`, then measures speedup curves under it. A path that cannot be
// written is refused before anything is measured (std::runtime_error; an
// empty path is amdahl::Error). Returns the tuner (rows, curves, wisdom).
std::unique_ptr<Tuner> TuneAndSave(const Options& options, const std::string& path,
                                   bool curves);

// Judges the wisdom saved for this host in `path` (see Tuner::Validate).
// Returns false, with *why, when there is none.
bool ValidateSaved(const Options& options, const std::string& path, std::string* why);

// amdahl_speedup: the curve of `kernel` on `dtype` at `size` (the
// registry's: elements, or the side of a square matrix) on 1..max_threads
// threads (0: NumThreads()) under the active wisdom, its roofline from the
// wisdom's ceilings or, without wisdom for this host, ceilings measured now.
// *ceilings gets them and *ceilings_from "wisdom" or "measured".
Curve MeasureSpeedup(amdahl::Kernel kernel, amdahl::DType dtype, size_t size,
                     size_t max_threads, Ceilings* ceilings, std::string* ceilings_from);

}  // namespace amdahl_tune

#endif  // AMDAHL_AUTOTUNE_RUN_H_
