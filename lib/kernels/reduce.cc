// Public reductions: leaves computed on the caller or the pool, then added in
// a fixed pairwise tree (the same bits for any thread count).
#include "amdahl/reduce.h"

#include <type_traits>
#include <vector>

#include "amdahl/config.h"
#include "amdahl/pool.h"
#include "lib/kernels/check.h"
#include "lib/ops/reduce.h"

namespace amdahl {
namespace {

// Returns a + b; integers wrap around (added as unsigned: no overflow UB).
template <typename T>
T WrappingAdd(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return a + b;
  }
}

// Adds partials[0, count) pairwise: ((p0 + p1) + (p2 + p3)) + ...
template <typename T>
T PairwiseSumImpl(T* p, size_t count) {
  if (count == 0) return T(0);
  for (size_t width = 1; width < count; width *= 2) {
    for (size_t i = 0; i + width < count; i += 2 * width) {
      p[i] = WrappingAdd(p[i], p[i + width]);
    }
  }
  return p[0];
}

// leaves(begin, end, partials) reduces the leaves of [begin, end) into
// partials[0, ...); here on the caller or the pool, every leaf's partial.
template <typename T, class Leaves>
void Partials(Kernel kernel, size_t n, const Leaves& leaves, T* partials) {
  if (n == 0) return;
  const size_t num_leaves = (n + kReduceLeaf - 1) / kReduceLeaf;
  // (One leaf runs here whatever the configuration says: no lookup.)
  if (num_leaves == 1) {
    leaves(0, n, partials);
    return;
  }
  const LoopConfig c = GetLoopConfig(kernel, DTypeOf<T>(), n);
  if (n < c.serial_cutoff || c.threads <= 1) {
    leaves(0, n, partials);
  } else {
    // Chunks of whole leaves, counted in elements (the last ends at n): the
    // lambda is then the leaves' pointers and `partials`, which travel in
    // each worker's job line (pool.h).
    const size_t chunk = ChunkSize(n, c) / kReduceLeaf;
    const size_t grain = (chunk ? chunk : 1) * kReduceLeaf;
    detail::ParallelRunOf(0, n, grain, c.threads, LoopSchedule(n, c),
                          [leaves, partials](size_t b, size_t e) {
                            leaves(b, e, partials + b / kReduceLeaf);
                          });
  }
}

template <typename T, class Leaves>
T Reduce(Kernel kernel, size_t n, const Leaves& leaves) {
  if (n == 0) return T(0);
  if (n <= kReduceLeaf) {
    // One leaf, its partial the result: no buffer, no configuration (a fifth
    // of a 16-element Dot's time).
    T partial;
    leaves(0, n, &partial);
    return partial;
  }
  const size_t num_leaves = (n + kReduceLeaf - 1) / kReduceLeaf;
  // One partial per leaf, in a per-thread buffer that is reused: no
  // allocation per call. (The leaves call no user code, so no reduction can
  // start on this thread while the buffer is in use.)
  thread_local std::vector<T> buffer;
  if (buffer.size() < num_leaves) buffer.resize(num_leaves);
  Partials(kernel, n, leaves, buffer.data());
  return PairwiseSumImpl(buffer.data(), num_leaves);
}

template <typename T>
auto SumLeavesOf(const char* fn, size_t n, const T* x) {
  CheckByteSize(fn, "n", n, sizeof(T));
  CheckNotNull(fn, "x", x, n);
  return [x](size_t b, size_t e, T* partials) {
    ops::SumLeaves(x + b, e - b, kReduceLeaf, partials);
  };
}

template <typename T>
auto DotLeavesOf(const char* fn, size_t n, const T* x, const T* y) {
  CheckByteSize(fn, "n", n, sizeof(T));
  CheckNotNull(fn, "x", x, n);
  CheckNotNull(fn, "y", y, n);
  return [x, y](size_t b, size_t e, T* partials) {
    ops::DotLeaves(x + b, y + b, e - b, kReduceLeaf, partials);
  };
}

}  // namespace

#define AMDAHL_DEFINE_REDUCE_API(T, ID, name)                                   \
  T Sum(size_t n, const T* x) {                                                 \
    return Reduce<T>(Kernel::kSum, n, SumLeavesOf("Sum", n, x));                \
  }                                                                             \
  T Dot(size_t n, const T* x, const T* y) {                                     \
    return Reduce<T>(Kernel::kDot, n, DotLeavesOf("Dot", n, x, y));             \
  }                                                                             \
  void SumPartials(size_t n, const T* x, T* partials) {                         \
    if (n != 0) CheckNotNull("SumPartials", "partials", partials, 1);           \
    Partials<T>(Kernel::kSum, n, SumLeavesOf("SumPartials", n, x), partials);   \
  }                                                                             \
  void DotPartials(size_t n, const T* x, const T* y, T* partials) {             \
    if (n != 0) CheckNotNull("DotPartials", "partials", partials, 1);           \
    Partials<T>(Kernel::kDot, n, DotLeavesOf("DotPartials", n, x, y), partials); \
  }                                                                             \
  T PairwiseSum(size_t count, T* partials) {                                    \
    if (count != 0) CheckNotNull("PairwiseSum", "partials", partials, count);   \
    return PairwiseSumImpl(partials, count);                                    \
  }
AMDAHL_FOR_EACH_DTYPE(AMDAHL_DEFINE_REDUCE_API)
#undef AMDAHL_DEFINE_REDUCE_API

}  // namespace amdahl
