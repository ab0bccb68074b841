// The MPI front's C entry points: arguments C cannot check (dtype, trans
// characters, null scalars) agreed on by every rank, then the C++ API;
// exceptions become a status on every rank and a thread-local message.
#include "amdahl/amdahl_mpi_c.h"

#include <cstring>
#include <string>

#include "amdahl/dtype.h"
#include "amdahl/error.h"
#include "amdahl/mpi.h"
#include "lib/c/status.h"
#include "lib/mpi/common.h"

namespace {

thread_local std::string t_last_error;

template <class F>
amdahl_status Guard(const F& f) {
  return amdahl::StatusOf(&t_last_error, f);
}

// The dtype C passed (any int), checked on every rank alike.
amdahl::DType AgreeDType(MPI_Comm comm, const char* fn, const amdahl_dtype& dtype) {
  int v;
  std::memcpy(&v, &dtype, sizeof(v));
  const bool ok = v >= 0 && v < amdahl::kNumDTypes;
  amdahl::mpi::Agree(comm, fn, ok ? "" : "dtype = " + std::to_string(v) + " is not a valid amdahl_dtype");
  return static_cast<amdahl::DType>(v);
}

std::string TransProblem(const char* name, char t) {
  if (t == 'N' || t == 'n' || t == 'T' || t == 't' || t == 'C' || t == 'c') return "";
  return std::string(name) + " = '" + std::string(1, t) + "' is none of N, T, C";
}

amdahl::Trans ToTrans(char t) { return t == 'N' || t == 'n' ? amdahl::Trans::kNo : amdahl::Trans::kYes; }

template <typename T>
T Scalar(const void* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

}  // namespace

extern "C" {

const char* amdahl_mpi_last_error(void) { return t_last_error.c_str(); }

amdahl_status amdahl_mpi_gemm(MPI_Comm comm, int nprow, int npcol, amdahl_dtype dtype,
                              char trans_a, char trans_b, int m, int n, int k, const void* alpha,
                              const void* a, int ia, int ja, const int* desc_a, const void* b,
                              int ib, int jb, const int* desc_b, const void* beta, void* c,
                              int ic, int jc, const int* desc_c) {
  return Guard([&] {
    const char* fn = "amdahl_mpi_gemm";
    const amdahl::DType t = AgreeDType(comm, fn, dtype);
    std::string problem = TransProblem("trans_a", trans_a);
    if (problem.empty()) problem = TransProblem("trans_b", trans_b);
    if (problem.empty() && alpha == nullptr) problem = "alpha is null (a scalar is needed)";
    if (problem.empty() && beta == nullptr) problem = "beta is null (a scalar is needed)";
    amdahl::mpi::Agree(comm, fn, problem);
    const amdahl::mpi::Grid grid(comm, nprow, npcol);
    amdahl::VisitDType(t, [&](auto tag) {
      using T = typename decltype(tag)::type;
      amdahl::mpi::Gemm(grid, ToTrans(trans_a), ToTrans(trans_b), m, n, k, Scalar<T>(alpha),
                        static_cast<const T*>(a), ia, ja, desc_a, static_cast<const T*>(b), ib,
                        jb, desc_b, Scalar<T>(beta), static_cast<T*>(c), ic, jc, desc_c);
    });
  });
}

amdahl_status amdahl_mpi_sum(MPI_Comm comm, amdahl_dtype dtype, size_t n_local, const void* x,
                             void* result) {
  return Guard([&] {
    const char* fn = "amdahl_mpi_sum";
    const amdahl::DType t = AgreeDType(comm, fn, dtype);
    amdahl::mpi::Agree(comm, fn, result == nullptr ? "result is null" : "");
    amdahl::VisitDType(t, [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T s = amdahl::mpi::Sum(comm, n_local, static_cast<const T*>(x));
      std::memcpy(result, &s, sizeof(T));
    });
  });
}

amdahl_status amdahl_mpi_dot(MPI_Comm comm, amdahl_dtype dtype, size_t n_local, const void* x,
                             const void* y, void* result) {
  return Guard([&] {
    const char* fn = "amdahl_mpi_dot";
    const amdahl::DType t = AgreeDType(comm, fn, dtype);
    amdahl::mpi::Agree(comm, fn, result == nullptr ? "result is null" : "");
    amdahl::VisitDType(t, [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T s = amdahl::mpi::Dot(comm, n_local, static_cast<const T*>(x),
                                   static_cast<const T*>(y));
      std::memcpy(result, &s, sizeof(T));
    });
  });
}

}  // extern "C"
