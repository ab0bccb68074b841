// BLAS's error report and the next BLAS behind the preload.
#include "lib/blas/door.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <string>

#include "amdahl/amdahl_c.h"

// The BLAS error handler: the system BLAS's (or the program's own) when
// there is one; weak, so that this library loads without any BLAS.
extern "C" void xerbla_(const char* name, const int* info, size_t name_len) __attribute__((weak));

namespace amdahl_blas {

void Xerbla(const char* name, int info) {
  if (xerbla_ != nullptr) {
    xerbla_(name, &info, std::strlen(name));
    return;
  }
  std::fprintf(stderr, " ** On entry to %s parameter number %d had an illegal value\n", name,
               info);
}

void* Next(const char* symbol) { return dlsym(RTLD_NEXT, symbol); }

namespace {

// True the first time it is asked about `name` (one line per routine).
bool FirstTime(const char* name) {
  static std::mutex mu;
  static std::set<std::string> seen;
  std::lock_guard<std::mutex> lock(mu);
  return seen.insert(name).second;
}

}  // namespace

void Trace(const char* name) {
  static const bool on = [] {
    const char* v = std::getenv("AMDAHL_BLAS_TRACE");
    return v != nullptr && std::strcmp(v, "1") == 0;
  }();
  if (on && FirstTime(name)) std::fprintf(stderr, "amdahl-blas: %s runs on amdahl\n", name);
}

void ReportFallThrough(const char* name, bool forwarded) {
  if (!FirstTime((std::string("fall-through ") + name).c_str())) return;
  std::fprintf(stderr, "amdahl-blas: %s: %s; %s\n", name, amdahl_last_error(),
               forwarded ? "computed by the next BLAS" : "no other BLAS to compute it");
}

}  // namespace amdahl_blas
