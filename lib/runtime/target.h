// The Highway target amdahl's kernels dispatch to: the best one this CPU
// supports, or the one AMDAHL_TARGET names (for tests and comparisons).
#ifndef AMDAHL_LIB_TARGET_H_
#define AMDAHL_LIB_TARGET_H_

#include <cstdint>
#include <string>

namespace amdahl {

// Restricts dynamic dispatch to the target $AMDAHL_TARGET names ("AVX3",
// "avx2", ...; case ignored), once per process; a name this CPU or this
// build lacks warns once and leaves the choice to Highway. Called before the
// first dispatch (by GetTopology and ActiveTarget).
void ApplyTargetFromEnv();

// The target bit of `name` among the targets this CPU supports and this
// build compiled (case ignored), or 0 with *known listing them.
int64_t TargetByName(const std::string& name, std::string* known);

}  // namespace amdahl

#endif  // AMDAHL_LIB_TARGET_H_
