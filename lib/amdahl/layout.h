// How a matrix argument is stored and used: row- or column-major, and
// whether the kernel uses it transposed. Shared by Gemm and Gemv.
#ifndef AMDAHL_LAYOUT_H_
#define AMDAHL_LAYOUT_H_

namespace amdahl {

enum class Trans { kNo, kYes };
enum class Layout { kRowMajor, kColMajor };

}  // namespace amdahl

#endif  // AMDAHL_LAYOUT_H_
