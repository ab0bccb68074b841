// Per-target packing. The layouts whose reads are contiguous runs are
// copied a vector at a time: B not transposed (rows of a sliver) and A
// transposed (columns of a sliver). The others (A not transposed, B
// transposed: a transpose of mr or nr strided rows) are transposed a cache
// line of each row at a time.
#include "lib/ops/pack.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "lib/ops/pack.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/cache_control.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace amdahl {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Elements of T in a cache line.
template <typename T>
constexpr size_t kLine = HWY_MAX(size_t{1}, 64 / sizeof(T));

// dst[0, width) = src[0, count) then zeros: whole vectors while they fit in
// `count`, the rest one element at a time (no read past src + count).
template <typename T>
HWY_INLINE void CopyRun(const T* HWY_RESTRICT src, size_t count, size_t width,
                        T* HWY_RESTRICT dst) {
  const hn::ScalableTag<T> d;
  const size_t N = hn::Lanes(d);
  size_t c = 0;
  for (; c + N <= count; c += N) hn::StoreU(hn::LoadU(d, src + c), d, dst + c);
  for (; c < count; ++c) dst[c] = src[c];
  for (; c < width; ++c) dst[c] = T(0);
}

// Slivers of `width` columns from `depth` contiguous runs of `extent`
// elements (run p at src + p * ld): the layout of B not transposed and of A
// transposed. A run at a time across its slivers, the run kAhead steps on
// prefetched first: runs far apart in a large matrix each start on a new
// page, where the hardware prefetchers start late (one Zen 5 core, the 384 x
// 168 f64 blocks of a 4096 x 4096 B: 10-11 GB/s a sliver at a time, 11-12 a
// run at a time, 14.5-15.6 with the prefetch).
template <typename T>
void PackRuns(const T* src, size_t ld, size_t depth, size_t extent, size_t width, T* dst) {
  constexpr size_t kAhead = 4;
  // Long runs (a transposed A's, mc long) in parts of 16 slivers: a whole
  // run at a time wrote to each of hundreds of slivers spread over the packed
  // block (A^T 4096 x 16 x 4096: f64 1.27x the time of a sliver at a time;
  // parts of 2 KiB, 64 slivers of f32: f32 1.24x).
  const size_t part = 16 * width;
  for (size_t s0 = 0; s0 < extent; s0 += part) {
    const size_t len = HWY_MIN(part, extent - s0);
    for (size_t p = 0; p < depth; ++p) {
      if (p + kAhead < depth) {
        const T* ahead = src + (p + kAhead) * ld + s0;
        for (size_t c = 0; c < len; c += kLine<T>) hwy::Prefetch(ahead + c);
        hwy::Prefetch(ahead + len - 1);  // (the last line, where the run is not aligned)
      }
      const T* run = src + p * ld;
      for (size_t s = s0; s < s0 + len; s += width) {
        CopyRun(run + s, HWY_MIN(width, extent - s), width, dst + s * depth + p * width);
      }
    }
  }
}

// Slivers of `width` from rows read across: element (p, j) of sliver s at
// src[(s + j) * ld + p], j < width (A not transposed: rows of A; B
// transposed: rows of the stored B). A transpose, a cache line of each row
// at a time (read one p at a time across the rows, every load missed L1
// when the rows were 4 KiB apart, one set for all of them, and packing took
// a fifth of a transposed 1024^3 product on Zen 4): four rows a vector of
// steps each, interleaved (StoreInterleaved4: four values per step, side by
// side) and copied four values at a time.
template <typename T>
void PackAcross(const T* src, size_t ld, size_t depth, size_t extent, size_t width, T* dst) {
  const hn::ScalableTag<T> d;
  const size_t N = hn::Lanes(d);
  HWY_ALIGN T quad[4 * hn::MaxLanes(d)];
  for (size_t s = 0; s < extent; s += width) {
    const size_t count = HWY_MIN(width, extent - s);
    T* out = dst + s * depth;
    for (size_t p0 = 0; p0 < depth; p0 += kLine<T>) {
      const size_t steps = HWY_MIN(kLine<T>, depth - p0);
      T* block = out + p0 * width;
      // Whole vectors of steps, four rows at a time.
      const size_t vector_steps = steps / N * N;
      size_t j = 0;
      for (; j + 4 <= count && vector_steps != 0; j += 4) {
        const T* row = src + (s + j) * ld + p0;
        for (size_t p = 0; p < vector_steps; p += N) {
          hn::StoreInterleaved4(hn::LoadU(d, row + p), hn::LoadU(d, row + ld + p),
                                hn::LoadU(d, row + 2 * ld + p), hn::LoadU(d, row + 3 * ld + p),
                                d, quad);
          for (size_t q = 0; q < N; ++q) {
            hwy::CopyBytes<4 * sizeof(T)>(quad + 4 * q, block + (p + q) * width + j);
          }
        }
      }
      // The rows left over, and every row's steps past the whole vectors.
      for (size_t r = 0; r < count; ++r) {
        const T* row = src + (s + r) * ld + p0;
        for (size_t p = r < j ? vector_steps : 0; p < steps; ++p) block[p * width + r] = row[p];
      }
      for (size_t p = 0; p < steps; ++p) {
        for (size_t r = count; r < width; ++r) block[p * width + r] = T(0);
      }
    }
  }
}

template <typename T>
void PackAT(const T* a, size_t lda, bool trans, size_t mc, size_t kc, size_t mr, T* dst) {
  if (trans) {
    PackRuns(a, lda, kc, mc, mr, dst);
  } else {
    PackAcross(a, lda, kc, mc, mr, dst);
  }
}

template <typename T>
void PackBT(const T* b, size_t ldb, bool trans, size_t kc, size_t nc, size_t nr, T* dst) {
  if (!trans) {
    PackRuns(b, ldb, kc, nc, nr, dst);
  } else {
    PackAcross(b, ldb, kc, nc, nr, dst);
  }
}

#define AMDAHL_DEFINE_PACK(T, ID, name)                                                  \
  void PackA##ID(const T* a, size_t lda, bool trans, size_t mc, size_t kc, size_t mr,    \
                 T* dst) {                                                               \
    PackAT(a, lda, trans, mc, kc, mr, dst);                                              \
  }                                                                                      \
  void PackB##ID(const T* b, size_t ldb, bool trans, size_t kc, size_t nc, size_t nr,    \
                 T* dst) {                                                               \
    PackBT(b, ldb, trans, kc, nc, nr, dst);                                              \
  }
AMDAHL_FOR_EACH_DTYPE(AMDAHL_DEFINE_PACK)
#undef AMDAHL_DEFINE_PACK

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace amdahl {
namespace ops {

#define AMDAHL_EXPORT_PACK(T, ID, name)                                                  \
  HWY_EXPORT(PackA##ID);                                                                 \
  HWY_EXPORT(PackB##ID);                                                                 \
  void PackA(const T* a, size_t lda, bool trans, size_t mc, size_t kc, size_t mr,        \
             T* dst) {                                                                   \
    HWY_DYNAMIC_DISPATCH(PackA##ID)(a, lda, trans, mc, kc, mr, dst);                     \
  }                                                                                      \
  void PackB(const T* b, size_t ldb, bool trans, size_t kc, size_t nc, size_t nr,        \
             T* dst) {                                                                   \
    HWY_DYNAMIC_DISPATCH(PackB##ID)(b, ldb, trans, kc, nc, nr, dst);                     \
  }
AMDAHL_FOR_EACH_DTYPE(AMDAHL_EXPORT_PACK)
#undef AMDAHL_EXPORT_PACK

}  // namespace ops
}  // namespace amdahl
#endif  // HWY_ONCE
