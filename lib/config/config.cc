// Default configuration from the topology. The tuner's wisdom overrides it.
#include "amdahl/config.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "amdahl/pool.h"
#include "amdahl/topology.h"
#include "amdahl/wisdom.h"
#include "amdahl/error.h"
#include "lib/kernels/check.h"
#include "lib/ops/gemm.h"
#include "lib/hooks.h"

namespace amdahl {
namespace {

constexpr int kNumKernels = static_cast<int>(Kernel::kGemm) + 1;

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

// Defaults per kernel and type, and one wisdom's entries per size bucket.
struct LoopTable {
  const HostWisdom* wisdom;  // what the table was built from (may be null)
  LoopConfig defaults[kNumKernels][kNumDTypes];
  const LoopConfig* tuned[kNumKernels][kNumDTypes][kNumBuckets] = {};
  explicit LoopTable(const HostWisdom* w) : wisdom(w) {
    for (int k = 0; k < kNumKernels; ++k) {
      for (int t = 0; t < kNumDTypes; ++t) {
        defaults[k][t] = DefaultLoopConfig(static_cast<Kernel>(k), static_cast<DType>(t));
      }
    }
    if (w == nullptr) return;
    for (const LoopWisdom& e : w->loops) {
      if (e.bucket < 0 || e.bucket >= kNumBuckets) continue;
      tuned[static_cast<size_t>(e.kernel)][static_cast<size_t>(e.dtype)][e.bucket] =
          &e.config;
    }
  }
};

// The table of the active wisdom, rebuilt when ReloadWisdom() switched it.
// Tables are never freed: a kernel on another thread may still read the
// last one (they are small, and a reload is rare).
const LoopTable& GetLoopTable() {
  static std::atomic<const LoopTable*> table{nullptr};
  static std::mutex mu;
  const HostWisdom* w = ActiveWisdom();
  const LoopTable* t = table.load(std::memory_order_acquire);
  if (t != nullptr && t->wisdom == w) return *t;
  std::lock_guard<std::mutex> lock(mu);
  t = table.load(std::memory_order_relaxed);
  if (t == nullptr || t->wisdom != w) {
    // Retired tables stay reachable (and so are no leak to LeakSanitizer).
    static auto* retired = new std::vector<const LoopTable*>();
    if (t != nullptr) retired->push_back(t);
    t = new LoopTable(w);
    table.store(t, std::memory_order_release);
  }
  return *t;
}

}  // namespace

namespace {

std::atomic<const LoopConfig*> g_loop_override[kNumKernels][kNumDTypes] = {};
std::atomic<const GemmConfig*> g_gemm_override[kNumDTypes] = {};

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

void SetGemmOverride(DType dtype, const GemmConfig* config) {
  CheckEnum("detail::SetGemmOverride", "dtype", dtype, kNumDTypes, "DType");
  if (config != nullptr) {
    const std::string problem = GemmConfigProblem(*config);
    if (!problem.empty()) {
      throw Error("amdahl::detail::SetGemmOverride: config: " + problem);
    }
  }
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
  return VisitDType(dtype, [](auto tag) {
    return ops::GemmTileOf(static_cast<const typename decltype(tag)::type*>(nullptr));
  });
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
  // Whole tiles: capped at 4096 rows, then rounded down to a multiple of mr
  // (4096 is not one of mr = 6).
  c.mc = RoundDown(std::min<size_t>(l3_share / 2 / (c.kc * s), 4096), c.mr);
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
  // The loader refused entries that are not whole tiles of their own mr x nr;
  // checking the result again against this target's vector length costs
  // nothing next to a GEMM and keeps a bad entry from ever reaching packing.
  if (const HostWisdom* w = ActiveWisdom()) {
    const int bucket = GemmBucket(m, n, k);
    for (const GemmWisdom& e : w->gemm) {
      if (e.dtype == dtype && e.bucket == bucket) return ApplyGemmWisdom(c, e);
    }
  }
  return c;
}

GemmConfig ApplyGemmWisdom(const GemmConfig& defaults, const GemmWisdom& e) {
  // The loader refused entries that are not whole tiles of their own mr x
  // nr; an entry of another tile (another target) does not apply, and the
  // result is checked against this target's vector length too, so that a
  // bad entry never reaches the packing.
  if (e.config.mr != defaults.mr || e.config.nr != defaults.nr) return defaults;
  GemmConfig tuned = defaults;
  tuned.mc = e.config.mc;
  tuned.kc = e.config.kc;
  tuned.nc = e.config.nc;
  tuned.threads = std::min(e.config.threads, NumThreads());
  tuned.source = e.config.source;
  return GemmConfigProblem(tuned).empty() ? tuned : defaults;
}

std::string GemmConfigProblem(const GemmConfig& c) {
  auto say = [](const char* what, size_t v, const std::string& rule) {
    return std::string(what) + " = " + std::to_string(v) + " " + rule;
  };
  if (c.mr == 0 || c.nr == 0 || c.lanes == 0) {
    return "mr, nr and lanes must be at least 1 (mr = " + std::to_string(c.mr) +
           ", nr = " + std::to_string(c.nr) + ", lanes = " + std::to_string(c.lanes) + ")";
  }
  if (c.nr % c.lanes != 0) {
    return say("nr", c.nr, "is not a multiple of lanes = " + std::to_string(c.lanes));
  }
  if (c.mc < c.mr || c.mc % c.mr != 0) {
    return say("mc", c.mc, "is not a positive multiple of mr = " + std::to_string(c.mr));
  }
  if (c.nc < c.nr || c.nc % c.nr != 0) {
    return say("nc", c.nc, "is not a positive multiple of nr = " + std::to_string(c.nr));
  }
  if (c.kc == 0) return say("kc", c.kc, "must be at least 1");
  constexpr size_t kMaxBlockElements = size_t{1} << 26;
  if (c.mc > kMaxBlockElements / c.kc || c.nc > kMaxBlockElements / c.kc) {
    return "mc/kc/nc = " + std::to_string(c.mc) + "/" + std::to_string(c.kc) + "/" +
           std::to_string(c.nc) + " make a packed block larger than 2^26 elements";
  }
  if (c.threads == 0) return say("threads", c.threads, "must be at least 1");
  return "";
}

}  // namespace amdahl
