// Public GEMM: checks, the thread grid, the blocked loops and the packing.
// The Highway macro-kernel lives in lib/ops/gemm-inl.h.
#include "amdahl/gemm.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "amdahl/config.h"
#include "amdahl/elementwise.h"
#include "amdahl/error.h"
#include "amdahl/pool.h"
#include "lib/kernels/beta_scale.h"
#include "lib/kernels/check.h"
#include "lib/kernels/gemm_exact.h"
#include "lib/kernels/gemm_grid.h"
#include "lib/kernels/gemm_macros.h"
#include "lib/kernels/gemv_row_major.h"
#include "lib/kernels/scratch_buffer.h"
#include "lib/ops/gemm.h"
#include "lib/ops/pack.h"

namespace amdahl {
namespace {

// A matrix operand as the kernels see it: element (i, j) of op(X).
template <typename T>
struct Operand {
  const T* data;
  size_t ld;
  bool trans;  // element (i, j) at data[j * ld + i] instead of data[i * ld + j]
  const T& At(size_t i, size_t j) const {
    return trans ? data[j * ld + i] : data[i * ld + j];
  }
};

// Per-thread packing buffers, reused.
thread_local ScratchBuffer t_pack_a;
thread_local ScratchBuffer t_pack_b;

// Packs op(A)[i0, i0 + mc) x [p0, p0 + kc) (ops::PackA's layout).
template <typename T>
void PackA(const Operand<T>& a, size_t i0, size_t mc, size_t p0, size_t kc, size_t mr, T* dst) {
  const T* block = a.trans ? a.data + p0 * a.ld + i0 : a.data + i0 * a.ld + p0;
  ops::PackA(block, a.ld, a.trans, mc, kc, mr, dst);
}

// Packs op(B)[p0, p0 + kc) x [j0, j0 + nc) (ops::PackB's layout).
template <typename T>
void PackB(const Operand<T>& b, size_t p0, size_t kc, size_t j0, size_t nc, size_t nr, T* dst) {
  const T* block = b.trans ? b.data + j0 * b.ld + p0 : b.data + p0 * b.ld + j0;
  ops::PackB(block, b.ld, b.trans, kc, nc, nr, dst);
}

// Which operands of an m x n x k part the macro-kernel reads in place
// rather than packed.
struct InPlace {
  bool a;
  bool b;
  // Nothing packed and one cache block (every small product): the
  // macro-kernel straight away.
  bool one_block;
};

template <typename T>
inline InPlace ReadInPlace(const GemmConfig& cfg, size_t m, size_t n, size_t k, bool ta,
                           bool tb, size_t ldb) {
  // B not transposed, its rows within a span that stays in L2: the
  // microkernel reads it in place (row stride ldb; a ragged last vector under
  // a mask) and packing it would cost more than it saves.
  const bool b_in_place = ReadsBInPlace(cfg, tb, k, ldb, sizeof(T));
  // A, not transposed, is read in place up to cfg's limit (64x L2 by
  // default): packing it (a transpose into mr-row slivers) costs as much as
  // the multiply for small products and saves nothing for larger ones
  // (config/gemm_config.cc has the measurements). Larger too
  // when its columns are one block (n <= nc): each block of A then meets
  // one block of B, and packing would read and write all of A once more
  // for nothing (two Zen 4 threads, 4096 x n x 4096: f32 n = 16 95 -> 161
  // GFLOPS, n = 240 189 -> 211; f64 n = 16 46 -> 90). (A limit of 0 packs
  // A always: the tests' packed paths.)
  const bool a_in_place =
      !ta && cfg.a_in_place_max_bytes != 0 &&
      (m * k * sizeof(T) <= cfg.a_in_place_max_bytes || n <= cfg.nc);
  // (B read in place spans at most half of L2 whole: its columns are not cut
  // into blocks of nc, which exist to keep a block of B there.)
  return InPlace{a_in_place, b_in_place, a_in_place && b_in_place && m <= cfg.mc && k <= cfg.kc};
}

// The A and B layouts of an operand read in place (row-major, not
// transposed).
inline ops::ALayout InPlaceA(const GemmConfig& cfg, size_t lda) {
  return ops::ALayout{lda, 1, cfg.mr * lda};
}
inline ops::BLayout InPlaceB(const GemmConfig& cfg, size_t ldb) {
  return ops::BLayout{ldb, cfg.nr};
}

// GemmBlocked's loops over cache blocks, packing what is not read in place.
template <typename T>
[[gnu::noinline]] void GemmBlockLoops(const GemmConfig& cfg, ops::GemmMacroFn<T> macro,
                                      size_t i0, size_t m, size_t j0, size_t n, size_t k,
                                      T alpha, const Operand<T>& a, const Operand<T>& b, T beta,
                                      T* c, size_t ldc, bool a_in_place, bool b_in_place) {
  // Packing writes whole slivers: room for ceil(rows / mr) of them.
  auto whole = [](size_t x, size_t tile) { return (x + tile - 1) / tile * tile; };
  const size_t mc_max = whole(std::min(cfg.mc, m), cfg.mr);
  const size_t nc_max = whole(std::min(cfg.nc, n), cfg.nr);
  const size_t kc_max = std::min(cfg.kc, k);
  // (Operands read in place need no buffer: a product packing one of them
  // skips the other's thread-local lookup.)
  T* pa = a_in_place ? nullptr : static_cast<T*>(t_pack_a.Get(mc_max * kc_max * sizeof(T)));
  T* pb = b_in_place ? nullptr : static_cast<T*>(t_pack_b.Get(nc_max * kc_max * sizeof(T)));
  // B read in place lies in half of L2 whole (ReadInPlace): one block of all
  // its columns. Cut at nc, the last block was a few columns of narrow,
  // slow tiles (one Zen 5 core, f32 256^3 with nc = 240: 16 columns on
  // 8 x 1-vector tiles).
  const size_t nc_step = b_in_place ? n : cfg.nc;
  for (size_t ic = 0; ic < m; ic += cfg.mc) {
    const size_t mc = std::min(cfg.mc, m - ic);
    for (size_t pc = 0; pc < k; pc += cfg.kc) {
      const size_t kc = std::min(cfg.kc, k - pc);
      const T beta_now = pc == 0 ? beta : T(1);
      const T* a_panel = pa;
      ops::ALayout a_layout{1, cfg.mr, cfg.mr * kc};
      if (a_in_place) {
        a_panel = a.data + (i0 + ic) * a.ld + pc;
        a_layout = InPlaceA(cfg, a.ld);
      } else {
        PackA(a, i0 + ic, mc, pc, kc, cfg.mr, pa);
      }
      for (size_t jc = 0; jc < n; jc += nc_step) {
        const size_t nc = std::min(nc_step, n - jc);
        T* c_block = c + (i0 + ic) * ldc + j0 + jc;
        if (b_in_place) {
          macro(mc, nc, kc, a_panel, a_layout, b.data + pc * b.ld + j0 + jc, InPlaceB(cfg, b.ld),
                alpha, beta_now, c_block, ldc);
        } else {
          PackB(b, pc, kc, j0 + jc, nc, cfg.nr, pb);
          macro(mc, nc, kc, a_panel, a_layout, pb, ops::BLayout{cfg.nr, cfg.nr * kc}, alpha,
                beta_now, c_block, ldc);
        }
      }
    }
  }
}

// C[i0, i0 + m) x [j0, j0 + n) = alpha op(A) op(B) + beta C, blocked for the
// caches, on the calling thread.
template <typename T>
inline void GemmBlocked(const GemmConfig& cfg, const GemmMacros<T>& macros, size_t i0,
                        size_t m, size_t j0, size_t n, size_t k, T alpha, const Operand<T>& a,
                        const Operand<T>& b, T beta, T* c, size_t ldc) {
  const InPlace in_place = ReadInPlace<T>(cfg, m, n, k, a.trans, b.trans, b.ld);
  if (in_place.one_block) {
    // (Through the loops, 10 ns more of a 1 x 1 product's 60.)
    macros.a_in_place(m, n, k, a.data + i0 * a.ld, InPlaceA(cfg, a.ld), b.data + j0,
                      InPlaceB(cfg, b.ld), alpha, beta, c + i0 * ldc + j0, ldc);
    return;
  }
  GemmBlockLoops(cfg, in_place.a ? macros.a_in_place : macros.a_packed, i0, m, j0, n, k, alpha,
                 a, b, beta, c, ldc, in_place.a, in_place.b);
}

// x and y of a GEMM computed as a GEMV, where they are strided, per thread.
thread_local ScratchBuffer t_gemv_vectors;

// Whether C = alpha op(A) op(B) + beta C, with one row or one column of C,
// runs as the matrix-vector product it is: GEMV streams the matrix along
// its rows at the memory's speed, where a register tile fills one lane of
// each vector (two Zen 4 threads, 4096 x 4096: f32 4096 x 1 0.33x the time,
// 1 x 4096 0.46x; one thread, 1 x 64 x 64 0.49x). One row of C always (C's
// row is op(B)^T x: column sums). One column of C as dot products of A's
// rows with x only when the rows are long: the dot kernel's horizontal sums
// cost more than the tile's wasted lanes on short ones (one Zen 4 thread,
// f32 4096 x 1 x 256 1.24x the time, 4096 x 1 x 64 1.26x, 64 x 1 x 1024
// 0.45x); A transposed, as column sums whatever k (the tile packed it).
inline bool GemmIsGemv(bool ta, size_t m, size_t n, size_t k) {
  constexpr size_t kMinDotLength = 512;
  return m == 1 || (n == 1 && (ta || k >= kMinDotLength));
}

// GEMM as GEMV (GemmIsGemv). The vector operand and a column of C are
// strided (ldb, lda, ldc apart): they are copied in and out. (Out of line,
// and its branch marked unlikely: inlined, the other products' calls were
// 1-4 % slower at 64 x 1 x 64.)
template <typename T>
[[gnu::noinline]] void GemmAsGemv(bool ta, bool tb, size_t m, size_t n, size_t k, T alpha,
                                  const T* a, size_t lda, const T* b, size_t ldb, T beta, T* c,
                                  size_t ldc) {
  // The matrix (stored row-major: rows x cols), whether op uses it
  // transposed, the vector and its stride, and C's stride.
  const T* matrix;
  size_t rows, cols, ld;
  bool transposed;
  const T* x;
  size_t x_stride, y_stride, ny;
  if (n == 1) {  // C's column = op(A) op(B)'s column
    matrix = a;
    ld = lda;
    rows = ta ? k : m;
    cols = ta ? m : k;
    transposed = ta;
    x = b;
    x_stride = tb ? 1 : ldb;
    y_stride = ldc;
    ny = m;
  } else {  // C's row = op(B)^T op(A)'s row
    matrix = b;
    ld = ldb;
    rows = tb ? n : k;
    cols = tb ? k : n;
    transposed = !tb;
    x = a;
    x_stride = ta ? lda : 1;
    y_stride = 1;
    ny = n;
  }
  const bool copy_x = x_stride != 1 && k > 1, copy_y = y_stride != 1 && ny > 1;
  T* buffer = copy_x || copy_y ? static_cast<T*>(t_gemv_vectors.Get(
                                     ((copy_x ? k : 0) + (copy_y ? ny : 0)) * sizeof(T)))
                               : nullptr;
  if (copy_x) {
    for (size_t p = 0; p < k; ++p) buffer[p] = x[p * x_stride];
    x = buffer;
  }
  T* y = c;
  if (copy_y) {
    y = buffer + (copy_x ? k : 0);
    // (beta == 0 never reads C.)
    if (beta != T(0)) {
      for (size_t i = 0; i < ny; ++i) y[i] = c[i * y_stride];
    }
  }
  GemvRowMajor(transposed, rows, cols, alpha, matrix, ld, x, beta, y);
  if (copy_y) {
    for (size_t i = 0; i < ny; ++i) c[i * y_stride] = y[i];
  }
}

// The user's names of the row-major A and B operands (swapped for
// column-major calls), for error messages.
struct Names {
  const char* a;
  const char* lda;
  const char* b;
  const char* ldb;
  // What a leading dimension must cover, in the caller's layout.
  const char* ld_covers;
};
constexpr Names kRowMajorNames{"a", "lda", "b", "ldb", "columns of the stored row-major matrix"};
constexpr Names kColMajorNames{"b", "ldb", "a", "lda", "rows of the stored column-major matrix"};

// The messages of GemmRowMajor's checks, out of its way (it runs on every
// call; building the strings inline kept its checks from inlining).
[[noreturn, gnu::noinline, gnu::cold]] void ThrowLeadingDimension(const char* fn,
                                                                   const char* name,
                                                                   size_t value, size_t at_least,
                                                                   const char* covers) {
  throw Error(std::string("amdahl::") + fn + ": " + name + " = " + std::to_string(value) +
              " is less than " + std::to_string(std::max<size_t>(at_least, 1)) + ", the " +
              covers);
}

[[noreturn, gnu::noinline, gnu::cold]] void ThrowExtent(const char* fn, const char* name,
                                                         size_t rows, size_t ld) {
  throw Error(std::string("amdahl::") + fn + ": " + name + " (" + std::to_string(rows) +
              " rows x leading dimension " + std::to_string(ld) +
              ") overflows the address space");
}

[[noreturn, gnu::noinline, gnu::cold]] void ThrowAlias(const char* name) {
  throw Error(std::string("amdahl::Gemm: c overlaps ") + name +
              "; the output must not alias an input");
}

// The thread grid of an m x n product under cfg (tm x tn, either may be
// null): its part count, 1 where it runs on the calling thread.
inline size_t GridParts(const GemmConfig& cfg, size_t m, size_t n, size_t* tm, size_t* tn) {
  size_t rows = 1, cols = 1;
  if (cfg.threads > 1) ThreadGrid(m, n, cfg.mr, cfg.nr, cfg.lanes, cfg.threads, &rows, &cols);
  if (tm != nullptr) *tm = rows;
  if (tn != nullptr) *tn = cols;
  return rows * cols;
}

// A product split over a tm x tn grid of threads: part t computes its block
// of C.
template <typename T>
struct GemmParts {
  GemmConfig cfg;
  GemmMacros<T> macros;
  Operand<T> a, b;
  size_t m, n, k, tm, tn;
  T alpha, beta;
  T* c;
  size_t ldc;

  void Run(size_t t) const {
    size_t i0, i1, j0, j1;
    Split(m, tm, t / tn, cfg.mr, &i0, &i1);
    Split(n, tn, t % tn, cfg.nr, &j0, &j1);
    if (i1 > i0 && j1 > j0) {
      GemmBlocked(cfg, macros, i0, i1 - i0, j0, j1 - j0, k, alpha, a, b, beta, c, ldc);
    }
  }
};

// Throws if a leading dimension is too small for the stored shape or a
// matrix's extent overflows (what a plan checks once); fn names the caller.
template <typename T>
[[gnu::always_inline]] inline void CheckShape(const char* fn, bool ta, bool tb, size_t m,
                                              size_t n, size_t k, size_t lda, size_t ldb,
                                              size_t ldc, const Names& names) {
  // Stored shapes (row-major): A is m x k, or k x m when transposed.
  const size_t a_rows = ta ? k : m, a_cols = ta ? m : k;
  const size_t b_rows = tb ? n : k, b_cols = tb ? k : n;
  auto need = [fn, &names](const char* name, size_t value, size_t at_least) {
    if (__builtin_expect(value < std::max<size_t>(at_least, 1), 0)) {
      ThrowLeadingDimension(fn, name, value, at_least, names.ld_covers);
    }
  };
  need(names.lda, lda, a_cols);
  need(names.ldb, ldb, b_cols);
  need("ldc", ldc, n);
  auto extent = [fn](const char* name, size_t rows, size_t ld) {
    // rows * ld * sizeof(T) within half the address space (no division:
    // this runs on every call).
    size_t bytes = 0;
    if (__builtin_expect(__builtin_mul_overflow(rows, ld, &bytes) ||
                             __builtin_mul_overflow(bytes, sizeof(T), &bytes) ||
                             bytes > std::numeric_limits<size_t>::max() / 2,
                         0)) {
      ThrowExtent(fn, name, rows, ld);
    }
  };
  extent(names.a, a_rows, lda);
  extent(names.b, b_rows, ldb);
  extent("c", m, ldc);
}

// Throws if a pointer is null where elements are accessed, or C overlaps A
// or B (what a plan checks on every call). m, n >= 1.
template <typename T>
[[gnu::always_inline]] inline void CheckPointers(bool ta, bool tb, size_t m, size_t n, size_t k,
                                                 bool uses_ab, const T* a, size_t lda,
                                                 const T* b, size_t ldb, const T* c,
                                                 size_t ldc, const Names& names) {
  CheckNotNull("Gemm", "c", c, m * n);
  if (uses_ab) {
    CheckNotNull("Gemm", names.a, a, m * k);
    CheckNotNull("Gemm", names.b, b, k * n);
    const size_t a_rows = ta ? k : m, a_cols = ta ? m : k;
    const size_t b_rows = tb ? n : k, b_cols = tb ? k : n;
    if (RegionsOverlap(c, m, n, ldc, a, a_rows, a_cols, lda, sizeof(T))) ThrowAlias(names.a);
    if (RegionsOverlap(c, m, n, ldc, b, b_rows, b_cols, ldb, sizeof(T))) ThrowAlias(names.b);
  }
}

// Inlined into both layouts' calls: its fourteen arguments went through the
// stack (16^3 108 -> 101 ns, 8 KiB more code).
template <typename T>
[[gnu::always_inline]] inline void GemmRowMajor(Trans trans_a, Trans trans_b, size_t m,
                                                size_t n, size_t k, T alpha, const T* a,
                                                size_t lda, const T* b, size_t ldb, T beta,
                                                T* c, size_t ldc, const Names& names) {
  const bool ta = trans_a == Trans::kYes, tb = trans_b == Trans::kYes;
  CheckShape<T>("Gemm", ta, tb, m, n, k, lda, ldb, ldc, names);
  if (m == 0 || n == 0) return;
  const bool uses_ab = k != 0 && alpha != T(0);
  CheckPointers(ta, tb, m, n, k, uses_ab, a, lda, b, ldb, c, ldc, names);
  if (!uses_ab) {
    BetaScale(m, n, beta, c, ldc);
    return;
  }
  if (__builtin_expect(GemmIsGemv(ta, m, n, k), 0)) {
    GemmAsGemv(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }

  if constexpr (std::is_integral_v<T>) {
    // Small enough values run on the float units, exactly.
    if (GemmExactOnFloat(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)) return;
  }

  // Every source of a configuration is checked where it is made, the tile
  // too: the defaults once per target, a wisdom entry where it is applied,
  // an override where it is set and again (its tile) where it is read.
  const GemmConfig cfg = GetGemmConfig(DTypeOf<T>(), m, n, k);
  const GemmMacros<T> macros = GemmMacrosFor<T>(cfg);
  const Operand<T> op_a{a, lda, ta};
  const Operand<T> op_b{b, ldb, tb};
  size_t tm, tn;
  if (GridParts(cfg, m, n, &tm, &tn) == 1) {
    GemmBlocked(cfg, macros, 0, m, 0, n, k, alpha, op_a, op_b, beta, c, ldc);
    return;
  }
  // Everything a part needs sits in one block, which the lambda names by one
  // pointer: a worker finds that pointer in its job's line and reads the
  // block in one round of misses (the lambda's thirteen references to the
  // caller's stack were a round of their own).
  const GemmParts<T> parts{cfg, macros, op_a, op_b, m, n, k, tm, tn, alpha, beta, c, ldc};
  detail::ParallelRunOf(0, tm * tn, 1, tm * tn, GemmSchedule(m, n, k, tm * tn),
                        [p = &parts](size_t t, size_t) { p->Run(t); });
}

template <typename T>
void GemmImpl(Trans trans_a, Trans trans_b, size_t m, size_t n, size_t k,
              T alpha, const T* a, size_t lda, const T* b, size_t ldb, T beta,
              T* c, size_t ldc, Layout layout) {
  CheckEnum("Gemm", "trans_a", trans_a, 2, "Trans");
  CheckEnum("Gemm", "trans_b", trans_b, 2, "Trans");
  CheckEnum("Gemm", "layout", layout, 2, "Layout");
  if (layout == Layout::kColMajor) {
    // Column-major C = op(A) op(B) is row-major C^T = op(B)^T op(A)^T: the
    // same buffers with A and B swapped.
    GemmRowMajor(trans_b, trans_a, n, m, k, alpha, b, ldb, a, lda, beta, c, ldc,
                 kColMajorNames);
  } else {
    GemmRowMajor(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                 kRowMajorNames);
  }
}

}  // namespace

#define AMDAHL_DEFINE_GEMM_API(T, ID, name)                                   \
  void Gemm(Trans trans_a, Trans trans_b, size_t m, size_t n, size_t k,       \
            T alpha, const T* a, size_t lda, const T* b, size_t ldb, T beta,  \
            T* c, size_t ldc, Layout layout) {                                \
    GemmImpl(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,  \
             layout);                                                         \
  }
AMDAHL_FOR_EACH_DTYPE(AMDAHL_DEFINE_GEMM_API)
#undef AMDAHL_DEFINE_GEMM_API

namespace detail {

// What a GemmPlan fixed at creation.
template <typename T>
struct GemmPlanState {
  // The caller's arguments, for the products that run as Gemm runs them.
  Trans trans_a, trans_b;
  size_t m, n, k, lda, ldb, ldc;
  Layout layout;
  // The same product in row-major terms (a column-major one is C^T = op(B)^T
  // op(A)^T, as Gemm computes it) and its one macro-kernel call: a float
  // product of one cache block on one thread, A and B read in place; else
  // one_block is nullptr.
  size_t rm, rn, rlda, rldb;
  ops::GemmMacroFn<T> one_block = nullptr;
  ops::ALayout a_layout{};
  ops::BLayout b_layout{};
};

}  // namespace detail

template <typename T>
GemmPlan<T>::GemmPlan(Trans trans_a, Trans trans_b, size_t m, size_t n, size_t k, size_t lda,
                      size_t ldb, size_t ldc, Layout layout) {
  CheckEnum("GemmPlan", "trans_a", trans_a, 2, "Trans");
  CheckEnum("GemmPlan", "trans_b", trans_b, 2, "Trans");
  CheckEnum("GemmPlan", "layout", layout, 2, "Layout");
  const bool swap = layout == Layout::kColMajor;
  auto s = std::make_shared<detail::GemmPlanState<T>>(
      detail::GemmPlanState<T>{trans_a, trans_b, m, n, k, lda, ldb, ldc, layout,
                               swap ? n : m, swap ? m : n, swap ? ldb : lda, swap ? lda : ldb});
  const bool ta = (swap ? trans_b : trans_a) == Trans::kYes;
  const bool tb = (swap ? trans_a : trans_b) == Trans::kYes;
  CheckShape<T>("GemmPlan", ta, tb, s->rm, s->rn, k, s->rlda, s->rldb, ldc,
                swap ? kColMajorNames : kRowMajorNames);
  if constexpr (std::is_floating_point_v<T>) {
    if (s->rm != 0 && s->rn != 0 && k != 0 && !GemmIsGemv(ta, s->rm, s->rn, k)) {
      const GemmConfig cfg = GetGemmConfig(DTypeOf<T>(), s->rm, s->rn, k);
      if (GridParts(cfg, s->rm, s->rn, nullptr, nullptr) == 1 &&
          ReadInPlace<T>(cfg, s->rm, s->rn, k, ta, tb, s->rldb).one_block) {
        s->one_block = GemmMacrosFor<T>(cfg).a_in_place;
        s->a_layout = InPlaceA(cfg, s->rlda);
        s->b_layout = InPlaceB(cfg, s->rldb);
      }
    }
  }
  state_ = std::move(s);
}

template <typename T>
void GemmPlan<T>::operator()(T alpha, const T* a, const T* b, T beta, T* c) const {
  const detail::GemmPlanState<T>& s = *state_;
  if (s.one_block == nullptr || alpha == T(0)) {
    Gemm(s.trans_a, s.trans_b, s.m, s.n, s.k, alpha, a, s.lda, b, s.ldb, beta, c, s.ldc,
         s.layout);
    return;
  }
  const bool swap = s.layout == Layout::kColMajor;
  if (swap) std::swap(a, b);
  // (Neither operand is transposed on this path.)
  CheckPointers(false, false, s.rm, s.rn, s.k, true, a, s.rlda, b, s.rldb, c, s.ldc,
                swap ? kColMajorNames : kRowMajorNames);
  s.one_block(s.rm, s.rn, s.k, a, s.a_layout, b, s.b_layout, alpha, beta, c, s.ldc);
}

#define AMDAHL_INSTANTIATE_GEMM_PLAN(T, ID, name) template class GemmPlan<T>;
AMDAHL_FOR_EACH_DTYPE(AMDAHL_INSTANTIATE_GEMM_PLAN)
#undef AMDAHL_INSTANTIATE_GEMM_PLAN

}  // namespace amdahl
