// The C API: each call checks what C cannot (enum values, null scalars),
// maps the dtype to the C++ type and calls the C++ API; exceptions become
// status codes and a thread-local message. Array handling and errors only:
// no kernel logic here.
#include "amdahl/amdahl_c.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "amdahl/amdahl.h"
#include "autotune/report.h"
#include "lib/c/status.h"
#include "autotune/run.h"

#ifndef AMDAHL_VERSION
#define AMDAHL_VERSION "unknown"
#endif

namespace {

using amdahl::DType;
using amdahl::Error;

thread_local std::string t_last_error;

// Runs f, turning what it throws into a status and this thread's message.
template <class F>
amdahl_status Guard(const F& f) {
  return amdahl::StatusOf(&t_last_error, f);
}

// An enum argument's value as the caller passed it. C may pass any int; in
// C++ reading an enum outside its values' range is undefined, so the bits
// are copied, not loaded as the enum.
template <typename Enum>
int Raw(const Enum& e) {
  static_assert(sizeof(Enum) == sizeof(int), "C enums are int-sized here");
  int v;
  std::memcpy(&v, &e, sizeof(v));
  return v;
}

bool ValidDType(int v) { return v >= 0 && v < amdahl::kNumDTypes; }

DType CheckDType(const char* fn, const amdahl_dtype& dtype) {
  const int v = Raw(dtype);
  if (!ValidDType(v)) {
    throw Error(std::string(fn) + ": dtype = " + std::to_string(v) +
                " is not a valid amdahl_dtype");
  }
  return static_cast<DType>(v);
}

amdahl::Layout CheckLayout(const char* fn, const amdahl_layout& layout) {
  const int v = Raw(layout);
  if (v != AMDAHL_ROW_MAJOR && v != AMDAHL_COL_MAJOR) {
    throw Error(std::string(fn) + ": layout = " + std::to_string(v) +
                " is not a valid amdahl_layout");
  }
  return v == AMDAHL_ROW_MAJOR ? amdahl::Layout::kRowMajor : amdahl::Layout::kColMajor;
}

amdahl::Trans CheckTrans(const char* fn, const char* arg, const amdahl_trans& trans) {
  const int v = Raw(trans);
  if (v != AMDAHL_NO_TRANS && v != AMDAHL_TRANS) {
    throw Error(std::string(fn) + ": " + arg + " = " + std::to_string(v) +
                " is not a valid amdahl_trans");
  }
  return v == AMDAHL_TRANS ? amdahl::Trans::kYes : amdahl::Trans::kNo;
}

// The scalar behind `p`, which must not be null.
template <typename T>
T Scalar(const char* fn, const char* arg, const void* p) {
  if (p == nullptr) throw Error(std::string(fn) + ": " + arg + " is null (a scalar is needed)");
  T v;
  std::memcpy(&v, p, sizeof(T));  // the caller's scalar may be unaligned
  return v;
}

template <class F>
amdahl_status Typed(const char* fn, const amdahl_dtype& dtype, const F& f) {
  return Guard([&] {
    amdahl::VisitDType(CheckDType(fn, dtype), f);
  });
}

void CopyOut(const std::string& text, char* buf, size_t size, size_t* length) {
  if (length != nullptr) *length = text.size();
  if (buf == nullptr || size == 0) return;
  const size_t n = std::min(size - 1, text.size());
  std::memcpy(buf, text.data(), n);
  buf[n] = '\0';
}

template <typename T, class Parse>
std::vector<T> ParseList(const char* fn, const char* arg, const char* text, const Parse& parse) {
  std::vector<T> out;
  if (text == nullptr || text[0] == '\0') return out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    T value;
    if (!parse(item, &value)) {
      throw Error(std::string(fn) + ": " + arg + " names '" + item + "', which is none of them");
    }
    out.push_back(value);
  }
  return out;
}

}  // namespace

namespace {

amdahl_tune::Options ToOptions(const char* fn, const amdahl_tune_options* o) {
  if (o == nullptr) throw Error(std::string(fn) + ": options is null");
  if (!(o->budget_s > 0)) {
    throw Error(std::string(fn) + ": options->budget_s = " + std::to_string(o->budget_s) +
                " is not a positive number of seconds");
  }
  if (o->effort < 0 || o->effort > 2) {
    throw Error(std::string(fn) + ": options->effort = " + std::to_string(o->effort) +
                " is not 0 (estimate), 1 (measure) or 2 (patient)");
  }
  amdahl_tune::Options options;
  options.budget_s = o->budget_s;
  options.effort = static_cast<amdahl_tune::Effort>(o->effort);
  options.kernels = ParseList<amdahl::Kernel>(fn, "options->kernels", o->kernels,
                                              amdahl::KernelFromName);
  options.dtypes =
      ParseList<DType>(fn, "options->dtypes", o->dtypes, amdahl::DTypeFromName);
  if (o->progress != nullptr) {
    const amdahl_progress_fn progress = o->progress;
    void* user = o->progress_user;
    options.progress = [progress, user](const std::string& what, size_t i, size_t n,
                                        double left) {
      return progress(what.c_str(), i, n, left, user) == 0;
    };
  }
  return options;
}

amdahl::Kernel CheckKernel(const char* fn, const char* kernel) {
  if (kernel == nullptr) throw Error(std::string(fn) + ": kernel is null");
  amdahl::Kernel k;
  if (!amdahl::KernelFromName(kernel, &k)) {
    throw Error(std::string(fn) + ": kernel = '" + kernel +
                "' is none of scale, axpy, add, triad, sum, dot, gemv, gemm");
  }
  return k;
}

// The configuration a call runs with, as JSON (see amdahl_config).
std::string ConfigJson(amdahl::Kernel kernel, DType dtype, const std::vector<size_t>& shape) {
  nlohmann::json j{{"kernel", amdahl::KernelName(kernel)},
                   {"dtype", amdahl::DTypeName(dtype)},
                   {"shape", shape},
                   {"target", amdahl::ActiveTarget()},
                   {"wisdom", amdahl::WisdomPath()},
                   {"wisdom_found", amdahl::ActiveWisdom() != nullptr}};
  if (kernel == amdahl::Kernel::kGemm) {
    const amdahl::GemmConfig c = amdahl::GetGemmConfig(dtype, shape[0], shape[1], shape[2]);
    j.update({{"threads", c.threads}, {"mr", c.mr}, {"nr", c.nr}, {"lanes", c.lanes},
              {"mc", c.mc}, {"kc", c.kc}, {"nc", c.nc},
              {"b_in_place_max_bytes", c.b_in_place_max_bytes},
              {"a_in_place_max_bytes", c.a_in_place_max_bytes}, {"source", c.source}});
  } else {
    const size_t n = kernel == amdahl::Kernel::kGemv ? shape[0] * shape[1] : shape[0];
    const amdahl::LoopConfig c = amdahl::GetLoopConfig(kernel, dtype, n);
    j.update({{"threads", c.threads}, {"serial_cutoff", c.serial_cutoff},
              {"serial", n < c.serial_cutoff || c.threads <= 1}, {"grain", c.grain},
              {"stream_min", c.stream_min}, {"source", c.source}});
  }
  return j.dump();
}


}  // namespace

extern "C" {

const char* amdahl_last_error(void) { return t_last_error.c_str(); }
const char* amdahl_get_version(void) { return AMDAHL_VERSION; }

const char* amdahl_dtype_name(amdahl_dtype dtype) {
  return ValidDType(Raw(dtype)) ? amdahl::DTypeName(static_cast<DType>(Raw(dtype))) : nullptr;
}

size_t amdahl_dtype_size(amdahl_dtype dtype) {
  return ValidDType(Raw(dtype)) ? amdahl::DTypeSize(static_cast<DType>(Raw(dtype))) : 0;
}

amdahl_status amdahl_scale(amdahl_dtype dtype, size_t n, const void* a, const void* x, void* y) {
  return Typed("amdahl_scale", dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    amdahl::Scale(n, Scalar<T>("amdahl_scale", "a", a), static_cast<const T*>(x),
                  static_cast<T*>(y));
  });
}

amdahl_status amdahl_axpy(amdahl_dtype dtype, size_t n, const void* a, const void* x, void* y) {
  return Typed("amdahl_axpy", dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    amdahl::Axpy(n, Scalar<T>("amdahl_axpy", "a", a), static_cast<const T*>(x),
                 static_cast<T*>(y));
  });
}

amdahl_status amdahl_add(amdahl_dtype dtype, size_t n, const void* x, const void* y, void* z) {
  return Typed("amdahl_add", dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    amdahl::Add(n, static_cast<const T*>(x), static_cast<const T*>(y), static_cast<T*>(z));
  });
}

amdahl_status amdahl_triad(amdahl_dtype dtype, size_t n, const void* x, const void* a,
                           const void* y, void* z) {
  return Typed("amdahl_triad", dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    amdahl::Triad(n, static_cast<const T*>(x), Scalar<T>("amdahl_triad", "a", a),
                  static_cast<const T*>(y), static_cast<T*>(z));
  });
}

amdahl_status amdahl_sum(amdahl_dtype dtype, size_t n, const void* x, void* result) {
  return Typed("amdahl_sum", dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (result == nullptr) throw Error("amdahl_sum: result is null");
    const T r = amdahl::Sum(n, static_cast<const T*>(x));
    std::memcpy(result, &r, sizeof(T));
  });
}

amdahl_status amdahl_dot(amdahl_dtype dtype, size_t n, const void* x, const void* y,
                         void* result) {
  return Typed("amdahl_dot", dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (result == nullptr) throw Error("amdahl_dot: result is null");
    const T r = amdahl::Dot(n, static_cast<const T*>(x), static_cast<const T*>(y));
    std::memcpy(result, &r, sizeof(T));
  });
}

amdahl_status amdahl_gemm(amdahl_dtype dtype, amdahl_layout layout, amdahl_trans trans_a,
                          amdahl_trans trans_b, size_t m, size_t n, size_t k, const void* alpha,
                          const void* a, size_t lda, const void* b, size_t ldb,
                          const void* beta, void* c, size_t ldc) {
  return Typed("amdahl_gemm", dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const char* fn = "amdahl_gemm";
    amdahl::Gemm(CheckTrans(fn, "trans_a", trans_a), CheckTrans(fn, "trans_b", trans_b), m, n,
                 k, Scalar<T>(fn, "alpha", alpha), static_cast<const T*>(a), lda,
                 static_cast<const T*>(b), ldb, Scalar<T>(fn, "beta", beta), static_cast<T*>(c),
                 ldc, CheckLayout(fn, layout));
  });
}

// A GemmPlan of the dtype's type, behind the C handle.
struct amdahl_gemm_plan {
  DType dtype;
  void* typed;  // amdahl::GemmPlan<T> for dtype's T
  void (*destroy)(void* typed);
};

amdahl_status amdahl_gemm_plan_create(amdahl_dtype dtype, amdahl_layout layout,
                                      amdahl_trans trans_a, amdahl_trans trans_b, size_t m,
                                      size_t n, size_t k, size_t lda, size_t ldb, size_t ldc,
                                      amdahl_gemm_plan** plan) {
  return Typed("amdahl_gemm_plan_create", dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const char* fn = "amdahl_gemm_plan_create";
    if (plan == nullptr) throw Error(std::string(fn) + ": plan is null (where the plan goes)");
    auto typed = std::make_unique<amdahl::GemmPlan<T>>(
        CheckTrans(fn, "trans_a", trans_a), CheckTrans(fn, "trans_b", trans_b), m, n, k, lda,
        ldb, ldc, CheckLayout(fn, layout));
    *plan = new amdahl_gemm_plan{amdahl::DTypeOf<T>(), typed.get(), [](void* p) {
                                   delete static_cast<amdahl::GemmPlan<T>*>(p);
                                 }};
    typed.release();
  });
}

amdahl_status amdahl_gemm_plan_run(const amdahl_gemm_plan* plan, const void* alpha,
                                   const void* a, const void* b, const void* beta, void* c) {
  const char* fn = "amdahl_gemm_plan_run";
  return Guard([&] {
    if (plan == nullptr) throw Error(std::string(fn) + ": plan is null");
    amdahl::VisitDType(plan->dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      const auto& typed = *static_cast<const amdahl::GemmPlan<T>*>(plan->typed);
      typed(Scalar<T>(fn, "alpha", alpha), static_cast<const T*>(a), static_cast<const T*>(b),
            Scalar<T>(fn, "beta", beta), static_cast<T*>(c));
    });
  });
}

void amdahl_gemm_plan_destroy(amdahl_gemm_plan* plan) {
  if (plan == nullptr) return;
  plan->destroy(plan->typed);
  delete plan;
}

amdahl_status amdahl_gemv(amdahl_dtype dtype, amdahl_layout layout, amdahl_trans trans,
                          size_t m, size_t n, const void* alpha, const void* a, size_t lda,
                          const void* x, const void* beta, void* y) {
  return Typed("amdahl_gemv", dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const char* fn = "amdahl_gemv";
    amdahl::Gemv(CheckTrans(fn, "trans", trans), m, n, Scalar<T>(fn, "alpha", alpha),
                 static_cast<const T*>(a), lda, static_cast<const T*>(x),
                 Scalar<T>(fn, "beta", beta), static_cast<T*>(y), CheckLayout(fn, layout));
  });
}

amdahl_status amdahl_set_num_threads(size_t threads) {
  return Guard([&] { amdahl::SetNumThreads(threads); });
}

size_t amdahl_get_num_threads(void) { return amdahl::NumThreads(); }

amdahl_status amdahl_get_topology(amdahl_topology* out) {
  return Guard([&] {
    if (out == nullptr) throw Error("amdahl_get_topology: out is null");
    const amdahl::Topology& t = amdahl::GetTopology();
    amdahl_topology r = {};
    CopyOut(t.cpu_model, r.cpu_model, sizeof(r.cpu_model), nullptr);
    CopyOut(amdahl::ActiveTarget(), r.target, sizeof(r.target), nullptr);
    r.usable_cpus = t.usable_cpus.size();
    r.usable_cores = t.usable_cores.value;
    r.smt = t.smt.value;
    r.clusters = t.clusters.value;
    r.l1d_bytes = t.l1d_bytes.value;
    r.l2_bytes = t.l2_bytes.value;
    r.l3_bytes = t.l3_bytes.value;
    *out = r;
  });
}

amdahl_status amdahl_set_wisdom_path(const char* path, int* found) {
  return Guard([&] {
    const bool hit = amdahl::SetWisdomPath(path ? path : "");
    if (found != nullptr) *found = hit ? 1 : 0;
  });
}

amdahl_status amdahl_wisdom_path(char* buf, size_t size, size_t* length) {
  return Guard([&] {
    if (buf == nullptr && size != 0) throw Error("amdahl_wisdom_path: buf is null with size > 0");
    CopyOut(amdahl::WisdomPath(), buf, size, length);
  });
}

amdahl_status amdahl_reload_wisdom(int* found) {
  return Guard([&] {
    amdahl::ReloadWisdom();
    if (found != nullptr) *found = amdahl::ActiveWisdom() != nullptr ? 1 : 0;
  });
}

void amdahl_tune_options_init(amdahl_tune_options* options) {
  if (options == nullptr) return;
  *options = amdahl_tune_options{};
  options->budget_s = 60;
  options->effort = 1;
}


amdahl_status amdahl_tune_run(const amdahl_tune_options* options, const char* path, char* summary,
                          size_t size, size_t* length) {
  return Guard([&] {
    const amdahl_tune::Options o = ToOptions("amdahl_tune_run", options);
    if (summary == nullptr && size != 0) throw Error("amdahl_tune_run: summary is null with size > 0");
    const std::string where = path != nullptr ? path : amdahl::WisdomPath();
    const auto tuner = amdahl_tune::TuneAndSave(o, where, options->curves != 0);
    std::string text;
    if (options->summary_json != 0) {
      text = amdahl_tune::SummaryJson(tuner->wisdom(), tuner->rows(), tuner->curves(), where);
    } else {
      text = amdahl_tune::FormatTable(tuner->rows());
      if (options->curves != 0) {
        text += "\n" + amdahl_tune::FormatAmdahl(tuner->curves(), tuner->wisdom());
      }
    }
    CopyOut(text, summary, size, length);
  });
}

amdahl_status amdahl_config(const char* kernel, amdahl_dtype dtype, const size_t* shape,
                            size_t ndim, char* buf, size_t buf_size, size_t* length) {
  return Guard([&] {
    const char* fn = "amdahl_config";
    const amdahl::Kernel k = CheckKernel(fn, kernel);
    const DType t = CheckDType(fn, dtype);
    const size_t want = k == amdahl::Kernel::kGemm ? 3 : k == amdahl::Kernel::kGemv ? 2 : 1;
    if (ndim != want) {
      throw Error(std::string(fn) + ": ndim = " + std::to_string(ndim) + " but " + kernel +
                  " takes a shape of " + std::to_string(want) +
                  (want == 3 ? " (m, n, k)" : want == 2 ? " (rows, cols)" : " (n)"));
    }
    if (shape == nullptr) throw Error(std::string(fn) + ": shape is null");
    if (buf == nullptr && buf_size != 0) throw Error(std::string(fn) + ": buf is null with buf_size > 0");
    CopyOut(ConfigJson(k, t, std::vector<size_t>(shape, shape + ndim)), buf, buf_size, length);
  });
}

amdahl_status amdahl_speedup(const char* kernel, amdahl_dtype dtype, size_t n,
                             size_t max_threads, char* buf, size_t buf_size, size_t* length) {
  return Guard([&] {
    const char* fn = "amdahl_speedup";
    const amdahl::Kernel k = CheckKernel(fn, kernel);
    const DType t = CheckDType(fn, dtype);
    if (n == 0) throw Error(std::string(fn) + ": n = 0; a speedup needs work to time");
    if (buf == nullptr && buf_size != 0) throw Error(std::string(fn) + ": buf is null with buf_size > 0");
    amdahl_tune::Ceilings ceilings;
    std::string from;
    const amdahl_tune::Curve c = amdahl_tune::MeasureSpeedup(k, t, n, max_threads, &ceilings, &from);
    CopyOut(amdahl_tune::SpeedupJson(c, ceilings, from), buf, buf_size, length);
  });
}

amdahl_status amdahl_tune_validate(const char* path, int* ok) {
  return Guard([&] {
    if (ok == nullptr) throw Error("amdahl_tune_validate: ok is null");
    std::string why;
    *ok = amdahl_tune::ValidateSaved(amdahl_tune::Options(),
                                     path != nullptr ? path : amdahl::WisdomPath(), &why)
              ? 1
              : 0;
  });
}

}  // extern "C"
