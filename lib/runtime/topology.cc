// Topology detection with hwloc 2.x, the affinity mask and the cgroup quota.
#include "amdahl/topology.h"

#include <hwloc.h>
#include <sched.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "lib/runtime/target.h"
#include "lib/hooks.h"

namespace amdahl {
namespace {

constexpr size_t kKiB = 1024;
constexpr size_t kMiB = 1024 * 1024;

std::string FormatBytes(size_t bytes) {
  std::ostringstream out;
  if (bytes >= kMiB && bytes % kMiB == 0) {
    out << bytes / kMiB << " MiB";
  } else if (bytes >= kKiB) {
    out << bytes / kKiB << " KiB";
  } else {
    out << bytes << " B";
  }
  return out.str();
}

// Clamps a cache size reported by hwloc to [lo, hi]; a missing size (0) gets
// `fallback`. Records what was changed in topo->notes.
Sourced SaneCache(const char* name, size_t reported, size_t lo, size_t hi,
                  size_t fallback, Topology* topo) {
  Sourced out;
  if (reported == 0) {
    out.value = fallback;
    out.source = "default (hwloc reported none)";
    topo->notes.push_back(std::string(name) + ": hwloc reported none, using " +
                          FormatBytes(fallback));
  } else if (reported < lo || reported > hi) {
    out.value = std::clamp(reported, lo, hi);
    out.source = "clamped (hwloc said " + FormatBytes(reported) + ")";
    topo->notes.push_back(std::string(name) + ": hwloc said " +
                          FormatBytes(reported) + ", not plausible; using " +
                          FormatBytes(out.value));
  } else {
    out.value = reported;
    out.source = "hwloc";
  }
  return out;
}

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (in) std::getline(in, line);
  return line;
}

// Returns quota/period for one cgroup folder, or 0 if it sets no quota.
double QuotaOfFolder(const std::string& dir, bool v2) {
  if (v2) {
    std::istringstream in(ReadFirstLine(dir + "/cpu.max"));
    std::string quota;
    double period = 0;
    if (!(in >> quota >> period) || quota == "max" || period <= 0) return 0;
    const double q = std::atof(quota.c_str());
    return q > 0 ? q / period : 0;
  }
  const std::string quota = ReadFirstLine(dir + "/cpu.cfs_quota_us");
  const std::string period = ReadFirstLine(dir + "/cpu.cfs_period_us");
  if (quota.empty() || period.empty()) return 0;
  const double q = std::atof(quota.c_str());
  const double p = std::atof(period.c_str());
  return (q > 0 && p > 0) ? q / p : 0;
}

// Returns the smallest quota from `base + path` up to `base`.
double SmallestQuotaOnPath(const std::string& base, std::string path,
                           bool v2) {
  double best = 0;
  for (;;) {
    const double q = QuotaOfFolder(base + path, v2);
    if (q > 0 && (best == 0 || q < best)) best = q;
    if (path.empty() || path == "/") break;
    const size_t slash = path.find_last_of('/');
    path = (slash == std::string::npos || slash == 0) ? "" : path.substr(0, slash);
  }
  return best;
}

// Returns the set of CPUs the calling thread may run on, as hwloc sees it.
hwloc_bitmap_t AffinityMask() {
  hwloc_bitmap_t set = hwloc_bitmap_alloc();
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof(mask), &mask) == 0) {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &mask)) hwloc_bitmap_set(set, static_cast<unsigned>(cpu));
    }
  } else {
    hwloc_bitmap_fill(set);
  }
  return set;
}

size_t CacheAbove(hwloc_obj_t obj, hwloc_obj_type_t type, hwloc_obj_t* found) {
  for (hwloc_obj_t p = obj ? obj->parent : nullptr; p != nullptr; p = p->parent) {
    if (p->type == type && p->attr != nullptr &&
        p->attr->cache.type != HWLOC_OBJ_CACHE_INSTRUCTION) {
      if (found) *found = p;
      return static_cast<size_t>(p->attr->cache.size);
    }
  }
  return 0;
}

}  // namespace

namespace detail {

double CgroupCpuQuota(const std::string& proc_self_cgroup,
                      const std::string& cgroup_root, std::string* source) {
  std::istringstream lines(proc_self_cgroup);
  std::string line;
  double best = 0;
  while (std::getline(lines, line)) {
    // "hierarchy-id:controllers:path"
    const size_t a = line.find(':');
    const size_t b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    const std::string id = line.substr(0, a);
    const std::string controllers = line.substr(a + 1, b - a - 1);
    const std::string path = line.substr(b + 1);
    double q = 0;
    std::string where;
    if (id == "0" && controllers.empty()) {
      // v2: the unified hierarchy is mounted at the root itself; inside a
      // namespace the path may not exist there, so the root counts too.
      q = SmallestQuotaOnPath(cgroup_root, path, true);
      where = "cgroup v2 cpu.max";
    } else {
      std::istringstream names(controllers);
      std::string name;
      bool has_cpu = false;
      while (std::getline(names, name, ',')) has_cpu |= (name == "cpu");
      if (!has_cpu) continue;
      for (const std::string& mount : {controllers, std::string("cpu"),
                                       std::string("cpu,cpuacct")}) {
        q = SmallestQuotaOnPath(cgroup_root + "/" + mount, path, false);
        if (q > 0) break;
      }
      where = "cgroup v1 cpu.cfs_quota_us";
    }
    if (q > 0 && (best == 0 || q < best)) {
      best = q;
      if (source) *source = where;
    }
  }
  if (best == 0 && source) *source = "cgroup (no quota)";
  return best;
}

}  // namespace detail

Topology DetectTopology() {
  Topology topo;
  hwloc_topology_t t;
  hwloc_topology_init(&t);
  hwloc_topology_load(t);

  const hwloc_obj_t root = hwloc_get_root_obj(t);
  const char* model = nullptr;
  if (hwloc_obj_t pkg = hwloc_get_obj_by_type(t, HWLOC_OBJ_PACKAGE, 0)) {
    model = hwloc_obj_get_info_by_name(pkg, "CPUModel");
  }
  if (model == nullptr) model = hwloc_obj_get_info_by_name(root, "CPUModel");
  topo.cpu_model = model ? model : "unknown";
  while (!topo.cpu_model.empty() && topo.cpu_model.back() == ' ') {
    topo.cpu_model.pop_back();
  }

  hwloc_bitmap_t usable = AffinityMask();
  hwloc_bitmap_and(usable, usable, hwloc_topology_get_allowed_cpuset(t));
  if (hwloc_bitmap_iszero(usable)) {
    // Cannot happen for a running thread; trust hwloc rather than give up.
    hwloc_bitmap_copy(usable, hwloc_topology_get_allowed_cpuset(t));
    topo.notes.push_back("affinity mask and hwloc's allowed set are disjoint");
  }
  int cpu;
  hwloc_bitmap_foreach_begin(cpu, usable) { topo.usable_cpus.push_back(cpu); }
  hwloc_bitmap_foreach_end();

  // Physical cores with at least one usable CPU. Platforms without Core
  // objects get one "core" per PU.
  const hwloc_obj_type_t core_type =
      hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE) > 0 ? HWLOC_OBJ_CORE
                                                      : HWLOC_OBJ_PU;
  size_t l1 = 0, l2 = 0, l3 = 0, smt = 1;
  size_t l3_cores = 0;  // all cores (usable or not) under the first L3
  std::map<const void*, int> cluster_of_l3;
  hwloc_bitmap_t inter = hwloc_bitmap_alloc();
  const int ncores = hwloc_get_nbobjs_by_type(t, core_type);
  for (int i = 0; i < ncores; ++i) {
    hwloc_obj_t core = hwloc_get_obj_by_type(t, core_type, static_cast<unsigned>(i));
    hwloc_bitmap_and(inter, core->cpuset, usable);
    if (hwloc_bitmap_iszero(inter)) continue;
    Core c;
    c.os_index = static_cast<int>(core->os_index);
    hwloc_bitmap_foreach_begin(cpu, inter) { c.pus.push_back(cpu); }
    hwloc_bitmap_foreach_end();
    smt = std::max(smt, c.pus.size());
    if (l1 == 0) l1 = CacheAbove(core, HWLOC_OBJ_L1CACHE, nullptr);
    if (l2 == 0) l2 = CacheAbove(core, HWLOC_OBJ_L2CACHE, nullptr);
    hwloc_obj_t l3obj = nullptr;
    const size_t this_l3 = CacheAbove(core, HWLOC_OBJ_L3CACHE, &l3obj);
    if (l3 == 0 && this_l3 != 0) {
      l3 = this_l3;
      l3_cores = static_cast<size_t>(hwloc_get_nbobjs_inside_cpuset_by_type(
          t, l3obj->cpuset, core_type));
    }
    // Cores that share an L3 form a cluster; without an L3, the package.
    const void* key = l3obj;
    if (key == nullptr) {
      key = hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_PACKAGE, core);
    }
    auto it = cluster_of_l3.emplace(key, static_cast<int>(cluster_of_l3.size())).first;
    c.cluster = it->second;
    topo.cores.push_back(std::move(c));
  }
  hwloc_bitmap_free(inter);
  if (topo.cores.empty()) {
    Core c;
    c.os_index = topo.usable_cpus.front();
    c.pus = topo.usable_cpus;
    topo.cores.push_back(c);
    topo.notes.push_back("hwloc found no core holding a usable CPU");
  }

  int numa = 0;
  const int nnodes = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE);
  for (int i = 0; i < nnodes; ++i) {
    hwloc_obj_t node = hwloc_get_obj_by_type(t, HWLOC_OBJ_NUMANODE, static_cast<unsigned>(i));
    if (hwloc_bitmap_intersects(node->cpuset, usable)) ++numa;
  }
  topo.numa_nodes = {static_cast<size_t>(std::max(numa, 1)), "hwloc"};
  topo.clusters = {cluster_of_l3.size(), "hwloc (cores sharing an L3)"};
  topo.smt = {smt, "hwloc"};

  topo.l1d_bytes = SaneCache("L1d", l1, 16 * kKiB, 256 * kKiB, 32 * kKiB, &topo);
  topo.l2_bytes = SaneCache("L2", l2, 128 * kKiB, 16 * kMiB, 1 * kMiB, &topo);
  topo.cores_per_l3 = {std::max<size_t>(l3_cores, 1), l3 ? "hwloc" : "default"};
  if (l3 == 0) {
    topo.l3_bytes = {0, "hwloc reported none"};
  } else {
    // No CPU has more than 16 MiB of L3 per core sharing it (Zen 4 X3D: 12).
    const size_t hi = 16 * kMiB * topo.cores_per_l3.value;
    topo.l3_bytes = SaneCache("L3", l3, topo.l2_bytes.value, hi, l3, &topo);
  }

  std::string quota_source;
  std::ifstream cg("/proc/self/cgroup");
  std::stringstream text;
  text << cg.rdbuf();
  const double quota =
      detail::CgroupCpuQuota(text.str(), "/sys/fs/cgroup", &quota_source);
  topo.quota_cpus = {static_cast<size_t>(std::ceil(quota)), quota_source};
  topo.usable_cores = {topo.cores.size(), "affinity & hwloc allowed set"};
  if (topo.quota_cpus.value > 0 &&
      topo.quota_cpus.value < topo.usable_cores.value) {
    topo.usable_cores = {topo.quota_cpus.value, "capped by " + quota_source};
  }

  hwloc_bitmap_free(usable);
  hwloc_topology_destroy(t);
  return topo;
}

const Topology& GetTopology() {
  // The dispatch target is chosen before any kernel asks for a configuration.
  static const Topology* topo = (ApplyTargetFromEnv(), new Topology(DetectTopology()));
  return *topo;
}

std::string DescribeTopology(const Topology& topo) {
  std::ostringstream out;
  auto row = [&out](const char* name, const std::string& value,
                    const std::string& source) {
    out << "  " << name;
    for (size_t i = std::string(name).size(); i < 16; ++i) out << ' ';
    out << value;
    for (size_t i = value.size(); i < 14; ++i) out << ' ';
    out << "(" << source << ")\n";
  };
  std::string cpus;
  for (size_t i = 0; i < topo.usable_cpus.size(); ++i) {
    cpus += (i ? "," : "") + std::to_string(topo.usable_cpus[i]);
  }
  out << "CPU: " << topo.cpu_model << "\n";
  row("usable CPUs", cpus, "affinity & hwloc allowed set");
  row("physical cores", std::to_string(topo.cores.size()), "hwloc");
  row("cgroup quota", topo.quota_cpus.value ? std::to_string(topo.quota_cpus.value) + " CPUs" : "none",
      topo.quota_cpus.source);
  row("usable cores", std::to_string(topo.usable_cores.value), topo.usable_cores.source);
  row("SMT", std::to_string(topo.smt.value) + " per core", topo.smt.source);
  row("NUMA nodes", std::to_string(topo.numa_nodes.value), topo.numa_nodes.source);
  row("L3 clusters", std::to_string(topo.clusters.value), topo.clusters.source);
  row("L1d", FormatBytes(topo.l1d_bytes.value), topo.l1d_bytes.source);
  row("L2", FormatBytes(topo.l2_bytes.value), topo.l2_bytes.source);
  row("L3", topo.l3_bytes.value ? FormatBytes(topo.l3_bytes.value) : "none", topo.l3_bytes.source);
  row("cores per L3", std::to_string(topo.cores_per_l3.value), topo.cores_per_l3.source);
  for (const std::string& note : topo.notes) out << "  note: " << note << "\n";
  return out.str();
}

}  // namespace amdahl
