/* amdahl's C API: the one door for C and every other language (Python, MPI,
 * Fortran through ISO_C_BINDING). Type-erased: arrays are void pointers of
 * the element type `dtype` names, scalars (alpha, beta, a) are pointers to
 * one element of it, results are written through a pointer to one.
 *
 * Every call returns AMDAHL_OK or an error status; after an error,
 * amdahl_last_error() returns a message naming the function and the
 * argument ("amdahl::Gemm: lda = 3 is less than 4, ..."), kept per thread
 * until that thread's next call. Arguments are checked before anything is
 * written. Link with -lamdahl_c (pkg-config amdahl-c). */
#ifndef AMDAHL_AMDAHL_C_H_
#define AMDAHL_AMDAHL_C_H_

#include <stddef.h>

#include "amdahl/dtypes.h"

#if defined(_WIN32)
#define AMDAHL_C_API
#else
#define AMDAHL_C_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* AMDAHL_F32, AMDAHL_F64, AMDAHL_I32, AMDAHL_I64: the dtype list. */
typedef enum amdahl_dtype {
#define AMDAHL_C_DTYPE(T, ID, name) AMDAHL_##ID,
  AMDAHL_FOR_EACH_DTYPE(AMDAHL_C_DTYPE)
#undef AMDAHL_C_DTYPE
  AMDAHL_NUM_DTYPES
} amdahl_dtype;

typedef enum amdahl_status {
  AMDAHL_OK = 0,
  AMDAHL_INVALID_ARGUMENT = 1, /* a bad argument: nothing was written */
  AMDAHL_RUNTIME_ERROR = 2,    /* a file that cannot be written, strict wisdom */
  AMDAHL_OUT_OF_MEMORY = 3,
  AMDAHL_INTERNAL_ERROR = 4
} amdahl_status;

typedef enum amdahl_layout { AMDAHL_ROW_MAJOR = 0, AMDAHL_COL_MAJOR = 1 } amdahl_layout;
typedef enum amdahl_trans { AMDAHL_NO_TRANS = 0, AMDAHL_TRANS = 1 } amdahl_trans;

/* The message of this thread's last error; "" after a success. */
AMDAHL_C_API const char* amdahl_last_error(void);
AMDAHL_C_API const char* amdahl_get_version(void);
/* "f32", ...; NULL for a value outside the enum. */
AMDAHL_C_API const char* amdahl_dtype_name(amdahl_dtype dtype);
/* Bytes of one element; 0 for a value outside the enum. */
AMDAHL_C_API size_t amdahl_dtype_size(amdahl_dtype dtype);

/* --- Kernels (see the C++ headers for semantics and error bounds) --- */

/* y = a x */
AMDAHL_C_API amdahl_status amdahl_scale(amdahl_dtype dtype, size_t n, const void* a,
                                        const void* x, void* y);
/* y = a x + y */
AMDAHL_C_API amdahl_status amdahl_axpy(amdahl_dtype dtype, size_t n, const void* a,
                                       const void* x, void* y);
/* z = x + y */
AMDAHL_C_API amdahl_status amdahl_add(amdahl_dtype dtype, size_t n, const void* x,
                                      const void* y, void* z);
/* z = x + a y */
AMDAHL_C_API amdahl_status amdahl_triad(amdahl_dtype dtype, size_t n, const void* x,
                                        const void* a, const void* y, void* z);
/* *result = sum of x (deterministic: the same bits for any thread count) */
AMDAHL_C_API amdahl_status amdahl_sum(amdahl_dtype dtype, size_t n, const void* x,
                                      void* result);
/* *result = x . y */
AMDAHL_C_API amdahl_status amdahl_dot(amdahl_dtype dtype, size_t n, const void* x,
                                      const void* y, void* result);
/* C = alpha op(A) op(B) + beta C; C m x n, op(A) m x k, op(B) k x n */
AMDAHL_C_API amdahl_status amdahl_gemm(amdahl_dtype dtype, amdahl_layout layout,
                                       amdahl_trans trans_a, amdahl_trans trans_b, size_t m,
                                       size_t n, size_t k, const void* alpha, const void* a,
                                       size_t lda, const void* b, size_t ldb,
                                       const void* beta, void* c, size_t ldc);
/* A GEMM of one shape prepared for many calls (amdahl::GemmPlan): dtype,
 * layout, transposes, sizes and leading dimensions are checked, and the
 * configuration chosen, once; a run checks only its pointers and scalars.
 * The choices are those of creation time (wisdom reloaded or the thread
 * count changed later leave a plan as it was). A plan may be run from
 * several threads at once; destroy it once (null is allowed). On an error
 * nothing is written to *plan. */
typedef struct amdahl_gemm_plan amdahl_gemm_plan;
AMDAHL_C_API amdahl_status amdahl_gemm_plan_create(amdahl_dtype dtype, amdahl_layout layout,
                                                   amdahl_trans trans_a, amdahl_trans trans_b,
                                                   size_t m, size_t n, size_t k, size_t lda,
                                                   size_t ldb, size_t ldc,
                                                   amdahl_gemm_plan** plan);
/* C = alpha op(A) op(B) + beta C on the plan's shape */
AMDAHL_C_API amdahl_status amdahl_gemm_plan_run(const amdahl_gemm_plan* plan,
                                                const void* alpha, const void* a,
                                                const void* b, const void* beta, void* c);
AMDAHL_C_API void amdahl_gemm_plan_destroy(amdahl_gemm_plan* plan);
/* y = alpha op(A) x + beta y; A m x n */
AMDAHL_C_API amdahl_status amdahl_gemv(amdahl_dtype dtype, amdahl_layout layout,
                                       amdahl_trans trans, size_t m, size_t n,
                                       const void* alpha, const void* a, size_t lda,
                                       const void* x, const void* beta, void* y);

/* --- Threads and topology --- */

/* The process-wide thread count of amdahl's pool (names threadpoolctl can
 * look up). 0: back to the environment (AMDAHL_NUM_THREADS, OMP_NUM_THREADS,
 * one per usable core). */
AMDAHL_C_API amdahl_status amdahl_set_num_threads(size_t threads);
AMDAHL_C_API size_t amdahl_get_num_threads(void);

typedef struct amdahl_topology {
  char cpu_model[128];   /* truncated if longer, always terminated */
  char target[32];       /* the Highway target kernels run on, e.g. "AVX3" */
  size_t usable_cpus;    /* in the affinity mask and hwloc's allowed set */
  size_t usable_cores;   /* physical cores, capped by a cgroup quota */
  size_t smt;            /* hardware threads per core */
  size_t clusters;       /* distinct L3s among the usable cores */
  size_t l1d_bytes, l2_bytes, l3_bytes;  /* per core, per L2, per L3 (clamped) */
} amdahl_topology;

AMDAHL_C_API amdahl_status amdahl_get_topology(amdahl_topology* out);

/* --- Wisdom --- */

/* Makes `path` this process's wisdom file ("" or NULL: the environment's
 * choice again) and loads it; *found (may be NULL) says whether it holds
 * wisdom for this host. A miss is not an error: the defaults apply. */
AMDAHL_C_API amdahl_status amdahl_set_wisdom_path(const char* path, int* found);
/* Copies the wisdom path into buf (size bytes, terminated); *length (may be
 * NULL) gets its full length, so a short buf can be retried. */
AMDAHL_C_API amdahl_status amdahl_wisdom_path(char* buf, size_t size, size_t* length);
/* Loads the wisdom file again (after another process saved it). */
AMDAHL_C_API amdahl_status amdahl_reload_wisdom(int* found);

/* --- What a call runs with, and what more threads buy --- */

/* Writes (as amdahl_wisdom_path copies) a JSON object: the configuration a
 * call of `kernel` ("scale", "axpy", "add", "triad", "sum", "dot", "gemv",
 * "gemm") on `dtype` at `shape` runs with now, at the current thread count,
 * and where it came from ("source": "wisdom", "interpolated" or "defaults";
 * "wisdom": the file; "wisdom_found": whether it holds this host). shape:
 * {n} for the streaming kernels, {rows, cols} for gemv, {m, n, k} for gemm. */
AMDAHL_C_API amdahl_status amdahl_config(const char* kernel, amdahl_dtype dtype,
                                         const size_t* shape, size_t ndim, char* buf,
                                         size_t buf_size, size_t* length);

/* Times `kernel` on `dtype` at `n` (elements; the side of a square matrix
 * for gemv and gemm) on 1..max_threads threads (0: the current count) under
 * this process's wisdom and writes a JSON object: "threads", "speedup" and
 * "rate" per thread count with its "unit", Amdahl's "serial_fraction" and
 * "ceiling" (-1: none), "karp_flatt" (from 2 threads), the roofline
 * ("roof_core", "roof_memory", "roofline_speedup" at max_threads) and the
 * "ceilings" it used, from the wisdom or measured now ("ceilings_from").
 * Takes seconds; restores the thread count. */
AMDAHL_C_API amdahl_status amdahl_speedup(const char* kernel, amdahl_dtype dtype, size_t n,
                                          size_t max_threads, char* buf, size_t buf_size,
                                          size_t* length);

/* --- The tuner (amdahl-tune's measurements, in this process) --- */

/* The tuner's progress, called on the thread that called amdahl_tune_run,
 * between measurements: what is measured ("loops scale/f32",
 * "gemm/f64/512"), step `done` of `total` of it, and the seconds of budget
 * left. Returns 0 to go on, nonzero to cancel: amdahl_tune_run then returns
 * AMDAHL_RUNTIME_ERROR and saves nothing. */
typedef int (*amdahl_progress_fn)(const char* what, size_t done, size_t total,
                                  double seconds_left, void* user);

typedef struct amdahl_tune_options {
  double budget_s;      /* time budget in seconds (> 0) */
  int effort;           /* 0 estimate, 1 measure, 2 patient */
  const char* kernels;  /* comma list ("gemm,dot"); NULL or "": all */
  const char* dtypes;   /* comma list ("f32,f64"); NULL or "": all */
  int curves;           /* also measure speedup curves (Amdahl fits) */
  int summary_json;     /* the summary as JSON (amdahl-tune --json's), not a table */
  amdahl_progress_fn progress;  /* NULL: progress lines on stdout */
  void* progress_user;          /* passed to progress */
} amdahl_tune_options;

/* Defaults: 60 s, measure, all kernels and dtypes, no curves, a table,
 * progress on stdout. */
AMDAHL_C_API void amdahl_tune_options_init(amdahl_tune_options* options);

/* Tunes within the budget, saves into `path` (NULL: the wisdom path),
 * merged with what it holds, and makes it this process's wisdom (also when
 * cancelled). Progress goes to options->progress, or to stdout. If summary
 * is not NULL, the table (and the Amdahl fits) or the JSON are copied there
 * as amdahl_wisdom_path copies. */
AMDAHL_C_API amdahl_status amdahl_tune_run(const amdahl_tune_options* options, const char* path,
                                           char* summary, size_t size, size_t* length);

/* Judges the wisdom saved for this host in `path` (NULL: the wisdom path):
 * *ok is 1 when it is within 0.95 of an exhaustive search and 0.97 of the
 * defaults, 0 when not or when there is none. */
AMDAHL_C_API amdahl_status amdahl_tune_validate(const char* path, int* ok);

#ifdef __cplusplus
}
#endif

#endif /* AMDAHL_AMDAHL_C_H_ */
