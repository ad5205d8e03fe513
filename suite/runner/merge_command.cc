// merge_command.cc - `miconform merge` (merge_command.h).
#include "merge_command.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "expectations_file.h"
#include "miconform/report/directory_lock.h"
#include "miconform/report/expectations.h"
#include "miconform/report/journal.h"
#include "miconform/report/writers.h"
#include "run_command.h"

namespace miconform::runner {
namespace {

namespace fs = std::filesystem;

// Options that may differ between the shards of one run: they change no verdict, or they are
// what makes a shard a shard.
bool DiffersBetweenShards(const std::string& option) {
  return option == "shard" || option == "jobs" || option == "schedules-run";
}

struct ShardRecord {
  std::string dir;
  report::Report recorded;
  std::vector<report::Expectation> expectations;  // what the shard's run was given
};

// Empty when `shard` is a shard of the same run as `first`; else what differs.
std::string Mismatch(const ShardRecord& first, const ShardRecord& shard) {
  const report::RunInfo& a = first.recorded.run;
  const report::RunInfo& b = shard.recorded.run;
  if (a.suite_version != b.suite_version) {
    return "suite version " + b.suite_version + " in " + shard.dir + ", " + a.suite_version +
           " in " + first.dir;
  }
  if (a.target_sha256 != b.target_sha256) {
    return "another target library in " + shard.dir + " (" + b.target_library + ", SHA-256 " +
           b.target_sha256 + ") than in " + first.dir + " (" + a.target_library + ", SHA-256 " +
           a.target_sha256 + ")";
  }
  std::set<std::string> names;
  for (const auto& [name, value] : a.options) names.insert(name);
  for (const auto& [name, value] : b.options) names.insert(name);
  for (const std::string& name : names) {
    if (DiffersBetweenShards(name)) continue;
    const auto in_a = a.options.find(name);
    const auto in_b = b.options.find(name);
    const std::string value_a = in_a == a.options.end() ? "(not given)" : in_a->second;
    const std::string value_b = in_b == b.options.end() ? "(not given)" : in_b->second;
    if (value_a != value_b) {
      return "option " + name + " is " + value_b + " in " + shard.dir + ", " + value_a + " in " +
             first.dir;
    }
  }
  return {};
}

// One run's record made of the shards' records: the first shard's, over the whole time span, on
// every host, without a shard; not ended when one shard never ended.
report::RunInfo MergedRun(const std::vector<ShardRecord>& shards) {
  report::RunInfo run = shards.front().recorded.run;
  run.options.erase("shard");
  run.options.erase("schedules-run");
  long schedules = 0;
  bool explored = false;
  std::vector<std::string> hosts;
  for (const ShardRecord& shard : shards) {
    const report::RunInfo& info = shard.recorded.run;
    run.started = std::min(run.started, info.started);  // ISO 8601 UTC: text order is time order
    // A shard that never ended leaves the merged run unended.
    if (run.ended.empty() || info.ended.empty()) {
      run.ended.clear();
    } else {
      run.ended = std::max(run.ended, info.ended);
    }
    if (auto found = info.options.find("schedules-run"); found != info.options.end()) {
      schedules += std::strtol(found->second.c_str(), nullptr, 10);
      explored = true;
    }
    if (std::find(hosts.begin(), hosts.end(), info.host) == hosts.end()) hosts.push_back(info.host);
  }
  if (explored) run.options["schedules-run"] = std::to_string(schedules);
  run.host.clear();
  for (const std::string& host : hosts) run.host += (run.host.empty() ? "" : "; ") + host;
  return run;
}

}  // namespace

int MergeCommand(const std::string& out_dir, const std::vector<std::string>& shard_dirs,
                 bool fail_on_unexpected) {
  auto fail = [](const std::string& message) {
    std::fprintf(stderr, "miconform: merge: %s\n", message.c_str());
    return kExitError;
  };
  if (shard_dirs.empty()) return fail("no report directory to merge");
  std::error_code error;
  for (const std::string& dir : shard_dirs) {
    if (fs::exists(out_dir, error) && fs::exists(dir, error) &&
        fs::equivalent(out_dir, dir, error)) {
      return fail("the output directory " + out_dir + " is one of the directories to merge");
    }
  }
  std::optional<report::ReportDirectoryLock> lock;
  try {
    lock.emplace(out_dir);
  } catch (const std::exception& failure) {
    return fail(std::string("--report: ") + failure.what());
  }

  std::vector<ShardRecord> shards;
  std::map<std::string, std::string> shard_of_case;  // case ID -> the directory that judged it
  for (const std::string& dir : shard_dirs) {
    ShardRecord shard{dir, {}, {}};
    try {
      shard.recorded = report::Journal::Replay(fs::path(dir) / "journal.jsonl");
      shard.expectations = ReadKeptExpectations(dir);
    } catch (const std::exception& failure) {
      return fail(failure.what());
    }
    if (!shards.empty()) {
      if (const std::string mismatch = Mismatch(shards.front(), shard); !mismatch.empty()) {
        return fail("not shards of one run: " + mismatch);
      }
      if (report::ExpectationsText(shard.expectations) !=
          report::ExpectationsText(shards.front().expectations)) {
        return fail("the shards in " + shards.front().dir + " and " + dir +
                    " were given different expectations (" + report::kExpectationsName +
                    "); run every shard with the same --expectations file");
      }
    }
    for (const report::CaseResult& result : shard.recorded.cases) {
      const auto [where, added] = shard_of_case.emplace(result.id, dir);
      if (!added) {
        return fail("case " + result.id + " was judged in both " + where->second + " and " + dir +
                    ": merge the shards of one run, each once");
      }
    }
    shards.push_back(std::move(shard));
  }

  report::Report merged;
  merged.run = MergedRun(shards);
  merged.expectations = shards.front().expectations;
  for (ShardRecord& shard : shards) {
    for (report::CaseResult& result : shard.recorded.cases)
      merged.cases.push_back(std::move(result));
  }
  // FinishReport puts the cases in the suite's order.
  if (const std::string unknown = FinishReport(&merged); !unknown.empty()) {
    return fail("the shards hold case '" + unknown + "', which this suite (" + MICONFORM_VERSION +
                ") does not have");
  }

  // The merged directory records the merged run as a run would: its own journal, then the reports.
  std::string journal_error;
  try {
    report::Journal journal(fs::path(out_dir) / "journal.jsonl");
    journal.Begin(merged.run);
    for (const report::CaseResult& result : merged.cases) journal.Record(result);
    if (!merged.run.ended.empty()) journal.End(merged.run.ended);
    journal_error = journal.error();
  } catch (const std::exception& failure) {
    journal_error = failure.what();
  }
  if (!journal_error.empty()) return fail("cannot write the merged journal: " + journal_error);
  try {
    report::WriteReportDirectory(merged, out_dir);
  } catch (const std::exception& failure) {
    PrintSummary(merged, out_dir, /*interrupted=*/false, /*report_written=*/false);
    return fail(failure.what());
  }
  std::printf("miconform: merged %zu report directories (%zu cases)\n", shards.size(),
              merged.cases.size());
  PrintSummary(merged, out_dir, /*interrupted=*/merged.run.ended.empty(), /*report_written=*/true);
  return ExitStatusOf(merged, /*sharded=*/false, fail_on_unexpected);
}

}  // namespace miconform::runner
