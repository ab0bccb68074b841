// How a GEMM's C is cut among threads (see gemm_grid.h).
#include "lib/kernels/gemm_grid.h"

#include <algorithm>
#include <limits>

namespace amdahl {
namespace {

// What reading one element of an operand costs a thread, in multiply-adds
// of C's elements: per step of k a block of C does rows x columns of them
// and reads rows + columns operand elements, which come from memory when the
// operands are large. About peak / bandwidth: a Zen 4 core's f32 FMA peak
// (117 GFLOPS) against its share of the memory bandwidth (~25 GB/s), 4 B x
// 117 / (2 x 25) = 9 (f64 the same). Measured on that Zen 4, two threads,
// m = 12 ... 128 rows by n = k = 1024 and 4096 (2026-12-01): 8, 16 and 32
// against 0 (area alone), 16 the best or level everywhere, 32 worse at f32
// 24-32 x 4096 x 4096. With 0, a product of 16 rows was cut into two of 8
// and each thread read all of B: f32 16 x 1024 x 1024 117 -> 154 GFLOPS,
// 64 x 1024 x 1024 84 -> 182, f64 32 x 4096 x 4096 51 -> 66. Square
// products keep their grid on two threads; on four and more they now get
// squarer ones (16 threads, 1024^2 f32: 16 x 1 strips, each thread reading
// all of B, -> 8 x 2), which no machine here has measured.
constexpr double kOperandReadCost = 16;

}  // namespace

void ThreadGrid(size_t m, size_t n, size_t mr, size_t nr, size_t lanes, size_t threads,
                size_t* tm, size_t* tn) {
  double best_cost = std::numeric_limits<double>::max(), best_perimeter = 0;
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
    // The block in whole tiles of rows and whole vectors of columns.
    const double mt = static_cast<double>((rows + mr - 1) / mr * mr);
    const double nt = static_cast<double>((cols + lanes - 1) / lanes * lanes);
    const double perimeter = mt + nt;
    const double cost = mt * nt + kOperandReadCost * perimeter;
    if (cost < best_cost || (cost == best_cost && perimeter < best_perimeter)) {
      best_cost = cost;
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
