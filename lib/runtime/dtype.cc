// Names and sizes of the dtypes, from the one list in <amdahl/dtypes.h>.
#include "amdahl/dtype.h"

#include "amdahl/error.h"
#include "lib/kernels/check.h"

namespace amdahl {

void ThrowBadDType(const char* fn, const char* arg, int value) {
  ThrowNotOneOf(fn, arg, value, "DType");
}

const char* DTypeName(DType dtype) {
  switch (dtype) {
#define AMDAHL_DTYPE_NAME(T, ID, name) \
  case DType::k##ID:                   \
    return #name;
    AMDAHL_FOR_EACH_DTYPE(AMDAHL_DTYPE_NAME)
#undef AMDAHL_DTYPE_NAME
  }
  return "?";
}

size_t DTypeSize(DType dtype) {
  return VisitDType(
      dtype, [](auto tag) { return sizeof(typename decltype(tag)::type); }, "DTypeSize");
}

bool DTypeFromName(const std::string& name, DType* dtype) {
  CheckNotNull("DTypeFromName", "dtype", dtype, 1);
  for (int t = 0; t < kNumDTypes; ++t) {
    if (name == DTypeName(static_cast<DType>(t))) {
      *dtype = static_cast<DType>(t);
      return true;
    }
  }
  return false;
}

}  // namespace amdahl
