/* point_table.c - the point table of injection_point_table.h as C arrays, for the plan parser,
 * the C++ registry and the interposer. */
#include <string.h>

#include "miconform/injection_point_table.h"
#include "plan_parse.h"

#define NAME_OF(layer, ident, description) #layer "." #ident,
#define LAYER_OF(layer, ident, description) #layer,
#define DESCRIPTION_OF(layer, ident, description) description,

static const char* const kNames[] = {MICONFORM_INJECTION_POINT_TABLE(NAME_OF)};
static const char* const kLayers[] = {MICONFORM_INJECTION_POINT_TABLE(LAYER_OF)};
static const char* const kDescriptions[] = {MICONFORM_INJECTION_POINT_TABLE(DESCRIPTION_OF)};

_Static_assert(sizeof kNames / sizeof kNames[0] <= MICONFORM_PLAN_MAX_POINTS,
               "the point table outgrew MICONFORM_PLAN_MAX_POINTS");

size_t miconform_point_count(void) { return sizeof kNames / sizeof kNames[0]; }

const char* miconform_point_name(size_t index) {
  return index < miconform_point_count() ? kNames[index] : NULL;
}

const char* miconform_point_layer(size_t index) {
  return index < miconform_point_count() ? kLayers[index] : NULL;
}

const char* miconform_point_description(size_t index) {
  return index < miconform_point_count() ? kDescriptions[index] : NULL;
}

int miconform_point_find(const char* name, size_t name_length) {
  for (size_t i = 0; i < miconform_point_count(); ++i) {
    if (strlen(kNames[i]) == name_length && memcmp(kNames[i], name, name_length) == 0)
      return (int)i;
  }
  return -1;
}
