// General matrix multiply for every dtype (<amdahl/dtypes.h>):
//   C = alpha * op(A) * op(B) + beta * C,  op(X) = X or X^T,
// C is m x n, op(A) m x k, op(B) k x n. Row-major by default (element (i, j)
// of C at C[i * ldc + j]); Layout::kColMajor reads every matrix column-major
// as in the reference BLAS.
//
// BLAS semantics: m == 0 or n == 0 does nothing; k == 0 or alpha == 0 only
// scales C by beta. beta == 0 never reads C (NaN already in C does not leak).
// Integers wrap around. Arguments are checked before anything is written:
// null pointers where elements are accessed, leading dimensions too small
// for the stored shape, sizes whose products overflow, and C overlapping A
// or B throw amdahl::Error naming the argument.
//
// Float results are within (k + 2) * u * (|alpha| |A| |B| + |beta| |C|) of
// the exact alpha * op(A) op(B) + beta * C, elementwise (u = unit roundoff;
// |A| |B| the product of the absolute values): k roundings of the fused
// multiply-add chain, one of the scaling by alpha, one of adding beta * C.
// (k * u alone was exceeded 2.4x at k = 1 with alpha = 2.25, beta = 0.3.)
#ifndef AMDAHL_GEMM_H_
#define AMDAHL_GEMM_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "amdahl/dtypes.h"
#include "amdahl/export.h"
#include "amdahl/layout.h"

namespace amdahl {

#define AMDAHL_GEMM_API(T, ID, name)                                         \
  AMDAHL_API void Gemm(Trans trans_a, Trans trans_b, size_t m, size_t n,    \
                       size_t k, T alpha, const T* a, size_t lda,           \
                       const T* b, size_t ldb, T beta, T* c, size_t ldc,    \
                       Layout layout = Layout::kRowMajor);

AMDAHL_FOR_EACH_DTYPE(AMDAHL_GEMM_API)
#undef AMDAHL_GEMM_API

namespace detail {
template <typename T>
struct GemmPlanState;
}  // namespace detail

// A GEMM of one shape prepared for many calls on different data (a small
// product in a loop: what libxsmm's dispatch and MKL's JIT GEMM offer).
// Creation checks the transposes, sizes, leading dimensions and layout, as
// Gemm would, and makes Gemm's choices: configuration, macro-kernel,
// threads. A call then checks only its pointers (null where elements are
// accessed, C overlapping A or B) and runs, with Gemm's semantics and
// errors. The choices are those of creation time: wisdom reloaded or
// SetNumThreads later leave a plan as it was made. What it saves is the
// per-call work before the first tile (~20 ns: a third of an 8 x 16 x 1
// product, 6 % of f32 32^3 on one Zen 5 core); integer products (their
// range is scanned per call), and products of more than one cache block or
// thread, run as Gemm runs them. Copies share the prepared state; a plan
// may be called from several threads at once.
template <typename T>
class AMDAHL_API GemmPlan {
 public:
  GemmPlan(Trans trans_a, Trans trans_b, size_t m, size_t n, size_t k, size_t lda, size_t ldb,
           size_t ldc, Layout layout = Layout::kRowMajor);
  // C = alpha op(A) op(B) + beta C on the plan's shape.
  void operator()(T alpha, const T* a, const T* b, T beta, T* c) const;

 private:
  std::shared_ptr<const detail::GemmPlanState<T>> state_;
};

#define AMDAHL_GEMM_PLAN_EXTERN(T, ID, name) extern template class AMDAHL_API GemmPlan<T>;
AMDAHL_FOR_EACH_DTYPE(AMDAHL_GEMM_PLAN_EXTERN)
#undef AMDAHL_GEMM_PLAN_EXTERN

}  // namespace amdahl

#endif  // AMDAHL_GEMM_H_
