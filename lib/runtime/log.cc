#include "lib/runtime/log.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>

namespace amdahl {

void WarnOnce(const std::string& message) {
  static std::mutex mu;
  static std::set<std::string>* seen = new std::set<std::string>();
  const char* quiet = std::getenv("AMDAHL_QUIET");
  if (quiet != nullptr && std::strcmp(quiet, "1") == 0) return;
  std::lock_guard<std::mutex> lock(mu);
  if (!seen->insert(message).second) return;
  std::fprintf(stderr, "amdahl: warning: %s\n", message.c_str());
}

}  // namespace amdahl
