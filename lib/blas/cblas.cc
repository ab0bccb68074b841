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

template <typename T>
constexpr amdahl_dtype CType() {
  return static_cast<amdahl_dtype>(amdahl::DTypeOf<T>());
}

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
  const bool notrans = trans == kNoTrans;
  const int lenx = notrans ? n : m, leny = notrans ? m : n;
  const VectorIn<T> xv(lenx, x, incx);
  VectorOut<T> yv(leny, y, incy, beta == T(0));
  if (amdahl_gemv(CType<T>(), row ? AMDAHL_ROW_MAJOR : AMDAHL_COL_MAJOR, ToTrans(trans),
                  static_cast<size_t>(m), static_cast<size_t>(n), &alpha, a,
                  static_cast<size_t>(lda), xv.data(), &beta, yv.data()) == AMDAHL_OK) {
    yv.Commit();
    return;
  }
  auto next = reinterpret_cast<GemvFn<T>>(Next(name));
  ReportFallThrough(name, next != nullptr);
  if (next != nullptr) next(layout, trans, m, n, alpha, a, lda, x, incx, beta, y, incy);
}

template <typename T>
T Dot(const char* name, int n, const T* x, int incx, const T* y, int incy) {
  Trace(name);
  if (n <= 0) return T(0);
  const VectorIn<T> xv(n, x, incx), yv(n, y, incy);
  T result = T(0);
  amdahl_dot(CType<T>(), static_cast<size_t>(n), xv.data(), yv.data(), &result);
  return result;
}

template <typename T>
void Axpy(const char* name, int n, T alpha, const T* x, int incx, T* y, int incy) {
  Trace(name);
  if (n <= 0 || alpha == T(0)) return;
  const VectorIn<T> xv(n, x, incx);
  VectorOut<T> yv(n, y, incy, false);
  if (amdahl_axpy(CType<T>(), static_cast<size_t>(n), &alpha, xv.data(), yv.data()) == AMDAHL_OK) {
    yv.Commit();
  }
}

template <typename T>
void Scal(const char* name, int n, T alpha, T* x, int incx) {
  Trace(name);
  if (n <= 0 || incx <= 0) return;
  VectorOut<T> xv(n, x, incx, false);
  if (amdahl_scale(CType<T>(), static_cast<size_t>(n), &alpha, xv.data(), xv.data()) == AMDAHL_OK) {
    xv.Commit();
  }
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
    return amdahl_blas::Dot<T>("cblas_" #p "dot", n, x, incx, y, incy);                     \
  }                                                                                          \
  AMDAHL_BLAS_API void cblas_##p##axpy(int n, T alpha, const T* x, int incx, T* y,           \
                                       int incy) {                                           \
    amdahl_blas::Axpy<T>("cblas_" #p "axpy", n, alpha, x, incx, y, incy);                   \
  }                                                                                          \
  AMDAHL_BLAS_API void cblas_##p##scal(int n, T alpha, T* x, int incx) {                     \
    amdahl_blas::Scal<T>("cblas_" #p "scal", n, alpha, x, incx);                            \
  }

AMDAHL_CBLAS(s, float)
AMDAHL_CBLAS(d, double)
