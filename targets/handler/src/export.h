// export.h - includes the handler's public C API with default visibility, so that the library
// (built with hidden visibility) exports exactly the functions handler_control.h declares; every
// file that defines an exported function includes this instead of handler_control.h.
#ifndef MICONFORM_HANDLER_EXPORT_H
#define MICONFORM_HANDLER_EXPORT_H

#pragma GCC visibility push(default)
#include "miconform/handler_control.h"
#pragma GCC visibility pop

#endif
