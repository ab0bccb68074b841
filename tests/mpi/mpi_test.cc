// The MPI front under mpirun (1-4 ranks, shared memory or TCP): distributed
// GEMM against the local Gemm on every grid the rank count allows, odd shapes
// and blocks, transposes, process offsets, mismatched blockings; Sum and Dot
// bit for bit equal to one process's for every split of the vector; a bad
// descriptor on one rank fails on all; ranks keep to their own cores.
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "amdahl/amdahl.h"
#include "amdahl/amdahl_mpi_c.h"
#include "amdahl/mpi.h"
#include "tests/test_util.h"

namespace {

using amdahl::Trans;
namespace am = amdahl::mpi;

int Rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}
int Size() {
  int s = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

// A global matrix (column-major, rows x cols), the same on every rank.
template <typename T>
std::vector<T> Global(int rows, int cols, uint32_t seed) {
  return amdahl_test::RandomVector<T>(static_cast<size_t>(rows) * static_cast<size_t>(cols), seed);
}

struct Dist {
  int mb, nb, rsrc, csrc, pad;
};

// This rank's block-cyclic part of a global matrix, and its descriptor.
template <typename T>
std::vector<T> Local(const std::vector<T>& g, int rows, int cols, const Dist& d,
                     const am::Grid& grid, int desc[9]) {
  const int lr = am::Numroc(rows, d.mb, grid.myrow(), d.rsrc, grid.nprow());
  const int lc = am::Numroc(cols, d.nb, grid.mycol(), d.csrc, grid.npcol());
  const int lld = std::max(1, lr) + d.pad;
  const int init[9] = {1, 0, rows, cols, d.mb, d.nb, d.rsrc, d.csrc, lld};
  std::memcpy(desc, init, sizeof(init));
  std::vector<T> local(static_cast<size_t>(lld) * static_cast<size_t>(std::max(1, lc)), T(-7));
  for (int j = 0; j < cols; ++j) {
    if ((d.csrc + j / d.nb) % grid.npcol() != grid.mycol()) continue;
    const int lj = (j / (d.nb * grid.npcol())) * d.nb + j % d.nb;
    for (int i = 0; i < rows; ++i) {
      if ((d.rsrc + i / d.mb) % grid.nprow() != grid.myrow()) continue;
      const int li = (i / (d.mb * grid.nprow())) * d.mb + i % d.mb;
      local[static_cast<size_t>(li) + static_cast<size_t>(lj) * static_cast<size_t>(lld)] =
          g[static_cast<size_t>(i) + static_cast<size_t>(j) * static_cast<size_t>(rows)];
    }
  }
  return local;
}

template <typename T>
class MpiGemmTest : public ::testing::Test {};
TYPED_TEST_SUITE(MpiGemmTest, amdahl_test::AllDTypes, amdahl_test::DTypeNames);

template <typename T>
void CheckGemm(const am::Grid& grid, bool ta, bool tb, int m, int n, int k, const Dist& da,
               const Dist& db, const Dist& dc, T alpha, T beta, const std::string& where) {
  const auto ga = Global<T>(ta ? k : m, ta ? m : k, 1), gb = Global<T>(tb ? n : k, tb ? k : n, 2);
  const auto gc = Global<T>(m, n, 3);
  int desc_a[9], desc_b[9], desc_c[9];
  const auto a = Local(ga, ta ? k : m, ta ? m : k, da, grid, desc_a);
  const auto b = Local(gb, tb ? n : k, tb ? k : n, db, grid, desc_b);
  auto c = Local(gc, m, n, dc, grid, desc_c);
  const Trans op_a = ta ? Trans::kYes : Trans::kNo, op_b = tb ? Trans::kYes : Trans::kNo;
  am::Gemm(grid, op_a, op_b, m, n, k, alpha, a.data(), 1, 1, desc_a, b.data(), 1, 1, desc_b,
           beta, c.data(), 1, 1, desc_c);
  // The local Gemm on the whole matrices, then this rank's part of it.
  std::vector<T> want = gc;
  amdahl::Gemm(op_a, op_b, static_cast<size_t>(m), static_cast<size_t>(n),
               static_cast<size_t>(k), alpha, ga.data(), static_cast<size_t>(std::max(1, ta ? k : m)),
               gb.data(), static_cast<size_t>(std::max(1, tb ? n : k)), beta, want.data(),
               static_cast<size_t>(std::max(1, m)), amdahl::Layout::kColMajor);
  int dummy[9];
  const auto want_local = Local(want, m, n, dc, grid, dummy);
  const double tol = std::is_floating_point_v<T>
                         ? 4.0 * (k + 2) * std::numeric_limits<T>::epsilon() * (std::abs(static_cast<double>(alpha)) + 1)
                         : 0.0;
  for (size_t i = 0; i < c.size(); ++i) {
    const double d = std::abs(static_cast<double>(c[i]) - static_cast<double>(want_local[i]));
    if (d > tol * (std::is_floating_point_v<T> ? std::max<double>(1, k) : 1)) {
      ADD_FAILURE() << where << " rank " << Rank() << ": local element " << i << " is "
                    << +c[i] << ", want " << +want_local[i];
      return;
    }
  }
}

std::vector<std::pair<int, int>> Grids() {
  std::vector<std::pair<int, int>> grids;
  const int p = Size();
  for (int r = 1; r <= p; ++r) {
    if (p % r == 0) grids.emplace_back(r, p / r);
  }
  return grids;
}

TYPED_TEST(MpiGemmTest, EqualsTheLocalGemmOnEveryGrid) {
  using T = TypeParam;
  for (auto [pr, pc] : Grids()) {
    am::Grid grid(MPI_COMM_WORLD, pr, pc);
    const std::string g = std::to_string(pr) + "x" + std::to_string(pc);
    int i = 0;
    for (bool ta : {false, true}) {
      for (bool tb : {false, true}) {
        const T alpha = i % 2 ? T(2) : T(1), beta = i % 3 ? T(-1) : T(0);
        // C's blocks shared by A and B (the direct path), then mismatched
        // blockings and process offsets (redistributed).
        CheckGemm<T>(grid, ta, tb, 37, 29, 41, {4, 5, 0, 0, 0}, {5, 3, 0, 0, 1}, {4, 3, 0, 0, 2},
                     alpha, beta, g + " same blocks ta=" + std::to_string(ta) + " tb=" + std::to_string(tb));
        CheckGemm<T>(grid, ta, tb, 53, 17, 70, {7, 8, pr - 1, pc - 1, 0}, {3, 6, 0, pc - 1, 0},
                     {8, 5, pr - 1, 0, 1}, alpha, beta, g + " other blocks");
        ++i;
      }
    }
    // Larger than one panel of k, and degenerate sizes.
    CheckGemm<T>(grid, false, false, 40, 40, 600, {16, 32, 0, 0, 0}, {32, 16, 0, 0, 0},
                 {16, 16, 0, 0, 0}, T(1), T(1), g + " k = 600");
    // k / 4 past the local GEMM's k-block: panels rounded up to whole blocks.
    CheckGemm<T>(grid, false, false, 19, 23, 2300, {8, 48, 0, 0, 0}, {48, 8, 0, 0, 0},
                 {8, 8, 0, 0, 0}, T(1), T(1), g + " k = 2300");
    CheckGemm<T>(grid, false, false, 1, 1, 1, {1, 1, 0, 0, 0}, {1, 1, 0, 0, 0}, {1, 1, 0, 0, 0},
                 T(3), T(0), g + " 1x1x1");
    CheckGemm<T>(grid, false, false, 9, 7, 0, {2, 2, 0, 0, 0}, {2, 2, 0, 0, 0}, {2, 2, 0, 0, 0},
                 T(1), T(2), g + " k = 0");
  }
}

TEST(MpiGemm, ABadDescriptorOnOneRankFailsOnAll) {
  am::Grid grid(MPI_COMM_WORLD, 1, Size());
  int desc_a[9], desc_b[9], desc_c[9];
  const auto ga = Global<double>(8, 8, 1);
  const auto a = Local(ga, 8, 8, {2, 2, 0, 0, 0}, grid, desc_a);
  const auto b = Local(ga, 8, 8, {2, 2, 0, 0, 0}, grid, desc_b);
  auto c = Local(ga, 8, 8, {2, 2, 0, 0, 0}, grid, desc_c);
  const auto before = c;
  const int bad = Size() - 1;
  if (Rank() == bad) desc_c[am::kLld] = 0;
  try {
    am::Gemm(grid, Trans::kNo, Trans::kNo, 8, 8, 8, 1.0, a.data(), 1, 1, desc_a, b.data(), 1, 1,
             desc_b, 0.0, c.data(), 1, 1, desc_c);
    ADD_FAILURE() << "no error";
  } catch (const amdahl::Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("rank " + std::to_string(bad) + ": desc_c[8] (LLD_) = 0"),
              std::string::npos) << what;
  }
  EXPECT_EQ(c, before);  // nothing written
  // A size that differs between ranks is refused on all.
  if (Size() > 1) {
    const int m = Rank() == 0 ? 8 : 6;
    EXPECT_THROW(am::Gemm(grid, Trans::kNo, Trans::kNo, m, 8, 8, 1.0, a.data(), 1, 1, desc_a,
                          b.data(), 1, 1, desc_b, 0.0, c.data(), 1, 1, desc_c),
                 amdahl::Error);
  }
  EXPECT_THROW(am::Grid(MPI_COMM_WORLD, Size() + 1, 1), amdahl::Error);
}

TEST(MpiC, TheScaLAPACKStyleCallMatchesTheCxxOne) {
  int nprow = 1, npcol = Size();
  if (Size() == 4) nprow = npcol = 2;
  am::Grid grid(MPI_COMM_WORLD, nprow, npcol);
  int desc_a[9], desc_b[9], desc_c[9], desc_d[9];
  const auto ga = Global<double>(30, 20, 1), gb = Global<double>(30, 25, 2);
  const auto gc = Global<double>(20, 25, 3);
  const auto a = Local(ga, 30, 20, {4, 3, 0, 0, 0}, grid, desc_a);
  const auto b = Local(gb, 30, 25, {4, 5, 0, 0, 0}, grid, desc_b);
  auto c = Local(gc, 20, 25, {3, 5, 0, 0, 0}, grid, desc_c);
  auto d = Local(gc, 20, 25, {3, 5, 0, 0, 0}, grid, desc_d);
  const double alpha = 1.5, beta = -1;
  ASSERT_EQ(amdahl_mpi_gemm(MPI_COMM_WORLD, nprow, npcol, AMDAHL_F64, 'T', 'N', 20, 25, 30,
                            &alpha, a.data(), 1, 1, desc_a, b.data(), 1, 1, desc_b, &beta,
                            c.data(), 1, 1, desc_c),
            AMDAHL_OK) << amdahl_mpi_last_error();
  am::Gemm(grid, Trans::kYes, Trans::kNo, 20, 25, 30, alpha, a.data(), 1, 1, desc_a, b.data(),
           1, 1, desc_b, beta, d.data(), 1, 1, desc_d);
  EXPECT_EQ(c, d);
  // A bad trans on the last rank only: every rank gets the error, nothing written.
  const auto before = c;
  const char t = Rank() == Size() - 1 ? 'X' : 'N';
  EXPECT_EQ(amdahl_mpi_gemm(MPI_COMM_WORLD, nprow, npcol, AMDAHL_F64, t, 'N', 20, 25, 30,
                            &alpha, a.data(), 1, 1, desc_a, b.data(), 1, 1, desc_b, &beta,
                            c.data(), 1, 1, desc_c),
            AMDAHL_INVALID_ARGUMENT);
  EXPECT_NE(std::string(amdahl_mpi_last_error()).find("trans_a = 'X'"), std::string::npos)
      << amdahl_mpi_last_error();
  EXPECT_EQ(c, before);
  const std::vector<int64_t> x(1000 + static_cast<size_t>(Rank()), 3);
  int64_t sum = 0, dot = 0;
  ASSERT_EQ(amdahl_mpi_sum(MPI_COMM_WORLD, AMDAHL_I64, x.size(), x.data(), &sum), AMDAHL_OK);
  ASSERT_EQ(amdahl_mpi_dot(MPI_COMM_WORLD, AMDAHL_I64, x.size(), x.data(), x.data(), &dot),
            AMDAHL_OK);
  const int64_t total = 1000 * Size() + Size() * (Size() - 1) / 2;
  EXPECT_EQ(sum, 3 * total);
  EXPECT_EQ(dot, 9 * total);
  EXPECT_EQ(amdahl_mpi_sum(MPI_COMM_WORLD, static_cast<amdahl_dtype>(9), 1, x.data(), &sum),
            AMDAHL_INVALID_ARGUMENT);
}

template <typename T>
class MpiReduceTest : public ::testing::Test {};
TYPED_TEST_SUITE(MpiReduceTest, amdahl_test::AllDTypes, amdahl_test::DTypeNames);

TYPED_TEST(MpiReduceTest, SameBitsAsOneProcessForEverySplit) {
  using T = TypeParam;
  const int p = Size(), me = Rank();
  for (size_t n : {size_t{0}, size_t{1}, size_t{4095}, size_t{4096}, size_t{4097}, size_t{10000},
                   size_t{3 * 4096 + 17}, size_t{100003}}) {
    const auto x = Global<T>(static_cast<int>(n), 1, 5), y = Global<T>(static_cast<int>(n), 1, 6);
    const T want_sum = amdahl::Sum(n, x.data()), want_dot = amdahl::Dot(n, x.data(), y.data());
    // Splits: equal, all on the last rank, uneven with empty ranks, random.
    std::mt19937 rng(static_cast<uint32_t>(n));
    for (int split = 0; split < 4; ++split) {
      std::vector<size_t> cut(static_cast<size_t>(p) + 1, 0);
      for (int r = 1; r < p; ++r) {
        size_t at = split == 0 ? n * static_cast<size_t>(r) / static_cast<size_t>(p)
                    : split == 1 ? 0
                    : split == 2 ? std::min(n, size_t{4096} * static_cast<size_t>(r) + 5 * static_cast<size_t>(r))
                                 : std::uniform_int_distribution<size_t>(0, n)(rng);
        cut[static_cast<size_t>(r)] = std::max(cut[static_cast<size_t>(r) - 1], at);
      }
      cut[static_cast<size_t>(p)] = n;
      const size_t b = cut[static_cast<size_t>(me)], e = cut[static_cast<size_t>(me) + 1];
      const T got_sum = am::Sum(MPI_COMM_WORLD, e - b, x.data() + b);
      const T got_dot = am::Dot(MPI_COMM_WORLD, e - b, x.data() + b, y.data() + b);
      EXPECT_EQ(0, std::memcmp(&got_sum, &want_sum, sizeof(T)))
          << "n " << n << " split " << split << ": " << +got_sum << " vs " << +want_sum;
      EXPECT_EQ(0, std::memcmp(&got_dot, &want_dot, sizeof(T)))
          << "n " << n << " split " << split << ": " << +got_dot << " vs " << +want_dot;
    }
  }
}

TEST(MpiRanks, EachRankKeepsToItsCores) {
  // Under mpirun's binding (the default for 2 ranks: a core each), amdahl's
  // pool uses the cores of this rank's mask, never more.
  const amdahl::Topology& t = amdahl::GetTopology();
  EXPECT_LE(amdahl::NumThreads(), t.usable_cores.value);
  std::vector<int> cores(static_cast<size_t>(Size()));
  const int mine = static_cast<int>(t.usable_cores.value);
  MPI_Allgather(&mine, 1, MPI_INT, cores.data(), 1, MPI_INT, MPI_COMM_WORLD);
  if (Rank() == 0) {
    std::string list;
    for (int c : cores) list += " " + std::to_string(c);
    std::printf("usable cores per rank:%s\n", list.c_str());
  }
  // Where the ranks fit the host's CPUs, mpirun binds them apart: no two
  // ranks' pools share a CPU.
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(0, sched_getaffinity(0, sizeof(set), &set));
  uint64_t mask = 0;
  for (int c = 0; c < 64; ++c) {
    if (CPU_ISSET(c, &set)) mask |= uint64_t{1} << c;
  }
  std::vector<uint64_t> masks(static_cast<size_t>(Size()));
  MPI_Allgather(&mask, 1, MPI_UINT64_T, masks.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD);
  if (static_cast<long>(Size()) <= sysconf(_SC_NPROCESSORS_ONLN) && !std::getenv("AMDAHL_TEST_HOSTS")) {
    for (size_t i = 0; i < masks.size(); ++i) {
      for (size_t j = i + 1; j < masks.size(); ++j) {
        EXPECT_EQ(0u, masks[i] & masks[j]) << "ranks " << i << " and " << j << " share CPUs";
      }
    }
  }
}

TEST(MpiRanks, HostsAreWhatTheLauncherSays) {
  // tests/mpi/two_hosts.sh sets AMDAHL_TEST_HOSTS: that many distinct hosts.
  char name[MPI_MAX_PROCESSOR_NAME] = {};
  int length = 0;
  MPI_Get_processor_name(name, &length);
  std::vector<char> all(static_cast<size_t>(Size()) * MPI_MAX_PROCESSOR_NAME);
  MPI_Allgather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all.data(), MPI_MAX_PROCESSOR_NAME,
                MPI_CHAR, MPI_COMM_WORLD);
  std::vector<std::string> hosts;
  for (int r = 0; r < Size(); ++r) hosts.emplace_back(all.data() + r * MPI_MAX_PROCESSOR_NAME);
  if (Rank() == 0) {
    std::string list;
    for (const auto& h : hosts) list += " " + h;
    std::printf("hosts per rank:%s\n", list.c_str());
  }
  std::sort(hosts.begin(), hosts.end());
  const size_t distinct =
      static_cast<size_t>(std::unique(hosts.begin(), hosts.end()) - hosts.begin());
  if (const char* want = std::getenv("AMDAHL_TEST_HOSTS")) {
    EXPECT_EQ(distinct, static_cast<size_t>(std::atoi(want)));
  } else {
    EXPECT_EQ(distinct, 1u);
  }
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  int failed = RUN_ALL_TESTS();
  MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return failed;
}
