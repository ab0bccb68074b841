// Phase 6 (--mpi, under mpirun): the network between the first and the
// last rank (latency, bandwidth), and for each size the fastest SUMMA panel
// width and grid shape on this rank count, timed against the front's own
// rule; rank 0 saves them as the MPI wisdom of its host (merged: the rest of
// the entry is kept). Collective over MPI_COMM_WORLD.
#include "autotune/tune_mpi.h"

#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "amdahl/amdahl.h"
#include "amdahl/mpi.h"
#include "autotune/tuner.h"
#include "lib/hooks.h"
#include "lib/mpi/common.h"

namespace amdahl_tune {
namespace {

// Seconds of an 8-byte (or `bytes`) round trip between rank 0 and the last.
double PingPong(size_t bytes, int iters) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int last = size - 1;
  std::vector<char> buf(bytes, 1);
  const int count = static_cast<int>(bytes);
  MPI_Barrier(MPI_COMM_WORLD);
  double t = 0;
  if (rank == 0 || rank == last) {
    const double t0 = MPI_Wtime();
    for (int i = 0; i < iters; ++i) {
      if (rank == 0) {
        MPI_Send(buf.data(), count, MPI_CHAR, last, 0, MPI_COMM_WORLD);
        MPI_Recv(buf.data(), count, MPI_CHAR, last, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      } else {
        MPI_Recv(buf.data(), count, MPI_CHAR, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Send(buf.data(), count, MPI_CHAR, 0, 0, MPI_COMM_WORLD);
      }
    }
    t = (MPI_Wtime() - t0) / iters;
  }
  MPI_Bcast(&t, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  return t;
}

// GFLOPS of one f64 n x n x n SUMMA on an nprow x (size / nprow) grid, the
// best of 2 after a warm-up, the slowest rank deciding.
double SummaGflops(int n, int nprow) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const amdahl::mpi::Grid grid(MPI_COMM_WORLD, nprow, size / nprow);
  const int nb = 128;
  const int lr = amdahl::mpi::Numroc(n, nb, grid.myrow(), 0, grid.nprow());
  const int lc = amdahl::mpi::Numroc(n, nb, grid.mycol(), 0, grid.npcol());
  const int desc[9] = {1, 0, n, n, nb, nb, 0, 0, std::max(1, lr)};
  const size_t local = static_cast<size_t>(std::max(1, lr)) * static_cast<size_t>(std::max(1, lc));
  std::vector<double> a(local), b(local), c(local);
  std::mt19937 rng(static_cast<uint32_t>(rank + 1));
  for (auto& x : a) x = std::uniform_real_distribution<double>(-1, 1)(rng);
  for (auto& x : b) x = std::uniform_real_distribution<double>(-1, 1)(rng);
  const double best = amdahl::mpi::TimeCollective(MPI_COMM_WORLD, [&] {
    amdahl::mpi::Gemm(grid, amdahl::Trans::kNo, amdahl::Trans::kNo, n, n, n, 1.0, a.data(), 1,
                      1, desc, b.data(), 1, 1, desc, 0.0, c.data(), 1, 1, desc);
  }, 2);
  return 2.0 * n * static_cast<double>(n) * n / best * 1e-9;
}

}  // namespace

int TuneMpi(double budget_s, const std::string& path) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size < 2) {
    std::fprintf(stderr, "amdahl-tune: --mpi measures between ranks: run it under mpirun "
                         "with at least 2 ranks\n");
    return 2;
  }
  const double start = MPI_Wtime();
  // Every rank must agree on whether there is time left: rank 0 decides.
  auto time_left = [&](double share) {
    int go = MPI_Wtime() - start + share < budget_s ? 1 : 0;
    MPI_Bcast(&go, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return go != 0;
  };
  amdahl::MpiWisdom mpi;
  mpi.latency_us = PingPong(8, 1000) / 2 * 1e6;
  const size_t big = size_t{64} << 20;
  mpi.bandwidth_gbps = 2.0 * static_cast<double>(big) / PingPong(big, 4) * 1e-9;
  if (rank == 0) {
    std::printf("amdahl-tune --mpi: %d ranks, %zu threads each; network (rank 0 <-> %d): "
                "latency %.2f us, bandwidth %.2f GB/s\n", size, amdahl::NumThreads(), size - 1,
                mpi.latency_us, mpi.bandwidth_gbps);
    std::printf("%6s %8s %8s %12s %12s\n", "n", "grid", "panel", "GFLOPS", "rule GFLOPS");
  }
  std::vector<int> shapes;
  for (int r = 1; r <= size; ++r) {
    if (size % r == 0) shapes.push_back(r);
  }
  for (int n : {1024, 2048, 4096}) {
    if (!time_left(0)) break;
    amdahl::detail::SetMpiPanelWidthOverride(0);
    const double rule = SummaGflops(n, amdahl::mpi::GridRows(size, n, n, n));
    amdahl::MpiPanelWisdom best;
    best.ranks = size;
    best.bucket = amdahl::GemmBucket(static_cast<size_t>(n), static_cast<size_t>(n),
                                     static_cast<size_t>(n));
    for (int nprow : shapes) {
      for (int width : {256, 512, 1024, 2048}) {
        if (width > n || !time_left(0)) continue;
        amdahl::detail::SetMpiPanelWidthOverride(static_cast<size_t>(width));
        const double g = SummaGflops(n, nprow);
        if (g > best.gflops) {
          best.gflops = g;
          best.width = width;
          best.nprow = nprow;
        }
      }
    }
    amdahl::detail::SetMpiPanelWidthOverride(0);
    // Kept only when it beats the rule (else the rule stays in charge).
    if (best.width > 0 && best.gflops > rule) mpi.panels.push_back(best);
    if (rank == 0 && best.width > 0) {
      std::printf("%6d %4dx%-3d %8d %12.1f %12.1f%s\n", n, best.nprow, size / best.nprow,
                  best.width, best.gflops, rule, best.gflops > rule ? "" : "  (rule kept)");
    }
  }
  int status = 0;
  if (rank == 0) {
    try {
      amdahl::HostWisdom w;
      std::string why, warning;
      if (!amdahl::LoadWisdom(path, amdahl::CurrentHostKey(), &w, &why, &warning)) {
        w = amdahl::HostWisdom();
        w.host = amdahl::CurrentHostKey();
        w.library_version = kLibraryVersion;
      }
      w.mpi = mpi;
      amdahl::SaveWisdom(path, w);
      std::printf("MPI wisdom written to %s (host key of rank 0: %zu usable cores)\n",
                  path.c_str(), w.host.usable_cores);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "amdahl-tune: %s\n", e.what());
      status = 1;
    }
  }
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return status;
}

}  // namespace amdahl_tune
