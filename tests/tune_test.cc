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

// Serial time a + b n against parallel time f + b n / 2 (a fork costs f):
// they cross at n = 2 (f - a) / b.
std::vector<double> Ratios(const std::vector<size_t>& sizes, double noise_seed) {
  std::mt19937 rng(static_cast<uint32_t>(noise_seed));
  std::uniform_real_distribution<double> noise(-0.01, 0.01);
  std::vector<double> r;
  for (size_t n : sizes) {
    const double serial = 50e-9 + 1e-9 * static_cast<double>(n);
    const double parallel = 20e-6 + 0.5e-9 * static_cast<double>(n);
    r.push_back(serial / parallel * (1 + noise(rng)));
  }
  return r;
}

std::vector<size_t> PowersOfTwo(int lo, int hi) {
  std::vector<size_t> sizes;
  for (int b = lo; b <= hi; ++b) sizes.push_back(size_t{1} << b);
  return sizes;
}

TEST(Search, FitCutoffFindsTheCrossoverBetweenMeasuredSizes) {
  const std::vector<size_t> sizes = PowersOfTwo(10, 20);
  // Parallel beats serial by 3 % from n = (20e-6 * 1.03 - 50e-9) / (1e-9 - 1.03 * 0.5e-9).
  const double truth = (20e-6 * 1.03 - 50e-9) / (1e-9 - 1.03 * 0.5e-9);
  for (int seed = 1; seed <= 5; ++seed) {
    const size_t got = FitCutoff(sizes, Ratios(sizes, seed));
    EXPECT_GT(static_cast<double>(got), truth / 1.3) << seed;
    EXPECT_LT(static_cast<double>(got), truth * 1.3) << seed;
    // Between the last losing and the first winning size measured.
    EXPECT_GT(got, 32768u);
    EXPECT_LE(got, 65536u);
  }
}

TEST(Search, FitCutoffIgnoresALoneWinBelowALossAndALossBelowWins) {
  const std::vector<size_t> sizes = PowersOfTwo(10, 20);
  std::vector<double> r = Ratios(sizes, 1);
  r[2] = 1.5;  // 4096: a lucky parallel run below the crossover
  EXPECT_GT(FitCutoff(sizes, r), 32768u);
  r = Ratios(sizes, 1);
  r[8] = 0.9;  // 256 Ki: an unlucky parallel run above it
  const size_t got = FitCutoff(sizes, r);
  EXPECT_GT(got, 262144u);  // every size from the cutoff on won
  EXPECT_LE(got, 524288u);
}

TEST(Search, FitCutoffEdges) {
  const std::vector<size_t> sizes = PowersOfTwo(10, 12);
  EXPECT_EQ(1024u, FitCutoff(sizes, {2, 2, 2}));
  EXPECT_EQ(4097u, FitCutoff(sizes, {0.5, 0.5, 0.5}));
  EXPECT_EQ(4097u, FitCutoff(sizes, {2, 2, 0.5}));
  // A loss, then wins: past the loss, at most the first win.
  const size_t got = FitCutoff(sizes, {1.0, 1.2, 1.2}, 0.03);
  EXPECT_GT(got, 1024u);
  EXPECT_LE(got, 2048u);
  // Wins by less than the margin at the largest sizes: serial up to them.
  EXPECT_EQ(4097u, FitCutoff(sizes, {1.5, 1.04, 1.04}, 0.05));
}

TEST(Search, TunedChoiceKeptOnlyBeyondTheNoise) {
  // 5 % faster, noise-free: kept.
  Comparison c = CompareWithBaseline([] { return 0.95; }, [] { return 1.0; });
  EXPECT_TRUE(c.tuned_wins);
  EXPECT_DOUBLE_EQ(0.95, c.tuned);
  EXPECT_DOUBLE_EQ(1.0, c.baseline);
  // 1 % faster: under the 2 % margin.
  EXPECT_FALSE(CompareWithBaseline([] { return 0.99; }, [] { return 1.0; }).tuned_wins);
  // 5 % faster, but the baseline itself scatters by 5 % (trimmed of its
  // extremes): not kept.
  size_t calls = 0;
  c = CompareWithBaseline([] { return 0.95; }, [&] {
    const double spread[] = {1.0, 1.1, 0.95, 1.05, 1.0};
    return spread[calls++ % 5];
  });
  EXPECT_FALSE(c.tuned_wins);
  EXPECT_NEAR(0.05, c.noise, 1e-12);
  // Interleaved: the calls alternate, each side first in turn.
  std::vector<char> order;
  CompareWithBaseline([&] { order.push_back('t'); return 1.0; },
                      [&] { order.push_back('b'); return 1.0; }, 4);
  EXPECT_EQ((std::vector<char>{'t', 'b', 'b', 't', 't', 'b', 'b', 't'}), order);
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
