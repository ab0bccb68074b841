// amdahl: SIMD-plus-threads compute kernels that tune themselves to the
// machine. Include this header for the whole public API.
#ifndef AMDAHL_AMDAHL_H_
#define AMDAHL_AMDAHL_H_

#include "amdahl/config.h"
#include "amdahl/elementwise.h"
#include "amdahl/error.h"
#include "amdahl/gemm.h"
#include "amdahl/gemv.h"
#include "amdahl/machine.h"
#include "amdahl/pool.h"
#include "amdahl/reduce.h"
#include "amdahl/topology.h"
#include "amdahl/wisdom.h"

#endif  // AMDAHL_AMDAHL_H_
