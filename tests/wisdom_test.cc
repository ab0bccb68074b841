#include "amdahl/wisdom.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "amdahl/config.h"
#include "amdahl/error.h"
#include "tests/test_util.h"
#include "lib/hooks.h"

namespace amdahl {
namespace {

namespace fs = std::filesystem;

HostWisdom Sample(const std::string& model) {
  HostWisdom w;
  w.host = CurrentHostKey();
  w.host.cpu_model = model;
  w.library_version = "0.1.0";
  w.date = "2026-11-23T00:00:00Z";
  w.peak_f32_gflops_core = 220.5;
  w.peak_f64_gflops_core = 110.25;
  w.memory_gbps = 45;
  w.forkjoin_ns = 600;
  w.int64_slice_products = 2;
  w.int16_pairs = 1;
  LoopWisdom l;
  l.kernel = Kernel::kTriad;
  l.dtype = DType::kF64;
  l.bucket = 20;
  l.config.threads = 2;
  l.config.serial_cutoff = 12345;
  l.config.grain = 4096;
  l.config.stream_min = 1 << 22;
  l.gbps = 77.5;
  w.loops.push_back(l);
  GemmWisdom g;
  g.dtype = DType::kF32;
  g.bucket = 10;
  g.config.mr = 8;
  g.config.nr = 48;
  g.config.mc = 960;
  g.config.kc = 384;
  g.config.nc = 240;
  g.config.threads = 2;
  g.gflops = 340;
  w.gemm.push_back(g);
  return w;
}

class WisdomFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = amdahl_test::FreshTestDir("wisdom");
    path_ = (dir_ / "sub" / "wisdom.json").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  void WriteText(const std::string& text) {
    fs::create_directories(fs::path(path_).parent_path());
    std::ofstream(path_) << text;
  }
  std::string ReadText() {
    std::ifstream in(path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  bool Load(const HostKey& host, HostWisdom* out, std::string* why) {
    std::string warning;
    return LoadWisdom(path_, host, out, why, &warning);
  }
  fs::path dir_;
  std::string path_;
};

TEST_F(WisdomFile, RoundTrip) {
  const HostWisdom w = Sample("cpu A");
  SaveWisdom(path_, w);  // creates the missing folders
  HostWisdom got;
  std::string why;
  ASSERT_TRUE(Load(w.host, &got, &why)) << why;
  EXPECT_EQ(w.host, got.host);
  EXPECT_EQ(220.5, got.peak_f32_gflops_core);
  EXPECT_EQ(600, got.forkjoin_ns);
  EXPECT_EQ(2, got.int64_slice_products);
  EXPECT_EQ(1, got.int16_pairs);
  ASSERT_EQ(1u, got.loops.size());
  EXPECT_EQ(Kernel::kTriad, got.loops[0].kernel);
  EXPECT_EQ(DType::kF64, got.loops[0].dtype);
  EXPECT_EQ(12345u, got.loops[0].config.serial_cutoff);
  EXPECT_STREQ("wisdom", got.loops[0].config.source);
  ASSERT_EQ(1u, got.gemm.size());
  EXPECT_EQ(384u, got.gemm[0].config.kc);
  for (const auto& entry : fs::directory_iterator(fs::path(path_).parent_path())) {
    EXPECT_EQ(std::string::npos, entry.path().string().find(".tmp-")) << entry.path();
  }
}

TEST_F(WisdomFile, OtherHostsAreKept) {
  SaveWisdom(path_, Sample("cpu A"));
  SaveWisdom(path_, Sample("cpu B"));
  HostWisdom a2 = Sample("cpu A");
  a2.memory_gbps = 99;
  SaveWisdom(path_, a2);
  const auto all = LoadAllWisdom(path_);
  ASSERT_EQ(2u, all.size());
  HostWisdom got;
  std::string why;
  ASSERT_TRUE(Load(a2.host, &got, &why)) << why;
  EXPECT_EQ(99, got.memory_gbps);
}

// A save merges with the host's earlier entry: kernels, dtypes and sizes it
// does not measure again are kept; the ones it does are replaced.
TEST_F(WisdomFile, SaveKeepsTheHostsOtherKernels) {
  HostWisdom first = Sample("cpu A");
  SaveWisdom(path_, first);
  HostWisdom second = Sample("cpu A");
  second.memory_gbps = 50;
  second.loops[0].config.serial_cutoff = 999;  // same kernel, dtype, bucket
  LoopWisdom other = second.loops[0];
  other.kernel = Kernel::kScale;
  second.loops.push_back(other);
  second.gemm.clear();  // GEMM not tuned this time
  second.int64_slice_products = -1;  // nor the exact integer GEMM's choices
  second.int16_pairs = -1;
  SaveWisdom(path_, second);
  HostWisdom got;
  std::string why;
  ASSERT_TRUE(Load(first.host, &got, &why)) << why;
  EXPECT_EQ(50, got.memory_gbps);
  ASSERT_EQ(2u, got.loops.size());
  for (const LoopWisdom& l : got.loops) EXPECT_EQ(999u, l.config.serial_cutoff);
  ASSERT_EQ(1u, got.gemm.size());  // kept from the first save
  EXPECT_EQ(384u, got.gemm[0].config.kc);
  EXPECT_EQ(2, got.int64_slice_products);
  EXPECT_EQ(1, got.int16_pairs);
}

TEST_F(WisdomFile, MpiEntriesRoundTripAndAreKeptByOtherSaves) {
  HostWisdom first = Sample("cpu A");
  first.mpi.latency_us = 0.5;
  first.mpi.bandwidth_gbps = 9.5;
  first.mpi.panels.push_back({2, 10, 256, 1, 120.5});
  first.mpi.panels.push_back({4, 11, 512, 2, 240.25});
  SaveWisdom(path_, first);
  HostWisdom got;
  std::string why;
  ASSERT_TRUE(Load(first.host, &got, &why)) << why;
  EXPECT_EQ(0.5, got.mpi.latency_us);
  EXPECT_EQ(9.5, got.mpi.bandwidth_gbps);
  ASSERT_EQ(2u, got.mpi.panels.size());
  EXPECT_EQ(512, got.mpi.panels[1].width);
  EXPECT_EQ(2, got.mpi.panels[1].nprow);
  // A tune without MPI keeps the MPI entries; an MPI tune of one size on
  // 2 ranks replaces that one only.
  SaveWisdom(path_, Sample("cpu A"));
  HostWisdom second = Sample("cpu A");
  second.mpi.latency_us = 0.75;
  second.mpi.bandwidth_gbps = 8;
  second.mpi.panels.push_back({2, 10, 1024, 1, 130});
  SaveWisdom(path_, second);
  ASSERT_TRUE(Load(first.host, &got, &why)) << why;
  EXPECT_EQ(0.75, got.mpi.latency_us);
  ASSERT_EQ(2u, got.mpi.panels.size());
  for (const MpiPanelWisdom& p : got.mpi.panels) {
    EXPECT_EQ(p.ranks == 2 ? 1024 : 512, p.width);
  }
  // Nonsense is corrupt: a grid that does not divide the ranks, a zero width.
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"\"nprow\": 2", "\"nprow\": 3"},
                                 {"\"width\": 512", "\"width\": 0"}}) {
    std::string text = ReadText();
    const size_t at = text.find(from);
    ASSERT_NE(std::string::npos, at) << from;
    text.replace(at, from.size(), to);
    WriteText(text);
    EXPECT_FALSE(Load(first.host, &got, &why));
    EXPECT_EQ(0u, why.find("corrupt")) << why;
    SaveWisdom(path_, second);  // the corrupt file is kept aside; a good one again
    SaveWisdom(path_, first);
  }
}

TEST_F(WisdomFile, MissesSayWhy) {
  HostWisdom got;
  std::string why;
  EXPECT_FALSE(Load(CurrentHostKey(), &got, &why));
  EXPECT_EQ("no file (folder " + fs::path(path_).parent_path().string() + " is missing)", why);
  fs::create_directories(fs::path(path_).parent_path());
  EXPECT_FALSE(Load(CurrentHostKey(), &got, &why));
  EXPECT_EQ("no file", why);

  WriteText("{not json");
  EXPECT_FALSE(Load(CurrentHostKey(), &got, &why));
  EXPECT_EQ(0u, why.find("corrupt")) << why;

  SaveWisdom(path_, Sample("cpu A"));
  const std::string full = ReadText();
  WriteText(full.substr(0, full.size() / 2));  // truncated
  EXPECT_FALSE(Load(Sample("cpu A").host, &got, &why));
  EXPECT_EQ(0u, why.find("corrupt")) << why;

  SaveWisdom(path_, Sample("cpu A"));
  EXPECT_FALSE(Load(Sample("some other cpu").host, &got, &why));
  EXPECT_EQ("no entry for this host", why);

  WriteText(R"({"schema": 0, "hosts": []})");
  EXPECT_FALSE(Load(CurrentHostKey(), &got, &why));
  EXPECT_EQ("schema 0, expected 1", why);

  // An entry with nonsense values is corrupt, not trusted.
  SaveWisdom(path_, Sample("cpu A"));
  std::string text = ReadText();
  const size_t at = text.find("\"grain\": 4096");
  ASSERT_NE(std::string::npos, at);
  text.replace(at, 13, "\"grain\": 0");
  WriteText(text);
  EXPECT_FALSE(Load(Sample("cpu A").host, &got, &why));
  EXPECT_EQ("corrupt: grain = 0 is outside [1, 18446744073709551615]", why);
  // Values a cast would wrap or make undefined are named, not converted.
  for (const auto& [from, to, says] : std::vector<std::array<std::string, 3>>{
           {"\"threads\": 2", "\"threads\": -2", "threads is negative"},
           {"\"bucket\": 20", "\"bucket\": 1e300", "bucket is not an integer"},
           {"\"kc\": 384", "\"kc\": 4000000000", "kc = 4000000000 is outside"},
           {"\"kc\": 384", "\"kc\": 1048576", "mc/kc/nc make a packed block"},
           {"\"memory_gbps\": 45", "\"memory_gbps\": -45", "memory_gbps is not a finite"},
           {"\"dtype\": \"f64\"", "\"dtype\": 64", "dtype is not a string"},
           {"\"loops\": [", "\"loops\": 7, \"old\": [", "loops is not an array"},
           {"\"int64_slice_products\": 2", "\"int64_slice_products\": 12",
            "int64_slice_products = 12 is outside [-1, 9]"},
           {"\"int64_slice_products\": 2", "\"int64_slice_products\": 2.5",
            "int64_slice_products is not an integer"},
           {"\"int16_pairs\": 1", "\"int16_pairs\": 2", "int16_pairs = 2 is outside [-1, 1]"},
           {"\"int16_pairs\": 1", "\"int16_pairs\": true", "int16_pairs is not an integer"}}) {
    SaveWisdom(path_, Sample("cpu A"));
    text = ReadText();
    const size_t where = text.find(from);
    ASSERT_NE(std::string::npos, where) << from;
    text.replace(where, from.size(), to);
    WriteText(text);
    EXPECT_FALSE(Load(Sample("cpu A").host, &got, &why)) << to;
    EXPECT_NE(std::string::npos, why.find(says)) << to << ": " << why;
  }
}

TEST_F(WisdomFile, OtherLibraryVersionOnlyWarns) {
  HostWisdom w = Sample("cpu A");
  w.library_version = "0.0.1";
  SaveWisdom(path_, w);
  HostWisdom got;
  std::string why, warning;
  EXPECT_TRUE(LoadWisdom(path_, w.host, &got, &why, &warning));
  EXPECT_NE(std::string::npos, warning.find("0.0.1")) << warning;
}

TEST_F(WisdomFile, TwoWritersAtOnceKeepBothHosts) {
  SaveWisdom(path_, Sample("seed"));
  pid_t kids[2];
  for (int i = 0; i < 2; ++i) {
    kids[i] = fork();
    if (kids[i] == 0) {
      try {
        for (int round = 0; round < 30; ++round) {
          SaveWisdom(path_, Sample("writer " + std::to_string(i)));
        }
      } catch (...) {
        _exit(1);
      }
      _exit(0);
    }
  }
  for (pid_t kid : kids) {
    int status = 0;
    waitpid(kid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  const auto all = LoadAllWisdom(path_);
  EXPECT_EQ(3u, all.size());
}

TEST_F(WisdomFile, UnwritablePlaceIsAClearError) {
  try {
    SaveWisdom("/proc/amdahl-no/wisdom.json", Sample("cpu A"));
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string::npos, std::string(e.what()).find("/proc/amdahl-no")) << e.what();
  }
}

// The reproduction of the review: blocks that are not whole tiles made GEMM
// write past its packing buffers. They are corrupt now, naming the block.
TEST_F(WisdomFile, BlocksThatAreNotWholeTilesAreCorrupt) {
  HostWisdom w = Sample("cpu A");
  w.gemm[0].config.mc = 100;  // mr = 8
  EXPECT_THROW(SaveWisdom(path_, w), Error);  // nothing written
  EXPECT_FALSE(fs::exists(path_));
  SaveWisdom(path_, Sample("cpu A"));
  for (const auto& [from, to, says] :
       {std::make_tuple("\"mc\": 960", "\"mc\": 100", "mc = 100 is not a multiple of mr = 8"),
        std::make_tuple("\"nc\": 240", "\"nc\": 100", "nc = 100 is not a multiple of nr = 48")}) {
    std::string text = ReadText();
    const size_t at = text.find(from);
    ASSERT_NE(std::string::npos, at) << text;
    const std::string good = text;
    text.replace(at, std::string(from).size(), to);
    WriteText(text);
    HostWisdom got;
    std::string why;
    EXPECT_FALSE(Load(w.host, &got, &why));
    EXPECT_NE(std::string::npos, why.find(says)) << why;
    WriteText(good);
  }
}

// A save over a file that is not wisdom keeps it aside, dated, and a save
// keeps other hosts' entries as they are, damaged ones included.
TEST_F(WisdomFile, SaveNeverLosesOtherHostsWisdom) {
  for (const std::string& damaged : {std::string("{\"schema\": 1, \"hosts\": [ {\"host\""),
                                    std::string("{\"schema\": 2, \"hosts\": []}"),
                                    std::string("not json at all")}) {
    fs::remove_all(fs::path(path_).parent_path());
    WriteText(damaged);
    SaveWisdom(path_, Sample("cpu A"));
    HostWisdom got;
    std::string why;
    EXPECT_TRUE(Load(Sample("cpu A").host, &got, &why)) << why;
    std::vector<fs::path> aside;
    for (const auto& e : fs::directory_iterator(fs::path(path_).parent_path())) {
      if (e.path().filename().string().rfind("wisdom.json.damaged-", 0) == 0) {
        aside.push_back(e.path());
      }
    }
    ASSERT_EQ(1u, aside.size()) << damaged;
    std::ifstream in(aside[0]);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(damaged, text.str());
  }

  // Entries that do not load (a broken host key, a broken body) stay, byte
  // for byte as JSON, beside the new entry.
  fs::remove_all(fs::path(path_).parent_path());
  SaveWisdom(path_, Sample("cpu B"));
  std::string text = ReadText();
  const size_t hosts = text.find("\"hosts\": [");
  ASSERT_NE(std::string::npos, hosts);
  text.insert(hosts + 10, "{\"host\": 5, \"future\": [1, 2]}, {\"host\": {\"cpu_model\": \"cpu C\"}},");
  WriteText(text);
  SaveWisdom(path_, Sample("cpu A"));
  const std::string after = ReadText();
  EXPECT_NE(std::string::npos, after.find("\"future\"")) << after;
  EXPECT_NE(std::string::npos, after.find("cpu C")) << after;
  EXPECT_EQ(2u, LoadAllWisdom(path_).size());  // A and B load; the others are kept
}

// A file that cannot be read (here: too large to be wisdom) is not written
// over: its content might be another host's.
TEST_F(WisdomFile, UnreadableFileIsNotOverwritten) {
  WriteText(std::string((16u << 20) + 1, ' '));
  try {
    SaveWisdom(path_, Sample("cpu A"));
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string::npos, std::string(e.what()).find("move it away")) << e.what();
  }
  EXPECT_EQ((16u << 20) + 1, fs::file_size(path_));
}

TEST_F(WisdomFile, InterpolatedEntriesSayso) {
  HostWisdom w = Sample("cpu A");
  LoopWisdom l = w.loops[0];
  l.bucket = 21;
  l.interpolated = true;
  w.loops.push_back(l);
  SaveWisdom(path_, w);
  HostWisdom got;
  std::string why;
  ASSERT_TRUE(Load(w.host, &got, &why)) << why;
  ASSERT_EQ(2u, got.loops.size());
  EXPECT_STREQ("wisdom", got.loops[0].config.source);
  EXPECT_STREQ("interpolated", got.loops[1].config.source);
  EXPECT_TRUE(got.loops[1].interpolated);
}

// A bucket holds one GEMM entry per thread count the tuner chose for; a
// call takes the one for the threads it may use.
TEST(GemmWisdomChoice, TheEntryForTheThreadsACallMayUse) {
  HostWisdom w;
  auto add = [&w](DType dtype, int bucket, size_t threads) {
    GemmWisdom e;
    e.dtype = dtype;
    e.bucket = bucket;
    e.config.threads = threads;
    w.gemm.push_back(e);
  };
  add(DType::kF32, 10, 16);
  add(DType::kF32, 10, 1);
  add(DType::kF32, 10, 2);
  add(DType::kF64, 10, 4);
  add(DType::kF32, 9, 2);
  auto threads_of = [&w](DType dtype, int bucket, size_t threads) -> size_t {
    const GemmWisdom* e = FindGemmWisdom(w, dtype, bucket, threads);
    return e == nullptr ? 0 : e->config.threads;
  };
  EXPECT_EQ(1u, threads_of(DType::kF32, 10, 1));   // its own
  EXPECT_EQ(2u, threads_of(DType::kF32, 10, 2));
  EXPECT_EQ(16u, threads_of(DType::kF32, 10, 3));  // the fewest above, capped
  EXPECT_EQ(16u, threads_of(DType::kF32, 10, 15));
  EXPECT_EQ(16u, threads_of(DType::kF32, 10, 16));
  EXPECT_EQ(16u, threads_of(DType::kF32, 10, 64));  // the most below
  EXPECT_EQ(4u, threads_of(DType::kF64, 10, 1));
  EXPECT_EQ(4u, threads_of(DType::kF64, 10, 8));
  EXPECT_EQ(2u, threads_of(DType::kF32, 9, 1));
  EXPECT_EQ(0u, threads_of(DType::kF64, 9, 2));  // none measured
  EXPECT_EQ(0u, threads_of(DType::kI32, 10, 2));
  // The order in the file does not matter.
  std::reverse(w.gemm.begin(), w.gemm.end());
  EXPECT_EQ(1u, threads_of(DType::kF32, 10, 1));
  EXPECT_EQ(2u, threads_of(DType::kF32, 10, 2));
  EXPECT_EQ(16u, threads_of(DType::kF32, 10, 3));
}

// A save that measures a bucket again replaces all its thread counts' entries.
TEST_F(WisdomFile, ABucketMeasuredAgainReplacesEveryThreadCount) {
  HostWisdom first = Sample("cpu A");
  GemmWisdom one = first.gemm[0];
  one.config.threads = 1;
  one.config.kc = 256;
  first.gemm.push_back(one);
  SaveWisdom(path_, first);
  HostWisdom got;
  std::string why;
  ASSERT_TRUE(Load(first.host, &got, &why)) << why;
  ASSERT_EQ(2u, got.gemm.size());
  EXPECT_EQ(256u, FindGemmWisdom(got, DType::kF32, 10, 1)->config.kc);
  EXPECT_EQ(384u, FindGemmWisdom(got, DType::kF32, 10, 2)->config.kc);
  HostWisdom second = Sample("cpu A");
  second.gemm[0].config.threads = 1;  // one thread won this time
  second.gemm[0].config.kc = 128;
  SaveWisdom(path_, second);
  ASSERT_TRUE(Load(first.host, &got, &why)) << why;
  ASSERT_EQ(1u, got.gemm.size());
  EXPECT_EQ(128u, got.gemm[0].config.kc);
}

TEST(WisdomBuckets, Boundaries) {
  EXPECT_EQ(0, LoopBucket(0));
  EXPECT_EQ(0, LoopBucket(1));
  EXPECT_EQ(14, LoopBucket(20000));
  EXPECT_EQ(10, GemmBucket(1024, 1024, 1024));
  EXPECT_EQ(9, GemmBucket(1000, 1000, 1000));
  // Bucket b holds (m n k)^(1/3) in [2^b, 2^(b+1)): the cube root as the
  // exact integer product's bit count sees it, at each edge.
  EXPECT_EQ(0, GemmBucket(0, 5, 5));
  EXPECT_EQ(0, GemmBucket(1, 1, 1));
  EXPECT_EQ(0, GemmBucket(1, 1, 7));
  EXPECT_EQ(1, GemmBucket(2, 2, 2));
  EXPECT_EQ(4, GemmBucket(31, 32, 32));   // 2^15 - 2^10: below 2^15
  EXPECT_EQ(5, GemmBucket(32, 32, 32));
  EXPECT_EQ(5, GemmBucket(1, 1, 63 * 63 * 63 + 70));
  EXPECT_EQ(6, GemmBucket(64, 8, 512));
  EXPECT_EQ(21, GemmBucket(size_t{1} << 21, size_t{1} << 21, size_t{1} << 21));  // 2^63
  EXPECT_EQ(22, GemmBucket(size_t{1} << 22, size_t{1} << 22, size_t{1} << 22));  // past 2^64
}

// In a child whose AMDAHL_WISDOM names a file written for this host.
TEST(WisdomLibrary, ChildUsesTheFile) {
  if (!amdahl_test::IsChild()) GTEST_SKIP() << "runs as a child process";
  const LoopConfig tuned = GetLoopConfig(Kernel::kTriad, DType::kF64, 1 << 20);
  EXPECT_STREQ("wisdom", tuned.source);
  EXPECT_EQ(12345u, tuned.serial_cutoff);
  EXPECT_STREQ("defaults", GetLoopConfig(Kernel::kTriad, DType::kF64, 1000).source);
  const GemmConfig g = GetGemmConfig(DType::kF32, 1024, 1024, 1024);
  if (g.mr == 8 && g.nr == 48) {  // the sample's tile: AVX-512
    EXPECT_STREQ("wisdom", g.source);
    EXPECT_EQ(384u, g.kc);
  }
  // f64 at 2^9 has an entry for two threads and one for one, each with a
  // tile of this target (ReadsTheFileOnceAndMissesGently wrote them).
  const std::vector<GemmTileShape> tiles = GemmTiles(DType::kF64);
  SetNumThreads(1);
  const GemmConfig on_one = GetGemmConfig(DType::kF64, 512, 512, 512);
  EXPECT_EQ(tiles.back().mr, on_one.mr);
  EXPECT_EQ(tiles.back().nr, on_one.nr);
  EXPECT_EQ(1u, on_one.threads);
  EXPECT_EQ(200u, on_one.kc);
  SetNumThreads(2);
  if (NumThreads() == 2) {
    const GemmConfig on_two = GetGemmConfig(DType::kF64, 512, 512, 512);
    EXPECT_EQ(tiles[0].mr, on_two.mr);
    EXPECT_EQ(tiles[0].nr, on_two.nr);
    EXPECT_EQ(2u, on_two.threads);
    EXPECT_EQ(300u, on_two.kc);
  }
  SetNumThreads(0);
}

// Starts with no file, then saves one and reloads it in the same process.
TEST(WisdomLibrary, ChildReloadsAfterASave) {
  if (!amdahl_test::IsChild()) GTEST_SKIP() << "runs as a child process";
  EXPECT_STREQ("defaults", GetLoopConfig(Kernel::kTriad, DType::kF64, 1 << 20).source);
  HostWisdom w = Sample("");
  w.host = CurrentHostKey();
  LoopWisdom l = w.loops[0];
  l.bucket = 21;
  l.interpolated = true;
  w.loops.push_back(l);
  // GEMM's entry too, where the sample's tile is this target's.
  const bool gemm_applies = IsGemmTile(DType::kF32, {8, 48, 16});
  EXPECT_STREQ("defaults", GetGemmConfig(DType::kF32, 1024, 1024, 1024).source);
  SaveWisdom(WisdomPath(), w);
  EXPECT_STREQ("defaults", GetLoopConfig(Kernel::kTriad, DType::kF64, 1 << 20).source);
  ReloadWisdom();
  EXPECT_STREQ("wisdom", GetLoopConfig(Kernel::kTriad, DType::kF64, 1 << 20).source);
  EXPECT_STREQ(gemm_applies ? "wisdom" : "defaults",
               GetGemmConfig(DType::kF32, 1024, 1024, 1024).source);
  EXPECT_STREQ("interpolated", GetLoopConfig(Kernel::kTriad, DType::kF64, 1 << 21).source);
  EXPECT_EQ(12345u, GetLoopConfig(Kernel::kTriad, DType::kF64, 1 << 21).serial_cutoff);
}

TEST(WisdomLibrary, ChildStrictMissThrows) {
  if (!amdahl_test::IsChild()) GTEST_SKIP() << "runs as a child process";
  EXPECT_THROW(GetLoopConfig(Kernel::kScale, DType::kF32, 100), std::runtime_error);
}

TEST(WisdomLibrary, ChildMissUsesDefaults) {
  if (!amdahl_test::IsChild()) GTEST_SKIP() << "runs as a child process";
  EXPECT_STREQ("defaults", GetLoopConfig(Kernel::kScale, DType::kF32, 100).source);
  EXPECT_STREQ("defaults", GetLoopConfig(Kernel::kSum, DType::kF32, 100).source);
}

// One process switches wisdom files (one per MPI rank or Python session).
TEST(WisdomLibrary, ChildSwitchesFiles) {
  if (!amdahl_test::IsChild()) GTEST_SKIP() << "runs as a child process";
  const fs::path dir = fs::path(WisdomPath()).parent_path();
  HostWisdom w = Sample("");
  w.host = CurrentHostKey();
  const std::string tuned = (dir / "tuned.json").string();
  SaveWisdom(tuned, w);
  std::string why;
  EXPECT_TRUE(SetWisdomPath(tuned, &why)) << why;
  EXPECT_EQ(tuned, WisdomPath());
  EXPECT_STREQ("wisdom", GetLoopConfig(Kernel::kTriad, DType::kF64, 1 << 20).source);
  EXPECT_FALSE(SetWisdomPath((dir / "none.json").string(), &why));
  EXPECT_EQ("no file", why);
  EXPECT_STREQ("defaults", GetLoopConfig(Kernel::kTriad, DType::kF64, 1 << 20).source);
  EXPECT_TRUE(SetWisdomPath(tuned));
  EXPECT_STREQ("wisdom", GetLoopConfig(Kernel::kTriad, DType::kF64, 1 << 20).source);
  // "" gives the choice back to the environment ($AMDAHL_WISDOM: no file).
  EXPECT_FALSE(SetWisdomPath("", &why));
  EXPECT_NE(tuned, WisdomPath());
  EXPECT_STREQ("defaults", GetLoopConfig(Kernel::kTriad, DType::kF64, 1 << 20).source);
}

TEST(WisdomLibrary, ReadsTheFileOnceAndMissesGently) {
  if (amdahl_test::IsChild()) GTEST_SKIP();
  const fs::path dir = fs::temp_directory_path() / ("amdahl-wlib-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "w.json").string();
  HostWisdom w = Sample("");
  w.host = CurrentHostKey();
  // f64 2^9: the first tile on two threads, the last on one.
  const std::vector<GemmTileShape> tiles = GemmTiles(DType::kF64);
  for (size_t threads : {2, 1}) {
    const GemmTileShape& tile = threads == 2 ? tiles[0] : tiles.back();
    GemmWisdom e;
    e.dtype = DType::kF64;
    e.bucket = 9;
    e.config = DefaultGemmConfig(DType::kF64, 512, 512, 512, tile);
    e.config.kc = threads == 2 ? 300 : 200;
    e.config.threads = threads;
    w.gemm.push_back(e);
  }
  SaveWisdom(path, w);
  auto r = amdahl_test::RunSelf("AMDAHL_WISDOM=" + path, "WisdomLibrary.ChildUsesTheFile");
  EXPECT_EQ(0, r.exit_code) << r.output;
  EXPECT_EQ(std::string::npos, r.output.find("amdahl: warning")) << r.output;

  std::ofstream(dir / "bad.json") << "{\"schema\": 1, \"hosts\": [";
  r = amdahl_test::RunSelf("AMDAHL_WISDOM=" + (dir / "bad.json").string(),
                           "WisdomLibrary.ChildMissUsesDefaults");
  EXPECT_EQ(0, r.exit_code) << r.output;
  const size_t first = r.output.find("amdahl: warning: wisdom");
  EXPECT_NE(std::string::npos, first) << r.output;
  EXPECT_EQ(std::string::npos, r.output.find("amdahl: warning: wisdom", first + 1)) << r.output;

  r = amdahl_test::RunSelf("AMDAHL_WISDOM_STRICT=1 AMDAHL_WISDOM=" + (dir / "none.json").string(),
                           "WisdomLibrary.ChildStrictMissThrows");
  EXPECT_EQ(0, r.exit_code) << r.output;

  r = amdahl_test::RunSelf("AMDAHL_QUIET=1 AMDAHL_WISDOM=" + (dir / "later.json").string(),
                           "WisdomLibrary.ChildReloadsAfterASave");
  EXPECT_EQ(0, r.exit_code) << r.output;

  r = amdahl_test::RunSelf("AMDAHL_WISDOM=" + (dir / "env.json").string(),
                           "WisdomLibrary.ChildSwitchesFiles");
  EXPECT_EQ(0, r.exit_code) << r.output;
  EXPECT_EQ(std::string::npos, r.output.find("amdahl: warning")) << r.output;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace amdahl

namespace amdahl {
namespace {

// Run by tests/tune_cli_test.sh after amdahl-tune tuned scale/f32.
TEST(WisdomLibrary, ChildSeesWhatTheToolWrote) {
  if (!amdahl_test::IsChild()) GTEST_SKIP() << "runs from tune_cli_test.sh";
  // 2^10 is the bucket the tuner always measures; larger ones only within
  // its budget (a slow sanitizer build may not reach them, and then stores
  // nothing for them rather than a guess).
  EXPECT_STREQ("wisdom", GetLoopConfig(Kernel::kScale, DType::kF32, 1 << 10).source);
  EXPECT_STREQ("defaults", GetLoopConfig(Kernel::kDot, DType::kI32, 1 << 10).source);
}

}  // namespace
}  // namespace amdahl
