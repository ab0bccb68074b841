// Moves a block-cyclic matrix (or its transpose) into another block-cyclic
// distribution on the same grid: one MPI_Alltoallv, each element sent once.
// SUMMA uses it when op(A)'s rows or op(B)'s columns are not laid out as C's.
#ifndef AMDAHL_LIB_MPI_REDISTRIBUTE_H_
#define AMDAHL_LIB_MPI_REDISTRIBUTE_H_

#include "amdahl/mpi.h"
#include "lib/mpi/common.h"

namespace amdahl {
namespace mpi {

// dst = src (trans: src^T), where src is described by desc_src and dst's
// rows and columns are distributed by `rows` (over the grid's rows) and
// `cols` (over its columns), stored column-major with leading dimension
// dst_ld. Collective over grid.comm().
template <typename T>
void Redistribute(const Grid& grid, const T* src, const int* desc_src, bool trans,
                  const Cyclic& rows, const Cyclic& cols, T* dst, int dst_ld);

}  // namespace mpi
}  // namespace amdahl

#endif  // AMDAHL_LIB_MPI_REDISTRIBUTE_H_
