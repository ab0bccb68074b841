/* The MPI front from C (and Fortran through ISO_C_BINDING): ScaLAPACK's
 * p?gemm with its descriptors, and deterministic Sum/Dot. Link with
 * -lamdahl_mpi (pkg-config amdahl-mpi). Every call is collective; an error
 * found on any rank returns the same status on every rank, with
 * amdahl_mpi_last_error() saying which rank found what; nothing is written. */
#ifndef AMDAHL_AMDAHL_MPI_C_H_
#define AMDAHL_AMDAHL_MPI_C_H_

#include <mpi.h>
#include <stddef.h>

#include "amdahl/amdahl_c.h"

#ifdef __cplusplus
extern "C" {
#endif

/* C = alpha op(A) op(B) + beta C on the nprow x npcol grid over comm (rank r
 * at row r / npcol, column r % npcol: BLACS's "Row" order). Arguments as
 * ScaLAPACK's p?gemm: trans 'N', 'T' (or 'C'), descriptors int[9] whose
 * CTXT_ is not read; ia = ja = ib = jb = ic = jc = 1. alpha and beta point
 * to one element of dtype. A ScaLAPACK program switches by replacing its
 * pdgemm_ call with this one. */
AMDAHL_C_API amdahl_status amdahl_mpi_gemm(MPI_Comm comm, int nprow, int npcol,
                                           amdahl_dtype dtype, char trans_a, char trans_b,
                                           int m, int n, int k, const void* alpha,
                                           const void* a, int ia, int ja, const int* desc_a,
                                           const void* b, int ib, int jb, const int* desc_b,
                                           const void* beta, void* c, int ic, int jc,
                                           const int* desc_c);
/* *result = the sum (dot product) of a vector split over comm's ranks in
 * rank order (n_local elements here): the bits of amdahl_sum (amdahl_dot) of
 * the whole vector in one process, for any number of ranks. */
AMDAHL_C_API amdahl_status amdahl_mpi_sum(MPI_Comm comm, amdahl_dtype dtype, size_t n_local,
                                          const void* x, void* result);
AMDAHL_C_API amdahl_status amdahl_mpi_dot(MPI_Comm comm, amdahl_dtype dtype, size_t n_local,
                                          const void* x, const void* y, void* result);
/* This thread's message for its last failed call ("" after a success). */
AMDAHL_C_API const char* amdahl_mpi_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* AMDAHL_AMDAHL_MPI_C_H_ */
