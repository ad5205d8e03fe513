// phase_channel.h - the child side of the watchdog: the line protocol a case process uses to tell
// its supervising runner where it is (phases, armed hang windows, evidence, its verdict).
//
// Framing: on the wire every line is "<token> <line>\n", where <token> is the 32 hex digits the
// watchdog drew for this child alone (NewChannelToken). The child learns the descriptor and the
// token from MICONFORM_CHANNEL ("<fd>:<token>"), which it reads and removes from its environment on
// first use, before any target is loaded, and it marks the descriptor close-on-exec; so the channel
// is not advertised to the target or to any program it starts. The parent (ChannelReader) takes a
// line only in that framing and at most kMaxFramedLineBytes long; anything else on the descriptor
// is foreign: bytes the target wrote on a descriptor it does not own. This defends against a
// careless library (one that writes to a stray descriptor, inherits it into a helper, floods it);
// code in the same process that sets out to forge lines can read the token from memory, and no
// in-process harness can stop it (README.md, "What the watchdog trusts").
//
// Wire protocol (one line per call, each line written with ONE write() call, '\n'-terminated):
//   phase <text>                  the process reached <text>, e.g. "entered MI_Session_Close"
//   arm <requirement_id> <call>   until `disarm`, a hang of this process is the documented outcome
//                                 of <call> under <requirement_id>
//   disarm                        the armed window is over
//   trace <text>                  evidence for the report
//   fired <point>                 a fault-injection point fired
//   backend <json>                the scripted backend's record (one line of JSON)
//   message <text>                a human-readable message for the report
//   finding <VERDICT> <requirement_id> <text>
//                                 a judged fact charged to one requirement: FAIL (a check
//                                 failed), DEVIATION or DOCUMENTED-HANG; requirement "-" when the
//                                 failed check named none
//   observation <requirement_id> <text>
//                                 what the case saw where the pages leave it open (not judged)
//   skipped <text>                the case was skipped: the target lacks what it needs
//   unfired <point>               an injection point the case planned never fired
//   harness-error <text>          the case misused the harness (e.g. an unknown point)
//   end                           the case ran to its end; its verdict is the runner's to judge
//                                 from the lines above (report.h, CaseVerdictOfFacts)
//   verdict <WORD>                a verdict word, written by the runner's own probe and bench
//                                 children (never by a case)
//   wait <tid>                    thread <tid> of the harness starts waiting for the target
//   woke <tid>                    ... and stops (the watchdog leaves waiting threads out of its
//                                 measure of progress)
// A line is at most kMaxLineBytes bytes including its '\n' (without the token); longer text is cut
// at a UTF-8 character boundary. '\n' inside text becomes ' '. Spaces in a requirement id become
// '_' (the parent splits `arm` lines at the first two spaces). Lines of at most PIPE_BUF bytes
// written to a pipe are atomic, so lines from several threads (or forked processes) never
// interleave.
//
// Threading: every method is thread-safe and may be called from any thread, including MI
// callbacks running on a library's own threads. Calls never throw and never raise SIGPIPE (a
// vanished parent makes writes fail silently); EINTR is retried. A write blocks while the pipe is
// full, i.e. while the parent is not reading.
#ifndef MICONFORM_WATCHDOG_PHASE_CHANNEL_H
#define MICONFORM_WATCHDOG_PHASE_CHANNEL_H

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace miconform::watchdog {

// Name of the environment variable through which the watchdog hands a child its channel:
// "<fd>:<token>". The child removes it on first use of PhaseChannel::Get().
inline constexpr const char* kChannelVariable = "MICONFORM_CHANNEL";

// Hex digits of a channel token.
inline constexpr std::size_t kChannelTokenDigits = 32;

// A fresh token: 16 bytes from getrandom(2), in hex.
std::string NewChannelToken();

class PhaseChannel {
 public:
  static constexpr std::size_t kMaxLineBytes = 4000;
  // A framed line: the token, a space, the line (kMaxLineBytes with its '\n'). At most PIPE_BUF,
  // so a line is still written atomically.
  static constexpr std::size_t kMaxFramedLineBytes = kChannelTokenDigits + 1 + kMaxLineBytes;

  // The process-wide channel: the fd and token named by MICONFORM_CHANNEL, or, when that variable
  // is absent or does not name an open fd and a token, a channel that writes nowhere (lines are
  // still kept for Lines()). Created on first use, which removes the variable from the
  // environment and marks the fd close-on-exec; lives until process exit. A child calls it first
  // thing in main, before it loads anything.
  static PhaseChannel& Get();

  // A channel writing to `fd` (not owned, never closed) lines framed with `token` (none when
  // empty); fd -1 writes nowhere. For tests and tools.
  explicit PhaseChannel(int fd, std::string token = {});
  PhaseChannel(const PhaseChannel&) = delete;
  PhaseChannel& operator=(const PhaseChannel&) = delete;

  void Phase(std::string_view text) noexcept;
  void Arm(std::string_view requirement_id, std::string_view call) noexcept;
  void Disarm() noexcept;
  void Trace(std::string_view text) noexcept;
  void Fired(std::string_view point) noexcept;
  void Backend(std::string_view json_text) noexcept;
  // What the scripted handler had seen of the client when the case's first check failed, in
  // words (suite/cases/transport_state.h); the report groups failures by it.
  void Transport(std::string_view text) noexcept;
  // One integration finding of the scripted handler, as a JSON object {"kind", "what", "calls",
  // "occurrences"} (targets/handler/README.md, "The client's duties"); never a verdict.
  void Integration(std::string_view json_text) noexcept;
  void Message(std::string_view text) noexcept;
  void Finding(std::string_view verdict, std::string_view requirement_id,
               std::string_view text) noexcept;
  void Observation(std::string_view requirement_id, std::string_view text) noexcept;
  void Skipped(std::string_view text) noexcept;
  void Unfired(std::string_view point) noexcept;
  void HarnessError(std::string_view text) noexcept;
  void End() noexcept;
  void Verdict(std::string_view word) noexcept;
  void Wait(long tid) noexcept;
  void Woke(long tid) noexcept;

  // Every line written so far through this channel, in order, without the '\n'.
  std::vector<std::string> Lines() const;

  // The fd lines go to, or -1.
  int fd() const { return fd_; }

 private:
  void Emit(std::string_view kind, std::string_view text) noexcept;
  void WriteAll(const std::string& line) noexcept;

  const int fd_;
  const std::string token_;
  mutable std::mutex mutex_;  // orders the in-memory copy and the writes identically
  std::vector<std::string> lines_;
};

// Builds one protocol line (without '\n') exactly as PhaseChannel writes it: "<kind> <text>", or
// just "disarm" or "end"; '\n' in text replaced, cut to kMaxLineBytes - 1 bytes at a character
// boundary.
std::string FormatChannelLine(std::string_view kind, std::string_view text);

// A phase that enters or leaves a call into the target: "entered <Call> ..." or
// "returned <Call> ...". Sets *call to <Call> and *entered; false for any other phase. The one
// reading of these phases, for the watchdog's calls in flight and the case's stall oracle.
bool ParseCallPhase(std::string_view phase, std::string* call, bool* entered);

// One line of the protocol as the parent reads it. ReadChannelLine is the one reader of the wire
// format above: the watchdog's supervision and the runner's judge both take lines through it.
struct ChannelLine {
  enum class Kind {
    kPhase,
    kArm,
    kDisarm,
    kTrace,
    kFired,
    kBackend,
    kTransport,
    kIntegration,
    kMessage,
    kFinding,
    kObservation,
    kVerdict,
    kWait,
    kWoke,
    kSkipped,
    kUnfired,
    kHarnessError,
    kEnd,
    kMalformed,  // an unknown kind, or a known one without its fields
  };
  Kind kind = Kind::kMalformed;
  std::string text;            // phase, trace, fired or unfired point, backend JSON, transport,
                               // integration JSON, message,
                               // verdict word, finding, observation, skip or harness-error text;
                               // the whole line when malformed
  std::string requirement_id;  // arm, finding, observation ("" when the line says "-")
  std::string call;            // arm
  std::string verdict;         // finding: "FAIL", "DEVIATION", "DOCUMENTED-HANG", "INCONCLUSIVE"
  long tid = 0;                // wait, woke
};
ChannelLine ReadChannelLine(std::string_view line);

// The parent's side of the framing: splits the bytes of one child's channel into lines, keeps
// those framed with the child's token (without the token), and sets apart everything else as
// foreign. A line longer than kMaxFramedLineBytes is foreign whatever it starts with, and is never
// held whole: memory stays bounded whatever the child writes.
class ChannelReader {
 public:
  explicit ChannelReader(std::string token) : token_(std::move(token)) {}

  const std::string& token() const { return token_; }

  // Feeds bytes as they arrive; calls on_line(line) for each framed line, in order.
  template <typename OnLine>
  void Feed(std::string_view bytes, OnLine&& on_line) {
    while (!bytes.empty()) {
      const auto newline = bytes.find('\n');
      const std::string_view piece = bytes.substr(0, newline);
      Append(piece);
      if (newline == std::string_view::npos) return;
      bytes.remove_prefix(newline + 1);
      std::string line;
      if (TakeLine(&line, /*terminated=*/true)) on_line(std::move(line));
    }
  }

  // At the end of the stream: a last line without its '\n' (framed or foreign).
  template <typename OnLine>
  void Close(OnLine&& on_line) {
    if (partial_.empty() && !overlong_) return;
    std::string line;
    if (TakeLine(&line, /*terminated=*/false)) on_line(std::move(line));
  }

  // Foreign bytes seen (with their newlines), and the first of them (at most kForeignSample
  // bytes), for the evidence.
  std::size_t foreign_bytes() const { return foreign_bytes_; }
  const std::string& foreign_sample() const { return foreign_sample_; }
  static constexpr std::size_t kForeignSample = 512;

 private:
  void Append(std::string_view piece);
  bool TakeLine(std::string* line, bool terminated);  // false: the line was foreign
  void Foreign(std::string_view bytes, std::size_t count);

  const std::string token_;
  std::string partial_;
  bool overlong_ = false;  // inside a line already found too long, until its '\n'
  std::size_t foreign_bytes_ = 0;
  std::string foreign_sample_;
};

}  // namespace miconform::watchdog

#endif  // MICONFORM_WATCHDOG_PHASE_CHANNEL_H
