// amdahl-bench: every amdahl kernel beside its peers, in one binary.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "amdahl/machine.h"
#include "amdahl/pool.h"
#include "amdahl/topology.h"
#include "build_commit.h"  // generated (vcs_tag) in the build folder

namespace {

// Every core busy for a moment, and the pool started, before the first
// benchmark: on these VMs the first one measured once ran 1.2x slower than
// the same work right after it (gemm/f32/32, Xeon 2026-11-25), which the
// report then took for a bad thread choice.
void WarmUp() {
  const size_t threads = amdahl::NumThreads();
  amdahl::ParallelForThreads(0, threads, 1, threads, [](size_t, size_t) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
    while (std::chrono::steady_clock::now() < until) {
    }
  });
}

}  // namespace

int main(int argc, char** argv) {
  const amdahl::Topology& topo = amdahl::GetTopology();
  benchmark::AddCustomContext("amdahl_cpu", topo.cpu_model);
  benchmark::AddCustomContext("amdahl_usable_cores",
                              std::to_string(topo.usable_cores.value));
  benchmark::AddCustomContext("amdahl_target", amdahl::ActiveTarget());
#if defined(__clang__)
  benchmark::AddCustomContext("amdahl_compiler", std::string("clang ") + __clang_version__);
#elif defined(__GNUC__)
  benchmark::AddCustomContext("amdahl_compiler", std::string("g++ ") + __VERSION__);
#endif
  benchmark::AddCustomContext("amdahl_build",
                              AMDAHL_BUILD_DESCRIPTION " commit=" AMDAHL_BUILD_COMMIT);
  // Whether the peers ran at their best (see README): record the settings.
  for (const char* var : {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "BLIS_ARCH_TYPE"}) {
    const char* v = std::getenv(var);
    benchmark::AddCustomContext(var, v ? v : "unset");
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  WarmUp();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
