// The Python module's native part: numpy arrays onto the C API (the one
// door). Array handling and errors only: shapes and dtypes checked here
// (ValueError / TypeError naming the arguments), layouts passed through
// without copies where the C API can take them, the GIL released while a
// large kernel runs.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <string>
#include <vector>

#include "amdahl/amdahl_c.h"

namespace py = pybind11;

namespace {

std::string Str(const py::handle& h) { return py::str(h).cast<std::string>(); }

// Raises the Python exception for a C API status (nothing was written on
// an error status).
void Raise(amdahl_status s) {
  if (s == AMDAHL_OK) return;
  const std::string message = amdahl_last_error();
  if (s == AMDAHL_INVALID_ARGUMENT) throw py::value_error(message);
  if (s == AMDAHL_OUT_OF_MEMORY) throw std::bad_alloc();
  throw std::runtime_error(message);
}

// The C dtype of a numpy dtype; TypeError for the others.
amdahl_dtype DTypeOf(const py::dtype& dt, const char* arg) {
  const char kind = dt.kind();
  const size_t size = static_cast<size_t>(dt.itemsize());
  if (kind == 'f' && size == 4) return AMDAHL_F32;
  if (kind == 'f' && size == 8) return AMDAHL_F64;
  if (kind == 'i' && size == 4) return AMDAHL_I32;
  if (kind == 'i' && size == 8) return AMDAHL_I64;
  throw py::type_error(std::string(arg) + " has dtype " + Str(dt) +
                       "; amdahl takes float32, float64, int32 or int64");
}

py::array Array(const py::object& o, const char* arg) {
  if (o.is_none()) throw py::type_error(std::string(arg) + " is None; an array is needed");
  // An ndarray as it is: no PyArray_FromAny on every call.
  if (py::isinstance<py::array>(o)) return py::reinterpret_borrow<py::array>(o);
  return py::array::ensure(o);
}

// The dtype `b` must share with `a`.
void SameDType(const py::array& a, const char* an, const py::array& b, const char* bn) {
  if (!a.dtype().is(b.dtype()) && DTypeOf(a.dtype(), an) != DTypeOf(b.dtype(), bn)) {
    throw py::type_error(std::string(an) + " has dtype " + Str(a.dtype()) +
                         " but " + bn + " has dtype " + Str(b.dtype()));
  }
}

std::string Shape(const py::array& a) { return Str(a.attr("shape")); }

void Ndim(const py::array& a, const char* arg, py::ssize_t ndim) {
  if (a.ndim() != ndim) {
    throw py::value_error(std::string(arg) + " has " + std::to_string(a.ndim()) +
                          " dimensions " + Shape(a) + "; " + std::to_string(ndim) +
                          " expected");
  }
}

// A 1-D array as a contiguous one: itself, or a copy (made once) when strided.
py::array Vector(const py::object& o, const char* arg) {
  py::array a = Array(o, arg);
  Ndim(a, arg, 1);
  DTypeOf(a.dtype(), arg);
  if (a.strides(0) == a.itemsize() || a.shape(0) <= 1) return a;
  return py::array::ensure(a, py::array::c_style | py::array::forcecast);
}

// A 2-D operand as the C API takes it: row-major with a leading dimension
// (rows may be strided), column-major likewise, or a contiguous copy.
struct Matrix {
  py::array array;
  amdahl_layout layout;
  size_t ld;
};

Matrix MatrixOf(const py::object& o, const char* arg) {
  py::array a = Array(o, arg);
  Ndim(a, arg, 2);
  DTypeOf(a.dtype(), arg);
  const py::ssize_t item = a.itemsize(), rows = a.shape(0), cols = a.shape(1);
  const py::ssize_t s0 = a.strides(0), s1 = a.strides(1);
  if ((s1 == item || cols <= 1) && s0 > 0 && s0 % item == 0 && s0 / item >= cols) {
    return {a, AMDAHL_ROW_MAJOR, static_cast<size_t>(std::max<py::ssize_t>(s0 / item, 1))};
  }
  if ((s0 == item || rows <= 1) && s1 > 0 && s1 % item == 0 && s1 / item >= rows) {
    return {a, AMDAHL_COL_MAJOR, static_cast<size_t>(std::max<py::ssize_t>(s1 / item, 1))};
  }
  py::array c = py::array::ensure(a, py::array::c_style | py::array::forcecast);
  return {c, AMDAHL_ROW_MAJOR, static_cast<size_t>(std::max<py::ssize_t>(cols, 1))};
}

// The bytes an array may touch: [lowest, highest + itemsize) over its
// strides (negative ones included).
std::pair<uintptr_t, uintptr_t> Extent(const py::array& a) {
  uintptr_t lo = reinterpret_cast<uintptr_t>(a.data()), hi = lo;
  for (py::ssize_t d = 0; d < a.ndim(); ++d) {
    if (a.shape(d) == 0) return {lo, lo};
    const py::ssize_t span = (a.shape(d) - 1) * a.strides(d);
    if (span < 0) lo -= static_cast<uintptr_t>(-span);
    else hi += static_cast<uintptr_t>(span);
  }
  return {lo, hi + static_cast<uintptr_t>(a.itemsize())};
}

// numpy's may_share_memory (bounds only, conservative), without a call
// into Python on every kernel call.
bool MayShareMemory(const py::array& a, const py::array& b) {
  const auto [a0, a1] = Extent(a);
  const auto [b0, b1] = Extent(b);
  return a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1;
}

// `out` for a result of `shape` and the dtype of `like`: a new array, or the
// caller's, which must be C-contiguous, of that shape and dtype, and not
// share memory with the inputs (checked before anything is written).
py::array Out(const py::object& out, const py::array& like, std::vector<py::ssize_t> shape,
              std::initializer_list<py::array> inputs) {
  if (out.is_none()) return py::array(like.dtype(), shape);
  py::array o = Array(out, "out");
  SameDType(like, "the inputs", o, "out");
  if (!(o.flags() & py::array::c_style) || !o.writeable()) {
    throw py::value_error("out must be a writeable C-contiguous array");
  }
  if (static_cast<size_t>(o.ndim()) != shape.size() ||
      !std::equal(shape.begin(), shape.end(), o.shape())) {
    py::tuple want(shape.size());
    for (size_t i = 0; i < shape.size(); ++i) want[i] = py::int_(shape[i]);
    throw py::value_error("out has shape " + Shape(o) + "; the result has shape " + Str(want));
  }
  for (const py::array& in : inputs) {
    if (MayShareMemory(o, in)) {
      throw py::value_error("out shares memory with an input; the output must not alias one");
    }
  }
  return o;
}

// beta scales what `out` holds: without out there is nothing to scale.
void NeedsOut(const py::object& beta, const py::object& out) {
  if (out.is_none() && py::bool_(beta.attr("__ne__")(py::int_(0))).cast<bool>()) {
    throw py::value_error("beta = " + py::repr(beta).cast<std::string>() +
                          " scales out, but out is None");
  }
}

// The scalar `v` as one element of `dtype`, in `buf`.
struct Scalar {
  union {
    float f;
    double d;
    int32_t i;
    int64_t l;
  } u;
  Scalar(const py::object& v, amdahl_dtype dtype, const char* arg) {
    try {
      switch (dtype) {
        case AMDAHL_F32: u.f = v.cast<float>(); break;
        case AMDAHL_F64: u.d = v.cast<double>(); break;
        case AMDAHL_I32: u.i = v.cast<int32_t>(); break;
        default: u.l = v.cast<int64_t>(); break;
      }
    } catch (const py::cast_error&) {
      throw py::type_error(std::string(arg) + " = " + py::repr(v).cast<std::string>() +
                           " is not a number of the arrays' dtype");
    }
  }
  const void* ptr() const { return &u; }
};

// Runs a C API call of `work` elements (multiply-adds for GEMM), with the
// GIL released from 32 Ki on (other Python threads run meanwhile; dask's
// blocks need it). Below, the release and retake cost more than the call.
template <class F>
void Run(size_t work, const F& f) {
  constexpr size_t kReleaseGilFrom = size_t{1} << 15;
  amdahl_status s;
  if (work >= kReleaseGilFrom) {
    py::gil_scoped_release release;
    s = f();
  } else {
    s = f();
  }
  Raise(s);
}

py::array Scale(const py::object& a, const py::object& x_in, const py::object& out) {
  py::array x = Vector(x_in, "x");
  const amdahl_dtype dt = DTypeOf(x.dtype(), "x");
  const Scalar s(a, dt, "a");
  py::array y = Out(out, x, {x.shape(0)}, {x});
  const size_t n = static_cast<size_t>(x.shape(0));
  const void* xp = x.data();
  void* yp = y.mutable_data();
  Run(n, [&] { return amdahl_scale(dt, n, s.ptr(), xp, yp); });
  return y;
}

void Axpy(const py::object& a, const py::object& x_in, const py::object& y_in) {
  py::array x = Vector(x_in, "x");
  py::array y = Array(y_in, "y");
  Ndim(y, "y", 1);
  SameDType(x, "x", y, "y");
  if (!(y.flags() & py::array::c_style) || !y.writeable()) {
    throw py::value_error("y (updated in place) must be a writeable contiguous array");
  }
  if (x.shape(0) != y.shape(0)) {
    throw py::value_error("x has shape " + Shape(x) + " but y has shape " + Shape(y));
  }
  const amdahl_dtype dt = DTypeOf(x.dtype(), "x");
  const Scalar s(a, dt, "a");
  const size_t n = static_cast<size_t>(x.shape(0));
  const void* xp = x.data();
  void* yp = y.mutable_data();
  Run(n, [&] { return amdahl_axpy(dt, n, s.ptr(), xp, yp); });
}

py::array Binary(const py::object& x_in, const py::object* a,
                 const py::object& y_in, const py::object& out) {
  py::array x = Vector(x_in, "x"), y = Vector(y_in, "y");
  SameDType(x, "x", y, "y");
  if (x.shape(0) != y.shape(0)) {
    throw py::value_error("x has shape " + Shape(x) + " but y has shape " + Shape(y));
  }
  const amdahl_dtype dt = DTypeOf(x.dtype(), "x");
  py::array z = Out(out, x, {x.shape(0)}, {x, y});
  const size_t n = static_cast<size_t>(x.shape(0));
  const void *xp = x.data(), *yp = y.data();
  void* zp = z.mutable_data();
  if (a == nullptr) {
    Run(n, [&] { return amdahl_add(dt, n, xp, yp, zp); });
  } else {
    const Scalar s(*a, dt, "a");
    Run(n, [&] { return amdahl_triad(dt, n, xp, s.ptr(), yp, zp); });
  }
  return z;
}

py::object Reduce(const py::object& x_in, const py::object* y_in) {
  py::array x = Vector(x_in, "x");
  const amdahl_dtype dt = DTypeOf(x.dtype(), "x");
  // The result as a Python number, what numpy's .item() gives.
  union {
    float f;
    double d;
    int32_t i;
    int64_t l;
  } r;
  auto result = [&]() -> py::object {
    switch (dt) {
      case AMDAHL_F32: return py::float_(static_cast<double>(r.f));
      case AMDAHL_F64: return py::float_(r.d);
      case AMDAHL_I32: return py::int_(r.i);
      default: return py::int_(r.l);
    }
  };
  const size_t n = static_cast<size_t>(x.shape(0));
  const void* xp = x.data();
  void* rp = &r;
  if (y_in == nullptr) {
    Run(n, [&] { return amdahl_sum(dt, n, xp, rp); });
  } else {
    py::array y = Vector(*y_in, "y");
    SameDType(x, "x", y, "y");
    if (x.shape(0) != y.shape(0)) {
      throw py::value_error("x has shape " + Shape(x) + " but y has shape " + Shape(y));
    }
    const void* yp = y.data();
    Run(2 * n, [&] { return amdahl_dot(dt, n, xp, yp, rp); });
  }
  return result();
}

py::array Gemm(const py::object& a_in, const py::object& b_in, const py::object& alpha,
               const py::object& beta, const py::object& c_in, bool trans_a, bool trans_b) {
  Matrix a = MatrixOf(a_in, "a"), b = MatrixOf(b_in, "b");
  SameDType(a.array, "a", b.array, "b");
  const py::ssize_t m = trans_a ? a.array.shape(1) : a.array.shape(0);
  const py::ssize_t k = trans_a ? a.array.shape(0) : a.array.shape(1);
  const py::ssize_t kb = trans_b ? b.array.shape(1) : b.array.shape(0);
  const py::ssize_t n = trans_b ? b.array.shape(0) : b.array.shape(1);
  if (k != kb) {
    throw py::value_error("a has shape " + Shape(a.array) + (trans_a ? " (transposed)" : "") +
                          " and b has shape " + Shape(b.array) +
                          (trans_b ? " (transposed)" : "") + ": inner dimensions " +
                          std::to_string(k) + " and " + std::to_string(kb) + " differ");
  }
  const amdahl_dtype dt = DTypeOf(a.array.dtype(), "a");
  const Scalar al(alpha, dt, "alpha"), be(beta, dt, "beta");
  NeedsOut(beta, c_in);
  py::array c = Out(c_in, a.array, {m, n}, {a.array, b.array});
  // C is row-major; an operand stored column-major is its transpose stored
  // row-major: flip its transpose flag and pass the same buffer.
  const bool ta = trans_a != (a.layout == AMDAHL_COL_MAJOR);
  const bool tb = trans_b != (b.layout == AMDAHL_COL_MAJOR);
  const void *ap = a.array.data(), *bp = b.array.data();
  void* cp = c.mutable_data();
  const size_t lda = a.ld, ldb = b.ld, ldc = static_cast<size_t>(std::max<py::ssize_t>(n, 1));
  Run(static_cast<size_t>(m * n * k), [&] {
    return amdahl_gemm(dt, AMDAHL_ROW_MAJOR, ta ? AMDAHL_TRANS : AMDAHL_NO_TRANS,
                       tb ? AMDAHL_TRANS : AMDAHL_NO_TRANS, static_cast<size_t>(m),
                       static_cast<size_t>(n), static_cast<size_t>(k), al.ptr(), ap, lda, bp,
                       ldb, be.ptr(), cp, ldc);
  });
  return c;
}

py::array Gemv(const py::object& a_in, const py::object& x_in, const py::object& alpha,
               const py::object& beta, const py::object& y_in, bool trans) {
  Matrix a = MatrixOf(a_in, "a");
  py::array x = Vector(x_in, "x");
  SameDType(a.array, "a", x, "x");
  const py::ssize_t rows = a.array.shape(0), cols = a.array.shape(1);
  const py::ssize_t nx = trans ? rows : cols, ny = trans ? cols : rows;
  if (x.shape(0) != nx) {
    throw py::value_error("a has shape " + Shape(a.array) + (trans ? " (transposed)" : "") +
                          " but x has shape " + Shape(x));
  }
  const amdahl_dtype dt = DTypeOf(a.array.dtype(), "a");
  const Scalar al(alpha, dt, "alpha"), be(beta, dt, "beta");
  NeedsOut(beta, y_in);
  py::array y = Out(y_in, a.array, {ny}, {a.array, x});
  // The C API takes the stored layout: column-major A is passed as such.
  const void *ap = a.array.data(), *xp = x.data();
  void* yp = y.mutable_data();
  const size_t lda = a.ld;
  const amdahl_layout layout = a.layout;
  Run(static_cast<size_t>(rows * cols), [&] {
    return amdahl_gemv(dt, layout, trans ? AMDAHL_TRANS : AMDAHL_NO_TRANS,
                       static_cast<size_t>(rows), static_cast<size_t>(cols), al.ptr(), ap, lda,
                       xp, be.ptr(), yp);
  });
  return y;
}

py::dict Topology() {
  amdahl_topology t;
  Raise(amdahl_get_topology(&t));
  py::dict d;
  d["cpu_model"] = std::string(t.cpu_model);
  d["target"] = std::string(t.target);
  d["usable_cpus"] = t.usable_cpus;
  d["usable_cores"] = t.usable_cores;
  d["smt"] = t.smt;
  d["clusters"] = t.clusters;
  d["l1d_bytes"] = t.l1d_bytes;
  d["l2_bytes"] = t.l2_bytes;
  d["l3_bytes"] = t.l3_bytes;
  return d;
}

// A dtype given as numpy would take it (np.float32, "float64", "i4") or by
// amdahl's names ("f32", "i64").
amdahl_dtype DTypeArg(const py::object& o) {
  if (py::isinstance<py::str>(o)) {
    const std::string name = o.cast<std::string>();
    for (auto [n, t] : {std::pair{"f32", AMDAHL_F32}, std::pair{"f64", AMDAHL_F64},
                        std::pair{"i32", AMDAHL_I32}, std::pair{"i64", AMDAHL_I64}}) {
      if (name == n) return t;
    }
  }
  py::dtype dt;
  try {
    dt = py::dtype::from_args(o);
  } catch (const py::error_already_set&) {
    throw py::type_error("dtype = " + py::repr(o).cast<std::string>() + " is not a dtype");
  }
  return DTypeOf(dt, "dtype");
}

// The C API's text answers, the GIL released: called again with a longer
// buffer when the first is short, unless the call must not run twice.
template <class F>
std::string Text(const F& call, size_t first = 4096, bool again = true) {
  std::string buf(first, '\0');
  size_t length = 0;
  amdahl_status s;
  {
    py::gil_scoped_release release;
    s = call(buf.data(), buf.size(), &length);
    if (s == AMDAHL_OK && length >= buf.size()) {
      if (!again) throw std::runtime_error("the answer is longer than " + std::to_string(first) + " bytes");
      buf.assign(length + 1, '\0');
      s = call(buf.data(), buf.size(), &length);
    }
  }
  Raise(s);
  buf.resize(length);
  return buf;
}

std::string Config(const std::string& kernel, const py::object& dtype,
                   const std::vector<size_t>& shape) {
  const amdahl_dtype dt = DTypeArg(dtype);
  return Text([&](char* b, size_t size, size_t* length) {
    return amdahl_config(kernel.c_str(), dt, shape.data(), shape.size(), b, size, length);
  });
}

std::string Speedup(const std::string& kernel, const py::object& dtype, size_t n,
                    size_t max_threads) {
  const amdahl_dtype dt = DTypeArg(dtype);
  return Text([&](char* b, size_t size, size_t* length) {
    return amdahl_speedup(kernel.c_str(), dt, n, max_threads, b, size, length);
  });
}

// The tuner's progress calls back into Python (with the GIL); an exception
// there (KeyboardInterrupt included) cancels the tune and is raised again
// once it has stopped.
struct ProgressContext {
  py::object callback;
  py::object error_type, error_value, error_trace;
};

int ProgressTrampoline(const char* what, size_t done, size_t total, double left, void* user) {
  auto* ctx = static_cast<ProgressContext*>(user);
  py::gil_scoped_acquire acquire;
  try {
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    if (!ctx->callback.is_none()) ctx->callback(what, done, total, left);
    return 0;
  } catch (py::error_already_set& e) {
    ctx->error_type = e.type();
    ctx->error_value = e.value();
    ctx->error_trace = e.trace();
    return 1;
  }
}

std::string Tune(double budget, int effort, const std::string& kernels,
                 const std::string& dtypes, bool curves, const py::object& path,
                 const py::object& progress) {
  ProgressContext ctx{progress, {}, {}, {}};
  amdahl_tune_options o;
  amdahl_tune_options_init(&o);
  o.budget_s = budget;
  o.effort = effort;
  o.kernels = kernels.c_str();
  o.dtypes = dtypes.c_str();
  o.curves = curves ? 1 : 0;
  o.summary_json = 1;
  o.progress = &ProgressTrampoline;
  o.progress_user = &ctx;
  const std::string where = path.is_none() ? std::string() : Str(path);
  try {
    // The tune runs once: its summary (a few KiB) gets room enough.
    return Text([&](char* b, size_t size, size_t* length) {
      return amdahl_tune_run(&o, path.is_none() ? nullptr : where.c_str(), b, size, length);
    }, size_t{1} << 22, false);
  } catch (...) {
    if (ctx.error_type) {
      PyErr_Restore(ctx.error_type.release().ptr(), ctx.error_value.release().ptr(),
                    ctx.error_trace.release().ptr());
      throw py::error_already_set();
    }
    throw;
  }
}

}  // namespace

PYBIND11_MODULE(_amdahl, m) {
  m.doc() = "amdahl's kernels on numpy arrays (through the C API)";
  m.def("scale", &Scale, py::arg("a"), py::arg("x"), py::arg("out") = py::none(),
        "out = a * x");
  m.def("axpy", &Axpy, py::arg("a"), py::arg("x"), py::arg("y"), "y += a * x, in place");
  m.def("add", [](const py::object& x, const py::object& y, const py::object& out) {
    return Binary(x, nullptr, y, out);
  }, py::arg("x"), py::arg("y"), py::arg("out") = py::none(), "out = x + y");
  m.def("triad", [](const py::object& x, const py::object& a, const py::object& y,
                    const py::object& out) { return Binary(x, &a, y, out); },
        py::arg("x"), py::arg("a"), py::arg("y"), py::arg("out") = py::none(),
        "out = x + a * y");
  m.def("sum", [](const py::object& x) { return Reduce(x, nullptr); }, py::arg("x"),
        "the sum of x (the same bits for any thread count)");
  m.def("dot", [](const py::object& x, const py::object& y) { return Reduce(x, &y); },
        py::arg("x"), py::arg("y"), "x . y");
  m.def("gemm", &Gemm, py::arg("a"), py::arg("b"), py::arg("alpha") = 1, py::arg("beta") = 0,
        py::arg("out") = py::none(), py::arg("trans_a") = false, py::arg("trans_b") = false,
        "out = alpha op(a) op(b) + beta out");
  m.def("gemv", &Gemv, py::arg("a"), py::arg("x"), py::arg("alpha") = 1, py::arg("beta") = 0,
        py::arg("out") = py::none(), py::arg("trans") = false,
        "out = alpha op(a) x + beta out");
  m.def("num_threads", [] { return amdahl_get_num_threads(); },
        "the threads amdahl's kernels use (process-wide)");
  m.def("set_num_threads", [](size_t n) { Raise(amdahl_set_num_threads(n)); }, py::arg("n"),
        "sets the process-wide thread count; 0: back to the environment");
  m.def("topology", &Topology, "what this process may use");
  m.def("_config", &Config, py::arg("kernel"), py::arg("dtype"), py::arg("shape"));
  m.def("_speedup", &Speedup, py::arg("kernel"), py::arg("dtype"), py::arg("n"),
        py::arg("max_threads"));
  m.def("_tune", &Tune, py::arg("budget"), py::arg("effort"), py::arg("kernels"),
        py::arg("dtypes"), py::arg("curves"), py::arg("path"), py::arg("progress"));
  m.def("_wisdom_path", [] {
    return Text([](char* b, size_t size, size_t* length) {
      return amdahl_wisdom_path(b, size, length);
    });
  });
  m.def("_set_wisdom_path", [](const std::string& path) {
    int found = 0;
    Raise(amdahl_set_wisdom_path(path.c_str(), &found));
    return found != 0;
  }, py::arg("path"));
  m.attr("__version__") = amdahl_get_version();
}
