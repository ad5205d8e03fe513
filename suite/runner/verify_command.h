// verify_command.h - `miconform verify DIR [--library FILE]`: checks a report directory as a
// conformance submission, one that a reader who did not watch the run can trust.
//
// Checked: every file is as the run wrote it (manifest.sha256); the journal replays; the report
// rebuilt from the journal by this suite says what report.json says (the claim, every case's and
// every requirement's verdict); the run is a conformance claim of this suite version (the complete
// must-pass list, the default options, a run that ended: claim.h); and with --library, that FILE
// is the library the run tested (SHA-256). The manifest shows the files agree with one another and
// with the run; it is not a signature: whoever can rewrite every file can forge a directory.
//
// Exit statuses: 0 verified, and the run is CONFORMANT; 1 a problem was found (each is printed),
// or the verified run is NOT CONFORMANT (said); 2 DIR (or FILE) cannot be read at all.
#ifndef MICONFORM_RUNNER_VERIFY_COMMAND_H
#define MICONFORM_RUNNER_VERIFY_COMMAND_H

#include <ostream>
#include <string>

namespace miconform::runner {

int VerifyCommand(const std::string& report_dir, const std::string& library, std::ostream& out);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_VERIFY_COMMAND_H
