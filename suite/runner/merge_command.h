// merge_command.h - `miconform merge --report OUT DIR...`: one report of a run spread over
// machines (GoogleTest sharding, README.md "Sharding").
//
// Reads each DIR's journal and writes OUT as if one run had judged every case: a journal of its
// own (so `report`, `verify` and `--resume` work on OUT) and every report file. Refused: shards of
// another suite version, target library (SHA-256) or options (the shard and the number of jobs
// aside), a case judged in two shards, OUT among the DIRs. The merged run is CONFORMANT only when
// the shards together judged the must-pass list (claim.h).
//
// Exit statuses as `miconform run` (run_command.h), `fail_on_unexpected` as its --fail-on
// unexpected (with the expectations the shards kept); 2 also for a refused merge.
#ifndef MICONFORM_RUNNER_MERGE_COMMAND_H
#define MICONFORM_RUNNER_MERGE_COMMAND_H

#include <string>
#include <vector>

namespace miconform::runner {

int MergeCommand(const std::string& out_dir, const std::vector<std::string>& shard_dirs,
                 bool fail_on_unexpected);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_MERGE_COMMAND_H
