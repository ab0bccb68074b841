#include "autotune/search.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace amdahl_tune {
namespace {

double Estimate(std::vector<double> samples, bool use_min) {
  std::sort(samples.begin(), samples.end());
  if (use_min || samples.size() < 3) return samples.front();
  // Trimmed mean: drop the fastest and the slowest quarter.
  const size_t cut = samples.size() / 4;
  double sum = 0;
  for (size_t i = cut; i < samples.size() - cut; ++i) sum += samples[i];
  return sum / static_cast<double>(samples.size() - 2 * cut);
}

}  // namespace

SearchResult RoundRobinSearch(size_t count, const std::function<double(size_t)>& measure,
                              const SearchOptions& options) {
  SearchResult r;
  r.seconds.assign(count, 0);
  if (count == 0) return r;
  std::vector<std::vector<double>> samples(count);
  std::vector<bool> alive(count, true);
  const size_t rounds = std::max<size_t>(options.rounds, 1);
  const size_t repeats = std::max<size_t>(options.repeats, 1);
  for (size_t round = 0; round < rounds; ++round) {
    for (size_t rep = 0; rep < repeats; ++rep) {
      for (size_t i = 0; i < count; ++i) {
        if (!alive[i]) continue;
        samples[i].push_back(measure(i));
        ++r.timings;
      }
    }
    double best = std::numeric_limits<double>::max();
    for (size_t i = 0; i < count; ++i) {
      if (!alive[i]) continue;
      r.seconds[i] = Estimate(samples[i], options.use_min);
      best = std::min(best, r.seconds[i]);
    }
    if (round == 0) {
      for (size_t i = 0; i < count; ++i) {
        if (alive[i] && r.seconds[i] > options.drop_ratio * best) alive[i] = false;
      }
    }
  }
  double best = std::numeric_limits<double>::max();
  for (size_t i = 0; i < count; ++i) {
    if (alive[i] && r.seconds[i] < best) {
      best = r.seconds[i];
      r.best = i;
    }
  }
  return r;
}

size_t BisectCutoff(size_t lo, size_t hi, const std::function<bool(size_t)>& parallel_wins,
                    double tolerance) {
  if (lo > hi) return hi + 1;
  if (parallel_wins(lo)) return lo;
  if (!parallel_wins(hi)) return hi + 1;
  // Invariant: loses at lo, wins at hi.
  while (static_cast<double>(hi) > tolerance * static_cast<double>(lo) && hi - lo > 1) {
    const size_t mid = static_cast<size_t>(
        std::sqrt(static_cast<double>(lo) * static_cast<double>(hi)));
    const size_t m = std::clamp(mid, lo + 1, hi - 1);
    if (parallel_wins(m)) {
      hi = m;
    } else {
      lo = m;
    }
  }
  return hi;
}

}  // namespace amdahl_tune
