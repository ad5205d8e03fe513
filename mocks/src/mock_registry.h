// mock_registry.h - the trampolines' view of the mock registry: finds the mock bound to a context
// and keeps it from being unbound-and-released while a call is inside it. Private to mocks/.
#ifndef MICONFORM_MOCKS_MOCK_REGISTRY_H
#define MICONFORM_MOCKS_MOCK_REGISTRY_H

#include "miconform/mocks/callback_mocks.h"

namespace miconform::mocks {

// The values of BoundMock::Kind, for the trampolines.
inline constexpr int kOperationMock = 0;
inline constexpr int kCompletionMock = 1;

// Held by a trampoline for the duration of one call; mock() is NULL when nothing is bound.
class CallGuard {
 public:
  CallGuard(int kind, void* context);
  ~CallGuard();
  CallGuard(const CallGuard&) = delete;
  CallGuard& operator=(const CallGuard&) = delete;
  BoundMock* mock() const { return mock_; }

 private:
  BoundMock* mock_ = nullptr;
};

}  // namespace miconform::mocks

#endif  // MICONFORM_MOCKS_MOCK_REGISTRY_H
