// Bad input at every public entry point: an amdahl::Error whose message
// names the function and the argument, and every buffer untouched. Buffers
// live in one arena filled with canary values, so a write anywhere (inside
// an operand, before it or after it) shows.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "amdahl/amdahl.h"
#include "amdahl/parallel_map-inl.h"
#include "tests/test_util.h"

namespace amdahl {
namespace {

constexpr size_t kHuge = std::numeric_limits<size_t>::max() / 2;

template <typename T>
class Arena {
 public:
  explicit Arena(size_t n) : data_(n) {
    for (size_t i = 0; i < n; ++i) data_[i] = static_cast<T>(1000 + 7 * (i % 101));
    saved_ = data_;
  }
  T* at(size_t i) { return data_.data() + i; }
  bool Untouched() const {
    return std::memcmp(data_.data(), saved_.data(), data_.size() * sizeof(T)) == 0;
  }

 private:
  std::vector<T> data_, saved_;
};

// Runs `call`, which must throw amdahl::Error with every needle in its
// message, and leave the arena as it was.
template <typename T, typename F>
void ExpectRejected(const Arena<T>& arena, F call, std::vector<std::string> needles) {
  std::string what;
  try {
    call();
  } catch (const Error& e) {
    what = e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not an amdahl::Error: " << e.what();
  }
  if (what.empty()) ADD_FAILURE() << "accepted; expected: " << needles[0];
  for (const std::string& needle : needles) {
    EXPECT_NE(std::string::npos, what.find(needle)) << "'" << needle << "' not in: " << what;
  }
  EXPECT_TRUE(arena.Untouched()) << "written despite the error: " << needles[0];
}

template <typename T>
class BadInput : public ::testing::Test {};
TYPED_TEST_SUITE(BadInput, amdahl_test::AllDTypes, amdahl_test::DTypeNames);

TYPED_TEST(BadInput, Elementwise) {
  using T = TypeParam;
  Arena<T> ar(1000);
  T* x = ar.at(100);
  T* y = ar.at(400);
  T* z = ar.at(700);
  const T* no = nullptr;
  T* none = nullptr;
  const T a = T(2);
  // Null pointers with n > 0.
  ExpectRejected(ar, [&] { Scale(10, a, no, y); }, {"Scale: x is null", "10 elements"});
  ExpectRejected(ar, [&] { Scale(10, a, x, none); }, {"Scale: y is null"});
  ExpectRejected(ar, [&] { Axpy(10, a, no, y); }, {"Axpy: x is null"});
  ExpectRejected(ar, [&] { Axpy(10, a, x, none); }, {"Axpy: y is null"});
  ExpectRejected(ar, [&] { Add(10, no, y, z); }, {"Add: x is null"});
  ExpectRejected(ar, [&] { Add(10, x, no, z); }, {"Add: y is null"});
  ExpectRejected(ar, [&] { Add(10, x, y, none); }, {"Add: z is null"});
  ExpectRejected(ar, [&] { Triad(10, no, a, y, z); }, {"Triad: x is null"});
  ExpectRejected(ar, [&] { Triad(10, x, a, no, z); }, {"Triad: y is null"});
  ExpectRejected(ar, [&] { Triad(10, x, a, y, none); }, {"Triad: z is null"});
  // Sizes whose byte count overflows.
  ExpectRejected(ar, [&] { Scale(kHuge, a, x, y); }, {"Scale: n = ", "too large"});
  ExpectRejected(ar, [&] { Axpy(kHuge, a, x, y); }, {"Axpy: n = "});
  ExpectRejected(ar, [&] { Add(kHuge, x, y, z); }, {"Add: n = "});
  ExpectRejected(ar, [&] { Triad(kHuge, x, a, y, z); }, {"Triad: n = "});
  // Outputs that overlap an input without being it.
  ExpectRejected(ar, [&] { Scale(50, a, x, x + 1); }, {"Scale: y overlaps x shifted by 1 element;"});
  ExpectRejected(ar, [&] { Axpy(50, a, x + 3, x); }, {"Axpy: y overlaps x shifted by 3 elements back"});
  ExpectRejected(ar, [&] { Add(50, x, y, x + 49); }, {"Add: z overlaps x"});
  ExpectRejected(ar, [&] { Add(50, x, y, y + 1); }, {"Add: z overlaps y"});
  ExpectRejected(ar, [&] { Triad(50, x, a, y, x + 2); }, {"Triad: z overlaps x"});
  ExpectRejected(ar, [&] { Triad(50, x, a, y, y - 2); }, {"Triad: z overlaps y"});
  // Accepted: n == 0 with null pointers, and in place.
  Scale(0, a, no, none);
  Triad(0, no, a, no, none);
  EXPECT_TRUE(ar.Untouched());
  Scale(50, T(1), x, x);
  EXPECT_TRUE(ar.Untouched());
}

TYPED_TEST(BadInput, Reductions) {
  using T = TypeParam;
  Arena<T> ar(300);
  const T* x = ar.at(10);
  const T* no = nullptr;
  ExpectRejected(ar, [&] { Sum(10, no); }, {"Sum: x is null"});
  ExpectRejected(ar, [&] { Dot(10, no, x); }, {"Dot: x is null"});
  ExpectRejected(ar, [&] { Dot(10, x, no); }, {"Dot: y is null"});
  ExpectRejected(ar, [&] { Sum(kHuge, x); }, {"Sum: n = "});
  ExpectRejected(ar, [&] { Dot(kHuge, x, x); }, {"Dot: n = "});
  EXPECT_EQ(T(0), Sum(0, no));
  EXPECT_EQ(T(0), Dot(0, no, no));
}

// Gemm's rejections, through `gemm(ta, tb, m, n, k, a, lda, b, ldb, c, ldc,
// layout)`, a call to make: Gemm itself, or a GemmPlan made and run. `fn`:
// who names a bad shape (Gemm, or GemmPlan at its creation); a bad pointer
// is Gemm's at every call.
template <typename T, class MakeCall>
void ExpectGemmRejections(const Arena<T>& ar, const T* a, const T* b, T* c, const MakeCall& gemm,
                          const std::string& fn) {
  const T* no = nullptr;
  const Trans N = Trans::kNo, Y = Trans::kYes;
  const Layout R = Layout::kRowMajor, C = Layout::kColMajor;
  // Leading dimensions below the stored columns (rows for column-major).
  ExpectRejected(ar, gemm(N, N, 4, 5, 6, a, 5, b, 5, c, 5, R), {fn + ": lda = 5 is less than 6"});
  ExpectRejected(ar, gemm(Y, N, 4, 5, 6, a, 3, b, 5, c, 5, R), {"lda = 3 is less than 4"});
  ExpectRejected(ar, gemm(N, N, 4, 5, 6, a, 6, b, 4, c, 5, R), {"ldb = 4 is less than 5"});
  ExpectRejected(ar, gemm(N, Y, 4, 5, 6, a, 6, b, 5, c, 5, R), {"ldb = 5 is less than 6"});
  ExpectRejected(ar, gemm(N, N, 4, 5, 6, a, 6, b, 5, c, 4, R), {"ldc = 4 is less than 5"});
  ExpectRejected(ar, gemm(N, N, 4, 5, 6, a, 3, b, 6, c, 4, C), {"lda = 3 is less than 4"});
  ExpectRejected(ar, gemm(N, N, 4, 5, 6, a, 4, b, 5, c, 4, C), {"ldb = 5 is less than 6"});
  ExpectRejected(ar, gemm(N, N, 4, 5, 6, a, 4, b, 6, c, 3, C), {"ldc = 3 is less than 4"});
  ExpectRejected(ar, gemm(N, N, 4, 5, 6, a, 6, b, 5, c, 0, R), {"ldc = 0"});
  // Null pointers.
  ExpectRejected(ar, gemm(N, N, 4, 5, 6, no, 6, b, 5, c, 5, R), {"Gemm: a is null"});
  ExpectRejected(ar, gemm(N, N, 4, 5, 6, a, 6, no, 5, c, 5, R), {"Gemm: b is null"});
  ExpectRejected(ar, gemm(N, N, 4, 5, 6, a, 6, b, 5, nullptr, 5, R), {"Gemm: c is null"});
  ExpectRejected(ar, gemm(N, N, 4, 5, 6, no, 4, b, 6, c, 4, C), {"Gemm: a is null"});
  // Sizes whose product overflows.
  ExpectRejected(ar, gemm(N, N, kHuge, 5, 6, a, 6, b, 5, c, 5, R), {"overflows"});
  ExpectRejected(ar, gemm(N, N, 4, 5, 6, a, kHuge, b, 5, c, 5, R), {"a (4 rows", "overflows"});
  ExpectRejected(ar, gemm(N, N, 4, 5, kHuge, a, kHuge, b, 5, c, 5, R), {"overflows"});
  ExpectRejected(ar, gemm(N, N, 4, kHuge, 6, a, 6, b, kHuge, c, kHuge, R), {"overflows"});
  // C aliasing an operand.
  ExpectRejected(ar, gemm(N, N, 4, 5, 6, c + 2, 6, b, 5, c, 5, R), {"c overlaps a"});
  ExpectRejected(ar, gemm(N, N, 4, 5, 6, a, 6, c + 7, 5, c, 5, R), {"c overlaps b"});
  ExpectRejected(ar, gemm(N, N, 4, 5, 6, a, 4, c + 1, 6, c, 4, C), {"c overlaps b"});
  // Enumerations outside their values.
  ExpectRejected(ar, gemm(static_cast<Trans>(2), N, 4, 5, 6, a, 6, b, 5, c, 5, R),
                 {fn + ": trans_a = 2", "Trans"});
  ExpectRejected(ar, gemm(N, static_cast<Trans>(-1), 4, 5, 6, a, 6, b, 5, c, 5, R),
                 {fn + ": trans_b = -1"});
  ExpectRejected(ar, gemm(N, N, 4, 5, 6, a, 6, b, 5, c, 5, static_cast<Layout>(9)),
                 {fn + ": layout = 9", "Layout"});
  // Accepted: empty products with null pointers.
  gemm(N, N, 0, 5, 6, no, 6, no, 5, nullptr, 5, R)();
  gemm(N, N, 4, 0, 6, no, 6, no, 5, nullptr, 5, R)();
  EXPECT_TRUE(ar.Untouched());
}

TYPED_TEST(BadInput, Gemm) {
  using T = TypeParam;
  Arena<T> ar(2000);
  auto gemm = [](Trans ta, Trans tb, size_t m, size_t n, size_t k, const T* pa, size_t lda,
                 const T* pb, size_t ldb, T* pc, size_t ldc, Layout l) {
    return [=] { Gemm(ta, tb, m, n, k, T(1), pa, lda, pb, ldb, T(0), pc, ldc, l); };
  };
  ExpectGemmRejections(ar, ar.at(100), ar.at(700), ar.at(1300), gemm, "Gemm");
  // Accepted: disjoint blocks of one matrix (C = the left half, A = the
  // right half of an 8 x 8 array).
  const Trans N = Trans::kNo;
  std::vector<T> big(64, T(1)), ones(16, T(1));
  Gemm(N, N, 8, 4, 4, T(1), big.data() + 4, 8, ones.data(), 4, T(0), big.data(), 8);
  EXPECT_EQ(T(4), big[0]);
  EXPECT_EQ(T(1), big[4]);
}

// A plan refuses a bad shape when it is made, and a bad pointer when it runs
// (the small float products here take its one-block path).
TYPED_TEST(BadInput, GemmPlan) {
  using T = TypeParam;
  Arena<T> ar(2000);
  auto plan = [](Trans ta, Trans tb, size_t m, size_t n, size_t k, const T* pa, size_t lda,
                 const T* pb, size_t ldb, T* pc, size_t ldc, Layout l) {
    return [=] { GemmPlan<T>(ta, tb, m, n, k, lda, ldb, ldc, l)(T(1), pa, pb, T(0), pc); };
  };
  ExpectGemmRejections(ar, ar.at(100), ar.at(700), ar.at(1300), plan, "GemmPlan");
}

TEST(BadInput, ParallelMap) {
  Arena<float> ar(500);
  float* v = ar.at(100);
  auto id = [](auto, auto x) { return x; };
  ExpectRejected(ar, [&] { HWY_NAMESPACE::ParallelMap(10, v, v + 1, id); },
                 {"ParallelMap: out overlaps in"});
  ExpectRejected(ar, [&] {
    HWY_NAMESPACE::ParallelMap(10, static_cast<const float*>(nullptr), v, id);
  }, {"ParallelMap: in is null"});
  ExpectRejected(ar, [&] {
    HWY_NAMESPACE::ParallelMap(10, v, static_cast<float*>(nullptr), id);
  }, {"ParallelMap: out is null"});
}

TEST(BadInput, ConfigurationQueries) {
  Arena<int> ar(1);
  const Kernel bad_kernel = static_cast<Kernel>(9);
  const DType bad_dtype = static_cast<DType>(-3);
  ExpectRejected(ar, [&] { GetLoopConfig(bad_kernel, DType::kF32, 10); },
                 {"GetLoopConfig: kernel = 9", "Kernel"});
  ExpectRejected(ar, [&] { GetLoopConfig(Kernel::kScale, bad_dtype, 10); },
                 {"GetLoopConfig: dtype = -3", "DType"});
  ExpectRejected(ar, [&] { DefaultLoopConfigFor(bad_kernel, DType::kF32); },
                 {"DefaultLoopConfigFor: kernel = 9"});
  ExpectRejected(ar, [&] { GetGemmConfig(bad_dtype, 1, 1, 1); }, {"GetGemmConfig: dtype = -3"});
  ExpectRejected(ar, [&] { DefaultGemmConfig(bad_dtype, 1, 1, 1); },
                 {"DefaultGemmConfig: dtype = -3"});
  ExpectRejected(ar, [&] { DTypeSize(bad_dtype); }, {"DTypeSize: dtype = -3"});
  ExpectRejected(ar, [&] { BytesPerElement(bad_kernel, DType::kF32); },
                 {"BytesPerElement: kernel = 9"});
  ExpectRejected(ar, [&] { BytesPerElement(Kernel::kAdd, bad_dtype); }, {"dtype = -3"});
  ExpectRejected(ar, [&] { KernelFromName("scale", nullptr); }, {"KernelFromName: kernel is null"});
  ExpectRejected(ar, [&] { DTypeFromName("f32", nullptr); }, {"DTypeFromName: dtype is null"});
  ExpectRejected(ar, [&] { MeasureFmaPeakGflops(DType::kI32, 1, 0.01); },
                 {"MeasureFmaPeakGflops: dtype = i32"});
  ExpectRejected(ar, [&] { MeasureFmaPeakGflops(DType::kF32, 1, -1); },
                 {"MeasureFmaPeakGflops: seconds = -1"});
  ExpectRejected(ar, [&] { MeasureFmaPeakGflops(DType::kF64, 1, std::nan("")); },
                 {"seconds = nan"});
  EXPECT_STREQ("?", KernelName(bad_kernel));
  EXPECT_STREQ("?", DTypeName(bad_dtype));
}

TEST(BadInput, Wisdom) {
  namespace fs = std::filesystem;
  const fs::path dir = amdahl_test::FreshTestDir("bad-input");
  const std::string path = (dir / "wisdom.json").string();
  HostWisdom good;
  good.host = CurrentHostKey();
  LoopWisdom l;
  l.config.threads = 1;
  l.config.grain = 64;
  good.loops.push_back(l);
  SaveWisdom(path, good);
  auto text = [&] {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  const std::string before = text();
  Arena<int> ar(1);
  std::string why;
  ExpectRejected(ar, [&] { LoadWisdom(path, good.host, nullptr, &why, nullptr); },
                 {"LoadWisdom: out is null"});
  HostWisdom out;
  ExpectRejected(ar, [&] { LoadWisdom(path, good.host, &out, nullptr, nullptr); },
                 {"LoadWisdom: why is null"});
  ExpectRejected(ar, [&] { SaveWisdom("", good); }, {"SaveWisdom: path is empty"});
  ExpectRejected(ar, [&] { CheckWisdomWritable(""); }, {"CheckWisdomWritable: path is empty"});
  // Wisdom that would not load again is refused before anything is written.
  HostWisdom zero = good;
  zero.loops[0].config.threads = 0;
  ExpectRejected(ar, [&] { SaveWisdom(path, zero); }, {"SaveWisdom: wisdom: threads = 0"});
  HostWisdom nan_rate = good;
  nan_rate.memory_gbps = std::nan("");
  ExpectRejected(ar, [&] { SaveWisdom(path, nan_rate); }, {"SaveWisdom: wisdom:", "memory_gbps"});
  HostWisdom bad_kernel = good;
  bad_kernel.loops[0].kernel = static_cast<Kernel>(11);
  ExpectRejected(ar, [&] { SaveWisdom(path, bad_kernel); }, {"SaveWisdom: wisdom: kernel"});
  EXPECT_EQ(before, text()) << "the file changed";
  // An empty path is a miss that says so, not an error.
  EXPECT_FALSE(LoadWisdom("", good.host, &out, &why, nullptr));
  EXPECT_EQ("no file (empty path)", why);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace amdahl
