#include "lib/kernels/check.h"

#include <string>

#include "amdahl/error.h"

namespace amdahl {
namespace {

// "1 element", "3 elements".
std::string Elements(size_t count) {
  return std::to_string(count) + (count == 1 ? " element" : " elements");
}

}  // namespace

void ThrowNull(const char* fn, const char* arg, size_t count) {
  throw Error(std::string("amdahl::") + fn + ": " + arg + " is null with " +
              Elements(count) + " to access");
}

void ThrowTooLarge(const char* fn, const char* arg, size_t count) {
  throw Error(std::string("amdahl::") + fn + ": " + arg + " = " +
              Elements(count) + " is too large (size overflows)");
}

void ThrowOverlap(const char* fn, const char* out_name, const void* out,
                  const char* in_name, const void* in, size_t elem_size) {
  const long long shift = (reinterpret_cast<long long>(out) -
                           reinterpret_cast<long long>(in)) /
                          static_cast<long long>(elem_size);
  throw Error(std::string("amdahl::") + fn + ": " + out_name + " overlaps " +
              in_name + " shifted by " + Elements(static_cast<size_t>(shift < 0 ? -shift : shift)) +
              (shift < 0 ? " back" : "") + "; it must be the same array or disjoint");
}

void ThrowNotOneOf(const char* fn, const char* arg, long long value, const char* what) {
  throw Error(std::string("amdahl::") + fn + ": " + arg + " = " + std::to_string(value) +
              " is not a valid " + what);
}

}  // namespace amdahl
