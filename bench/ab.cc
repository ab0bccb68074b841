// amdahl-ab: two builds of libamdahl in one process, timed in alternating
// rounds, for a before/after of a change worth a few per cent. On a shared
// host the speed drifts by more than that between runs (the Zen 4 VM: whole
// runs 10-40 % apart minutes later); rounds of a few milliseconds, each
// build's right after the other's, see the same host, and the median of the
// paired ratios cancels the drift.
//
//   amdahl-ab [--rounds R] [--round-ms MS] [--threads T] OLD NEW CASE...
//   CASE: gemm/<dtype>/<n> (n x n x n, row-major) or gemm/<dtype>/<m>x<n>x<k>,
//         gemmnt and gemmtn the same with B, or A, stored transposed,
//         gemv/<dtype>/<n> (A x),
//         gemvt/<dtype>/<n> (A^T x), scale, axpy, add, triad, sum or dot
//         /<dtype>/<n>
//
// OLD and NEW: a build's lib/ folder (or a copy of it: `cp -a build/lib
// /tmp/old-lib` before the change), or its libamdahl_c.so. Each is loaded
// into a link namespace of its own and called through the C API. Each has
// its own pool; with T > 1 the caller waits out the other build's spinning
// workers before it times a round.
#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "amdahl/amdahl_c.h"

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "amdahl-ab: %s\n", message.c_str());
  std::exit(2);
}

// The C API of one build.
struct Build {
  std::string path;
  decltype(&amdahl_gemm) gemm;
  decltype(&amdahl_gemv) gemv;
  decltype(&amdahl_scale) scale;
  decltype(&amdahl_axpy) axpy;
  decltype(&amdahl_add) add;
  decltype(&amdahl_triad) triad;
  decltype(&amdahl_sum) sum;
  decltype(&amdahl_dot) dot;
  decltype(&amdahl_set_num_threads) set_num_threads;
  decltype(&amdahl_last_error) last_error;
};

template <typename F>
F Symbol(void* handle, const std::string& path, const char* name) {
  void* p = dlsym(handle, name);
  if (p == nullptr) Fail(path + " has no " + name + " (not a libamdahl build?)");
  return reinterpret_cast<F>(p);
}

// A build's C API: `where` is its libamdahl_c.so or the lib/ folder of a
// build tree (or a copy of one), whose c/libamdahl_c.so.0 finds the
// libamdahl.so.0 beside it. Each build gets a link namespace of its own
// (dlmopen), with its own copy of every library it needs: the second would
// otherwise be handed the first's libamdahl.so.0, loaded under that name.
Build Load(const std::string& arg_name, const std::string& where) {
  struct stat st {};
  if (stat(where.c_str(), &st) != 0) Fail(arg_name + " = " + where + ": no such file or folder");
  const std::string path = S_ISDIR(st.st_mode) ? where + "/c/libamdahl_c.so.0" : where;
  void* h = dlmopen(LM_ID_NEWLM, path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) Fail(arg_name + " = " + where + ": " + dlerror());
  Build b;
  b.path = path;
  b.gemm = Symbol<decltype(b.gemm)>(h, path, "amdahl_gemm");
  b.gemv = Symbol<decltype(b.gemv)>(h, path, "amdahl_gemv");
  b.scale = Symbol<decltype(b.scale)>(h, path, "amdahl_scale");
  b.axpy = Symbol<decltype(b.axpy)>(h, path, "amdahl_axpy");
  b.add = Symbol<decltype(b.add)>(h, path, "amdahl_add");
  b.triad = Symbol<decltype(b.triad)>(h, path, "amdahl_triad");
  b.sum = Symbol<decltype(b.sum)>(h, path, "amdahl_sum");
  b.dot = Symbol<decltype(b.dot)>(h, path, "amdahl_dot");
  b.set_num_threads = Symbol<decltype(b.set_num_threads)>(h, path, "amdahl_set_num_threads");
  b.last_error = Symbol<decltype(b.last_error)>(h, path, "amdahl_last_error");
  return b;
}

enum class Kernel { kGemm, kGemv, kGemvT, kScale, kAxpy, kAdd, kTriad, kSum, kDot };

// One case: its kernel, dtype and size, and the operands (bytes, filled
// with small integers so that every dtype holds them exactly).
struct Case {
  std::string name;
  Kernel kernel;
  amdahl_dtype dtype;
  size_t n;
  size_t m = 0, k = 0;  // GEMM: C (m x n) = op(A) (m x k) op(B) (k x n)
  bool trans_a = false, trans_b = false;  // GEMM: A (B) stored transposed
  std::vector<unsigned char> a, b, c;
  unsigned char one[8] = {}, zero[8] = {};  // alpha and beta
};

amdahl_dtype DTypeOf(const std::string& arg, const std::string& name) {
#define AMDAHL_AB_DTYPE(T, ID, text) \
  if (name == #text) return AMDAHL_##ID;
  AMDAHL_FOR_EACH_DTYPE(AMDAHL_AB_DTYPE)
#undef AMDAHL_AB_DTYPE
  Fail("case " + arg + ": dtype '" + name + "' is none of f32, f64, i32, i64");
}

// Writes the integer v as element i of a dtype array.
void Put(amdahl_dtype dtype, unsigned char* out, size_t i, unsigned v) {
  switch (dtype) {
#define AMDAHL_AB_PUT(T, ID, text)                  \
  case AMDAHL_##ID: {                               \
    const T x = static_cast<T>(v);                  \
    std::memcpy(out + i * sizeof(T), &x, sizeof(T)); \
    return;                                         \
  }
    AMDAHL_FOR_EACH_DTYPE(AMDAHL_AB_PUT)
#undef AMDAHL_AB_PUT
    default:
      return;
  }
}

// Bytes of one element of `dtype` (a parsed, valid one).
size_t DTypeBytes(amdahl_dtype dtype) {
  switch (dtype) {
#define AMDAHL_AB_BYTES(T, ID, text) \
  case AMDAHL_##ID:                  \
    return sizeof(T);
    AMDAHL_FOR_EACH_DTYPE(AMDAHL_AB_BYTES)
#undef AMDAHL_AB_BYTES
    default:
      return 0;
  }
}

// `count` elements of small integers (exact in every dtype).
std::vector<unsigned char> Filled(amdahl_dtype dtype, size_t count, unsigned seed) {
  std::vector<unsigned char> bytes(count * DTypeBytes(dtype));
  for (size_t i = 0; i < count; ++i) Put(dtype, bytes.data(), i, (i * 7 + seed) % 10);
  return bytes;
}

// The streaming kernel named `name`; nullptr if none is.
const Kernel* StreamingKernel(const std::string& name) {
  static const std::pair<const char*, Kernel> kNames[] = {
      {"scale", Kernel::kScale}, {"axpy", Kernel::kAxpy}, {"add", Kernel::kAdd},
      {"triad", Kernel::kTriad}, {"sum", Kernel::kSum},   {"dot", Kernel::kDot}};
  for (const auto& [text, kernel] : kNames) {
    if (name == text) return &kernel;
  }
  return nullptr;
}

Case Parse(const std::string& arg) {
  const size_t s1 = arg.find('/'), s2 = arg.find('/', s1 == std::string::npos ? 0 : s1 + 1);
  if (s1 == std::string::npos || s2 == std::string::npos) {
    Fail("case " + arg + ": expected <kernel>/<dtype>/<n>, e.g. gemm/f32/32");
  }
  Case c;
  c.name = arg;
  const std::string kernel = arg.substr(0, s1);
  c.dtype = DTypeOf(arg, arg.substr(s1 + 1, s2 - s1 - 1));
  // The sizes: one, or (GEMM) three joined by 'x'.
  std::vector<size_t> sizes;
  for (size_t at = s2 + 1;;) {
    const size_t x = arg.find('x', at);
    const std::string text = arg.substr(at, x == std::string::npos ? x : x - at);
    char* end = nullptr;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || v == 0 || v > (1ull << 28)) {
      Fail("case " + arg + ": size '" + text + "' is not a whole number from 1 to 2^28");
    }
    sizes.push_back(v);
    if (x == std::string::npos) break;
    at = x + 1;
  }
  const bool gemm = kernel == "gemm" || kernel == "gemmnt" || kernel == "gemmtn";
  if (sizes.size() != 1 && !(gemm && sizes.size() == 3)) {
    Fail("case " + arg + ": expected one size" +
         (gemm ? std::string(" or three, <m>x<n>x<k>") : std::string()));
  }
  c.n = sizes.size() == 3 ? sizes[1] : sizes[0];
  size_t na = 0, nb = 0, nc = 0;  // elements of each operand
  if (gemm) {
    c.trans_a = kernel == "gemmtn";
    c.trans_b = kernel == "gemmnt";
    c.m = sizes.size() == 3 ? sizes[0] : c.n;
    c.k = sizes.size() == 3 ? sizes[2] : c.n;
    if (c.m * c.n > (1ull << 28) || c.n * c.k > (1ull << 28) || c.m * c.k > (1ull << 28)) {
      Fail("case " + arg + ": gemm operands are at most 2^28 elements each");
    }
    c.kernel = Kernel::kGemm;
    na = c.m * c.k;
    nb = c.k * c.n;
    nc = c.m * c.n;
  } else if (kernel == "gemv" || kernel == "gemvt") {
    if (c.n > 32768) Fail("case " + arg + ": gemv n is at most 32768");
    c.kernel = kernel == "gemv" ? Kernel::kGemv : Kernel::kGemvT;
    na = c.n * c.n;
    nb = nc = c.n;
  } else if (const Kernel* k = StreamingKernel(kernel)) {
    c.kernel = *k;
    na = nb = c.n;
    nc = c.kernel == Kernel::kSum || c.kernel == Kernel::kDot ? 1 : c.n;
  } else {
    Fail("case " + arg + ": kernel '" + kernel +
         "' is none of gemm, gemmnt, gemmtn, gemv, gemvt, scale, axpy, add, triad, sum, dot");
  }
  c.a = Filled(c.dtype, na, 1);
  c.b = Filled(c.dtype, nb, 2);
  c.c = Filled(c.dtype, nc, 0);
  Put(c.dtype, c.one, 0, 1);
  return c;
}

// Runs the case once on `build`; exits on an error.
void Call(const Build& build, Case& c) {
  const size_t n = c.n;
  amdahl_status s = AMDAHL_OK;
  switch (c.kernel) {
    case Kernel::kGemm:
      // (Row-major: A stored m x k, or k x m transposed; B k x n, or n x k.)
      s = build.gemm(c.dtype, AMDAHL_ROW_MAJOR, c.trans_a ? AMDAHL_TRANS : AMDAHL_NO_TRANS,
                     c.trans_b ? AMDAHL_TRANS : AMDAHL_NO_TRANS, c.m, n, c.k, c.one, c.a.data(),
                     c.trans_a ? c.m : c.k, c.b.data(), c.trans_b ? c.k : n, c.zero,
                     c.c.data(), n);
      break;
    case Kernel::kGemv:
    case Kernel::kGemvT:
      s = build.gemv(c.dtype, AMDAHL_ROW_MAJOR,
                     c.kernel == Kernel::kGemv ? AMDAHL_NO_TRANS : AMDAHL_TRANS, n, n, c.one,
                     c.a.data(), n, c.b.data(), c.zero, c.c.data());
      break;
    case Kernel::kScale:
      s = build.scale(c.dtype, n, c.one, c.a.data(), c.c.data());
      break;
    case Kernel::kAxpy:  // (y grows by x each call: small integers stay exact)
      s = build.axpy(c.dtype, n, c.one, c.a.data(), c.c.data());
      break;
    case Kernel::kAdd:
      s = build.add(c.dtype, n, c.a.data(), c.b.data(), c.c.data());
      break;
    case Kernel::kTriad:
      s = build.triad(c.dtype, n, c.a.data(), c.one, c.b.data(), c.c.data());
      break;
    case Kernel::kSum:
      s = build.sum(c.dtype, n, c.a.data(), c.c.data());
      break;
    case Kernel::kDot:
      s = build.dot(c.dtype, n, c.a.data(), c.b.data(), c.c.data());
      break;
  }
  if (s != AMDAHL_OK) Fail(build.path + ": " + c.name + ": " + build.last_error());
}

// Seconds per call over `calls` calls.
double TimeCalls(const Build& build, Case& c, size_t calls) {
  const auto t0 = Clock::now();
  for (size_t i = 0; i < calls; ++i) Call(build, c);
  return std::chrono::duration<double>(Clock::now() - t0).count() / static_cast<double>(calls);
}

// Calls that take about `seconds` on the old build, both builds warmed up
// first (the first calls load configuration and fault pages in).
size_t CallsPerRound(const Build (&builds)[2], Case& c, double seconds) {
  for (const Build& b : builds) TimeCalls(b, c, 3);
  for (size_t n = 1;; n *= 4) {
    const double per_call = TimeCalls(builds[0], c, n);
    if (per_call * static_cast<double>(n) >= seconds / 8 || n >= (size_t{1} << 30)) {
      return std::max<size_t>(1, static_cast<size_t>(seconds / std::max(per_call, 1e-12)));
    }
  }
}

// Both builds' results, which must be the same bits: the operands are
// small integers, so every sum is exact in every dtype while it stays below
// 2^24 (f32; 2^53 for f64), and the order of the additions cannot show.
// Beyond that (an f32 dot of more than 2^24 / 81 terms) a difference is
// only reported.
void CheckSame(const Build (&builds)[2], Case& c) {
  std::vector<unsigned char> out[2];
  for (size_t side = 0; side < 2; ++side) {
    std::fill(c.c.begin(), c.c.end(), 0);
    Call(builds[side], c);
    out[side] = c.c;
  }
  if (out[0] == out[1]) return;
  const bool summed = c.kernel == Kernel::kGemm || c.kernel == Kernel::kGemv ||
                      c.kernel == Kernel::kGemvT || c.kernel == Kernel::kSum ||
                      c.kernel == Kernel::kDot;
  const size_t terms = c.kernel == Kernel::kGemm ? c.k : summed ? c.n : 2;  // of each sum
  const bool exact = c.dtype != AMDAHL_F32 || 81.0 * static_cast<double>(terms) <= 16777216.0;
  const std::string what = c.name + ": NEW's result differs from OLD's";
  if (exact) Fail(what + " (exact in this dtype: one of them is wrong)");
  std::fprintf(stderr, "amdahl-ab: note: %s (rounded sums of %zu terms)\n", what.c_str(), terms);
}

// Keeps the caller busy (not asleep: an idle vCPU wakes slowly) while the
// other build's workers spin out their 300 us and go to sleep.
void SpinFor(std::chrono::microseconds span) {
  const auto until = Clock::now() + span;
  while (Clock::now() < until) {
  }
}

double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5)];
}

size_t Count(const std::string& flag, const char* value, size_t lo, size_t hi) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(value, &end, 10);
  if (*value == '\0' || *end != '\0' || v < lo || v > hi) {
    Fail(flag + " = '" + value + "' is not a whole number from " + std::to_string(lo) +
         " to " + std::to_string(hi));
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  size_t rounds = 200, round_ms = 2, threads = 1;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--rounds" || arg == "--round-ms" || arg == "--threads") {
      if (i + 1 >= argc) Fail(arg + " needs a value");
      const char* v = argv[++i];
      if (arg == "--rounds") rounds = Count(arg, v, 3, 100000);
      if (arg == "--round-ms") round_ms = Count(arg, v, 1, 10000);
      if (arg == "--threads") threads = Count(arg, v, 1, 4096);
    } else if (arg == "--help" || arg == "-h") {
      std::printf(
          "usage: amdahl-ab [--rounds R] [--round-ms MS] [--threads T] OLD NEW CASE...\n"
          "CASE: gemm|gemmnt|gemmtn|gemv|gemvt|scale|axpy|add|triad|sum|dot"
          "/<f32|f64|i32|i64>/<n>,\n"
          "      or gemm|gemmnt|gemmtn/<dtype>/<m>x<n>x<k> (nt: B stored transposed, tn: A)\n");
      return 0;
    } else if (arg.rfind("--", 0) == 0) {
      Fail("unknown option " + arg);
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() < 3) Fail("needs OLD, NEW and at least one case (--help)");
  std::vector<Case> cases;
  for (size_t i = 2; i < positional.size(); ++i) cases.push_back(Parse(positional[i]));
  const Build builds[2] = {Load("OLD", positional[0]), Load("NEW", positional[1])};
  for (const Build& b : builds) {
    if (b.set_num_threads(threads) != AMDAHL_OK) Fail(b.path + ": " + b.last_error());
  }

  std::printf("%-22s %14s %14s %10s %19s %7s\n", "case", "old us/call", "new us/call",
              "new/old", "[p25, p75]", "rounds");
  const auto settle = std::chrono::microseconds(threads > 1 ? 400 : 0);
  for (Case& c : cases) {
    CheckSame(builds, c);
    const size_t calls = CallsPerRound(builds, c, static_cast<double>(round_ms) * 1e-3);
    std::vector<double> t[2], ratio;
    for (size_t r = 0; r < rounds; ++r) {
      double round_time[2];
      for (size_t k = 0; k < 2; ++k) {
        const size_t side = (r + k) % 2;  // who goes first alternates
        SpinFor(settle);
        Call(builds[side], c);  // (its workers awake, its operands warm)
        round_time[side] = TimeCalls(builds[side], c, calls);
        t[side].push_back(round_time[side]);
      }
      ratio.push_back(round_time[1] / round_time[0]);
    }
    std::printf("%-22s %14.3f %14.3f %10.3f    [%6.3f, %6.3f] %7zu\n", c.name.c_str(),
                Quantile(t[0], 0.5) * 1e6, Quantile(t[1], 0.5) * 1e6, Quantile(ratio, 0.5),
                Quantile(ratio, 0.25), Quantile(ratio, 0.75), rounds);
    std::fflush(stdout);
  }
  return 0;
}
