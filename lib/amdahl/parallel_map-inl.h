// ParallelMap: runs your own Highway lambda over arrays, vectorized and on the
// pool, with the same size rules as amdahl's kernels (small arrays run on the
// caller; large ones in one contiguous part per thread). Header-only: the
// lambda is compiled in your translation unit, for your Highway target.
//
//   #include "hwy/highway.h"
//   #include "amdahl/parallel_map-inl.h"
//   namespace hn = hwy::HWY_NAMESPACE;
//   // y[i] = 2 * x[i], the notebook's f(k) = 2k:
//   amdahl::HWY_NAMESPACE::ParallelMap(n, x, y, [](auto d, auto v) {
//     return hn::Add(v, v);
//   });
//
// f(d, v) receives a descriptor and one vector of inputs and returns the
// vector of outputs. The output may be the input array (in place). The last
// partial vector goes through a zero-padded copy, so f also sees padding
// lanes: it must not trap on zeros (no integer division by the input).
//
// Like other Highway -inl headers it may be included once per target from a
// file that uses foreach_target.h, or once, after hwy/highway.h, for static
// dispatch.

// Per-target include guard (Highway's toggle idiom).
#if defined(AMDAHL_PARALLEL_MAP_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AMDAHL_PARALLEL_MAP_INL_H_
#undef AMDAHL_PARALLEL_MAP_INL_H_
#else
#define AMDAHL_PARALLEL_MAP_INL_H_
#endif

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

#include "amdahl/config.h"
#include "amdahl/error.h"
#include "amdahl/pool.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace amdahl {
namespace HWY_NAMESPACE {

// Returns the configuration a map over T uses: that of Scale (one array
// read, one written).
template <typename T>
LoopConfig MapConfig(size_t n) {
  // DTypeOf: a type outside the dtype list does not compile.
  return GetLoopConfig(Kernel::kScale, DTypeOf<T>(), n);
}

// out[i, i + N) = f(d, in[i, i + N)) over [0, count), on this thread.
template <typename T, class F>
HWY_INLINE void MapRange(const T* in, T* out, size_t count, const F& f) {
  namespace hn = hwy::HWY_NAMESPACE;
  const hn::ScalableTag<T> d;
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  for (; i + N <= count; i += N) hn::StoreU(f(d, hn::LoadU(d, in + i)), d, out + i);
  if (i < count) {
    HWY_ALIGN T buf[hn::MaxLanes(decltype(d)())] = {};
    for (size_t j = 0; i + j < count; ++j) buf[j] = in[i + j];
    hn::Store(f(d, hn::Load(d, buf)), d, buf);
    for (size_t j = 0; i + j < count; ++j) out[i + j] = buf[j];
  }
}

// out[i] = f(d, in[i]) lane-wise for i in [0, n); see the top of this file.
template <typename T, class F>
void ParallelMap(size_t n, const T* in, T* out, const F& f) {
  if (n == 0) return;
  if (in == nullptr || out == nullptr) {
    throw Error(std::string("amdahl::ParallelMap: ") + (in ? "out" : "in") +
                " is null with n = " + std::to_string(n));
  }
  // The overlap test below computes n * sizeof(T) bytes: it must not wrap.
  if (n > SIZE_MAX / sizeof(T) / 2) {
    throw Error("amdahl::ParallelMap: n = " + std::to_string(n) +
                " elements is too large (size overflows)");
  }
  const uintptr_t a = reinterpret_cast<uintptr_t>(in);
  const uintptr_t b = reinterpret_cast<uintptr_t>(out);
  if (a != b && a < b + n * sizeof(T) && b < a + n * sizeof(T)) {
    throw Error("amdahl::ParallelMap: out overlaps in without being the same array");
  }
  const LoopConfig c = MapConfig<T>(n);
  if (n < c.serial_cutoff || c.threads <= 1) {
    MapRange(in, out, n, f);
    return;
  }
  // The pointers by value: with f's address they travel in each worker's job
  // line (pool.h), and a stateless f is never read from the caller's stack.
  detail::ParallelRunOf(0, n, ChunkSize(n, c), c.threads, LoopSchedule(n, c),
                        [in, out, &f](size_t begin, size_t end) {
                          MapRange(in + begin, out + begin, end - begin, f);
                        });
}

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#endif  // AMDAHL_PARALLEL_MAP_INL_H_
