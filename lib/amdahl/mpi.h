// amdahl past one machine: GEMM on a 2D process grid with ScaLAPACK's
// block-cyclic layout and array descriptors (SUMMA, amdahl's Gemm on every
// rank), and Sum/Dot with the same bits for any number of ranks. Library
// amdahl_mpi (pkg-config amdahl-mpi), built when MPI is found.
//
// Errors: bad arguments throw amdahl::Error on every rank of the grid alike
// (the ranks agree before any collective that could hang), naming the rank
// that found it; nothing is written.
#ifndef AMDAHL_MPI_H_
#define AMDAHL_MPI_H_

#include <mpi.h>

#include <cstddef>
#include <cstdint>

#include "amdahl/dtypes.h"
#include "amdahl/export.h"
#include "amdahl/layout.h"


namespace amdahl {
namespace mpi {

// A 2D grid over a communicator: rank r is at row r / npcol, column
// r % npcol (BLACS's default, "Row" order). Holds the row and column
// communicators the panels travel on; free it (destroy) before
// MPI_Finalize. Collective.
class AMDAHL_API Grid {
 public:
  // Throws amdahl::Error on every rank when comm's size is not nprow x npcol.
  Grid(MPI_Comm comm, int nprow, int npcol);
  ~Grid();
  Grid(const Grid&) = delete;
  Grid& operator=(const Grid&) = delete;

  MPI_Comm comm() const { return comm_; }
  MPI_Comm row_comm() const { return row_comm_; }  // my grid row, ordered by column
  MPI_Comm col_comm() const { return col_comm_; }  // my grid column, ordered by row
  int nprow() const { return nprow_; }
  int npcol() const { return npcol_; }
  int myrow() const { return myrow_; }
  int mycol() const { return mycol_; }

 private:
  MPI_Comm comm_, row_comm_ = MPI_COMM_NULL, col_comm_ = MPI_COMM_NULL;
  int nprow_, npcol_, myrow_ = 0, mycol_ = 0;
};

// ScaLAPACK's array descriptor (int[9]): DTYPE_ (1), CTXT_ (not read: the
// grid is passed instead), M_, N_, MB_, NB_, RSRC_, CSRC_, LLD_. The local
// array is column-major with leading dimension LLD_.
enum Desc { kDtype = 0, kCtxt, kM, kN, kMb, kNb, kRsrc, kCsrc, kLld, kDescLen };

// The grid rows for an m x n x k product on `ranks` ranks: the fastest
// shape amdahl-tune --mpi measured near that size, else the most nearly
// square nprow x npcol with nprow <= npcol.
AMDAHL_API int GridRows(int ranks, int m, int n, int k);

// ScaLAPACK's NUMROC: how many of n rows (or columns), in blocks of nb dealt
// round-robin from process isrc over nprocs, land on process iproc.
AMDAHL_API int Numroc(int n, int nb, int iproc, int isrc, int nprocs);

#define AMDAHL_MPI_DECLARE(T, ID, name)                                              \
  /* C = alpha op(A) op(B) + beta C, ScaLAPACK's p?gemm on `grid`: op(A) m x k, */  \
  /* op(B) k x n, C m x n, each the whole distributed matrix (ia = ja = 1 ...: */   \
  /* submatrices are refused). Integers wrap and are exact. Collective. */          \
  AMDAHL_API void Gemm(const Grid& grid, Trans trans_a, Trans trans_b, int m, int n, \
                           int k, T alpha, const T* a, int ia, int ja, const int* desc_a, \
                           const T* b, int ib, int jb, const int* desc_b, T beta, T* c,  \
                           int ic, int jc, const int* desc_c);                          \
  /* The sum (dot product) of a vector split over comm's ranks in rank order, */     \
  /* n_local elements here: the same bits as amdahl::Sum (Dot) of the whole */       \
  /* vector in one process on the same Highway target, for any rank and */           \
  /* thread count. Every rank gets the result. Collective. */                        \
  AMDAHL_API T Sum(MPI_Comm comm, size_t n_local, const T* x);                  \
  AMDAHL_API T Dot(MPI_Comm comm, size_t n_local, const T* x, const T* y);
AMDAHL_FOR_EACH_DTYPE(AMDAHL_MPI_DECLARE)
#undef AMDAHL_MPI_DECLARE

}  // namespace mpi
}  // namespace amdahl

#endif  // AMDAHL_MPI_H_
