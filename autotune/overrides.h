// Sets the library's configuration for one kernel and dtype while it lives
// (the tuner times candidates through it), whatever the size.
#ifndef AMDAHL_AUTOTUNE_OVERRIDES_H_
#define AMDAHL_AUTOTUNE_OVERRIDES_H_

#include "amdahl/config.h"
#include "lib/hooks.h"

namespace amdahl_tune {

class ConfigOverride {
 public:
  ConfigOverride(amdahl::Kernel kernel, amdahl::DType dtype, const amdahl::LoopConfig& c)
      : kernel_(kernel), dtype_(dtype), loop_(c) {
    amdahl::detail::SetLoopOverride(kernel_, dtype_, &loop_);
  }
  // GEMM (kernel must be Kernel::kGemm: the one kernel with a GemmConfig).
  // Integer GEMM runs its integer kernels meanwhile: the blocks timed are
  // theirs, not the exact float path's (which the float entries tune).
  ConfigOverride(amdahl::Kernel kernel, amdahl::DType dtype, const amdahl::GemmConfig& c)
      : kernel_(kernel), dtype_(dtype), gemm_(c) {
    amdahl::detail::SetGemmOverride(dtype_, &gemm_);
    on_float_ = amdahl::detail::SetIntegerGemmOnFloat(false);
  }
  ~ConfigOverride() {
    if (kernel_ == amdahl::Kernel::kGemm) {
      amdahl::detail::SetIntegerGemmOnFloat(on_float_);
      amdahl::detail::SetGemmOverride(dtype_, nullptr);
    } else {
      amdahl::detail::SetLoopOverride(kernel_, dtype_, nullptr);
    }
  }
  ConfigOverride(const ConfigOverride&) = delete;
  ConfigOverride& operator=(const ConfigOverride&) = delete;

 private:
  amdahl::Kernel kernel_;
  amdahl::DType dtype_;
  amdahl::LoopConfig loop_;
  amdahl::GemmConfig gemm_;
  bool on_float_ = true;
};

}  // namespace amdahl_tune

#endif  // AMDAHL_AUTOTUNE_OVERRIDES_H_
