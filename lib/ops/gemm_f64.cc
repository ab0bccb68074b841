// GEMM for f64: one small file per dtype, compiled in parallel (as vqsort).
#define AMDAHL_GEMM_T double
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "lib/ops/gemm_f64.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "lib/ops/gemm_instance-inl.h"
