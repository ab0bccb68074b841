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

bool RangesShareElement(uintptr_t a0, size_t rows, size_t cols, size_t ld, uintptr_t b0,
                        size_t qrows, size_t qcols, size_t qld, size_t elem) {
  // Sub-blocks of one matrix (same leading dimension): compare the rows and
  // columns they cover.
  if (ld == qld && (b0 > a0 ? b0 - a0 : a0 - b0) % elem == 0) {
    const bool q_after = b0 >= a0;
    const size_t off = (q_after ? b0 - a0 : a0 - b0) / elem;
    const size_t dr = off / ld, dc = off % ld;
    // Put the later block at row offset dr, column offset dc of the earlier.
    const size_t first_cols = q_after ? cols : qcols;
    const size_t first_rows = q_after ? rows : qrows;
    const size_t second_cols = q_after ? qcols : cols;
    if (dc + second_cols > ld) return true;  // wraps around a row: be safe
    return dr < first_rows && dc < first_cols;
  }
  return true;
}

}  // namespace amdahl
