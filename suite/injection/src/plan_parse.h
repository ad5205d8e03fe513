/* plan_parse.h - the one parser of injection plans (the MICONFORM_INJECT syntax), in plain C so
 * that the runner (through InjectionPlan) and the preloaded interposer read a plan identically; it
 * also gives C code the point table as arrays. Internal to suite/injection.
 *
 * Syntax: items separated by ';', each key=value; empty items are skipped. Keys:
 *   mode=off|random|countdown|pct  (required unless the text is empty, which means off)
 *   seed=<uint64>              any mode
 *   p=<probability>            random only, required: 0, 1 or a decimal such as 0.05 (no exponent,
 *                              at most 18 fractional digits)
 *   max_us=<0..10000000>       random only, required: the longest delay of a firing hit
 *   k=<1..2^64-1>              countdown only, required: the hit that fires (1-based)
 *   delay_us=<0..10000000>     countdown and pct, required: the delay of the firing hit (countdown)
 *                              or of each held-back hit (pct)
 *   depth=<1..64>              pct only, required: the bug depth d (d-1 priority change points)
 *   horizon=<1..1000000000>    pct only, required: change points are drawn among hits 1..horizon;
 *                              it must be at least depth-1
 *   delay=sleep|yield          random/countdown/pct: sleep the delay, or spend it in sched_yield
 *                              bursts
 *   points=<name>,<name>...    any mode: the enabled points (default: every point)
 *   only=<substring>           any mode: fire only for calls made from a loaded object whose path
 *                              contains <substring>
 * A key may appear once. The parser never allocates; it is reentrant.
 */
#ifndef MICONFORM_INJECTION_PLAN_PARSE_H
#define MICONFORM_INJECTION_PLAN_PARSE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
  MICONFORM_MODE_OFF = 0,
  MICONFORM_MODE_RANDOM = 1,
  MICONFORM_MODE_COUNTDOWN = 2,
  MICONFORM_MODE_PCT = 3
};
enum { MICONFORM_DELAY_SLEEP = 0, MICONFORM_DELAY_YIELD = 1 };

#define MICONFORM_PLAN_MAX_POINTS 128
#define MICONFORM_PLAN_ONLY_BYTES 256
#define MICONFORM_PLAN_MAX_DELAY_US 10000000u
#define MICONFORM_PLAN_MAX_PCT_DEPTH 64
#define MICONFORM_PLAN_MAX_PCT_HORIZON 1000000000u

typedef struct MiconformPlan {
  int mode;
  int delay_kind;
  uint64_t seed;
  double probability;      /* p as written */
  uint64_t fire_threshold; /* a draw below it fires: floor(p * 2^64) */
  int fire_always;         /* p == 1 */
  uint32_t max_us;
  uint64_t countdown_k;
  uint32_t delay_us;    /* countdown: the firing hit's delay; pct: each held-back hit's */
  uint32_t pct_depth;   /* pct: d, 1..MICONFORM_PLAN_MAX_PCT_DEPTH */
  uint32_t pct_horizon; /* pct: H, change points lie in hits 1..H */
  uint32_t point_count; /* 0: every point enabled */
  uint16_t points[MICONFORM_PLAN_MAX_POINTS]; /* registry indices, in the order written */
  char only[MICONFORM_PLAN_ONLY_BYTES];       /* "" = no filter */
} MiconformPlan;

/* Parses text (NUL-terminated) into *out. Returns 0 on success; otherwise -1 with a one-line
 * message naming the offending item in error (always NUL-terminated when error_size > 0). */
int miconform_plan_parse(const char* text, MiconformPlan* out, char* error, size_t error_size);

/* The point table (injection_point_table.h), indexed 0..count-1 in table order. */
size_t miconform_point_count(void);
const char* miconform_point_name(size_t index);
const char* miconform_point_layer(size_t index); /* "callback", "handler" or "interposer" */
const char* miconform_point_description(size_t index);
/* Index of the point with this exact name, or -1. */
int miconform_point_find(const char* name, size_t name_length);

#ifdef __cplusplus
}
#endif

#endif /* MICONFORM_INJECTION_PLAN_PARSE_H */
