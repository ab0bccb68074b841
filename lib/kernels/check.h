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

// Whether the rows x cols matrix at p (leading dimension ld, elements of
// `elem` bytes) and the qrows x qcols one at q may share an element: exact
// for sub-blocks of one matrix (same ld), conservative otherwise.
bool RegionsOverlap(const void* p, size_t rows, size_t cols, size_t ld,
                    const void* q, size_t qrows, size_t qcols, size_t qld,
                    size_t elem);

}  // namespace amdahl

#endif  // AMDAHL_LIB_CHECK_H_
