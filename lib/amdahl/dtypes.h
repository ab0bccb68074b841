/* The element types amdahl computes in: the one list. Valid C and C++, so
 * that the C API, the C++ API and every kernel are generated from it; a new
 * dtype is one line here (and its kernels' per-type files in lib/ops/).
 *
 * X(C type, identifier, name): the identifier makes DType::k<ID> and
 * AMDAHL_<ID>; the name is what files, benchmarks and messages say. */
#ifndef AMDAHL_DTYPES_H_
#define AMDAHL_DTYPES_H_

#include <stdint.h>

#define AMDAHL_FOR_EACH_DTYPE(X) \
  X(float, F32, f32)             \
  X(double, F64, f64)            \
  X(int32_t, I32, i32)           \
  X(int64_t, I64, i64)

#endif /* AMDAHL_DTYPES_H_ */
