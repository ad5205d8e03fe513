// probe.h - the pre-flight check that a target loads, starts and reaches the scripted handler.
//
// Before any case runs, the run command starts one supervised child (`miconform __probe`) that
// loads the target, initializes an application, opens a session under the registered protocol and
// checks that the session really reached the scripted handler. A target that cannot get that far
// cannot be judged, so each failure stops the run with its own message and exit status 2, and a
// target that hangs or crashes while being probed cannot take the runner with it.
#ifndef MICONFORM_RUNNER_PROBE_H
#define MICONFORM_RUNNER_PROBE_H

#include <string>

#include "miconform/target.h"
#include "watchdog.h"

namespace miconform::runner {

// Child side: runs the probe and reports through the phase channel. Returns the process exit
// status: 0 when the target is usable, kProbeFailedStatus otherwise.
inline constexpr int kProbeFailedStatus = 3;
int RunProbeChild(const TargetSpec& target, const std::string& handler_path);

// Parent side: empty when the probe passed, otherwise the message that explains why the target
// cannot be run.
std::string ProbeFailure(const watchdog::Outcome& outcome);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_PROBE_H
