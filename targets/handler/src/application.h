// application.h - the handler's MI_Application (its table and entry point) as seen from the
// session and operation code; used by session.cc (GetApplication).
#ifndef MICONFORM_HANDLER_APPLICATION_H
#define MICONFORM_HANDLER_APPLICATION_H

#include <cstdint>

#include "export.h"

namespace miconform::handler {

// Fills an application handle for application id.
void FillApplicationHandle(MI_Application* out, uint64_t application_id);

}  // namespace miconform::handler

#endif
