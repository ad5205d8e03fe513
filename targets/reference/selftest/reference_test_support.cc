// reference_test_support.cc - the loaded reference, the application fixture and the recorders of
// the reference's self-tests (see reference_test_support.h).
#include "reference_test_support.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace miconform::reference::selftest {
namespace {

// Writes omicli.conf into a fresh temporary directory and points the reference at it.
std::string WriteConfig() {
  char pattern[] = "/tmp/miconform-reference-selftest-XXXXXX";
  const char* dir = mkdtemp(pattern);
  if (dir == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  std::ofstream conf(std::string(dir) + "/omicli.conf");
  conf << "# written by selftest_reference\n\n"
       << "protocolhandler= " << kProtocol << " , " << MICONFORM_REFERENCE_TEST_HANDLER << " , "
       << FAKE_HANDLER_ENTRY << ",1,0\n"
       << "defaultlocalprotocolhandler=" << kProtocol << "\n";
#ifdef MICONFORM_REFERENCE_SCRIPTED_HANDLER
  conf << "protocolhandler=MICONFORM," << MICONFORM_REFERENCE_SCRIPTED_HANDLER
       << ",MiconformHandlerInit,1,0\n";
#endif
  setenv("MICONFORM_REFERENCE_CONFIG_DIR", dir, 1);
  return dir;
}

void InstanceResult(MI_Operation* operation, void* context, const MI_Instance*, MI_Boolean more,
                    MI_Result code, const MI_Char*, const MI_Instance*,
                    MI_ResultAcknowledgement acknowledge) {
  auto* log = static_cast<OperationLog*>(context);
  {
    std::lock_guard lock(log->mutex);
    ++log->in_callback;
    if (log->finals > 0) ++log->after_final;
    if (log->close_returned && log->close_returned->load()) ++log->after_close_returned;
    if (more) {
      ++log->results;
    } else {
      ++log->finals;
      log->final_code = code;
    }
  }
  if (log->hook) log->hook(operation, more);
  if (acknowledge) {
    if (log->acknowledge) {
      acknowledge(operation);
    } else {
      std::lock_guard lock(log->mutex);
      log->pending_ack = acknowledge;
      log->pending_ack_operation = operation;
    }
  }
  if (!more && log->close_on_final) {
    EXPECT_EQ(MI_RESULT_OK, operation->ft->Close(operation));
  }
  std::lock_guard lock(log->mutex);
  --log->in_callback;
  log->changed.notify_all();
}

void WriteMessage(MI_Operation*, void* context, MI_Uint32, const MI_Char*) {
  auto* log = static_cast<OperationLog*>(context);
  std::lock_guard lock(log->mutex);
  if (log->finals > 0) ++log->after_final;
  if (log->close_returned && log->close_returned->load()) ++log->after_close_returned;
  ++log->messages;
  log->changed.notify_all();
}

}  // namespace

MI_Application_InitializeV1_Fn LibraryEntry(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, MI_Application_InitializeV1_Fn> entries;
  static const std::string config_dir = WriteConfig();  // before any library is loaded
  std::lock_guard lock(mutex);
  MI_Application_InitializeV1_Fn& entry = entries[path];
  if (entry == nullptr) {
    void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);  // never closed
    if (library == nullptr) {
      std::fprintf(stderr, "cannot load %s: %s\n", path.c_str(), dlerror());
      std::abort();
    }
    entry = reinterpret_cast<MI_Application_InitializeV1_Fn>(
        dlsym(library, MI_APPLICATION_INITIALIZE_V1_SYMBOL));
  }
  return entry;
}

MI_Application_InitializeV1_Fn ReferenceEntry() {
  return LibraryEntry(MICONFORM_REFERENCE_LIBRARY);
}

// ---- OperationLog

MI_OperationCallbacks OperationLog::Callbacks() {
  MI_OperationCallbacks callbacks{};
  callbacks.callbackContext = this;
  callbacks.instanceResult = &InstanceResult;
  callbacks.writeMessage = &WriteMessage;
  return callbacks;
}

bool OperationLog::WaitFinal() {
  std::unique_lock lock(mutex);
  return changed.wait_for(lock, kEventually, [this] { return finals > 0 && in_callback == 0; });
}

bool OperationLog::WaitResults(int count) {
  std::unique_lock lock(mutex);
  return changed.wait_for(lock, kEventually, [&] { return results >= count; });
}

int OperationLog::Finals() {
  std::lock_guard lock(mutex);
  return finals;
}

void OperationLog::AcknowledgePending() {
  MI_ResultAcknowledgement ack;
  MI_Operation* operation;
  {
    std::unique_lock lock(mutex);
    changed.wait_for(lock, kEventually, [this] { return pending_ack != nullptr; });
    ack = pending_ack;
    operation = pending_ack_operation;
    pending_ack = nullptr;
  }
  ASSERT_NE(nullptr, ack) << "no acknowledgement was withheld";
  EXPECT_EQ(MI_RESULT_OK, ack(operation));
}

// ---- CloseCompletion

void CloseCompletion::Callback(void* context) {
  static_cast<CloseCompletion*>(context)->Record(context);
}

void CloseCompletion::Record(void* received_context) {
  bool quiet = true;
  for (OperationLog* log : operations) {
    std::lock_guard lock(log->mutex);
    if (log->in_callback != 0 || log->finals != 1) quiet = false;
  }
  std::lock_guard lock(mutex);
  ++calls;
  context = received_context;
  if (!quiet) operations_quiet_at_completion = false;
  changed.notify_all();
}

bool CloseCompletion::WaitCalled() {
  std::unique_lock lock(mutex);
  return changed.wait_for(lock, kEventually, [this] { return calls > 0; });
}

int CloseCompletion::Calls() {
  std::lock_guard lock(mutex);
  return calls;
}

// ---- ReferenceTest

void ReferenceTest::SetUp() {
  fake_handler_reset();
  ASSERT_EQ(MI_RESULT_OK, LibraryEntry(Library())(0, nullptr, nullptr, &app_));
  ASSERT_NE(nullptr, app_.ft);
}

void ReferenceTest::TearDown() {
  if (!app_closed_) {
    EXPECT_EQ(MI_RESULT_OK, CloseApplication());
  }
}

MI_Result ReferenceTest::CloseApplication() {
  app_closed_ = true;
  return app_.ft->Close(&app_);
}

MI_Session ReferenceTest::OpenSession() {
  MI_Session session{};
  EXPECT_EQ(MI_RESULT_OK,
            app_.ft->NewSession(&app_, kProtocol, nullptr, nullptr, nullptr, nullptr, &session));
  return session;
}

void Enumerate(MI_Session& session, const char* script, OperationLog& log, MI_Uint32 flags) {
  MI_OperationCallbacks callbacks = log.Callbacks();
  session.ft->EnumerateInstances(&session, flags, nullptr, "root/test", script, MI_FALSE,
                                 &callbacks, &log.handle);
}

FakeHandlerStats ReferenceTest::Stats() {
  FakeHandlerStats stats;
  fake_handler_stats(&stats);
  return stats;
}

}  // namespace miconform::reference::selftest
