// injection_summary.h - the one line a case's child writes about the interposer at its end, and
// how the runner reads it back (used by case_child.cc and the runner's schedule exploration).
#ifndef MICONFORM_INJECTION_SUMMARY_H
#define MICONFORM_INJECTION_SUMMARY_H

#include <optional>
#include <string>
#include <string_view>

#include "miconform/interposer_reader.h"

namespace miconform::injection {

// "interposer: mode=countdown hits=41 fires=1 countdown_reached=1"; a pct line also states the
// schedule: "interposer: mode=pct seed=5 depth=3 horizon=200 hits=41 fires=7 countdown_reached=0".
std::string DescribeSnapshot(const InterposerSnapshot& snapshot);

// From a DescribeSnapshot line (as the text of a `trace` line): whether the countdown's K-th hit
// happened. nullopt when the text is no such line.
std::optional<bool> CountdownReachedIn(std::string_view trace_text);

}  // namespace miconform::injection

#endif  // MICONFORM_INJECTION_SUMMARY_H
