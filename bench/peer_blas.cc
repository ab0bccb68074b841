// peer:openblas and peer:blis: the two BLAS libraries, each loaded with
// dlopen(RTLD_LOCAL) so that their identical symbols (sgemm_, cblas_sgemm)
// cannot answer for each other, and so that a missing one is skipped at run
// time. Every benchmark checks with dladdr which library its call lands in.
#include <benchmark/benchmark.h>
#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <string>
#include <vector>

#include "amdahl/topology.h"
#include "bench/bench_util.h"

namespace {

// CBLAS enums (values fixed by the CBLAS standard).
constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;

using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int,
                         const float*, int, float, float*, int);
using DgemmFn = void (*)(int, int, int, int, int, int, double, const double*, int,
                         const double*, int, double, double*, int);
using SgemvFn = void (*)(int, int, int, int, float, const float*, int, const float*, int,
                         float, float*, int);
using DgemvFn = void (*)(int, int, int, int, double, const double*, int, const double*, int,
                         double, double*, int);
using SscalFn = void (*)(int, float, float*, int);
using DscalFn = void (*)(int, double, double*, int);
using SaxpyFn = void (*)(int, float, const float*, int, float*, int);
using DaxpyFn = void (*)(int, double, const double*, int, double*, int);
using SdotFn = float (*)(int, const float*, int, const float*, int);
using DdotFn = double (*)(int, const double*, int, const double*, int);
using SetThreadsFn = void (*)(int);

struct BlasPeer {
  std::string name;     // "openblas" or "blis"
  std::string library;  // the file the calls land in
  std::string kernel;   // what the library says it runs
  void* handle = nullptr;
  SgemmFn sgemm = nullptr;
  DgemmFn dgemm = nullptr;
  SgemvFn sgemv = nullptr;
  DgemvFn dgemv = nullptr;
  SscalFn sscal = nullptr;
  DscalFn dscal = nullptr;
  SaxpyFn saxpy = nullptr;
  DaxpyFn daxpy = nullptr;
  SdotFn sdot = nullptr;
  DdotFn ddot = nullptr;
  SetThreadsFn set_threads = nullptr;
};

template <typename F>
F Sym(void* handle, const char* name) {
  return reinterpret_cast<F>(dlsym(handle, name));
}

// Returns the file that defines `fn`, or "" if none.
std::string LibraryOf(const void* fn) {
  Dl_info info{};
  if (fn == nullptr || dladdr(fn, &info) == 0 || info.dli_fname == nullptr) return "";
  return info.dli_fname;
}

BlasPeer* Load(const char* name, const char* soname, const char* must_contain) {
  void* h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) {
    std::fprintf(stderr, "amdahl-bench: peer %s not loaded: %s\n", name, dlerror());
    return nullptr;
  }
  auto* p = new BlasPeer;
  p->name = name;
  p->handle = h;
  p->sgemm = Sym<SgemmFn>(h, "cblas_sgemm");
  p->dgemm = Sym<DgemmFn>(h, "cblas_dgemm");
  p->sgemv = Sym<SgemvFn>(h, "cblas_sgemv");
  p->dgemv = Sym<DgemvFn>(h, "cblas_dgemv");
  p->sscal = Sym<SscalFn>(h, "cblas_sscal");
  p->dscal = Sym<DscalFn>(h, "cblas_dscal");
  p->saxpy = Sym<SaxpyFn>(h, "cblas_saxpy");
  p->daxpy = Sym<DaxpyFn>(h, "cblas_daxpy");
  p->sdot = Sym<SdotFn>(h, "cblas_sdot");
  p->ddot = Sym<DdotFn>(h, "cblas_ddot");
  p->library = LibraryOf(reinterpret_cast<const void*>(p->sgemm));
  if (p->sgemm == nullptr || p->library.find(must_contain) == std::string::npos) {
    std::fprintf(stderr, "amdahl-bench: peer %s: cblas_sgemm resolves to '%s'; skipped\n",
                 name, p->library.c_str());
    return nullptr;
  }
  if (std::strcmp(name, "openblas") == 0) {
    p->set_threads = Sym<SetThreadsFn>(h, "openblas_set_num_threads");
    using CoreFn = char* (*)();
    if (auto core = Sym<CoreFn>(h, "openblas_get_corename")) p->kernel = core();
  } else {
    p->set_threads = Sym<SetThreadsFn>(h, "bli_thread_set_num_threads");
    // BLIS must be initialized before its architecture can be asked.
    using InitFn = void (*)();
    if (auto init = Sym<InitFn>(h, "bli_init")) init();
    using ArchIdFn = int (*)();
    using ArchStrFn = const char* (*)(int);
    auto id = Sym<ArchIdFn>(h, "bli_arch_query_id");
    auto str = Sym<ArchStrFn>(h, "bli_arch_string");
    if (id && str) p->kernel = str(id());
  }
  benchmark::AddCustomContext("peer:" + p->name, p->kernel + " (" + p->library + ")");
  return p;
}

void SetThreads(const BlasPeer& p, size_t threads) {
  if (p.set_threads) p.set_threads(static_cast<int>(threads));
}

// C (m x n) = A op(B), op(B) = B^T when trans_b (gemmnt), row-major.
template <typename T>
void BM_PeerGemm(benchmark::State& state, const BlasPeer* p, amdahl_bench::GemmShape s,
                 size_t threads, bool trans_b) {
  const auto a = amdahl_bench::RandomVector<T>(s.m * s.k, 1);
  const auto b = amdahl_bench::RandomVector<T>(s.k * s.n, 2);
  amdahl_bench::AlignedVector<T> c(s.m * s.n);
  SetThreads(*p, threads);
  const int m = static_cast<int>(s.m), n = static_cast<int>(s.n), k = static_cast<int>(s.k);
  const int tb = trans_b ? kTrans : kNoTrans, ldb = trans_b ? k : n;
  const amdahl_bench::WallTimer timer;
  for (auto _ : state) {
    if constexpr (std::is_same_v<T, float>) {
      p->sgemm(kRowMajor, kNoTrans, tb, m, n, k, 1.0f, a.data(), k, b.data(), ldb, 0.0f,
               c.data(), n);
    } else {
      p->dgemm(kRowMajor, kNoTrans, tb, m, n, k, 1.0, a.data(), k, b.data(), ldb, 0.0,
               c.data(), n);
    }
    benchmark::ClobberMemory();
  }
  timer.Rate(state, "GFLOPS", 2e-9 * static_cast<double>(s.m * s.n * s.k));
  state.SetLabel(p->kernel);
}

template <typename T>
void RegisterGemm(const BlasPeer* p) {
  const size_t all = amdahl::GetTopology().usable_cores.value;
  std::vector<size_t> sizes = amdahl_bench::GemmSizes();
  // The notebook's int64 1000^3 (gemm/i64/1000) is measured against the
  // float64 detour's dgemm, same size, same run.
  if (std::is_same_v<T, double>) sizes.push_back(1000);
  // gemm (square, B as stored), gemmnt (square, B stored transposed) and
  // gemmrect (not square).
  struct Entry {
    const char* kernel;
    std::string size;
    amdahl_bench::GemmShape shape;
    bool trans_b;
  };
  std::vector<Entry> entries;
  for (size_t n : sizes) entries.push_back({"gemm", std::to_string(n), {n, n, n}, false});
  for (size_t n : amdahl_bench::GemmTransposedSizes()) {
    entries.push_back({"gemmnt", std::to_string(n), {n, n, n}, true});
  }
  for (const amdahl_bench::GemmShape& s : amdahl_bench::GemmRectShapes()) {
    entries.push_back({"gemmrect", amdahl_bench::GemmRectName(s), s, false});
  }
  for (const Entry& e : entries) {
    for (size_t threads : {size_t{1}, all}) {
      const std::string name = "peer:" + p->name + "/" + e.kernel + "/" +
                               amdahl_bench::DTypeName<T>() + "/" + e.size +
                               amdahl_bench::ThreadsSuffix(threads);
      benchmark::RegisterBenchmark(name.c_str(), BM_PeerGemm<T>, p, e.shape, threads,
                                   e.trans_b)
          ->Unit(benchmark::kMicrosecond);
      if (all == 1) break;
    }
  }
}

// y = A x (gemv) or A^T x (gemvt), A n x n row-major, counted as amdahl
// counts its Gemv: A, x and y once each.
template <typename T>
void BM_PeerGemv(benchmark::State& state, const BlasPeer* p, size_t n, size_t threads,
                 bool trans) {
  const auto a = amdahl_bench::RandomVector<T>(n * n, 1);
  const auto x = amdahl_bench::RandomVector<T>(n, 2);
  amdahl_bench::AlignedVector<T> y(n);
  SetThreads(*p, threads);
  const int ni = static_cast<int>(n);
  const amdahl_bench::WallTimer timer;
  for (auto _ : state) {
    if constexpr (std::is_same_v<T, float>) {
      p->sgemv(kRowMajor, trans ? kTrans : kNoTrans, ni, ni, 1.0f, a.data(), ni, x.data(), 1,
               0.0f, y.data(), 1);
    } else {
      p->dgemv(kRowMajor, trans ? kTrans : kNoTrans, ni, ni, 1.0, a.data(), ni, x.data(), 1,
               0.0, y.data(), 1);
    }
    benchmark::ClobberMemory();
  }
  timer.Rate(state, "GBps", 1e-9 * static_cast<double>((n * n + 2 * n) * sizeof(T)));
  state.SetLabel(p->kernel);
}

template <typename T>
void RegisterGemv(const BlasPeer* p) {
  if (p->sgemv == nullptr || p->dgemv == nullptr) return;
  const size_t all = amdahl::GetTopology().usable_cores.value;
  for (bool trans : {false, true}) {
    for (size_t n : amdahl_bench::GemvSizes()) {
      for (size_t threads : {size_t{1}, all}) {
        const std::string name = "peer:" + p->name + (trans ? "/gemvt/" : "/gemv/") +
                                 amdahl_bench::DTypeName<T>() + "/" + std::to_string(n) +
                                 amdahl_bench::ThreadsSuffix(threads);
        benchmark::RegisterBenchmark(name.c_str(), BM_PeerGemv<T>, p, n, threads, trans);
        if (all == 1) break;
      }
    }
  }
}

// BLAS has scal (in place: y = a y), axpy and dot; counted as amdahl counts
// its Scale, Axpy and Dot. scal is compared with amdahl's Scale in place
// ("scal/..."), not with its y = a x: in place, a 4 Ki f64 array fits L1
// where x and y do not. a = -1: BLAS returns at once for a = 1.
template <typename T>
void BM_PeerStream(benchmark::State& state, const BlasPeer* p, std::string kernel,
                   size_t n) {
  const auto x = amdahl_bench::RandomVector<T>(n, 1);
  amdahl_bench::AlignedVector<T> y = amdahl_bench::RandomVector<T>(n, 2);
  SetThreads(*p, amdahl::GetTopology().usable_cores.value);
  const int ni = static_cast<int>(n);
  T sink = T(0);
  const amdahl_bench::WallTimer timer;
  for (auto _ : state) {
    if constexpr (std::is_same_v<T, float>) {
      if (kernel == "scal") p->sscal(ni, -1.0f, y.data(), 1);
      if (kernel == "axpy") p->saxpy(ni, 1e-3f, x.data(), 1, y.data(), 1);
      if (kernel == "dot") sink += p->sdot(ni, x.data(), 1, y.data(), 1);
    } else {
      if (kernel == "scal") p->dscal(ni, -1.0, y.data(), 1);
      if (kernel == "axpy") p->daxpy(ni, 1e-3, x.data(), 1, y.data(), 1);
      if (kernel == "dot") sink += p->ddot(ni, x.data(), 1, y.data(), 1);
    }
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(sink);
  timer.Rate(state, "GBps",
             1e-9 * static_cast<double>(amdahl_bench::StreamBytes(kernel, sizeof(T)) * n));
  state.SetLabel(p->kernel);
}

template <typename T>
void RegisterStream(const BlasPeer* p) {
  for (const char* kernel : {"scal", "axpy", "dot"}) {
    for (size_t n : amdahl_bench::StreamSizes()) {
      benchmark::RegisterBenchmark(
          amdahl_bench::StreamName("peer:" + p->name + "/", kernel,
                                   amdahl_bench::DTypeName<T>(), n)
              .c_str(),
          BM_PeerStream<T>, p, std::string(kernel), n);
    }
  }
}

const bool registered = [] {
  for (const auto& [name, soname, tag] :
       {std::make_tuple("openblas", "libopenblas.so.0", "openblas"),
        std::make_tuple("blis", "libblis.so.4", "blis")}) {
    if (const BlasPeer* p = Load(name, soname, tag)) {
      RegisterGemm<float>(p);
      RegisterGemm<double>(p);
      RegisterGemv<float>(p);
      RegisterGemv<double>(p);
      RegisterStream<float>(p);
      RegisterStream<double>(p);
    }
  }
  return true;
}();

}  // namespace
