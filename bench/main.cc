// amdahl-bench: every amdahl kernel beside its peers, in one binary.
#include <benchmark/benchmark.h>

#include <string>

#include "amdahl/machine.h"
#include "amdahl/topology.h"

int main(int argc, char** argv) {
  const amdahl::Topology& topo = amdahl::GetTopology();
  benchmark::AddCustomContext("amdahl_cpu", topo.cpu_model);
  benchmark::AddCustomContext("amdahl_usable_cores",
                              std::to_string(topo.usable_cores.value));
  benchmark::AddCustomContext("amdahl_target", amdahl::ActiveTarget());
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
