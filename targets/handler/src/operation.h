// operation.h - one scripted operation: its state, how it starts, and the MI_OperationFT the
// client drives it through; used by the session table (session.cc) and the application Close.
//
// Lifetime: an Operation is shared (std::shared_ptr) between State::live_operations, the thread
// that delivers its callbacks and every handler call in progress on it. It leaves
// live_operations when released: its Close has returned, the final result (if one was sent) has
// been acknowledged, and no callback of it is still running. Calls that arrive later find only
// its record.
#ifndef MICONFORM_HANDLER_OPERATION_H
#define MICONFORM_HANDLER_OPERATION_H

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "clock.h"
#include "export.h"
#include "result_arguments.h"

struct _MI_Instance {
  uint64_t operation_id;
  uint32_t result_index;
};
struct _MI_Class {
  uint64_t operation_id;
  uint32_t result_index;
};

namespace miconform::handler {

struct Operation {
  // Fixed at start.
  uint64_t id = 0;
  uint64_t session_id = 0;
  uint64_t application_id = 0;
  MiconformScript script{};
  MI_Result final_code = MI_RESULT_OK;
  std::string final_error;  // empty: the final result carries no error string
  MI_OperationCallbacks callbacks{};
  bool has_callbacks = false;       // false: nothing can be delivered (pull mode is not supported)
  bool class_results = false;       // results go to classResult (GetClass, EnumerateClasses)
  bool indication_results = false;  // results go to indicationResult (Subscribe)
  bool manual_ack = false;
  MI_Operation* handle = nullptr;  // the client's handle, passed back in every callback

  // Guarded by State::mu.
  bool caller_thread = false;
  uint32_t messages_sent = 0;
  uint32_t progress_sent = 0;
  uint32_t results_claimed = 0;
  uint64_t delivered = 0;  // results handed to the client, the final one included
  uint64_t acks = 0;
  bool awaiting_ack = false;  // manual-ack mode: the last non-final result is unacknowledged
  bool deferred_ack = false;  // caller mode: an ack too deeply nested left the next step to us
  bool final_claimed = false;
  bool final_returned = false;
  bool cancel_requested = false;
  SteadyClock::time_point cancel_due{};
  bool closed = false;
  bool close_returned = false;
  bool abandoned = false;  // its application was closed under it
  bool released = false;
  uint64_t events = 0;  // bumped on every change a waiting delivery must look at
  std::vector<std::thread::id> callback_threads;  // one entry per callback now running
  // Manual acknowledgement: the tracked objects of the results not yet acknowledged, oldest
  // first, one entry per result (kNoArgumentSlot for a result without one); an acknowledgement
  // ends the oldest (result_arguments.h).
  std::deque<ArgumentSlot> unacknowledged_arguments;
  // The untracked object of the last result, when the pool had no free slot.
  std::unique_ptr<_MI_Instance> current_instance;
  std::unique_ptr<_MI_Class> current_class;

  bool stopped() const { return closed || abandoned || final_claimed; }
};

// What a session function passes to start an operation.
struct OperationStart {
  const char* kind = "";
  const MI_Session* session = nullptr;
  uint32_t flags = 0;
  const char* class_name = nullptr;       // recorded; NULL when the operation has none
  const char* script_key = nullptr;       // class name, else namespace name; may be NULL
  bool default_script_only = false;       // TestConnection
  MI_Result forced_final = MI_RESULT_OK;  // non-OK: no script, just this final result
  const char* forced_error = nullptr;
  bool class_results = false;
  bool indication_results = false;
  MI_OperationCallbacks* callbacks = nullptr;
  MI_Operation* operation = nullptr;
};

// Records the operation, fills the client's handle and starts its script (on a handler thread,
// or inside this call for MICONFORM_THREAD_CALLER). Must be called without State::mu held.
void StartOperation(const OperationStart& start);

// Marks every live operation of the application abandoned: it makes no further callback.
// Called with State::mu held.
void AbandonApplicationOperations(uint64_t application_id);

}  // namespace miconform::handler

#endif
