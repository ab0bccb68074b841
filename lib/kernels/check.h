// Argument checks shared by the public entry points. Each throws
// amdahl::Error naming the function, the argument and the value. The checks
// are inline (they run on every call, small ones included); the throwing is
// out of line.
#ifndef AMDAHL_LIB_CHECK_H_
#define AMDAHL_LIB_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <limits>

namespace amdahl {

[[noreturn]] void ThrowNull(const char* fn, const char* arg, size_t count);
[[noreturn]] void ThrowTooLarge(const char* fn, const char* arg, size_t count);
[[noreturn]] void ThrowOverlap(const char* fn, const char* out_name, const void* out,
                               const char* in_name, const void* in, size_t elem_size);

// Throws if p is null while `count` elements are to be accessed.
inline void CheckNotNull(const char* fn, const char* arg, const void* p, size_t count) {
  if (p == nullptr && count != 0) ThrowNull(fn, arg, count);
}

// Throws if count * elem_size bytes (twice, for pointer differences) cannot
// be represented.
inline void CheckByteSize(const char* fn, const char* arg, size_t count,
                          size_t elem_size) {
  if (count > std::numeric_limits<size_t>::max() / elem_size / 2) {
    ThrowTooLarge(fn, arg, count);
  }
}

// Throws if [out, out + n) and [in, in + n) overlap without being the same
// array (elementwise ops may run in place, never shifted).
inline void CheckSameOrDisjoint(const char* fn, const char* out_name, const void* out,
                                const char* in_name, const void* in, size_t n,
                                size_t elem_size) {
  const uintptr_t o = reinterpret_cast<uintptr_t>(out);
  const uintptr_t i = reinterpret_cast<uintptr_t>(in);
  const uintptr_t bytes = n * elem_size;
  if (o != i && o < i + bytes && i < o + bytes && out != nullptr && in != nullptr) {
    ThrowOverlap(fn, out_name, out, in_name, in, elem_size);
  }
}

[[noreturn]] void ThrowNotOneOf(const char* fn, const char* arg, long long value,
                               const char* what);

// Throws if an enum argument holds none of its `count` values (a cast from
// a bad integer, say).
template <typename Enum>
inline void CheckEnum(const char* fn, const char* arg, Enum value, int count,
                      const char* what) {
  const int v = static_cast<int>(value);
  if (v < 0 || v >= count) ThrowNotOneOf(fn, arg, v, what);
}

// Whether two matrices whose address ranges intersect share an element
// (RegionsOverlap's second half, out of line).
bool RangesShareElement(uintptr_t a0, size_t rows, size_t cols, size_t ld, uintptr_t b0,
                        size_t qrows, size_t qcols, size_t qld, size_t elem);

// Whether the rows x cols matrix at p (leading dimension ld, elements of
// `elem` bytes) and the qrows x qcols one at q may share an element: exact
// for sub-blocks of one matrix (same ld), conservative otherwise. The usual
// answer, disjoint address ranges, is inline (GEMM asks twice a call: out of
// line, the calls were 8 % of a 1 x 1 product).
inline bool RegionsOverlap(const void* p, size_t rows, size_t cols, size_t ld,
                           const void* q, size_t qrows, size_t qcols, size_t qld,
                           size_t elem) {
  if (rows == 0 || cols == 0 || qrows == 0 || qcols == 0) return false;
  const uintptr_t a0 = reinterpret_cast<uintptr_t>(p);
  const uintptr_t a1 = a0 + ((rows - 1) * ld + cols) * elem;
  const uintptr_t b0 = reinterpret_cast<uintptr_t>(q);
  const uintptr_t b1 = b0 + ((qrows - 1) * qld + qcols) * elem;
  if (a1 <= b0 || b1 <= a0) return false;
  return RangesShareElement(a0, rows, cols, ld, b0, qrows, qcols, qld, elem);
}

}  // namespace amdahl

#endif  // AMDAHL_LIB_CHECK_H_
