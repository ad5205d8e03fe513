// callback_mocks.h - GoogleMock mocks of the MI operation callbacks and of the session-close
// completion callback, plus the process-wide callback trace; used by the conformance cases.
//
// Binding: a mock is bound to one context pointer (by default its own address) from construction
// until Unbind(); the C trampolines (callback_trampolines.h) find it by that pointer. One mock per
// context at a time. Fill() points an MI_OperationCallbacks at the trampolines with the mock's
// context, so a case hands the library real C callbacks and sets GoogleMock expectations on the
// mock (the context arrives as the second argument, for matchers).
//
// Lifetime: Unbind(timeout) stops new calls reaching the mock and waits for calls already inside
// it; when it times out (a callback is blocked in the library) the caller must keep the object
// alive (leak it). The destructor unbinds and waits without bound, so only destroy a mock whose
// calls cannot block.
//
// Threading: every member is thread-safe; the MOCK_METHODs follow GoogleMock's rules (set
// expectations before the library can call).
#ifndef MICONFORM_MOCKS_CALLBACK_MOCKS_H
#define MICONFORM_MOCKS_CALLBACK_MOCKS_H

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>

#include "miconform/mi_abi.h"
#include "miconform/mocks/callback_trampolines.h"

namespace miconform::mocks {

// One callback as it entered a trampoline.
struct TraceEntry {
  std::uint64_t sequence = 0;  // process-wide order of entry, from 1
  std::string callback;        // "instanceResult", "writeMessage", "completion", "stray:..."
  std::thread::id thread;
  const void* context = nullptr;
  int more_results = -1;         // MI_TRUE/MI_FALSE for result callbacks, -1 otherwise
  int result = -1;               // the result code for result callbacks, -1 otherwise
  std::string ToString() const;  // "#12 instanceResult ctx=0x.. thread=.. moreResults=0 result=0"
};

// Every callback any trampoline received, in entry order.
class CallbackTrace {
 public:
  static CallbackTrace& Get();
  // Called with each entry's text as it is recorded (outside the trace's lock), e.g. to forward
  // it as report evidence. An empty function removes the sink.
  void SetSink(std::function<void(const std::string&)> sink);
  TraceEntry Record(std::string callback, const void* context, int more_results, int result);
  std::vector<TraceEntry> Entries() const;
  // Calls whose context no mock was bound to.
  int StrayCount() const;
  // Forgets every entry (not the sink).
  void Clear();

 private:
  mutable std::mutex mutex_;
  std::vector<TraceEntry> entries_;
  std::uint64_t next_sequence_ = 1;
  int stray_ = 0;
  std::function<void(const std::string&)> sink_;
};

// What a bound mock shares with the trampolines: registration and the calls inside it.
class BoundMock {
 public:
  BoundMock(const BoundMock&) = delete;
  BoundMock& operator=(const BoundMock&) = delete;

  void* context() const { return context_; }
  // Stops routing to this mock and waits up to `timeout` for calls already inside it to return.
  // Returns false when some call is still inside (the object must then be kept alive).
  bool Unbind(std::chrono::milliseconds timeout);

 protected:
  enum class Kind { kOperation, kCompletion };
  BoundMock(Kind kind, void* context);  // throws std::invalid_argument if the context is taken
  ~BoundMock();

 private:
  Kind kind_;
  void* context_;
};

class MockOperationCallbacks : public BoundMock {
 public:
  // Which callbacks Fill() sets (the rest stay NULL).
  enum Which : unsigned {
    kPromptUser = 1u << 0,
    kWriteError = 1u << 1,
    kWriteMessage = 1u << 2,
    kWriteProgress = 1u << 3,
    kInstanceResult = 1u << 4,
    kIndicationResult = 1u << 5,
    kClassResult = 1u << 6,
    kDefault = kPromptUser | kWriteError | kWriteMessage | kWriteProgress | kInstanceResult,
  };

  MockOperationCallbacks();  // bound to its own address
  explicit MockOperationCallbacks(void* context);
  ~MockOperationCallbacks();

  void Fill(MI_OperationCallbacks* callbacks, unsigned which = kDefault) const;

  MOCK_METHOD(void, PromptUser,
              (MI_Operation*, void*, const MI_Char*, MI_PromptType, MI_ResponseCallback));
  MOCK_METHOD(void, WriteError, (MI_Operation*, void*, MI_Instance*, MI_ResponseCallback));
  MOCK_METHOD(void, WriteMessage, (MI_Operation*, void*, MI_Uint32, const MI_Char*));
  MOCK_METHOD(void, WriteProgress,
              (MI_Operation*, void*, const MI_Char*, const MI_Char*, const MI_Char*, MI_Uint32,
               MI_Uint32));
  MOCK_METHOD(void, InstanceResult,
              (MI_Operation*, void*, const MI_Instance*, MI_Boolean, MI_Result, const MI_Char*,
               const MI_Instance*, MI_ResultAcknowledgement));
  MOCK_METHOD(void, IndicationResult,
              (MI_Operation*, void*, const MI_Instance*, const MI_Char*, const MI_Char*, MI_Boolean,
               MI_Result, const MI_Char*, const MI_Instance*, MI_ResultAcknowledgement));
  MOCK_METHOD(void, ClassResult,
              (MI_Operation*, void*, const MI_Class*, MI_Boolean, MI_Result, const MI_Char*,
               const MI_Instance*, MI_ResultAcknowledgement));

  // Counted by the trampolines. A final result is a result callback with moreResults MI_FALSE;
  // "after final" counts every callback that entered after a final one had entered.
  int Calls() const;
  int FinalResults() const;          // final results that entered
  int FinalResultsReturned() const;  // final results whose mock method has returned
  int CallsAfterFinal() const;
  // Waits until `count` final results have returned from the mock. False on timeout.
  bool WaitFinalResults(int count, std::chrono::milliseconds timeout) const;
  // Waits until `count` callbacks of any kind have entered. False on timeout.
  bool WaitCalls(int count, std::chrono::milliseconds timeout) const;

  // Calls inside the mock right now (entered, not yet returned to the library) on threads other
  // than the calling one.
  int InsideOnOtherThreads() const;

  // Used by the trampolines.
  void NoteEntered(bool is_final);
  void NoteReturned(bool is_final);

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  int calls_ = 0;
  int finals_ = 0;
  int finals_returned_ = 0;
  int after_final_ = 0;
  std::vector<std::thread::id> inside_;  // one entry per call inside, by its thread
};

class MockSessionCloseCompletion : public BoundMock {
 public:
  // Bound to `context`, which may be NULL (then the NULL completionContext routes here).
  explicit MockSessionCloseCompletion(void* context);
  ~MockSessionCloseCompletion();

  // The callback to pass to MI_Session_Close, with context().
  static MI_SessionCloseCompletion Callback() { return &miconform_mock_session_close_completion; }

  MOCK_METHOD(void, Completed, (void* completionContext));

  int Calls() const;     // completion calls that entered
  int Returned() const;  // completion calls whose mock method returned
  bool WaitReturned(int count, std::chrono::milliseconds timeout) const;

  // Counts, when the completion enters, the operation callbacks of the closed session still
  // running on other threads (e.g. the sum of InsideOnOtherThreads() over that session's operation
  // mocks): the close has not ended while the library is still delivering one of them. Called on
  // the completion's thread, without this mock's lock; what it reads must outlive the mock's calls.
  void SetRunningCounter(std::function<int()> running);
  // The same, for the completion mock bound to `context`; false when none is bound.
  static bool SetRunningCounterFor(void* context, std::function<int()> running);
  // The largest count seen at an entry of the completion (0 when it never entered).
  int OperationCallbacksRunningAtEntry() const;

  void NoteEntered();
  void NoteReturned();

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  int calls_ = 0;
  int returned_ = 0;
  std::function<int()> running_;
  int running_at_entry_ = 0;
};

}  // namespace miconform::mocks

#endif  // MICONFORM_MOCKS_CALLBACK_MOCKS_H
