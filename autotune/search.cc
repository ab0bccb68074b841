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

size_t FitCutoff(const std::vector<size_t>& sizes, const std::vector<double>& ratio,
                 double margin) {
  const size_t count = std::min(sizes.size(), ratio.size());
  if (count == 0) return 0;
  // w > 0: parallel wins at that size by more than the margin.
  std::vector<double> x(count), w(count);
  for (size_t i = 0; i < count; ++i) {
    x[i] = std::log(static_cast<double>(std::max<size_t>(sizes[i], 1)));
    w[i] = std::log(std::max(ratio[i], 1e-12)) - std::log1p(margin);
  }
  size_t last_loss = count;
  for (size_t i = 0; i < count; ++i) {
    if (w[i] <= 0) last_loss = i;
  }
  if (last_loss == count) return sizes[0];
  if (last_loss == count - 1) return sizes[count - 1] + 1;
  // Least squares through the points around the crossing.
  const size_t lo = last_loss >= 1 ? last_loss - 1 : 0;
  const size_t hi = std::min(count - 1, last_loss + 2);
  double mx = 0, mw = 0;
  for (size_t i = lo; i <= hi; ++i) {
    mx += x[i];
    mw += w[i];
  }
  const double points = static_cast<double>(hi - lo + 1);
  mx /= points;
  mw /= points;
  double sxx = 0, sxw = 0;
  for (size_t i = lo; i <= hi; ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxw += (x[i] - mx) * (w[i] - mw);
  }
  const size_t loss = sizes[last_loss], win = sizes[last_loss + 1];
  if (sxx <= 0 || sxw <= 0) return win;  // no rising trend to read: the first win
  const double at = std::exp(mx - mw * sxx / sxw);
  // Between the last loss and the first win of the tail, whatever the line.
  const double clamped = std::clamp(at, static_cast<double>(loss) + 1, static_cast<double>(win));
  return static_cast<size_t>(std::ceil(clamped));
}

Comparison CompareWithBaseline(const std::function<double()>& tuned,
                               const std::function<double()>& baseline, size_t rounds,
                               double min_margin) {
  rounds = std::max<size_t>(rounds, 1);
  std::vector<double> t, b;
  for (size_t r = 0; r < rounds; ++r) {
    if (r % 2 == 0) {
      t.push_back(tuned());
      b.push_back(baseline());
    } else {
      b.push_back(baseline());
      t.push_back(tuned());
    }
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t h = v.size() / 2;
    return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
  };
  Comparison c;
  c.tuned = median(t);
  c.baseline = median(b);
  std::vector<double> sorted = b;
  std::sort(sorted.begin(), sorted.end());
  const size_t trim = sorted.size() >= 4 ? 1 : 0;
  c.noise = c.baseline > 0
                ? (sorted[sorted.size() - 1 - trim] - sorted[trim]) / c.baseline
                : 0;
  c.tuned_wins = c.tuned < c.baseline * (1 - std::max(min_margin, c.noise));
  return c;
}

}  // namespace amdahl_tune
