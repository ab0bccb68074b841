// Per-target elementwise kernels: Scale, Axpy, Add, Triad.
#include "lib/ops/elementwise.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "lib/ops/elementwise.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/cache_control.h"
#include "hwy/highway.h"
#include "lib/ops/lanes-inl.h"

HWY_BEFORE_NAMESPACE();
namespace amdahl {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Runs op(d, i) -> vector for i in [0, n) in steps of N lanes and stores the
// result to out[i]. The head is peeled so that stores are vector-aligned
// (non-temporal stores need it, and split stores cost); the last partial
// vector goes through a padded stack copy, so no load or store touches
// memory outside [0, n). op(d, i) reads its inputs at [i, i + N) only, so
// `out` may be one of them (in place). `unrolled`: four vectors a step
// (else one).
template <class D, class T, class Op>
HWY_INLINE void StoreLoop(D d, T* out, size_t n, bool stream, bool unrolled,
                          const Op& op) {
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  // Head: elements up to the first aligned vector of `out`.
  const uintptr_t misalign = reinterpret_cast<uintptr_t>(out) % (N * sizeof(T));
  size_t head = misalign == 0 ? 0 : (N * sizeof(T) - misalign) / sizeof(T);
  if (misalign % sizeof(T) != 0) head = 0;  // not even element-aligned
  head = HWY_MIN(head, n);
  if (head != 0) op.Partial(d, 0, head);
  i = head;
  if (stream && misalign % sizeof(T) == 0) {
    for (; i + N <= n; i += N) hn::Stream(op(d, i), d, out + i);
    hwy::FlushStream();
  } else {
    for (; unrolled && i + 4 * N <= n; i += 4 * N) {
      const auto v0 = op(d, i);
      const auto v1 = op(d, i + N);
      const auto v2 = op(d, i + 2 * N);
      const auto v3 = op(d, i + 3 * N);
      hn::StoreU(v0, d, out + i);
      hn::StoreU(v1, d, out + i + N);
      hn::StoreU(v2, d, out + i + 2 * N);
      hn::StoreU(v3, d, out + i + 3 * N);
    }
    for (; i + N <= n; i += N) hn::StoreU(op(d, i), d, out + i);
  }
  if (i < n) op.Partial(d, i, n - i);
}

// Copies `count` < N elements of up to three inputs at `i` into padded
// buffers, applies the vector op there and copies the result to out + i.
template <class D, class T, class F>
HWY_INLINE void PartialVector(D d, const T* x, const T* y, T* out, size_t i,
                              size_t count, const F& f) {
  HWY_ALIGN T bx[hn::MaxLanes(D())] = {};
  HWY_ALIGN T by[hn::MaxLanes(D())] = {};
  HWY_ALIGN T bo[hn::MaxLanes(D())];
  for (size_t j = 0; j < count; ++j) {
    bx[j] = x[i + j];
    if (y != nullptr) by[j] = y[i + j];
  }
  hn::Store(f(hn::Load(d, bx), hn::Load(d, by)), d, bo);
  for (size_t j = 0; j < count; ++j) out[i + j] = bo[j];
}

// An elementwise op on two inputs: out = f(x[i], y[i]); y may be null.
template <class T, class F>
struct BinaryOp {
  const T* x;
  const T* y;
  T* out;
  F f;
  template <class D>
  HWY_INLINE hn::Vec<D> operator()(D d, size_t i) const {
    return f(hn::LoadU(d, x + i), y ? hn::LoadU(d, y + i) : hn::Zero(d));
  }
  template <class D>
  HWY_INLINE void Partial(D d, size_t i, size_t count) const {
#if HWY_TARGET <= HWY_AVX2
    // Masked loads and stores: AVX2 and AVX-512 never touch masked-off lanes.
    const auto m = hn::FirstN(d, count);
    const auto vx = hn::MaskedLoad(m, d, x + i);
    const auto vy = y ? hn::MaskedLoad(m, d, y + i) : hn::Zero(d);
    hn::BlendedStore(f(vx, vy), m, d, out + i);
#else
    // Older targets emulate masked loads with full loads: use a copy.
    PartialVector(d, x, y, out, i, count, f);
#endif
  }
};

template <class D, class T, class F>
HWY_INLINE void Run(D d, const T* x, const T* y, T* out, size_t n, bool stream,
                    const F& f, bool unrolled = true) {
  const BinaryOp<T, F> op{x, y, out, f};
  StoreLoop(d, out, n, stream, unrolled, op);
}

// Scale unrolls only while an array stays in L1 (at most 32 KiB): from L2
// one vector a step ran 2.5-4 % faster than four (one Zen 5 core, f32
// 12,000-20,000, i64 8,192), in L1 5-50 % slower (f32 4,096-8,192). Axpy,
// Add and Triad gained nothing from L2 that way, and Add f32 20,000 lost
// 10 % (Zen 5, 2026-12-02): they stay unrolled.
constexpr size_t kScaleUnrolledMaxBytes = 32 * 1024;
// From L2 (past the unrolled range, up to a quarter of a 1 MiB L2 an
// array), AVX-512 targets scale 256-bit vectors, one a step, as a compiler's
// plain loop does. One Zen 5 core, 2026-12-03, against 512-bit ones:
// f32 12,000-50,000 0.92-0.98x the time, i32 20,000 0.96x, f64 0.96-0.98x,
// i64 0.99x, but the powers of two f32 32,768 and 65,536 1.06x and 1.03x
// (f64 16,384 0.94x); at 800 KB an array (f64 and f32 100,000-200,000, L3 on
// the way) 1.01-1.02x, so not there. Four vectors a step: 1.5-3 % slower at
// 12,000-20,000. (Not measured on Intel.)
#if HWY_TARGET <= HWY_AVX3
constexpr size_t kScaleHalfVectorsMaxBytes = 256 * 1024;
#endif

template <class D, class T>
HWY_INLINE void ScaleWith(D d, T a, const T* x, T* y, size_t n, bool stream, bool unrolled) {
  const auto va = hn::Set(d, a);
  Run(d, x, static_cast<const T*>(nullptr), y, n, stream,
      [d, va](hn::Vec<D> vx, hn::Vec<D>) { return MulAny(d, va, vx); }, unrolled);
}

template <class T>
void ScaleT(T a, const T* x, T* y, size_t n, bool stream) {
  const hn::ScalableTag<T> d;
  const size_t bytes = n * sizeof(T);
#if HWY_TARGET <= HWY_AVX3
  if (!stream && bytes > kScaleUnrolledMaxBytes && bytes <= kScaleHalfVectorsMaxBytes) {
    ScaleWith(hn::Half<decltype(d)>(), a, x, y, n, stream, false);
    return;
  }
#endif
  ScaleWith(d, a, x, y, n, stream, bytes <= kScaleUnrolledMaxBytes);
}

template <class T>
void AxpyT(T a, const T* x, T* y, size_t n, bool stream) {
  const hn::ScalableTag<T> d;
  const auto va = hn::Set(d, a);
  Run(d, x, y, y, n, stream,
      [d, va](hn::Vec<decltype(d)> vx, hn::Vec<decltype(d)> vy) {
        return MulAddAny(d, va, vx, vy);
      });
}

template <class T>
void AddT(const T* x, const T* y, T* z, size_t n, bool stream) {
  Run(hn::ScalableTag<T>(), x, y, z, n, stream,
      [](auto vx, auto vy) { return hn::Add(vx, vy); });
}

template <class T>
void TriadT(const T* x, T a, const T* y, T* z, size_t n, bool stream) {
  const hn::ScalableTag<T> d;
  const auto va = hn::Set(d, a);
  Run(d, x, y, z, n, stream,
      [d, va](hn::Vec<decltype(d)> vx, hn::Vec<decltype(d)> vy) {
        return MulAddAny(d, va, vy, vx);
      });
}

#define AMDAHL_DEFINE_ELEMENTWISE(T, NAME, name)                                    \
  void Scale##NAME(T a, const T* x, T* y, size_t n, bool s) {                \
    ScaleT(a, x, y, n, s);                                                    \
  }                                                                           \
  void Axpy##NAME(T a, const T* x, T* y, size_t n, bool s) {                 \
    AxpyT(a, x, y, n, s);                                                     \
  }                                                                           \
  void Add##NAME(const T* x, const T* y, T* z, size_t n, bool s) {           \
    AddT(x, y, z, n, s);                                                      \
  }                                                                           \
  void Triad##NAME(const T* x, T a, const T* y, T* z, size_t n, bool s) {    \
    TriadT(x, a, y, z, n, s);                                                 \
  }
AMDAHL_FOR_EACH_DTYPE(AMDAHL_DEFINE_ELEMENTWISE)
#undef AMDAHL_DEFINE_ELEMENTWISE

}  // namespace HWY_NAMESPACE
}  // namespace amdahl
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace amdahl {
namespace ops {

#define AMDAHL_EXPORT_ELEMENTWISE(T, NAME, name)                                    \
  HWY_EXPORT(Scale##NAME);                                                    \
  HWY_EXPORT(Axpy##NAME);                                                     \
  HWY_EXPORT(Add##NAME);                                                      \
  HWY_EXPORT(Triad##NAME);                                                    \
  void Scale(T a, const T* x, T* y, size_t n, bool s) {                      \
    HWY_DYNAMIC_DISPATCH(Scale##NAME)(a, x, y, n, s);                         \
  }                                                                           \
  void Axpy(T a, const T* x, T* y, size_t n, bool s) {                       \
    HWY_DYNAMIC_DISPATCH(Axpy##NAME)(a, x, y, n, s);                          \
  }                                                                           \
  void Add(const T* x, const T* y, T* z, size_t n, bool s) {                 \
    HWY_DYNAMIC_DISPATCH(Add##NAME)(x, y, z, n, s);                           \
  }                                                                           \
  void Triad(const T* x, T a, const T* y, T* z, size_t n, bool s) {          \
    HWY_DYNAMIC_DISPATCH(Triad##NAME)(x, a, y, z, n, s);                      \
  }
AMDAHL_FOR_EACH_DTYPE(AMDAHL_EXPORT_ELEMENTWISE)
#undef AMDAHL_EXPORT_ELEMENTWISE

}  // namespace ops
}  // namespace amdahl
#endif  // HWY_ONCE
