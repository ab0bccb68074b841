// The fork-join pool: pinned workers, per-worker epoch words, spin then futex.
//
// A call writes the job (function, range, grain, and the functor itself
// where it is small) into each participating worker's cache line, then bumps
// the `start` word in that same line.
// Each worker has its own epoch sequence: a call adds one to the `start` of
// the workers it uses, and the caller waits for the worker's `done` to reach
// that value. A worker's `start` therefore never returns to the value the
// worker last saw, even when the 32-bit counter wraps (a shared counter
// could, after 2^32 calls, hand a worker that sat out the value it saw last,
// and the worker would skip its chunks).
// Workers spin on their word for a short while and then sleep on it with a
// futex; the caller wakes only those that said they sleep. Chunks are claimed
// with one shared atomic counter. Each worker acknowledges in its own `done`
// word, which the caller spins on.
#include "amdahl/pool.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

#include "amdahl/topology.h"
#include "lib/runtime/log.h"
#include "lib/hooks.h"

namespace amdahl {
namespace {

constexpr size_t kLine = 64;
// How long an idle worker spins before it sleeps: long enough to catch the
// next call of a loop of kernels, short enough that an idle process goes
// quiet within a millisecond.
constexpr auto kSpinTime = std::chrono::microseconds(300);
// How often short calls wake sleeping workers at most (ShortCallFindsSleepers).
constexpr auto kWakeEvery = std::chrono::milliseconds(1);

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

long Futex(std::atomic<uint32_t>* word, int op, uint32_t value) {
  static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t), "futex word");
  return syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), op, value,
                 nullptr, nullptr, 0);
}

thread_local bool t_in_task = false;
// The most threads a parallel call of this thread used since the last
// detail::TakeMostThreadsUsed() (the benchmarks report what a kernel chose).
thread_local size_t t_most_threads = 1;

// One parallel call: chunks of `grain` over [begin, end) (end > begin,
// grain >= 1), each run as fn(&ctx, chunk) on the running thread's copy.
struct Job {
  detail::ChunkFn fn = nullptr;
  size_t begin = 0, end = 0, grain = 1;
  detail::JobContext ctx{};
  size_t NumChunks() const {
    const size_t n = end - begin;
    return n / grain + (n % grain != 0);
  }
};

// A worker's two lines. The first holds what the caller writes: the job,
// the functor included, and the `start` word bumped after them. A worker
// woken by its `start` finds all it needs for its first chunk in that line:
// one transfer between the cores (with the job in the pool's own line, a
// worker waited on a second miss before its first chunk; with the functor on
// the caller's stack, on another). `sleeping`, which the caller reads on
// every call and the worker writes only around a sleep, is there too. The
// second line holds `done`, which the worker writes on every call.
struct alignas(kLine) WorkerSlot {
  std::atomic<uint32_t> start{0};     // epoch the caller asks the worker to run
  std::atomic<uint16_t> sleeping{0};  // 1 while the worker sleeps on `start`
  uint16_t participants = 0;          // 0: chunks are claimed dynamically
  Job job;                            // read by the worker after `start`
  alignas(kLine) std::atomic<uint32_t> done{0};  // last epoch the worker finished
};
static_assert(offsetof(WorkerSlot, done) == kLine, "the caller's words and job share one line");

class Pool {
 public:
  Pool() : slots_(new WorkerSlot[MaxWorkers()]) {}

  // Threads are never joined: the pool lives until the process ends, and a
  // fork child simply abandons its copy.
  ~Pool() = delete;

  // (At most 65,534: a job counts its participants in 16 bits, to fit the
  // worker's line.)
  static size_t MaxWorkers() {
    const size_t cores = GetTopology().usable_cores.value;
    return std::min<size_t>(cores > 1 ? cores - 1 : 0, UINT16_MAX - 1);
  }

  size_t WorkersStarted() const {
    return num_workers_.load(std::memory_order_acquire);
  }

  // Sets every worker's epoch counter (for the wrap test). Only before any
  // worker exists: a running worker keeps its last epoch in a local.
  bool SetEpochs(uint32_t epoch) {
    std::lock_guard<std::mutex> lock(call_mu_);
    if (num_workers_.load(std::memory_order_relaxed) != 0) return false;
    for (size_t i = 0; i < MaxWorkers(); ++i) {
      slots_[i].start.store(epoch, std::memory_order_relaxed);
      slots_[i].done.store(epoch, std::memory_order_relaxed);
    }
    return true;
  }

  // Returns how many threads took part, the caller included; 0 if another
  // caller holds the workers or none could be started.
  size_t Run(Job job, size_t threads, detail::Schedule schedule) {
    std::unique_lock<std::mutex> lock(call_mu_, std::try_to_lock);
    if (!lock.owns_lock()) return 0;
    const size_t workers = EnsureWorkers(threads - 1);
    if (workers == 0) return 0;
    if (detail::IsShort(schedule) && ShortCallFindsSleepers(workers)) return 0;
    const bool pinned_chunks = detail::IsPinned(schedule);

    const uint16_t participants = pinned_chunks ? static_cast<uint16_t>(workers + 1) : 0;
    if (!pinned_chunks) next_.store(0, std::memory_order_relaxed);
    for (size_t i = 0; i < workers; ++i) {
      WorkerSlot& s = slots_[i];
      // Only this caller (holding call_mu_) writes `start` and the job; the
      // worker finished the previous epoch, so `done` equals it, and it
      // reads the job only after it sees the new `start`.
      s.job = job;
      s.participants = participants;
      s.start.store(s.start.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }
    // One fence for all workers, then the sleepers are woken: a seq_cst
    // store per worker waited for each worker's line in turn before the
    // next worker's job went out. The fence pairs with the one a worker
    // puts between its `sleeping` and its last look at `start`: one of the
    // two sees the other's store.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    for (size_t i = 0; i < workers; ++i) {
      WorkerSlot& s = slots_[i];
      if (s.sleeping.load(std::memory_order_relaxed) != 0) {
        Futex(&s.start, FUTEX_WAKE_PRIVATE, 1);
      }
    }
    t_in_task = true;
    RunChunks(job, participants, 0);
    t_in_task = false;
    for (size_t i = 0; i < workers; ++i) {
      WaitDone(slots_[i], slots_[i].start.load(std::memory_order_relaxed));
    }
    if (failed_.load(std::memory_order_acquire)) {
      // Cleared by the call that failed, while it still holds the workers:
      // no call writes the flag otherwise (a store of the same value would
      // take its line from the workers, who read it before every chunk).
      failed_.store(false, std::memory_order_relaxed);
      std::exception_ptr e = error_;
      error_ = nullptr;
      std::rethrow_exception(e);
    }
    return workers + 1;
  }

 private:
  // Whether one of the first `workers` workers sleeps, for a short call
  // (Schedule::k*Short), which then runs on the caller alone. Called
  // with call_mu_ held. The sleepers are woken, without a job, when such
  // calls come within a spin time of each other: a run of short calls,
  // whose next ones the woken workers will catch. A call now and then
  // leaves them asleep: waking one is a system call that takes the caller
  // itself 5-25 us on the Zen 5 VM. (A wake that comes before the worker's
  // futex wait is lost; it sleeps on, and a later short call tries again.)
  bool ShortCallFindsSleepers(size_t workers) {
    bool any = false;
    for (size_t i = 0; i < workers && !any; ++i) {
      any = slots_[i].sleeping.load(std::memory_order_relaxed) != 0;
    }
    if (!any) return false;
    const auto now = std::chrono::steady_clock::now();
    // (Once per kWakeEvery: a worker woken a moment ago still says it sleeps
    // until it runs, and each call in between paid for another wake.)
    if (now - last_short_with_sleepers_ < kSpinTime && now - last_wake_ >= kWakeEvery) {
      for (size_t i = 0; i < workers; ++i) {
        WorkerSlot& s = slots_[i];
        if (s.sleeping.load(std::memory_order_relaxed) != 0) {
          Futex(&s.start, FUTEX_WAKE_PRIVATE, 1);
        }
      }
      last_wake_ = now;
    }
    last_short_with_sleepers_ = now;
    return true;
  }

  static void WaitDone(const WorkerSlot& s, uint32_t epoch) {
    for (uint32_t spins = 0; s.done.load(std::memory_order_acquire) != epoch;
         ++spins) {
      // A worker may have been descheduled (more runnable threads than
      // cores): after a while, give the CPU away instead of burning it.
      if (spins < 20000) {
        CpuRelax();
      } else {
        sched_yield();
      }
    }
  }

  // Runs chunks until none is left: claimed one by one from the shared
  // counter (stride 0), or, with pinned chunks, chunk i on participant
  // i % stride, stride the participant count (the caller is participant 0,
  // worker w participant w + 1).
  void RunChunks(const Job& job, size_t stride, size_t participant) {
    const size_t num_chunks = job.NumChunks();
    for (size_t mine = participant;; mine += stride) {
      const size_t i =
          stride ? mine : next_.fetch_add(1, std::memory_order_relaxed);
      if (i >= num_chunks || (stride && failed_.load(std::memory_order_relaxed))) {
        return;
      }
      const size_t b = job.begin + i * job.grain;
      const size_t e = b + std::min(job.grain, job.end - b);  // no wrap near SIZE_MAX
      try {
        job.fn(job.ctx.bytes, b, e);
      } catch (...) {
        if (!failed_.exchange(true, std::memory_order_acq_rel)) {
          error_ = std::current_exception();
        }
        next_.store(num_chunks, std::memory_order_relaxed);
        return;
      }
    }
  }

  // Starts workers until `wanted` exist or thread creation fails. Called with
  // call_mu_ held. Returns how many may be used.
  size_t EnsureWorkers(size_t wanted) {
    wanted = std::min(wanted, MaxWorkers());
    size_t have = num_workers_.load(std::memory_order_relaxed);
    while (have < wanted && !spawn_failed_) {
      if (!StartWorker(have)) {
        spawn_failed_ = true;
        WarnOnce("could not start worker thread " + std::to_string(have + 1) +
                 " (" + std::strerror(errno) + "); going on with " +
                 std::to_string(have) + " workers");
        break;
      }
      num_workers_.store(++have, std::memory_order_release);
    }
    return std::min(have, wanted);
  }

  struct StartArgs {
    Pool* pool;
    size_t index;
  };

  bool StartWorker(size_t index) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    const Topology& topo = GetTopology();
    const char* pin = std::getenv("AMDAHL_PIN");
    const bool do_pin = !(pin != nullptr && std::strcmp(pin, "0") == 0);
    // Worker i runs on core i + 1: the caller, who is not pinned, usually
    // sits on the first core and the scheduler keeps it where workers are not.
    if (do_pin && index + 1 < topo.cores.size()) {
      cpu_set_t set;
      CPU_ZERO(&set);
      for (int cpu : topo.cores[index + 1].pus) CPU_SET(cpu, &set);
      pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
    }
    auto* args = new StartArgs{this, index};
    pthread_t thread;
    const int rc = pthread_create(&thread, &attr, &Pool::WorkerMain, args);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
      delete args;
      errno = rc;
      return false;
    }
    pthread_detach(thread);
    return true;
  }

  static void* WorkerMain(void* p) {
    std::unique_ptr<StartArgs> args(static_cast<StartArgs*>(p));
    args->pool->WorkerLoop(args->index);
    return nullptr;
  }

  [[noreturn]] void WorkerLoop(size_t index) {
    t_in_task = true;
    WorkerSlot& s = slots_[index];
    // Not `start`: the caller may already have set it for the first job.
    uint32_t seen = s.done.load(std::memory_order_acquire);
    for (;;) {
      const uint32_t epoch = WaitForStart(s, seen);
      seen = epoch;
      RunChunks(s.job, s.participants, index + 1);  // (rewritten only after `done`)
      s.done.store(epoch, std::memory_order_release);
    }
  }

  static uint32_t WaitForStart(WorkerSlot& s, uint32_t seen) {
    for (;;) {
      const auto deadline = std::chrono::steady_clock::now() + kSpinTime;
      do {
        for (int i = 0; i < 256; ++i) {
          const uint32_t e = s.start.load(std::memory_order_acquire);
          if (e != seen) return e;
          CpuRelax();
        }
      } while (std::chrono::steady_clock::now() < deadline);
      // Sleep. The fence between `sleeping` and the look at `start` pairs
      // with the caller's between its `start` stores and its look at
      // `sleeping`: one of the two sees the other's store.
      s.sleeping.store(1, std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_seq_cst);
      if (s.start.load(std::memory_order_relaxed) == seen) {
        Futex(&s.start, FUTEX_WAIT_PRIVATE, seen);
      }
      s.sleeping.store(0, std::memory_order_relaxed);
      // Woken with a job, or without one by a short call that ran alone
      // (ShortCallFindsSleepers), or spuriously: spin again either way.
      const uint32_t e = s.start.load(std::memory_order_acquire);
      if (e != seen) return e;
    }
  }

  // When a short call last found a worker asleep, and last woke the
  // sleepers (under call_mu_).
  std::chrono::steady_clock::time_point last_short_with_sleepers_{}, last_wake_{};
  std::unique_ptr<WorkerSlot[]> slots_;
  std::atomic<size_t> num_workers_{0};
  bool spawn_failed_ = false;
  std::mutex call_mu_;

  // The first exception a chunk threw (set by whoever sets failed_).
  std::exception_ptr error_;
  alignas(kLine) std::atomic<size_t> next_{0};
  alignas(kLine) std::atomic<bool> failed_{false};
};

// The pool, created on first use. A fork child forgets its parent's pool (its
// threads do not exist there) and makes its own.
std::atomic<Pool*> g_pool{nullptr};
std::mutex g_pool_mu;
std::atomic<size_t> g_api_threads{0};

void ForkPrepare() { g_pool_mu.lock(); }
void ForkParent() { g_pool_mu.unlock(); }
void ForkChild() {
  g_pool_mu.unlock();
  g_pool.store(nullptr, std::memory_order_relaxed);
  t_in_task = false;
}

Pool& GetPool() {
  Pool* pool = g_pool.load(std::memory_order_acquire);
  if (pool != nullptr) return *pool;
  std::lock_guard<std::mutex> lock(g_pool_mu);
  pool = g_pool.load(std::memory_order_relaxed);
  if (pool == nullptr) {
    static const bool registered =
        pthread_atfork(&ForkPrepare, &ForkParent, &ForkChild) == 0;
    (void)registered;
    pool = new Pool();
    g_pool.store(pool, std::memory_order_release);
  }
  return *pool;
}

size_t EnvThreads() {
  static const size_t n = [] {
    std::string warning;
    const size_t r = detail::ThreadCountFromEnv(
        std::getenv("AMDAHL_NUM_THREADS"), std::getenv("OMP_NUM_THREADS"),
        GetTopology().usable_cores.value, &warning);
    if (!warning.empty()) WarnOnce(warning);
    return r;
  }();
  return n;
}

// Parses a whole string as a decimal integer; false if it is not one.
bool ParseInt(const std::string& s, long* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (errno != 0 || end == s.c_str() || *end != '\0') return false;
  *out = v;
  return true;
}

}  // namespace

namespace detail {

size_t ThreadCountFromEnv(const char* amdahl_num_threads,
                          const char* omp_num_threads, size_t usable_cores,
                          std::string* warning) {
  usable_cores = std::max<size_t>(usable_cores, 1);
  struct Var {
    const char* name;
    const char* value;
  };
  for (const Var& var : {Var{"AMDAHL_NUM_THREADS", amdahl_num_threads},
                         Var{"OMP_NUM_THREADS", omp_num_threads}}) {
    if (var.value == nullptr || var.value[0] == '\0') continue;
    std::string text = var.value;
    // OMP_NUM_THREADS may list one count per nesting level: "4,2".
    if (std::strcmp(var.name, "OMP_NUM_THREADS") == 0) {
      text = text.substr(0, text.find(','));
    }
    long n = 0;
    if (!ParseInt(text, &n) || n < 1) {
      if (warning) {
        *warning = std::string(var.name) + "='" + var.value +
                   "' is not a positive integer; using " +
                   std::to_string(usable_cores) + " threads";
      }
      return usable_cores;
    }
    if (static_cast<unsigned long>(n) > usable_cores) {
      if (warning) {
        *warning = std::string(var.name) + "=" + var.value + " exceeds the " +
                   std::to_string(usable_cores) + " usable cores; using " +
                   std::to_string(usable_cores);
      }
      return usable_cores;
    }
    return static_cast<size_t>(n);
  }
  return usable_cores;
}

void ParallelRun(size_t begin, size_t end, size_t grain, size_t max_threads,
                 Schedule schedule, ChunkFn fn, const JobContext& ctx) {
  if (end <= begin) return;
  if (grain == 0) grain = 1;
  const Job job{fn, begin, end, grain, ctx};
  const size_t num_chunks = job.NumChunks();
  size_t threads = NumThreads();
  if (max_threads != 0) threads = std::min(threads, max_threads);
  threads = std::min(threads, num_chunks);
  if (threads > 1 && !t_in_task) {
    const size_t used = GetPool().Run(job, threads, schedule);
    if (used != 0) {
      t_most_threads = std::max(t_most_threads, used);
      return;
    }
  }
  // Serial: one thread, nested, the workers busy with another caller, or no
  // worker could be started. Same chunks, same order; counted in chunks, so
  // that a range ending near SIZE_MAX cannot wrap.
  for (size_t i = 0; i < num_chunks; ++i) {
    const size_t b = begin + i * grain;
    fn(ctx.bytes, b, b + std::min(grain, end - b));
  }
}

bool SetPoolEpochsForTesting(uint32_t epoch) { return GetPool().SetEpochs(epoch); }

size_t TakeMostThreadsUsed() {
  const size_t most = t_most_threads;
  t_most_threads = 1;
  return most;
}

}  // namespace detail

size_t NumThreads() {
  const size_t api = g_api_threads.load(std::memory_order_relaxed);
  if (api != 0) return std::min(api, GetTopology().usable_cores.value);
  return EnvThreads();
}

void SetNumThreads(size_t num_threads) {
  g_api_threads.store(num_threads, std::memory_order_relaxed);
}

size_t NumWorkersStarted() {
  Pool* pool = g_pool.load(std::memory_order_acquire);
  return pool ? pool->WorkersStarted() : 0;
}

bool InParallelTask() { return t_in_task; }

}  // namespace amdahl
