// The kernels' names and traffic. Each kernel's configuration record is a
// file of its own: loop_config.cc (streaming kernels), gemm_config.cc.
#include "amdahl/config.h"

#include <string>

#include "lib/kernels/check.h"

namespace amdahl {

const char* KernelName(Kernel kernel) {
  switch (kernel) {
    case Kernel::kScale: return "scale";
    case Kernel::kAxpy: return "axpy";
    case Kernel::kAdd: return "add";
    case Kernel::kTriad: return "triad";
    case Kernel::kSum: return "sum";
    case Kernel::kDot: return "dot";
    case Kernel::kGemv: return "gemv";
    case Kernel::kGemm: return "gemm";
  }
  return "?";
}

bool KernelFromName(const std::string& name, Kernel* kernel) {
  CheckNotNull("KernelFromName", "kernel", kernel, 1);
  for (int k = 0; k < kNumKernels; ++k) {
    if (name == KernelName(static_cast<Kernel>(k))) {
      *kernel = static_cast<Kernel>(k);
      return true;
    }
  }
  return false;
}

size_t BytesPerElement(Kernel kernel, DType dtype) {
  CheckEnum("BytesPerElement", "kernel", kernel, kNumKernels, "Kernel");
  size_t arrays = 3;
  switch (kernel) {
    case Kernel::kScale: arrays = 2; break;  // read x, write y
    case Kernel::kSum: arrays = 1; break;
    case Kernel::kDot: arrays = 2; break;
    case Kernel::kGemv: arrays = 1; break;   // A (x and y are n + m)
    default: arrays = 3; break;              // Axpy reads y too
  }
  return arrays * DTypeSize(dtype);
}

}  // namespace amdahl
