// Hooks into the library's internals for amdahl-tune and the tests: not
// installed, not API. Everything here may change without notice.
#ifndef AMDAHL_LIB_HOOKS_H_
#define AMDAHL_LIB_HOOKS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "amdahl/config.h"
#include "amdahl/export.h"
#include "amdahl/wisdom.h"

namespace amdahl {
namespace detail {

// --- runtime ---

// Returns the CPU quota of the cgroup described by `proc_self_cgroup` (the
// text of /proc/self/cgroup) under the cgroup file system at `cgroup_root`
// (normally "/sys/fs/cgroup"), as a possibly fractional number of CPUs: the
// smallest quota/period on the path to the root, v2 (cpu.max) or v1
// (cpu.cfs_quota_us). Returns 0 when there is no quota. Sets *source.
AMDAHL_API double CgroupCpuQuota(const std::string& proc_self_cgroup,
                                 const std::string& cgroup_root,
                                 std::string* source);

// Starts every worker's 32-bit epoch counter at `epoch` (tests start it next
// to the wrap). Returns false, changing nothing, once a worker exists.
AMDAHL_API bool SetPoolEpochsForTesting(uint32_t epoch);

// Returns the most threads (caller included) that a parallel call made from
// this thread used since the last call of this function, 1 if none ran in
// parallel, and starts counting again: what a kernel chose, for the
// benchmarks' reports.
AMDAHL_API size_t TakeMostThreadsUsed();

// Resolves the thread count from the environment values (either may be null)
// and the usable core count. Sets *warning when a value was rejected.
AMDAHL_API size_t ThreadCountFromEnv(const char* amdahl_num_threads,
                                     const char* omp_num_threads,
                                     size_t usable_cores, std::string* warning);

// --- configuration ---

// For amdahl-tune: until cleared (nullptr), Get*Config returns a copy of
// `config` for this kernel and type, whatever the size (threads still capped
// by NumThreads()). The pointee must outlive the override. Set it only while
// no kernel of that type runs. A GEMM override must pass GemmConfigProblem
// for the target that runs it (else amdahl::Error, here or at the call).
AMDAHL_API void SetLoopOverride(Kernel kernel, DType dtype, const LoopConfig* config);
AMDAHL_API void SetGemmOverride(DType dtype, const GemmConfig* config);

// Whether integer GEMM may run on the float units when its values allow
// (lib/kernels/gemm_exact.h; default true). Off, every integer GEMM runs the
// integer kernels: the tests cover those, and amdahl-tune times their blocks.
// Returns the previous setting.
AMDAHL_API bool SetIntegerGemmOnFloat(bool enabled);

// The most int64 slice products the exact GEMM may run (0: never slice;
// -1, the default: the wisdom's int64_slice_products, none without it).
// For the tests and amdahl-tune. Returns the previous setting.
AMDAHL_API int SetInt64SliceProducts(int products);

// Whether integer GEMM whose values fit int16 runs on int16 pairs
// (lib/kernels/gemm_pairs.h) before the float path: 1 on, 0 off, -1 (the
// default) as the wisdom's int16_pairs says, on where it has not measured.
// For the tests and amdahl-tune. Returns the previous setting.
AMDAHL_API int SetIntegerGemmOnPairs(int mode);

// For amdahl-tune --mpi: SUMMA's panel width, whatever the size (0: back to
// the wisdom and the rule).
AMDAHL_API void SetMpiPanelWidthOverride(size_t width);

// The parser under LoadWisdom, on text (the fuzzer's entry point).
AMDAHL_API bool ParseWisdom(const std::string& text, const HostKey& host,
                            HostWisdom* out, std::string* why);
// Every well-formed host entry of the text; damaged ones are skipped.
AMDAHL_API std::vector<HostWisdom> ParseAllWisdom(const std::string& text);
// The file text SaveWisdom writes for these hosts.
AMDAHL_API std::string WisdomText(const std::vector<HostWisdom>& hosts);
// ActiveWisdom's decision for a path: the host's wisdom (owned by the
// caller), or null after one warning, or std::runtime_error when strict.
AMDAHL_API const HostWisdom* LoadWisdomFor(const std::string& path,
                                           const HostKey& host, bool strict);

}  // namespace detail
}  // namespace amdahl

#endif  // AMDAHL_LIB_HOOKS_H_
