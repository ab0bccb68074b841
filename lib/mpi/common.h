// The MPI front's shared pieces: MPI datatypes of the dtypes, agreement on
// errors across ranks, the 1D block-cyclic index maps.
#ifndef AMDAHL_LIB_MPI_COMMON_H_
#define AMDAHL_LIB_MPI_COMMON_H_

#include <mpi.h>

#include <cstdint>
#include <string>
#include <type_traits>

namespace amdahl {
namespace mpi {

template <typename T>
MPI_Datatype MpiType() {
  if constexpr (std::is_same_v<T, float>) return MPI_FLOAT;
  if constexpr (std::is_same_v<T, double>) return MPI_DOUBLE;
  if constexpr (std::is_same_v<T, int32_t>) return MPI_INT32_T;
  if constexpr (std::is_same_v<T, int64_t>) return MPI_INT64_T;
}

// Collective: every rank passes its own finding ("" when fine); if any rank
// found a problem, every rank throws amdahl::Error with the message of the
// lowest such rank, prefixed "fn: rank R: ". Call it before a collective
// that a bad argument could leave hanging.
void Agree(MPI_Comm comm, const char* fn, const std::string& problem);

// Throws amdahl::Error on every rank unless `values` are the same on all
// ranks of comm (names[i] says what values[i] is). Collective.
void AgreeSame(MPI_Comm comm, const char* fn, const int* values, const char* const* names,
               int count);

// One dimension of a block-cyclic distribution: n indices in blocks of nb,
// dealt round-robin from process src over nprocs.
struct Cyclic {
  int n, nb, src, nprocs;
  int Owner(int g) const { return (src + g / nb) % nprocs; }
  // g's index in its owner's local array.
  int Local(int g) const { return (g / (nb * nprocs)) * nb + g % nb; }
};

// Seconds of one collective call f on comm: the minimum over `reps` after a
// warm-up, each timed between barriers, the slowest rank deciding (the
// tuner's and the benchmark's clock).
template <class F>
double TimeCollective(MPI_Comm comm, const F& f, int reps) {
  f();
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    MPI_Barrier(comm);
    const double t0 = MPI_Wtime();
    f();
    double t = MPI_Wtime() - t0;
    MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, comm);
    best = t < best ? t : best;
  }
  return best;
}

}  // namespace mpi
}  // namespace amdahl

#endif  // AMDAHL_LIB_MPI_COMMON_H_
