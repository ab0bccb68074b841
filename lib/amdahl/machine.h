// Measures this machine's ceilings: the FMA peak of the cores and which
// Highway target runs. The tuner stores them; benchmarks show "% of peak".
#ifndef AMDAHL_MACHINE_H_
#define AMDAHL_MACHINE_H_

#include <cstddef>
#include <string>

#include "amdahl/config.h"
#include "amdahl/export.h"

namespace amdahl {

// Returns the name of the Highway target that dynamic dispatch uses now,
// e.g. "AVX3".
AMDAHL_API std::string ActiveTarget();

// Measures the floating-point peak in GFLOPS of `threads` cores (0: all
// usable), for dtype f32 or f64, running FMA loops for about `seconds`; the
// best of a few repeats. Throws amdahl::Error for another dtype or seconds
// outside (0, 3600].
AMDAHL_API double MeasureFmaPeakGflops(DType dtype, size_t threads, double seconds);

}  // namespace amdahl

#endif  // AMDAHL_MACHINE_H_
