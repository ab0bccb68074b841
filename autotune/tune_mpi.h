// amdahl-tune --mpi (built when MPI is found): see tune_mpi.cc.
#ifndef AMDAHL_AUTOTUNE_TUNE_MPI_H_
#define AMDAHL_AUTOTUNE_TUNE_MPI_H_

#include <string>

namespace amdahl_tune {

// Measures the network and SUMMA's panels within budget_s and saves them
// (rank 0) into `path`. Collective over MPI_COMM_WORLD, which must be
// initialized. Returns the exit status, the same on every rank.
int TuneMpi(double budget_s, const std::string& path);

}  // namespace amdahl_tune

#endif  // AMDAHL_AUTOTUNE_TUNE_MPI_H_
