/* injection_prng.h - the seeded generator of fault injection (splitmix64) and the random-mode
 * decision built on it; shared, as static inline C, by the interposer library and by the C++ side
 * (SeededGenerator), so a seed yields the same draws in the runner, in the child and on every
 * machine.
 *
 * Fully specified, integer-only arithmetic modulo 2^64 (no floating point, no platform types):
 *   next(state):  state += 0x9E3779B97F4A7C15;  return mix(state)
 *   mix(z):       z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
 *                 z = (z ^ (z >> 27)) * 0x94D049BB133111EB;  return z ^ (z >> 31)
 *   thread state: mix(seed ^ mix(thread_index + 0x9E3779B97F4A7C15))   (thread_index 0 = main)
 * A random-mode hit draws once; it fires when the draw is below the plan's threshold (or always
 * when p = 1); a firing hit draws a second time for its delay: draw % (max_us + 1) microseconds.
 * PCT mode (priorities and change points, see suite/injection/README.md):
 *   a thread's initial priority: 2^62 + (next(thread state) >> 2), i.e. in [2^62, 2^63); ties
 *                 (practically impossible) are broken by the lower thread index
 *   change points: generator state mix(seed ^ mix(0x5043545F43484731)); draw next() % horizon + 1
 *                 until depth-1 distinct hit numbers are found; sorted ascending. The thread that
 *                 makes the i-th change point (1-based) drops to priority depth - i, below every
 *                 initial priority and below every earlier change point.
 * Everything is reentrant: the state is the caller's.
 */
#ifndef MICONFORM_INJECTION_PRNG_H
#define MICONFORM_INJECTION_PRNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MICONFORM_PRNG_GAMMA UINT64_C(0x9E3779B97F4A7C15)

static inline uint64_t miconform_prng_mix(uint64_t z) {
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static inline uint64_t miconform_prng_next(uint64_t* state) {
  *state += MICONFORM_PRNG_GAMMA;
  return miconform_prng_mix(*state);
}

/* The starting state of the generator of the thread created index-th (0 = the main thread). */
static inline uint64_t miconform_prng_thread_state(uint64_t seed, uint64_t thread_index) {
  return miconform_prng_mix(seed ^ miconform_prng_mix(thread_index + MICONFORM_PRNG_GAMMA));
}

/* One random-mode hit: returns 1 and sets *delay_us when it fires, 0 otherwise. */
static inline int miconform_prng_decide(uint64_t* state, uint64_t threshold, int always,
                                        uint32_t max_us, uint32_t* delay_us) {
  uint64_t draw = miconform_prng_next(state);
  if (!always && draw >= threshold) return 0;
  *delay_us = (uint32_t)(miconform_prng_next(state) % ((uint64_t)max_us + 1));
  return 1;
}

#define MICONFORM_PCT_MAX_CHANGE_POINTS 63

/* The PCT priority a thread starts with, from the seed and its creation index alone. */
static inline uint64_t miconform_pct_initial_priority(uint64_t seed, uint64_t thread_index) {
  uint64_t state = miconform_prng_thread_state(seed, thread_index);
  return (UINT64_C(1) << 62) + (miconform_prng_next(&state) >> 2);
}

/* The priority of the thread that makes the i-th change point (1-based, i <= depth - 1). */
static inline uint64_t miconform_pct_lowered_priority(uint32_t depth, uint32_t i) {
  return (uint64_t)(depth - i);
}

/* Writes the depth-1 change points (hit numbers in 1..horizon, distinct, ascending) to out, which
 * has room for MICONFORM_PCT_MAX_CHANGE_POINTS; returns their number. Needs horizon >= depth-1
 * (the plan parser enforces it); depth is clamped to 1..MICONFORM_PCT_MAX_CHANGE_POINTS+1. */
static inline uint32_t miconform_pct_change_points(uint64_t seed, uint32_t depth, uint32_t horizon,
                                                   uint64_t* out) {
  uint32_t count = depth > 0 ? depth - 1 : 0;
  if (count > MICONFORM_PCT_MAX_CHANGE_POINTS) count = MICONFORM_PCT_MAX_CHANGE_POINTS;
  if (count > horizon) count = horizon;
  uint64_t state = miconform_prng_mix(seed ^ miconform_prng_mix(UINT64_C(0x5043545F43484731)));
  uint32_t found = 0;
  while (found < count) {
    const uint64_t candidate = miconform_prng_next(&state) % horizon + 1;
    uint32_t at = 0;
    while (at < found && out[at] < candidate) ++at;
    if (at < found && out[at] == candidate) continue;
    for (uint32_t j = found; j > at; --j) out[j] = out[j - 1];
    out[at] = candidate;
    ++found;
  }
  return found;
}

#ifdef __cplusplus
}
#endif

#endif /* MICONFORM_INJECTION_PRNG_H */
