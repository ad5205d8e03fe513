/* injection_engine.c - plan loading, hit counting, firing decisions, delays and statistics of
 * libmiconform_interposer.so (contract in injection_engine.h and interposer_stats.h).
 *
 * Why no lock anywhere: the library interposes pthread_mutex_lock itself, runs inside arbitrary
 * lock nesting of the target, and may be entered from signal handlers. State is either written
 * once by the constructor before miconform_engine_on is published (the plan, pct's change
 * points), or atomic (the counters, pct's table of live threads), or thread-local with the
 * initial-exec model (no allocation on first touch).
 */
#define _GNU_SOURCE
#include "injection_engine.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "miconform/injection_prng.h"
#include "miconform/interposer_stats.h"
#include "plan_parse.h"
#include "real_functions.h"

#define EXPORTED __attribute__((visibility("default")))
#define THREAD_LOCAL static __thread __attribute__((tls_model("initial-exec")))

#define MICONFORM_ENGINE_NAME(layer, ident, description) MICONFORM_ENGINE_NAME_##layer(ident)
#define MICONFORM_ENGINE_NAME_interposer(ident) "interposer." #ident,
#define MICONFORM_ENGINE_NAME_callback(ident)
#define MICONFORM_ENGINE_NAME_handler(ident)
static const char* const kPointNames[INTERPOSER_POINT_COUNT] = {
    MICONFORM_INJECTION_POINT_TABLE(MICONFORM_ENGINE_NAME)};

_Static_assert(INTERPOSER_POINT_COUNT <= MICONFORM_INTERPOSER_STATS_MAX_POINTS,
               "interposer_stats.h has room for fewer points than the table declares");
_Static_assert(INTERPOSER_POINT_COUNT <= 64, "the enabled-point mask is 64 bits");

_Atomic int miconform_engine_on;

/* The plan, written by the constructor before miconform_engine_on is set. */
static MiconformPlan g_plan;
static uint64_t g_enabled_mask;
static char g_executable_path[4096];

/* Each point's counters on its own cache line: eight threads hammering mutex_lock should not
 * also contend with the read counters. */
typedef struct {
  _Atomic uint64_t hits;
  _Atomic uint64_t fires;
} __attribute__((aligned(64))) PointCounters;
static PointCounters g_counters[INTERPOSER_POINT_COUNT];
static _Atomic uint64_t g_total_hits;
static _Atomic uint64_t g_total_fires;
static _Atomic int g_countdown_reached;

/* Thread numbering: the main thread is 0; threads created through pthread_create while random
 * or pct mode is on get 1, 2, ... in creation order; any other thread gets a number with the top
 * bit set, in the order of its first hit (not reproducible). */
static _Atomic uint64_t g_next_thread_index = 1;
static _Atomic uint64_t g_next_foreign_index;
THREAD_LOCAL int t_inside;
THREAD_LOCAL int t_has_index;
THREAD_LOCAL uint64_t t_thread_index;
THREAD_LOCAL int t_seeded;
THREAD_LOCAL uint64_t t_generator;

/* ---- delays ------------------------------------------------------------------------------ */

void miconform_engine_raw_yield(void) { syscall(SYS_sched_yield); }

static int before(const struct timespec* a, const struct timespec* b) {
  return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* A zero delay still yields once: it lets another thread run at exactly this point. Sleeping goes
 * through the raw system call so that the delay is not a cancellation point (the interposed call,
 * e.g. pthread_mutex_lock, may not be one) and does not re-enter the interposer. */
static void wait_microseconds(uint32_t us) {
  if (us == 0) {
    miconform_engine_raw_yield();
    return;
  }
  struct timespec deadline;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += us / 1000000u;
  deadline.tv_nsec += (long)(us % 1000000u) * 1000L;
  if (deadline.tv_nsec >= 1000000000L) {
    deadline.tv_sec += 1;
    deadline.tv_nsec -= 1000000000L;
  }
  if (g_plan.delay_kind == MICONFORM_DELAY_YIELD) {
    struct timespec now;
    do {
      miconform_engine_raw_yield();
      clock_gettime(CLOCK_MONOTONIC, &now);
    } while (before(&now, &deadline));
    return;
  }
  while (syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) != 0 &&
         errno == EINTR) {
  }
}

/* ---- only= ------------------------------------------------------------------------------- */

/* Whether the code at `caller` belongs to a loaded object whose path contains the only= text.
 * _dl_find_object (glibc >= 2.35) is lock-free and async-signal-safe; dladdr, the fallback, takes
 * the dynamic loader's lock. The main program's path comes from /proc/self/exe. */
static int caller_matches(const void* caller) {
  const char* path = NULL;
#ifdef DLFO_STRUCT_HAS_EH_DBASE
  struct dl_find_object found;
  if (_dl_find_object((void*)caller, &found) == 0 && found.dlfo_link_map) {
    path = found.dlfo_link_map->l_name;
  }
#else
  Dl_info info;
  if (dladdr(caller, &info) != 0) path = info.dli_fname;
#endif
  if (!path) return 0;
  if (path[0] == '\0') path = g_executable_path;
  return strstr(path, g_plan.only) != NULL;
}

/* ---- hits -------------------------------------------------------------------------------- */

/* This thread's creation index (see g_next_thread_index), assigned on first need. */
static uint64_t thread_index(void) {
  if (!t_has_index) {
    t_thread_index = syscall(SYS_gettid) == getpid()
                         ? 0
                         : (UINT64_C(1) << 63) | atomic_fetch_add_explicit(&g_next_foreign_index, 1,
                                                                           memory_order_relaxed);
    t_has_index = 1;
  }
  return t_thread_index;
}

static uint64_t* thread_generator(void) {
  if (!t_seeded) {
    t_generator = miconform_prng_thread_state(g_plan.seed, thread_index());
    t_seeded = 1;
  }
  return &t_generator;
}

/* ---- pct --------------------------------------------------------------------------------- */

/* PCT needs "the highest-priority runnable thread", which only the OS scheduler knows. The engine
 * approximates "runnable" by "hit an enabled point less than PCT_RECENT_NS ago": a thread blocked
 * in a wait, or gone, stops holding others back once that time has passed. Threads register in a
 * fixed table on their first pct hit and leave it when their start function returns (through the
 * launch trampoline); slots of threads that left without it are reclaimed once idle for
 * PCT_RECLAIM_NS. The table is read slot by slot without a lock, so a reader may briefly see a
 * slot's owner, priority and time from different moments: an approximation either way. */
#define PCT_RECENT_NS UINT64_C(5000000)
#define PCT_RECLAIM_NS UINT64_C(1000000000)
#define PCT_SLOTS 64

typedef struct {
  _Atomic uint64_t owner; /* thread index + 1; 0 = free */
  _Atomic uint64_t priority;
  _Atomic uint64_t last_hit_ns;
} __attribute__((aligned(64))) PctSlot;
static PctSlot g_pct_slots[PCT_SLOTS];
static uint64_t g_pct_change_points[MICONFORM_PCT_MAX_CHANGE_POINTS]; /* ascending, by load */
static uint32_t g_pct_change_count;

THREAD_LOCAL int t_pct_ready;
THREAD_LOCAL uint64_t t_pct_priority;
THREAD_LOCAL int t_pct_slot; /* slot index + 1; 0 = none */

static uint64_t monotonic_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * UINT64_C(1000000000) + (uint64_t)now.tv_nsec;
}

/* This thread's slot, claimed on first use; NULL when every slot is busy (the thread is then
 * held back like the others but holds nobody back). */
static PctSlot* pct_slot(uint64_t owner, uint64_t now) {
  if (t_pct_slot) {
    PctSlot* slot = &g_pct_slots[t_pct_slot - 1];
    if (atomic_load_explicit(&slot->owner, memory_order_relaxed) == owner) return slot;
    t_pct_slot = 0; /* reclaimed while this thread was idle */
  }
  for (int pass = 0; pass < 2; ++pass) {
    for (int i = 0; i < PCT_SLOTS; ++i) {
      PctSlot* slot = &g_pct_slots[i];
      uint64_t expected = atomic_load_explicit(&slot->owner, memory_order_relaxed);
      /* Pass 0 takes a free slot; pass 1 one idle for PCT_RECLAIM_NS (signed: its owner may
       * have read the clock after this thread did). */
      if (pass == 0
              ? expected != 0
              : (int64_t)(now - atomic_load_explicit(&slot->last_hit_ns, memory_order_relaxed)) <
                    (int64_t)PCT_RECLAIM_NS) {
        continue;
      }
      if (atomic_compare_exchange_strong_explicit(&slot->owner, &expected, owner,
                                                  memory_order_acq_rel, memory_order_relaxed)) {
        t_pct_slot = i + 1;
        return slot;
      }
    }
  }
  return NULL;
}

/* Leaves the table (called as a thread created through the trampoline ends). */
static void pct_leave(void) {
  if (!t_pct_slot) return;
  PctSlot* slot = &g_pct_slots[t_pct_slot - 1];
  uint64_t owner = t_thread_index + 1;
  /* Age the slot first: the next owner's priority is not published yet when it takes the slot,
   * and until it is, the slot must not count as recently active. */
  if (atomic_load_explicit(&slot->owner, memory_order_relaxed) == owner) {
    atomic_store_explicit(&slot->last_hit_ns, 0, memory_order_release);
  }
  atomic_compare_exchange_strong_explicit(&slot->owner, &owner, 0, memory_order_acq_rel,
                                          memory_order_relaxed);
  t_pct_slot = 0;
}

/* One pct hit, the hit_number-th of the process: applies a change point, publishes this thread's
 * priority and time, and says whether a recently active thread has a higher priority. */
static int pct_hold_back(uint64_t hit_number) {
  const uint64_t index = thread_index();
  if (!t_pct_ready) {
    t_pct_priority = miconform_pct_initial_priority(g_plan.seed, index);
    t_pct_ready = 1;
  }
  if (hit_number <= g_plan.pct_horizon) {
    for (uint32_t i = 0; i < g_pct_change_count; ++i) {
      if (g_pct_change_points[i] == hit_number) {
        t_pct_priority = miconform_pct_lowered_priority(g_plan.pct_depth, i + 1);
      }
    }
  }
  const uint64_t owner = index + 1;
  const uint64_t now = monotonic_ns();
  PctSlot* mine = pct_slot(owner, now);
  if (mine) {
    atomic_store_explicit(&mine->priority, t_pct_priority, memory_order_relaxed);
    atomic_store_explicit(&mine->last_hit_ns, now, memory_order_release);
  }
  for (int i = 0; i < PCT_SLOTS; ++i) {
    PctSlot* slot = &g_pct_slots[i];
    if (slot == mine) continue;
    const uint64_t other = atomic_load_explicit(&slot->owner, memory_order_acquire);
    if (other == 0 || other == owner) continue;
    const uint64_t last = atomic_load_explicit(&slot->last_hit_ns, memory_order_acquire);
    /* Signed: another thread may have read the clock after this one. */
    if ((int64_t)(now - last) > (int64_t)PCT_RECENT_NS) continue;
    const uint64_t priority = atomic_load_explicit(&slot->priority, memory_order_relaxed);
    if (priority > t_pct_priority || (priority == t_pct_priority && other < owner)) return 1;
  }
  return 0;
}

void miconform_engine_hit(InterposerPoint point, const void* caller) {
  if (t_inside || !((g_enabled_mask >> point) & 1)) return;
  t_inside = 1;
  const int saved_errno = errno;
  if (g_plan.only[0] == '\0' || caller_matches(caller)) {
    atomic_fetch_add_explicit(&g_counters[point].hits, 1, memory_order_relaxed);
    const uint64_t hit_number =
        atomic_fetch_add_explicit(&g_total_hits, 1, memory_order_relaxed) + 1;
    int fire = 0;
    uint32_t delay_us = 0;
    if (g_plan.mode == MICONFORM_MODE_COUNTDOWN) {
      fire = hit_number == g_plan.countdown_k;
      delay_us = g_plan.delay_us;
    } else if (g_plan.mode == MICONFORM_MODE_PCT) {
      fire = pct_hold_back(hit_number);
      delay_us = g_plan.delay_us;
    } else {
      fire = miconform_prng_decide(thread_generator(), g_plan.fire_threshold, g_plan.fire_always,
                                   g_plan.max_us, &delay_us);
    }
    if (fire) {
      atomic_fetch_add_explicit(&g_counters[point].fires, 1, memory_order_relaxed);
      atomic_fetch_add_explicit(&g_total_fires, 1, memory_order_relaxed);
      if (g_plan.mode == MICONFORM_MODE_COUNTDOWN) {
        atomic_store_explicit(&g_countdown_reached, 1, memory_order_relaxed);
      }
      wait_microseconds(delay_us);
    }
  }
  errno = saved_errno;
  t_inside = 0;
}

/* ---- thread numbering -------------------------------------------------------------------- */

typedef struct {
  _Atomic int busy;
  void* (*start)(void*);
  void* arg;
  uint64_t index;
} Launch;

/* More concurrent not-yet-started threads than this are created without numbering. */
static Launch g_launches[256];

static void leave_on_exit(void* unused) {
  (void)unused;
  pct_leave();
}

/* The cleanup handler also covers pthread_exit and cancellation of the started thread. */
static void* launch_trampoline(void* raw) {
  Launch* launch = raw;
  void* (*start)(void*) = launch->start;
  void* arg = launch->arg;
  t_thread_index = launch->index;
  t_has_index = 1;
  t_seeded = 0;
  atomic_store_explicit(&launch->busy, 0, memory_order_release);
  void* result;
  pthread_cleanup_push(leave_on_exit, NULL);
  result = start(arg);
  pthread_cleanup_pop(1);
  return result;
}

int miconform_engine_prepare_launch(void* (*start)(void*), void* arg, void* (**trampoline)(void*),
                                    void** trampoline_arg) {
  if (!atomic_load_explicit(&miconform_engine_on, memory_order_acquire) ||
      (g_plan.mode != MICONFORM_MODE_RANDOM && g_plan.mode != MICONFORM_MODE_PCT)) {
    return -1;
  }
  const uint64_t index = atomic_fetch_add_explicit(&g_next_thread_index, 1, memory_order_relaxed);
  for (size_t i = 0; i < sizeof g_launches / sizeof g_launches[0]; ++i) {
    int expected = 0;
    if (atomic_compare_exchange_strong_explicit(&g_launches[i].busy, &expected, 1,
                                                memory_order_acquire, memory_order_relaxed)) {
      g_launches[i].start = start;
      g_launches[i].arg = arg;
      g_launches[i].index = index;
      *trampoline = launch_trampoline;
      *trampoline_arg = &g_launches[i];
      return 0;
    }
  }
  return -1;
}

void miconform_engine_launch_abandoned(void* trampoline_arg) {
  atomic_store_explicit(&((Launch*)trampoline_arg)->busy, 0, memory_order_release);
}

/* ---- load -------------------------------------------------------------------------------- */

static void report_bad_plan(const char* error) {
  char line[768];
  int length =
      snprintf(line, sizeof line,
               "miconform_interposer: MICONFORM_INJECT ignored, injection off: %s\n", error);
  if (length > (int)sizeof line - 1) length = (int)sizeof line - 1;
  if (length > 0) (void)!syscall(SYS_write, 2, line, (size_t)length);
}

__attribute__((constructor)) static void load_plan(void) {
  miconform_resolve_real_functions();
  const char* text = getenv("MICONFORM_INJECT");
  if (!text) return;
  char error[512];
  if (miconform_plan_parse(text, &g_plan, error, sizeof error) != 0) {
    report_bad_plan(error);
    return;
  }
  if (g_plan.mode == MICONFORM_MODE_OFF) return;
  for (int point = 0; point < INTERPOSER_POINT_COUNT; ++point) {
    int enabled = g_plan.point_count == 0;
    for (uint32_t i = 0; i < g_plan.point_count && !enabled; ++i) {
      enabled = strcmp(miconform_point_name(g_plan.points[i]), kPointNames[point]) == 0;
    }
    if (enabled) g_enabled_mask |= UINT64_C(1) << point;
  }
  if (g_plan.mode == MICONFORM_MODE_PCT) {
    g_pct_change_count = miconform_pct_change_points(g_plan.seed, g_plan.pct_depth,
                                                     g_plan.pct_horizon, g_pct_change_points);
  }
  ssize_t length =
      syscall(SYS_readlink, "/proc/self/exe", g_executable_path, sizeof g_executable_path - 1);
  g_executable_path[length > 0 ? length : 0] = '\0';
  atomic_store_explicit(&miconform_engine_on, 1, memory_order_release);
}

/* ---- exported statistics ----------------------------------------------------------------- */

EXPORTED int miconform_injection_active(void) {
  return atomic_load_explicit(&miconform_engine_on, memory_order_acquire);
}

EXPORTED void miconform_injection_stats(MiconformInjectionStats* out) {
  if (!out) return;
  memset(out, 0, sizeof *out);
  const int on = miconform_injection_active();
  out->point_count = INTERPOSER_POINT_COUNT;
  out->mode = on ? g_plan.mode : MICONFORM_MODE_OFF;
  out->countdown_reached = atomic_load_explicit(&g_countdown_reached, memory_order_relaxed);
  out->total_hits = atomic_load_explicit(&g_total_hits, memory_order_relaxed);
  out->total_fires = atomic_load_explicit(&g_total_fires, memory_order_relaxed);
  if (on) {
    out->seed = g_plan.seed;
    if (g_plan.mode == MICONFORM_MODE_PCT) {
      out->pct_depth = g_plan.pct_depth;
      out->pct_horizon = g_plan.pct_horizon;
    }
  }
  for (int point = 0; point < INTERPOSER_POINT_COUNT; ++point) {
    strncpy(out->points[point].name, kPointNames[point], sizeof out->points[point].name - 1);
    out->points[point].hits = atomic_load_explicit(&g_counters[point].hits, memory_order_relaxed);
    out->points[point].fires = atomic_load_explicit(&g_counters[point].fires, memory_order_relaxed);
  }
}
