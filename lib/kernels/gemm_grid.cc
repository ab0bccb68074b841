// How a GEMM's C is cut among threads (see gemm_grid.h).
#include "lib/kernels/gemm_grid.h"

#include <algorithm>
#include <limits>

namespace amdahl {

void ThreadGrid(size_t m, size_t n, size_t mr, size_t nr, size_t lanes, size_t threads,
                size_t* tm, size_t* tn) {
  double best_area = std::numeric_limits<double>::max(), best_perimeter = 0;
  *tm = 1;
  *tn = 1;
  auto largest = [](size_t extent, size_t unit, size_t parts) {
    const size_t units = (extent + unit - 1) / unit;
    return std::min(extent, (units + parts - 1) / parts * unit);
  };
  for (size_t r = 1; r <= threads; ++r) {
    if (threads % r != 0) continue;
    const size_t q = threads / r;
    const size_t rows = largest(m, mr, r), cols = largest(n, nr, q);
    const double mt = static_cast<double>((rows + mr - 1) / mr * mr);
    const double nt = static_cast<double>((cols + lanes - 1) / lanes);
    const double area = mt * nt;
    const double perimeter = mt + nt * static_cast<double>(lanes);
    if (area < best_area || (area == best_area && perimeter < best_perimeter)) {
      best_area = area;
      best_perimeter = perimeter;
      *tm = r;
      *tn = q;
    }
  }
}

void Split(size_t n, size_t parts, size_t index, size_t unit, size_t* begin,
           size_t* end) {
  const size_t units = (n + unit - 1) / unit;
  const size_t per = units / parts, extra = units % parts;
  const size_t u0 = index * per + std::min(index, extra);
  const size_t u1 = u0 + per + (index < extra ? 1 : 0);
  *begin = std::min(n, u0 * unit);
  *end = std::min(n, u1 * unit);
}

}  // namespace amdahl
