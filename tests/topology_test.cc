#include "amdahl/topology.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "amdahl/pool.h"
#include "tests/test_util.h"
#include "lib/hooks.h"

namespace amdahl {
namespace {

namespace fs = std::filesystem;

TEST(Topology, UsableCpusMatchAffinityMask) {
  const Topology& topo = GetTopology();
  cpu_set_t mask;
  ASSERT_EQ(0, sched_getaffinity(0, sizeof(mask), &mask));
  ASSERT_FALSE(topo.usable_cpus.empty());
  EXPECT_EQ(static_cast<size_t>(CPU_COUNT(&mask)), topo.usable_cpus.size());
  for (int cpu : topo.usable_cpus) EXPECT_TRUE(CPU_ISSET(cpu, &mask)) << cpu;
  EXPECT_TRUE(std::is_sorted(topo.usable_cpus.begin(), topo.usable_cpus.end()));
}

TEST(Topology, CoresPartitionTheUsableCpus) {
  const Topology& topo = GetTopology();
  ASSERT_FALSE(topo.cores.empty());
  std::multiset<int> from_cores;
  for (const Core& core : topo.cores) {
    EXPECT_FALSE(core.pus.empty());
    EXPECT_LE(core.pus.size(), topo.smt.value);
    EXPECT_GE(core.cluster, 0);
    EXPECT_LT(static_cast<size_t>(core.cluster), topo.clusters.value);
    from_cores.insert(core.pus.begin(), core.pus.end());
  }
  EXPECT_EQ(std::multiset<int>(topo.usable_cpus.begin(), topo.usable_cpus.end()),
            from_cores);
  EXPECT_GE(topo.usable_cores.value, 1u);
  EXPECT_LE(topo.usable_cores.value, topo.cores.size());
  EXPECT_GE(topo.numa_nodes.value, 1u);
}

TEST(Topology, CacheSizesAreSane) {
  const Topology& topo = GetTopology();
  EXPECT_GE(topo.l1d_bytes.value, 16u * 1024);
  EXPECT_LE(topo.l1d_bytes.value, 256u * 1024);
  EXPECT_GE(topo.l2_bytes.value, 128u * 1024);
  EXPECT_LE(topo.l2_bytes.value, 16u * 1024 * 1024);
  EXPECT_LE(topo.l1d_bytes.value, topo.l2_bytes.value);
  if (topo.l3_bytes.value != 0) {
    EXPECT_GE(topo.l3_bytes.value, topo.l2_bytes.value);
    // Never more than 16 MiB per core sharing it, whatever hwloc says.
    EXPECT_LE(topo.l3_bytes.value, 16u * 1024 * 1024 * topo.cores_per_l3.value);
  }
  for (const Sourced* s : {&topo.l1d_bytes, &topo.l2_bytes, &topo.l3_bytes}) {
    EXPECT_FALSE(s->source.empty());
  }
}

TEST(Topology, DescribeNamesSources) {
  const std::string text = DescribeTopology(GetTopology());
  EXPECT_NE(std::string::npos, text.find("usable CPUs"));
  EXPECT_NE(std::string::npos, text.find("(hwloc"));
  EXPECT_NE(std::string::npos, text.find("L1d"));
}

// Runs in a child under `taskset -c 0`.
TEST(Topology, ChildUnderTasksetSeesOneCpu) {
  if (!amdahl_test::IsChild()) GTEST_SKIP() << "runs as a child process";
  const Topology& topo = GetTopology();
  ASSERT_EQ(1u, topo.usable_cpus.size());
  EXPECT_EQ(0, topo.usable_cpus[0]);
  EXPECT_EQ(1u, topo.usable_cores.value);
  EXPECT_EQ(1u, NumThreads());
  size_t sum = 0;
  ParallelFor(0, 1000, 10, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) sum += i;
  });
  EXPECT_EQ(999u * 1000 / 2, sum);
  EXPECT_EQ(0u, NumWorkersStarted());
}

TEST(Topology, TasksetOneCpuGivesOneThread) {
  if (amdahl_test::IsChild()) GTEST_SKIP();
  const auto r = amdahl_test::RunSelf("taskset -c 0",
                                      "Topology.ChildUnderTasksetSeesOneCpu");
  EXPECT_EQ(0, r.exit_code) << r.output;
  EXPECT_NE(std::string::npos, r.output.find("[  PASSED  ] 1 test")) << r.output;
}

class CgroupQuota : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("amdahl-cgroup-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& text) {
    const fs::path p = root_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text << "\n";
  }
  fs::path root_;
};

TEST_F(CgroupQuota, V2TakesSmallestOnThePath) {
  Write("a/cpu.max", "150000 100000");
  Write("a/b/cpu.max", "max 100000");
  std::string source;
  EXPECT_DOUBLE_EQ(1.5, detail::CgroupCpuQuota("0::/a/b\n", root_.string(), &source));
  EXPECT_NE(std::string::npos, source.find("v2"));
}

TEST_F(CgroupQuota, V1ReadsCfsQuota) {
  Write("cpu,cpuacct/x/cpu.cfs_quota_us", "50000");
  Write("cpu,cpuacct/x/cpu.cfs_period_us", "100000");
  std::string source;
  EXPECT_DOUBLE_EQ(0.5, detail::CgroupCpuQuota("5:memory:/x\n4:cpu,cpuacct:/x\n",
                                               root_.string(), &source));
  EXPECT_NE(std::string::npos, source.find("v1"));
}

TEST_F(CgroupQuota, NoQuotaIsZero) {
  Write("cpu/cpu.cfs_quota_us", "-1");
  Write("cpu/cpu.cfs_period_us", "100000");
  Write("cpu.max", "max 100000");
  EXPECT_EQ(0.0, detail::CgroupCpuQuota("1:cpu:/\n0::/\n", root_.string(), nullptr));
  EXPECT_EQ(0.0, detail::CgroupCpuQuota("garbage\n", root_.string(), nullptr));
}

}  // namespace
}  // namespace amdahl
