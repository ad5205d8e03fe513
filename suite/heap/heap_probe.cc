// heap_probe.cc - finds the preloaded accounting library at run time and turns its counters into
// snapshots and differences (see heap_probe.h).
#include "miconform/heap_probe.h"

#include <dlfcn.h>

#include <sstream>
#include <thread>

#include "miconform/heap_count.h"

namespace miconform::heap {
namespace {

struct HeapCountApi {
  int (*active)() = nullptr;
  void (*snapshot)(MiconformHeapSnapshot*) = nullptr;
};

HeapCountApi LookUpHeapCountApi() {
  HeapCountApi api;
  api.active = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "miconform_heap_active"));
  api.snapshot = reinterpret_cast<void (*)(MiconformHeapSnapshot*)>(
      dlsym(RTLD_DEFAULT, "miconform_heap_snapshot"));
  if (!api.active || !api.snapshot) return {};
  return api;
}

// Looked up once: the library is either preloaded at exec or absent for the process lifetime.
const HeapCountApi& Api() {
  static const HeapCountApi api = LookUpHeapCountApi();
  return api;
}

std::string Signed(std::int64_t value) {
  return value > 0 ? "+" + std::to_string(value) : std::to_string(value);
}

}  // namespace

std::string HeapDelta::Describe() const {
  return "live bytes " + Signed(live_bytes) + ", live blocks " + Signed(live_blocks) +
         ", allocations " + std::to_string(allocations);
}

HeapDelta Difference(const HeapSnapshot& before, const HeapSnapshot& after) {
  HeapDelta delta;
  delta.live_bytes = static_cast<std::int64_t>(after.live_bytes - before.live_bytes);
  delta.live_blocks = static_cast<std::int64_t>(after.live_blocks - before.live_blocks);
  delta.allocations = after.total_allocations - before.total_allocations;
  return delta;
}

bool HeapAccountingActive() {
  const HeapCountApi& api = Api();
  return api.active != nullptr && api.active() == 1;
}

std::optional<HeapSnapshot> TakeHeapSnapshot() {
  if (!HeapAccountingActive()) return std::nullopt;
  MiconformHeapSnapshot raw{};
  Api().snapshot(&raw);
  return HeapSnapshot{raw.live_bytes, raw.live_blocks, raw.total_allocations};
}

std::optional<SettledHeapSnapshot> TakeSettledSnapshot(const SettleRule& rule) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  std::optional<HeapSnapshot> last = TakeHeapSnapshot();
  if (!last) return std::nullopt;
  Clock::time_point unchanged_since = start;
  for (;;) {
    const Clock::time_point now = Clock::now();
    const bool settled = now - unchanged_since >= rule.quiet;
    if (settled || now - start >= rule.limit) {
      return SettledHeapSnapshot{
          *last, settled, std::chrono::duration_cast<std::chrono::milliseconds>(now - start)};
    }
    std::this_thread::sleep_for(rule.step);
    const std::optional<HeapSnapshot> next = TakeHeapSnapshot();
    if (!next) return std::nullopt;
    if (next->live_bytes != last->live_bytes || next->live_blocks != last->live_blocks) {
      unchanged_since = Clock::now();
    }
    last = next;
  }
}

std::optional<HeapDelta> MeasureAround(const std::function<void()>& work) {
  const std::optional<HeapSnapshot> before = TakeHeapSnapshot();
  if (!before) return std::nullopt;
  work();
  const std::optional<HeapSnapshot> after = TakeHeapSnapshot();
  if (!after) return std::nullopt;
  return Difference(*before, *after);
}

}  // namespace miconform::heap
