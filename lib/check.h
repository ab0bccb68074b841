// Argument checks shared by the public entry points. Each throws
// amdahl::Error naming the function, the argument and the value.
#ifndef AMDAHL_LIB_CHECK_H_
#define AMDAHL_LIB_CHECK_H_

#include <cstddef>
#include <cstdint>

namespace amdahl {

// Throws if p is null while `count` elements are to be accessed.
void CheckNotNull(const char* fn, const char* arg, const void* p, size_t count);

// Throws if count * elem_size bytes cannot be represented.
void CheckByteSize(const char* fn, const char* arg, size_t count, size_t elem_size);

// Throws if [out, out + n) and [in, in + n) overlap without being the same
// array (elementwise ops may run in place, never shifted).
void CheckSameOrDisjoint(const char* fn, const char* out_name, const void* out,
                         const char* in_name, const void* in, size_t n,
                         size_t elem_size);

}  // namespace amdahl

#endif  // AMDAHL_LIB_CHECK_H_
