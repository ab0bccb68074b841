// amdahl-tune: measures this machine once and stores the best configuration
// of every kernel as wisdom, which the library reads at run time. Also
// reports the Amdahl ceiling of each kernel and its roofline limit.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "amdahl/amdahl.h"
#include "autotune/report.h"
#include "autotune/run.h"
#include "autotune/tuner.h"
#if defined(AMDAHL_TUNE_MPI)
#include <mpi.h>

#include "autotune/tune_mpi.h"
#endif

namespace {

const char kUsage[] =
    "usage: amdahl-tune [options]\n"
    "  (no option)        tune every kernel x dtype x size within the budget and\n"
    "                     store the result as wisdom\n"
    "  --budget SECONDS   time budget (default 60)\n"
    "  --effort LEVEL     estimate (ceilings only, analytical blocks), measure\n"
    "                     (default) or patient (more sizes and rounds)\n"
    "  --kernels LIST     comma list of scale,axpy,add,triad,sum,dot,gemv,gemm\n"
    "  --dtypes LIST      comma list of f32,f64,i32,i64\n"
    "  --out PATH         wisdom file (default: $AMDAHL_WISDOM, else\n"
    "                     $XDG_CACHE_HOME/amdahl/wisdom.json, else\n"
    "                     ~/.cache/amdahl/wisdom.json)\n"
    "  --show             print the stored wisdom for this host and exit\n"
    "  --topology         print what this process may use and exit\n"
    "  --json             print a machine-readable summary on stdout\n"
    "  --report [SVG]     also measure speedup against threads, fit Amdahl's law\n"
    "                     and write the plot (default amdahl-speedup.svg)\n"
    "  --mpi              under mpirun (2 or more ranks): measure the network and\n"
    "                     the MPI front's SUMMA panel width and grid per size on\n"
    "                     this rank count; rank 0 stores them in its host's wisdom\n"
    "  --validate         judge the saved wisdom (--out) against an exhaustive\n"
    "                     grid and the defaults on f32 GEMM 256 and 512 and Scale\n"
    "                     f32 1 Mi; exit 1 below 0.95 / 0.97 (writes nothing)\n"
    "  --help\n";

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
  const char* pin = std::getenv("AMDAHL_PIN");
  std::printf("  %-16s%-14zu(%s)\n", "pool threads", threads, ThreadSource().c_str());
  std::printf("  %-16s%-14zu(caller + workers pinned one per core%s)\n", "pool workers",
              amdahl::NumWorkersStarted(),
              pin && std::strcmp(pin, "0") == 0 ? ", pinning off: AMDAHL_PIN=0" : "");
  std::printf("  %-16s%-14s(Highway dynamic dispatch)\n", "target",
              amdahl::ActiveTarget().c_str());
  return 0;
}

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "amdahl-tune: %s\n%s", message.c_str(), kUsage);
  std::exit(2);
}

template <typename T, class Parse>
std::vector<T> ParseList(const std::string& text, const char* what, const Parse& parse) {
  std::vector<T> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    T value;
    if (!parse(item, &value)) Fail(std::string("unknown ") + what + " '" + item + "'");
    out.push_back(value);
  }
  if (out.empty()) Fail(std::string("empty list of ") + what);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  amdahl_tune::Options options;
  options.tty = isatty(STDOUT_FILENO) != 0;
  std::string out_path = amdahl::WisdomPath();
  std::string svg_path;
  bool show = false, json = false, report = false, validate = false, mpi = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Fail(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--topology") {
      return PrintTopology();
    } else if (arg == "--budget") {
      const std::string v = value();
      char* end = nullptr;
      options.budget_s = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || !(options.budget_s > 0)) {
        Fail("--budget wants a positive number of seconds, not '" + v + "'");
      }
    } else if (arg == "--effort") {
      const std::string v = value();
      if (v == "estimate") {
        options.effort = amdahl_tune::Effort::kEstimate;
      } else if (v == "measure") {
        options.effort = amdahl_tune::Effort::kMeasure;
      } else if (v == "patient") {
        options.effort = amdahl_tune::Effort::kPatient;
      } else {
        Fail("--effort is estimate, measure or patient, not '" + v + "'");
      }
    } else if (arg == "--kernels") {
      options.kernels = ParseList<amdahl::Kernel>(value(), "kernel", amdahl::KernelFromName);
    } else if (arg == "--dtypes") {
      options.dtypes = ParseList<amdahl::DType>(value(), "dtype", amdahl::DTypeFromName);
    } else if (arg == "--out") {
      out_path = value();
    } else if (arg == "--show") {
      show = true;
    } else if (arg == "--validate") {
      validate = true;
    } else if (arg == "--mpi") {
      mpi = true;
    } else if (arg == "--json") {
      json = true;
      options.tty = false;
    } else if (arg == "--report") {
      report = true;
      if (i + 1 < argc && argv[i + 1][0] != '-') svg_path = argv[++i];
    } else {
      Fail("unknown argument '" + arg + "'");
    }
  }

  if (mpi) {
#if defined(AMDAHL_TUNE_MPI)
    MPI_Init(&argc, &argv);
    const int status = amdahl_tune::TuneMpi(options.budget_s, out_path);
    MPI_Finalize();
    return status;
#else
    Fail("--mpi: this amdahl-tune was built without MPI (libopenmpi-dev)");
#endif
  }

  if (validate) {
    std::string why;
    bool ok = amdahl_tune::ValidateSaved(options, out_path, &why);
    if (!ok && !why.empty()) {
      std::fprintf(stderr, "amdahl-tune: --validate: no wisdom for this host in %s: %s\n",
                   out_path.c_str(), why.c_str());
    }
    return ok ? 0 : 1;
  }

  if (show) {
    amdahl::HostWisdom w;
    std::string why, warning;
    if (!amdahl::LoadWisdom(out_path, amdahl::CurrentHostKey(), &w, &why, &warning)) {
      std::printf("no wisdom for this host in %s: %s\n", out_path.c_str(), why.c_str());
      return 1;
    }
    if (!warning.empty()) std::printf("note: %s\n", warning.c_str());
    std::printf("%s: ", out_path.c_str());
    std::fputs(amdahl_tune::FormatWisdom(w).c_str(), stdout);
    return 0;
  }

  // A place that cannot take the result is reported now, not after the tune.
  try {
    amdahl::CheckWisdomWritable(out_path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "amdahl-tune: %s\n", e.what());
    return 1;
  }
  std::fprintf(json ? stderr : stdout, "amdahl-tune: %s, %s, %zu threads, budget %.0f s, wisdom %s\n",
               amdahl::GetTopology().cpu_model.c_str(), amdahl::ActiveTarget().c_str(),
               amdahl::NumThreads(), options.budget_s, out_path.c_str());
  int json_fd = -1;
  if (json) {
    // Progress and tables go to stderr; stdout keeps only the JSON.
    std::fflush(stdout);
    json_fd = dup(STDOUT_FILENO);
    if (json_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) return 1;
  }
  std::unique_ptr<amdahl_tune::Tuner> tuned;
  try {
    tuned = amdahl_tune::TuneAndSave(options, out_path, report);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "amdahl-tune: %s\n", e.what());
    return 1;
  }
  const amdahl_tune::Tuner& tuner = *tuned;
  std::string summary = amdahl_tune::FormatTable(tuner.rows());
  if (report) summary += "\n" + amdahl_tune::FormatAmdahl(tuner.curves(), tuner.wisdom());
  if (report) {
    if (svg_path.empty()) svg_path = "amdahl-speedup.svg";
    std::ofstream(svg_path) << amdahl_tune::SpeedupSvg(tuner.curves());
    summary += "plot: " + svg_path + "\n";
  }
  std::printf("\n%swisdom written to %s\n", summary.c_str(), out_path.c_str());
  if (json) {
    std::fflush(stdout);
    const std::string text =
        amdahl_tune::SummaryJson(tuner.wisdom(), tuner.rows(), tuner.curves(), out_path);
    FILE* real = fdopen(json_fd, "w");
    if (real == nullptr) return 1;
    std::fputs(text.c_str(), real);
    std::fclose(real);
  }
  return 0;
}
