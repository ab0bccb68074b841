// The streaming kernels' configuration record (Scale, Axpy, Add, Triad, Sum,
// Dot, GEMV): defaults from the topology, size buckets of floor(log2(n)),
// JSON fields, validation, and the tuner's override.
#include <algorithm>
#include <atomic>
#include <string>

#include "amdahl/config.h"
#include "amdahl/error.h"
#include "amdahl/pool.h"
#include "amdahl/topology.h"
#include "amdahl/wisdom.h"
#include "lib/config/active_table.h"
#include "lib/config/json_fields.h"
#include "lib/config/records.h"
#include "lib/hooks.h"
#include "lib/kernels/check.h"

namespace amdahl {
namespace {

// Round up to a multiple of 64 elements: chunks then start on a cache line
// (and vector) boundary whenever the array does.
size_t RoundGrain(size_t elements) {
  return std::max<size_t>(64, (elements + 63) / 64 * 64);
}

}  // namespace

namespace {

LoopConfig DefaultLoopConfig(Kernel kernel, DType dtype) {
  const Topology& topo = GetTopology();
  const size_t bpe = BytesPerElement(kernel, dtype);
  LoopConfig c;
  c.source = "defaults";
  c.threads = topo.usable_cores.value;
  // A fork-join costs about half a microsecond (pool/forkjoin: 480 ns on 2
  // Xeon cores). A kernel that writes moves ~75 GB/s on one core from L2, and
  // from 128 KiB of traffic on the second core's half pays for the fork (Scale
  // f32 20,000: 1.77 us on 2 threads against 2.11 on one); a reduction only
  // reads, about twice as fast, and needs twice the traffic (Sum i64 16,384:
  // 1.30 us on 2 threads against 0.96 on one). Xeon, 2026-11-24.
  const bool reads_only = kernel == Kernel::kSum || kernel == Kernel::kDot;
  c.serial_cutoff = ((reads_only ? 256 : 128) * size_t{1024}) / bpe;
  // 64 KiB of traffic per chunk: small enough to balance, large enough that
  // claiming a chunk (one atomic) is noise.
  c.grain = RoundGrain((64 * 1024) / bpe);
  if (kernel == Kernel::kSum || kernel == Kernel::kDot) {
    c.grain = std::max(c.grain, kReduceLeaf) / kReduceLeaf * kReduceLeaf;
  }
  // Non-temporal stores once the output cannot stay in the last-level cache.
  const size_t llc = std::max(topo.l3_bytes.value * topo.clusters.value,
                              topo.l2_bytes.value * topo.cores.size());
  c.stream_min = (2 * llc) / bpe;
  return c;
}

// Defaults per kernel and type, and one wisdom's entries per size bucket.
struct LoopTable {
  const HostWisdom* wisdom;  // what the table was built from (may be null)
  LoopConfig defaults[kNumKernels][kNumDTypes];
  const LoopConfig* tuned[kNumKernels][kNumDTypes][kTableBuckets] = {};
  explicit LoopTable(const HostWisdom* w) : wisdom(w) {
    for (int k = 0; k < kNumKernels; ++k) {
      for (int t = 0; t < kNumDTypes; ++t) {
        defaults[k][t] = DefaultLoopConfig(static_cast<Kernel>(k), static_cast<DType>(t));
      }
    }
    if (w == nullptr) return;
    for (const LoopWisdom& e : w->loops) {
      if (e.bucket < 0 || e.bucket >= kTableBuckets) continue;
      tuned[static_cast<size_t>(e.kernel)][static_cast<size_t>(e.dtype)][e.bucket] =
          &e.config;
    }
  }
};

const LoopTable& GetLoopTable() { return ActiveTable<LoopTable>(ActiveWisdom()); }

}  // namespace

namespace {

std::atomic<const LoopConfig*> g_loop_override[kNumKernels][kNumDTypes] = {};

}  // namespace

namespace detail {

void SetLoopOverride(Kernel kernel, DType dtype, const LoopConfig* config) {
  CheckEnum("detail::SetLoopOverride", "kernel", kernel, kNumKernels, "Kernel");
  CheckEnum("detail::SetLoopOverride", "dtype", dtype, kNumDTypes, "DType");
  if (config != nullptr && (config->threads == 0 || config->grain == 0)) {
    throw Error("amdahl::detail::SetLoopOverride: config: threads = " +
                std::to_string(config->threads) + ", grain = " +
                std::to_string(config->grain) + " (both must be at least 1)");
  }
  g_loop_override[static_cast<size_t>(kernel)][static_cast<size_t>(dtype)].store(config);
}

}  // namespace detail

int LoopBucket(size_t n) {
  // floor(log2(n)), 0 for n <= 1: one instruction, not a loop per bit.
  return n <= 1 ? 0 : 63 - __builtin_clzll(static_cast<unsigned long long>(n));
}

LoopConfig DefaultLoopConfigFor(Kernel kernel, DType dtype) {
  CheckEnum("DefaultLoopConfigFor", "kernel", kernel, kNumKernels, "Kernel");
  CheckEnum("DefaultLoopConfigFor", "dtype", dtype, kNumDTypes, "DType");
  LoopConfig c = GetLoopTable().defaults[static_cast<size_t>(kernel)][static_cast<size_t>(dtype)];
  c.threads = std::min(c.threads, NumThreads());
  return c;
}

LoopConfig GetLoopConfig(Kernel kernel, DType dtype, size_t n) {
  CheckEnum("GetLoopConfig", "kernel", kernel, kNumKernels, "Kernel");
  CheckEnum("GetLoopConfig", "dtype", dtype, kNumDTypes, "DType");
  const size_t k = static_cast<size_t>(kernel), t = static_cast<size_t>(dtype);
  if (const LoopConfig* forced = g_loop_override[k][t].load(std::memory_order_acquire)) {
    LoopConfig c = *forced;
    c.threads = std::min(c.threads, NumThreads());
    return c;
  }
  const LoopTable& table = GetLoopTable();
  const LoopConfig* tuned = table.tuned[k][t][LoopBucket(n)];
  LoopConfig c = tuned ? *tuned : table.defaults[k][t];
  c.threads = std::min(c.threads, NumThreads());
  return c;
}

namespace records {

using namespace json_fields;  // NOLINT: the typed readers

json LoopToJson(const LoopWisdom& l) {
  json j{{"kernel", KernelName(l.kernel)}, {"dtype", DTypeName(l.dtype)},
         {"bucket", l.bucket}, {"threads", l.config.threads},
         {"serial_cutoff", l.config.serial_cutoff},
         {"grain", l.config.grain}, {"stream_min", l.config.stream_min},
         {"gbps", l.gbps}};
  if (l.interpolated) j["interpolated"] = true;
  return j;
}

LoopWisdom LoopFromJson(const json& l) {
  LoopWisdom e;
  if (!KernelFromName(Text(l, "kernel"), &e.kernel)) Bad("kernel", "is unknown");
  if (!DTypeFromName(Text(l, "dtype"), &e.dtype)) Bad("dtype", "is unknown");
  e.bucket = static_cast<int>(Count(l, "bucket", 0, kMaxBucket));
  e.config.threads = Count(l, "threads", 1, kMaxThreads);
  e.config.serial_cutoff = Count(l, "serial_cutoff", 0, kMaxSize);
  e.config.grain = Count(l, "grain", 1, kMaxSize);
  e.config.stream_min = Count(l, "stream_min", 0, kMaxSize);
  e.interpolated = Flag(l, "interpolated");
  e.config.source = e.interpolated ? "interpolated" : "wisdom";
  e.gbps = OptionalRate(l, "gbps");
  return e;
}

bool SameLoopKey(const LoopWisdom& a, const LoopWisdom& b) {
  return a.kernel == b.kernel && a.dtype == b.dtype && a.bucket == b.bucket;
}

}  // namespace records
}  // namespace amdahl
