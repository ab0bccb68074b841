// GEMM's packing (BLIS's packm), per target: copies a block of op(A) or
// op(B) into the slivers the microkernel reads (lib/ops/gemm.h), zero-padded
// to whole slivers. No threads, no checks. pack_reference.h is the plain
// version the tests compare against (exported for them; this header is not
// installed).
#ifndef AMDAHL_OPS_PACK_H_
#define AMDAHL_OPS_PACK_H_

#include <cstddef>
#include <cstdint>

#include "amdahl/dtypes.h"
#include "amdahl/export.h"

namespace amdahl {
namespace ops {

#define AMDAHL_DECLARE_PACK(T, ID, name)                                          \
  /* The mc x kc block of op(A) at a (element (i, p) at a[i * lda + p], or      \
     a[p * lda + i] when trans) into ceil(mc / mr) slivers of kc x mr:         \
     dst[(s * kc + p) * mr + r] holds row s * mr + r, zero past mc. */         \
  AMDAHL_API void PackA(const T* a, size_t lda, bool trans, size_t mc, size_t kc, \
                        size_t mr, T* dst);                                      \
  /* The kc x nc block of op(B) at b (element (p, j) at b[p * ldb + j], or      \
     b[j * ldb + p] when trans) into ceil(nc / nr) slivers of kc x nr:         \
     dst[(s * kc + p) * nr + c] holds column s * nr + c, zero past nc. */      \
  AMDAHL_API void PackB(const T* b, size_t ldb, bool trans, size_t kc, size_t nc, \
                        size_t nr, T* dst);

AMDAHL_FOR_EACH_DTYPE(AMDAHL_DECLARE_PACK)
#undef AMDAHL_DECLARE_PACK

}  // namespace ops
}  // namespace amdahl

#endif  // AMDAHL_OPS_PACK_H_
