// Integers through float units, exactly: the conversions behind the exact
// integer GEMM (lib/kernels/gemm_exact.cc). Integers whose products and sums
// stay below 2^24 (float) or 2^53 (double) in magnitude are represented
// exactly, so a float GEMM on them gives the integer result bit for bit.
#ifndef AMDAHL_OPS_INT_FLOAT_H_
#define AMDAHL_OPS_INT_FLOAT_H_

#include <cstddef>
#include <cstdint>

namespace amdahl {
namespace ops {

#define AMDAHL_DECLARE_INT_FLOAT(I, F)                                              \
  /* dst (rows x cols, row stride cols) = src (row stride ld) as F; *lo and *hi */  \
  /* get src's smallest and largest element (one pass: the range decides */         \
  /* whether the float copy is exact). rows, cols >= 1. */                          \
  void IntToFloat(const I* src, size_t rows, size_t cols, size_t ld, F* dst, I* lo,  \
                  I* hi);                                                            \
  /* c = alpha * p + beta * c (wrapping), p (row stride cols) holding integers */  \
  void FloatToIntUpdate(const F* p, size_t rows, size_t cols, I alpha, I beta, I* c, \
                        size_t ldc);
AMDAHL_DECLARE_INT_FLOAT(int32_t, float)
AMDAHL_DECLARE_INT_FLOAT(int32_t, double)
AMDAHL_DECLARE_INT_FLOAT(int64_t, float)
AMDAHL_DECLARE_INT_FLOAT(int64_t, double)
#undef AMDAHL_DECLARE_INT_FLOAT

// Ozaki-style slices of src (rows x cols, row stride ld) into `slices` dense
// rows x cols matrices, slice s at dst + s * slice_stride: src = sum of
// slice_s * 2^(bits s), slices below the last in [0, 2^bits), the last signed
// (in [-2^bits, 2^bits] when bits * slices >= the bit length of max |src|).
// 1 <= bits <= 62, slices >= 1.
void SliceInt64(const int64_t* src, size_t rows, size_t cols, size_t ld, int bits,
                size_t slices, int64_t* dst, size_t slice_stride);

}  // namespace ops
}  // namespace amdahl

#endif  // AMDAHL_OPS_INT_FLOAT_H_
