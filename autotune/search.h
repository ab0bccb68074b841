// The tuner's search: round-robin timing over candidates, and bisection for
// the serial cutoff. Independent of what is measured (tests feed it
// synthetic cost functions).
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

// Returns the smallest n in [lo, hi] for which parallel_wins(n) is true,
// assuming it is false below some size and true above (bisection on log
// scale, to a factor of `tolerance`). Returns hi + 1 if it never wins, lo if
// it always does.
size_t BisectCutoff(size_t lo, size_t hi, const std::function<bool(size_t)>& parallel_wins,
                    double tolerance = 1.1);

}  // namespace amdahl_tune

#endif  // AMDAHL_AUTOTUNE_SEARCH_H_
