// The Fortran BLAS symbols (sgemm_, dgemm_, ?gemv_, ?dot_, ?axpy_, ?scal_)
// with the reference BLAS's semantics: column-major, arguments by
// reference, checks in the reference order reported through xerbla_, quick
// returns, strided and negative increments. Computed by amdahl (C API).
#include <algorithm>

#include "amdahl/amdahl_c.h"
#include "amdahl/dtype.h"
#include "lib/blas/door.h"

namespace amdahl_blas {
namespace {

template <typename T>
using GemmFn = void (*)(const char*, const char*, const int*, const int*, const int*,
                        const T*, const T*, const int*, const T*, const int*, const T*, T*,
                        const int*);

template <typename T>
void Gemm(const char* name, const char* symbol, const char* transa, const char* transb,
          const int* m, const int* n, const int* k, const T* alpha, const T* a, const int* lda,
          const T* b, const int* ldb, const T* beta, T* c, const int* ldc) {
  const bool nota = IsNoTrans(*transa), notb = IsNoTrans(*transb);
  const int nrowa = nota ? *m : *k, nrowb = notb ? *k : *n;
  int info = 0;
  if (!nota && !IsTrans(*transa)) {
    info = 1;
  } else if (!notb && !IsTrans(*transb)) {
    info = 2;
  } else if (*m < 0) {
    info = 3;
  } else if (*n < 0) {
    info = 4;
  } else if (*k < 0) {
    info = 5;
  } else if (*lda < std::max(1, nrowa)) {
    info = 8;
  } else if (*ldb < std::max(1, nrowb)) {
    info = 10;
  } else if (*ldc < std::max(1, *m)) {
    info = 13;
  }
  if (info != 0) return Xerbla(name, info);
  Trace(symbol);
  if (*m == 0 || *n == 0 || ((*alpha == T(0) || *k == 0) && *beta == T(1))) return;
  if (amdahl_gemm(CType<T>(), AMDAHL_COL_MAJOR, nota ? AMDAHL_NO_TRANS : AMDAHL_TRANS,
                  notb ? AMDAHL_NO_TRANS : AMDAHL_TRANS, static_cast<size_t>(*m),
                  static_cast<size_t>(*n), static_cast<size_t>(*k), alpha, a,
                  static_cast<size_t>(*lda), b, static_cast<size_t>(*ldb), beta, c,
                  static_cast<size_t>(*ldc)) == AMDAHL_OK) {
    return;
  }
  // Refused by amdahl though BLAS allows it (C aliasing A or B): the next
  // BLAS computes it.
  auto next = reinterpret_cast<GemmFn<T>>(Next(symbol));
  ReportFallThrough(symbol, next != nullptr);
  if (next != nullptr) next(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

template <typename T>
using GemvFn = void (*)(const char*, const int*, const int*, const T*, const T*, const int*,
                        const T*, const int*, const T*, T*, const int*);

template <typename T>
void Gemv(const char* name, const char* symbol, const char* trans, const int* m, const int* n,
          const T* alpha, const T* a, const int* lda, const T* x, const int* incx,
          const T* beta, T* y, const int* incy) {
  const bool notrans = IsNoTrans(*trans);
  int info = 0;
  if (!notrans && !IsTrans(*trans)) {
    info = 1;
  } else if (*m < 0) {
    info = 2;
  } else if (*n < 0) {
    info = 3;
  } else if (*lda < std::max(1, *m)) {
    info = 6;
  } else if (*incx == 0) {
    info = 8;
  } else if (*incy == 0) {
    info = 11;
  }
  if (info != 0) return Xerbla(name, info);
  Trace(symbol);
  if (*m == 0 || *n == 0 || (*alpha == T(0) && *beta == T(1))) return;
  if (StridedGemv(AMDAHL_COL_MAJOR, !notrans, *m, *n, alpha, a, *lda, x, *incx, beta, y,
                  *incy)) {
    return;
  }
  auto next = reinterpret_cast<GemvFn<T>>(Next(symbol));
  ReportFallThrough(symbol, next != nullptr);
  if (next != nullptr) next(trans, m, n, alpha, a, lda, x, incx, beta, y, incy);
}

}  // namespace
}  // namespace amdahl_blas

#define AMDAHL_BLAS_API extern "C" __attribute__((visibility("default")))

// The real BLAS: s (float) and d (double).
#define AMDAHL_FORTRAN_BLAS(p, P, T)                                                        \
  AMDAHL_BLAS_API void p##gemm_(const char* transa, const char* transb, const int* m,       \
                                const int* n, const int* k, const T* alpha, const T* a,     \
                                const int* lda, const T* b, const int* ldb, const T* beta,  \
                                T* c, const int* ldc) {                                     \
    amdahl_blas::Gemm<T>(P "GEMM ", #p "gemm_", transa, transb, m, n, k, alpha, a, lda, b, \
                         ldb, beta, c, ldc);                                                \
  }                                                                                         \
  AMDAHL_BLAS_API void p##gemv_(const char* trans, const int* m, const int* n,              \
                                const T* alpha, const T* a, const int* lda, const T* x,     \
                                const int* incx, const T* beta, T* y, const int* incy) {    \
    amdahl_blas::Gemv<T>(P "GEMV ", #p "gemv_", trans, m, n, alpha, a, lda, x, incx, beta,  \
                         y, incy);                                                          \
  }                                                                                         \
  AMDAHL_BLAS_API T p##dot_(const int* n, const T* x, const int* incx, const T* y,          \
                            const int* incy) {                                              \
    amdahl_blas::Trace(#p "dot_");                                                          \
    return amdahl_blas::StridedDot<T>(*n, x, *incx, y, *incy);                              \
  }                                                                                         \
  AMDAHL_BLAS_API void p##axpy_(const int* n, const T* alpha, const T* x, const int* incx,  \
                                T* y, const int* incy) {                                    \
    amdahl_blas::Trace(#p "axpy_");                                                         \
    amdahl_blas::StridedAxpy<T>(*n, *alpha, x, *incx, y, *incy);                            \
  }                                                                                         \
  AMDAHL_BLAS_API void p##scal_(const int* n, const T* alpha, T* x, const int* incx) {     \
    amdahl_blas::Trace(#p "scal_");                                                         \
    amdahl_blas::StridedScal<T>(*n, *alpha, x, *incx);                                      \
  }

AMDAHL_FORTRAN_BLAS(s, "S", float)
AMDAHL_FORTRAN_BLAS(d, "D", double)
