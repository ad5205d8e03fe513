// probe.cc - the pre-flight probe of probe.h.
#include "probe.h"

#include "judge.h"
#include "miconform/result_names.h"
#include "miconform/scripted_backend.h"
#include "phase_channel.h"

namespace miconform::runner {
namespace {

int Fail(const std::string& message) {
  watchdog::PhaseChannel::Get().Message(message);
  return kProbeFailedStatus;
}

}  // namespace

int RunProbeChild(const TargetSpec& spec, const std::string& handler_path) {
  auto& channel = watchdog::PhaseChannel::Get();
  std::unique_ptr<ScriptedBackend> backend;
  std::unique_ptr<Target> target;
  try {
    channel.Phase("loading the scripted handler");
    backend = std::make_unique<ScriptedBackend>(handler_path);
    channel.Phase("loading the target");
    target = LoadTarget(spec);
  } catch (const TargetLoadError& error) {
    return Fail(error.what());
  }

  MI_Application application{};
  channel.Phase("entered " + spec.entry);
  const MI_Result initialized = target->InitializeApplication(&application, nullptr);
  channel.Phase("returned " + spec.entry);
  if (initialized != MI_RESULT_OK) {
    return Fail(spec.entry + " in " + spec.library + " returned " + ResultName(initialized));
  }
  if (application.ft == nullptr) {
    return Fail(spec.entry + " in " + spec.library +
                " returned MI_RESULT_OK but left the application's function table NULL");
  }

  MI_Session session{};
  channel.Phase("entered NewSession");
  const MI_Result opened = target->NewSession(&application, nullptr, &session);
  channel.Phase("returned NewSession");
  if (opened != MI_RESULT_OK) {
    const std::string where = spec.config_dir.empty() ? std::string("the target's configuration")
                                                      : spec.config_dir + "/omicli.conf";
    return Fail("the target could not open a session under protocol '" + spec.protocol +
                "' (NewSession returned " + ResultName(opened) +
                "): the scripted handler registered in " + where +
                " was not found or could not be loaded by the target");
  }
  if (backend->SessionRecords().empty()) {
    return Fail("the target opened a session under protocol '" + spec.protocol +
                "' but the scripted handler never saw it: the target does not route sessions "
                "to the handler registered for that protocol");
  }
  channel.Phase("entered MI_Session_Close");
  const MI_Result closed = target->CloseSession(&session, nullptr, nullptr);
  channel.Phase("returned MI_Session_Close");
  channel.Trace("probe: MI_Session_Close returned " + ResultName(closed));
  channel.Phase("entered MI_Application_Close");
  const MI_Result app_closed = target->CloseApplication(&application);
  channel.Phase("returned MI_Application_Close");
  channel.Trace("probe: MI_Application_Close returned " + ResultName(app_closed));
  channel.Verdict("PASS");
  return 0;
}

std::string ProbeFailure(const watchdog::Outcome& outcome) {
  std::string messages;
  bool passed = false;
  for (const std::string& line : outcome.lines) {
    if (line.rfind("message ", 0) == 0) {
      if (!messages.empty()) messages += "; ";
      messages += line.substr(8);
    } else if (line == "verdict PASS") {
      passed = true;
    }
  }
  using End = watchdog::Outcome::End;
  switch (outcome.end) {
    case End::kLaunchFailed:
      return "the probe process could not be started: " + outcome.launch_error;
    case End::kInterrupted: return "interrupted while probing the target";
    case End::kTimedOut:
      return "the target stopped responding while being probed, in phase '" + outcome.last_phase +
             "'";
    case End::kOverBudget:
      return "the probe was still running when its budget (--budget) ran out, in phase '" +
             outcome.last_phase + "'";
    case End::kSignaled:
      return "the target crashed while being probed (" + SignalName(outcome.signal) +
             ", in phase '" + outcome.last_phase + "')";
    case End::kExited: break;
  }
  if (outcome.exit_code == 0 && passed) return {};
  if (!messages.empty()) return messages;
  return "the probe process ended (exit status " + std::to_string(outcome.exit_code) +
         ") in phase '" + outcome.last_phase + "' without a result";
}

}  // namespace miconform::runner
