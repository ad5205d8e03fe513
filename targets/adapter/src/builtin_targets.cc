// builtin_targets.cc - the built-in target table and target resolution of builtin_targets.h.
#include "miconform/builtin_targets.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "miconform/mutants.h"
#include "shared_library.h"

namespace miconform {
namespace {

struct BuiltinTarget {
  std::string name;
  std::string library_file;  // in LibraryDirectory()
};

// The reference first, then every mutant of targets/mutants/mutants.json as `mutant:<name>`, then
// every conforming variant of the same file as `variant:<name>`. Built once; Mutants() and
// Variants() throw std::runtime_error for a broken embedded table.
const std::vector<BuiltinTarget>& BuiltinTargets() {
  static const std::vector<BuiltinTarget> targets = [] {
    std::vector<BuiltinTarget> table{{"reference", "libmiconform_reference.so"}};
    for (const Mutant& mutant : Mutants()) {
      table.push_back({"mutant:" + mutant.name, mutant.LibraryFile()});
    }
    for (const Variant& variant : Variants()) {
      table.push_back({"variant:" + variant.name, variant.LibraryFile()});
    }
    return table;
  }();
  return targets;
}

constexpr const char* kHandlerLibraryFile = "libmiconform_handler.so";

std::string KnownNamesText() {
  std::string text;
  for (const BuiltinTarget& target : BuiltinTargets()) {
    if (!text.empty()) text += ", ";
    text += target.name;
  }
  return text;
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::vector<std::string> BuiltinTargetNames() {
  std::vector<std::string> names;
  for (const BuiltinTarget& target : BuiltinTargets()) names.emplace_back(target.name);
  return names;
}

std::string LibraryDirectory() {
  if (const char* overridden = std::getenv("MICONFORM_LIB_DIR"); overridden && *overridden) {
    return overridden;
  }
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) {
    throw TargetLoadError(TargetLoadError::Kind::kFileMissing,
                          "cannot find the build's lib directory: reading /proc/self/exe "
                          "failed (" +
                              error.message() + "); set MICONFORM_LIB_DIR");
  }
  // Installed (`cmake --install`): the libraries are the tool's own, in <prefix>/lib/miconform.
  // In a build tree: build/lib.
  const std::filesystem::path prefix = self.parent_path() / "..";
  if (std::filesystem::is_directory(prefix / kInstalledLibraryDirectory, error)) {
    return (prefix / kInstalledLibraryDirectory).lexically_normal().string();
  }
  return (prefix / "lib").lexically_normal().string();
}

TargetSpec ResolveTarget(const std::string& name_or_path, const TargetOptions& options) {
  TargetSpec spec;
  if (name_or_path.find('/') != std::string::npos || EndsWith(name_or_path, ".so")) {
    spec.library = std::filesystem::absolute(name_or_path).lexically_normal().string();
  } else {
    for (const BuiltinTarget& target : BuiltinTargets()) {
      if (name_or_path == target.name) {
        spec.builtin = target.name;
        spec.library = LibraryDirectory() + "/" + target.library_file;
        break;
      }
    }
    if (spec.builtin.empty()) {
      throw TargetLoadError(
          TargetLoadError::Kind::kUnknownBuiltin,
          (name_or_path.empty() ? std::string("no target was named")
                                : "'" + name_or_path + "' is not a built-in target") +
              "; built-in targets: " + KnownNamesText() +
              " (a library path must contain '/' or end in .so)");
    }
  }
  if (!options.entry.empty()) spec.entry = options.entry;
  if (!options.protocol.empty()) spec.protocol = options.protocol;
  if (!options.config_dir.empty()) spec.config_dir = options.config_dir;
  return spec;
}

std::string HandlerLibraryPath() {
  const std::string path = LibraryDirectory() + "/" + kHandlerLibraryFile;
  const std::string unreadable = adapter::UnreadableFileReason(path);
  if (!unreadable.empty()) {
    throw TargetLoadError(TargetLoadError::Kind::kHandlerMissing,
                          "the scripted protocol handler '" + path +
                              "' is not usable: " + unreadable +
                              " (build the miconform_handler target, or set "
                              "MICONFORM_LIB_DIR to the directory that holds it)");
  }
  return path;
}

}  // namespace miconform
