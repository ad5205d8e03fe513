// check_attribution.cc - reading the judged requirement off a failed check
// (check_attribution.h).
#include "check_attribution.h"

#include <map>
#include <mutex>
#include <utility>

namespace miconform::cases {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::pair<std::string, int>, std::string> expectations;
};

Registry& TheRegistry() {
  static Registry* registry = new Registry();  // never destroyed: callbacks may outlive main
  return *registry;
}

// A call that matched no expectation: the requirement that governs the callback called. The
// operation callbacks' order and count belong to the instance-result callback's contract
// (OI-FINAL-1: the last call carries moreResults MI_FALSE, and nothing follows it); the
// completion's to the asynchronous close (SC-PARAM-CB-1: called once).
constexpr std::pair<const char*, const char*> kCallbackRequirements[] = {
    {"Function call: InstanceResult(", "OI-FINAL-1"},
    {"Function call: ClassResult(", "OI-FINAL-1"},
    {"Function call: IndicationResult(", "OI-FINAL-1"},
    {"Function call: WriteMessage(", "OI-FINAL-1"},
    {"Function call: WriteProgress(", "OI-FINAL-1"},
    {"Function call: WriteError(", "OI-FINAL-1"},
    {"Function call: PromptUser(", "OI-FINAL-1"},
    {"Function call: Completed(", "SC-PARAM-CB-1"},
};

}  // namespace

const char* NoteExpectation(const char* file, int line, const char* requirement_id) {
  Registry& registry = TheRegistry();
  std::lock_guard lock(registry.mutex);
  registry.expectations[{file ? file : "", line}] = requirement_id;
  return requirement_id;
}

std::string RequirementOfFailure(const char* file, int line, const std::string& message) {
  if (const auto tag = message.find(kJudgesTagOpen); tag != std::string::npos) {
    const auto begin = tag + std::char_traits<char>::length(kJudgesTagOpen);
    const auto end = message.find(']', begin);
    if (end != std::string::npos && end > begin) return message.substr(begin, end - begin);
  }
  {
    Registry& registry = TheRegistry();
    std::lock_guard lock(registry.mutex);
    const auto found = registry.expectations.find({file ? file : "", line});
    if (found != registry.expectations.end()) return found->second;
  }
  if (message.find("Unexpected mock function call") != std::string::npos) {
    for (const auto& [call, requirement] : kCallbackRequirements) {
      if (message.find(call) != std::string::npos) return requirement;
    }
  }
  return "";
}

}  // namespace miconform::cases
