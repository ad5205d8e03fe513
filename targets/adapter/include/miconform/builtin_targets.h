// builtin_targets.h - the names of the in-tree targets ("reference", "mutant:<name>" for each
// mutant, "variant:<name>" for each conforming variant) and how a --target argument becomes a
// TargetSpec; used by the runner's `run` and `list --targets`.
//
// The in-tree libraries live in `<directory of the running executable>/../lib/miconform` once
// installed (`cmake --install`), else in the build's lib directory, `<directory of the running
// executable>/../lib`; the environment variable MICONFORM_LIB_DIR, when set and non-empty, names
// the directory instead. All functions are thread-safe.
#ifndef MICONFORM_BUILTIN_TARGETS_H
#define MICONFORM_BUILTIN_TARGETS_H

#include <string>
#include <vector>

#include "miconform/target.h"

namespace miconform {

// Where `cmake --install` puts the in-tree libraries, below the installation prefix.
inline constexpr const char* kInstalledLibraryDirectory = "lib/miconform";

// The built-in target names, in table order ("reference" first).
std::vector<std::string> BuiltinTargetNames();

// The directory the in-tree libraries are found in (see above). Throws TargetLoadError
// kFileMissing when the running executable's path cannot be read.
std::string LibraryDirectory();

// Options a user may give with a target; empty fields keep TargetSpec's defaults.
struct TargetOptions {
  std::string entry;
  std::string protocol;
  std::string config_dir;
};

// A built-in name resolves to `<LibraryDirectory()>/<its library file>` with `builtin` set to the
// name; anything containing '/' or ending in ".so" is a library path (made absolute, so child
// processes and reports see the same file). The file's existence is checked by LoadTarget, not
// here. Throws TargetLoadError kUnknownBuiltin, listing the known names, for anything else.
TargetSpec ResolveTarget(const std::string& name_or_path, const TargetOptions& options = {});

// `<LibraryDirectory()>/libmiconform_handler.so`, the scripted protocol handler. Throws
// TargetLoadError kHandlerMissing when the file is not there or cannot be read.
std::string HandlerLibraryPath();

}  // namespace miconform

#endif  // MICONFORM_BUILTIN_TARGETS_H
