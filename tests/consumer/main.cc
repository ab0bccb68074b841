// Uses the public API the way the README shows; prints "consumer ok".
#include <amdahl/amdahl.h>

#include <atomic>
#include <cstdio>

int main() {
  std::atomic<unsigned long long> sum{0};
  amdahl::ParallelFor(0, 100000, 1000, [&](size_t begin, size_t end) {
    unsigned long long s = 0;
    for (size_t i = begin; i < end; ++i) s += i;
    sum += s;
  });
  if (sum.load() != 100000ull * 99999 / 2) {
    std::puts("consumer: wrong sum");
    return 1;
  }
  std::printf("consumer ok: %zu threads\n", amdahl::NumThreads());
  return 0;
}
