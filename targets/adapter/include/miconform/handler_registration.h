// handler_registration.h - registers the scripted protocol handler in a client's omicli.conf
// for the length of a conformance run, and undoes it exactly; used by the runner.
//
// What a registration does (MI-ABI.md, "Protocol handlers"):
//   * It creates a private directory `miconform-handler-XXXXXX` under $TMPDIR (or /tmp) holding
//     two symbolic links to the handler library: `libmiconform_handler.so` and the comma-named
//     `libmiconform_handler.so,MiconformHandlerInit,1,0`. OMI's parser hands everything after the
//     NAME, unsplit, to dlopen, so the comma-named link is the file it really opens; a parser that
//     splits the value opens the plain link. A private directory (rather than links next to the
//     built library) keeps concurrent runs apart and works when the build tree is read-only.
//     Both links name the same file as the library the suite loads, so the dynamic loader maps
//     one copy for the client and the suite (it matches libraries by device and inode).
//   * It appends to `<config_dir>/omicli.conf` (created when absent) two lines:
//         # miconform <pid> (start <ticks>): added for a conformance run; removed when it ends
//         protocolhandler=NAME,<private dir>/libmiconform_handler.so,MiconformHandlerInit,1,0
//     <ticks> is the process's start time (field 22 of /proc/<pid>/stat), so a reused process id
//     is not mistaken for the run. When the file's last line had no line break, the registration
//     adds one and says so in its marker: `(start <ticks>, line break above added)`.
//     Nothing else in the file is touched.
// Removal takes out exactly those two lines (and the line break the marker says was added, also
// when another run's registration was appended after this one: the note passes to its marker),
// deletes the file if the registration created it and it is now empty, and deletes the links and
// the private directory; every other byte of the file stays as it was. Rewrites go through a
// temporary file and rename, keep the file's mode, follow a symbolic link to the real file, re-read
// the file first, and hold an flock on the directory really holding the file, so concurrent runs,
// also through different links to one file, do not lose each other's lines.
//
// Threading and lifetime: a registration is owned by one thread. Remove() may be called once at
// any point (e.g. on SIGINT handling in the main thread) and again by the destructor, which then
// does nothing.
#ifndef MICONFORM_HANDLER_REGISTRATION_H
#define MICONFORM_HANDLER_REGISTRATION_H

#include <string>

#include "miconform/target.h"
#include "miconform/temp_config_dir.h"

namespace miconform {

class HandlerRegistration {
 public:
  // The handler's entry point as registered (its comma-bearing alias is `kHandlerEntryField`).
  static constexpr const char* kHandlerEntryField = "MiconformHandlerInit,1,0";
  // OMI fits NAME and the entry field each in 29 characters.
  static constexpr std::size_t kMaxFieldLength = 29;

  // Registers `handler_path` under `protocol` in `<config_dir>/omicli.conf`. Throws
  // TargetLoadError: kConfigDirUnusable when the protocol name is unusable (empty, OMI's built-in
  // OMI_SOCKETS or MI_REMOTE_WSMAN, longer than 29 characters, or holding a comma, whitespace,
  // a control character, '=' or '#'), when config_dir is missing, not a directory or not
  // writable, when the file cannot be read or written, or when the file already registers that
  // protocol name; kHandlerMissing when handler_path is not a readable file.
  HandlerRegistration(const std::string& config_dir, const std::string& protocol,
                      const std::string& handler_path);
  ~HandlerRegistration();
  HandlerRegistration(const HandlerRegistration&) = delete;
  HandlerRegistration& operator=(const HandlerRegistration&) = delete;

  // Undoes the registration. Returns true when everything was removed; on failure writes a
  // message naming the leftover lines to stderr and returns false. Never throws. Idempotent.
  bool Remove() noexcept;

  const std::string& ConfigFile() const { return config_file_; }
  // The marker as written (no '\n'); in the file it may since have gained the line-break note.
  const std::string& MarkerLine() const { return marker_line_; }
  const std::string& RegistrationLine() const { return registration_line_; }  // no '\n'
  // The library path written into the line, and the comma-named link the client opens.
  const std::string& RegisteredLibraryPath() const { return registered_library_; }
  const std::string& CommaLinkPath() const { return comma_link_; }

  // Throws TargetLoadError kConfigDirUnusable when `protocol` cannot be registered (see above).
  static void ValidateProtocolName(const std::string& protocol);

  // Removes from `<config_dir>/omicli.conf` every marker line whose process is gone (or whose
  // process id now belongs to a process with another start time; markers without a start time go
  // by the process id alone), with the registration line after it and the line break its marker
  // says it added, plus that registration's private link directory. Returns how many
  // registrations were removed; 0 when the directory or file does not exist. Throws TargetLoadError
  // kConfigDirUnusable when stale registrations exist but the file cannot be rewritten.
  static int RemoveStaleRegistrations(const std::string& config_dir);

 private:
  void RemoveLinks() noexcept;

  std::string config_file_;
  std::string marker_line_;
  std::string registration_line_;
  std::string link_dir_;
  std::string registered_library_;
  std::string comma_link_;
  bool created_file_ = false;  // the file did not exist before the registration
  bool active_ = false;
};

}  // namespace miconform

#endif  // MICONFORM_HANDLER_REGISTRATION_H
