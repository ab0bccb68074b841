// The configuration the kernels run with: data, not logic. Defaults come from
// the topology (cache sizes, core count); amdahl-tune measures better values
// and stores them as wisdom, which takes precedence once loaded.
#ifndef AMDAHL_CONFIG_H_
#define AMDAHL_CONFIG_H_

#include <cstddef>
#include <string>
#include <vector>

#include "amdahl/dtype.h"
#include "amdahl/export.h"
#include "amdahl/pool.h"

namespace amdahl {

// The streaming kernels (LoopConfig), then GEMM (GemmConfig).
enum class Kernel { kScale, kAxpy, kAdd, kTriad, kSum, kDot, kGemv, kGemm };
constexpr int kNumKernels = static_cast<int>(Kernel::kGemm) + 1;

AMDAHL_API const char* KernelName(Kernel kernel);  // "scale", ...

// Parses a name above; false if `name` is none of them.
AMDAHL_API bool KernelFromName(const std::string& name, Kernel* kernel);

// Bytes a streaming kernel reads plus writes per element (Scale: 2 arrays;
// GEMV: one element of A, its sizes counted in elements of A).
AMDAHL_API size_t BytesPerElement(Kernel kernel, DType dtype);

// How a streaming kernel (elementwise, reduction, GEMV) runs for one size:
// sizes, cutoffs and grains count elements (of A, for GEMV).
struct LoopConfig {
  size_t threads = 1;        // at most this many threads, caller included
  size_t serial_cutoff = 0;  // below this many elements: the caller alone
  size_t grain = 0;          // elements per chunk, a multiple of 64
  size_t stream_min = 0;     // from this many elements: non-temporal stores
  // "defaults"; "wisdom" (measured at this size bucket); "interpolated" (the
  // tuner measured a neighbouring bucket and stored its choice for this one).
  const char* source = "";
};

// Returns the configuration for `kernel` on `dtype` at n elements. Cheap: the
// tables are built once per process.
AMDAHL_API LoopConfig GetLoopConfig(Kernel kernel, DType dtype, size_t n);

// GEMM blocking (row-major C = A B; see lib/ops/gemm.h for the microkernel).
// The microkernel broadcasts A from an mr-row sliver and loads B as vectors
// from an nr-column sliver. kc is the depth that keeps an A sliver (mr x kc)
// in L1; nc columns of B (kc x nc) form the block that stays in L2; mc rows
// of A (mc x kc) form the panel reused across those blocks, from L3.
struct GemmConfig {
  size_t mr = 0, nr = 0;    // register tile of the chosen Highway target
  size_t lanes = 0;         // vector lanes of that target for this type
  size_t mc = 0, kc = 0, nc = 0;
  size_t threads = 1;       // threads for this size, caller included
  // B (not transposed) whose k rows span up to this many bytes (k x ldb x
  // element size) is read in place instead of packed (ReadsBInPlace).
  size_t b_in_place_max_bytes = 0;
  // A (not transposed) up to this size is read in place instead of packed,
  // and larger when n <= nc (each block of A meets one block of B); 0: A
  // is always packed.
  size_t a_in_place_max_bytes = 0;
  const char* source = "";  // as LoopConfig::source
};

// Whether GEMM under `c` reads a B of k rows, ldb elements of elem_size
// bytes apart, in place rather than packed: not transposed, and its rows
// spanning at most c.b_in_place_max_bytes. (The span, not the elements: rows
// far apart in a larger matrix would conflict in the caches.)
inline bool ReadsBInPlace(const GemmConfig& c, bool trans_b, size_t k, size_t ldb,
                          size_t elem_size) {
  return !trans_b && k * ldb * elem_size <= c.b_in_place_max_bytes;
}

// Returns why GEMM cannot run under `c` (empty when it can): the tile must be
// whole vectors (nr a multiple of lanes), mc and nc whole tiles (multiples of
// mr and nr: the packing writes whole slivers), kc >= 1, each packed block at
// most 2^26 elements and threads >= 1. Every configuration GEMM runs with
// passes this: defaults, wisdom and the tuner's overrides.
AMDAHL_API std::string GemmConfigProblem(const GemmConfig& c);

// A register tile GEMM's kernels are compiled for on the running target:
// mr rows x nr columns, nr a whole number of vectors of `lanes`.
struct GemmTileShape {
  size_t mr = 0, nr = 0, lanes = 0;
};

// The running target's register tiles for `dtype`; the first is the one the
// analytical defaults use. Wisdom and the tuner choose among them.
AMDAHL_API std::vector<GemmTileShape> GemmTiles(DType dtype);

// Whether `tile` (mr, nr and lanes) is one of GemmTiles(dtype).
AMDAHL_API bool IsGemmTile(DType dtype, const GemmTileShape& tile);

// Returns the configuration for an m x n x k product of `dtype`.
AMDAHL_API GemmConfig GetGemmConfig(DType dtype, size_t m, size_t n, size_t k);

// The analytical defaults, whatever the wisdom says (the tuner's baseline).
AMDAHL_API GemmConfig DefaultGemmConfig(DType dtype, size_t m, size_t n, size_t k);
// The same analytical blocks for another of GemmTiles(dtype).
AMDAHL_API GemmConfig DefaultGemmConfig(DType dtype, size_t m, size_t n, size_t k,
                                        const GemmTileShape& tile);
AMDAHL_API LoopConfig DefaultLoopConfigFor(Kernel kernel, DType dtype);

// Returns the chunk length for n elements under `c`: equal contiguous parts
// (rounded up to a multiple of 64 elements), one per thread, fewer where a
// part would be shorter than c.grain. (A grain-long first chunk and a short
// second one left one core waiting: Scale f32 12,000 on 2 threads took 1334
// ns against 1086 split evenly, Xeon 2026-11-24.)
inline size_t ChunkSize(size_t n, const LoopConfig& c) {
  const size_t threads = c.threads ? c.threads : 1;
  const size_t grain = c.grain ? c.grain : 1;
  size_t parts = n / grain;
  parts = parts < 1 ? 1 : (parts > threads ? threads : parts);
  return ((n + parts - 1) / parts + 63) / 64 * 64;
}

// The pool's schedule for a loop of `units` elements under `c` (in the units
// of its serial cutoff): one contiguous part per thread, and up to 16 times
// the cutoff a short job, which runs on the caller alone where a worker
// sleeps (detail::Schedule::kPinnedShort): there it takes at most tens of
// microseconds on one thread, about what the sleeper takes to wake.
inline detail::Schedule LoopSchedule(size_t units, const LoopConfig& c) {
  return units / 16 < c.serial_cutoff ? detail::Schedule::kPinnedShort
                                      : detail::Schedule::kPinned;
}

// The pool's schedule for an m x n x k GEMM in `parts` parts: claimed one
// by one, and up to 1 Mi multiply-adds a part (~10 us on a core) a short
// job, which runs on the caller alone, the parts in turn, where a worker
// sleeps (detail::Schedule::kDynamicShort): waking one takes longer.
inline detail::Schedule GemmSchedule(size_t m, size_t n, size_t k, size_t parts) {
  size_t mnk = 0;
  const bool short_job = !__builtin_mul_overflow(m, n, &mnk) &&
                         !__builtin_mul_overflow(mnk, k, &mnk) &&
                         mnk / parts <= (size_t{1} << 20);
  return short_job ? detail::Schedule::kDynamicShort : detail::Schedule::kDynamic;
}

// The MPI front's SUMMA on `ranks` ranks for an m x n x k product, from the
// wisdom of amdahl-tune --mpi (the nearest size bucket measured on that rank
// count): the panel width and the grid rows. 0: nothing measured (the
// front's own rule then).
AMDAHL_API size_t MpiPanelWidth(size_t m, size_t n, size_t k, int ranks);
AMDAHL_API int MpiGridRows(size_t m, size_t n, size_t k, int ranks);

// Leaf size of the reductions' fixed chunk tree, in elements. A constant, not
// configuration: it decides the bits of a float sum.
constexpr size_t kReduceLeaf = 4096;

}  // namespace amdahl

#endif  // AMDAHL_CONFIG_H_
