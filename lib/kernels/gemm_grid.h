// How a GEMM's C is cut among threads: shared by the float and integer GEMM
// (lib/kernels/gemm.cc) and the GEMM on int16 pairs (gemm_pairs.cc).
#ifndef AMDAHL_KERNELS_GEMM_GRID_H_
#define AMDAHL_KERNELS_GEMM_GRID_H_

#include <cstddef>

namespace amdahl {

// Splits C into a grid of tm x tn blocks, tm * tn = threads, minimizing the
// cost of the largest block as Split cuts it (rows in whole tiles of mr,
// columns in whole tiles of nr): its multiply-adds, rows x columns with the
// columns in whole vectors (a narrow edge tile runs on fewer vectors, so 64
// columns cut 48 + 16 are not two equal halves), plus the operands it reads
// (rows of A and columns of B, weighted: a product of few rows is cut into
// columns, so that no thread reads all of B). Then its perimeter.
void ThreadGrid(size_t m, size_t n, size_t mr, size_t nr, size_t lanes, size_t threads,
                size_t* tm, size_t* tn);

// Returns [begin, end) of part `index` of `parts` over n, in multiples of
// `unit` so that no thread gets a ragged tile in the middle.
void Split(size_t n, size_t parts, size_t index, size_t unit, size_t* begin, size_t* end);

}  // namespace amdahl

#endif  // AMDAHL_KERNELS_GEMM_GRID_H_
