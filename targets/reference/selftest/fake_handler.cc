// fake_handler.cc - the scripted protocol handler of the reference's self-tests (see
// fake_handler.h).
#include "fake_handler.h"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#define FAKE_EXPORT __attribute__((visibility("default")))

namespace {

struct Script {
  unsigned results = 0;
  bool forever = false;
  bool hold = false;
  bool ignore_cancel = false;
  unsigned messages = 0;
  unsigned delay_ms = 0;
  unsigned disconnect_ms = 20;
};

Script ParseScript(const char* text) {
  Script script;
  if (text == nullptr) return script;
  std::stringstream words(text);
  std::string word;
  while (std::getline(words, word, ';')) {
    auto number = [&](const char* key) {
      return static_cast<unsigned>(std::strtoul(word.c_str() + std::strlen(key), nullptr, 10));
    };
    if (word.rfind("results=", 0) == 0)
      script.results = number("results=");
    else if (word.rfind("messages=", 0) == 0)
      script.messages = number("messages=");
    else if (word.rfind("delay_ms=", 0) == 0)
      script.delay_ms = number("delay_ms=");
    else if (word.rfind("disconnect_ms=", 0) == 0)
      script.disconnect_ms = number("disconnect_ms=");
    else if (word == "forever")
      script.forever = true;
    else if (word == "hold")
      script.hold = true;
    else if (word == "ignore_cancel")
      script.ignore_cancel = true;
  }
  return script;
}

struct FakeOperation {
  std::uint64_t id = 0;
  std::uint64_t session_id = 0;
  MI_Operation handle{};
  MI_OperationCallbacks callbacks{};
  Script script;
  bool cancelled = false;
  std::chrono::steady_clock::time_point cancelled_at{};
  bool closed = false;
  unsigned acknowledged = 0;
  std::thread thread;
};

std::mutex g_mutex;
std::condition_variable g_changed;
FakeHandlerStats g_stats{};
std::uint64_t g_next_id = 0;
bool g_disconnect_now = false;  // fake_handler_disconnect
std::map<std::uint64_t, std::shared_ptr<FakeOperation>> g_operations;

// An instance pointer the reference only passes on.
char g_instance_storage;
const MI_Instance* FakeInstance() {
  return reinterpret_cast<const MI_Instance*>(&g_instance_storage);
}

std::shared_ptr<FakeOperation> FindOperation(const MI_Operation* handle) {
  if (handle == nullptr) return nullptr;
  auto it = g_operations.find(handle->reserved1);
  return it == g_operations.end() ? nullptr : it->second;
}

MI_Result Acknowledge(MI_Operation* handle) {
  std::lock_guard lock(g_mutex);
  auto operation = FindOperation(handle);
  if (!operation) {
    ++g_stats.unknown_acknowledgements;
    return MI_RESULT_INVALID_PARAMETER;
  }
  ++operation->acknowledged;
  ++g_stats.acknowledgements;
  g_changed.notify_all();
  return MI_RESULT_OK;
}

void Run(std::shared_ptr<FakeOperation> operation) {
  const Script& script = operation->script;
  MI_OperationCallbacks& callbacks = operation->callbacks;
  for (unsigned i = 0; i < script.messages; ++i) {
    if (callbacks.writeMessage) {
      callbacks.writeMessage(&operation->handle, callbacks.callbackContext, 0, "fake message");
    }
  }
  unsigned sent = 0;
  bool honoured_cancel = false;
  // A conforming transport ends a cancelled operation with a final result even when its server
  // ignores the cancel: it disconnects, disconnect_ms after the cancel (or at once after
  // fake_handler_disconnect).
  auto disconnect_due = [&] {
    return operation->cancelled_at + std::chrono::milliseconds(script.disconnect_ms);
  };
  auto cancel_honoured = [&] {
    return operation->cancelled && (!script.ignore_cancel || g_disconnect_now ||
                                    std::chrono::steady_clock::now() >= disconnect_due());
  };
  for (;;) {
    std::unique_lock lock(g_mutex);
    if (script.hold) {
      while (!operation->closed && !cancel_honoured()) {
        if (operation->cancelled) {
          g_changed.wait_until(lock, disconnect_due());
        } else {
          g_changed.wait(lock);
        }
      }
    } else {
      g_changed.wait_for(lock, std::chrono::milliseconds(script.delay_ms),
                         [&] { return operation->closed; });
    }
    if (operation->closed) return;  // closed before the end: no final result
    if (cancel_honoured()) {
      honoured_cancel = true;
      if (script.ignore_cancel) ++g_stats.disconnects;
      break;
    }
    if (!script.forever && !script.hold && sent >= script.results) break;
    ++sent;
    ++g_stats.results_sent;
    g_changed.notify_all();
    lock.unlock();
    callbacks.instanceResult(&operation->handle, callbacks.callbackContext, FakeInstance(), MI_TRUE,
                             MI_RESULT_OK, nullptr, nullptr, &Acknowledge);
    lock.lock();
    g_changed.wait(lock, [&] { return operation->acknowledged >= sent || operation->closed; });
  }
  {
    std::lock_guard lock(g_mutex);
    ++g_stats.finals_sent;
    g_changed.notify_all();
  }
  callbacks.instanceResult(&operation->handle, callbacks.callbackContext, nullptr, MI_FALSE,
                           honoured_cancel ? MI_RESULT_FAILED : MI_RESULT_OK, nullptr, nullptr,
                           &Acknowledge);
  std::lock_guard lock(g_mutex);
  ++g_stats.finals_returned;
  g_changed.notify_all();
}

// ---- operation table

MI_Result OperationClose(MI_Operation* handle) {
  std::lock_guard lock(g_mutex);
  auto operation = FindOperation(handle);
  if (!operation) return MI_RESULT_INVALID_PARAMETER;
  if (operation->closed) ++g_stats.calls_after_close;
  operation->closed = true;
  ++g_stats.operations_closed;
  g_changed.notify_all();
  return MI_RESULT_OK;
}

MI_Result OperationCancel(MI_Operation* handle, MI_CancellationReason) {
  std::lock_guard lock(g_mutex);
  auto operation = FindOperation(handle);
  if (!operation) return MI_RESULT_INVALID_PARAMETER;
  if (operation->closed) ++g_stats.calls_after_close;
  if (!operation->cancelled) operation->cancelled_at = std::chrono::steady_clock::now();
  operation->cancelled = true;
  ++g_stats.cancels;
  g_changed.notify_all();
  return MI_RESULT_OK;
}

const MI_OperationFT kOperationTable = {OperationClose, OperationCancel, nullptr,
                                        nullptr,        nullptr,         nullptr};

void StartOperation(MI_Session* session, MI_Uint32 flags, const char* script,
                    MI_OperationCallbacks* callbacks, MI_Operation* handle) {
  auto operation = std::make_shared<FakeOperation>();
  operation->callbacks = *callbacks;
  operation->script = ParseScript(script);
  {
    std::lock_guard lock(g_mutex);
    operation->id = ++g_next_id;
    operation->session_id = session->reserved1;
    operation->handle.reserved1 = operation->id;
    operation->handle.ft = &kOperationTable;
    *handle = operation->handle;
    ++g_stats.operations_started;
    if ((flags & MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS) == 0)
      ++g_stats.operations_without_manual_ack;
    g_operations[operation->id] = operation;
    operation->thread = std::thread(Run, operation);
  }
}

// ---- session table

MI_Result SessionClose(MI_Session* session, void* context, MI_SessionCloseCompletion completion) {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(g_mutex);
    for (auto& [id, operation] : g_operations) {
      if (operation->session_id != session->reserved1) continue;
      if (!operation->closed) ++g_stats.sessions_closed_with_open_operations;
      if (operation->thread.joinable()) threads.push_back(std::move(operation->thread));
    }
  }
  for (auto& thread : threads) {
    if (thread.get_id() == std::this_thread::get_id()) {
      thread.detach();
    } else {
      thread.join();
    }
  }
  {
    std::lock_guard lock(g_mutex);
    ++g_stats.sessions_closed;
  }
  if (completion) completion(context);
  return MI_RESULT_OK;
}

void SessionGetInstance(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*,
                        const MI_Char* namespace_name, const MI_Instance*,
                        MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  StartOperation(session, flags, namespace_name, callbacks, operation);
}

void SessionInvoke(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*, const MI_Char*,
                   const MI_Char* class_name, const MI_Char*, const MI_Instance*,
                   const MI_Instance*, MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  StartOperation(session, flags, class_name, callbacks, operation);
}

void SessionEnumerateInstances(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*,
                               const MI_Char*, const MI_Char* class_name, MI_Boolean,
                               MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  StartOperation(session, flags, class_name, callbacks, operation);
}

void SessionTestConnection(MI_Session* session, MI_Uint32 flags, MI_OperationCallbacks* callbacks,
                           MI_Operation* operation) {
  StartOperation(session, flags, "", callbacks, operation);
}

MI_SessionFT MakeSessionTable() {
  MI_SessionFT table{};
  table.Close = SessionClose;
  table.GetInstance = SessionGetInstance;
  table.Invoke = SessionInvoke;
  table.EnumerateInstances = SessionEnumerateInstances;
  table.TestConnection = SessionTestConnection;
  return table;
}
const MI_SessionFT kSessionTable = MakeSessionTable();

// ---- destination options and application table

void DestinationOptionsDelete(MI_DestinationOptions*) {
  std::lock_guard lock(g_mutex);
  ++g_stats.destination_options_deleted;
}

MI_DestinationOptionsFT MakeDestinationOptionsTable() {
  MI_DestinationOptionsFT table{};
  table.Delete = DestinationOptionsDelete;
  return table;
}
const MI_DestinationOptionsFT kDestinationOptionsTable = MakeDestinationOptionsTable();

MI_Result ApplicationClose(MI_Application*) {
  std::lock_guard lock(g_mutex);
  ++g_stats.application_closed;
  return MI_RESULT_OK;
}

MI_Result ApplicationNewSession(MI_Application*, const MI_Char*, const MI_Char*,
                                MI_DestinationOptions*, MI_SessionCallbacks*, MI_Instance**,
                                MI_Session* session) {
  std::lock_guard lock(g_mutex);
  ++g_stats.sessions_opened;
  *session = MI_Session{++g_next_id, 0, &kSessionTable};
  return MI_RESULT_OK;
}

MI_Result ApplicationNewDestinationOptions(MI_Application*, MI_DestinationOptions* options) {
  std::lock_guard lock(g_mutex);
  ++g_stats.destination_options_created;
  *options = MI_DestinationOptions{1, 0, &kDestinationOptionsTable};
  return MI_RESULT_OK;
}

MI_ApplicationFT MakeApplicationTable() {
  MI_ApplicationFT table{};
  table.Close = ApplicationClose;
  table.NewSession = ApplicationNewSession;
  table.NewDestinationOptions = ApplicationNewDestinationOptions;
  return table;
}
const MI_ApplicationFT kApplicationTable = MakeApplicationTable();

int WaitFor(unsigned timeout_ms, unsigned FakeHandlerStats::*counter, unsigned count) {
  std::unique_lock lock(g_mutex);
  return g_changed.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                            [&] { return g_stats.*counter >= count; })
             ? 1
             : 0;
}

}  // namespace

extern "C" {

FAKE_EXPORT MI_Result FakeHandlerInit(MI_Uint32 flags, const MI_Char*, MI_Instance**,
                                      MI_Application* application) {
  if (flags != 0 || application == nullptr) return MI_RESULT_INVALID_PARAMETER;
  std::lock_guard lock(g_mutex);
  ++g_stats.initialized;
  *application = MI_Application{1, 0, &kApplicationTable};
  return MI_RESULT_OK;
}

FAKE_EXPORT void fake_handler_stats(FakeHandlerStats* out) {
  std::lock_guard lock(g_mutex);
  *out = g_stats;
}

FAKE_EXPORT void fake_handler_reset(void) {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(g_mutex);
    for (auto& [id, operation] : g_operations) {
      operation->closed = true;  // a leftover operation of a failed test stops sending
      if (operation->thread.joinable()) threads.push_back(std::move(operation->thread));
    }
    g_changed.notify_all();
  }
  for (auto& thread : threads) thread.join();
  std::lock_guard lock(g_mutex);
  g_operations.clear();
  g_stats = FakeHandlerStats{};
  g_disconnect_now = false;
}

FAKE_EXPORT void fake_handler_disconnect(void) {
  std::lock_guard lock(g_mutex);
  g_disconnect_now = true;
  g_changed.notify_all();
}

FAKE_EXPORT int fake_handler_wait_results(unsigned count, unsigned timeout_ms) {
  return WaitFor(timeout_ms, &FakeHandlerStats::results_sent, count);
}

FAKE_EXPORT int fake_handler_wait_cancels(unsigned count, unsigned timeout_ms) {
  return WaitFor(timeout_ms, &FakeHandlerStats::cancels, count);
}

FAKE_EXPORT int fake_handler_wait_finals_returned(unsigned count, unsigned timeout_ms) {
  return WaitFor(timeout_ms, &FakeHandlerStats::finals_returned, count);
}

}  // extern "C"
