// C = beta C over a rows x cols block with leading dimension ld: what GEMM
// and GEMV do when alpha or the inner dimension is 0. beta == 0 writes zeros
// without reading C (NaN in C does not leak), beta == 1 touches nothing.
#ifndef AMDAHL_LIB_KERNELS_BETA_SCALE_H_
#define AMDAHL_LIB_KERNELS_BETA_SCALE_H_

#include <algorithm>
#include <cstddef>

#include "amdahl/elementwise.h"

namespace amdahl {

template <typename T>
void BetaScale(size_t rows, size_t cols, T beta, T* c, size_t ld) {
  if (beta == T(1)) return;
  for (size_t i = 0; i < rows; ++i) {
    T* row = c + i * ld;
    if (beta == T(0)) {
      std::fill(row, row + cols, T(0));
    } else {
      Scale(cols, beta, row, row);
    }
  }
}

}  // namespace amdahl

#endif  // AMDAHL_LIB_KERNELS_BETA_SCALE_H_
