/* plan_parse.c - the parser of injection plans (syntax in plan_parse.h), shared by InjectionPlan
 * and the preloaded interposer; it runs in the interposer's constructor, so it never allocates. */
#include "plan_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  const char* text;
  size_t length;
} Span;

static int span_is(Span s, const char* word) {
  return strlen(word) == s.length && memcmp(s.text, word, s.length) == 0;
}

static int fail(char* error, size_t error_size, const char* format, ...) {
  if (error_size > 0) {
    va_list args;
    va_start(args, format);
    vsnprintf(error, error_size, format, args);
    va_end(args);
  }
  return -1;
}

/* Decimal digits only, no sign, within [minimum, maximum]. */
static int parse_unsigned(Span key, Span value, uint64_t minimum, uint64_t maximum, uint64_t* out,
                          char* error, size_t error_size) {
  uint64_t result = 0;
  int ok = value.length > 0 && value.length <= 20;
  for (size_t i = 0; ok && i < value.length; ++i) {
    char c = value.text[i];
    if (c < '0' || c > '9') {
      ok = 0;
    } else {
      uint64_t digit = (uint64_t)(c - '0');
      if (result > (UINT64_MAX - digit) / 10) ok = 0;
      result = result * 10 + digit;
    }
  }
  if (!ok || result < minimum || result > maximum) {
    return fail(error, error_size,
                "bad number '%.*s' for key '%.*s': expected a decimal integer from %llu to %llu",
                (int)value.length, value.text, (int)key.length, key.text,
                (unsigned long long)minimum, (unsigned long long)maximum);
  }
  *out = result;
  return 0;
}

/* 0, 1, or <0|1>.<up to 18 digits>, at most 1. The threshold is computed from the decimal digits
 * exactly, so it does not depend on how the writer rounded p to a double. */
static int parse_probability(Span key, Span value, MiconformPlan* plan, char* error,
                             size_t error_size) {
  size_t i = 0;
  int integer_part = -1;
  uint64_t numerator = 0, denominator = 1;
  size_t fraction_digits = 0;
  int ok = value.length > 0;
  if (ok && (value.text[0] == '0' || value.text[0] == '1')) {
    integer_part = value.text[0] - '0';
    i = 1;
  } else {
    ok = 0;
  }
  if (ok && i < value.length) {
    if (value.text[i] != '.' || i + 1 == value.length) ok = 0;
    for (++i; ok && i < value.length; ++i) {
      char c = value.text[i];
      if (c < '0' || c > '9' || ++fraction_digits > 18) {
        ok = 0;
      } else {
        numerator = numerator * 10 + (uint64_t)(c - '0');
        denominator *= 10;
      }
    }
  }
  if (ok && integer_part == 1 && numerator != 0) ok = 0;
  if (!ok) {
    return fail(error, error_size,
                "bad probability '%.*s' for key '%.*s': expected 0, 1 or a decimal between them "
                "such as 0.05 (at most 18 fractional digits, no exponent)",
                (int)value.length, value.text, (int)key.length, key.text);
  }
  if (integer_part == 1) {
    plan->probability = 1.0;
    plan->fire_always = 1;
    plan->fire_threshold = UINT64_MAX;
  } else {
    plan->probability = (double)numerator / (double)denominator;
    plan->fire_always = 0;
    plan->fire_threshold = (uint64_t)(((unsigned __int128)numerator << 64) / denominator);
  }
  return 0;
}

static int parse_points(Span key, Span value, MiconformPlan* plan, char* error, size_t error_size) {
  if (value.length == 0) {
    return fail(error, error_size,
                "key '%.*s' needs at least one point name (omit it to enable "
                "every point)",
                (int)key.length, key.text);
  }
  const char* cursor = value.text;
  const char* end = value.text + value.length;
  while (cursor <= end) {
    const char* comma = memchr(cursor, ',', (size_t)(end - cursor));
    const char* name_end = comma ? comma : end;
    size_t length = (size_t)(name_end - cursor);
    int index = miconform_point_find(cursor, length);
    if (index < 0) {
      return fail(error, error_size,
                  "unknown injection point '%.*s' in %.*s= (the points are "
                  "listed in injection_point_table.h)",
                  (int)length, cursor, (int)key.length, key.text);
    }
    for (uint32_t j = 0; j < plan->point_count; ++j) {
      if (plan->points[j] == (uint16_t)index) {
        return fail(error, error_size,
                    "injection point '%.*s' is listed twice in %.*s=", (int)length, cursor,
                    (int)key.length, key.text);
      }
    }
    plan->points[plan->point_count++] = (uint16_t)index;
    if (!comma) break;
    cursor = comma + 1;
  }
  return 0;
}

enum {
  KEY_MODE,
  KEY_SEED,
  KEY_P,
  KEY_MAX_US,
  KEY_K,
  KEY_DELAY_US,
  KEY_DEPTH,
  KEY_HORIZON,
  KEY_DELAY,
  KEY_POINTS,
  KEY_ONLY,
  KEY_COUNT
};
static const char* const kKeys[KEY_COUNT] = {
    "mode", "seed", "p", "max_us", "k", "delay_us", "depth", "horizon", "delay", "points", "only"};

#define MODE_BIT(mode) (1u << (mode))
#define ANY_MODE                                                    \
  (MODE_BIT(MICONFORM_MODE_OFF) | MODE_BIT(MICONFORM_MODE_RANDOM) | \
   MODE_BIT(MICONFORM_MODE_COUNTDOWN) | MODE_BIT(MICONFORM_MODE_PCT))
#define MODE_COUNT 4
static const char* const kModeNames[MODE_COUNT] = {"off", "random", "countdown", "pct"};

/* "mode=a", "mode=a or mode=b", "mode=a, mode=b or mode=c": the modes in `mask`. */
static void describe_modes(unsigned mask, char* out, size_t size) {
  int total = 0, written = 0;
  for (int mode = 0; mode < MODE_COUNT; ++mode) total += (mask >> mode) & 1;
  out[0] = '\0';
  for (int mode = 0; mode < MODE_COUNT; ++mode) {
    if (!((mask >> mode) & 1)) continue;
    const char* separator = written == 0 ? "" : written == total - 1 ? " or " : ", ";
    size_t used = strlen(out);
    snprintf(out + used, size - used, "%smode=%s", separator, kModeNames[mode]);
    ++written;
  }
}

static int check_mode_keys(const Span* seen_items, MiconformPlan* plan, char* error,
                           size_t error_size) {
  /* The modes each key applies to. */
  static const unsigned kModes[KEY_COUNT] = {
      ANY_MODE,
      ANY_MODE,
      MODE_BIT(MICONFORM_MODE_RANDOM),
      MODE_BIT(MICONFORM_MODE_RANDOM),
      MODE_BIT(MICONFORM_MODE_COUNTDOWN),
      MODE_BIT(MICONFORM_MODE_COUNTDOWN) | MODE_BIT(MICONFORM_MODE_PCT),
      MODE_BIT(MICONFORM_MODE_PCT),
      MODE_BIT(MICONFORM_MODE_PCT),
      MODE_BIT(MICONFORM_MODE_RANDOM) | MODE_BIT(MICONFORM_MODE_COUNTDOWN) |
          MODE_BIT(MICONFORM_MODE_PCT),
      ANY_MODE,
      ANY_MODE};
  for (int key = 0; key < KEY_COUNT; ++key) {
    if (!seen_items[key].text || ((kModes[key] >> plan->mode) & 1)) continue;
    char modes[96];
    describe_modes(kModes[key], modes, sizeof modes);
    return fail(error, error_size, "key '%s' applies only to %s (this plan has mode=%s)",
                kKeys[key], modes, kModeNames[plan->mode]);
  }
  static const int kRequired[][2] = {
      {MICONFORM_MODE_RANDOM, KEY_P},    {MICONFORM_MODE_RANDOM, KEY_MAX_US},
      {MICONFORM_MODE_COUNTDOWN, KEY_K}, {MICONFORM_MODE_COUNTDOWN, KEY_DELAY_US},
      {MICONFORM_MODE_PCT, KEY_DEPTH},   {MICONFORM_MODE_PCT, KEY_HORIZON},
      {MICONFORM_MODE_PCT, KEY_DELAY_US}};
  for (size_t i = 0; i < sizeof kRequired / sizeof kRequired[0]; ++i) {
    if (plan->mode == kRequired[i][0] && !seen_items[kRequired[i][1]].text) {
      return fail(error, error_size, "mode=%s needs key '%s'", kModeNames[plan->mode],
                  kKeys[kRequired[i][1]]);
    }
  }
  /* PCT draws depth-1 distinct change points among hits 1..horizon. */
  if (plan->mode == MICONFORM_MODE_PCT && plan->pct_horizon < plan->pct_depth - 1) {
    return fail(error, error_size,
                "mode=pct with depth=%u needs horizon >= %u (depth-1 distinct "
                "change points among hits 1..horizon), got horizon=%u",
                plan->pct_depth, plan->pct_depth - 1, plan->pct_horizon);
  }
  return 0;
}

int miconform_plan_parse(const char* text, MiconformPlan* out, char* error, size_t error_size) {
  MiconformPlan plan;
  memset(&plan, 0, sizeof plan);
  Span seen[KEY_COUNT];
  memset(seen, 0, sizeof seen);
  if (error_size > 0) error[0] = '\0';
  if (!text) text = "";
  int any_item = 0;

  const char* cursor = text;
  for (;;) {
    const char* end = strchr(cursor, ';');
    if (!end) end = cursor + strlen(cursor);
    Span item = {cursor, (size_t)(end - cursor)};
    if (item.length > 0) {
      any_item = 1;
      const char* equals = memchr(item.text, '=', item.length);
      if (!equals) {
        return fail(error, error_size, "item '%.*s' is not key=value", (int)item.length, item.text);
      }
      Span key = {item.text, (size_t)(equals - item.text)};
      Span value = {equals + 1, (size_t)(end - equals - 1)};
      int which = -1;
      for (int k = 0; k < KEY_COUNT; ++k) {
        if (span_is(key, kKeys[k])) which = k;
      }
      if (which < 0) {
        return fail(error, error_size,
                    "unknown key '%.*s' in item '%.*s' (known keys: mode, "
                    "seed, p, max_us, k, delay_us, depth, horizon, delay, points, only)",
                    (int)key.length, key.text, (int)item.length, item.text);
      }
      if (seen[which].text) {
        return fail(error, error_size, "key '%s' given twice", kKeys[which]);
      }
      seen[which] = item;
      uint64_t number = 0;
      int status = 0;
      switch (which) {
        case KEY_MODE:
          if (span_is(value, "off"))
            plan.mode = MICONFORM_MODE_OFF;
          else if (span_is(value, "random"))
            plan.mode = MICONFORM_MODE_RANDOM;
          else if (span_is(value, "countdown"))
            plan.mode = MICONFORM_MODE_COUNTDOWN;
          else if (span_is(value, "pct"))
            plan.mode = MICONFORM_MODE_PCT;
          else
            status = fail(error, error_size,
                          "bad mode '%.*s': expected off, random, "
                          "countdown or pct",
                          (int)value.length, value.text);
          break;
        case KEY_SEED:
          status = parse_unsigned(key, value, 0, UINT64_MAX, &plan.seed, error, error_size);
          break;
        case KEY_P: status = parse_probability(key, value, &plan, error, error_size); break;
        case KEY_MAX_US:
          status = parse_unsigned(key, value, 0, MICONFORM_PLAN_MAX_DELAY_US, &number, error,
                                  error_size);
          plan.max_us = (uint32_t)number;
          break;
        case KEY_K:
          status = parse_unsigned(key, value, 1, UINT64_MAX, &plan.countdown_k, error, error_size);
          break;
        case KEY_DELAY_US:
          status = parse_unsigned(key, value, 0, MICONFORM_PLAN_MAX_DELAY_US, &number, error,
                                  error_size);
          plan.delay_us = (uint32_t)number;
          break;
        case KEY_DEPTH:
          status = parse_unsigned(key, value, 1, MICONFORM_PLAN_MAX_PCT_DEPTH, &number, error,
                                  error_size);
          plan.pct_depth = (uint32_t)number;
          break;
        case KEY_HORIZON:
          status = parse_unsigned(key, value, 1, MICONFORM_PLAN_MAX_PCT_HORIZON, &number, error,
                                  error_size);
          plan.pct_horizon = (uint32_t)number;
          break;
        case KEY_DELAY:
          if (span_is(value, "sleep"))
            plan.delay_kind = MICONFORM_DELAY_SLEEP;
          else if (span_is(value, "yield"))
            plan.delay_kind = MICONFORM_DELAY_YIELD;
          else
            status = fail(error, error_size, "bad delay '%.*s': expected sleep or yield",
                          (int)value.length, value.text);
          break;
        case KEY_POINTS: status = parse_points(key, value, &plan, error, error_size); break;
        case KEY_ONLY:
          if (value.length == 0 || value.length >= MICONFORM_PLAN_ONLY_BYTES) {
            status = fail(error, error_size, "key 'only' needs a substring of 1 to %d bytes",
                          MICONFORM_PLAN_ONLY_BYTES - 1);
          } else {
            memcpy(plan.only, value.text, value.length);
            plan.only[value.length] = '\0';
          }
          break;
      }
      if (status != 0) return status;
    }
    if (*end == '\0') break;
    cursor = end + 1;
  }
  if (any_item && !seen[KEY_MODE].text) {
    return fail(error, error_size,
                "the plan names no mode: add mode=off, mode=random, "
                "mode=countdown or mode=pct");
  }
  if (check_mode_keys(seen, &plan, error, error_size) != 0) return -1;
  *out = plan;
  return 0;
}
