// Amdahl's law from measured speedups: the serial fraction f fitted by least
// squares on 1/S(p) = f + (1 - f)/p, the Karp-Flatt metric per p, and the
// ceiling 1/f.
#ifndef AMDAHL_AUTOTUNE_FIT_H_
#define AMDAHL_AUTOTUNE_FIT_H_

#include <cstddef>
#include <vector>

namespace amdahl_tune {

struct AmdahlFit {
  double serial_fraction = 0;      // f in [0, 1]
  double ceiling = 0;              // 1 / f (infinity when f == 0)
  std::vector<double> karp_flatt;  // e(p) = (1/S - 1/p) / (1 - 1/p), for p >= 2
};

// speedup[i] is S(p) at p = i + 1 threads (speedup[0] should be 1).
AmdahlFit FitAmdahl(const std::vector<double>& speedup);

// Returns the speedup Amdahl's law predicts at p threads for fraction f.
double AmdahlSpeedup(double serial_fraction, double p);

}  // namespace amdahl_tune

#endif  // AMDAHL_AUTOTUNE_FIT_H_
