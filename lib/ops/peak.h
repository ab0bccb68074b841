// Machine ceilings: a loop of independent fused multiply-adds on the best
// Highway target, for measuring the FMA peak of a core (the tuner's and the
// benchmarks' "% of peak").
#ifndef AMDAHL_OPS_PEAK_H_
#define AMDAHL_OPS_PEAK_H_

#include <cstddef>

namespace amdahl {
namespace ops {

// Runs `iterations` rounds of 24 independent vector FMAs and returns the
// floating-point operations done (2 per lane per FMA). `seed` keeps the
// compiler from folding the loop; the result is returned through *sink.
double FmaLoopF32(size_t iterations, float seed, float* sink);
double FmaLoopF64(size_t iterations, double seed, double* sink);

}  // namespace ops
}  // namespace amdahl

#endif  // AMDAHL_OPS_PEAK_H_
