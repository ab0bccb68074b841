// libFuzzer target for the wisdom loader: any bytes as a wisdom file.
// Every input must be loaded, a miss that says why, or (strict mode) a
// std::runtime_error naming AMDAHL_WISDOM_STRICT; what loads must survive a
// save and a load unchanged. Anything else (a crash, another exception, a
// leak, undefined behaviour under UBSan) is a finding.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "amdahl/config.h"
#include "amdahl/gemm.h"
#include "amdahl/wisdom.h"
#include "lib/hooks.h"

namespace {

// The host of the seed corpus (tests/fuzz/corpus), so that mutations reach
// the per-host parsing.
amdahl::HostKey SeedHost() {
  amdahl::HostKey h;
  h.cpu_model = "Fuzz CPU";
  h.target = "AVX3";
  h.usable_cores = 2;
  h.smt = 1;
  h.l1d_bytes = 49152;
  h.l2_bytes = 1048576;
  h.l3_bytes = 16777216;
  return h;
}

void Require(bool ok) {
  if (!ok) std::abort();
}

// An in-memory file, so that the file path (LoadWisdomFor) runs too.
const std::string& MemoryFilePath() {
  static const std::string path = [] {
    const int fd = memfd_create("wisdom.json", 0);
    Require(fd >= 0);
    return "/proc/self/fd/" + std::to_string(fd);
  }();
  return path;
}

void WriteMemoryFile(const std::string& text) {
  const int fd = std::atoi(MemoryFilePath().c_str() + sizeof("/proc/self/fd/") - 1);
  Require(ftruncate(fd, 0) == 0);
  Require(pwrite(fd, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size()));
}

template <typename T>
void RunGemm(const amdahl::GemmConfig& c) {
  using namespace amdahl;
  // Past one block in every direction, but small: at most ~100^3.
  const size_t m = std::min<size_t>(c.mc, 64) + c.mr + 1;
  const size_t n = std::min<size_t>(c.nc, 64) + 5;
  const size_t k = std::min<size_t>(c.kc, 64) + 7;
  std::vector<T> a(m * k, T(1)), b(k * n, T(1)), out(m * n, T(0));
  for (Trans ta : {Trans::kNo, Trans::kYes}) {
    Gemm(ta, Trans::kNo, m, n, k, T(1), a.data(), ta == Trans::kYes ? m : k, b.data(), n,
         T(0), out.data(), n);
    for (T v : out) Require(v == static_cast<T>(k));
  }
}

void RunGemmWith(amdahl::DType dtype, amdahl::GemmConfig c) {
  using namespace amdahl;
  c.threads = 1;
  c.a_in_place_max_bytes = 0;
  c.b_in_place_max_bytes = 0;
  detail::SetGemmOverride(dtype, &c);
  switch (dtype) {
    case DType::kF32: RunGemm<float>(c); break;
    case DType::kF64: RunGemm<double>(c); break;
    case DType::kI32: RunGemm<int32_t>(c); break;
    case DType::kI64: RunGemm<int64_t>(c); break;
  }
  detail::SetGemmOverride(dtype, nullptr);
}

void RunGemmUnder(const amdahl::GemmWisdom& e) {
  using namespace amdahl;
  const GemmConfig defaults = DefaultGemmConfig(e.dtype, 64, 64, 64);
  // As the library applies the entry (only a tile this target compiles).
  const GemmConfig applied = ApplyGemmWisdom(defaults, e);
  Require(GemmConfigProblem(applied).empty());
  RunGemmWith(e.dtype, applied);
  // The entry's blocks on this build's tile, whatever tile the entry names,
  // so that mutated blocks reach the packing: what the check lets through
  // must run within the buffers.
  GemmConfig blocks = defaults;
  blocks.mc = e.config.mc;
  blocks.kc = e.config.kc;
  blocks.nc = e.config.nc;
  if (GemmConfigProblem(blocks).empty()) RunGemmWith(e.dtype, blocks);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setenv("AMDAHL_QUIET", "1", 1);  // one warning per input would flood
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace amdahl;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const HostKey host = SeedHost();

  HostWisdom w;
  std::string why;
  const bool hit = detail::ParseWisdom(text, host, &w, &why);
  Require(hit || !why.empty());  // a miss always says why

  // Every entry that parses saves and loads back to the same text.
  const std::vector<HostWisdom> all = detail::ParseAllWisdom(text);
  Require(!hit || !all.empty());
  for (const HostWisdom& h : all) {
    const std::string saved = detail::WisdomText({h});
    HostWisdom again;
    std::string why_again;
    Require(detail::ParseWisdom(saved, h.host, &again, &why_again));
    Require(detail::WisdomText({again}) == saved);
  }

  // GEMM runs under every configuration that loaded, as the library would
  // apply it, packing forced and every block edge crossed: a block that got
  // through the loader but does not fit the packing shows up under ASan.
  if (hit) {
    for (const GemmWisdom& e : w.gemm) RunGemmUnder(e);
  }

  // Through a file, as the library loads it: lenient, then strict.
  WriteMemoryFile(text);
  std::unique_ptr<const HostWisdom> lenient(
      detail::LoadWisdomFor(MemoryFilePath(), host, /*strict=*/false));
  Require((lenient != nullptr) == hit);
  try {
    std::unique_ptr<const HostWisdom> strict(
        detail::LoadWisdomFor(MemoryFilePath(), host, /*strict=*/true));
    Require(hit && strict != nullptr);
  } catch (const std::runtime_error& e) {
    Require(!hit && std::string(e.what()).find("AMDAHL_WISDOM_STRICT=1") != std::string::npos);
  }
  return 0;
}
