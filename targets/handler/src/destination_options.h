// destination_options.h - the handler's MI_DestinationOptions: a small store of named string and
// number options behind the 15-slot MI_DestinationOptionsFT; used by the application table
// (NewDestinationOptions), which OMI's client calls before every NewSession.
//
// Threading: each options object has its own lock, so concurrent calls on one object are safe;
// a string returned by GetString stays valid until that option is set again or the object is
// deleted.
#ifndef MICONFORM_HANDLER_DESTINATION_OPTIONS_H
#define MICONFORM_HANDLER_DESTINATION_OPTIONS_H

#include "export.h"

namespace miconform::handler {

// Fills *options with a new, empty options object owned by the handle (freed by its Delete).
MI_Result NewDestinationOptions(MI_DestinationOptions* options);

}  // namespace miconform::handler

#endif
