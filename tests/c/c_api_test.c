/* The C API from C: every kernel on one dtype each against a plain loop,
 * errors with their messages (per thread), threads, topology, wisdom and
 * the tuner's entry points. Compiled as C (C11); exits 1 on any failure. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amdahl/amdahl_c.h"

static int failures = 0;

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, \
              __LINE__, #cond, amdahl_last_error());                       \
      ++failures;                                                          \
    }                                                                      \
  } while (0)

#define CHECK_ERROR(call, status, needle)                                  \
  do {                                                                     \
    const amdahl_status s_ = (call);                                       \
    CHECK(s_ == (status));                                                 \
    if (strstr(amdahl_last_error(), (needle)) == NULL) {                   \
      fprintf(stderr, "%s:%d: '%s' not in '%s'\n", __FILE__, __LINE__,     \
              (needle), amdahl_last_error());                              \
      ++failures;                                                          \
    }                                                                      \
  } while (0)

static void test_names(void) {
  CHECK(strcmp(amdahl_dtype_name(AMDAHL_F32), "f32") == 0);
  CHECK(strcmp(amdahl_dtype_name(AMDAHL_I64), "i64") == 0);
  CHECK(amdahl_dtype_name((amdahl_dtype)42) == NULL);
  CHECK(amdahl_dtype_size(AMDAHL_F64) == 8);
  CHECK(amdahl_dtype_size(AMDAHL_I32) == 4);
  CHECK(amdahl_dtype_size((amdahl_dtype)-1) == 0);
  CHECK(strlen(amdahl_get_version()) > 0);
}

static void test_streaming(void) {
  enum { N = 1000 };
  float x[N], y[N], z[N];
  for (int i = 0; i < N; ++i) {
    x[i] = (float)i;
    y[i] = 1.0f;
  }
  const float two = 2.0f;
  CHECK(amdahl_scale(AMDAHL_F32, N, &two, x, z) == AMDAHL_OK);
  CHECK(z[999] == 1998.0f);
  CHECK(strcmp(amdahl_last_error(), "") == 0);
  CHECK(amdahl_axpy(AMDAHL_F32, N, &two, x, y) == AMDAHL_OK);
  CHECK(y[10] == 21.0f);
  CHECK(amdahl_add(AMDAHL_F32, N, x, y, z) == AMDAHL_OK);
  CHECK(z[10] == 31.0f);
  CHECK(amdahl_triad(AMDAHL_F32, N, x, &two, y, z) == AMDAHL_OK);
  CHECK(z[10] == 52.0f);

  int64_t v[N], w[N];
  for (int i = 0; i < N; ++i) {
    v[i] = i;
    w[i] = 2;
  }
  int64_t sum = -1, dot = -1;
  CHECK(amdahl_sum(AMDAHL_I64, N, v, &sum) == AMDAHL_OK);
  CHECK(sum == (int64_t)N * (N - 1) / 2);
  CHECK(amdahl_dot(AMDAHL_I64, N, v, w, &dot) == AMDAHL_OK);
  CHECK(dot == (int64_t)N * (N - 1));
}

static void test_gemm_gemv(void) {
  /* C (2 x 3) = A (2 x 4) B (4 x 3), row-major, doubles. */
  const double a[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  const double b[12] = {1, 0, 2, 0, 1, 0, 1, 1, 1, 2, 0, 0};
  double c[6];
  const double one = 1, zero = 0;
  CHECK(amdahl_gemm(AMDAHL_F64, AMDAHL_ROW_MAJOR, AMDAHL_NO_TRANS, AMDAHL_NO_TRANS, 2, 3, 4,
                    &one, a, 4, b, 3, &zero, c, 3) == AMDAHL_OK);
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      double want = 0;
      for (int p = 0; p < 4; ++p) want += a[i * 4 + p] * b[p * 3 + j];
      CHECK(c[i * 3 + j] == want);
    }
  }
  /* y (4) = A^T x (x: 2), i32, column-major A (2 x 4, lda 2). */
  const int32_t ai[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  const int32_t xi[2] = {10, 1};
  int32_t yi[4] = {100, 100, 100, 100};
  const int32_t alpha = 1, beta = -1;
  CHECK(amdahl_gemv(AMDAHL_I32, AMDAHL_COL_MAJOR, AMDAHL_TRANS, 2, 4, &alpha, ai, 2, xi, &beta,
                    yi) == AMDAHL_OK);
  /* column j of A holds ai[2j], ai[2j + 1] */
  for (int j = 0; j < 4; ++j) CHECK(yi[j] == 10 * ai[2 * j] + ai[2 * j + 1] - 100);
}

/* A prepared GEMM: the product of test_gemm_gemv's, column-major this time
 * (C^T = B^T A^T on the same buffers), run twice; then its errors. */
static void test_gemm_plan(void) {
  const double a[8] = {1, 5, 2, 6, 3, 7, 4, 8}; /* 2 x 4, column-major */
  const double b[12] = {1, 2, 1, 2, 0, 0, 1, 1, 0, 0, 1, 0}; /* 4 x 3, column-major */
  double c[6] = {9, 9, 9, 9, 9, 9};
  const double one = 1, zero = 0, two = 2;
  amdahl_gemm_plan* plan = NULL;
  CHECK(amdahl_gemm_plan_create(AMDAHL_F64, AMDAHL_COL_MAJOR, AMDAHL_NO_TRANS, AMDAHL_NO_TRANS,
                                2, 3, 4, 2, 4, 2, &plan) == AMDAHL_OK);
  CHECK(plan != NULL);
  CHECK(amdahl_gemm_plan_run(plan, &one, a, b, &zero, c) == AMDAHL_OK);
  CHECK(amdahl_gemm_plan_run(plan, &one, a, b, &two, c) == AMDAHL_OK); /* 3 A B */
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      double want = 0;
      for (int p = 0; p < 4; ++p) want += a[p * 2 + i] * b[j * 4 + p];
      CHECK(c[j * 2 + i] == 3 * want);
    }
  }
  /* A bad pointer or scalar at run time: nothing written. */
  double before[6];
  memcpy(before, c, sizeof(c));
  CHECK_ERROR(amdahl_gemm_plan_run(plan, &one, NULL, b, &zero, c), AMDAHL_INVALID_ARGUMENT,
              "a is null");
  CHECK_ERROR(amdahl_gemm_plan_run(plan, NULL, a, b, &zero, c), AMDAHL_INVALID_ARGUMENT,
              "amdahl_gemm_plan_run: alpha is null");
  CHECK_ERROR(amdahl_gemm_plan_run(plan, &one, c, b, &zero, c), AMDAHL_INVALID_ARGUMENT,
              "c overlaps a");
  CHECK_ERROR(amdahl_gemm_plan_run(NULL, &one, a, b, &zero, c), AMDAHL_INVALID_ARGUMENT,
              "plan is null");
  CHECK(memcmp(before, c, sizeof(c)) == 0);
  CHECK(c[0] == 48); /* 3 (1 + 4 + 3 + 8) */
  amdahl_gemm_plan_destroy(plan);
  amdahl_gemm_plan_destroy(NULL);
  /* A bad shape when it is made: *plan untouched. */
  amdahl_gemm_plan* untouched = (amdahl_gemm_plan*)&plan;
  CHECK_ERROR(amdahl_gemm_plan_create(AMDAHL_F32, AMDAHL_ROW_MAJOR, AMDAHL_NO_TRANS,
                                      AMDAHL_NO_TRANS, 2, 3, 4, 3, 3, 3, &untouched),
              AMDAHL_INVALID_ARGUMENT, "GemmPlan: lda = 3 is less than 4");
  CHECK_ERROR(amdahl_gemm_plan_create((amdahl_dtype)7, AMDAHL_ROW_MAJOR, AMDAHL_NO_TRANS,
                                      AMDAHL_NO_TRANS, 2, 3, 4, 4, 3, 3, &untouched),
              AMDAHL_INVALID_ARGUMENT, "dtype = 7");
  CHECK_ERROR(amdahl_gemm_plan_create(AMDAHL_F32, AMDAHL_ROW_MAJOR, (amdahl_trans)4,
                                      AMDAHL_NO_TRANS, 2, 3, 4, 4, 3, 3, &untouched),
              AMDAHL_INVALID_ARGUMENT, "trans_a = 4");
  CHECK_ERROR(amdahl_gemm_plan_create(AMDAHL_F32, AMDAHL_ROW_MAJOR, AMDAHL_NO_TRANS,
                                      AMDAHL_NO_TRANS, 2, 3, 4, 4, 3, 3, NULL),
              AMDAHL_INVALID_ARGUMENT, "plan is null");
  CHECK(untouched == (amdahl_gemm_plan*)&plan);
}

static void test_errors(void) {
  float x[4] = {0}, y[4] = {0};
  const float one = 1;
  CHECK_ERROR(amdahl_scale((amdahl_dtype)9, 4, &one, x, y), AMDAHL_INVALID_ARGUMENT,
              "amdahl_scale: dtype = 9 is not a valid amdahl_dtype");
  CHECK_ERROR(amdahl_scale(AMDAHL_F32, 4, NULL, x, y), AMDAHL_INVALID_ARGUMENT,
              "amdahl_scale: a is null");
  CHECK_ERROR(amdahl_scale(AMDAHL_F32, 4, &one, NULL, y), AMDAHL_INVALID_ARGUMENT, "x");
  CHECK_ERROR(amdahl_gemm(AMDAHL_F32, AMDAHL_ROW_MAJOR, AMDAHL_NO_TRANS, AMDAHL_NO_TRANS, 2, 2,
                          2, &one, x, 1, x, 2, &one, y, 2),
              AMDAHL_INVALID_ARGUMENT, "lda = 1 is less than 2");
  CHECK_ERROR(amdahl_gemv(AMDAHL_F32, (amdahl_layout)5, AMDAHL_NO_TRANS, 2, 2, &one, x, 2, x,
                          &one, y),
              AMDAHL_INVALID_ARGUMENT, "layout = 5");
  CHECK_ERROR(amdahl_gemv(AMDAHL_F32, AMDAHL_ROW_MAJOR, (amdahl_trans)3, 2, 2, &one, x, 2, x,
                          &one, y),
              AMDAHL_INVALID_ARGUMENT, "trans = 3");
  CHECK_ERROR(amdahl_sum(AMDAHL_F32, 4, x, NULL), AMDAHL_INVALID_ARGUMENT, "result is null");
  CHECK_ERROR(amdahl_get_topology(NULL), AMDAHL_INVALID_ARGUMENT, "out is null");
  /* Nothing was written by the failed calls. */
  for (int i = 0; i < 4; ++i) CHECK(y[i] == 0);
  /* A success clears the message. */
  CHECK(amdahl_scale(AMDAHL_F32, 4, &one, x, y) == AMDAHL_OK);
  CHECK(strcmp(amdahl_last_error(), "") == 0);
}

/* The message is per thread: an error on another thread leaves this one's. */
static void* fail_on_a_thread(void* arg) {
  (void)arg;
  const float one = 1;
  amdahl_scale(AMDAHL_F32, 4, &one, NULL, NULL);
  return strstr(amdahl_last_error(), "amdahl::Scale") != NULL ? (void*)1 : NULL;
}

static void test_error_is_per_thread(void) {
  const float one = 1;
  CHECK(amdahl_scale((amdahl_dtype)9, 1, &one, &one, NULL) == AMDAHL_INVALID_ARGUMENT);
  pthread_t t;
  void* ok = NULL;
  CHECK(pthread_create(&t, NULL, fail_on_a_thread, NULL) == 0);
  CHECK(pthread_join(t, &ok) == 0);
  CHECK(ok != NULL);
  CHECK(strstr(amdahl_last_error(), "dtype = 9") != NULL);
}

static void test_threads_and_topology(void) {
  amdahl_topology topo;
  CHECK(amdahl_get_topology(&topo) == AMDAHL_OK);
  CHECK(topo.usable_cores >= 1);
  CHECK(topo.usable_cpus >= topo.usable_cores);
  CHECK(topo.l1d_bytes > 0);
  CHECK(strlen(topo.target) > 0);
  CHECK(amdahl_set_num_threads(1) == AMDAHL_OK);
  CHECK(amdahl_get_num_threads() == 1);
  CHECK(amdahl_set_num_threads(0) == AMDAHL_OK);
  CHECK(amdahl_get_num_threads() == topo.usable_cores || getenv("AMDAHL_NUM_THREADS") != NULL ||
        getenv("OMP_NUM_THREADS") != NULL);
}

static void test_wisdom_and_tuner(const char* dir) {
  char path[512], got[512], small[4];
  snprintf(path, sizeof(path), "%s/c-api-wisdom.json", dir);
  unlink(path);
  int found = -1;
  CHECK(amdahl_set_wisdom_path(path, &found) == AMDAHL_OK);
  CHECK(found == 0);
  size_t length = 0;
  CHECK(amdahl_wisdom_path(got, sizeof(got), &length) == AMDAHL_OK);
  CHECK(strcmp(got, path) == 0);
  CHECK(length == strlen(path));
  CHECK(amdahl_wisdom_path(small, sizeof(small), &length) == AMDAHL_OK);
  CHECK(length == strlen(path) && strlen(small) == 3);

  amdahl_tune_options o;
  amdahl_tune_options_init(&o);
  CHECK(o.budget_s == 60 && o.effort == 1);
  o.budget_s = -1;
  CHECK_ERROR(amdahl_tune_run(&o, path, NULL, 0, NULL), AMDAHL_INVALID_ARGUMENT,
              "options->budget_s");
  o.budget_s = 3;
  o.kernels = "scale,nonsense";
  CHECK_ERROR(amdahl_tune_run(&o, path, NULL, 0, NULL), AMDAHL_INVALID_ARGUMENT, "'nonsense'");
  CHECK(access(path, F_OK) != 0); /* refused before anything was written */
  o.kernels = "scale";
  o.dtypes = "f32";
  char summary[4096];
  CHECK(amdahl_tune_run(&o, path, summary, sizeof(summary), &length) == AMDAHL_OK);
  CHECK(strstr(summary, "scale") != NULL);
  CHECK(access(path, F_OK) == 0);
  /* The tuned file is this process's wisdom now, and reloads. */
  CHECK(amdahl_reload_wisdom(&found) == AMDAHL_OK);
  CHECK(found == 1);
  CHECK(amdahl_set_wisdom_path(NULL, &found) == AMDAHL_OK);
  CHECK(amdahl_wisdom_path(got, sizeof(got), NULL) == AMDAHL_OK);
  CHECK(strcmp(got, path) != 0);
  int ok = -1;
  char none[512];
  snprintf(none, sizeof(none), "%s/none.json", dir);
  CHECK(amdahl_tune_validate(none, &ok) == AMDAHL_OK);
  CHECK(ok == 0);
  unlink(path);
}

static int progress_calls;
static int count_then_cancel(const char* what, size_t done, size_t total, double left,
                             void* user) {
  (void)left;
  CHECK(what != NULL && strlen(what) > 0 && done <= total);
  ++progress_calls;
  return progress_calls >= *(const int*)user; /* nonzero: cancel */
}

static void test_progress_cancel_and_json(const char* dir) {
  char path[512];
  snprintf(path, sizeof(path), "%s/c-api-progress.json", dir);
  unlink(path);
  amdahl_tune_options o;
  amdahl_tune_options_init(&o);
  CHECK(o.progress == NULL && o.summary_json == 0);
  o.budget_s = 30;
  o.kernels = "scale";
  o.dtypes = "f64";
  const int cancel_at = 1;
  o.progress = count_then_cancel;
  o.progress_user = (void*)&cancel_at;
  progress_calls = 0;
  CHECK_ERROR(amdahl_tune_run(&o, path, NULL, 0, NULL), AMDAHL_RUNTIME_ERROR, "cancelled");
  CHECK(progress_calls == 1);
  CHECK(access(path, F_OK) != 0); /* nothing saved */
  const int never = 1 << 30;
  o.progress_user = (void*)&never;
  o.budget_s = 2;
  o.summary_json = 1;
  char summary[1 << 14];
  size_t length = 0;
  CHECK(amdahl_tune_run(&o, path, summary, sizeof(summary), &length) == AMDAHL_OK);
  CHECK(progress_calls > 1);
  CHECK(summary[0] == '{' && strstr(summary, "\"results\"") != NULL);
  CHECK(strstr(summary, "\"memory_gbps\"") != NULL);
  CHECK(amdahl_set_wisdom_path(NULL, NULL) == AMDAHL_OK);
  unlink(path);
}

static void test_config_and_speedup(void) {
  char buf[2048];
  size_t length = 0;
  const size_t mnk[3] = {256, 128, 64};
  CHECK(amdahl_config("gemm", AMDAHL_F32, mnk, 3, buf, sizeof(buf), &length) == AMDAHL_OK);
  CHECK(length == strlen(buf) && strstr(buf, "\"kc\"") && strstr(buf, "\"source\""));
  const size_t n = 1 << 20;
  CHECK(amdahl_config("dot", AMDAHL_I64, &n, 1, buf, sizeof(buf), NULL) == AMDAHL_OK);
  CHECK(strstr(buf, "\"serial_cutoff\"") != NULL);
  CHECK_ERROR(amdahl_config("dot", AMDAHL_I64, &n, 3, buf, sizeof(buf), NULL),
              AMDAHL_INVALID_ARGUMENT, "ndim = 3");
  CHECK_ERROR(amdahl_config("gemmm", AMDAHL_I64, &n, 1, buf, sizeof(buf), NULL),
              AMDAHL_INVALID_ARGUMENT, "kernel = 'gemmm'");
  CHECK_ERROR(amdahl_config(NULL, AMDAHL_I64, &n, 1, buf, sizeof(buf), NULL),
              AMDAHL_INVALID_ARGUMENT, "kernel is null");
  CHECK_ERROR(amdahl_config("gemv", (amdahl_dtype)7, mnk, 2, buf, sizeof(buf), NULL),
              AMDAHL_INVALID_ARGUMENT, "dtype = 7");
  const size_t threads = amdahl_get_num_threads();
  CHECK(amdahl_speedup("gemm", AMDAHL_F64, 96, 0, buf, sizeof(buf), &length) == AMDAHL_OK);
  CHECK(strstr(buf, "\"serial_fraction\"") && strstr(buf, "\"karp_flatt\"") &&
        strstr(buf, "\"roof_core\""));
  CHECK(amdahl_get_num_threads() == threads);
  CHECK_ERROR(amdahl_speedup("dot", AMDAHL_F32, 0, 1, buf, sizeof(buf), NULL),
              AMDAHL_INVALID_ARGUMENT, "n = 0");
}

int main(int argc, char** argv) {
  const char* dir = argc > 1 ? argv[1] : "/tmp";
  test_names();
  test_streaming();
  test_gemm_gemv();
  test_gemm_plan();
  test_errors();
  test_error_is_per_thread();
  test_threads_and_topology();
  test_wisdom_and_tuner(dir);
  test_progress_cancel_and_json(dir);
  test_config_and_speedup();
  if (failures != 0) {
    fprintf(stderr, "%d checks failed\n", failures);
    return 1;
  }
  printf("all checks passed\n");
  return 0;
}
