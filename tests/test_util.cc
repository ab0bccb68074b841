#include "tests/test_util.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <stdexcept>

#include "hwy/targets.h"

namespace amdahl_test {

ChildResult RunSelf(const std::string& prefix, const std::string& test) {
  std::array<char, 4096> self{};
  const ssize_t len = readlink("/proc/self/exe", self.data(), self.size() - 1);
  ChildResult r;
  if (len <= 0) return r;
  const std::string cmd = "env AMDAHL_TEST_CHILD=1 " + prefix + " '" +
                          std::string(self.data(), static_cast<size_t>(len)) +
                          "' --gtest_filter='" + test + "' 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  // A filter that matched nothing, or a test that skipped itself, also
  // exits 0: that is a failure of the test that asked for the child.
  if (r.exit_code == 0 && r.output.find("[  PASSED  ] 1 test.") == std::string::npos) {
    r.exit_code = kChildRanNoTest;
    r.output += "\nRunSelf: the child ran no test to completion (filter '" + test +
                "' matched nothing, or the test skipped)";
  }
  return r;
}

bool IsChild() {
  const char* v = std::getenv("AMDAHL_TEST_CHILD");
  return v != nullptr && v[0] == '1';
}

std::string FreshTestDir(const std::string& tag) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() /
                       ("amdahl-" + tag + "-" + std::to_string(getpid()) + "-" +
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

GuardedBuffer::GuardedBuffer(size_t bytes) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t data_pages = (bytes + page - 1) / page;
  map_bytes_ = (data_pages + 1) * page;
  map_ = mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map_ == MAP_FAILED) {
    map_ = nullptr;
    throw std::bad_alloc();
  }
  char* guard = static_cast<char*>(map_) + data_pages * page;
  if (mprotect(guard, page, PROT_NONE) != 0) {
    munmap(map_, map_bytes_);
    throw std::runtime_error("GuardedBuffer: mprotect failed");
  }
  data_ = guard - bytes;
}

GuardedBuffer::~GuardedBuffer() {
  if (map_ != nullptr) munmap(map_, map_bytes_);
}

void ForEachTarget(const std::function<void(const char*)>& f) {
  for (const int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    f(hwy::TargetName(target));
  }
  hwy::SetSupportedTargetsForTest(0);
}

}  // namespace amdahl_test
