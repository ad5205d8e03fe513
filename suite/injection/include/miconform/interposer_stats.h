/* interposer_stats.h - the C API exported by libmiconform_interposer.so, the schedule-shaking
 * library the runner preloads (LD_PRELOAD) into a case process; cases reach it through
 * ReadInterposerStats() (interposer_reader.h), never by linking.
 *
 * Contract:
 *  - The symbols exist only while the library is preloaded: look them up with
 *    dlsym(RTLD_DEFAULT, ...).
 *  - Both functions are thread-safe, lock-free, never allocate and are async-signal-safe.
 *  - Counters are kept only while injection is active (mode random, countdown or pct, plan valid);
 * a "hit" is a call of an ENABLED point that passed the only= filter; calls of disabled points and
 *    every call in mode=off are pure pass-through and are not counted.
 *  - A snapshot reads the counters one after another, not as one atomic unit: read it once the
 *    measured work is quiescent.
 */
#ifndef MICONFORM_INTERPOSER_STATS_H
#define MICONFORM_INTERPOSER_STATS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MICONFORM_INTERPOSER_STATS_MAX_POINTS 32
#define MICONFORM_INTERPOSER_STATS_NAME_BYTES 64

/* Counters of one interposer point. */
typedef struct MiconformInjectionPointStats {
  char name[MICONFORM_INTERPOSER_STATS_NAME_BYTES]; /* registry name, e.g. "interposer.read" */
  uint64_t hits;                                    /* counted calls of the point */
  uint64_t fires;                                   /* hits that injected a delay (pct: hits
                                                       held back behind a higher priority) */
} MiconformInjectionPointStats;

typedef struct MiconformInjectionStats {
  uint32_t point_count;  /* valid entries of points[]: every interposer-layer point */
  int mode;              /* 0 off (or invalid plan), 1 random, 2 countdown, 3 pct */
  int countdown_reached; /* mode countdown: 1 once the K-th hit happened (and fired) */
  uint64_t total_hits;   /* sum of hits over all points */
  uint64_t total_fires;  /* sum of fires over all points */
  MiconformInjectionPointStats points[MICONFORM_INTERPOSER_STATS_MAX_POINTS];
  uint64_t seed;        /* the plan's seed (0 when off) */
  uint32_t pct_depth;   /* mode pct: the plan's depth d; 0 otherwise */
  uint32_t pct_horizon; /* mode pct: the plan's horizon H; 0 otherwise */
} MiconformInjectionStats;

/* 1 when a valid plan of mode random, countdown or pct was read from MICONFORM_INJECT at load and
 * the library injects; 0 in pass-through (no variable, mode=off, or an invalid plan, which is
 * reported once on stderr). */
int miconform_injection_active(void);

/* Copies the counters into *out (no effect when out is NULL). */
void miconform_injection_stats(MiconformInjectionStats* out);

#ifdef __cplusplus
}
#endif

#endif /* MICONFORM_INTERPOSER_STATS_H */
