// Public GEMV: checks, the layout and transpose mapped onto the two row-major
// kernels of lib/ops/gemv.h, and the split over threads.
#include "amdahl/gemv.h"

#include <algorithm>
#include <limits>
#include <string>

#include "amdahl/config.h"
#include "amdahl/elementwise.h"
#include "amdahl/error.h"
#include "amdahl/pool.h"
#include "amdahl/topology.h"
#include "lib/kernels/beta_scale.h"
#include "lib/kernels/check.h"
#include "lib/kernels/gemv_row_major.h"
#include "lib/ops/gemv.h"

namespace amdahl {
namespace {

[[noreturn]] void Fail(const std::string& what) { throw Error("amdahl::Gemv: " + what); }

// y = alpha * S^T x + beta * y for a row-major rows x cols block of S, on the
// calling thread: column sums held in registers while the block fits in L2
// (Zen 4, one core, f32: 64 x 64 167 -> 112 ns, 64 x 4096 (1 MiB) 14.1 ->
// 10.1 us); beyond, rows streamed into a block of sums (32 KiB), which keeps
// whole rows in order for the prefetchers (register strips, a few lines of
// each row at a time: 1024 x 1024 (4 MiB) 49 -> 54 us).
template <typename T>
void GemvColsBlock(size_t rows, size_t cols, T alpha, const T* a, size_t lda, const T* x,
                   T beta, T* y) {
  if (rows * cols * sizeof(T) <= GetTopology().l2_bytes.value) {
    ops::GemvColStrips(rows, cols, alpha, a, lda, x, beta, y);
  } else {
    ops::GemvCols(rows, cols, alpha, a, lda, x, beta, y);
  }
}

// A GEMV's operands (GemvRowMajor's arguments).
template <typename T>
struct GemvArgs {
  size_t rows, cols;
  T alpha;
  const T* a;
  size_t lda;
  const T* x;
  T beta;
  T* y;
};

}  // namespace

template <typename T>
void GemvRowMajor(bool transposed, size_t rows, size_t cols, T alpha, const T* a,
                  size_t lda, const T* x, T beta, T* y) {
  const size_t ny = transposed ? cols : rows, nx = transposed ? rows : cols;
  if (ny == 0) return;
  if (nx == 0 || alpha == T(0)) {
    BetaScale<T>(1, ny, beta, y, ny);
    return;
  }
  const LoopConfig c = GetLoopConfig(Kernel::kGemv, DTypeOf<T>(), rows * cols);
  if (rows * cols < c.serial_cutoff || c.threads <= 1) {
    if (transposed) {
      GemvColsBlock(rows, cols, alpha, a, lda, x, beta, y);
    } else {
      ops::GemvRows(rows, cols, alpha, a, lda, x, beta, y);
    }
    return;
  }
  // The operands in one block, which the parallel lambdas name by one
  // pointer: a worker finds it in its job's line (pool.h) and reads the block
  // in one round of misses, not the lambda's references and then their
  // targets.
  const GemvArgs<T> args{rows, cols, alpha, a, lda, x, beta, y};
  if (!transposed) {
    // One contiguous band of rows per thread (each always on the same core).
    const size_t band = std::max((rows + c.threads - 1) / c.threads,
                                 (c.grain + cols - 1) / cols);
    detail::ParallelRunOf(0, rows, band, c.threads, LoopSchedule(rows * cols, c),
                          [p = &args](size_t b, size_t e) {
                            ops::GemvRows(e - b, p->cols, p->alpha, p->a + b * p->lda, p->lda,
                                          p->x, p->beta, p->y + b);
                          });
    return;
  }
  // One strip of columns per thread, in multiples of 64 (whole cache lines).
  const size_t strip = std::max<size_t>(64, ((cols + c.threads - 1) / c.threads + 63) / 64 * 64);
  detail::ParallelRunOf(0, cols, strip, c.threads, LoopSchedule(rows * cols, c),
                        [p = &args](size_t b, size_t e) {
                          GemvColsBlock(p->rows, e - b, p->alpha, p->a + b, p->lda, p->x,
                                        p->beta, p->y + b);
                        });
}

namespace {

template <typename T>
void GemvImpl(Trans trans, size_t m, size_t n, T alpha, const T* a, size_t lda, const T* x,
              T beta, T* y, Layout layout) {
  CheckEnum("Gemv", "trans", trans, 2, "Trans");
  CheckEnum("Gemv", "layout", layout, 2, "Layout");
  const bool col_major = layout == Layout::kColMajor;
  // The stored matrix as row-major: column-major A (m x n) is row-major A^T.
  const size_t rows = col_major ? n : m, cols = col_major ? m : n;
  const bool transposed = (trans == Trans::kYes) != col_major;
  if (lda < std::max<size_t>(cols, 1)) {
    Fail("lda = " + std::to_string(lda) + " is less than " +
         std::to_string(std::max<size_t>(cols, 1)) + ", the " +
         (col_major ? "rows of the stored column-major matrix"
                    : "columns of the stored row-major matrix"));
  }
  if (rows != 0 && lda > std::numeric_limits<size_t>::max() / 2 / sizeof(T) / rows) {
    Fail("a (" + std::to_string(rows) + " stored rows x leading dimension " +
         std::to_string(lda) + ") overflows the address space");
  }
  const size_t nx = trans == Trans::kYes ? m : n, ny = trans == Trans::kYes ? n : m;
  CheckByteSize("Gemv", "x", nx, sizeof(T));
  CheckByteSize("Gemv", "y", ny, sizeof(T));
  if (ny == 0) return;
  CheckNotNull("Gemv", "y", y, ny);
  const bool uses_ax = nx != 0 && alpha != T(0);
  if (uses_ax) {
    CheckNotNull("Gemv", "a", a, rows * cols);
    CheckNotNull("Gemv", "x", x, nx);
    if (RegionsOverlap(y, 1, ny, ny, a, rows, cols, lda, sizeof(T))) {
      Fail("y overlaps a; the output must not alias an input");
    }
    if (RegionsOverlap(y, 1, ny, ny, x, 1, nx, nx, sizeof(T))) {
      Fail("y overlaps x; the output must not alias an input");
    }
  }
  GemvRowMajor(transposed, rows, cols, alpha, a, lda, x, beta, y);
}

}  // namespace

#define AMDAHL_DEFINE_GEMV_API(T, ID, name)                                       \
  template void GemvRowMajor<T>(bool transposed, size_t rows, size_t cols, T alpha,  \
                                const T* a, size_t lda, const T* x, T beta, T* y);  \
  void Gemv(Trans trans, size_t m, size_t n, T alpha, const T* a, size_t lda,     \
            const T* x, T beta, T* y, Layout layout) {                            \
    GemvImpl(trans, m, n, alpha, a, lda, x, beta, y, layout);                     \
  }
AMDAHL_FOR_EACH_DTYPE(AMDAHL_DEFINE_GEMV_API)
#undef AMDAHL_DEFINE_GEMV_API

}  // namespace amdahl
