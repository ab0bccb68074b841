#include "autotune/fit.h"

#include <algorithm>
#include <limits>

namespace amdahl_tune {

AmdahlFit FitAmdahl(const std::vector<double>& speedup) {
  // 1/S - 1/p = f (1 - 1/p): a line through the origin in x = 1 - 1/p,
  // y = 1/S - 1/p; least squares gives f = sum(x y) / sum(x x).
  AmdahlFit fit;
  double sxy = 0, sxx = 0;
  for (size_t i = 1; i < speedup.size(); ++i) {
    const double p = static_cast<double>(i + 1);
    if (speedup[i] <= 0) continue;
    const double x = 1 - 1 / p;
    const double y = 1 / speedup[i] - 1 / p;
    sxy += x * y;
    sxx += x * x;
    fit.karp_flatt.push_back(y / x);
  }
  fit.serial_fraction = sxx > 0 ? std::clamp(sxy / sxx, 0.0, 1.0) : 0;
  fit.ceiling = fit.serial_fraction > 0 ? 1 / fit.serial_fraction
                                        : std::numeric_limits<double>::infinity();
  return fit;
}

double AmdahlSpeedup(double serial_fraction, double p) {
  return 1 / (serial_fraction + (1 - serial_fraction) / p);
}

}  // namespace amdahl_tune
