// Wisdom: the configurations amdahl-tune measured on a host, stored as JSON
// and read by the library at run time (lazily, once per process).
//
// Path, the first that is set: SetWisdomPath(), $AMDAHL_WISDOM, $XDG_CACHE_HOME/amdahl/
// wisdom.json, ~/.cache/amdahl/wisdom.json. One file holds any number of
// hosts (a shared home on a mixed cluster); a host is identified by its
// HostKey. A file that is missing, corrupt, truncated, of another schema or
// without this host is a miss: one warning on stderr (none with
// AMDAHL_QUIET=1) and the analytical defaults; with AMDAHL_WISDOM_STRICT=1 a
// miss throws std::runtime_error from the first call that needs a config. Another library version is only a
// warning. Saving is atomic (temporary file in the same folder, fsync,
// rename) and keeps the other hosts' entries; concurrent savers serialize on
// a lock file beside it.
#ifndef AMDAHL_WISDOM_H_
#define AMDAHL_WISDOM_H_

#include <cstddef>
#include <string>
#include <vector>

#include "amdahl/config.h"
#include "amdahl/export.h"

namespace amdahl {

// Schema of the file; a file of another schema is a miss.
constexpr int kWisdomSchema = 1;

// What identifies a host: wisdom measured elsewhere does not apply here.
struct HostKey {
  std::string cpu_model;
  std::string target;  // Highway target, e.g. "AVX3"
  size_t usable_cores = 0;
  size_t smt = 0;
  size_t l1d_bytes = 0, l2_bytes = 0, l3_bytes = 0;
  AMDAHL_API bool operator==(const HostKey& other) const;
};

AMDAHL_API HostKey CurrentHostKey();

// A streaming kernel's tuned configuration for sizes in [2^bucket, 2^(bucket+1)).
struct LoopWisdom {
  Kernel kernel = Kernel::kScale;
  DType dtype = DType::kF32;
  int bucket = 0;
  LoopConfig config;
  double gbps = 0;  // measured rate (of the measured neighbour, if interpolated)
  // Not measured at this bucket: the tuner's choice for a neighbouring one
  // (config.source says "interpolated").
  bool interpolated = false;
};

// GEMM's tuned configuration for products whose cube-root size
// (m n k)^(1/3) lies in [2^bucket, 2^(bucket+1)). A bucket may hold one
// entry per thread count (config.threads): the tuner's choice over all the
// host's threads, and where that is more than one, its choice on one
// thread (a tile that wins on two cores can lose on one). FindGemmWisdom
// picks the entry for the threads a call may use.
struct GemmWisdom {
  DType dtype = DType::kF32;
  int bucket = 0;
  GemmConfig config;
  double gflops = 0;  // measured rate
  bool interpolated = false;  // as LoopWisdom::interpolated
};

// The configuration GEMM runs with under entry `e`: `defaults` (the
// analytical configuration of the running target) with e's register tile,
// blocks and threads, when e's tile is one of GemmTiles (compiled for the
// running target) and its blocks pass GemmConfigProblem; else `defaults`.
AMDAHL_API GemmConfig ApplyGemmWisdom(const GemmConfig& defaults, const GemmWisdom& e);

// The MPI front's SUMMA on `ranks` ranks for products of size bucket
// GemmBucket(m, n, k): the panel width and grid rows that were fastest.
struct MpiPanelWisdom {
  int ranks = 0;
  int bucket = 0;
  int width = 0;   // panel width (columns of op(A) per local GEMM)
  int nprow = 0;   // grid rows (columns: ranks / nprow)
  double gflops = 0;
};

// Measured by amdahl-tune --mpi under mpirun; empty otherwise.
struct MpiWisdom {
  double latency_us = 0;      // half an 8-byte ping-pong, first rank <-> last
  double bandwidth_gbps = 0;  // 64 MiB ping-pong, first rank <-> last
  std::vector<MpiPanelWisdom> panels;
};

// Everything measured on one host.
struct HostWisdom {
  HostKey host;
  std::string library_version;
  std::string date;                  // when it was measured (UTC, ISO 8601)
  double peak_f32_gflops_core = 0;   // FMA peak of one core
  double peak_f64_gflops_core = 0;
  double memory_gbps = 0;            // triad on all cores, out of cache
  double forkjoin_ns = 0;            // empty fork-join over all threads
  // The most int64 slice products (Ozaki, lib/kernels/gemm_exact.h) that
  // still beat the integer GEMM kernels here, as amdahl-tune measured; -1:
  // not measured, and the library then never slices.
  int int64_slice_products = -1;
  // Whether integer GEMM on int16 pairs (lib/kernels/gemm_pairs.h) beat the
  // float path here: 1 yes, 0 no (it does not run), -1 not measured (it
  // runs).
  int int16_pairs = -1;
  std::vector<LoopWisdom> loops;
  std::vector<GemmWisdom> gemm;
  MpiWisdom mpi;
};

// The entry of w for a product of `dtype` in size bucket `bucket` that may
// use `threads` threads (NumThreads()), or nullptr: the one measured at
// that thread count; else the fewest threads above it (run capped, as a
// choice for more cores is closer than one for fewer); else the most below.
AMDAHL_API const GemmWisdom* FindGemmWisdom(const HostWisdom& w, DType dtype, int bucket,
                                            size_t threads);

// Size buckets: floor(log2(n)), and floor(log2((m n k)^(1/3))).
AMDAHL_API int LoopBucket(size_t n);
AMDAHL_API int GemmBucket(size_t m, size_t n, size_t k);

// Returns the wisdom file's path from the environment (see above).
AMDAHL_API std::string WisdomPath();

// Reads `path` and finds `host` in it. Returns false on a miss and says why
// in *why ("no file", "no file (folder ... is missing)", "cannot read:
// Permission denied", "corrupt: ...", "schema 0, expected 1", "no entry for
// this host"); *warning (may be null) gets non-fatal news (another library
// version). Files over 16 MiB are refused unread. Null out or why: Error.
AMDAHL_API bool LoadWisdom(const std::string& path, const HostKey& host,
                           HostWisdom* out, std::string* why,
                           std::string* warning);

// Stores `wisdom` in `path`, merged: the other hosts' entries are kept
// exactly as they are (damaged ones too), and of its own host's earlier
// entry what `wisdom` does not measure again (other kernels, dtypes, sizes)
// is kept; ceilings are `wisdom`'s. Creates the folder if needed. A file that is not wisdom of this schema is first kept aside as
// "<path>.damaged-<UTC time>" (a warning names it); one that cannot be read
// is refused (std::runtime_error). The file is replaced atomically (a
// saver killed at any moment leaves the old file whole); a symbolic link is
// followed; a target that is not a regular file (a device) is written in
// place. Throws amdahl::Error for an empty path or wisdom that would not load
// again (a zero thread count, say), before writing anything, and
// std::runtime_error naming the path and the reason when the file cannot be
// written (read-only folder, full disk).
AMDAHL_API void SaveWisdom(const std::string& path, const HostWisdom& wisdom);

// Throws what SaveWisdom would if `path` cannot be written, without changing
// it (creates missing folders). For tools that measure before they save.
AMDAHL_API void CheckWisdomWritable(const std::string& path);

// Returns the hosts stored in `path` (empty on a miss).
AMDAHL_API std::vector<HostWisdom> LoadAllWisdom(const std::string& path);

// The wisdom the library runs with: loaded from WisdomPath() on first use,
// null on a miss (after one warning, or an exception in strict mode).
AMDAHL_API const HostWisdom* ActiveWisdom();

// Makes `path` the wisdom file of this process (before $AMDAHL_WISDOM and
// the rest; "" gives the choice back to the environment) and loads it now:
// later calls run with what it holds, so one process can switch files (one
// per MPI rank, one per Python session). Returns whether it holds wisdom for
// this host. With `why` null a miss warns once (or throws under
// AMDAHL_WISDOM_STRICT=1, as on first use); with `why` given, the caller
// gets the reason instead and nothing is printed or thrown.
AMDAHL_API bool SetWisdomPath(const std::string& path, std::string* why = nullptr);

// Loads WisdomPath() again (after a save, or after $AMDAHL_WISDOM changed):
// later calls run with what it holds. Safe while kernels run on other
// threads; a call already running keeps the configuration it started with.
AMDAHL_API void ReloadWisdom();

}  // namespace amdahl

#endif  // AMDAHL_WISDOM_H_
