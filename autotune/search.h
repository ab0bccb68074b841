// The tuner's search: round-robin timing over candidates, the serial cutoff
// fitted over several sizes, and a tuned choice timed against the defaults.
// Independent of what is measured (tests feed it synthetic cost functions).
#ifndef AMDAHL_AUTOTUNE_SEARCH_H_
#define AMDAHL_AUTOTUNE_SEARCH_H_

#include <cstddef>
#include <functional>
#include <vector>

namespace amdahl_tune {

struct SearchOptions {
  size_t rounds = 4;         // rounds of timing every surviving candidate
  size_t repeats = 3;        // timings per candidate per round
  double drop_ratio = 1.25;  // after round 1, drop candidates slower than this x best
  bool use_min = true;       // minimum of repeats (pinned threads); else trimmed mean
};

struct SearchResult {
  size_t best = 0;                // index of the winner
  std::vector<double> seconds;    // best estimate per candidate (0: dropped unmeasured)
  size_t timings = 0;             // calls of measure
};

// Times measure(i) for every candidate index i in [0, count), round-robin
// (so that drift of the machine hits all candidates alike), keeps the
// minimum (or trimmed mean) of each candidate's repeats, drops those slower
// than drop_ratio x the best after the first round, and returns the best
// after `rounds` rounds.
SearchResult RoundRobinSearch(size_t count, const std::function<double(size_t)>& measure,
                              const SearchOptions& options);

// The serial cutoff from ratio[i] = serial time / parallel time measured at
// sizes[i] (ascending): where the ratio reaches 1 + margin, by a least-squares
// line of log(ratio) over log(size) through the (up to) four points around
// the last crossing from a loss to wins. Every measured size at or past the
// result won: a noisy loss below a run of wins cannot pull the cutoff down
// (the crossing taken is the last), nor a lone win below a loss. Returns
// sizes.front() when every size won, sizes.back() + 1 when the largest lost.
size_t FitCutoff(const std::vector<size_t>& sizes, const std::vector<double>& ratio,
                 double margin = 0.03);

// The tuned choice timed against the baseline (the defaults), interleaved.
struct Comparison {
  double tuned = 0, baseline = 0;  // median seconds per call
  double noise = 0;                // the baseline's own spread, relative to its median
  bool tuned_wins = false;
};

// Times tuned() and baseline() alternately, `rounds` times each (who goes
// first flips every round, so that drift hits both), and says the tuned
// choice wins only when its median beats the baseline's by more than
// max(min_margin, noise); noise is the baseline's spread between its
// second-fastest and second-slowest timing (fastest to slowest under 4).
Comparison CompareWithBaseline(const std::function<double()>& tuned,
                               const std::function<double()>& baseline, size_t rounds = 5,
                               double min_margin = 0.02);

}  // namespace amdahl_tune

#endif  // AMDAHL_AUTOTUNE_SEARCH_H_
