// GEMM's packing in plain C++: the reference the per-target packing
// (lib/ops/pack.cc) is tested against, and what it runs for the layouts it
// does not vectorize. Layouts as in lib/ops/pack.h.
#ifndef AMDAHL_OPS_PACK_REFERENCE_H_
#define AMDAHL_OPS_PACK_REFERENCE_H_

#include <algorithm>
#include <cstddef>

namespace amdahl {
namespace ops {

template <typename T>
void PackAReference(const T* a, size_t lda, bool trans, size_t mc, size_t kc, size_t mr,
                    T* dst) {
  for (size_t s = 0; s < mc; s += mr) {
    const size_t rows = std::min(mr, mc - s);
    T* out = dst + s * kc;
    for (size_t p = 0; p < kc; ++p) {
      T* col = out + p * mr;
      if (trans) {
        for (size_t r = 0; r < rows; ++r) col[r] = a[p * lda + s + r];
      } else {
        for (size_t r = 0; r < rows; ++r) col[r] = a[(s + r) * lda + p];
      }
      for (size_t r = rows; r < mr; ++r) col[r] = T(0);
    }
  }
}

template <typename T>
void PackBReference(const T* b, size_t ldb, bool trans, size_t kc, size_t nc, size_t nr,
                    T* dst) {
  for (size_t s = 0; s < nc; s += nr) {
    const size_t cols = std::min(nr, nc - s);
    T* out = dst + s * kc;
    for (size_t p = 0; p < kc; ++p) {
      T* row = out + p * nr;
      if (trans) {
        for (size_t c = 0; c < cols; ++c) row[c] = b[(s + c) * ldb + p];
      } else {
        for (size_t c = 0; c < cols; ++c) row[c] = b[p * ldb + s + c];
      }
      for (size_t c = cols; c < nr; ++c) row[c] = T(0);
    }
  }
}

}  // namespace ops
}  // namespace amdahl

#endif  // AMDAHL_OPS_PACK_REFERENCE_H_
