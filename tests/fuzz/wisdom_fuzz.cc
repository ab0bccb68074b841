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
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "amdahl/wisdom.h"

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
