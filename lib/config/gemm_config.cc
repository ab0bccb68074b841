// GEMM's configuration record: the analytical defaults (Low et al., TOMS
// 2016) for the running target's register tile, size buckets of
// floor(log2((m n k)^(1/3))), JSON fields, the tile rules every
// configuration passes (GemmConfigProblem), and the tuner's override.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

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
#include "lib/runtime/per_target.h"
#include "lib/ops/gemm.h"

namespace amdahl {
namespace {

std::atomic<const GemmConfig*> g_gemm_override[kNumDTypes] = {};

// A packed block (mc x kc of A, kc x nc of B) of more elements is never
// useful and could exhaust memory: the defaults, overrides and wisdom all
// stay under it.
constexpr size_t kMaxBlockElements = size_t{1} << 26;

}  // namespace

namespace detail {

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

int GemmBucket(size_t m, size_t n, size_t k) {
  // floor(log2(x^(1/3))) = floor(floor(log2 x) / 3) for an integer x >= 1:
  // a bit count and a division (cbrt and log2 were a fifth of a tiny
  // product's call). Past 2^64, in double.
  uint64_t x = 0;
  if (!__builtin_mul_overflow(m, n, &x) && !__builtin_mul_overflow(x, k, &x)) {
    return x == 0 ? 0 : (63 - __builtin_clzll(x)) / 3;
  }
  const double cube = std::cbrt(static_cast<double>(m) * static_cast<double>(n) *
                                static_cast<double>(k));
  return static_cast<int>(std::floor(std::log2(cube) + 1e-9));
}

namespace {

// The running target's tiles without allocating (GEMM asks on every call).
struct TargetTiles {
  ops::GemmTile tile[ops::kMaxGemmTiles];
  size_t count = 0;
  TargetTiles() = default;
  explicit TargetTiles(DType dtype) {
    count = VisitDType(dtype, [&](auto tag) {
      return ops::GemmTilesOf(static_cast<const typename decltype(tag)::type*>(nullptr), tile);
    });
  }
  bool Has(const GemmTileShape& t) const {
    for (size_t i = 0; i < count; ++i) {
      if (tile[i].mr == t.mr && tile[i].nr == t.nr && tile[i].lanes == t.lanes) return true;
    }
    return false;
  }
};

// Whether entry e suits a call that may use `threads` threads better than
// `best` (null: any entry does): FindGemmWisdom's rule. Rank, lower is
// closer: the same count, then counts above it (nearest first), then
// counts below (nearest first).
inline bool CloserFor(size_t threads, const GemmWisdom& e, const GemmWisdom* best) {
  auto rank = [threads](size_t t) -> size_t {
    if (t >= threads) return t - threads;
    return std::numeric_limits<size_t>::max() / 2 + (threads - t);
  };
  return best == nullptr || rank(e.config.threads) < rank(best->config.threads);
}

// One wisdom's GEMM entries by dtype and size bucket, each bucket's (one per
// thread count) side by side: a call looks at its bucket's, not at the
// whole list (40 entries of a 60 s tune were 10 ns of a 4^3 product's 43,
// Zen 5 2026-12-03).
struct GemmTable {
  const HostWisdom* wisdom;  // what the table was built from (may be null)
  std::vector<const GemmWisdom*> entries[kNumDTypes][kTableBuckets];
  explicit GemmTable(const HostWisdom* w) : wisdom(w) {
    if (w == nullptr) return;
    for (const GemmWisdom& e : w->gemm) {
      if (e.bucket < 0 || e.bucket >= kTableBuckets) continue;
      entries[static_cast<size_t>(e.dtype)][e.bucket].push_back(&e);
    }
  }
  // FindGemmWisdom's entry, from the table.
  const GemmWisdom* Find(DType dtype, int bucket, size_t threads) const {
    if (bucket < 0 || bucket >= kTableBuckets) return nullptr;
    const GemmWisdom* best = nullptr;
    for (const GemmWisdom* e : entries[static_cast<size_t>(dtype)][bucket]) {
      if (CloserFor(threads, *e, best)) best = e;
    }
    return best;
  }
};

GemmConfig BlocksFor(DType dtype, const ops::GemmTile& tile);
size_t DefaultThreads(size_t m, size_t n, size_t k);
GemmConfig Defaults(DType dtype, size_t m, size_t n, size_t k);

// What GEMM needs of the running target per dtype: its tiles and the default
// tile's blocks, each found and checked once. GEMM asks on every call: the
// tiles (a dispatched call) and the blocks (a dozen integer divisions) were a
// third of a 16^3 product's time. One table for all threads: a thread-local
// cache (a __tls_get_addr call from a shared library) cost 4 ns of a 1^3
// product's 54, and a wisdom entry's tile was checked by a dispatched call on
// every use. Kept per Highway target: tests switch targets.
struct TargetGemm {
  TargetTiles tiles;
  GemmConfig blocks;
};
PerTarget<TargetGemm> g_target_gemm[kNumDTypes];

// The running target's TargetGemm for a dtype already checked.
inline const TargetGemm& ForTarget(DType dtype) {
  return g_target_gemm[static_cast<size_t>(dtype)].Get([dtype] {
    TargetTiles tiles(dtype);  // (a dispatched call)
    GemmConfig blocks = BlocksFor(dtype, tiles.tile[0]);
    blocks.threads = 1;
    if (const std::string problem = GemmConfigProblem(blocks); !problem.empty()) {
      throw Error("amdahl::DefaultGemmConfig: the analytical blocks for " +
                  std::string(DTypeName(dtype)) + " fail their own rules: " + problem);
    }
    return TargetGemm{tiles, blocks};
  });
}

}  // namespace

std::vector<GemmTileShape> GemmTiles(DType dtype) {
  CheckEnum("GemmTiles", "dtype", dtype, kNumDTypes, "DType");
  const TargetTiles& tiles = ForTarget(dtype).tiles;
  std::vector<GemmTileShape> shapes(tiles.count);
  for (size_t i = 0; i < tiles.count; ++i) {
    shapes[i] = {tiles.tile[i].mr, tiles.tile[i].nr, tiles.tile[i].lanes};
  }
  return shapes;
}

bool IsGemmTile(DType dtype, const GemmTileShape& tile) {
  CheckEnum("IsGemmTile", "dtype", dtype, kNumDTypes, "DType");
  return ForTarget(dtype).tiles.Has(tile);
}

namespace {

size_t RoundDown(size_t x, size_t multiple) {
  return std::max(multiple, x / multiple * multiple);
}

}  // namespace

GemmConfig DefaultGemmConfig(DType dtype, size_t m, size_t n, size_t k) {
  CheckEnum("DefaultGemmConfig", "dtype", dtype, kNumDTypes, "DType");
  return Defaults(dtype, m, n, k);
}

GemmConfig DefaultGemmConfig(DType dtype, size_t m, size_t n, size_t k,
                             const GemmTileShape& tile) {
  CheckEnum("DefaultGemmConfig", "dtype", dtype, kNumDTypes, "DType");
  if (!ForTarget(dtype).tiles.Has(tile)) {
    throw Error("amdahl::DefaultGemmConfig: tile " + std::to_string(tile.mr) + " x " +
                std::to_string(tile.nr) + " is not one of this target's for " +
                DTypeName(dtype));
  }
  GemmConfig c = BlocksFor(dtype, ops::GemmTile{tile.mr, tile.nr, tile.lanes});
  c.threads = DefaultThreads(m, n, k);
  return c;
}

namespace {

// The blocks of `tile` from the caches (the same for every size).
GemmConfig BlocksFor(DType dtype, const ops::GemmTile& tile) {
  const Topology& topo = GetTopology();
  const size_t s = DTypeSize(dtype);
  GemmConfig c;
  c.source = "defaults";
  c.mr = tile.mr;
  c.nr = tile.nr;
  c.lanes = tile.lanes;
  // Reading B in place pays while its rows span half of L2 (Zen 4, 2026-11-30:
  // 128^3 and 256^3 2-8 % faster than packed on one core and two; a 512^3
  // f32 B, all of L2, 5 % slower); beyond, packing is cheap next to the
  // multiply.
  c.b_in_place_max_bytes = topo.l2_bytes.value / 2;
  // Reading A in place (mr row streams) saves the transpose into slivers.
  // Up to 64x L2 (64 MiB on Zen 4 and 5): Zen 5, 2026-12-02, against the
  // 4x L2 set on 2026-11-23, one thread f64 1400-2800 0.94-0.97x the time,
  // two threads f64 1500-3000 0.93-0.99x, f32 0.96-1.00x; not measured
  // beyond (one thread f32 4000, 61 MiB: 0.99x).
  c.a_in_place_max_bytes = 64 * topo.l2_bytes.value;
  // Analytical model (Low et al., TOMS 2016), simplified: half of each cache
  // level for the operand that lives there, but two thirds of L1 for the A
  // sliver: a deeper kc is fewer passes over C and fewer tile starts, and
  // the B rows streaming past the sliver did not evict it (Zen 5, 48 KiB
  // L1d, 2026-12-03: f64 8 x 3 kc 512 against 384, one core 512^3 0.964x the
  // time, 1024^3 0.982x, 2048^3 0.975x; two threads 0.97-0.985x; f32 stays at
  // the clamp, 512).
  c.kc = std::clamp<size_t>(topo.l1d_bytes.value * 2 / 3 / (c.mr * s) / 16 * 16,
                            128, 512);
  c.nc = RoundDown(topo.l2_bytes.value / 2 / (c.kc * s), c.nr);
  const size_t l3_share = topo.l3_bytes.value != 0
                              ? topo.l3_bytes.value / topo.cores_per_l3.value
                              : topo.l2_bytes.value;
  // Whole tiles: capped at 4096 rows, then rounded down to a multiple of mr
  // (4096 is not one of mr = 6).
  c.mc = RoundDown(std::min<size_t>(l3_share / 2 / (c.kc * s), 4096), c.mr);
  return c;
}

// At least 0.25 MFLOP per thread (~2.5 us on a core): a fork-join costs
// 0.2-0.7 us. (2 MFLOP kept 64^3 on one core: f32 105 GFLOPS against 183 on
// two, Zen 4 2026-11-30.) Two threads from 0.25 MFLOP in all (50^3), where
// one fork to one worker pays whatever it costs. Zen 4 VM, 2026-11-30, two
// threads against one: with the fork-join at 170 ns f32 40^3 1.37x, 48^3
// 1.50x, 50^3 1.47x; at 695 ns (the same VM some minutes later) 40^3 0.66x,
// 48^3 0.83x, 50^3 1.05x (f64 1.20x), 56^3 1.16x.
size_t DefaultThreads(size_t m, size_t n, size_t k) {
  // In integers (a double's conversions were a tenth of a tiny call).
  uint64_t mnk = 0;
  if (__builtin_mul_overflow(m, n, &mnk) || __builtin_mul_overflow(mnk, k, &mnk)) {
    return NumThreads();
  }
  size_t threads = mnk / 125000;  // 0.25 MFLOP a thread
  if (threads == 1) threads = 2;  // but one fork to one worker from 50^3
  return std::clamp<size_t>(threads, 1, NumThreads());
}

// ApplyGemmWisdom for an entry the wisdom loader accepted: it refused
// entries that break GemmConfigProblem's rules for their own mr x nr (blocks
// whole tiles, at most 2^26 elements, kc and threads at least 1), so what is
// left to check is the tile on this target (another target's does not
// apply), its vector length included. (GemmConfigProblem's divisions again
// on every call were a fifth of a 64^3 product's configuration.)
inline GemmConfig ApplyLoadedGemmWisdom(const GemmConfig& defaults, const GemmWisdom& e) {
  if (!ForTarget(e.dtype).tiles.Has({e.config.mr, e.config.nr, defaults.lanes})) {
    return defaults;
  }
  GemmConfig tuned = defaults;
  tuned.mr = e.config.mr;
  tuned.nr = e.config.nr;
  tuned.mc = e.config.mc;
  tuned.kc = e.config.kc;
  tuned.nc = e.config.nc;
  tuned.threads = std::min(e.config.threads, NumThreads());
  tuned.source = e.config.source;
  return tuned;
}

// DefaultGemmConfig for a dtype already checked.
inline GemmConfig Defaults(DType dtype, size_t m, size_t n, size_t k) {
  GemmConfig c = ForTarget(dtype).blocks;
  c.threads = DefaultThreads(m, n, k);
  return c;
}

}  // namespace

GemmConfig GetGemmConfig(DType dtype, size_t m, size_t n, size_t k) {
  CheckEnum("GetGemmConfig", "dtype", dtype, kNumDTypes, "DType");
  if (const GemmConfig* forced =
          g_gemm_override[static_cast<size_t>(dtype)].load(std::memory_order_acquire)) {
    GemmConfig c = *forced;
    // Set for one target, used on another (the tests switch targets).
    if (!ForTarget(dtype).tiles.Has(GemmTileShape{c.mr, c.nr, c.lanes})) {
      throw Error("amdahl::GetGemmConfig: the override's tile " + std::to_string(c.mr) +
                  " x " + std::to_string(c.nr) + " (" + std::to_string(c.lanes) +
                  " lanes) is not one of this target's");
    }
    c.threads = std::min(c.threads, NumThreads());
    return c;
  }
  // Measured blocks for this size, if the tuner ran here with a tile this
  // target compiles. (Active wisdom always came through the loader.)
  if (const HostWisdom* w = ActiveWisdom()) {
    if (const GemmWisdom* e =
            ActiveTable<GemmTable>(w).Find(dtype, GemmBucket(m, n, k), NumThreads())) {
      return ApplyLoadedGemmWisdom(Defaults(dtype, m, n, k), *e);
    }
  }
  // Built in the caller's result (a named copy returned on two paths was
  // copied, and its reload stalled on the stores that had just filled it).
  return Defaults(dtype, m, n, k);
}

const GemmWisdom* FindGemmWisdom(const HostWisdom& w, DType dtype, int bucket,
                                 size_t threads) {
  const GemmWisdom* best = nullptr;
  for (const GemmWisdom& e : w.gemm) {
    if (e.dtype == dtype && e.bucket == bucket && CloserFor(threads, e, best)) best = &e;
  }
  return best;
}

GemmConfig ApplyGemmWisdom(const GemmConfig& defaults, const GemmWisdom& e) {
  // An entry that did not come from the loader may break any rule: the
  // result is checked in full.
  const GemmConfig tuned = ApplyLoadedGemmWisdom(defaults, e);
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
  if (c.mc > kMaxBlockElements / c.kc || c.nc > kMaxBlockElements / c.kc) {
    return "mc/kc/nc = " + std::to_string(c.mc) + "/" + std::to_string(c.kc) + "/" +
           std::to_string(c.nc) + " make a packed block larger than 2^26 elements";
  }
  if (c.threads == 0) return say("threads", c.threads, "must be at least 1");
  return "";
}

namespace records {

using namespace json_fields;  // NOLINT: the typed readers

// A block side larger than this is never useful.
constexpr uint64_t kMaxBlock = 1 << 20;

json GemmToJson(const GemmWisdom& e) {
  json j{{"dtype", DTypeName(e.dtype)}, {"bucket", e.bucket},
         {"mr", e.config.mr}, {"nr", e.config.nr}, {"mc", e.config.mc},
         {"kc", e.config.kc}, {"nc", e.config.nc},
         {"threads", e.config.threads}, {"gflops", e.gflops}};
  if (e.interpolated) j["interpolated"] = true;
  return j;
}

GemmWisdom GemmFromJson(const json& g) {
  GemmWisdom e;
  if (!DTypeFromName(Text(g, "dtype"), &e.dtype)) Bad("dtype", "is unknown");
  e.bucket = static_cast<int>(Count(g, "bucket", 0, kMaxBucket));
  e.config.mr = Count(g, "mr", 1, 64);
  e.config.nr = Count(g, "nr", 1, 256);
  e.config.mc = Count(g, "mc", 1, kMaxBlock);
  e.config.kc = Count(g, "kc", 1, kMaxBlock);
  e.config.nc = Count(g, "nc", 1, kMaxBlock);
  if (uint64_t{e.config.mc} * e.config.kc > kMaxBlockElements ||
      uint64_t{e.config.kc} * e.config.nc > kMaxBlockElements) {
    Bad("mc/kc/nc", "make a packed block larger than 2^26 elements");
  }
  // Packing writes whole slivers of mr rows and nr columns: blocks that
  // are not whole tiles would write past the packing buffers.
  if (e.config.mc % e.config.mr != 0) {
    Bad("mc", "= " + std::to_string(e.config.mc) + " is not a multiple of mr = " +
                  std::to_string(e.config.mr));
  }
  if (e.config.nc % e.config.nr != 0) {
    Bad("nc", "= " + std::to_string(e.config.nc) + " is not a multiple of nr = " +
                  std::to_string(e.config.nr));
  }
  e.config.threads = Count(g, "threads", 1, kMaxThreads);
  e.interpolated = Flag(g, "interpolated");
  e.config.source = e.interpolated ? "interpolated" : "wisdom";
  e.gflops = OptionalRate(g, "gflops");
  return e;
}

bool SameGemmKey(const GemmWisdom& a, const GemmWisdom& b) {
  return a.dtype == b.dtype && a.bucket == b.bucket;
}

}  // namespace records
}  // namespace amdahl
