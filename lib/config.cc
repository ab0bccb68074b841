// Default configuration from the topology. The tuner's wisdom overrides it.
#include "amdahl/config.h"

#include <algorithm>
#include <atomic>

#include "amdahl/pool.h"
#include "amdahl/topology.h"
#include "amdahl/wisdom.h"
#include "lib/check.h"
#include "lib/ops/gemm.h"

namespace amdahl {
namespace {

constexpr int kNumKernels = static_cast<int>(Kernel::kGemm) + 1;
constexpr int kNumDTypes = static_cast<int>(DType::kI64) + 1;

}  // namespace

const char* KernelName(Kernel kernel) {
  switch (kernel) {
    case Kernel::kScale: return "scale";
    case Kernel::kAxpy: return "axpy";
    case Kernel::kAdd: return "add";
    case Kernel::kTriad: return "triad";
    case Kernel::kSum: return "sum";
    case Kernel::kDot: return "dot";
    case Kernel::kGemm: return "gemm";
  }
  return "?";
}

const char* DTypeName(DType dtype) {
  switch (dtype) {
    case DType::kF32: return "f32";
    case DType::kF64: return "f64";
    case DType::kI32: return "i32";
    case DType::kI64: return "i64";
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

bool DTypeFromName(const std::string& name, DType* dtype) {
  CheckNotNull("DTypeFromName", "dtype", dtype, 1);
  for (int t = 0; t < kNumDTypes; ++t) {
    if (name == DTypeName(static_cast<DType>(t))) {
      *dtype = static_cast<DType>(t);
      return true;
    }
  }
  return false;
}

size_t DTypeSize(DType dtype) {
  CheckEnum("DTypeSize", "dtype", dtype, kNumDTypes, "DType");
  return (dtype == DType::kF32 || dtype == DType::kI32) ? 4 : 8;
}

size_t BytesPerElement(Kernel kernel, DType dtype) {
  CheckEnum("BytesPerElement", "kernel", kernel, kNumKernels, "Kernel");
  size_t arrays = 3;
  switch (kernel) {
    case Kernel::kScale: arrays = 2; break;  // read x, write y
    case Kernel::kSum: arrays = 1; break;
    case Kernel::kDot: arrays = 2; break;
    default: arrays = 3; break;              // Axpy reads y too
  }
  return arrays * DTypeSize(dtype);
}

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
  // Waking the workers costs about a microsecond; below ~256 KiB of traffic
  // one core finishes sooner than that buys.
  c.serial_cutoff = (256 * 1024) / bpe;
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

constexpr int kNumBuckets = 64;

// Defaults per kernel and type, and the wisdom's entries per size bucket.
struct LoopTable {
  LoopConfig defaults[kNumKernels][kNumDTypes];
  const LoopConfig* tuned[kNumKernels][kNumDTypes][kNumBuckets] = {};
  LoopTable() {
    for (int k = 0; k < kNumKernels; ++k) {
      for (int t = 0; t < kNumDTypes; ++t) {
        defaults[k][t] = DefaultLoopConfig(static_cast<Kernel>(k), static_cast<DType>(t));
      }
    }
    if (const HostWisdom* w = ActiveWisdom()) {
      for (const LoopWisdom& e : w->loops) {
        if (e.bucket < 0 || e.bucket >= kNumBuckets) continue;
        tuned[static_cast<size_t>(e.kernel)][static_cast<size_t>(e.dtype)][e.bucket] =
            &e.config;
      }
    }
  }
};

const LoopTable& GetLoopTable() {
  static const LoopTable* table = new LoopTable();
  return *table;
}

}  // namespace

namespace {

std::atomic<const LoopConfig*> g_loop_override[kNumKernels][kNumDTypes] = {};
std::atomic<const GemmConfig*> g_gemm_override[kNumDTypes] = {};

}  // namespace

namespace detail {

void SetLoopOverride(Kernel kernel, DType dtype, const LoopConfig* config) {
  g_loop_override[static_cast<size_t>(kernel)][static_cast<size_t>(dtype)].store(config);
}

void SetGemmOverride(DType dtype, const GemmConfig* config) {
  g_gemm_override[static_cast<size_t>(dtype)].store(config);
}

}  // namespace detail

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

namespace {

ops::GemmTile TileOf(DType dtype) {
  switch (dtype) {
    case DType::kF32: return ops::GemmTileOf(static_cast<const float*>(nullptr));
    case DType::kF64: return ops::GemmTileOf(static_cast<const double*>(nullptr));
    case DType::kI32: return ops::GemmTileOf(static_cast<const int32_t*>(nullptr));
    case DType::kI64: return ops::GemmTileOf(static_cast<const int64_t*>(nullptr));
  }
  return ops::GemmTileOf(static_cast<const float*>(nullptr));
}

size_t RoundDown(size_t x, size_t multiple) {
  return std::max(multiple, x / multiple * multiple);
}

}  // namespace

GemmConfig DefaultGemmConfig(DType dtype, size_t m, size_t n, size_t k) {
  CheckEnum("DefaultGemmConfig", "dtype", dtype, kNumDTypes, "DType");
  const Topology& topo = GetTopology();
  const size_t s = DTypeSize(dtype);
  const ops::GemmTile tile = TileOf(dtype);
  GemmConfig c;
  c.source = "defaults";
  c.mr = tile.mr;
  c.nr = tile.nr;
  c.lanes = tile.lanes;
  // Reading B in place pays while it fits in L1 (no TLB or set conflicts to
  // speak of); beyond, packing is cheap next to the multiply.
  c.b_in_place_max_bytes = topo.l1d_bytes.value;
  // Reading A in place (8 row streams) measured as fast as packing it up to
  // a few MiB, and it saves the transpose; beyond, packed slivers win.
  c.a_in_place_max_bytes = 4 * topo.l2_bytes.value;
  // Analytical model (Low et al., TOMS 2016), simplified: half of each cache
  // level for the operand that lives there.
  c.kc = std::clamp<size_t>(topo.l1d_bytes.value / 2 / (c.mr * s) / 16 * 16,
                            128, 512);
  c.nc = RoundDown(topo.l2_bytes.value / 2 / (c.kc * s), c.nr);
  const size_t l3_share = topo.l3_bytes.value != 0
                              ? topo.l3_bytes.value / topo.cores_per_l3.value
                              : topo.l2_bytes.value;
  c.mc = std::min<size_t>(RoundDown(l3_share / 2 / (c.kc * s), c.mr), 4096);
  // At least ~2 MFLOP per thread: a fork-join costs about a microsecond.
  const double flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) *
                       static_cast<double>(k);
  const size_t useful = static_cast<size_t>(flops / 2e6);
  c.threads = std::clamp<size_t>(useful, 1, NumThreads());
  return c;
}

GemmConfig GetGemmConfig(DType dtype, size_t m, size_t n, size_t k) {
  CheckEnum("GetGemmConfig", "dtype", dtype, kNumDTypes, "DType");
  if (const GemmConfig* forced =
          g_gemm_override[static_cast<size_t>(dtype)].load(std::memory_order_acquire)) {
    GemmConfig c = *forced;
    c.threads = std::min(c.threads, NumThreads());
    return c;
  }
  GemmConfig c = DefaultGemmConfig(dtype, m, n, k);
  // Measured blocks for this size, if the tuner ran here with the same tile.
  if (const HostWisdom* w = ActiveWisdom()) {
    const int bucket = GemmBucket(m, n, k);
    for (const GemmWisdom& e : w->gemm) {
      if (e.dtype != dtype || e.bucket != bucket || e.config.mr != c.mr ||
          e.config.nr != c.nr) {
        continue;
      }
      c.mc = std::max(e.config.mc, c.mr);
      c.kc = e.config.kc;
      c.nc = std::max(e.config.nc, c.nr);
      c.threads = std::min(e.config.threads, NumThreads());
      c.source = "wisdom";
      break;
    }
  }
  return c;
}

}  // namespace amdahl
