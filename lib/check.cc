#include "lib/check.h"

#include <limits>
#include <string>

#include "amdahl/error.h"

namespace amdahl {

void CheckNotNull(const char* fn, const char* arg, const void* p, size_t count) {
  if (p == nullptr && count != 0) {
    throw Error(std::string("amdahl::") + fn + ": " + arg + " is null with " +
                std::to_string(count) + " elements to access");
  }
}

void CheckByteSize(const char* fn, const char* arg, size_t count, size_t elem_size) {
  if (elem_size != 0 && count > std::numeric_limits<size_t>::max() / elem_size / 2) {
    throw Error(std::string("amdahl::") + fn + ": " + arg + " = " +
                std::to_string(count) + " elements is too large (size overflows)");
  }
}

void CheckSameOrDisjoint(const char* fn, const char* out_name, const void* out,
                         const char* in_name, const void* in, size_t n,
                         size_t elem_size) {
  if (out == in || n == 0 || out == nullptr || in == nullptr) return;
  const uintptr_t o = reinterpret_cast<uintptr_t>(out);
  const uintptr_t i = reinterpret_cast<uintptr_t>(in);
  const uintptr_t bytes = n * elem_size;
  if (o < i + bytes && i < o + bytes) {
    const long long shift = (static_cast<long long>(o) - static_cast<long long>(i)) /
                            static_cast<long long>(elem_size);
    throw Error(std::string("amdahl::") + fn + ": " + out_name +
                " overlaps " + in_name + " shifted by " + std::to_string(shift) +
                " elements; it must be the same array or disjoint");
  }
}

}  // namespace amdahl
