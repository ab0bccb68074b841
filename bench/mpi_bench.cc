// amdahl-mpi-bench: the distributed GEMM beside ScaLAPACK's p?gemm, same run,
// under mpirun. Every rank runs each case; rank 0 prints a table and writes
// Google Benchmark-style JSON (names mpi/gemm/<dtype>/<n>/ranks:<r> and
// peer:scalapack/mpi/gemm/<dtype>/<n>/ranks:<r>; with one rank also
// gemm/<dtype>/<n>, the single-process Gemm at amdahl's own thread choice).
//
//   mpirun -np 2 build/bench/amdahl-mpi-bench [--sizes 1024,2048,4096]
//       [--dtypes f64,f32] [--nb 128] [--reps 3] [--peers scalapack|none]
//       [--out FILE.json]
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "amdahl/amdahl.h"
#include "amdahl/mpi.h"
#include "lib/mpi/common.h"

#if defined(AMDAHL_HAVE_SCALAPACK)
extern "C" {
void Cblacs_get(int context, int what, int* value);
void Cblacs_gridinit(int* context, const char* order, int nprow, int npcol);
void Cblacs_gridexit(int context);
void pdgemm_(const char*, const char*, const int*, const int*, const int*, const double*,
             const double*, const int*, const int*, const int*, const double*, const int*,
             const int*, const int*, const double*, double*, const int*, const int*,
             const int*);
void psgemm_(const char*, const char*, const int*, const int*, const int*, const float*,
             const float*, const int*, const int*, const int*, const float*, const int*,
             const int*, const int*, const float*, float*, const int*, const int*, const int*);
}
#endif

namespace {

namespace am = amdahl::mpi;

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(item);
  return out;
}

struct Result {
  std::string name;
  double seconds;
  double gflops;
};

template <typename T>
void RunCase(int n, int nb, int reps, bool peers, const char* dtype,
             std::vector<Result>* results) {
  static_cast<void>(peers);  // read only where ScaLAPACK is built in
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  // The grid amdahl would pick (its wisdom, else the squarest), for both.
  const int nprow = am::GridRows(size, n, n, n), npcol = size / nprow;
  am::Grid grid(MPI_COMM_WORLD, nprow, npcol);
  const int lr = am::Numroc(n, nb, grid.myrow(), 0, nprow);
  const int lc = am::Numroc(n, nb, grid.mycol(), 0, npcol);
  const int lld = std::max(1, lr);
  int desc[9] = {1, 0, n, n, nb, nb, 0, 0, lld};
  const size_t local = static_cast<size_t>(lld) * static_cast<size_t>(std::max(1, lc));
  std::vector<T> a(local), b(local), c(local);
  std::mt19937 rng(static_cast<uint32_t>(rank + 1));
  for (auto& x : a) x = std::uniform_real_distribution<T>(-1, 1)(rng);
  for (auto& x : b) x = std::uniform_real_distribution<T>(-1, 1)(rng);
  const double flops = 2.0 * n * static_cast<double>(n) * n;
  const std::string suffix = std::string(dtype) + "/" + std::to_string(n) + "/ranks:" +
                             std::to_string(size);
  const double t = am::TimeCollective(MPI_COMM_WORLD, [&] {
    am::Gemm(grid, amdahl::Trans::kNo, amdahl::Trans::kNo, n, n, n, T(1), a.data(), 1, 1, desc,
             b.data(), 1, 1, desc, T(0), c.data(), 1, 1, desc);
  }, reps);
  results->push_back({"mpi/gemm/" + suffix, t, flops / t * 1e-9});
#if defined(AMDAHL_HAVE_SCALAPACK)
  if (peers) {
    int context;
    Cblacs_get(0, 0, &context);
    Cblacs_gridinit(&context, "Row", nprow, npcol);
    desc[1] = context;
    const int one = 1;
    const T alpha = 1, beta = 0;
    const double ts = am::TimeCollective(MPI_COMM_WORLD, [&] {
      if constexpr (sizeof(T) == 8) {
        pdgemm_("N", "N", &n, &n, &n, &alpha, a.data(), &one, &one, desc, b.data(), &one, &one,
                desc, &beta, c.data(), &one, &one, desc);
      } else {
        psgemm_("N", "N", &n, &n, &n, &alpha, a.data(), &one, &one, desc, b.data(), &one, &one,
                desc, &beta, c.data(), &one, &one, desc);
      }
    }, reps);
    Cblacs_gridexit(context);
    results->push_back({"peer:scalapack/mpi/gemm/" + suffix, ts, flops / ts * 1e-9});
  }
#endif
  if (size == 1) {  // the single-process Gemm, amdahl's own thread choice
    std::vector<T> ga(static_cast<size_t>(n) * n), gb(ga.size()), gc(ga.size());
    for (auto& x : ga) x = std::uniform_real_distribution<T>(-1, 1)(rng);
    for (auto& x : gb) x = std::uniform_real_distribution<T>(-1, 1)(rng);
    const size_t un = static_cast<size_t>(n);
    const double tl = am::TimeCollective(MPI_COMM_WORLD, [&] {
      amdahl::Gemm(amdahl::Trans::kNo, amdahl::Trans::kNo, un, un, un, T(1), ga.data(), un,
                   gb.data(), un, T(0), gc.data(), un);
    }, reps);
    results->push_back({"gemm/" + std::string(dtype) + "/" + std::to_string(n), tl,
                        flops / tl * 1e-9});
  }
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  std::string sizes = "1024,2048,4096", dtypes = "f64", out;
  int nb = 128, reps = 3;
  bool peers = true;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--sizes") sizes = argv[i + 1];
    else if (flag == "--dtypes") dtypes = argv[i + 1];
    else if (flag == "--nb") nb = std::atoi(argv[i + 1]);
    else if (flag == "--reps") reps = std::atoi(argv[i + 1]);
    else if (flag == "--out") out = argv[i + 1];
    else if (flag == "--peers") peers = std::strcmp(argv[i + 1], "none") != 0;
  }
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  std::vector<Result> results;
  for (const std::string& dt : Split(dtypes)) {
    for (const std::string& s : Split(sizes)) {
      const int n = std::atoi(s.c_str());
      if (dt == "f64") RunCase<double>(n, nb, reps, peers, "f64", &results);
      else if (dt == "f32") RunCase<float>(n, nb, reps, peers, "f32", &results);
    }
  }
  if (rank == 0) {
    const amdahl::Topology& t = amdahl::GetTopology();
    std::printf("%s, %s; %d ranks x %zu threads; block %d\n", t.cpu_model.c_str(),
                amdahl::ActiveTarget().c_str(), size, amdahl::NumThreads(), nb);
    for (const Result& r : results) {
      std::printf("%-44s %10.2f ms %9.1f GFLOPS\n", r.name.c_str(), r.seconds * 1e3, r.gflops);
    }
    if (!out.empty()) {
      FILE* f = std::fopen(out.c_str(), "w");
      if (f == nullptr) {
        std::fprintf(stderr, "cannot write %s\n", out.c_str());
        MPI_Abort(MPI_COMM_WORLD, 1);
      }
      std::fprintf(f, "{\"context\": {\"ranks\": %d, \"threads_per_rank\": %zu, \"block\": %d},\n"
                   " \"benchmarks\": [\n", size, amdahl::NumThreads(), nb);
      for (size_t i = 0; i < results.size(); ++i) {
        std::fprintf(f, "  {\"name\": \"%s\", \"real_time\": %.6f, \"time_unit\": \"ms\", "
                     "\"GFLOPS\": %.3f}%s\n", results[i].name.c_str(), results[i].seconds * 1e3,
                     results[i].gflops, i + 1 < results.size() ? "," : "");
      }
      std::fprintf(f, " ]}\n");
      std::fclose(f);
    }
  }
  MPI_Finalize();
  return 0;
}
