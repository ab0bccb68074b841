// Maps C++ element types to amdahl::DType.
#ifndef AMDAHL_LIB_DTYPE_H_
#define AMDAHL_LIB_DTYPE_H_

#include <cstdint>

#include "amdahl/config.h"

namespace amdahl {

template <typename T>
constexpr DType DTypeOf();
template <>
constexpr DType DTypeOf<float>() { return DType::kF32; }
template <>
constexpr DType DTypeOf<double>() { return DType::kF64; }
template <>
constexpr DType DTypeOf<int32_t>() { return DType::kI32; }
template <>
constexpr DType DTypeOf<int64_t>() { return DType::kI64; }

}  // namespace amdahl

#endif  // AMDAHL_LIB_DTYPE_H_
