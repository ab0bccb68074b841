// GEMM for f32: one small file per dtype, compiled in parallel (as vqsort).
#define AMDAHL_GEMM_T float
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "lib/ops/gemm_f32.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "lib/ops/gemm_instance-inl.h"
