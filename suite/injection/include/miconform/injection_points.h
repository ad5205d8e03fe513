// injection_points.h - the registry of fault-injection points (all layers), read by the runner to
// list, validate and report points, and by the code of each layer to name the points it fires.
//
// The table itself is injection_point_table.h: one line per point. The registry is immutable,
// built at compile time, and safe to use from any thread.
#ifndef MICONFORM_INJECTION_POINTS_H
#define MICONFORM_INJECTION_POINTS_H

#include <optional>
#include <span>
#include <string_view>

namespace miconform::injection {

// Where a point lives.
enum class Layer {
  kCallback,    // the suite's own MI callbacks
  kHandler,     // the scripted protocol handler
  kInterposer,  // libmiconform_interposer.so, inside the target's process
};

struct InjectionPoint {
  std::string_view name;  // "<layer>.<identifier>", e.g. "interposer.mutex_lock"
  Layer layer;
  std::string_view description;  // one line
};

// Every point, in table order.
std::span<const InjectionPoint> AllInjectionPoints();

// The point with this exact name, or nullptr.
const InjectionPoint* FindInjectionPoint(std::string_view name);

// "callback", "handler" or "interposer".
std::string_view LayerName(Layer layer);
std::optional<Layer> ParseLayer(std::string_view name);

}  // namespace miconform::injection

#endif  // MICONFORM_INJECTION_POINTS_H
