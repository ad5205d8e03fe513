// phase_channel.cc - the case process's side of the phase channel declared in phase_channel.h.
#include "phase_channel.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace miconform::watchdog {
namespace {

struct Endpoint {
  int fd = -1;
  std::string token;
};

// Reads MICONFORM_CHANNEL ("<fd>:<token>") and removes it from the environment, so nothing this
// process loads or starts later finds it; marks the fd close-on-exec.
Endpoint EndpointFromEnvironment() {
  const char* value = std::getenv(kChannelVariable);
  if (value == nullptr) return {};
  const std::string text(value);
  ::unsetenv(kChannelVariable);
  char* end = nullptr;
  errno = 0;
  const long fd = std::strtol(text.c_str(), &end, 10);
  if (errno != 0 || end == text.c_str() || fd < 0 || fd > 1'000'000) return {};
  // Whatever else is wrong, the descriptor is not passed on to what this process starts.
  if (::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC) == -1) return {};
  if (*end != ':' || std::strlen(end + 1) != kChannelTokenDigits) return {};
  return {static_cast<int>(fd), std::string(end + 1)};
}

// Length of the longest prefix of `text` of at most `limit` bytes that does not end inside a
// UTF-8 sequence (reports are JSON, which must stay valid UTF-8).
std::size_t CharacterBoundary(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text.size();
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

// Blocks SIGPIPE in the calling thread for the lifetime of the object, and discards a SIGPIPE
// raised meanwhile by this thread's write, so a parent that went away cannot kill the case.
class SigpipeShield {
 public:
  SigpipeShield() {
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    already_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_only, &previous_);
  }
  void DiscardRaised() {
    if (already_pending_) return;
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    const timespec zero{0, 0};
    while (sigtimedwait(&pipe_only, nullptr, &zero) == -1 && errno == EINTR) {
    }
  }
  ~SigpipeShield() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

 private:
  sigset_t previous_;
  bool already_pending_ = false;
};

}  // namespace

bool ParseCallPhase(std::string_view phase, std::string* call, bool* entered) {
  constexpr std::string_view kEntered = "entered ";
  constexpr std::string_view kReturned = "returned ";
  if (phase.substr(0, kEntered.size()) == kEntered) {
    *entered = true;
    phase.remove_prefix(kEntered.size());
  } else if (phase.substr(0, kReturned.size()) == kReturned) {
    *entered = false;
    phase.remove_prefix(kReturned.size());
  } else {
    return false;
  }
  *call = std::string(phase.substr(0, phase.find(' ')));
  return !call->empty();
}

std::string FormatChannelLine(std::string_view kind, std::string_view text) {
  std::string line(kind);
  if (kind != "disarm" && kind != "end") {
    line += ' ';
    line.append(
        text.substr(0, CharacterBoundary(text, PhaseChannel::kMaxLineBytes - 1 - line.size())));
  }
  for (char& c : line) {
    if (c == '\n') c = ' ';
  }
  return line;
}

std::string NewChannelToken() {
  unsigned char bytes[kChannelTokenDigits / 2];
  std::size_t filled = 0;
  while (filled < sizeof bytes) {
    const ssize_t got = ::getrandom(bytes + filled, sizeof bytes - filled, 0);
    if (got > 0) {
      filled += static_cast<std::size_t>(got);
    } else if (got == -1 && errno != EINTR) {
      // No entropy source at all: a token that still differs per child and per run.
      const auto mix = static_cast<unsigned long long>(::getpid()) * 0x9E3779B97F4A7C15ULL ^
                       static_cast<unsigned long long>(std::clock()) ^
                       reinterpret_cast<std::uintptr_t>(&filled);
      for (std::size_t i = filled; i < sizeof bytes; ++i)
        bytes[i] = static_cast<unsigned char>(mix >> (8 * (i % 8)));
      filled = sizeof bytes;
    }
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (const unsigned char byte : bytes) {
    token += kHex[byte >> 4];
    token += kHex[byte & 0xF];
  }
  return token;
}

PhaseChannel& PhaseChannel::Get() {
  // Leaked on purpose: cases may write from library threads that outlive static destruction.
  static PhaseChannel* const channel = [] {
    Endpoint endpoint = EndpointFromEnvironment();
    return new PhaseChannel(endpoint.fd, std::move(endpoint.token));
  }();
  return *channel;
}

PhaseChannel::PhaseChannel(int fd, std::string token) : fd_(fd), token_(std::move(token)) {}

void PhaseChannel::Phase(std::string_view text) noexcept { Emit("phase", text); }
void PhaseChannel::Disarm() noexcept { Emit("disarm", {}); }
void PhaseChannel::Trace(std::string_view text) noexcept { Emit("trace", text); }
void PhaseChannel::Fired(std::string_view point) noexcept { Emit("fired", point); }
void PhaseChannel::Backend(std::string_view json_text) noexcept { Emit("backend", json_text); }
void PhaseChannel::Transport(std::string_view text) noexcept { Emit("transport", text); }
void PhaseChannel::Integration(std::string_view json_text) noexcept {
  Emit("integration", json_text);
}
void PhaseChannel::Message(std::string_view text) noexcept { Emit("message", text); }
namespace {
// A requirement id as one word ("-" for none).
std::string IdWord(std::string_view requirement_id) {
  std::string id(requirement_id.empty() ? std::string_view("-") : requirement_id);
  for (char& c : id) {
    if (c == ' ' || c == '\n') c = '_';
  }
  return id;
}

// Splits "<word> <rest>"; false when there is no word.
bool SplitWord(std::string_view text, std::string* word, std::string* rest) {
  if (text.empty() || text.front() == ' ') return false;
  const auto space = text.find(' ');
  *word = std::string(text.substr(0, space));
  *rest = space == std::string_view::npos ? std::string() : std::string(text.substr(space + 1));
  return true;
}
}  // namespace

void PhaseChannel::Finding(std::string_view verdict, std::string_view requirement_id,
                           std::string_view text) noexcept {
  try {
    Emit("finding", std::string(verdict) + " " + IdWord(requirement_id) + " " + std::string(text));
  } catch (...) {
  }
}

void PhaseChannel::Observation(std::string_view requirement_id, std::string_view text) noexcept {
  try {
    Emit("observation", IdWord(requirement_id) + " " + std::string(text));
  } catch (...) {
  }
}

void PhaseChannel::Skipped(std::string_view text) noexcept { Emit("skipped", text); }
void PhaseChannel::Unfired(std::string_view point) noexcept { Emit("unfired", point); }
void PhaseChannel::HarnessError(std::string_view text) noexcept { Emit("harness-error", text); }
void PhaseChannel::End() noexcept { Emit("end", {}); }
void PhaseChannel::Verdict(std::string_view word) noexcept { Emit("verdict", word); }

ChannelLine ReadChannelLine(std::string_view line) {
  using Kind = ChannelLine::Kind;
  ChannelLine read;
  read.text = std::string(line);  // kept whole unless the line parses
  if (line == "disarm" || line == "end") {
    read.kind = line == "end" ? Kind::kEnd : Kind::kDisarm;
    read.text.clear();
    return read;
  }
  std::string kind;
  std::string rest;
  if (!SplitWord(line, &kind, &rest)) return read;
  const Kind plain = kind == "phase"           ? Kind::kPhase
                     : kind == "trace"         ? Kind::kTrace
                     : kind == "fired"         ? Kind::kFired
                     : kind == "backend"       ? Kind::kBackend
                     : kind == "transport"     ? Kind::kTransport
                     : kind == "integration"   ? Kind::kIntegration
                     : kind == "message"       ? Kind::kMessage
                     : kind == "verdict"       ? Kind::kVerdict
                     : kind == "skipped"       ? Kind::kSkipped
                     : kind == "unfired"       ? Kind::kUnfired
                     : kind == "harness-error" ? Kind::kHarnessError
                                               : Kind::kMalformed;
  if (plain != Kind::kMalformed) {
    read.kind = plain;
    read.text = std::move(rest);
    return read;
  }
  auto no_dash = [](std::string id) { return id == "-" ? std::string() : id; };
  if (kind == "arm") {
    std::string id;
    std::string call;
    if (!SplitWord(rest, &id, &call) || call.empty()) return read;
    read.kind = Kind::kArm;
    read.requirement_id = std::move(id);
    read.call = std::move(call);
    read.text.clear();
  } else if (kind == "finding") {
    std::string verdict;
    std::string after_verdict;
    std::string id;
    std::string text;
    if (!SplitWord(rest, &verdict, &after_verdict) || !SplitWord(after_verdict, &id, &text)) {
      return read;
    }
    read.kind = Kind::kFinding;
    read.verdict = std::move(verdict);
    read.requirement_id = no_dash(std::move(id));
    read.text = std::move(text);
  } else if (kind == "observation") {
    std::string id;
    std::string text;
    if (!SplitWord(rest, &id, &text)) return read;
    read.kind = Kind::kObservation;
    read.requirement_id = no_dash(std::move(id));
    read.text = std::move(text);
  } else if (kind == "wait" || kind == "woke") {
    char* end = nullptr;
    const long tid = std::strtol(rest.c_str(), &end, 10);
    if (rest.empty() || end == nullptr || *end != '\0' || tid <= 0) return read;
    read.kind = kind == "wait" ? Kind::kWait : Kind::kWoke;
    read.tid = tid;
    read.text.clear();
  }
  return read;
}

void PhaseChannel::Wait(long tid) noexcept { Emit("wait", std::to_string(tid)); }
void PhaseChannel::Woke(long tid) noexcept { Emit("woke", std::to_string(tid)); }

void PhaseChannel::Arm(std::string_view requirement_id, std::string_view call) noexcept {
  try {
    std::string text(requirement_id);
    for (char& c : text) {
      if (c == ' ' || c == '\n') c = '_';
    }
    if (text.empty()) text.push_back('_');
    text += ' ';
    text += call;
    Emit("arm", text);
  } catch (...) {
    // Out of memory: nothing sensible can be reported.
  }
}

void PhaseChannel::Emit(std::string_view kind, std::string_view text) noexcept {
  try {
    std::string line = FormatChannelLine(kind, text);
    std::lock_guard<std::mutex> lock(mutex_);
    lines_.push_back(line);
    if (fd_ < 0) return;
    line += '\n';
    WriteAll(token_.empty() ? line : token_ + ' ' + line);
  } catch (...) {
    // Out of memory: the line is lost; a case must never die of its own reporting.
  }
}

void PhaseChannel::WriteAll(const std::string& line) noexcept {
  SigpipeShield shield;
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t written = ::write(fd_, line.data() + done, line.size() - done);
    if (written > 0) {
      done += static_cast<std::size_t>(written);
      continue;
    }
    if (written == -1 && errno == EINTR) continue;
    if (written == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd waiting{fd_, POLLOUT, 0};
      while (::poll(&waiting, 1, -1) == -1 && errno == EINTR) {
      }
      continue;
    }
    if (written == -1 && errno == EPIPE) shield.DiscardRaised();
    return;  // the parent is gone or the fd is unusable: drop the line
  }
}

std::vector<std::string> PhaseChannel::Lines() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lines_;
}

void ChannelReader::Append(std::string_view piece) {
  if (overlong_) {
    Foreign(piece, piece.size());
    return;
  }
  if (partial_.size() + piece.size() + 1 > PhaseChannel::kMaxFramedLineBytes) {
    // Longer than any line the harness writes: foreign, and never held whole.
    overlong_ = true;
    Foreign(partial_, partial_.size());
    Foreign(piece, piece.size());
    partial_.clear();
    return;
  }
  partial_.append(piece);
}

bool ChannelReader::TakeLine(std::string* line, bool terminated) {
  if (overlong_) {
    overlong_ = false;
    if (terminated) Foreign("\n", 1);
    return false;
  }
  std::string taken = std::move(partial_);
  partial_.clear();
  if (token_.empty()) {
    *line = std::move(taken);
    return true;
  }
  if (taken.size() > token_.size() && taken.compare(0, token_.size(), token_) == 0 &&
      taken[token_.size()] == ' ') {
    *line = taken.substr(token_.size() + 1);
    return true;
  }
  Foreign(taken, taken.size());
  if (terminated) Foreign("\n", 1);
  return false;
}

void ChannelReader::Foreign(std::string_view bytes, std::size_t count) {
  foreign_bytes_ += count;
  if (foreign_sample_.size() < kForeignSample) {
    foreign_sample_.append(bytes.substr(0, kForeignSample - foreign_sample_.size()));
  }
}

}  // namespace miconform::watchdog
