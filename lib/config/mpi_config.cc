// The MPI front's configuration record: SUMMA's panel width and grid rows
// per rank count and size bucket, and the network's ceilings (JSON fields,
// validation, lookup).
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>

#include "amdahl/config.h"
#include "amdahl/wisdom.h"
#include "lib/config/json_fields.h"
#include "lib/config/records.h"
#include "lib/hooks.h"

namespace amdahl {
namespace {

std::atomic<size_t> g_panel_override{0};

// Limits a stored width or rank count must keep to.
constexpr uint64_t kMaxWidth = 1 << 16;
constexpr uint64_t kMaxRanks = 1 << 20;

// The entry for `ranks` whose bucket is nearest to `bucket` (null: none).
const MpiPanelWisdom* Nearest(const HostWisdom& w, int ranks, int bucket) {
  const MpiPanelWisdom* best = nullptr;
  for (const MpiPanelWisdom& e : w.mpi.panels) {
    if (e.ranks != ranks) continue;
    if (best == nullptr || std::abs(e.bucket - bucket) < std::abs(best->bucket - bucket)) best = &e;
  }
  return best;
}

}  // namespace

namespace detail {

void SetMpiPanelWidthOverride(size_t width) { g_panel_override.store(width); }

}  // namespace detail

size_t MpiPanelWidth(size_t m, size_t n, size_t k, int ranks) {
  if (const size_t o = g_panel_override.load()) return o;
  const HostWisdom* w = ActiveWisdom();
  if (w == nullptr) return 0;
  const MpiPanelWisdom* e = Nearest(*w, ranks, GemmBucket(m, n, k));
  return e != nullptr ? static_cast<size_t>(e->width) : 0;
}

int MpiGridRows(size_t m, size_t n, size_t k, int ranks) {
  const HostWisdom* w = ActiveWisdom();
  if (w == nullptr) return 0;
  const MpiPanelWisdom* e = Nearest(*w, ranks, GemmBucket(m, n, k));
  return e != nullptr && ranks % e->nprow == 0 ? e->nprow : 0;
}

namespace records {

using json = nlohmann::json;
using namespace json_fields;  // NOLINT: the typed readers

json MpiToJson(const MpiWisdom& e) {
  json panels = json::array();
  for (const MpiPanelWisdom& p : e.panels) {
    panels.push_back({{"ranks", p.ranks}, {"bucket", p.bucket}, {"width", p.width},
                      {"nprow", p.nprow}, {"gflops", p.gflops}});
  }
  return {{"latency_us", e.latency_us}, {"bandwidth_gbps", e.bandwidth_gbps},
          {"panels", panels}};
}

MpiWisdom MpiFromJson(const json& j) {
  MpiWisdom e;
  e.latency_us = Rate(j, "latency_us");
  e.bandwidth_gbps = Rate(j, "bandwidth_gbps");
  for (const json& p : Array(j, "panels")) {
    MpiPanelWisdom w;
    w.ranks = static_cast<int>(Count(p, "ranks", 1, kMaxRanks));
    w.bucket = static_cast<int>(Count(p, "bucket", 0, kMaxBucket));
    w.width = static_cast<int>(Count(p, "width", 1, kMaxWidth));
    w.nprow = static_cast<int>(Count(p, "nprow", 1, kMaxRanks));
    if (w.ranks % w.nprow != 0) {
      Bad("nprow", "= " + std::to_string(w.nprow) + " does not divide ranks = " +
                       std::to_string(w.ranks));
    }
    w.gflops = Rate(p, "gflops");
    e.panels.push_back(w);
  }
  return e;
}

bool SameMpiKey(const MpiPanelWisdom& a, const MpiPanelWisdom& b) {
  return a.ranks == b.ranks && a.bucket == b.bucket;
}

}  // namespace records
}  // namespace amdahl
