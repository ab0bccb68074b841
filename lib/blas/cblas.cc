// The CBLAS symbols (cblas_sgemm, cblas_dgemm, ?gemv, ?dot, ?axpy, ?scal):
// row- and column-major, arguments by value, checks reported through
// xerbla_ with the argument's position in the CBLAS call. Computed by
// amdahl (C API); the rest of CBLAS is the system library's.
#include <algorithm>

#include "amdahl/amdahl_c.h"
#include "amdahl/dtype.h"
#include "lib/blas/door.h"

namespace amdahl_blas {
namespace {

// The CBLAS enums' values (fixed by the standard).
constexpr int kRowMajor = 101, kColMajor = 102;
constexpr int kNoTrans = 111, kTrans = 112, kConjTrans = 113;

bool ValidTrans(int t) { return t == kNoTrans || t == kTrans || t == kConjTrans; }
amdahl_trans ToTrans(int t) { return t == kNoTrans ? AMDAHL_NO_TRANS : AMDAHL_TRANS; }

template <typename T>
using GemmFn = void (*)(int, int, int, int, int, int, T, const T*, int, const T*, int, T, T*,
                        int);

template <typename T>
void Gemm(const char* name, int layout, int transa, int transb, int m, int n, int k, T alpha,
          const T* a, int lda, const T* b, int ldb, T beta, T* c, int ldc) {
  const bool row = layout == kRowMajor;
  const bool ta = transa != kNoTrans, tb = transb != kNoTrans;
  // What each leading dimension must cover: the stored rows (column-major)
  // or columns (row-major).
  const int a_cover = row ? (ta ? m : k) : (ta ? k : m);
  const int b_cover = row ? (tb ? k : n) : (tb ? n : k);
  const int c_cover = row ? n : m;
  int info = 0;
  if (layout != kRowMajor && layout != kColMajor) {
    info = 1;
  } else if (!ValidTrans(transa)) {
    info = 2;
  } else if (!ValidTrans(transb)) {
    info = 3;
  } else if (m < 0) {
    info = 4;
  } else if (n < 0) {
    info = 5;
  } else if (k < 0) {
    info = 6;
  } else if (lda < std::max(1, a_cover)) {
    info = 9;
  } else if (ldb < std::max(1, b_cover)) {
    info = 11;
  } else if (ldc < std::max(1, c_cover)) {
    info = 14;
  }
  if (info != 0) return Xerbla(name, info);
  Trace(name);
  if (m == 0 || n == 0 || ((alpha == T(0) || k == 0) && beta == T(1))) return;
  if (amdahl_gemm(CType<T>(), row ? AMDAHL_ROW_MAJOR : AMDAHL_COL_MAJOR, ToTrans(transa),
                  ToTrans(transb), static_cast<size_t>(m), static_cast<size_t>(n),
                  static_cast<size_t>(k), &alpha, a, static_cast<size_t>(lda), b,
                  static_cast<size_t>(ldb), &beta, c, static_cast<size_t>(ldc)) == AMDAHL_OK) {
    return;
  }
  auto next = reinterpret_cast<GemmFn<T>>(Next(name));
  ReportFallThrough(name, next != nullptr);
  if (next != nullptr) next(layout, transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

template <typename T>
using GemvFn = void (*)(int, int, int, int, T, const T*, int, const T*, int, T, T*, int);

template <typename T>
void Gemv(const char* name, int layout, int trans, int m, int n, T alpha, const T* a, int lda,
          const T* x, int incx, T beta, T* y, int incy) {
  const bool row = layout == kRowMajor;
  int info = 0;
  if (layout != kRowMajor && layout != kColMajor) {
    info = 1;
  } else if (!ValidTrans(trans)) {
    info = 2;
  } else if (m < 0) {
    info = 3;
  } else if (n < 0) {
    info = 4;
  } else if (lda < std::max(1, row ? n : m)) {
    info = 7;
  } else if (incx == 0) {
    info = 9;
  } else if (incy == 0) {
    info = 12;
  }
  if (info != 0) return Xerbla(name, info);
  Trace(name);
  if (m == 0 || n == 0 || (alpha == T(0) && beta == T(1))) return;
  if (StridedGemv(row ? AMDAHL_ROW_MAJOR : AMDAHL_COL_MAJOR, trans != kNoTrans, m, n, &alpha,
                  a, lda, x, incx, &beta, y, incy)) {
    return;
  }
  auto next = reinterpret_cast<GemvFn<T>>(Next(name));
  ReportFallThrough(name, next != nullptr);
  if (next != nullptr) next(layout, trans, m, n, alpha, a, lda, x, incx, beta, y, incy);
}

}  // namespace
}  // namespace amdahl_blas

#define AMDAHL_BLAS_API extern "C" __attribute__((visibility("default")))

// CBLAS_LAYOUT and CBLAS_TRANSPOSE are enums of int size; they are taken as
// int (the same ABI) so that no cblas.h is needed.
#define AMDAHL_CBLAS(p, T)                                                                   \
  AMDAHL_BLAS_API void cblas_##p##gemm(int layout, int transa, int transb, int m, int n,     \
                                       int k, T alpha, const T* a, int lda, const T* b,      \
                                       int ldb, T beta, T* c, int ldc) {                     \
    amdahl_blas::Gemm<T>("cblas_" #p "gemm", layout, transa, transb, m, n, k, alpha, a, lda, \
                         b, ldb, beta, c, ldc);                                              \
  }                                                                                          \
  AMDAHL_BLAS_API void cblas_##p##gemv(int layout, int trans, int m, int n, T alpha,         \
                                       const T* a, int lda, const T* x, int incx, T beta,    \
                                       T* y, int incy) {                                     \
    amdahl_blas::Gemv<T>("cblas_" #p "gemv", layout, trans, m, n, alpha, a, lda, x, incx,    \
                         beta, y, incy);                                                     \
  }                                                                                          \
  AMDAHL_BLAS_API T cblas_##p##dot(int n, const T* x, int incx, const T* y, int incy) {      \
    amdahl_blas::Trace("cblas_" #p "dot");                                                   \
    return amdahl_blas::StridedDot<T>(n, x, incx, y, incy);                                  \
  }                                                                                          \
  AMDAHL_BLAS_API void cblas_##p##axpy(int n, T alpha, const T* x, int incx, T* y,           \
                                       int incy) {                                           \
    amdahl_blas::Trace("cblas_" #p "axpy");                                                  \
    amdahl_blas::StridedAxpy<T>(n, alpha, x, incx, y, incy);                                 \
  }                                                                                          \
  AMDAHL_BLAS_API void cblas_##p##scal(int n, T alpha, T* x, int incx) {                     \
    amdahl_blas::Trace("cblas_" #p "scal");                                                  \
    amdahl_blas::StridedScal<T>(n, alpha, x, incx);                                          \
  }

AMDAHL_CBLAS(s, float)
AMDAHL_CBLAS(d, double)
