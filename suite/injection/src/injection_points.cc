// injection_points.cc - the C++ registry over the one point table (injection_point_table.h).
#include "miconform/injection_points.h"

#include <array>

#include "miconform/injection_point_table.h"

namespace miconform::injection {
namespace {

constexpr Layer callback = Layer::kCallback;
constexpr Layer handler = Layer::kHandler;
constexpr Layer interposer = Layer::kInterposer;

#define MICONFORM_REGISTRY_ENTRY(layer, ident, description) \
  InjectionPoint{#layer "." #ident, layer, description},

constexpr InjectionPoint kPoints[] = {MICONFORM_INJECTION_POINT_TABLE(MICONFORM_REGISTRY_ENTRY)};

#undef MICONFORM_REGISTRY_ENTRY

}  // namespace

std::span<const InjectionPoint> AllInjectionPoints() { return kPoints; }

const InjectionPoint* FindInjectionPoint(std::string_view name) {
  for (const InjectionPoint& point : kPoints) {
    if (point.name == name) return &point;
  }
  return nullptr;
}

std::string_view LayerName(Layer layer) {
  switch (layer) {
    case Layer::kCallback: return "callback";
    case Layer::kHandler: return "handler";
    case Layer::kInterposer: return "interposer";
  }
  return "unknown";
}

std::optional<Layer> ParseLayer(std::string_view name) {
  for (Layer layer : {Layer::kCallback, Layer::kHandler, Layer::kInterposer}) {
    if (LayerName(layer) == name) return layer;
  }
  return std::nullopt;
}

}  // namespace miconform::injection
