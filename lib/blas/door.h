// What the BLAS and CBLAS entry points share: BLAS's error report (xerbla_),
// the next BLAS in the search order (the system's, behind the preload), and
// strided vectors made contiguous for amdahl's kernels. Array handling and
// errors only; the arithmetic is amdahl's, through the C API.
#ifndef AMDAHL_LIB_BLAS_DOOR_H_
#define AMDAHL_LIB_BLAS_DOOR_H_

#include <cstddef>
#include <vector>

#include "amdahl/amdahl_c.h"
#include "amdahl/dtype.h"

namespace amdahl_blas {

// Reports argument `info` (1-based) of routine `name` as bad, as the
// reference BLAS does: through xerbla_ (the system BLAS's, or the
// program's own), or on stderr when no library defines one.
void Xerbla(const char* name, int info);

// The definition of `symbol` that follows this library's in the search
// order (the system BLAS when this one is preloaded), or null.
void* Next(const char* symbol);

// Says on stderr, once per routine, that amdahl refused a call BLAS allows
// (the output aliasing an input) and the next BLAS computed it, or that
// there was none: then the call did nothing.
void ReportFallThrough(const char* name, bool forwarded);

// With AMDAHL_BLAS_TRACE=1, says on stderr, once per routine, that amdahl
// computes `name` (how a user sees that the preload took).
void Trace(const char* name);

// Whether BLAS's character argument is N/n (false: T/t/C/c), and whether it
// is one of those at all.
inline bool IsTrans(char c) { return c == 'T' || c == 't' || c == 'C' || c == 'c'; }
inline bool IsNoTrans(char c) { return c == 'N' || c == 'n'; }

// n elements of x with stride inc as BLAS reads them (inc < 0: from the
// end, element i at x[(n - 1 - i) * -inc]; inc == 0: x[0] n times), made
// contiguous: the pointer itself when inc == 1.
template <typename T>
class VectorIn {
 public:
  VectorIn(int n, const T* x, int inc) {
    if (inc == 1 || n <= 0) {
      data_ = x;
      return;
    }
    copy_.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) copy_[static_cast<size_t>(i)] = x[Offset(n, i, inc)];
    data_ = copy_.data();
  }
  const T* data() const { return data_; }

  static ptrdiff_t Offset(int n, int i, int inc) {
    return inc >= 0 ? static_cast<ptrdiff_t>(i) * inc
                    : static_cast<ptrdiff_t>(n - 1 - i) * -static_cast<ptrdiff_t>(inc);
  }

 private:
  const T* data_ = nullptr;
  std::vector<T> copy_;
};

// The same for an output: gathered unless `write_only` (beta == 0: BLAS
// never reads it), written back by Commit().
template <typename T>
class VectorOut {
 public:
  VectorOut(int n, T* y, int inc, bool write_only) : n_(n), y_(y), inc_(inc) {
    if (inc == 1 || n <= 0) {
      data_ = y;
      return;
    }
    copy_.assign(static_cast<size_t>(n), T(0));
    if (!write_only) {
      for (int i = 0; i < n; ++i) {
        copy_[static_cast<size_t>(i)] = y[VectorIn<T>::Offset(n, i, inc)];
      }
    }
    data_ = copy_.data();
  }
  T* data() { return data_; }
  void Commit() {
    if (data_ == y_) return;
    for (int i = 0; i < n_; ++i) y_[VectorIn<T>::Offset(n_, i, inc_)] = copy_[static_cast<size_t>(i)];
  }

 private:
  int n_;
  T* y_;
  int inc_;
  T* data_ = nullptr;
  std::vector<T> copy_;
};

// The C API's dtype of T (the C enum follows the same dtype list).
template <typename T>
constexpr amdahl_dtype CType() {
  return static_cast<amdahl_dtype>(amdahl::DTypeOf<T>());
}

// What follows a routine's own checks, shared by the BLAS and CBLAS forms:
// strided vectors made contiguous, amdahl's kernel, the result written back.

// y = alpha op(A) x + beta y on the stored layout; false when amdahl refused
// the call (the caller then falls through to the next BLAS).
template <typename T>
bool StridedGemv(amdahl_layout layout, bool trans, int m, int n, const T* alpha, const T* a,
                 int lda, const T* x, int incx, const T* beta, T* y, int incy) {
  const int lenx = trans ? m : n, leny = trans ? n : m;
  const VectorIn<T> xv(lenx, x, incx);
  VectorOut<T> yv(leny, y, incy, *beta == T(0));
  if (amdahl_gemv(CType<T>(), layout, trans ? AMDAHL_TRANS : AMDAHL_NO_TRANS,
                  static_cast<size_t>(m), static_cast<size_t>(n), alpha, a,
                  static_cast<size_t>(lda), xv.data(), beta, yv.data()) != AMDAHL_OK) {
    return false;
  }
  yv.Commit();
  return true;
}

// ?dot: 0 for n <= 0.
template <typename T>
T StridedDot(int n, const T* x, int incx, const T* y, int incy) {
  if (n <= 0) return T(0);
  const VectorIn<T> xv(n, x, incx), yv(n, y, incy);
  T result = T(0);
  amdahl_dot(CType<T>(), static_cast<size_t>(n), xv.data(), yv.data(), &result);
  return result;
}

// ?axpy: nothing for n <= 0 or alpha == 0.
template <typename T>
void StridedAxpy(int n, T alpha, const T* x, int incx, T* y, int incy) {
  if (n <= 0 || alpha == T(0)) return;
  const VectorIn<T> xv(n, x, incx);
  VectorOut<T> yv(n, y, incy, false);
  if (amdahl_axpy(CType<T>(), static_cast<size_t>(n), &alpha, xv.data(), yv.data()) == AMDAHL_OK) {
    yv.Commit();
  }
}

// ?scal: nothing for n <= 0 or incx <= 0.
template <typename T>
void StridedScal(int n, T alpha, T* x, int incx) {
  if (n <= 0 || incx <= 0) return;
  VectorOut<T> xv(n, x, incx, false);
  if (amdahl_scale(CType<T>(), static_cast<size_t>(n), &alpha, xv.data(), xv.data()) == AMDAHL_OK) {
    xv.Commit();
  }
}

}  // namespace amdahl_blas

#endif  // AMDAHL_LIB_BLAS_DOOR_H_
