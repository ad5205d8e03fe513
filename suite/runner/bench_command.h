// bench_command.h - `miconform bench-supervision`: what the watchdog costs per case.
//
// Runs a child that does nothing (`miconform __noop`: one phase line, a PASS verdict) N times bare
// (posix_spawn + waitpid, no pipes, no timers) and N times supervised (the watchdog: process group,
// phase channel, output capture, timers), and prints both mean times and their difference, the
// per-case supervision overhead. A benchmark, not a test: it asserts nothing.
#ifndef MICONFORM_RUNNER_BENCH_COMMAND_H
#define MICONFORM_RUNNER_BENCH_COMMAND_H

#include <ostream>
#include <string>

namespace miconform::runner {

int BenchSupervisionCommand(int count, const std::string& self, std::ostream& out);

// The child that does nothing; returns its exit status.
int NoopChild();

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_BENCH_COMMAND_H
