// The process grid, NUMROC, and the ranks' agreement on errors.
#include <mpi.h>

#include <algorithm>
#include <string>
#include <vector>

#include "amdahl/config.h"
#include "amdahl/error.h"
#include "amdahl/mpi.h"
#include "lib/mpi/common.h"

namespace amdahl {
namespace mpi {

void Agree(MPI_Comm comm, const char* fn, const std::string& problem) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  int first = problem.empty() ? size : rank;
  MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, comm);
  if (first == size) return;
  int length = rank == first ? static_cast<int>(problem.size()) : 0;
  MPI_Bcast(&length, 1, MPI_INT, first, comm);
  std::string text = rank == first ? problem : std::string(static_cast<size_t>(length), ' ');
  MPI_Bcast(text.data(), length, MPI_CHAR, first, comm);
  throw Error(std::string(fn) + ": rank " + std::to_string(first) + ": " + text);
}

void AgreeSame(MPI_Comm comm, const char* fn, const int* values, const char* const* names,
               int count) {
  std::vector<int> lo(values, values + count), hi(values, values + count);
  MPI_Allreduce(MPI_IN_PLACE, lo.data(), count, MPI_INT, MPI_MIN, comm);
  MPI_Allreduce(MPI_IN_PLACE, hi.data(), count, MPI_INT, MPI_MAX, comm);
  for (int i = 0; i < count; ++i) {
    if (lo[i] != hi[i]) {
      throw Error(std::string(fn) + ": " + names[i] + " differs between ranks (" +
                  std::to_string(lo[i]) + " .. " + std::to_string(hi[i]) +
                  "); every rank must pass the same");
    }
  }
}

Grid::Grid(MPI_Comm comm, int nprow, int npcol) : comm_(comm), nprow_(nprow), npcol_(npcol) {
  int size = 0, rank = 0;
  MPI_Comm_size(comm, &size);
  MPI_Comm_rank(comm, &rank);
  if (nprow < 1 || npcol < 1 || static_cast<long>(nprow) * npcol != size) {
    throw Error("amdahl::mpi::Grid: nprow x npcol = " + std::to_string(nprow) + " x " +
                std::to_string(npcol) + " but the communicator has " + std::to_string(size) +
                " ranks");
  }
  myrow_ = rank / npcol;
  mycol_ = rank % npcol;
  MPI_Comm_split(comm, myrow_, mycol_, &row_comm_);
  MPI_Comm_split(comm, mycol_, myrow_, &col_comm_);
}

Grid::~Grid() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized) return;
  if (row_comm_ != MPI_COMM_NULL) MPI_Comm_free(&row_comm_);
  if (col_comm_ != MPI_COMM_NULL) MPI_Comm_free(&col_comm_);
}

int GridRows(int ranks, int m, int n, int k) {
  if (ranks < 1) throw Error("amdahl::mpi::GridRows: ranks = " + std::to_string(ranks) + " < 1");
  if (const int tuned = MpiGridRows(static_cast<size_t>(std::max(m, 0)),
                                    static_cast<size_t>(std::max(n, 0)),
                                    static_cast<size_t>(std::max(k, 0)), ranks)) {
    return tuned;
  }
  int rows = 1;
  for (int r = 1; r * r <= ranks; ++r) {
    if (ranks % r == 0) rows = r;
  }
  return rows;
}

int Numroc(int n, int nb, int iproc, int isrc, int nprocs) {
  if (n <= 0 || nb <= 0 || nprocs <= 0) return 0;
  const int mydist = (nprocs + iproc - isrc) % nprocs;
  const int nblocks = n / nb;
  int count = (nblocks / nprocs) * nb;
  const int extra = nblocks % nprocs;
  if (mydist < extra) {
    count += nb;
  } else if (mydist == extra) {
    count += n % nb;
  }
  return count;
}

}  // namespace mpi
}  // namespace amdahl
