// DType: the element types of <amdahl/dtypes.h> as a C++ enum, with the
// mapping from C++ types (DTypeOf) and back (VisitDType).
#ifndef AMDAHL_DTYPE_H_
#define AMDAHL_DTYPE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "amdahl/dtypes.h"
#include "amdahl/export.h"

namespace amdahl {

enum class DType {
#define AMDAHL_DTYPE_ENUMERATOR(T, ID, name) k##ID,
  AMDAHL_FOR_EACH_DTYPE(AMDAHL_DTYPE_ENUMERATOR)
#undef AMDAHL_DTYPE_ENUMERATOR
};

#define AMDAHL_DTYPE_ONE(T, ID, name) +1
constexpr int kNumDTypes = 0 AMDAHL_FOR_EACH_DTYPE(AMDAHL_DTYPE_ONE);
#undef AMDAHL_DTYPE_ONE

// DTypeOf<float>() == DType::kF32, ...; other types do not compile.
template <typename T>
struct DTypeTraits;
#define AMDAHL_DTYPE_TRAITS(T, ID, name)                 \
  template <>                                            \
  struct DTypeTraits<T> {                                \
    static constexpr DType kDType = DType::k##ID;        \
    static constexpr const char* kName = #name;          \
  };
AMDAHL_FOR_EACH_DTYPE(AMDAHL_DTYPE_TRAITS)
#undef AMDAHL_DTYPE_TRAITS

template <typename T>
constexpr DType DTypeOf() {
  return DTypeTraits<T>::kDType;
}

// Tag a visitor receives: `typename decltype(tag)::type` is the C++ type.
template <typename T>
struct TypeTag {
  using type = T;
};

// Returns f(TypeTag<T>{}) for the C++ type T of `dtype`. A value outside the
// enum throws amdahl::Error naming `arg`.
[[noreturn]] AMDAHL_API void ThrowBadDType(const char* fn, const char* arg, int value);
template <class F>
decltype(auto) VisitDType(DType dtype, F&& f, const char* fn = "VisitDType",
                          const char* arg = "dtype") {
  switch (dtype) {
#define AMDAHL_DTYPE_CASE(T, ID, name) \
  case DType::k##ID:                   \
    return f(TypeTag<T>{});
    AMDAHL_FOR_EACH_DTYPE(AMDAHL_DTYPE_CASE)
#undef AMDAHL_DTYPE_CASE
  }
  ThrowBadDType(fn, arg, static_cast<int>(dtype));
}

AMDAHL_API const char* DTypeName(DType dtype);  // "f32", ...; "?" if none
AMDAHL_API size_t DTypeSize(DType dtype);       // bytes of one element
// Parses a name above; false if `name` is none of them.
AMDAHL_API bool DTypeFromName(const std::string& name, DType* dtype);

}  // namespace amdahl

#endif  // AMDAHL_DTYPE_H_
