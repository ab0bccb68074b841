// A lookup table built from the active wisdom, so that the kernels' calls
// index their entries instead of scanning the lists: rebuilt when
// ReloadWisdom() (or SetWisdomPath) switched the wisdom.
#ifndef AMDAHL_LIB_CONFIG_ACTIVE_TABLE_H_
#define AMDAHL_LIB_CONFIG_ACTIVE_TABLE_H_

#include <atomic>
#include <mutex>
#include <vector>

#include "amdahl/wisdom.h"

namespace amdahl {

// The table of `w`, ActiveWisdom() (maybe null). Table: constructible from
// it and naming it in a member `wisdom`. Tables are never freed: a kernel on
// another thread may still read the last one (they are small, and a reload
// is rare); retired ones stay reachable (no leak to LeakSanitizer).
template <class Table>
const Table& ActiveTable(const HostWisdom* w) {
  static std::atomic<const Table*> table{nullptr};
  static std::mutex mu;
  const Table* t = table.load(std::memory_order_acquire);
  if (t != nullptr && t->wisdom == w) return *t;
  std::lock_guard<std::mutex> lock(mu);
  t = table.load(std::memory_order_relaxed);
  if (t == nullptr || t->wisdom != w) {
    static auto* retired = new std::vector<const Table*>();
    if (t != nullptr) retired->push_back(t);
    t = new Table(w);
    table.store(t, std::memory_order_release);
  }
  return *t;
}

// Size buckets a table holds (GemmBucket and LoopBucket stay below).
constexpr int kTableBuckets = 64;

}  // namespace amdahl

#endif  // AMDAHL_LIB_CONFIG_ACTIVE_TABLE_H_
