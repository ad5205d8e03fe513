// result_arguments.h - the objects the handler hands to the client with its results (the instance
// or class of a result, the error string of a final one) and how long each stays valid; used by
// operation.cc, and by control_api.cc to answer the suite's question about an address.
//
// A real transport frees a result's objects once the client is done with them: when the client
// acknowledges the result (manual acknowledgement), or when the result's callback returns
// (automatic). The handler ends their validity at exactly those points, so that a client which
// hands the application a transport object after that point (MI_OperationCallback_Instance: "All
// parameters are valid until resultAcknowledgement is called") can be caught. The objects live in
// one static pool: an ended object is poisoned, not freed, so neither the suite asking about it
// nor a client reading it late is undefined behaviour, and an address in the pool is never reused
// by anything else. Slots are reused round-robin, so an ended object's address comes back only
// once the pool has been gone round. When every slot is valid at once, the object comes from the
// heap instead and is not tracked.
//
// Locking: every function is called with State::mu held.
#ifndef MICONFORM_HANDLER_RESULT_ARGUMENTS_H
#define MICONFORM_HANDLER_RESULT_ARGUMENTS_H

#include <cstdint>

#include "export.h"

namespace miconform::handler {

// One tracked object: a slot of the pool, or none (-1).
using ArgumentSlot = int;
constexpr ArgumentSlot kNoArgumentSlot = -1;

// The result index the final result's objects are recorded under.
constexpr uint32_t kFinalResultIndex = UINT32_MAX;

// A fresh object for result `result_index` (0-based) of operation `operation_id`; *slot tells which
// slot holds it (kNoArgumentSlot: the caller must supply an untracked object instead, and the
// function returns nullptr).
const MI_Instance* NewInstanceArgumentLocked(uint64_t operation_id, uint32_t result_index,
                                             ArgumentSlot* slot);
const MI_Class* NewClassArgumentLocked(uint64_t operation_id, uint32_t result_index,
                                       ArgumentSlot* slot);
// A copy of `text` (not NULL) as the error string of a final result; nullptr (and
// kNoArgumentSlot) when it does not fit a slot or no slot is free.
const MI_Char* NewErrorStringArgumentLocked(uint64_t operation_id, const char* text,
                                            ArgumentSlot* slot);

// Ends the validity of the object in `slot` (nothing for kNoArgumentSlot or an ended slot): it is
// poisoned and its slot may be reused.
void EndArgumentLocked(ArgumentSlot slot);

// What the handler knows of `address` (handler_control.h, miconform_handler_result_argument):
// false when it is not an object of the pool.
bool DescribeArgumentLocked(const void* address, MiconformResultArgument* out);

}  // namespace miconform::handler

#endif
