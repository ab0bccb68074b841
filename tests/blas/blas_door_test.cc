// libamdahl_blas against the reference BLAS (netlib's, Debian's libblas3,
// loaded with dlopen beside it): the same results within the error bound for
// every transpose, layout, stride (negative and zero where BLAS allows
// them), alpha and beta; the same xerbla_ reports for bad arguments; beta
// == 0 never reads the output.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

// The door's symbols, linked directly.
extern "C" {
void sgemm_(const char*, const char*, const int*, const int*, const int*, const float*,
            const float*, const int*, const float*, const int*, const float*, float*, const int*);
void dgemm_(const char*, const char*, const int*, const int*, const int*, const double*,
            const double*, const int*, const double*, const int*, const double*, double*,
            const int*);
void sgemv_(const char*, const int*, const int*, const float*, const float*, const int*,
            const float*, const int*, const float*, float*, const int*);
void dgemv_(const char*, const int*, const int*, const double*, const double*, const int*,
            const double*, const int*, const double*, double*, const int*);
float sdot_(const int*, const float*, const int*, const float*, const int*);
double ddot_(const int*, const double*, const int*, const double*, const int*);
void saxpy_(const int*, const float*, const float*, const int*, float*, const int*);
void daxpy_(const int*, const double*, const double*, const int*, double*, const int*);
void sscal_(const int*, const float*, float*, const int*);
void dscal_(const int*, const double*, double*, const int*);
void cblas_dgemm(int, int, int, int, int, int, double, const double*, int, const double*, int,
                 double, double*, int);
void cblas_sgemv(int, int, int, int, float, const float*, int, const float*, int, float,
                 float*, int);
double cblas_ddot(int, const double*, int, const double*, int);

// Every BLAS error report of this process lands here (the door's and the
// reference library's alike): the program's own xerbla_, as BLAS allows.
struct XerblaCall {
  std::string name;
  int info;
};
std::vector<XerblaCall> g_xerbla;
void xerbla_(const char* name, const int* info, size_t len) {
  std::string n(name, len);
  while (!n.empty() && n.back() == ' ') n.pop_back();
  g_xerbla.push_back({n, *info});
}
}

namespace {

constexpr int kRowMajor = 101, kColMajor = 102, kNoTrans = 111, kTrans = 112;

// The reference BLAS, its symbols looked up by name.
class Reference {
 public:
  Reference() {
    for (const char* path : {"/usr/lib/x86_64-linux-gnu/blas/libblas.so.3",
                             "/usr/lib/blas/libblas.so.3"}) {
      handle_ = dlopen(path, RTLD_NOW | RTLD_LOCAL);
      if (handle_ != nullptr) {
        path_ = path;
        break;
      }
    }
  }
  bool ok() const { return handle_ != nullptr; }
  const std::string& path() const { return path_; }
  template <typename F>
  F Get(const char* name) const {
    auto f = reinterpret_cast<F>(dlsym(handle_, name));
    EXPECT_NE(nullptr, reinterpret_cast<void*>(f)) << name;
    return f;
  }

 private:
  void* handle_ = nullptr;
  std::string path_;
};

const Reference& Ref() {
  static const Reference r;
  return r;
}

#define REQUIRE_REFERENCE()                                                              \
  if (!Ref().ok()) GTEST_FAIL() << "the reference BLAS (Debian's libblas3) is not installed"

template <typename T>
std::vector<T> Random(size_t n, std::mt19937_64& rng) {
  std::vector<T> v(n);
  for (auto& x : v) x = std::uniform_real_distribution<T>(-1, 1)(rng);
  return v;
}

// |got - want| within twice (k + 2) u times the terms' magnitude, which is
// at most 2 (k + 2) here (inputs in [-1, 1], |alpha| <= 1.5, |beta| <= 1):
// both results are within the error bound of the exact one.
template <typename T>
void ExpectClose(const std::vector<T>& got, const std::vector<T>& want, double terms,
                 const std::string& what) {
  ASSERT_EQ(want.size(), got.size());
  const double u = std::numeric_limits<T>::epsilon() / 2;
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i])) {
      ASSERT_TRUE(std::isnan(got[i])) << what << " at " << i;
      continue;
    }
    ASSERT_NEAR(got[i], want[i], 2 * (terms + 2) * u * 2 * (terms + 2) + 1e-30)
        << what << " at " << i;
  }
}

template <typename T>
using FGemm = void (*)(const char*, const char*, const int*, const int*, const int*, const T*,
                       const T*, const int*, const T*, const int*, const T*, T*, const int*);

template <typename T>
void GemmAgainstReference(FGemm<T> mine, const char* ref_name) {
  REQUIRE_REFERENCE();
  auto ref = Ref().Get<FGemm<T>>(ref_name);
  std::mt19937_64 rng(5);
  const int dims[] = {0, 1, 3, 17, 70};
  int r = 0;
  for (char ta : {'N', 't', 'C'}) {
    for (char tb : {'n', 'T'}) {
      for (int m : dims) {
        for (int n : dims) {
          for (int k : dims) {
            ++r;
            const T alpha = (r % 3 == 0) ? T(0) : T(0.7);
            const T beta = (r % 4 == 0) ? T(0) : (r % 4 == 1 ? T(1) : T(-0.3));
            const int pad = r % 3;
            const int arows = ta == 'N' ? m : k, brows = (tb == 'n') ? k : n;
            const int lda = std::max(1, arows) + pad, ldb = std::max(1, brows) + pad;
            const int ldc = std::max(1, m) + pad;
            const auto a = Random<T>(static_cast<size_t>(lda) * std::max(1, ta == 'N' ? k : m), rng);
            const auto b = Random<T>(static_cast<size_t>(ldb) * std::max(1, (tb == 'n') ? n : k), rng);
            auto c = Random<T>(static_cast<size_t>(ldc) * std::max(1, n), rng);
            if (beta == T(0)) {
              for (auto& x : c) x = std::numeric_limits<T>::quiet_NaN();
            }
            auto want = c;
            mine(&ta, &tb, &m, &n, &k, &alpha, a.data(), &lda, b.data(), &ldb, &beta, c.data(), &ldc);
            ref(&ta, &tb, &m, &n, &k, &alpha, a.data(), &lda, b.data(), &ldb, &beta, want.data(), &ldc);
            // Padding rows of C are NaN in both when beta == 0 (never
            // written); the rest is finite in both.
            ExpectClose(c, want, k, std::string(ref_name) + " " + ta + tb + " m=" +
                                        std::to_string(m) + " n=" + std::to_string(n) +
                                        " k=" + std::to_string(k));
            if (::testing::Test::HasFatalFailure()) return;
          }
        }
      }
    }
  }
}

TEST(BlasDoor, SgemmMatchesTheReference) { GemmAgainstReference<float>(sgemm_, "sgemm_"); }
TEST(BlasDoor, DgemmMatchesTheReference) { GemmAgainstReference<double>(dgemm_, "dgemm_"); }

template <typename T>
using FGemv = void (*)(const char*, const int*, const int*, const T*, const T*, const int*,
                       const T*, const int*, const T*, T*, const int*);

template <typename T>
void GemvAgainstReference(FGemv<T> mine, const char* ref_name) {
  REQUIRE_REFERENCE();
  auto ref = Ref().Get<FGemv<T>>(ref_name);
  std::mt19937_64 rng(9);
  int r = 0;
  for (char t : {'N', 'T', 'c'}) {
    for (int m : {0, 1, 5, 33, 130}) {
      for (int n : {0, 1, 4, 31, 129}) {
        for (int incx : {1, 2, -1, -3}) {
          for (int incy : {1, 3, -2}) {
            ++r;
            const T alpha = (r % 5 == 0) ? T(0) : T(1.5);
            const T beta = (r % 3 == 0) ? T(0) : T(0.5);
            const int lda = std::max(1, m) + r % 2;
            const int lenx = t == 'N' ? n : m, leny = t == 'N' ? m : n;
            const auto a = Random<T>(static_cast<size_t>(lda) * std::max(1, n), rng);
            const auto x = Random<T>(static_cast<size_t>(1 + (std::max(lenx, 1) - 1) * std::abs(incx)), rng);
            auto y = Random<T>(static_cast<size_t>(1 + (std::max(leny, 1) - 1) * std::abs(incy)), rng);
            auto want = y;
            mine(&t, &m, &n, &alpha, a.data(), &lda, x.data(), &incx, &beta, y.data(), &incy);
            ref(&t, &m, &n, &alpha, a.data(), &lda, x.data(), &incx, &beta, want.data(), &incy);
            ExpectClose(y, want, std::max(m, n), std::string(ref_name) + " " + t + " m=" +
                                                     std::to_string(m) + " n=" + std::to_string(n) +
                                                     " incx=" + std::to_string(incx) +
                                                     " incy=" + std::to_string(incy));
            if (::testing::Test::HasFatalFailure()) return;
          }
        }
      }
    }
  }
}

TEST(BlasDoor, SgemvMatchesTheReference) { GemvAgainstReference<float>(sgemv_, "sgemv_"); }
TEST(BlasDoor, DgemvMatchesTheReference) { GemvAgainstReference<double>(dgemv_, "dgemv_"); }

template <typename T>
void Level1AgainstReference(T (*dot)(const int*, const T*, const int*, const T*, const int*),
                            void (*axpy)(const int*, const T*, const T*, const int*, T*, const int*),
                            void (*scal)(const int*, const T*, T*, const int*), const char* p) {
  REQUIRE_REFERENCE();
  const std::string s(p);
  auto rdot = Ref().Get<decltype(dot)>((s + "dot_").c_str());
  auto raxpy = Ref().Get<decltype(axpy)>((s + "axpy_").c_str());
  auto rscal = Ref().Get<decltype(scal)>((s + "scal_").c_str());
  std::mt19937_64 rng(13);
  for (int n : {0, 1, 7, 100, 5000}) {
    for (int incx : {1, 3, -2, 0}) {
      for (int incy : {1, -1, 2}) {
        const auto x = Random<T>(static_cast<size_t>(1 + (std::max(n, 1) - 1) * std::abs(incx)), rng);
        auto y = Random<T>(static_cast<size_t>(1 + (std::max(n, 1) - 1) * std::abs(incy)), rng);
        const std::string where = s + " n=" + std::to_string(n) + " incx=" + std::to_string(incx) +
                                  " incy=" + std::to_string(incy);
        const T d = dot(&n, x.data(), &incx, y.data(), &incy);
        const T rd = rdot(&n, x.data(), &incx, y.data(), &incy);
        EXPECT_NEAR(d, rd, (n + 2) * std::numeric_limits<T>::epsilon() * n) << where;
        const T alpha = T(-0.25);
        auto want = y;
        axpy(&n, &alpha, x.data(), &incx, y.data(), &incy);
        raxpy(&n, &alpha, x.data(), &incx, want.data(), &incy);
        ExpectClose(y, want, 1, "axpy " + where);
        auto z = x, zwant = x;
        scal(&n, &alpha, z.data(), &incx);
        rscal(&n, &alpha, zwant.data(), &incx);
        ExpectClose(z, zwant, 1, "scal " + where);
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
}

TEST(BlasDoor, Level1MatchesTheReference) {
  Level1AgainstReference<float>(sdot_, saxpy_, sscal_, "s");
  Level1AgainstReference<double>(ddot_, daxpy_, dscal_, "d");
}

TEST(BlasDoor, CblasMatchesTheReference) {
  REQUIRE_REFERENCE();
  using Dgemm = decltype(&cblas_dgemm);
  using Sgemv = decltype(&cblas_sgemv);
  using Ddot = decltype(&cblas_ddot);
  auto rgemm = Ref().Get<Dgemm>("cblas_dgemm");
  auto rgemv = Ref().Get<Sgemv>("cblas_sgemv");
  auto rdot = Ref().Get<Ddot>("cblas_ddot");
  std::mt19937_64 rng(21);
  for (int layout : {kRowMajor, kColMajor}) {
    for (int ta : {kNoTrans, kTrans}) {
      for (int tb : {kNoTrans, kTrans}) {
        const int m = 37, n = 29, k = 41;
        const bool row = layout == kRowMajor;
        const int arows = (ta == kNoTrans) == row ? m : k, acols = arows == m ? k : m;
        const int brows = (tb == kNoTrans) == row ? k : n, bcols = brows == k ? n : k;
        const int lda = acols + 2, ldb = bcols + 1, ldc = (row ? n : m) + 3;
        const auto a = Random<double>(static_cast<size_t>(arows * lda), rng);
        const auto b = Random<double>(static_cast<size_t>(brows * ldb), rng);
        auto c = Random<double>(static_cast<size_t>((row ? m : n) * ldc), rng);
        auto want = c;
        cblas_dgemm(layout, ta, tb, m, n, k, 0.5, a.data(), lda, b.data(), ldb, 2.0, c.data(), ldc);
        rgemm(layout, ta, tb, m, n, k, 0.5, a.data(), lda, b.data(), ldb, 2.0, want.data(), ldc);
        ExpectClose(c, want, k, "cblas_dgemm");
      }
    }
    for (int t : {kNoTrans, kTrans}) {
      const int m = 45, n = 19, lda = (layout == kRowMajor ? n : m) + 1;
      const auto a = Random<float>(static_cast<size_t>((layout == kRowMajor ? m : n) * lda), rng);
      const auto x = Random<float>(static_cast<size_t>(2 * std::max(m, n)), rng);
      auto y = Random<float>(static_cast<size_t>(3 * std::max(m, n)), rng);
      auto want = y;
      cblas_sgemv(layout, t, m, n, 1.0f, a.data(), lda, x.data(), -2, 0.5f, y.data(), 3);
      rgemv(layout, t, m, n, 1.0f, a.data(), lda, x.data(), -2, 0.5f, want.data(), 3);
      ExpectClose(y, want, std::max(m, n), "cblas_sgemv");
    }
  }
  const auto x = Random<double>(300, rng), y = Random<double>(300, rng);
  EXPECT_NEAR(cblas_ddot(100, x.data(), 3, y.data(), -2), rdot(100, x.data(), 3, y.data(), -2),
              1e-13);
}

// Bad arguments: the door reports what the reference BLAS reports, through
// the same xerbla_, and writes nothing.
TEST(BlasDoor, BadArgumentsReportLikeTheReference) {
  REQUIRE_REFERENCE();
  auto rgemm = Ref().Get<FGemm<double>>("dgemm_");
  auto rgemv = Ref().Get<FGemv<double>>("dgemv_");
  std::vector<double> a(64, 1), b(64, 1), c(64, 7);
  const double one = 1;
  struct Args {
    char ta, tb;
    int m, n, k, lda, ldb, ldc;
  };
  for (const Args& g : {Args{'X', 'N', 2, 2, 2, 2, 2, 2}, Args{'N', 'Q', 2, 2, 2, 2, 2, 2},
                        Args{'N', 'N', -1, 2, 2, 2, 2, 2}, Args{'N', 'N', 2, -1, 2, 2, 2, 2},
                        Args{'N', 'N', 2, 2, -5, 2, 2, 2}, Args{'N', 'N', 4, 2, 2, 3, 2, 4},
                        Args{'N', 'T', 2, 4, 2, 2, 3, 2}, Args{'N', 'N', 5, 2, 2, 5, 2, 4}}) {
    g_xerbla.clear();
    dgemm_(&g.ta, &g.tb, &g.m, &g.n, &g.k, &one, a.data(), &g.lda, b.data(), &g.ldb, &one,
           c.data(), &g.ldc);
    rgemm(&g.ta, &g.tb, &g.m, &g.n, &g.k, &one, a.data(), &g.lda, b.data(), &g.ldb, &one,
          c.data(), &g.ldc);
    ASSERT_EQ(2u, g_xerbla.size());
    EXPECT_EQ("DGEMM", g_xerbla[0].name);
    EXPECT_EQ(g_xerbla[1].name, g_xerbla[0].name);
    EXPECT_EQ(g_xerbla[1].info, g_xerbla[0].info);
  }
  for (int inc : {0, 1}) {
    g_xerbla.clear();
    const int m = 3, n = 3, lda = 3, zero = 0;
    const char t = 'N';
    dgemv_(&t, &m, &n, &one, a.data(), &lda, b.data(), inc ? &zero : &inc, &one, c.data(), inc ? &zero : &lda);
    rgemv(&t, &m, &n, &one, a.data(), &lda, b.data(), inc ? &zero : &inc, &one, c.data(), inc ? &zero : &lda);
    ASSERT_EQ(2u, g_xerbla.size());
    EXPECT_EQ(g_xerbla[1].info, g_xerbla[0].info);
  }
  for (double v : c) EXPECT_EQ(7, v);
}

}  // namespace
