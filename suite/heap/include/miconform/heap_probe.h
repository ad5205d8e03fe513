// heap_probe.h - the case-side view of heap accounting: finds libmiconform_heapcount.so in the
// running process (it is present only when the runner preloaded it), takes snapshots, measures
// the heap change around a piece of work, and checks "no growth over N cycles". Used by the
// conformance cases for "MI_Session_Close closes a session and releases all associated memory".
//
// Availability: every function that measures returns std::nullopt when the accounting library is
// not preloaded or runs in pass-through mode; a case then reports NOT-SUPPORTED, never PASS/FAIL.
//
// Threading: all functions may be called from any thread. The counters are process-wide: every
// thread's allocations count, including the vendor library's background threads (which is the
// point) and the case's own helpers (which is why measured work should be quiescent: take the
// second snapshot after the call under test returned and its callbacks finished).
//
// Meaning: counts are of the C allocator API (malloc & co., and operator new through it) only.
// See suite/heap/README.md for what is invisible (private arenas, mmap, static allocators).
#ifndef MICONFORM_HEAP_PROBE_H
#define MICONFORM_HEAP_PROBE_H

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace miconform::heap {

// File name of the accounting library in the build's lib directory; the runner puts its full path
// into LD_PRELOAD of a case child.
inline constexpr const char* kHeapCountLibraryFileName = "libmiconform_heapcount.so";

// The counters at one moment (see heap_count.h). Absolute values are not meaningful on their
// own (they are modular and include start-up history); compare two snapshots.
struct HeapSnapshot {
  std::uint64_t live_bytes = 0;
  std::uint64_t live_blocks = 0;
  std::uint64_t total_allocations = 0;
};

// The change between two snapshots. Negative live values mean the work freed more than it
// allocated (e.g. it released memory that existed before the first snapshot).
struct HeapDelta {
  std::int64_t live_bytes = 0;
  std::int64_t live_blocks = 0;
  std::uint64_t allocations = 0;

  // e.g. "live bytes +1024, live blocks +3, allocations 17"
  std::string Describe() const;
};

// after - before, with modular counters turned into signed differences.
HeapDelta Difference(const HeapSnapshot& before, const HeapSnapshot& after);

// True when the accounting library is loaded and live in this process.
bool HeapAccountingActive();

// The current counters, or nullopt when HeapAccountingActive() is false. Never allocates after
// its first call (the first call looks the library up with dlsym, which may allocate).
std::optional<HeapSnapshot> TakeHeapSnapshot();

// Runs `work` once between two snapshots and returns the change; nullopt (and `work` is NOT run)
// when the accounting is not active.
std::optional<HeapDelta> MeasureAround(const std::function<void()>& work);

// When the heap counts as settled (TakeSettledSnapshot): live bytes and live blocks the same in
// every snapshot taken `step` apart for `quiet` in a row - any change starts the quiet period
// again - or, at the latest, once `limit` has passed since the first snapshot.
//
// Why wait at all: a library may free what it took shortly after the call that gives it back has
// returned - a reaper thread that frees closed objects in batches tens of milliseconds later, a
// thread that exits after delivering the last callback (its TLS and start-up blocks go only
// then) - and no API tells when it is done. The default `quiet` of 100 ms is twice the longest
// delay of the conforming variant memory_freed_by_reaper (it frees 20-45 ms after the close,
// some 50 ms with scheduling), and short enough to settle before and after every measured
// sample. Memory freed more than `quiet` after the heap last changed is not waited for; a heap
// that never stops changing costs `limit` per snapshot.
struct SettleRule {
  std::chrono::milliseconds quiet{100};
  std::chrono::milliseconds step{5};
  std::chrono::milliseconds limit{2000};
};

struct SettledHeapSnapshot {
  HeapSnapshot snapshot;  // the last snapshot taken
  bool settled = false;   // false: `limit` passed while the heap was still changing
  std::chrono::milliseconds waited{0};
};

// Takes snapshots until the heap has settled by `rule` (or its limit passed) and returns the last
// one; nullopt when the accounting is not active. Never allocates after TakeHeapSnapshot's first
// call, so it does not disturb what it watches; sleeps on the calling thread.
std::optional<SettledHeapSnapshot> TakeSettledSnapshot(const SettleRule& rule = {});

// The "no growth over N cycles" rule. A cycle is one complete lifecycle (e.g. open a session, run
// an operation, close the session). The rule runs `warmup_cycles`, takes a snapshot, runs
// `cycles`, takes a snapshot, and passes when live-byte growth is at most
// min(max_average_bytes_per_cycle * cycles, max_total_growth_bytes).
//
// Why a bound and not zero: the allocator's own caches are invisible here (a freed block is
// subtracted at free(), whatever the allocator does with it), but libraries legitimately keep
// memory that grows lazily and then stays: hash tables and vectors that double, free lists of
// recycled objects, per-thread buffers created the first time a thread runs, one-time stdio,
// locale or dlerror buffers. The warm-up absorbs the one-time part; the bound absorbs a doubling
// that happens to fall inside the measured window. 16 KiB total is well above such amortised
// growth and well below a real per-session leak: a session object leaked per cycle (hundreds of
// bytes at least) over the default 1000 cycles is hundreds of KiB. Even the smallest possible
// leak, one minimal block (24 usable bytes on glibc) per cycle, exceeds 16 KiB after 683 cycles,
// which is why `cycles` should stay at 1000 or more. 64 bytes per cycle only binds for short runs
// (fewer than 256 cycles), where it keeps a short run from passing a leak that 16 KiB would hide.
struct GrowthBound {
  std::uint64_t warmup_cycles = 10;
  std::uint64_t cycles = 1000;
  std::int64_t max_average_bytes_per_cycle = 64;
  std::int64_t max_total_growth_bytes = 16 * 1024;
};

// The most live-byte growth `bound` tolerates over its `cycles`:
// min(max_average_bytes_per_cycle * cycles, max_total_growth_bytes), computed without overflow.
std::int64_t GrowthLimitBytes(const GrowthBound& bound);

struct GrowthReport {
  GrowthBound bound;
  HeapDelta delta;  // over the measured `cycles`, warm-up excluded
  bool within_bound = false;

  double AverageBytesPerCycle() const;
  // One line of evidence for the report, e.g. "live bytes grew by 102400 over 1000 cycles
  // (102.4 per cycle; bound 64 per cycle and 16384 in total); live blocks +1000;
  // allocations 5000".
  std::string Describe() const;
};

// Applies the rule above to `cycle`. nullopt (and `cycle` is never run) when the accounting is
// not active. Bad bounds (cycles == 0 or a negative limit) throw std::invalid_argument.
// `snapshot` takes the two snapshots (after the warm-up, after the last cycle); empty, it is
// TakeHeapSnapshot. A caller whose cycles leave memory to be freed shortly after them passes one
// that waits for the heap to settle (TakeSettledSnapshot), so that what the last cycles still
// have in flight at the end - and the warm-up's at the start - is not counted as growth.
using SnapshotFunction = std::function<std::optional<HeapSnapshot>()>;
std::optional<GrowthReport> MeasureGrowth(const std::function<void()>& cycle,
                                          const GrowthBound& bound = {},
                                          const SnapshotFunction& snapshot = {});

}  // namespace miconform::heap

#endif  // MICONFORM_HEAP_PROBE_H
