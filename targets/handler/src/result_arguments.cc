// result_arguments.cc - the static pool of result objects (see result_arguments.h).
#include "result_arguments.h"

#include <cstdint>
#include <cstring>

#include "clock.h"
#include "operation.h"

namespace miconform::handler {
namespace {

constexpr size_t kSlots = 4096;
// Error strings up to this many bytes (with the terminator) are tracked; the handler's own texts
// and the script errors it names fit.
constexpr size_t kTextCapacity = 192;
// What an ended error string reads as, for a client that reads it late.
constexpr const char* kReleasedText = "miconform handler: released result argument";
// What an ended instance or class holds.
constexpr uint64_t kReleasedOperationId = 0xdeadbeefdeadbeefull;

enum class ArgumentKind : uint8_t { instance, klass, error_string };

struct Slot {
  union Object {
    _MI_Instance instance;
    _MI_Class klass;
    char text[kTextCapacity];
  } object;
  uint64_t serial = 0;  // 0: never used
  bool valid = false;
  ArgumentKind kind = ArgumentKind::instance;
  uint64_t operation_id = 0;
  uint32_t result_index = 0;
  uint64_t ended_ns = 0;
};

// Static storage: no heap (the suite's memory accounting sees none of it) and no address of it
// ever handed out by an allocator.
Slot g_slots[kSlots];
size_t g_next = 0;
uint64_t g_last_serial = 0;

// The first free slot from the one after the last taken (round-robin: an ended object's address
// comes back only once the pool has been gone round), made valid for a new object; nullptr (and
// *taken kNoArgumentSlot) when every slot is valid.
Slot* TakeSlotLocked(ArgumentKind kind, uint64_t operation_id, uint32_t result_index,
                     ArgumentSlot* taken) {
  *taken = kNoArgumentSlot;
  for (size_t step = 0; step < kSlots; ++step) {
    const size_t index = (g_next + step) % kSlots;
    Slot& slot = g_slots[index];
    if (slot.valid) continue;
    g_next = (index + 1) % kSlots;
    slot.serial = ++g_last_serial;
    slot.valid = true;
    slot.kind = kind;
    slot.operation_id = operation_id;
    slot.result_index = result_index;
    slot.ended_ns = 0;
    *taken = static_cast<ArgumentSlot>(index);
    return &slot;
  }
  return nullptr;
}

// A new instance or class (`member` of the slot's object) for result `result_index` of
// operation `operation_id`; nullptr when no slot is free.
template <typename Object>
const Object* NewObjectLocked(ArgumentKind kind, Object Slot::Object::*member,
                              uint64_t operation_id, uint32_t result_index, ArgumentSlot* slot) {
  Slot* taken = TakeSlotLocked(kind, operation_id, result_index, slot);
  if (taken == nullptr) return nullptr;
  Object& object = taken->object.*member;
  object = Object{operation_id, result_index};
  return &object;
}

const char* KindName(ArgumentKind kind) {
  switch (kind) {
    case ArgumentKind::klass: return "class";
    case ArgumentKind::error_string: return "error string";
    case ArgumentKind::instance: break;
  }
  return "instance";
}

}  // namespace

const MI_Instance* NewInstanceArgumentLocked(uint64_t operation_id, uint32_t result_index,
                                             ArgumentSlot* slot) {
  return NewObjectLocked(ArgumentKind::instance, &Slot::Object::instance, operation_id,
                         result_index, slot);
}

const MI_Class* NewClassArgumentLocked(uint64_t operation_id, uint32_t result_index,
                                       ArgumentSlot* slot) {
  return NewObjectLocked(ArgumentKind::klass, &Slot::Object::klass, operation_id, result_index,
                         slot);
}

const MI_Char* NewErrorStringArgumentLocked(uint64_t operation_id, const char* text,
                                            ArgumentSlot* slot) {
  *slot = kNoArgumentSlot;
  const size_t size = std::strlen(text) + 1;
  if (size > kTextCapacity) return nullptr;
  Slot* taken = TakeSlotLocked(ArgumentKind::error_string, operation_id, kFinalResultIndex, slot);
  if (taken == nullptr) return nullptr;
  std::memcpy(taken->object.text, text, size);
  return taken->object.text;
}

void EndArgumentLocked(ArgumentSlot index) {
  if (index < 0 || static_cast<size_t>(index) >= kSlots) return;
  Slot& slot = g_slots[index];
  if (!slot.valid) return;
  slot.valid = false;
  slot.ended_ns = MonotonicNs();
  if (slot.kind == ArgumentKind::error_string) {
    std::memcpy(slot.object.text, kReleasedText, std::strlen(kReleasedText) + 1);
  } else {
    slot.object.instance = _MI_Instance{kReleasedOperationId, kFinalResultIndex};
  }
}

bool DescribeArgumentLocked(const void* address, MiconformResultArgument* out) {
  // Compared as integers: the address may point anywhere (the client's own objects included).
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  const auto first = reinterpret_cast<std::uintptr_t>(&g_slots[0]);
  if (at < first || at >= first + sizeof g_slots) return false;
  const size_t index = (at - first) / sizeof(Slot);
  const Slot& slot = g_slots[index];
  if (address != static_cast<const void*>(&slot.object) || slot.serial == 0) return false;
  *out = MiconformResultArgument{};
  out->serial = slot.serial;
  out->valid = slot.valid ? 1 : 0;
  out->operation_id = slot.operation_id;
  out->result_index = slot.result_index;
  out->ended_ns = slot.ended_ns;
  std::strncpy(out->kind, KindName(slot.kind), sizeof out->kind - 1);
  return true;
}

}  // namespace miconform::handler
