#include "amdahl/pool.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "amdahl/topology.h"
#include "tests/test_util.h"
#include "lib/hooks.h"
#include "lib/runtime/sanitized.h"

namespace amdahl {
namespace {

// Restores the API thread count after a test that sets it.
struct ThreadCountScope {
  explicit ThreadCountScope(size_t n) { SetNumThreads(n); }
  ~ThreadCountScope() { SetNumThreads(0); }
};

TEST(Pool, ChunksCoverTheRangeOnceWithFixedBoundaries) {
  for (size_t threads = 1; threads <= GetTopology().usable_cores.value; ++threads) {
    ThreadCountScope scope(threads);
    for (size_t n : {0u, 1u, 2u, 7u, 64u, 1000u, 12345u}) {
      for (size_t grain : {1u, 3u, 64u, 5000u}) {
        std::vector<std::atomic<int>> hits(n + 5);
        std::mutex mu;
        std::set<std::pair<size_t, size_t>> chunks;
        ParallelFor(5, 5 + n, grain, [&](size_t b, size_t e) {
          for (size_t i = b; i < e; ++i) hits[i]++;
          std::lock_guard<std::mutex> lock(mu);
          chunks.emplace(b, e);
        });
        for (size_t i = 0; i < 5; ++i) EXPECT_EQ(0, hits[i].load());
        for (size_t i = 5; i < n + 5; ++i) ASSERT_EQ(1, hits[i].load()) << i;
        for (const auto& [b, e] : chunks) {
          EXPECT_EQ(0u, (b - 5) % grain);
          EXPECT_TRUE(e - b == grain || e == 5 + n);
        }
      }
    }
  }
}

// Functors of every kind a call may get: small and trivially copyable (each
// thread runs its own copy from the job's line), one word too large, over-
// aligned, not trivially copyable, and move-only (run through a pointer).
// Each must see its own state and cover the range once.
template <class F>
void ExpectEachIndexOnce(const F& f, const std::vector<std::atomic<int>>& hits, size_t n) {
  ParallelForThreads(0, n, 7, 0, f);
  for (size_t i = 0; i < n; ++i) ASSERT_EQ(1, hits[i].load()) << i;
}

TEST(Pool, FunctorsOfEverySizeAndKind) {
  constexpr size_t n = 1000;
  for (size_t threads = 1; threads <= GetTopology().usable_cores.value; ++threads) {
    ThreadCountScope scope(threads);
    {  // three words: fits the job's line
      std::vector<std::atomic<int>> hits(n);
      struct ThreeWords {
        std::atomic<int>* h;
        size_t offset, scale;
        void operator()(size_t b, size_t e) const {
          for (size_t i = b; i < e; ++i) h[(i + offset) * scale - offset]++;
        }
      };
      static_assert(sizeof(ThreeWords) == sizeof(detail::JobContext), "fills the job's bytes");
      ExpectEachIndexOnce(ThreeWords{hits.data(), 3, 1}, hits, n);
    }
    {  // four words: one too many, run through a pointer
      std::vector<std::atomic<int>> hits(n);
      struct FourWords {
        std::atomic<int>* h;
        size_t scale, offset0, offset1;
        void operator()(size_t b, size_t e) const {
          for (size_t i = b; i < e; ++i) h[i * scale + offset0 + offset1]++;
        }
      };
      static_assert(sizeof(FourWords) > sizeof(detail::JobContext), "too large for the job");
      ExpectEachIndexOnce(FourWords{hits.data(), 1, 0, 0}, hits, n);
    }
    {  // over-aligned
      std::vector<std::atomic<int>> hits(n);
      struct alignas(32) Aligned {
        std::atomic<int>* h;
        void operator()(size_t b, size_t e) const {
          for (size_t i = b; i < e; ++i) h[i]++;
        }
      };
      ExpectEachIndexOnce(Aligned{hits.data()}, hits, n);
    }
    {  // not trivially copyable: owns a vector
      std::vector<std::atomic<int>> hits(n);
      std::atomic<int>* h = hits.data();
      std::vector<size_t> index(n);
      for (size_t i = 0; i < n; ++i) index[i] = n - 1 - i;
      auto f = [h, index](size_t b, size_t e) {
        for (size_t i = b; i < e; ++i) h[index[i]]++;
      };
      ExpectEachIndexOnce(f, hits, n);
    }
    {  // move-only
      std::vector<std::atomic<int>> hits(n);
      auto one = std::make_unique<int>(1);
      std::atomic<int>* h = hits.data();
      auto f = [h, one = std::move(one)](size_t b, size_t e) {
        for (size_t i = b; i < e; ++i) h[i] += *one;
      };
      ExpectEachIndexOnce(f, hits, n);
    }
  }
}

TEST(Pool, UsesEveryThreadItMay) {
  const size_t cores = GetTopology().usable_cores.value;
  EXPECT_LE(NumThreads(), cores);
  std::mutex mu;
  std::set<std::thread::id> ids;
  std::atomic<int> arrived{0};
  // Each chunk waits (bounded) until every thread has one, so all take part.
  ParallelFor(0, NumThreads(), 1, [&](size_t, size_t) {
    {
      std::lock_guard<std::mutex> lock(mu);
      ids.insert(std::this_thread::get_id());
    }
    arrived++;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (arrived.load() < static_cast<int>(NumThreads()) &&
           std::chrono::steady_clock::now() < until) {
    }
  });
  EXPECT_EQ(NumThreads(), ids.size());
  EXPECT_EQ(NumThreads() - 1, NumWorkersStarted());
}

TEST(Pool, CountsTheThreadsItUsed) {
  detail::TakeMostThreadsUsed();  // forget earlier tests' calls
  ParallelForThreads(0, 100, 10, 1, [](size_t, size_t) {});
  EXPECT_EQ(1u, detail::TakeMostThreadsUsed()) << "one thread asked for";
  ParallelFor(0, 1, 1, [](size_t, size_t) {});
  EXPECT_EQ(1u, detail::TakeMostThreadsUsed()) << "one chunk";
  const size_t threads = NumThreads();
  ParallelForPinned(0, 100, 10, threads, [](size_t, size_t) {});
  ParallelForThreads(0, 100, 10, 1, [](size_t, size_t) {});
  // The most since the last take: the serial call after it does not lower it.
  EXPECT_EQ(threads, detail::TakeMostThreadsUsed());
  EXPECT_EQ(1u, detail::TakeMostThreadsUsed()) << "taking starts counting again";
}

TEST(Pool, CallerAffinityUntouchedWorkersPinned) {
  cpu_set_t before, after;
  ASSERT_EQ(0, sched_getaffinity(0, sizeof(before), &before));
  const auto caller = std::this_thread::get_id();
  std::mutex mu;
  std::vector<int> worker_cpu_counts;
  // One chunk per participant (pinned schedule): every worker runs one, so
  // the list below cannot come back empty while workers exist.
  const size_t threads = NumThreads();
  ParallelForPinned(0, threads, 1, threads, [&](size_t, size_t) {
    if (std::this_thread::get_id() == caller) return;
    cpu_set_t mine;
    sched_getaffinity(0, sizeof(mine), &mine);
    std::lock_guard<std::mutex> lock(mu);
    worker_cpu_counts.push_back(CPU_COUNT(&mine));
  });
  ASSERT_EQ(0, sched_getaffinity(0, sizeof(after), &after));
  EXPECT_TRUE(CPU_EQUAL(&before, &after));
  ASSERT_EQ(threads - 1, worker_cpu_counts.size()) << "workers that reported their mask";
  for (int count : worker_cpu_counts) {
    EXPECT_GE(count, 1);
    EXPECT_LE(static_cast<size_t>(count), GetTopology().smt.value);
  }
}

TEST(Pool, NestedCallsRunSeriallyOnTheSameThread) {
  std::atomic<size_t> total{0};
  std::atomic<int> wrong_thread{0};
  ParallelFor(0, 64, 1, [&](size_t, size_t) {
    EXPECT_TRUE(InParallelTask());
    const auto me = std::this_thread::get_id();
    ParallelFor(0, 100, 7, [&](size_t b, size_t e) {
      if (std::this_thread::get_id() != me) wrong_thread++;
      for (size_t i = b; i < e; ++i) total += i;
    });
  });
  EXPECT_FALSE(InParallelTask());
  EXPECT_EQ(64u * 4950, total.load());
  EXPECT_EQ(0, wrong_thread.load());
}

TEST(Pool, ManyUserThreadsCallingAtOnce) {
  constexpr int kUsers = 8, kCalls = 1000;
  std::atomic<int> bad{0};
  std::vector<std::thread> users;
  for (int u = 0; u < kUsers; ++u) {
    users.emplace_back([&, u] {
      for (int c = 0; c < kCalls; ++c) {
        const size_t n = 100 + static_cast<size_t>((u * 37 + c) % 900);
        std::atomic<size_t> sum{0};
        ParallelFor(0, n, 16, [&](size_t b, size_t e) {
          size_t s = 0;
          for (size_t i = b; i < e; ++i) s += i;
          sum += s;
        });
        if (sum.load() != n * (n - 1) / 2) bad++;
      }
    });
  }
  for (auto& t : users) t.join();
  EXPECT_EQ(0, bad.load());
}

TEST(Pool, ExceptionReachesCallerAndPoolStaysUsable) {
  for (int round = 0; round < 20; ++round) {
    std::atomic<int> ran{0};
    EXPECT_THROW(ParallelFor(0, 1000, 1,
                             [&](size_t b, size_t) {
                               ran++;
                               if (b == 17) throw std::runtime_error("chunk 17");
                             }),
                 std::runtime_error);
    EXPECT_GE(ran.load(), 1);
  }
  std::atomic<size_t> sum{0};
  ParallelFor(0, 1000, 10, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) sum += i;
  });
  EXPECT_EQ(999u * 1000 / 2, sum.load());
  // A pinned loop stops at a failure flag it reads before every chunk: the
  // flag a failed call left must be cleared for the next call.
  EXPECT_THROW(ParallelForPinned(0, 1000, 1, 0,
                                 [&](size_t b, size_t) {
                                   if (b == 3) throw std::runtime_error("chunk 3");
                                 }),
               std::runtime_error);
  std::atomic<size_t> pinned_sum{0};
  ParallelForPinned(0, 1000, 10, 0, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) pinned_sum += i;
  });
  EXPECT_EQ(999u * 1000 / 2, pinned_sum.load());
}

// Returns the exit code of `child` run in a forked process (0: all good).
template <class F>
int InForkedChild(const F& child) {
  fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) _exit(child());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

size_t ParallelSum(size_t n) {
  std::atomic<size_t> sum{0};
  ParallelFor(0, n, 32, [&](size_t b, size_t e) {
    size_t s = 0;
    for (size_t i = b; i < e; ++i) s += i;
    sum += s;
  });
  return sum.load();
}

TEST(Pool, WorksInAForkChild) {
  ASSERT_EQ(4950u, ParallelSum(100));  // the parent's pool exists
  const int code = InForkedChild([] {
    if (ParallelSum(100000) != 100000ull * 99999 / 2) return 1;
    if (NumWorkersStarted() != NumThreads() - 1) return 2;
    return 0;
  });
  EXPECT_EQ(0, code);
  EXPECT_EQ(4950u, ParallelSum(100));
}

// Runs in a fresh child process: glibc caches the stacks of finished threads,
// so only a new process is sure to need a new mapping for a worker's stack.
TEST(Pool, ChildWithoutRoomForThreads) {
  if (!amdahl_test::IsChild()) GTEST_SKIP() << "runs as a child process";
  GetTopology();
  // Cap the address space so that no 8 MiB thread stack fits any more.
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0;
  statm >> pages;
  const rlim_t cap = pages * static_cast<rlim_t>(sysconf(_SC_PAGESIZE)) + (2u << 20);
  rlimit lim{cap, cap};
  ASSERT_EQ(0, setrlimit(RLIMIT_AS, &lim));
  EXPECT_EQ(100000ull * 99999 / 2, ParallelSum(100000));
  EXPECT_EQ(0u, NumWorkersStarted());
  EXPECT_EQ(4950u, ParallelSum(100));
}

TEST(Pool, GoesOnWhenThreadsCannotBeCreated) {
  if (amdahl_test::IsChild()) GTEST_SKIP();
  if (AMDAHL_SANITIZED) GTEST_SKIP() << "sanitizers reserve address space of their own";
  if (GetTopology().usable_cores.value < 2) GTEST_SKIP() << "no worker to fail";
  const auto r = amdahl_test::RunSelf("", "Pool.ChildWithoutRoomForThreads");
  EXPECT_EQ(0, r.exit_code) << r.output;
  EXPECT_NE(std::string::npos, r.output.find("could not start worker thread")) << r.output;
}

// Every participant of a pinned call runs its own chunk; returns false if
// any chunk was skipped.
bool EveryParticipantRan(size_t threads, uint32_t round, std::vector<uint32_t>* seen) {
  seen->assign(threads, 0);
  ParallelForPinned(0, threads, 1, threads, [&](size_t b, size_t) {
    (*seen)[b] = round;
  });
  for (uint32_t v : *seen) {
    if (v != round) return false;
  }
  return true;
}

// The workers' 32-bit epoch counters start just below the wrap; calls with
// every thread count cross it, and no worker may skip its chunk (a shared
// counter handed a worker that sat out a call the value it had seen last).
TEST(Pool, EpochCounterWrapsHarmlessly) {
  const int code = InForkedChild([] {
    if (!detail::SetPoolEpochsForTesting(UINT32_MAX - 5)) return 1;
    std::vector<uint32_t> seen;
    const size_t p = NumThreads();
    for (uint32_t round = 1; round <= 40; ++round) {
      const size_t threads = 1 + round % p;
      if (!EveryParticipantRan(threads, round, &seen)) return 10 + static_cast<int>(round);
    }
    // Once workers exist their epochs cannot be moved.
    if (p > 1 && detail::SetPoolEpochsForTesting(0)) return 2;
    return 0;
  });
  EXPECT_EQ(0, code) << "1: hook refused on a fresh pool; 2: hook accepted with workers; "
                        "10 + r: a chunk skipped in round r";
}

// Calls spaced around and beyond the workers' spin time, so that they go to
// sleep on the futex between calls and must be woken each time; a lost
// wake-up hangs here (and the test times out).
TEST(Pool, SleepingWorkersWakeForEveryCall) {
  if (NumThreads() < 2) GTEST_SKIP() << "no worker to sleep";
  const int gaps_us[] = {0, 250, 290, 300, 310, 350, 600, 1000};
  std::vector<uint32_t> seen;
  for (uint32_t round = 1; round <= 2000; ++round) {
    std::this_thread::sleep_for(std::chrono::microseconds(gaps_us[round % 8]));
    ASSERT_TRUE(EveryParticipantRan(NumThreads(), round, &seen)) << "round " << round;
  }
}

// Which thread ran each of `threads` one-element chunks of one call.
std::vector<std::thread::id> WhoRanEachChunk(size_t threads, detail::Schedule schedule) {
  std::vector<std::thread::id> who(threads);
  detail::ParallelRunOf(0, threads, 1, threads, schedule, [&who](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) who[i] = std::this_thread::get_id();
  });
  return who;
}

// A short job (Schedule::kPinnedShort) does not wait for a sleeping worker:
// the caller runs every chunk itself. A run of them wakes the workers, which
// then take their chunks again; an ordinary pinned job always waits for
// them. (Retried: on a loaded machine a worker may not have gone to sleep
// yet after the pause.)
TEST(Pool, ShortJobsRunOnTheCallerWhileWorkersSleepAndARunOfThemWakesThem) {
  if (NumThreads() < 2) GTEST_SKIP() << "no worker to sleep";
  const size_t threads = NumThreads();
  const auto caller = std::this_thread::get_id();
  bool ran_alone = false;
  for (int attempt = 1; attempt <= 20 && !ran_alone; ++attempt) {
    ASSERT_EQ(4950u, ParallelSum(100));
    std::this_thread::sleep_for(std::chrono::milliseconds(10 * attempt));
    const std::vector<std::thread::id> who = WhoRanEachChunk(threads, detail::Schedule::kPinnedShort);
    ran_alone = std::all_of(who.begin(), who.end(), [&](std::thread::id t) { return t == caller; });
    // Alone or pinned, nothing else: chunk 0 is always the caller's.
    ASSERT_EQ(caller, who[0]);
  }
  EXPECT_TRUE(ran_alone) << "a short call never ran alone after the workers slept";
  // Back to back, the run of short calls wakes the sleepers.
  bool worker_ran = false;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!worker_ran && std::chrono::steady_clock::now() < until) {
    const std::vector<std::thread::id> who = WhoRanEachChunk(threads, detail::Schedule::kPinnedShort);
    worker_ran = who[1] != caller;
  }
  EXPECT_TRUE(worker_ran) << "short calls in a row never woke the workers";
  // An ordinary pinned job waits for a sleeping worker: chunk 1 is its.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_NE(caller, WhoRanEachChunk(threads, detail::Schedule::kPinned)[1]);
}

// Ranges that end at SIZE_MAX: chunk ends are computed without wrapping, on
// the pool and on the serial path, and the chunks still tile the range.
TEST(Pool, RangesEndingAtSizeMax) {
  for (size_t threads : {size_t{1}, NumThreads()}) {
    ThreadCountScope scope(threads);
    for (size_t grain : {size_t{1}, size_t{64}, size_t{1000}, SIZE_MAX / 2, SIZE_MAX}) {
      const size_t begin = SIZE_MAX - 1000, end = SIZE_MAX;
      std::mutex mu;
      std::vector<std::pair<size_t, size_t>> chunks;
      ParallelFor(begin, end, grain, [&](size_t b, size_t e) {
        std::lock_guard<std::mutex> lock(mu);
        chunks.emplace_back(b, e);
      });
      std::sort(chunks.begin(), chunks.end());
      ASSERT_FALSE(chunks.empty());
      EXPECT_EQ(begin, chunks.front().first);
      EXPECT_EQ(end, chunks.back().second) << "grain " << grain;
      for (size_t i = 0; i < chunks.size(); ++i) {
        EXPECT_LT(chunks[i].first, chunks[i].second) << "grain " << grain;
        if (i > 0) {
          EXPECT_EQ(chunks[i - 1].second, chunks[i].first);
        }
      }
    }
  }
}

double ProcessCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

TEST(Pool, IdleWorkersSleep) {
  ASSERT_EQ(4950u, ParallelSum(100));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double before = ProcessCpuSeconds();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const double burnt = ProcessCpuSeconds() - before;
  EXPECT_LT(burnt, 0.02) << "idle workers used CPU for " << burnt << " s";
}

TEST(ThreadCount, ChainAndBadValues) {
  std::string w;
  EXPECT_EQ(4u, detail::ThreadCountFromEnv(nullptr, nullptr, 4, &w));
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(2u, detail::ThreadCountFromEnv("2", nullptr, 4, &w));
  EXPECT_EQ(2u, detail::ThreadCountFromEnv("2", "3", 4, &w));
  EXPECT_EQ(3u, detail::ThreadCountFromEnv(nullptr, "3,1", 4, &w));
  EXPECT_EQ(3u, detail::ThreadCountFromEnv("", "3", 4, &w));
  EXPECT_TRUE(w.empty());
  for (const char* bad : {"-3", "abc", "0", "2x", " ", "99999999999999999999999"}) {
    w.clear();
    EXPECT_EQ(4u, detail::ThreadCountFromEnv(bad, nullptr, 4, &w)) << bad;
    EXPECT_NE(std::string::npos, w.find("AMDAHL_NUM_THREADS")) << bad;
  }
  w.clear();
  EXPECT_EQ(4u, detail::ThreadCountFromEnv(nullptr, "100000", 4, &w));
  EXPECT_NE(std::string::npos, w.find("OMP_NUM_THREADS=100000 exceeds")) << w;
}

TEST(ThreadCount, ChildReadsEnvironment) {
  if (!amdahl_test::IsChild()) GTEST_SKIP() << "runs as a child process";
  const char* expect = std::getenv("EXPECT_THREADS");
  ASSERT_NE(nullptr, expect);
  EXPECT_EQ(static_cast<size_t>(std::atoi(expect)), NumThreads());
  SetNumThreads(1);  // the API beats the environment
  EXPECT_EQ(1u, NumThreads());
  SetNumThreads(0);
  EXPECT_EQ(static_cast<size_t>(std::atoi(expect)), NumThreads());
  EXPECT_EQ(4950u, ParallelSum(100));
}

TEST(ThreadCount, EnvironmentChainInChildren) {
  if (amdahl_test::IsChild()) GTEST_SKIP();
  const std::string all = std::to_string(GetTopology().usable_cores.value);
  struct Case {
    std::string env;
    std::string expect;
    bool warns;
  };
  for (const Case& c : {Case{"AMDAHL_NUM_THREADS=1 OMP_NUM_THREADS=2", "1", false},
                        Case{"OMP_NUM_THREADS=1", "1", false},
                        Case{"AMDAHL_NUM_THREADS=-3", all, true},
                        Case{"AMDAHL_NUM_THREADS=abc", all, true},
                        Case{"AMDAHL_NUM_THREADS=100000", all, true},
                        Case{"AMDAHL_PIN=0 AMDAHL_NUM_THREADS=" + all, all, false}}) {
    const auto r = amdahl_test::RunSelf("EXPECT_THREADS=" + c.expect + " " + c.env,
                                        "ThreadCount.ChildReadsEnvironment");
    EXPECT_EQ(0, r.exit_code) << c.env << "\n" << r.output;
    EXPECT_EQ(c.warns, r.output.find("amdahl: warning:") != std::string::npos)
        << c.env << "\n" << r.output;
  }
  // AMDAHL_QUIET=1 silences the warning.
  const auto quiet = amdahl_test::RunSelf(
      "AMDAHL_QUIET=1 AMDAHL_NUM_THREADS=abc EXPECT_THREADS=" + all,
      "ThreadCount.ChildReadsEnvironment");
  EXPECT_EQ(0, quiet.exit_code) << quiet.output;
  EXPECT_EQ(std::string::npos, quiet.output.find("amdahl: warning:")) << quiet.output;
}

}  // namespace
}  // namespace amdahl
