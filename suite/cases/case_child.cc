// case_child.cc - runs one conformance case in the child process and reports its verdict
// (case_child.h).
#include "case_child.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <exception>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "case_fixture.h"
#include "case_registry.h"
#include "case_runtime.h"
#include "check_attribution.h"
#include "crash_stacks.h"
#include "miconform/injection_summary.h"
#include "miconform/interposer_reader.h"
#include "miconform/report/verdict.h"
#include "miconform/scripted_backend.h"
#include "phase_channel.h"
#include "stall_oracle.h"
#include "transport_state.h"

namespace miconform {
namespace {

// A source file as a reader of the report finds it in the project: from the project's root.
std::string SourcePath(const char* file) {
  if (file == nullptr) return "?";
  const std::string_view path(file);
  const std::string_view root(MICONFORM_SOURCE_ROOT);
  return std::string(path.substr(0, root.size()) == root ? path.substr(root.size()) : path);
}

// Sends every failed check to the watchdog the moment it happens (a later hang or crash must not
// swallow it), and echoes it on stdout for the report's output tail.
class FailureForwarder : public testing::EmptyTestEventListener {
 public:
  void OnTestPartResult(const testing::TestPartResult& result) override {
    if (result.skipped()) {
      watchdog::PhaseChannel::Get().Skipped(result.message());
      return;
    }
    if (!result.failed()) return;
    std::ostringstream text;
    text << SourcePath(result.file_name()) << ':' << result.line_number() << ": "
         << result.message();
    const std::string requirement =
        cases::RequirementOfFailure(result.file_name(), result.line_number(), result.message());
    watchdog::PhaseChannel::Get().Finding("FAIL", requirement, text.str());
    std::fprintf(stdout, "%s\n", text.str().c_str());
    std::fflush(stdout);
    ReportTransportOnce();
  }

 private:
  // What the handler had seen when the first check failed (the report groups failures by it).
  // The handler never holds its lock while it calls the client, so reading its records here, on
  // whatever thread failed, cannot wait on the failing callback.
  void ReportTransportOnce() {
    if (transport_sent_.exchange(true)) return;
    const cases::CaseRuntime* runtime = cases::GetCaseRuntime();
    if (runtime == nullptr || runtime->backend == nullptr) return;
    watchdog::PhaseChannel& channel = watchdog::PhaseChannel::Get();
    channel.Transport(
        cases::TransportAtFailure(cases::ClosesCalled(channel.Lines()),
                                  cases::DescribeTransport(runtime->backend->OperationRecords(),
                                                           runtime->backend->SessionRecords())));
  }

  std::atomic<bool> transport_sent_{false};
};

// When the schedule-shaking interposer is preloaded with a plan: one `fired` line per interposer
// point that fired, and the summary the runner's schedule exploration reads.
void ReportInterposer(watchdog::PhaseChannel& channel) {
  const auto snapshot = injection::ReadInterposerSnapshot();
  if (!snapshot || !snapshot->active) return;
  for (const auto& point : snapshot->points) {
    if (point.fires > 0) channel.Fired(point.point);
  }
  channel.Trace(injection::DescribeSnapshot(*snapshot));
}

// One `fired` line per handler point whose delay was waited out at least once, the counts added
// to the backend's records, and the backend evidence line. Returns the handler points that fired.
std::set<std::string> ReportBackend(watchdog::PhaseChannel& channel, ScriptedBackend& backend) {
  std::set<std::string> fired;
  try {
    const auto fires =
        cases::HandlerPointFires(backend.OperationRecords(), backend.SessionRecords());
    nlohmann::json counts = nlohmann::json::object();
    for (const auto& [point, count] : fires) {
      counts[point] = count;
      if (count == 0) continue;
      fired.insert(point);
      channel.Fired(point);
    }
    nlohmann::json records = backend.RecordsJson();
    records["handler_points_fired"] = std::move(counts);
    channel.Backend(records.dump());
  } catch (const std::exception& error) {
    channel.Message(std::string("could not read the scripted backend's records: ") + error.what());
  }
  return fired;
}

// One `integration` line per integration finding of the handler: the client's duties toward its
// transport that it saw broken, or how the client reached it. Never a verdict.
void ReportIntegration(watchdog::PhaseChannel& channel, const ScriptedBackend& backend) {
  for (const MiconformIntegrationFinding& finding : backend.IntegrationFindings()) {
    const nlohmann::json line{{"kind", finding.kind},
                              {"what", finding.what},
                              {"calls", finding.calls},
                              {"occurrences", finding.occurrences}};
    channel.Integration(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

// One `unfired` line per planned callback- or handler-layer point that never fired (the runner
// turns a PASS into NOT-EXERCISED: the case proved nothing about that fault).
void ReportUnfired(watchdog::PhaseChannel& channel, const std::set<std::string>& handler_fired) {
  std::set<std::string> fired = cases::FiredCallbackPoints();
  fired.insert(handler_fired.begin(), handler_fired.end());
  for (const std::string& point : cases::UnfiredPlannedPoints(cases::PlannedPoints(), fired)) {
    channel.Unfired(point);
  }
}

// Writes the facts the case has left to tell (fired and unfired points, the handler's record) and
// its `end`, then ends the process. The verdict is the runner's (report.h, CaseVerdictOfFacts).
[[noreturn]] void Finish(ScriptedBackend* backend) {
  watchdog::PhaseChannel& channel = watchdog::PhaseChannel::Get();
  ReportInterposer(channel);
  std::set<std::string> handler_fired;
  if (backend != nullptr) {
    handler_fired = ReportBackend(channel, *backend);
    ReportIntegration(channel, *backend);
  }
  ReportUnfired(channel, handler_fired);
  channel.End();
  std::fflush(stdout);
  std::fflush(stderr);
  _exit(0);
}

[[noreturn]] void Refuse(const std::string& message) {
  watchdog::PhaseChannel::Get().HarnessError(message);
  Finish(nullptr);
}

}  // namespace

int RunCaseChild(const CaseChildOptions& options) {
  watchdog::PhaseChannel& channel = watchdog::PhaseChannel::Get();
  // A crash inside the target (or the suite) then leaves every thread's stack in the output.
  watchdog::InstallCrashStacks();
  // The harness's waits ask whether the target can still act (stall_oracle.h).
  cases::CaseStallOracle::Get().SetEnabled(options.prove);
  mocks::InstallStallOracle(&cases::CaseStallOracle::Get());
  for (const std::string& problem : CaseRegistryProblems()) channel.Message(problem);
  if (!CaseRegistryProblems().empty()) Refuse("the case registry is inconsistent; nothing run");
  const CaseInfo* info = FindCase(options.case_id);
  if (info == nullptr) Refuse("no conformance case has the ID \"" + options.case_id + "\"");
  if (options.observe_ms <= 0) {
    Refuse("the observation window must be a positive number of milliseconds, not " +
           std::to_string(options.observe_ms));
  }

  // Loading runs the target library's own initialisers: a call into the target like any other.
  channel.Phase("entered dlopen (loading the target)");
  std::unique_ptr<Target> target;
  try {
    target = LoadTarget(options.target);
  } catch (const std::exception& error) {
    Refuse(std::string("could not load the target: ") + error.what());
  }
  channel.Phase("returned dlopen (loading the target)");
  channel.Phase("loading scripted backend");
  std::unique_ptr<ScriptedBackend> backend;
  try {
    backend = std::make_unique<ScriptedBackend>(options.handler_path);
  } catch (const std::exception& error) {
    Refuse(std::string("could not load the scripted backend: ") + error.what());
  }
  cases::SetCaseRuntime(cases::CaseRuntime{target.get(), backend.get(), options.observe_ms,
                                           options.eventually_ms, options.settle_ms,
                                           info->requirements});

  if (!cases::RegisterCaseTest(info->id)) Refuse("could not register case " + info->id);
  int argc = 1;
  char program[] = "miconform-case";
  char* argv[] = {program, nullptr};
  testing::InitGoogleMock(&argc, argv);
  GTEST_FLAG_SET(filter, info->gtest_name);
  GTEST_FLAG_SET(color, "no");
  GMOCK_FLAG_SET(verbose, "error");
  testing::TestEventListeners& listeners = testing::UnitTest::GetInstance()->listeners();
  delete listeners.Release(listeners.default_result_printer());
  listeners.Append(new FailureForwarder());  // owned by the listener list

  channel.Phase("running case " + info->id);
  // The status only repeats what the unit test's counts below say in more detail.
  [[maybe_unused]] const int status = RUN_ALL_TESTS();

  const testing::UnitTest& unit = *testing::UnitTest::GetInstance();
  if (unit.test_to_run_count() != 1) {
    channel.HarnessError("GoogleTest ran " + std::to_string(unit.test_to_run_count()) +
                         " tests for case " + info->id + " instead of one");
  }
  Finish(backend.get());
}

}  // namespace miconform
