// bench_command.cc - the supervision-overhead benchmark of bench_command.h.
#include "bench_command.h"

#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <iomanip>

#include "phase_channel.h"
#include "watchdog.h"

extern char** environ;

namespace miconform::runner {

int NoopChild() {
  auto& channel = watchdog::PhaseChannel::Get();
  channel.Phase("noop");
  channel.Verdict("PASS");
  return 0;
}

int BenchSupervisionCommand(int count, const std::string& self, std::ostream& out) {
  using Clock = std::chrono::steady_clock;
  const std::vector<std::string> argv_strings = {self, "__noop"};

  // Between its runs, the watchdog takes the signals the command caught (interrupted()).
  watchdog::Watchdog watchdog;

  // Bare: spawn and reap, nothing else.
  const auto bare_start = Clock::now();
  for (int i = 0; i < count; ++i) {
    if (watchdog.interrupted()) {
      out << "bench-supervision: interrupted\n";
      return 2;
    }
    std::vector<char*> argv;
    for (const auto& arg : argv_strings) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
      out << "bench-supervision: cannot start " << self << '\n';
      return 2;
    }
    int status = 0;
    waitpid(pid, &status, 0);
  }
  const double bare_s = std::chrono::duration<double>(Clock::now() - bare_start).count();

  // Supervised: the same child under the watchdog, one at a time.
  int passed = 0;
  const auto supervised_start = Clock::now();
  for (int i = 0; i < count; ++i) {
    watchdog::ChildSpec spec;
    spec.id = "noop";
    spec.argv = argv_strings;
    const watchdog::Outcome outcome = watchdog.RunOne(spec);
    if (watchdog.interrupted()) {
      out << "bench-supervision: interrupted\n";
      return 2;
    }
    if (outcome.end == watchdog::Outcome::End::kExited && outcome.exit_code == 0 &&
        !outcome.lines.empty() && outcome.lines.back() == "verdict PASS") {
      ++passed;
    }
  }
  const double supervised_s =
      std::chrono::duration<double>(Clock::now() - supervised_start).count();
  if (passed != count) {
    out << "bench-supervision: only " << passed << " of " << count
        << " supervised children reported their verdict\n";
    return 2;
  }

  const double bare_ms = 1000 * bare_s / count;
  const double supervised_ms = 1000 * supervised_s / count;
  out << std::fixed << std::setprecision(2) << "children: " << count << '\n'
      << "bare:       " << bare_ms << " ms per case\n"
      << "supervised: " << supervised_ms << " ms per case\n"
      << "overhead:   " << (supervised_ms - bare_ms) << " ms per case\n";
  return 0;
}

}  // namespace miconform::runner
