// amdahl-tune: inspects this machine (and, as the tuner grows, searches block
// sizes and thread counts and stores them as wisdom).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "amdahl/amdahl.h"

namespace {

const char kUsage[] =
    "usage: amdahl-tune [--topology] [--help]\n"
    "  --topology   print what this process may use: CPUs, cores, caches,\n"
    "               quota, and the pool's thread count, each with its source\n";

std::string ThreadSource() {
  for (const char* var : {"AMDAHL_NUM_THREADS", "OMP_NUM_THREADS"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && v[0] != '\0') return std::string("environment ") + var + "=" + v;
  }
  return "one per usable core";
}

int PrintTopology() {
  const amdahl::Topology& topo = amdahl::GetTopology();
  std::fputs(amdahl::DescribeTopology(topo).c_str(), stdout);
  const size_t threads = amdahl::NumThreads();
  // Wake the pool once so that the line below reports real workers.
  amdahl::ParallelFor(0, threads, 1, [](size_t, size_t) {});
  std::printf("  %-16s%-14zu(%s)\n", "pool threads", threads,
              ThreadSource().c_str());
  std::printf("  %-16s%-14zu(caller + workers pinned one per core%s)\n",
              "pool workers", amdahl::NumWorkersStarted(),
              std::getenv("AMDAHL_PIN") && std::strcmp(std::getenv("AMDAHL_PIN"), "0") == 0
                  ? ", pinning off: AMDAHL_PIN=0"
                  : "");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 1) {
    std::fputs(kUsage, stdout);
    return PrintTopology();
  }
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--topology") return PrintTopology();
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    std::fprintf(stderr, "amdahl-tune: unknown argument '%s'\n%s", argv[i], kUsage);
    return 2;
  }
  return 0;
}
