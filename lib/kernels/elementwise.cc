// Public elementwise kernels: checks, then the caller alone or the pool.
#include "amdahl/elementwise.h"

#include "amdahl/config.h"
#include "amdahl/pool.h"
#include "lib/kernels/check.h"
#include "lib/ops/elementwise.h"

namespace amdahl {
namespace {

// Runs body(begin, end, stream) over [0, n): on the caller below the serial
// cutoff, else one contiguous part per thread, each always on the same
// thread: repeated calls find their data in that core's cache, and long runs
// suit the prefetchers and write-combining. Non-temporal stores only for an
// output that is not also read: they save reading the lines before writing
// them, but a line just read is in cache already, and streaming it out
// evicts it early (Axpy and Scale in place at 16 Mi, Zen 4: 25-60 % slower
// with them). `serial_scale` multiplies the serial cutoff for a call that
// touches fewer arrays than the kernel's configuration was measured with.
template <typename T, class Body>
void RunLoop(Kernel kernel, size_t n, bool output_is_read, size_t serial_scale,
             const Body& body) {
  if (n == 0) return;
  const LoopConfig c = GetLoopConfig(kernel, DTypeOf<T>(), n);
  const bool stream = !output_is_read && c.stream_min != 0 && n >= c.stream_min;
  if (n / serial_scale < c.serial_cutoff || c.threads <= 1) {
    body(0, n, stream);
    return;
  }
  // The body by value, `stream` as a constant: the lambda is then the
  // body's few words, which travel in each worker's job line (pool.h), and a
  // worker reads nothing from the caller's stack before its chunk.
  const size_t chunk = ChunkSize(n, c);
  const detail::Schedule schedule = LoopSchedule(n / serial_scale, c);
  if (stream) {
    detail::ParallelRunOf(0, n, chunk, c.threads, schedule,
                          [body](size_t b, size_t e) { body(b, e, true); });
  } else {
    detail::ParallelRunOf(0, n, chunk, c.threads, schedule,
                          [body](size_t b, size_t e) { body(b, e, false); });
  }
}

template <typename T>
void ScaleImpl(size_t n, T a, const T* x, T* y) {
  CheckByteSize("Scale", "n", n, sizeof(T));
  CheckNotNull("Scale", "x", x, n);
  CheckNotNull("Scale", "y", y, n);
  CheckSameOrDisjoint("Scale", "y", y, "x", x, n, sizeof(T));
  // In place, Scale touches one array instead of two: on one core it stays in
  // cache, without reading lines before writing them, and runs twice as fast,
  // so a second thread pays from twice the size (Zen 4, f32 20,000 in place:
  // 705 ns on one thread, 705-1402 on two; f64 20,000: 1392 against 1060).
  const bool in_place = y == x;
  RunLoop<T>(Kernel::kScale, n, in_place, in_place ? 2 : 1, [=](size_t b, size_t e, bool s) {
    ops::Scale(a, x + b, y + b, e - b, s);
  });
}

template <typename T>
void AxpyImpl(size_t n, T a, const T* x, T* y) {
  CheckByteSize("Axpy", "n", n, sizeof(T));
  CheckNotNull("Axpy", "x", x, n);
  CheckNotNull("Axpy", "y", y, n);
  CheckSameOrDisjoint("Axpy", "y", y, "x", x, n, sizeof(T));
  RunLoop<T>(Kernel::kAxpy, n, true, 1, [=](size_t b, size_t e, bool s) {
    ops::Axpy(a, x + b, y + b, e - b, s);
  });
}

template <typename T>
void AddImpl(size_t n, const T* x, const T* y, T* z) {
  CheckByteSize("Add", "n", n, sizeof(T));
  CheckNotNull("Add", "x", x, n);
  CheckNotNull("Add", "y", y, n);
  CheckNotNull("Add", "z", z, n);
  CheckSameOrDisjoint("Add", "z", z, "x", x, n, sizeof(T));
  CheckSameOrDisjoint("Add", "z", z, "y", y, n, sizeof(T));
  RunLoop<T>(Kernel::kAdd, n, z == x || z == y, 1, [=](size_t b, size_t e, bool s) {
    ops::Add(x + b, y + b, z + b, e - b, s);
  });
}

template <typename T>
void TriadImpl(size_t n, const T* x, T a, const T* y, T* z) {
  CheckByteSize("Triad", "n", n, sizeof(T));
  CheckNotNull("Triad", "x", x, n);
  CheckNotNull("Triad", "y", y, n);
  CheckNotNull("Triad", "z", z, n);
  CheckSameOrDisjoint("Triad", "z", z, "x", x, n, sizeof(T));
  CheckSameOrDisjoint("Triad", "z", z, "y", y, n, sizeof(T));
  RunLoop<T>(Kernel::kTriad, n, z == x || z == y, 1, [=](size_t b, size_t e, bool s) {
    ops::Triad(x + b, a, y + b, z + b, e - b, s);
  });
}

}  // namespace

#define AMDAHL_DEFINE_ELEMENTWISE_API(T, ID, name)                            \
  void Scale(size_t n, T a, const T* x, T* y) { ScaleImpl(n, a, x, y); }      \
  void Axpy(size_t n, T a, const T* x, T* y) { AxpyImpl(n, a, x, y); }        \
  void Add(size_t n, const T* x, const T* y, T* z) { AddImpl(n, x, y, z); }   \
  void Triad(size_t n, const T* x, T a, const T* y, T* z) {                   \
    TriadImpl(n, x, a, y, z);                                                 \
  }
AMDAHL_FOR_EACH_DTYPE(AMDAHL_DEFINE_ELEMENTWISE_API)
#undef AMDAHL_DEFINE_ELEMENTWISE_API

}  // namespace amdahl
