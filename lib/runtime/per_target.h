// A value per Highway target, made once per target and read without a lock:
// what GEMM looks up on every call (the configuration's tiles and blocks, the
// framework's macro-kernels). Per target because the tests switch targets.
#ifndef AMDAHL_RUNTIME_PER_TARGET_H_
#define AMDAHL_RUNTIME_PER_TARGET_H_

#include <atomic>
#include <mutex>

#include "hwy/targets.h"

namespace amdahl {

template <class V>
class PerTarget {
 public:
  // The running target's value; the first call per target runs make(),
  // which must make a dispatched call before it returns (the first one is
  // what chooses the target) and may throw (nothing is stored then).
  template <class Make>
  const V& Get(const Make& make) {
    const Slot& slot = slots_[hwy::GetChosenTarget().GetIndex()];
    if (__builtin_expect(slot.ready.load(std::memory_order_acquire), 1)) return slot.value;
    return Fill(make);
  }

 private:
  struct Slot {
    std::atomic<bool> ready{false};
    V value;
  };

  template <class Make>
  [[gnu::noinline]] const V& Fill(const Make& make) {
    std::lock_guard<std::mutex> lock(mu_);
    V value = make();
    // After make's dispatched call. (Index 0, Highway's "no target chosen
    // yet", is never filled.)
    Slot& slot = slots_[hwy::GetChosenTarget().GetIndex()];
    if (!slot.ready.load(std::memory_order_relaxed)) {
      slot.value = value;
      slot.ready.store(true, std::memory_order_release);
    }
    return slot.value;
  }

  Slot slots_[HWY_MAX_DYNAMIC_TARGETS + 2];
  std::mutex mu_;
};

}  // namespace amdahl

#endif  // AMDAHL_RUNTIME_PER_TARGET_H_
