// script.h - parsing and defaults of MiconformScript, the per-operation behaviour a conformance
// case chooses; used by the control API and by operation start.
#ifndef MICONFORM_HANDLER_SCRIPT_H
#define MICONFORM_HANDLER_SCRIPT_H

#include <string>

#include "export.h"

namespace miconform::handler {

// The prefix that marks an inline script in a class (or namespace) name.
inline constexpr const char* kInlineScriptPrefix = "script:";

MiconformScript DefaultScriptValues();

// Parses "key=value;key=value" over *script. On failure returns false, leaves *script unchanged
// and puts a message naming the bad key (or value) in *error.
bool ParseScript(const std::string& text, MiconformScript* script, std::string* error);

// The name of a result code without its MI_RESULT_ prefix ("FAILED"); "unknown" for others.
const char* NameOfResult(MI_Result result);

}  // namespace miconform::handler

#endif
