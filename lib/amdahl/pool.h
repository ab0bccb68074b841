// Fork-join parallel loops on a pool of pinned worker threads.
//
// The pool is created lazily by the first parallel call: one worker per usable
// physical core minus one, because the calling thread takes part. Workers are
// pinned one per core inside the inherited affinity mask (AMDAHL_PIN=0 turns
// that off); the caller's own affinity is never changed. Idle workers spin for
// a short while, then sleep on a futex, so an idle process burns no CPU; the
// library's short jobs do not wait for a sleeper (detail::Schedule).
//
// Thread count, the first that is set: SetNumThreads() > AMDAHL_NUM_THREADS >
// OMP_NUM_THREADS (its first item) > one per usable physical core. Values
// that are not a positive integer warn once and fall back; values above the
// usable core count are capped to it (the pool never oversubscribes).
//
// Concurrency rules:
// - A parallel call made from inside a pool task runs serially on the calling
//   thread (no nested oversubscription, no deadlock).
// - Several user threads may call at once. The first one to arrive uses the
//   workers; a caller that finds them busy does not wait: it runs its whole
//   loop serially on its own thread. Results are the same either way.
// - An exception thrown by a task stops the remaining chunks and is rethrown
//   to the caller once every worker is back; the pool stays usable.
// - After fork() the child gets a fresh pool on its first parallel call.
// - If a worker thread cannot be created, the pool goes on with fewer.
#ifndef AMDAHL_POOL_H_
#define AMDAHL_POOL_H_

#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <type_traits>

#include "amdahl/export.h"

namespace amdahl {

// Returns the number of threads (caller included) a parallel call may use.
AMDAHL_API size_t NumThreads();

// Sets the thread count for later calls: 0 returns to the environment and the
// default; values above the usable core count are capped to it.
AMDAHL_API void SetNumThreads(size_t num_threads);

// Returns how many worker threads exist now (created lazily; tests and the
// tuner use it). The caller is not counted.
AMDAHL_API size_t NumWorkersStarted();

// Returns true on a pool worker, or on a caller while it runs a task.
AMDAHL_API bool InParallelTask();

namespace detail {

// A chunk function gets its job's functor as `ctx`.
using ChunkFn = void (*)(const void* ctx, size_t begin, size_t end);

// The functor travels inside the job, in the cache line a worker reads when
// it wakes: the functor itself where it is trivially copyable and fits, else
// a pointer to it (FunctorRef). A worker then starts its first chunk after
// one transfer between the cores instead of two (the functor on the caller's
// stack was a second miss: two Zen 5 threads, Scale f32 20,000, 1231 ns a
// call with the functor read from the caller's stack, 1006 with it in hand).
struct alignas(8) JobContext {
  unsigned char bytes[24];
};

template <class F>
struct FunctorRef {
  const F* f;
  void operator()(size_t begin, size_t end) const { (*f)(begin, end); }
};

template <class F>
void CallChunk(const void* ctx, size_t begin, size_t end) {
  (*std::launder(static_cast<const F*>(ctx)))(begin, end);
}

// kDynamic: threads claim chunks one by one (balances uneven work and slow
// cores). kPinned: chunk i runs on participant i % P (the caller is 0,
// worker w is w + 1), so repeated calls over the same data find it in the
// same core's cache. kDynamicShort, kPinnedShort: the same for a job of
// some microseconds, which does not wait for a sleeping worker: where one it
// would use sleeps, the caller runs the job alone (and wakes the sleepers
// when such calls come in a run): a worker woken from its sleep starts tens
// of microseconds later (the Zen 5 VM: 15-80 us, against 2 us for Scale i64
// 20,000 on one thread).
enum class Schedule { kDynamic, kPinned, kDynamicShort, kPinnedShort };
inline bool IsPinned(Schedule s) {
  return s == Schedule::kPinned || s == Schedule::kPinnedShort;
}
inline bool IsShort(Schedule s) {
  return s == Schedule::kDynamicShort || s == Schedule::kPinnedShort;
}

// Runs fn(ctx, chunk) for every chunk; ctx is a copy of the JobContext per
// thread.
AMDAHL_API void ParallelRun(size_t begin, size_t end, size_t grain,
                            size_t max_threads, Schedule schedule, ChunkFn fn,
                            const JobContext& ctx);

template <class F>
void ParallelRunOf(size_t begin, size_t end, size_t grain, size_t max_threads,
                   Schedule schedule, const F& f) {
  JobContext ctx{};
  if constexpr (std::is_trivially_copyable_v<F> && sizeof(F) <= sizeof(JobContext) &&
                alignof(F) <= alignof(JobContext)) {
    new (ctx.bytes) F(f);
    ParallelRun(begin, end, grain, max_threads, schedule, &CallChunk<F>, ctx);
  } else {
    new (ctx.bytes) FunctorRef<F>{&f};
    ParallelRun(begin, end, grain, max_threads, schedule, &CallChunk<FunctorRef<F>>, ctx);
  }
}

}  // namespace detail

// Calls f(chunk_begin, chunk_end) for every chunk of [begin, end): chunks are
// `grain` long (the last may be shorter) and start at begin + i * grain, the
// same for any thread count. Chunks run on up to NumThreads() threads.
template <class F>
void ParallelFor(size_t begin, size_t end, size_t grain, const F& f) {
  detail::ParallelRunOf(begin, end, grain, 0, detail::Schedule::kDynamic, f);
}

// As ParallelFor, on at most max_threads threads (0: NumThreads()).
template <class F>
void ParallelForThreads(size_t begin, size_t end, size_t grain,
                        size_t max_threads, const F& f) {
  detail::ParallelRunOf(begin, end, grain, max_threads, detail::Schedule::kDynamic, f);
}

// As ParallelForThreads, but chunk i always runs on the same thread (i % P,
// P = threads taking part; the caller runs chunks 0, P, 2P, ...): a loop
// called again and again over the same arrays finds its part in the same
// core's cache. Use P chunks for one contiguous part per thread.
template <class F>
void ParallelForPinned(size_t begin, size_t end, size_t grain,
                       size_t max_threads, const F& f) {
  detail::ParallelRunOf(begin, end, grain, max_threads, detail::Schedule::kPinned, f);
}

}  // namespace amdahl

#endif  // AMDAHL_POOL_H_
