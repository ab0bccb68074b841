// The tuner's search and Amdahl fit, on synthetic costs and timings.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "autotune/fit.h"
#include "autotune/search.h"

namespace amdahl_tune {
namespace {

TEST(Search, FindsTheKnownBestOfANoisyCostFunction) {
  // 40 candidates; candidate 27 is best by 3 %; noise up to +15 % (never
  // below the true cost, as timing noise on a pinned core).
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> noise(0, 0.15);
  auto cost = [&](size_t i) {
    const double base = i == 27 ? 1.0 : 1.03 + 0.01 * std::abs(static_cast<double>(i) - 20);
    return base * (1 + noise(rng));
  };
  SearchOptions options;
  options.repeats = 5;
  const SearchResult r = RoundRobinSearch(40, cost, options);
  EXPECT_EQ(27u, r.best);
  // Candidates far slower than the best were dropped after round 1.
  EXPECT_LT(r.timings, 40u * options.rounds * options.repeats);
}

TEST(Search, TrimmedMeanWhenNotPinned) {
  SearchOptions options;
  options.use_min = false;
  const SearchResult r = RoundRobinSearch(
      3, [](size_t i) { return i == 1 ? 0.5 : 1.0; }, options);
  EXPECT_EQ(1u, r.best);
  EXPECT_DOUBLE_EQ(0.5, r.seconds[1]);
}

TEST(Search, BisectionFindsTheCrossover) {
  const size_t truth = 37000;
  size_t calls = 0;
  const size_t got = BisectCutoff(1024, 1 << 24, [&](size_t n) {
    ++calls;
    return n >= truth;
  });
  EXPECT_GE(got, truth);
  EXPECT_LE(static_cast<double>(got), 1.1 * truth);
  EXPECT_LT(calls, 40u);
  EXPECT_EQ(1024u, BisectCutoff(1024, 4096, [](size_t) { return true; }));
  EXPECT_EQ(4097u, BisectCutoff(1024, 4096, [](size_t) { return false; }));
}

TEST(Fit, RecoversTheSerialFraction) {
  for (double f : {0.0, 0.02, 0.1, 0.5}) {
    std::vector<double> s;
    for (int p = 1; p <= 16; ++p) s.push_back(AmdahlSpeedup(f, p));
    const AmdahlFit fit = FitAmdahl(s);
    EXPECT_NEAR(f, fit.serial_fraction, 1e-12);
    for (double e : fit.karp_flatt) EXPECT_NEAR(f, e, 1e-12);
    if (f > 0) {
      EXPECT_NEAR(1 / f, fit.ceiling, 1e-6);
    }
  }
  // With 3 % timing noise the fit stays close.
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> noise(0.97, 1.03);
  std::vector<double> s;
  for (int p = 1; p <= 16; ++p) s.push_back(AmdahlSpeedup(0.05, p) * noise(rng));
  EXPECT_NEAR(0.05, FitAmdahl(s).serial_fraction, 0.01);
}

}  // namespace
}  // namespace amdahl_tune
