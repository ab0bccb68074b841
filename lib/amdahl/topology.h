// What the process may use: usable CPUs, physical cores, caches, clusters.
//
// Usable CPUs = the calling thread's affinity mask at first use (what taskset
// sets and new threads inherit) intersected with hwloc's allowed set; the
// number of cores used is further capped by a cgroup v1/v2 CPU quota. Cache
// sizes that cannot be right (a VM reporting a 508 MB L3 per core) are clamped
// to sane bounds and the clamp is recorded in `notes`.
#ifndef AMDAHL_TOPOLOGY_H_
#define AMDAHL_TOPOLOGY_H_

#include <cstddef>
#include <string>
#include <vector>

#include "amdahl/export.h"

namespace amdahl {

// A number and where it came from: "hwloc", "affinity", "cgroup v2 cpu.max",
// "default (hwloc said 508 MiB)", ...
struct Sourced {
  size_t value = 0;
  std::string source;
};

struct Core {
  int os_index = -1;      // hwloc's OS index of the core
  std::vector<int> pus;   // usable hardware threads (OS CPU numbers)
  int cluster = 0;        // index of the L3 (or package) the core shares
};

struct Topology {
  std::string cpu_model;
  std::vector<int> usable_cpus;  // OS CPU numbers in the affinity & allowed sets
  std::vector<Core> cores;       // physical cores holding at least one usable CPU
  Sourced quota_cpus;            // ceil(quota / period); 0 = no quota
  Sourced usable_cores;          // cores.size() capped by the quota, at least 1
  Sourced smt;                   // hardware threads per core (max over cores)
  Sourced numa_nodes;
  Sourced clusters;              // number of distinct L3s among usable cores
  Sourced l1d_bytes;             // per core
  Sourced l2_bytes;              // per instance
  Sourced l3_bytes;              // per instance (shared by a cluster)
  Sourced cores_per_l3;
  std::vector<std::string> notes;  // values that were clamped or guessed
};

// Returns the topology, detected once per process (thread-safe).
AMDAHL_API const Topology& GetTopology();

// Detects afresh; used by the tests and by the tuner's --topology.
AMDAHL_API Topology DetectTopology();

// Formats the topology for a person: one line per number with its source.
AMDAHL_API std::string DescribeTopology(const Topology& topo);

}  // namespace amdahl

#endif  // AMDAHL_TOPOLOGY_H_
