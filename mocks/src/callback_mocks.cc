// callback_mocks.cc - the callback trace, the registry that binds mocks to context pointers, and
// the mocks' counters (callback_mocks.h).
#include "miconform/mocks/callback_mocks.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "miconform/mocks/harness_wait.h"
#include "mock_registry.h"

namespace miconform::mocks {

std::string TraceEntry::ToString() const {
  std::ostringstream out;
  out << '#' << sequence << ' ' << callback << " ctx=" << context << " thread=" << thread;
  if (more_results >= 0) out << " moreResults=" << more_results;
  if (result >= 0) out << " result=" << result;
  return out.str();
}

CallbackTrace& CallbackTrace::Get() {
  static CallbackTrace* trace = new CallbackTrace();  // never destroyed: callbacks may outlive exit
  return *trace;
}

void CallbackTrace::SetSink(std::function<void(const std::string&)> sink) {
  std::lock_guard<std::mutex> lock(mutex_);
  sink_ = std::move(sink);
}

TraceEntry CallbackTrace::Record(std::string callback, const void* context, int more_results,
                                 int result) {
  TraceEntry entry;
  std::function<void(const std::string&)> sink;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    entry.sequence = next_sequence_++;
    entry.callback = std::move(callback);
    entry.thread = std::this_thread::get_id();
    entry.context = context;
    entry.more_results = more_results;
    entry.result = result;
    if (entry.callback.rfind("stray:", 0) == 0) ++stray_;
    entries_.push_back(entry);
    sink = sink_;
  }
  if (sink) sink(entry.ToString());
  return entry;
}

std::vector<TraceEntry> CallbackTrace::Entries() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_;
}

int CallbackTrace::StrayCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stray_;
}

void CallbackTrace::Clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
  stray_ = 0;
}

// ---- registry ------------------------------------------------------------------------------

namespace {

struct Registry {
  std::mutex mutex;
  std::condition_variable released;
  std::map<std::pair<int, void*>, BoundMock*> bound;
  std::map<BoundMock*, int> in_flight;
};

Registry& TheRegistry() {
  static Registry* registry = new Registry();  // never destroyed: see CallbackTrace::Get
  return *registry;
}

}  // namespace

CallGuard::CallGuard(int kind, void* context) {
  Registry& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  auto found = registry.bound.find({kind, context});
  if (found == registry.bound.end()) return;
  mock_ = found->second;
  ++registry.in_flight[mock_];
}

CallGuard::~CallGuard() {
  if (mock_ == nullptr) return;
  Registry& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  if (--registry.in_flight[mock_] == 0) registry.in_flight.erase(mock_);
  registry.released.notify_all();
}

BoundMock::BoundMock(Kind kind, void* context) : kind_(kind), context_(context) {
  Registry& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  auto key = std::make_pair(static_cast<int>(kind), context);
  if (!registry.bound.emplace(key, this).second) {
    std::ostringstream text;
    text << "a mock is already bound to context " << context;
    throw std::invalid_argument(text.str());
  }
}

BoundMock::~BoundMock() {
  Registry& registry = TheRegistry();
  std::unique_lock<std::mutex> lock(registry.mutex);
  auto found = registry.bound.find({static_cast<int>(kind_), context_});
  if (found != registry.bound.end() && found->second == this) registry.bound.erase(found);
  registry.released.wait(lock, [&] { return registry.in_flight.count(this) == 0; });
}

bool BoundMock::Unbind(std::chrono::milliseconds timeout) {
  Registry& registry = TheRegistry();
  std::unique_lock<std::mutex> lock(registry.mutex);
  auto found = registry.bound.find({static_cast<int>(kind_), context_});
  if (found != registry.bound.end() && found->second == this) registry.bound.erase(found);
  return registry.released.wait_for(lock, timeout,
                                    [&] { return registry.in_flight.count(this) == 0; });
}

// ---- MockOperationCallbacks ------------------------------------------------------------------

MockOperationCallbacks::MockOperationCallbacks() : BoundMock(Kind::kOperation, this) {}
MockOperationCallbacks::MockOperationCallbacks(void* context)
    : BoundMock(Kind::kOperation, context) {}
MockOperationCallbacks::~MockOperationCallbacks() = default;

void MockOperationCallbacks::Fill(MI_OperationCallbacks* callbacks, unsigned which) const {
  *callbacks = MI_OperationCallbacks{};
  callbacks->callbackContext = context();
  if (which & kPromptUser) callbacks->promptUser = &miconform_mock_prompt_user;
  if (which & kWriteError) callbacks->writeError = &miconform_mock_write_error;
  if (which & kWriteMessage) callbacks->writeMessage = &miconform_mock_write_message;
  if (which & kWriteProgress) callbacks->writeProgress = &miconform_mock_write_progress;
  if (which & kInstanceResult) callbacks->instanceResult = &miconform_mock_instance_result;
  if (which & kIndicationResult) callbacks->indicationResult = &miconform_mock_indication_result;
  if (which & kClassResult) callbacks->classResult = &miconform_mock_class_result;
}

int MockOperationCallbacks::Calls() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return calls_;
}
int MockOperationCallbacks::FinalResults() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return finals_;
}
int MockOperationCallbacks::FinalResultsReturned() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return finals_returned_;
}
int MockOperationCallbacks::CallsAfterFinal() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return after_final_;
}

bool MockOperationCallbacks::WaitFinalResults(int count, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return HarnessWait(
      changed_, lock, timeout, [&] { return finals_returned_ >= count; }, "a final result");
}

bool MockOperationCallbacks::WaitCalls(int count, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return HarnessWait(
      changed_, lock, timeout, [&] { return calls_ >= count; }, "an operation callback");
}

int MockOperationCallbacks::InsideOnOtherThreads() const {
  const std::thread::id self = std::this_thread::get_id();
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int>(std::count_if(inside_.begin(), inside_.end(),
                                        [self](std::thread::id thread) { return thread != self; }));
}

void MockOperationCallbacks::NoteEntered(bool is_final) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finals_ > 0) ++after_final_;
  ++calls_;
  if (is_final) ++finals_;
  inside_.push_back(std::this_thread::get_id());
  changed_.notify_all();
}

void MockOperationCallbacks::NoteReturned(bool is_final) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (is_final) ++finals_returned_;
  // The innermost call of this thread returns first; any entry of this thread will do.
  const auto it = std::find(inside_.begin(), inside_.end(), std::this_thread::get_id());
  if (it != inside_.end()) inside_.erase(it);
  changed_.notify_all();
}

// ---- MockSessionCloseCompletion ----------------------------------------------------------------

MockSessionCloseCompletion::MockSessionCloseCompletion(void* context)
    : BoundMock(Kind::kCompletion, context) {}
MockSessionCloseCompletion::~MockSessionCloseCompletion() = default;

int MockSessionCloseCompletion::Calls() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return calls_;
}
int MockSessionCloseCompletion::Returned() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return returned_;
}
bool MockSessionCloseCompletion::WaitReturned(int count, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return HarnessWait(
      changed_, lock, timeout, [&] { return returned_ >= count; }, "the completion callback");
}
void MockSessionCloseCompletion::SetRunningCounter(std::function<int()> running) {
  std::lock_guard<std::mutex> lock(mutex_);
  running_ = std::move(running);
}

bool MockSessionCloseCompletion::SetRunningCounterFor(void* context, std::function<int()> running) {
  CallGuard guard(kCompletionMock, context);
  auto* mock = static_cast<MockSessionCloseCompletion*>(guard.mock());
  if (mock == nullptr) return false;
  mock->SetRunningCounter(std::move(running));
  return true;
}

int MockSessionCloseCompletion::OperationCallbacksRunningAtEntry() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_at_entry_;
}

void MockSessionCloseCompletion::NoteEntered() {
  std::function<int()> counter;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    counter = running_;
  }
  // Counted without this mock's lock: an operation mock's lock is never taken under it.
  const int running = counter ? counter() : 0;
  std::lock_guard<std::mutex> lock(mutex_);
  ++calls_;
  running_at_entry_ = std::max(running_at_entry_, running);
  changed_.notify_all();
}
void MockSessionCloseCompletion::NoteReturned() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++returned_;
  changed_.notify_all();
}

}  // namespace miconform::mocks
