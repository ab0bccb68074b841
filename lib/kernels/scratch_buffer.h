// A 64-byte aligned block, grown on demand and reused: the kernels' per-thread
// packing and scratch space.
#ifndef AMDAHL_KERNELS_SCRATCH_BUFFER_H_
#define AMDAHL_KERNELS_SCRATCH_BUFFER_H_

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

namespace amdahl {

class ScratchBuffer {
 public:
  // At least `bytes`, 64-byte aligned; the contents are not kept on growth.
  void* Get(size_t bytes) {
    if (bytes > capacity_) {
      const size_t rounded = (bytes + 63) / 64 * 64;
      mem_.reset();
      void* p = std::aligned_alloc(64, rounded);
      if (p == nullptr) throw std::bad_alloc();
      mem_.reset(p);
      capacity_ = rounded;
    }
    return mem_.get();
  }
  // Gives the block back when it is larger than `keep` bytes.
  void Trim(size_t keep) {
    if (capacity_ > keep) {
      mem_.reset();
      capacity_ = 0;
    }
  }

 private:
  struct Free {
    void operator()(void* p) const { std::free(p); }
  };
  std::unique_ptr<void, Free> mem_;
  size_t capacity_ = 0;
};

}  // namespace amdahl

#endif  // AMDAHL_KERNELS_SCRATCH_BUFFER_H_
