// GEMV after its checks: y = alpha * op(S) x + beta * y for the row-major
// rows x cols matrix S (leading dimension lda), op = S (one dot product per
// row) or S^T (column sums); x and y contiguous, y of rows or cols elements.
// Threaded as the GEMV configuration says. amdahl::Gemv calls it once its
// arguments pass, and GEMM with one row or one column of C.
#ifndef AMDAHL_KERNELS_GEMV_ROW_MAJOR_H_
#define AMDAHL_KERNELS_GEMV_ROW_MAJOR_H_

#include <cstddef>

namespace amdahl {

template <typename T>
void GemvRowMajor(bool transposed, size_t rows, size_t cols, T alpha, const T* a, size_t lda,
                  const T* x, T beta, T* y);

}  // namespace amdahl

#endif  // AMDAHL_KERNELS_GEMV_ROW_MAJOR_H_
