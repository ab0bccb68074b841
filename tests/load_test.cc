// Load: 16 user threads call mixed kernels (every op and dtype, sizes from
// tiny to past the serial cutoff) for AMDAHL_LOAD_SECONDS (default 10). Every
// result must be exact (the data make it so), no call may hang (a watchdog
// aborts after 60 s without progress), and memory must stay flat: heap and
// resident size measured at half time and at the end.
#include <malloc.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "amdahl/amdahl.h"
#include "lib/runtime/sanitized.h"


namespace amdahl {
namespace {

constexpr size_t kMaxN = size_t{1} << 18;  // past every serial cutoff
constexpr size_t kMaxDim = 96;             // GEMM up to 96^3

size_t HeapBytes() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

// One user thread's buffers, allocated once so that the test itself does
// not churn the heap it measures. Inputs hold small integers: every sum and
// product is exact in every type, so results compare with ==.
template <typename T>
struct Work {
  std::vector<T> x = std::vector<T>(kMaxN), y = std::vector<T>(kMaxN),
                 z = std::vector<T>(kMaxN);
  std::vector<T> a = std::vector<T>(kMaxDim * kMaxDim), b = std::vector<T>(kMaxDim * kMaxDim),
                 c = std::vector<T>(kMaxDim * kMaxDim);

  // Runs one random kernel call and checks it (`largest`: kernel `op` at
  // the largest size). Returns "" or what was wrong.
  std::string Call(std::mt19937_64& rng, bool largest = false, int op = 0) {
    size_t n = std::uniform_int_distribution<size_t>(0, 1)(rng)
                   ? std::uniform_int_distribution<size_t>(0, 300)(rng)
                   : std::uniform_int_distribution<size_t>(0, kMaxN)(rng);
    if (largest) n = kMaxN;
    for (size_t i = 0; i < n; ++i) {
      x[i] = T(static_cast<int>(i % 7) - 3);
      y[i] = T(static_cast<int>(i % 5));
    }
    switch (largest ? op : std::uniform_int_distribution<int>(0, 6)(rng)) {
      case 0:
        Scale(n, T(3), x.data(), z.data());
        for (size_t i = 0; i < n; ++i) {
          if (z[i] != T(3) * x[i]) return "Scale";
        }
        break;
      case 1:
        Axpy(n, T(2), x.data(), y.data());
        for (size_t i = 0; i < n; ++i) {
          if (y[i] != T(2) * x[i] + T(static_cast<int>(i % 5))) return "Axpy";
        }
        break;
      case 2:
        Add(n, x.data(), y.data(), z.data());
        for (size_t i = 0; i < n; ++i) {
          if (z[i] != x[i] + y[i]) return "Add";
        }
        break;
      case 3:
        Triad(n, x.data(), T(-2), y.data(), z.data());
        for (size_t i = 0; i < n; ++i) {
          if (z[i] != x[i] + T(-2) * y[i]) return "Triad";
        }
        break;
      case 4: {
        T want = 0;
        for (size_t i = 0; i < n; ++i) want += x[i];
        if (Sum(n, x.data()) != want) return "Sum";
        break;
      }
      case 5: {
        T want = 0;
        for (size_t i = 0; i < n; ++i) want += x[i] * y[i];
        if (Dot(n, x.data(), y.data()) != want) return "Dot";
        break;
      }
      default: {
        std::uniform_int_distribution<size_t> dim(1, kMaxDim);
        const size_t m = largest ? kMaxDim : dim(rng), nn = largest ? kMaxDim : dim(rng),
                     k = largest ? kMaxDim : dim(rng);
        for (size_t i = 0; i < m * k; ++i) a[i] = T(static_cast<int>(i % 3) - 1);
        for (size_t i = 0; i < k * nn; ++i) b[i] = T(static_cast<int>(i % 4));
        Gemm(Trans::kNo, Trans::kNo, m, nn, k, T(1), a.data(), k, b.data(), nn, T(0),
             c.data(), nn);
        for (size_t i = 0; i < m; i += 7) {
          for (size_t j = 0; j < nn; j += 5) {
            T want = 0;
            for (size_t p = 0; p < k; ++p) want += a[i * k + p] * b[p * nn + j];
            if (c[i * nn + j] != want) return "Gemm";
          }
        }
      }
    }
    return "";
  }
};

TEST(Load, SixteenThreadsMixedKernels) {
  const char* env = std::getenv("AMDAHL_LOAD_SECONDS");
  const double seconds = env ? std::atof(env) : 10.0;
  ASSERT_GT(seconds, 0);
  constexpr int kThreads = 16;
  std::atomic<uint64_t> calls{0};
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  // Memory is measured with every user thread parked between calls, so that
  // buffers of calls in flight do not count.
  std::atomic<bool> park{false};
  std::atomic<int> parked{0};

  auto user = [&](int id) {
    std::mt19937_64 rng(static_cast<uint64_t>(id));
    Work<float> f32;
    Work<double> f64;
    Work<int32_t> i32;
    Work<int64_t> i64;
    // Every kernel once at the largest size first: per-thread buffers that
    // grow to the largest call (GEMM packing, reduction partials) reach
    // their bound before memory is measured.
    for (int op = 0; op < 7; ++op) {
      for (const std::string& bad : {f32.Call(rng, true, op), f64.Call(rng, true, op),
                                     i32.Call(rng, true, op), i64.Call(rng, true, op)}) {
        if (!bad.empty()) failures.fetch_add(1);
      }
    }
    while (!stop.load(std::memory_order_relaxed)) {
      if (park.load()) {
        parked.fetch_add(1);
        while (park.load()) std::this_thread::yield();
        parked.fetch_sub(1);
      }
      std::string bad;
      switch (rng() % 4) {
        case 0: bad = f32.Call(rng); break;
        case 1: bad = f64.Call(rng); break;
        case 2: bad = i32.Call(rng); break;
        default: bad = i64.Call(rng); break;
      }
      if (!bad.empty() && failures.fetch_add(1) < 10) {
        std::fprintf(stderr, "thread %d: wrong result from %s\n", id, bad.c_str());
      }
      calls.fetch_add(1, std::memory_order_relaxed);
    }
  };

  // A hang shows as calls that stop counting: abort with a message rather
  // than wait for the test runner's timeout.
  std::thread watchdog([&] {
    uint64_t last = 0;
    auto last_change = std::chrono::steady_clock::now();
    while (!stop.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      const uint64_t now_calls = calls.load();
      const auto now = std::chrono::steady_clock::now();
      if (now_calls != last) {
        last = now_calls;
        last_change = now;
      } else if (now - last_change > std::chrono::seconds(60)) {
        std::fprintf(stderr, "load: no call finished for 60 s: deadlock\n");
        std::abort();
      }
    }
  });

  std::vector<std::thread> users;
  for (int t = 0; t < kThreads; ++t) users.emplace_back(user, t);
  const auto start = std::chrono::steady_clock::now();
  // The first half settles the allocator (bins, arenas, per-thread buffers);
  // the second half is measured.
  const auto warm = start + std::chrono::duration<double>(seconds * 0.5);
  auto measure = [&](size_t* heap, size_t* rss, uint64_t* count) {
    park = true;
    while (parked.load() < kThreads) std::this_thread::yield();
    *heap = HeapBytes();
    *rss = ResidentBytes();
    *count = calls.load();
    park = false;
  };
  size_t heap0, rss0, heap1, rss1;
  uint64_t calls0, calls1;
  std::this_thread::sleep_until(warm);
  measure(&heap0, &rss0, &calls0);
  std::this_thread::sleep_until(start + std::chrono::duration<double>(seconds));
  measure(&heap1, &rss1, &calls1);
  stop = true;
  for (auto& t : users) t.join();
  watchdog.join();

  EXPECT_EQ(0, failures.load());
  const uint64_t measured = calls1 - calls0;
  EXPECT_GT(measured, 100u) << "too few calls to judge";
  const double heap_growth = static_cast<double>(heap1) - static_cast<double>(heap0);
  const double rss_growth = static_cast<double>(rss1) - static_cast<double>(rss0);
  std::printf("load: %llu calls in %.1f s on %d threads; after warm-up %llu calls, heap %+.0f "
              "bytes, resident %+.1f MiB\n",
              static_cast<unsigned long long>(calls1), seconds, kThreads,
              static_cast<unsigned long long>(measured), heap_growth, rss_growth / (1 << 20));
#if !AMDAHL_SANITIZED
  // Flat: the heap in use between two moments when no call is in flight
  // grows by less than 4 bytes per call (0.3 measured here: the allocator
  // still settling; a leak of even one block per 8 calls would be 4 bytes
  // or more, malloc's smallest block being 32), and the resident set stays
  // within the slack of the allocator's arenas.
  EXPECT_LT(heap_growth / static_cast<double>(measured), 4.0);
  EXPECT_LT(rss_growth, 64.0 * (1 << 20));
#else
  // Sanitizers keep freed memory in quarantine: their own leak check at exit
  // stands in for the growth check.
#endif
}

}  // namespace
}  // namespace amdahl
