// ParallelMap with a user's Highway lambda: the README's example (the
// notebook's f(k) = 2k), compiled here for the static target.
#include "amdahl/parallel_map-inl.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

#include "amdahl/error.h"
#include "amdahl/pool.h"
#include "amdahl/topology.h"
#include "hwy/highway.h"

namespace {

namespace hn = hwy::HWY_NAMESPACE;

TEST(ParallelMap, NotebookDoublingAtEverySizeAndThreadCount) {
  for (size_t threads = 1; threads <= amdahl::GetTopology().usable_cores.value; ++threads) {
    amdahl::SetNumThreads(threads);
    for (size_t n : {0u, 1u, 7u, 20000u, 20001u, (1u << 20) + 3}) {
      std::vector<int64_t> x(n), y(n, -1);
      std::iota(x.begin(), x.end(), int64_t{-5});
      amdahl::HWY_NAMESPACE::ParallelMap(n, x.data(), y.data(),
                                         [](auto, auto v) { return hn::Add(v, v); });
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(2 * x[i], y[i]) << "n=" << n << " i=" << i;
    }
  }
  amdahl::SetNumThreads(0);
}

TEST(ParallelMap, InPlaceFloats) {
  std::vector<float> v(100003, 1.5f);
  amdahl::HWY_NAMESPACE::ParallelMap(v.size(), v.data(), v.data(), [](auto d, auto x) {
    return hn::MulAdd(x, hn::Set(d, 2.0f), hn::Set(d, 1.0f));
  });
  for (float f : v) ASSERT_EQ(4.0f, f);
}

}  // namespace
