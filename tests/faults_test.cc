// Faults from outside: a saver killed mid-write, read-only and missing
// folders, a full disk, a file-size limit, a CPU quota smaller than the
// machine. The library must keep the user's wisdom whole, say clearly what
// went wrong, and run on defaults.
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "amdahl/amdahl.h"
#include "tests/test_util.h"

namespace amdahl {
namespace {

namespace fs = std::filesystem;

// Wisdom for this host with `loops` entries (about 110 KiB for 500,
// so that a write takes long enough to be interrupted), marked by `mark`.
HostWisdom Wisdom(double mark, size_t loops) {
  HostWisdom w;
  w.host = CurrentHostKey();
  w.library_version = "test";
  w.memory_gbps = mark;
  for (size_t i = 0; i < loops; ++i) {
    LoopWisdom l;
    l.kernel = static_cast<Kernel>(i % 6);
    l.bucket = static_cast<int>(i % 64);
    l.config.threads = 1;
    l.config.grain = 64 + i;
    l.gbps = mark;
    w.loops.push_back(l);
  }
  return w;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh folder per test, removed afterwards.
class Faults : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = amdahl_test::FreshTestDir("faults");
  }
  void TearDown() override {
    std::error_code ignored;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(dir_, ignored);
  }
  // Temporary files of savers ("<name>.tmp-<host>-<pid>-XXXXXX"), of one
  // process if pid != 0.
  size_t TempFiles(pid_t pid = 0) const {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir_)) {
      const std::string name = e.path().filename().string();
      n += name.find(".tmp-") != std::string::npos &&
           (pid == 0 || name.find("-" + std::to_string(pid) + "-") != std::string::npos);
    }
    return n;
  }
  fs::path dir_;
};

TEST_F(Faults, SaverKilledAtAnyMomentLeavesAWholeFile) {
  const std::string path = (dir_ / "wisdom.json").string();
  HostWisdom other = Wisdom(1, 10);
  other.host.cpu_model = "another machine";
  SaveWisdom(path, other);
  SaveWisdom(path, Wisdom(100, 500));
  std::mt19937 rng(1);
  int interrupted = 0;
  for (int round = 0; round < 40; ++round) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      // Saves over and over, alternating two versions, until killed.
      for (int i = 0;; ++i) SaveWisdom(path, Wisdom(i % 2 ? 200 : 300, 500));
    }
    if (round % 2 == 0) {
      // At a random moment of the save loop.
      std::this_thread::sleep_for(std::chrono::microseconds(
          std::uniform_int_distribution<int>(1000, 60000)(rng)));
    } else {
      // While a temporary file exists: between its creation and the rename.
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (TempFiles(child) == 0 && std::chrono::steady_clock::now() < give_up) {
      }
    }
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the saver ended by itself";
    interrupted += TempFiles(child) > 0;
    // Whatever moment it died at, the file is one whole version, and the
    // other machine's entry is still there.
    HostWisdom got;
    std::string why;
    ASSERT_TRUE(LoadWisdom(path, CurrentHostKey(), &got, &why, nullptr)) << why;
    EXPECT_TRUE(got.memory_gbps == 100 || got.memory_gbps == 200 || got.memory_gbps == 300)
        << got.memory_gbps;
    EXPECT_EQ(500u, got.loops.size());
    ASSERT_TRUE(LoadWisdom(path, other.host, &got, &why, nullptr)) << why;
  }
  // Some kills landed mid-write (a temporary file left behind); the next
  // save removes what dead savers left.
  std::printf("%d of 40 kills left a temporary file\n", interrupted);
  EXPECT_GT(interrupted, 0) << "no kill landed during a write; the test proved nothing";
  SaveWisdom(path, Wisdom(400, 10));
  EXPECT_EQ(0u, TempFiles());
}

TEST_F(Faults, FullDiskIsAClearError) {
  try {
    SaveWisdom("/dev/full", Wisdom(1, 10));
    ADD_FAILURE() << "writing to /dev/full succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string::npos, std::string(e.what()).find("/dev/full")) << e.what();
    EXPECT_NE(std::string::npos, std::string(e.what()).find("No space left")) << e.what();
  }
  struct stat st;
  ASSERT_EQ(0, stat("/dev/full", &st));
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "/dev/full was replaced";

  // A disk that fills up during the write (a file-size limit in a child):
  // the old file stays, no temporary file is left.
  const std::string path = (dir_ / "wisdom.json").string();
  SaveWisdom(path, Wisdom(7, 10));
  const std::string before = ReadFile(path);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{4096, 4096};
    setrlimit(RLIMIT_FSIZE, &limit);
    try {
      SaveWisdom(path, Wisdom(8, 2000));
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      _exit(what.find("File too large") != std::string::npos &&
                    what.find(dir_.string()) != std::string::npos
                ? 0
                : 2);
    }
    _exit(1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(0, WEXITSTATUS(status)) << "1: no error, 2: an unclear one";
  EXPECT_EQ(before, ReadFile(path));
  EXPECT_EQ(0u, TempFiles());
}

TEST_F(Faults, SymbolicLinkStaysALink) {
  fs::create_directories(dir_ / "shared");
  const fs::path real = dir_ / "shared" / "wisdom.json";
  const fs::path link = dir_ / "wisdom.json";
  SaveWisdom(real.string(), Wisdom(1, 1));
  fs::create_symlink(real, link);
  SaveWisdom(link.string(), Wisdom(2, 1));
  EXPECT_TRUE(fs::is_symlink(link));
  HostWisdom got;
  std::string why;
  ASSERT_TRUE(LoadWisdom(real.string(), CurrentHostKey(), &got, &why, nullptr)) << why;
  EXPECT_EQ(2, got.memory_gbps);
}

// The read-only cases need a process that file modes bind: root runs the
// child without the capabilities that override them. Returns the shell
// prefix for the child, or "" if there is no way.
std::string BoundByFileModes() {
  if (geteuid() != 0) return " ";
  const std::string prefix =
      "setpriv --inh-caps=-dac_override,-dac_read_search "
      "--bounding-set=-dac_override,-dac_read_search";
  return system((prefix + " true 2>/dev/null").c_str()) == 0 ? prefix : "";
}

TEST_F(Faults, ReadOnlyFolderIsReportedAndTheLibraryRunsOn) {
  const std::string bound = BoundByFileModes();
  if (bound.empty()) GTEST_SKIP() << "root, and setpriv cannot drop CAP_DAC_OVERRIDE";
  const fs::path ro = dir_ / "ro";
  fs::create_directories(ro / "empty");
  SaveWisdom((ro / "wisdom.json").string(), Wisdom(5, 1));
  fs::permissions(ro / "wisdom.json", fs::perms::owner_read | fs::perms::group_read |
                                          fs::perms::others_read, fs::perm_options::replace);
  for (const fs::path& p : {ro, ro / "empty"}) {
    fs::permissions(p, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                           fs::perms::group_exec | fs::perms::others_read |
                           fs::perms::others_exec,
                    fs::perm_options::replace);
  }
  const std::string before = ReadFile((ro / "wisdom.json").string());
  const auto r = amdahl_test::RunSelf(
      "AMDAHL_FAULTS_DIR=" + ro.string() + " " + bound, "FaultsChild.ReadOnly");
  EXPECT_EQ(0, r.exit_code) << r.output;
  EXPECT_EQ(before, ReadFile((ro / "wisdom.json").string()));
}

TEST(FaultsChild, ReadOnly) {
  if (!amdahl_test::IsChild()) GTEST_SKIP() << "runs as a child process";
  const std::string ro = std::getenv("AMDAHL_FAULTS_DIR");
  // Saving: a clear error naming the place and the reason.
  for (const std::string& path : {ro + "/wisdom.json", ro + "/empty/wisdom.json",
                                 ro + "/empty/new/wisdom.json"}) {
    for (int check_only = 0; check_only < 2; ++check_only) {
      try {
        if (check_only) {
          CheckWisdomWritable(path);
        } else {
          SaveWisdom(path, Wisdom(6, 1));
        }
        ADD_FAILURE() << "wrote " << path;
      } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string::npos, std::string(e.what()).find(ro)) << e.what();
        EXPECT_NE(std::string::npos, std::string(e.what()).find("Permission denied")) << e.what();
      }
    }
  }
  // Reading: the file in a read-only folder loads.
  HostWisdom got;
  std::string why;
  EXPECT_TRUE(LoadWisdom(ro + "/wisdom.json", CurrentHostKey(), &got, &why, nullptr)) << why;
  EXPECT_EQ(5, got.memory_gbps);
}

TEST_F(Faults, MissingOrUnreadableWisdomRunsOnDefaults) {
  // A cache folder that does not exist.
  auto r = amdahl_test::RunSelf(
      "AMDAHL_WISDOM=" + (dir_ / "no" / "such" / "wisdom.json").string(),
      "FaultsChild.RunsOnDefaults");
  EXPECT_EQ(0, r.exit_code) << r.output;
  EXPECT_NE(std::string::npos, r.output.find("folder " + (dir_ / "no" / "such").string() +
                                             " is missing); using defaults"))
      << r.output;
  // A folder where the file should be.
  fs::create_directories(dir_ / "wisdom.json");
  r = amdahl_test::RunSelf("AMDAHL_WISDOM=" + (dir_ / "wisdom.json").string(),
                           "FaultsChild.RunsOnDefaults");
  EXPECT_EQ(0, r.exit_code) << r.output;
  EXPECT_NE(std::string::npos, r.output.find("is a folder, not a file")) << r.output;
  // A file this user may not read.
  const std::string bound = BoundByFileModes();
  if (bound.empty()) return;
  const fs::path secret = dir_ / "secret.json";
  SaveWisdom(secret.string(), Wisdom(5, 1));
  fs::permissions(secret, fs::perms::none, fs::perm_options::replace);
  r = amdahl_test::RunSelf("AMDAHL_WISDOM=" + secret.string() + " " + bound,
                           "FaultsChild.RunsOnDefaults");
  EXPECT_EQ(0, r.exit_code) << r.output;
  EXPECT_NE(std::string::npos, r.output.find("cannot read: Permission denied")) << r.output;
}

TEST_F(Faults, PipeOrDeviceAsWisdomIsRefusedUnread) {
  // A FIFO nobody writes to must not hang the program; /dev/zero must not
  // be read forever.
  const std::string fifo = (dir_ / "wisdom.fifo").string();
  ASSERT_EQ(0, mkfifo(fifo.c_str(), 0600));
  for (const std::string& path : {fifo, std::string("/dev/zero")}) {
    HostWisdom got;
    std::string why;
    EXPECT_FALSE(LoadWisdom(path, CurrentHostKey(), &got, &why, nullptr)) << path;
    EXPECT_EQ("is not a regular file", why) << path;
  }
}

TEST(FaultsChild, RunsOnDefaults) {
  if (!amdahl_test::IsChild()) GTEST_SKIP() << "runs as a child process";
  EXPECT_STREQ("defaults", GetLoopConfig(Kernel::kScale, DType::kF32, 1 << 20).source);
  std::vector<float> x(1 << 20, 1.0f), y(1 << 20);
  Scale(x.size(), 3.0f, x.data(), y.data());
  EXPECT_EQ(3.0f, y.back());
}

// A CPU quota of one CPU on a machine with more: one thread, no workers.
// Needs a writable cgroup (root on this VM and in CI); skipped elsewhere.
TEST(Quota, SmallerThanTheMachineIsHonoured) {
  if (amdahl_test::IsChild()) GTEST_SKIP();
  if (GetTopology().usable_cores.value < 2) GTEST_SKIP() << "one core: no quota to honour";
  const std::string name = "amdahl-test-" + std::to_string(getpid());
  std::string procs;
  if (fs::exists("/sys/fs/cgroup/cgroup.controllers")) {  // v2
    const fs::path g = fs::path("/sys/fs/cgroup") / name;
    std::error_code ec;
    if (!fs::create_directory(g, ec)) GTEST_SKIP() << "cgroup v2 not writable: " << ec.message();
    std::ofstream(g / "cpu.max") << "100000 100000\n";
    procs = (g / "cgroup.procs").string();
  } else {
    const fs::path g = fs::path("/sys/fs/cgroup/cpu") / name;
    std::error_code ec;
    if (!fs::create_directory(g, ec)) GTEST_SKIP() << "cgroup v1 cpu not writable: " << ec.message();
    std::ofstream(g / "cpu.cfs_period_us") << "100000\n";
    std::ofstream(g / "cpu.cfs_quota_us") << "100000\n";
    procs = (g / "cgroup.procs").string();
  }
  const std::string group = fs::path(procs).parent_path().string();
  if (!fs::exists(procs) || ReadFile(group + (fs::exists(group + "/cpu.max")
                                                  ? "/cpu.max"
                                                  : "/cpu.cfs_quota_us"))
                                    .rfind("100000", 0) != 0) {
    fs::remove(group);
    GTEST_SKIP() << "could not set a quota in " << group;
  }
  // The child moves itself into the group (77: it may not), then runs.
  const auto r = amdahl_test::RunSelf(
      "sh -c 'echo $$ > " + procs + " || exit 77; exec \"$0\" \"$@\"'",
      "FaultsChild.UnderQuota");
  rmdir(group.c_str());
  if (r.exit_code == 77) GTEST_SKIP() << "cannot move a process into " << group << ": " << r.output;
  EXPECT_EQ(0, r.exit_code) << r.output;
}

TEST(FaultsChild, UnderQuota) {
  if (!amdahl_test::IsChild()) GTEST_SKIP() << "runs as a child process";
  const Topology& t = GetTopology();
  EXPECT_EQ(1u, t.quota_cpus.value) << DescribeTopology(t);
  EXPECT_EQ(1u, t.usable_cores.value) << DescribeTopology(t);
  EXPECT_EQ(1u, NumThreads());
  std::vector<double> x(1 << 20, 2.0);
  EXPECT_EQ(4.0 * (1 << 20), Dot(x.size(), x.data(), x.data()));
  EXPECT_EQ(0u, NumWorkersStarted());
}

}  // namespace
}  // namespace amdahl
