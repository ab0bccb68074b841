// The registry of cases shared by amdahl-tune and amdahl-bench.
#include "autotune/cases.h"

#include <cmath>
#include <string>

#include "amdahl/amdahl.h"

namespace amdahl_cases {
namespace {

using amdahl::DType;
using amdahl::Kernel;

// Scale, Axpy, Add, Triad, Sum, Dot over n elements.
template <typename T>
class StreamCase : public Case {
 public:
  StreamCase(Kernel kernel, size_t n)
      : kernel_(kernel), n_(n), x_(RandomVector<T>(n, 1)), y_(RandomVector<T>(n, 2)), z_(n) {}
  void Run() override {
    switch (kernel_) {
      case Kernel::kScale: amdahl::Scale(n_, T(3), x_.data(), y_.data()); break;
      // a = 0 keeps y bounded however often it runs.
      case Kernel::kAxpy: amdahl::Axpy(n_, T(0), x_.data(), y_.data()); break;
      case Kernel::kAdd: amdahl::Add(n_, x_.data(), y_.data(), z_.data()); break;
      case Kernel::kTriad: amdahl::Triad(n_, x_.data(), T(3), y_.data(), z_.data()); break;
      case Kernel::kSum: sink_ = amdahl::Sum(n_, x_.data()); break;
      case Kernel::kDot: sink_ = amdahl::Dot(n_, x_.data(), y_.data()); break;
      default: break;
    }
  }

 private:
  Kernel kernel_;
  size_t n_;
  AlignedVector<T> x_, y_, z_;
  volatile T sink_ = T(0);  // the result, kept so the call is not elided
};

// y = A x with A n x n, row-major.
template <typename T>
class GemvCase : public Case {
 public:
  explicit GemvCase(size_t n)
      : n_(n), a_(RandomVector<T>(n * n, 1)), x_(RandomVector<T>(n, 2)), y_(n) {}
  void Run() override {
    amdahl::Gemv(amdahl::Trans::kNo, n_, n_, T(1), a_.data(), n_, x_.data(), T(0), y_.data());
  }

 private:
  size_t n_;
  AlignedVector<T> a_, x_, y_;
};

// C = A B with n x n row-major matrices.
template <typename T>
class GemmCase : public Case {
 public:
  explicit GemmCase(size_t n)
      : n_(n), a_(RandomVector<T>(n * n, 1)), b_(RandomVector<T>(n * n, 2)), c_(n * n) {}
  void Run() override {
    amdahl::Gemm(amdahl::Trans::kNo, amdahl::Trans::kNo, n_, n_, n_, T(1), a_.data(), n_,
                 b_.data(), n_, T(0), c_.data(), n_);
  }

 private:
  size_t n_;
  AlignedVector<T> a_, b_, c_;
};

template <Kernel K>
std::unique_ptr<Case> MakeStream(DType dtype, size_t n) {
  return amdahl::VisitDType(dtype, [n](auto tag) -> std::unique_ptr<Case> {
    return std::make_unique<StreamCase<typename decltype(tag)::type>>(K, n);
  });
}

template <Kernel K>
double StreamBytes(DType dtype, size_t n) {
  return static_cast<double>(amdahl::BytesPerElement(K, dtype)) * static_cast<double>(n);
}

size_t Elements(size_t elements) { return elements; }
size_t Side(size_t elements) {
  return std::max<size_t>(1, static_cast<size_t>(std::llround(std::sqrt(static_cast<double>(elements)))));
}

std::vector<size_t> StreamSizes() {
  // 1 Ki to 64 Mi elements, and the notebook's f(k) = 2k over 20,000 items.
  std::vector<size_t> sizes;
  for (size_t n = size_t{1} << 10; n <= (size_t{1} << 26); n <<= 2) sizes.push_back(n);
  sizes.push_back(20000);
  return sizes;
}

template <Kernel K>
CaseKind Stream() {
  return {K, "GBps", &StreamBytes<K>, &Elements, &MakeStream<K>, StreamSizes(), false};
}

}  // namespace

const std::vector<CaseKind>& Kinds() {
  static const std::vector<CaseKind> kinds = {
      Stream<Kernel::kScale>(),
      Stream<Kernel::kAxpy>(),
      Stream<Kernel::kAdd>(),
      Stream<Kernel::kTriad>(),
      Stream<Kernel::kSum>(),
      Stream<Kernel::kDot>(),
      {Kernel::kGemv, "GBps",
       [](DType dtype, size_t n) {
         // A once, x and y: what a matrix-vector product must move.
         return static_cast<double>(amdahl::DTypeSize(dtype)) * static_cast<double>(n * n + 2 * n);
       },
       &Side,
       [](DType dtype, size_t n) {
         return amdahl::VisitDType(dtype, [n](auto tag) -> std::unique_ptr<Case> {
           return std::make_unique<GemvCase<typename decltype(tag)::type>>(n);
         });
       },
       {64, 256, 1024, 4096, 8192}, true},
      {Kernel::kGemm, "GFLOPS",
       [](DType, size_t n) { return 2.0 * static_cast<double>(n) * n * n; },
       [](size_t elements) { return static_cast<size_t>(std::llround(std::cbrt(static_cast<double>(elements)))); },
       [](DType dtype, size_t n) {
         return amdahl::VisitDType(dtype, [n](auto tag) -> std::unique_ptr<Case> {
           return std::make_unique<GemmCase<typename decltype(tag)::type>>(n);
         });
       },
       // (20 and 50: widths that are not whole vectors, the ragged edges.)
       {20, 32, 50, 64, 128, 256, 512, 1024, 2048}, true},
  };
  return kinds;
}

Work WorkOf(Kernel kernel, DType dtype, size_t size) {
  const CaseKind& kind = KindOf(kernel);
  Work w;
  w.rate_in_bytes = std::string(kind.unit) == "GBps";
  if (w.rate_in_bytes) {
    w.bytes = kind.work(dtype, size);
  } else {
    // GEMM: A and B read, C written, each once at best.
    w.flops = kind.work(dtype, size);
    w.bytes = 3.0 * static_cast<double>(amdahl::DTypeSize(dtype)) * static_cast<double>(size) *
              static_cast<double>(size);
  }
  return w;
}

const CaseKind& KindOf(Kernel kernel) {
  for (const CaseKind& k : Kinds()) {
    if (k.kernel == kernel) return k;
  }
  throw amdahl::Error(std::string("amdahl_cases::KindOf: kernel = ") +
                      amdahl::KernelName(kernel) + " has no case");
}

}  // namespace amdahl_cases
