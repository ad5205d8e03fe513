// interposer_selftest.cc - self-tests of libmiconform_interposer.so. Each suite runs in its own
// process, started by CTest with LD_PRELOAD and the MICONFORM_INJECT plan the suite expects (see
// CMakeLists.txt); each test first checks that it runs under that plan, so a misconfigured run
// fails instead of passing vacuously.
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "injection_caller.h"
#include "miconform/injection_plan.h"
#include "miconform/injection_prng.h"
#include "miconform/injection_summary.h"
#include "miconform/interposer_reader.h"
#include "miconform/interposer_stats.h"
#include "miconform/seeded_generator.h"

namespace miconform::injection {
namespace {

// ---- helpers -----------------------------------------------------------------------------------

InjectionPlan PlanInEnvironment() {
  std::optional<InjectionPlan> plan = InjectionPlan::FromEnvironment();
  return plan ? *plan : InjectionPlan{};
}

InterposerSnapshot Snapshot() {
  std::optional<InterposerSnapshot> snapshot = ReadInterposerSnapshot();
  if (!snapshot) {
    ADD_FAILURE() << "libmiconform_interposer.so is not preloaded";
    return {};
  }
  return *snapshot;
}

PointCounters Counters(const InterposerSnapshot& snapshot, const std::string& point) {
  for (const PointCounters& counters : snapshot.points) {
    if (counters.point == point) return counters;
  }
  ADD_FAILURE() << "no counters for " << point;
  return {};
}

PointCounters Delta(const InterposerSnapshot& before, const InterposerSnapshot& after,
                    const std::string& point) {
  const PointCounters a = Counters(before, point), b = Counters(after, point);
  return {point, b.hits - a.hits, b.fires - a.fires};
}

timespec DeadlineIn(int milliseconds) {
  timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += milliseconds / 1000;
  deadline.tv_nsec += (milliseconds % 1000) * 1000000L;
  if (deadline.tv_nsec >= 1000000000L) {
    deadline.tv_sec += 1;
    deadline.tv_nsec -= 1000000000L;
  }
  return deadline;
}

// A bounded queue guarded by one mutex and two condition variables, fed by several producers and
// drained by several consumers: the classic program whose outcome must not depend on timing.
class ProducerConsumer {
 public:
  struct Outcome {
    std::uint64_t consumed = 0;
    std::uint64_t sum = 0;
    bool per_producer_order_kept = true;
    bool operator==(const Outcome&) const = default;
  };

  static Outcome Run(int producers, int consumers, int items_per_producer) {
    ProducerConsumer shared(producers, items_per_producer);
    std::vector<pthread_t> threads;
    std::vector<Outcome> outcomes(consumers);
    std::vector<ConsumerArgs> consumer_args(consumers);
    std::vector<ProducerArgs> producer_args(producers);
    for (int c = 0; c < consumers; ++c) {
      consumer_args[c] = {&shared, &outcomes[c]};
      pthread_t thread;
      EXPECT_EQ(pthread_create(&thread, nullptr, &ConsumerMain, &consumer_args[c]), 0);
      threads.push_back(thread);
    }
    for (int p = 0; p < producers; ++p) {
      producer_args[p] = {&shared, p};
      pthread_t thread;
      EXPECT_EQ(pthread_create(&thread, nullptr, &ProducerMain, &producer_args[p]), 0);
      threads.push_back(thread);
    }
    for (int p = 0; p < producers; ++p) EXPECT_EQ(pthread_join(threads[consumers + p], nullptr), 0);
    for (int c = 0; c < consumers; ++c) shared.Put(kStop);
    for (int c = 0; c < consumers; ++c) EXPECT_EQ(pthread_join(threads[c], nullptr), 0);
    Outcome total;
    for (const Outcome& outcome : outcomes) {
      total.consumed += outcome.consumed;
      total.sum += outcome.sum;
      total.per_producer_order_kept =
          total.per_producer_order_kept && outcome.per_producer_order_kept;
    }
    return total;
  }

  static Outcome Expected(int producers, int items_per_producer) {
    Outcome expected;
    for (int p = 0; p < producers; ++p) {
      for (int i = 1; i <= items_per_producer; ++i) {
        expected.consumed += 1;
        expected.sum += Item(p, i);
      }
    }
    return expected;
  }

 private:
  static constexpr std::uint64_t kStop = 0;
  static constexpr int kCapacity = 3;
  struct ConsumerArgs {
    ProducerConsumer* shared;
    Outcome* outcome;
  };
  struct ProducerArgs {
    ProducerConsumer* shared;
    int producer;
  };

  static std::uint64_t Item(int producer, int index) {
    return (static_cast<std::uint64_t>(producer) << 32) | static_cast<std::uint64_t>(index);
  }

  ProducerConsumer(int producers, int items) : producers_(producers), items_(items) {
    pthread_mutex_init(&mutex_, nullptr);
    pthread_cond_init(&not_empty_, nullptr);
    pthread_cond_init(&not_full_, nullptr);
  }
  ~ProducerConsumer() {
    pthread_cond_destroy(&not_full_);
    pthread_cond_destroy(&not_empty_);
    pthread_mutex_destroy(&mutex_);
  }

  void Put(std::uint64_t value) {
    pthread_mutex_lock(&mutex_);
    while (count_ == kCapacity) pthread_cond_wait(&not_full_, &mutex_);
    ring_[(head_ + count_) % kCapacity] = value;
    ++count_;
    pthread_cond_signal(&not_empty_);
    pthread_mutex_unlock(&mutex_);
  }

  std::uint64_t Take() {
    pthread_mutex_lock(&mutex_);
    while (count_ == 0) pthread_cond_wait(&not_empty_, &mutex_);
    const std::uint64_t value = ring_[head_];
    head_ = (head_ + 1) % kCapacity;
    --count_;
    pthread_cond_broadcast(&not_full_);
    pthread_mutex_unlock(&mutex_);
    return value;
  }

  static void* ProducerMain(void* raw) {
    auto* args = static_cast<ProducerArgs*>(raw);
    for (int i = 1; i <= args->shared->items_; ++i) args->shared->Put(Item(args->producer, i));
    return nullptr;
  }

  static void* ConsumerMain(void* raw) {
    auto* args = static_cast<ConsumerArgs*>(raw);
    std::vector<std::uint64_t> last(args->shared->producers_, 0);
    for (;;) {
      const std::uint64_t value = args->shared->Take();
      if (value == kStop) break;
      const std::uint64_t producer = value >> 32, index = value & 0xffffffffu;
      if (index <= last[producer]) args->outcome->per_producer_order_kept = false;
      last[producer] = index;
      args->outcome->consumed += 1;
      args->outcome->sum += value;
    }
    return nullptr;
  }

  const int producers_;
  const int items_;
  pthread_mutex_t mutex_;
  pthread_cond_t not_empty_;
  pthread_cond_t not_full_;
  std::uint64_t ring_[kCapacity] = {};
  int head_ = 0;
  int count_ = 0;
};

// Return values and errno of the interposed calls, success and failure alike, including that a
// successful call leaves errno alone (an injected delay must not leak its own errno).
void ExpectCallSemantics() {
  pthread_mutexattr_t attributes;
  pthread_mutexattr_init(&attributes);
  pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_t mutex;
  pthread_mutex_init(&mutex, &attributes);
  pthread_mutexattr_destroy(&attributes);

  errno = 4242;
  EXPECT_EQ(pthread_mutex_lock(&mutex), 0);
  EXPECT_EQ(errno, 4242);
  EXPECT_EQ(pthread_mutex_lock(&mutex), EDEADLK);
  pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
  timespec past{};
  past.tv_sec = 1;
  EXPECT_EQ(pthread_cond_timedwait(&cond, &mutex, &past), ETIMEDOUT);
  EXPECT_EQ(pthread_cond_signal(&cond), 0);
  EXPECT_EQ(pthread_cond_broadcast(&cond), 0);
  EXPECT_EQ(pthread_mutex_unlock(&mutex), 0);
  EXPECT_EQ(pthread_mutex_unlock(&mutex), EPERM);
  EXPECT_EQ(errno, 4242);
  pthread_mutex_destroy(&mutex);
  pthread_cond_destroy(&cond);

  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  errno = 4242;
  EXPECT_EQ(write(pipe_fds[1], "ab", 2), 2);
  pollfd ready{pipe_fds[0], POLLIN, 0};
  EXPECT_EQ(poll(&ready, 1, 10000), 1);
  char buffer[4] = {};
  EXPECT_EQ(read(pipe_fds[0], buffer, sizeof buffer), 2);
  EXPECT_EQ(std::string(buffer, 2), "ab");
  EXPECT_EQ(sched_yield(), 0);
  EXPECT_EQ(errno, 4242);
  close(pipe_fds[0]);
  close(pipe_fds[1]);

  errno = 0;
  EXPECT_EQ(read(pipe_fds[0], buffer, 1), -1);
  EXPECT_EQ(errno, EBADF);
  errno = 0;
  EXPECT_EQ(write(pipe_fds[1], buffer, 1), -1);
  EXPECT_EQ(errno, EBADF);
  errno = 0;
  EXPECT_EQ(poll(nullptr, 0, 0), 0);
  pollfd* volatile unreadable = nullptr;  // volatile: the compiler must not see the bad argument
  EXPECT_EQ(poll(unreadable, 1, 0), -1);
  EXPECT_EQ(errno, EFAULT);
}

void RunWorkloadExpectingCorrectOutcome() {
  const ProducerConsumer::Outcome outcome = ProducerConsumer::Run(2, 2, 3000);
  EXPECT_EQ(outcome, ProducerConsumer::Expected(2, 3000));
  EXPECT_TRUE(outcome.per_producer_order_kept);
}

// ---- mode=off and no plan ----------------------------------------------------------------------

TEST(InterposerOff, PassesThroughUnchanged) {
  ASSERT_NE(dlsym(RTLD_DEFAULT, "miconform_injection_active"), nullptr)
      << "interposer not preloaded";
  ASSERT_EQ(PlanInEnvironment().mode, InjectionPlan::Mode::kOff);
  EXPECT_FALSE(Snapshot().active);
  RunWorkloadExpectingCorrectOutcome();
  ExpectCallSemantics();
  const InterposerSnapshot after = Snapshot();
  EXPECT_EQ(after.mode, 0);
  EXPECT_EQ(after.total_hits, 0u);
  EXPECT_EQ(after.total_fires, 0u);
  EXPECT_EQ(after.points.size(), 9u);
  EXPECT_EQ(ReadInterposerStats(), std::vector<FiredPoint>{});
}

// A plan that does not parse leaves the library in pass-through.
TEST(InterposerBadPlan, StaysInactive) {
  ASSERT_NE(dlsym(RTLD_DEFAULT, "miconform_injection_active"), nullptr)
      << "interposer not preloaded";
  ASSERT_NE(getenv(kInjectVariable), nullptr);
  EXPECT_THROW(InjectionPlan::FromEnvironment(), PlanError);
  RunWorkloadExpectingCorrectOutcome();
  const InterposerSnapshot after = Snapshot();
  EXPECT_FALSE(after.active);
  EXPECT_EQ(after.total_hits, 0u);
}

// A plan that names only points of other layers (callback.*, handler.*) enables no interposer
// point: the library applies the plan but counts and fires nothing, and its statistics list only
// the interposer's own points.
TEST(InterposerForeignPoints, IgnoresPointsOfOtherLayers) {
  const InjectionPlan plan = PlanInEnvironment();
  ASSERT_EQ(plan.mode, InjectionPlan::Mode::kRandom);
  ASSERT_EQ(plan.probability, 1.0);
  ASSERT_TRUE(plan.Enables("callback.before_ack"));
  ASSERT_TRUE(plan.Enables("handler.before_result"));
  ASSERT_FALSE(plan.Enables("interposer.mutex_lock"));
  RunWorkloadExpectingCorrectOutcome();
  ExpectCallSemantics();
  const InterposerSnapshot after = Snapshot();
  EXPECT_TRUE(after.active);
  EXPECT_EQ(after.total_hits, 0u);
  EXPECT_EQ(after.total_fires, 0u);
  ASSERT_EQ(after.points.size(), 9u);
  for (const PointCounters& point : after.points) {
    EXPECT_EQ(point.point.rfind("interposer.", 0), 0u) << point.point;
    EXPECT_EQ(point.hits, 0u) << point.point;
  }
  EXPECT_EQ(ReadInterposerStats(), std::vector<FiredPoint>{});
}

// ---- mode=random -------------------------------------------------------------------------------

TEST(InterposerRandom, FiresOnMutexAndConditionPoints) {
  const InjectionPlan plan = PlanInEnvironment();
  ASSERT_EQ(plan.mode, InjectionPlan::Mode::kRandom);
  ASSERT_FALSE(plan.Enables("interposer.read"));
  ASSERT_TRUE(Snapshot().active);
  const InterposerSnapshot before = Snapshot();
  RunWorkloadExpectingCorrectOutcome();

  // A fixed number of hits on the condition points from this thread alone.
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
  timespec past{};
  past.tv_sec = 1;
  const InterposerSnapshot before_fixed = Snapshot();
  pthread_mutex_lock(&mutex);
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(pthread_cond_timedwait(&cond, &mutex, &past), ETIMEDOUT);
    EXPECT_EQ(pthread_cond_signal(&cond), 0);
  }
  pthread_mutex_unlock(&mutex);
  const InterposerSnapshot after = Snapshot();
  EXPECT_EQ(Delta(before_fixed, after, "interposer.cond_wait").hits, 200u);
  EXPECT_EQ(Delta(before_fixed, after, "interposer.cond_signal").hits, 200u);

  for (const char* point : {"interposer.mutex_lock", "interposer.mutex_unlock",
                            "interposer.cond_wait", "interposer.cond_signal"}) {
    const PointCounters delta = Delta(before, after, point);
    EXPECT_GT(delta.hits, 0u) << point;
    EXPECT_GT(delta.fires, 0u) << point;
    EXPECT_LT(delta.fires, delta.hits) << point;
  }
  for (const char* point : {"interposer.read", "interposer.write", "interposer.poll",
                            "interposer.thread_create", "interposer.sched_yield"}) {
    EXPECT_EQ(Counters(after, point).hits, 0u) << point;
  }
  std::uint64_t hits = 0, fires = 0;
  for (const PointCounters& point : after.points) {
    hits += point.hits;
    fires += point.fires;
  }
  EXPECT_EQ(after.total_hits, hits);
  EXPECT_EQ(after.total_fires, fires);
  EXPECT_FALSE(after.countdown_reached);
  const std::optional<std::vector<FiredPoint>> fired = ReadInterposerStats();
  ASSERT_TRUE(fired.has_value());
  EXPECT_EQ(fired->size(), 4u);
  ExpectCallSemantics();
}

// The firing decisions of a thread are a pure function of the seed and the thread's creation
// index: a replay of the same calls predicts the exact number of fires.
constexpr int kReplayCalls = 2000;

void* YieldRepeatedly(void*) {
  for (int i = 0; i < kReplayCalls; ++i) sched_yield();
  return nullptr;
}

TEST(InterposerReplay, FiresAreReproducibleFromTheSeed) {
  const InjectionPlan plan = PlanInEnvironment();
  ASSERT_EQ(plan.mode, InjectionPlan::Mode::kRandom);
  ASSERT_EQ(plan.points, std::vector<std::string>{"interposer.sched_yield"});
  ASSERT_TRUE(Snapshot().active);

  // This suite runs alone in its process, so the threads it creates are the process's only ones:
  // the n-th run of this test (under --gtest_repeat) creates thread n.
  static std::uint64_t runs = 0;
  SeededGenerator model = SeededGenerator::ForThread(plan.seed, ++runs);
  std::uint64_t state = model.state();
  // The plan uses a p that is a power of two, so p * 2^64 is the parser's exact threshold.
  ASSERT_EQ(plan.probability, 0.25);
  const std::uint64_t threshold = UINT64_C(1) << 62;
  std::uint64_t expected_fires = 0;
  for (int i = 0; i < kReplayCalls; ++i) {
    std::uint32_t delay = 0;
    expected_fires += miconform_prng_decide(&state, threshold, plan.probability >= 1.0,
                                            plan.max_delay_us, &delay);
  }

  const InterposerSnapshot before = Snapshot();
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, nullptr, &YieldRepeatedly, nullptr), 0);
  ASSERT_EQ(pthread_join(thread, nullptr), 0);
  const PointCounters delta = Delta(before, Snapshot(), "interposer.sched_yield");
  EXPECT_EQ(delta.hits, static_cast<std::uint64_t>(kReplayCalls));
  EXPECT_EQ(delta.fires, expected_fires);
  EXPECT_GT(expected_fires, 0u);
  EXPECT_LT(expected_fires, static_cast<std::uint64_t>(kReplayCalls));
}

// ---- mode=countdown ----------------------------------------------------------------------------

void LockUnlock(int times) {
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  for (int i = 0; i < times; ++i) {
    ASSERT_EQ(pthread_mutex_lock(&mutex), 0);
    ASSERT_EQ(pthread_mutex_unlock(&mutex), 0);
  }
}

TEST(InterposerCountdownReached, FiresExactlyOnce) {
  const InjectionPlan plan = PlanInEnvironment();
  ASSERT_EQ(plan.mode, InjectionPlan::Mode::kCountdown);
  ASSERT_EQ(plan.countdown_k, 5u);
  LockUnlock(50);
  RunWorkloadExpectingCorrectOutcome();
  const InterposerSnapshot after = Snapshot();
  EXPECT_TRUE(after.active);
  EXPECT_EQ(after.mode, 2);
  EXPECT_TRUE(after.countdown_reached);
  EXPECT_EQ(after.total_fires, 1u);
  EXPECT_GE(after.total_hits, 100u);
  const std::optional<std::vector<FiredPoint>> fired = ReadInterposerStats();
  ASSERT_TRUE(fired.has_value());
  ASSERT_EQ(fired->size(), 1u);
  EXPECT_EQ((*fired)[0].fires, 1u);
}

TEST(InterposerCountdownUnreached, NeverFiresBeyondTheLastHit) {
  const InjectionPlan plan = PlanInEnvironment();
  ASSERT_EQ(plan.mode, InjectionPlan::Mode::kCountdown);
  ASSERT_GT(plan.countdown_k, 1000000000u);
  LockUnlock(50);
  RunWorkloadExpectingCorrectOutcome();
  const InterposerSnapshot after = Snapshot();
  EXPECT_TRUE(after.active);
  EXPECT_FALSE(after.countdown_reached);
  EXPECT_EQ(after.total_fires, 0u);
  EXPECT_GE(after.total_hits, 100u);
  EXPECT_LT(after.total_hits, plan.countdown_k);
  EXPECT_EQ(ReadInterposerStats(), std::vector<FiredPoint>{});
}

// ---- only= -------------------------------------------------------------------------------------

TEST(InterposerOnly, CountsOnlyCallsFromTheNamedObject) {
  const InjectionPlan plan = PlanInEnvironment();
  ASSERT_EQ(plan.only, "libmiconform_injection_caller");
  ASSERT_DOUBLE_EQ(plan.probability, 1.0);
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;

  const InterposerSnapshot start = Snapshot();
  LockUnlock(100);
  const InterposerSnapshot after_executable = Snapshot();
  EXPECT_EQ(Delta(start, after_executable, "interposer.mutex_lock"),
            (PointCounters{"interposer.mutex_lock", 0, 0}));
  EXPECT_EQ(after_executable.total_hits, start.total_hits);

  EXPECT_EQ(injection_caller_lock_unlock(&mutex, 100), 100);
  const InterposerSnapshot after_library = Snapshot();
  EXPECT_EQ(Delta(after_executable, after_library, "interposer.mutex_lock"),
            (PointCounters{"interposer.mutex_lock", 100, 100}));
  EXPECT_EQ(Delta(after_executable, after_library, "interposer.mutex_unlock"),
            (PointCounters{"interposer.mutex_unlock", 100, 100}));
}

// ---- heavy concurrency -------------------------------------------------------------------------

struct SharedCounter {
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  std::uint64_t value = 0;
};
constexpr int kHeavyThreads = 8;
constexpr int kHeavyPairs = 50000;

void* IncrementMany(void* raw) {
  auto* counter = static_cast<SharedCounter*>(raw);
  for (int i = 0; i < kHeavyPairs; ++i) {
    pthread_mutex_lock(&counter->mutex);
    ++counter->value;
    pthread_mutex_unlock(&counter->mutex);
  }
  return nullptr;
}

TEST(InterposerHeavy, EightThreadsKeepTheCounterExact) {
  const InjectionPlan plan = PlanInEnvironment();
  ASSERT_EQ(plan.mode, InjectionPlan::Mode::kRandom);
  ASSERT_TRUE(plan.Enables("interposer.mutex_lock"));
  SharedCounter counter;
  const InterposerSnapshot before = Snapshot();
  pthread_t threads[kHeavyThreads];
  for (pthread_t& thread : threads)
    ASSERT_EQ(pthread_create(&thread, nullptr, &IncrementMany, &counter), 0);
  for (pthread_t& thread : threads) ASSERT_EQ(pthread_join(thread, nullptr), 0);
  const InterposerSnapshot after = Snapshot();
  EXPECT_EQ(counter.value, static_cast<std::uint64_t>(kHeavyThreads) * kHeavyPairs);
  const PointCounters lock = Delta(before, after, "interposer.mutex_lock");
  EXPECT_EQ(lock.hits, static_cast<std::uint64_t>(kHeavyThreads) * kHeavyPairs);
  EXPECT_GT(lock.fires, 0u);
  EXPECT_EQ(Delta(before, after, "interposer.mutex_unlock").hits,
            static_cast<std::uint64_t>(kHeavyThreads) * kHeavyPairs);
}

// ---- pthread_create ----------------------------------------------------------------------------

void* Doubled(void* raw) {
  return reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(raw) * 2);
}
void* ExitsWithArgument(void* raw) { pthread_exit(raw); }

struct DetachedDone {
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
  bool done = false;
};

void* SignalDone(void* raw) {
  auto* done = static_cast<DetachedDone*>(raw);
  pthread_mutex_lock(&done->mutex);
  done->done = true;
  pthread_cond_signal(&done->cond);
  pthread_mutex_unlock(&done->mutex);
  return nullptr;
}

TEST(InterposerThreads, CreatePassesArgumentsAndResults) {
  const InjectionPlan plan = PlanInEnvironment();
  ASSERT_EQ(plan.mode, InjectionPlan::Mode::kRandom);
  ASSERT_TRUE(plan.Enables("interposer.thread_create"));
  const InterposerSnapshot before = Snapshot();

  // More threads than the interposer's launch slots, so slots must be recycled.
  constexpr int kThreads = 300;
  for (int i = 1; i <= kThreads; ++i) {
    pthread_t thread;
    void* result = nullptr;
    ASSERT_EQ(pthread_create(&thread, nullptr, (i % 2) ? &Doubled : &ExitsWithArgument,
                             reinterpret_cast<void*>(static_cast<std::uintptr_t>(i))),
              0);
    ASSERT_EQ(pthread_join(thread, &result), 0);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(result),
              static_cast<std::uintptr_t>((i % 2) ? 2 * i : i));
  }

  DetachedDone done;
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  pthread_t detached;
  ASSERT_EQ(pthread_create(&detached, &attributes, &SignalDone, &done), 0);
  pthread_attr_destroy(&attributes);
  EXPECT_EQ(pthread_join(detached, nullptr), EINVAL);  // detached as requested
  pthread_mutex_lock(&done.mutex);
  const timespec deadline = DeadlineIn(30000);
  while (!done.done) {
    if (pthread_cond_timedwait(&done.cond, &done.mutex, &deadline) == ETIMEDOUT) break;
  }
  const bool finished = done.done;
  pthread_mutex_unlock(&done.mutex);
  EXPECT_TRUE(finished);

  const PointCounters create = Delta(before, Snapshot(), "interposer.thread_create");
  EXPECT_EQ(create.hits, static_cast<std::uint64_t>(kThreads + 1));
  EXPECT_EQ(create.fires, create.hits);  // the plan fires every hit
}

// ---- read / write / poll -----------------------------------------------------------------------

struct PipeWriter {
  int fd;
  const std::vector<unsigned char>* bytes;
};

void* WriteAllBytes(void* raw) {
  auto* writer = static_cast<PipeWriter*>(raw);
  std::size_t offset = 0, chunk = 1;
  while (offset < writer->bytes->size()) {
    const std::size_t size = std::min(chunk, writer->bytes->size() - offset);
    const ssize_t written = write(writer->fd, writer->bytes->data() + offset, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) break;
    offset += static_cast<std::size_t>(written);
    chunk = chunk * 3 % 8191 + 1;
  }
  close(writer->fd);
  return nullptr;
}

TEST(InterposerIo, PipesTransferTheExactBytes) {
  const InjectionPlan plan = PlanInEnvironment();
  ASSERT_EQ(plan.mode, InjectionPlan::Mode::kRandom);
  ASSERT_TRUE(plan.Enables("interposer.read"));
  ASSERT_TRUE(plan.Enables("interposer.write"));
  const InterposerSnapshot before = Snapshot();

  std::vector<unsigned char> bytes(256 * 1024);
  SeededGenerator pattern(1);
  for (unsigned char& byte : bytes) byte = static_cast<unsigned char>(pattern.Next());
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  PipeWriter writer{fds[1], &bytes};
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, nullptr, &WriteAllBytes, &writer), 0);
  std::vector<unsigned char> received;
  unsigned char buffer[3000];
  for (;;) {
    pollfd ready{fds[0], POLLIN, 0};
    const int polled = poll(&ready, 1, 30000);
    ASSERT_EQ(polled, 1) << "writer stalled";
    const ssize_t got = read(fds[0], buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    ASSERT_GE(got, 0);
    if (got == 0) break;
    received.insert(received.end(), buffer, buffer + got);
  }
  ASSERT_EQ(pthread_join(thread, nullptr), 0);
  close(fds[0]);
  EXPECT_EQ(received.size(), bytes.size());
  EXPECT_TRUE(received == bytes);

  const InterposerSnapshot after = Snapshot();
  for (const char* point : {"interposer.read", "interposer.write", "interposer.poll"}) {
    const PointCounters delta = Delta(before, after, point);
    EXPECT_GT(delta.hits, 0u) << point;
    EXPECT_GT(delta.fires, 0u) << point;
  }
  ExpectCallSemantics();
}

// ---- mode=pct ----------------------------------------------------------------------------------

// Two threads hit points concurrently: the first created calls sched_yield, the second poll, so
// each point's fires are one thread's held-back hits. The first thread makes its first hit alone,
// before the second exists, so that hit's number in the process is known.
struct PctPair {
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> hits[2] = {};
};
struct PctWorker {
  PctPair* pair;
  int role;  // 0: sched_yield, 1: poll
};

void* PctWorkerMain(void* raw) {
  auto* worker = static_cast<PctWorker*>(raw);
  do {
    if (worker->role == 0) {
      sched_yield();
    } else {
      poll(nullptr, 0, 0);
    }
    worker->pair->hits[worker->role].fetch_add(1);
  } while (!worker->pair->stop.load());
  return nullptr;
}

// Waits (without making a hit itself) until `done` holds or 30 s pass; returns done().
template <typename Condition>
bool EventuallyTrue(Condition done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

// This suite's process creates no threads but the ones below, so creation indices are 1, 2, ...
std::uint64_t g_pct_threads_created = 0;

struct PctPairResult {
  std::uint64_t yield_fires = 0;  // held-back hits of the first thread
  std::uint64_t poll_fires = 0;   // held-back hits of the second
  std::uint64_t first_index = 0;
  std::uint64_t first_hit_number = 0;
};

PctPairResult RunPctPair() {
  constexpr std::uint64_t kHitsEach = 200;
  PctPair pair;
  PctWorker workers[2] = {{&pair, 0}, {&pair, 1}};
  pthread_t threads[2];
  PctPairResult result;
  const InterposerSnapshot before = Snapshot();
  result.first_hit_number = before.total_hits + 1;
  result.first_index = ++g_pct_threads_created;
  EXPECT_EQ(pthread_create(&threads[0], nullptr, &PctWorkerMain, &workers[0]), 0);
  EXPECT_TRUE(EventuallyTrue([&] { return pair.hits[0].load() >= 1; }));
  ++g_pct_threads_created;
  EXPECT_EQ(pthread_create(&threads[1], nullptr, &PctWorkerMain, &workers[1]), 0);
  // Until both threads made their hits side by side and someone was held back.
  EXPECT_TRUE(EventuallyTrue([&] {
    const InterposerSnapshot now = Snapshot();
    return pair.hits[0].load() >= kHitsEach && pair.hits[1].load() >= kHitsEach &&
           now.total_fires > before.total_fires;
  }));
  pair.stop.store(true);
  for (pthread_t thread : threads) EXPECT_EQ(pthread_join(thread, nullptr), 0);
  const InterposerSnapshot after = Snapshot();
  result.yield_fires = Delta(before, after, "interposer.sched_yield").fires;
  result.poll_fires = Delta(before, after, "interposer.poll").fires;
  EXPECT_EQ(Delta(before, after, "interposer.sched_yield").hits, pair.hits[0].load());
  EXPECT_EQ(Delta(before, after, "interposer.poll").hits, pair.hits[1].load());
  return result;
}

// The priority the pct model gives the first thread of a pair after its first hit.
std::uint64_t FirstThreadPriority(const InjectionPlan& plan, const PctPairResult& pair) {
  std::uint64_t points[MICONFORM_PCT_MAX_CHANGE_POINTS];
  const std::uint32_t count =
      miconform_pct_change_points(plan.seed, plan.pct_depth, plan.pct_horizon, points);
  for (std::uint32_t i = 0; i < count; ++i) {
    if (points[i] == pair.first_hit_number) {
      return miconform_pct_lowered_priority(plan.pct_depth, i + 1);
    }
  }
  return miconform_pct_initial_priority(plan.seed, pair.first_index);
}

// Checks the plan, then runs pairs and expects exactly the lower-priority thread of each to be
// held back, as predicted from the seed, the creation indices and the change points alone.
void ExpectOnlyLowerPriorityThreadsHeldBack(std::uint32_t depth) {
  const InjectionPlan plan = PlanInEnvironment();
  ASSERT_EQ(plan.mode, InjectionPlan::Mode::kPct);
  ASSERT_EQ(plan.pct_depth, depth);
  ASSERT_EQ(plan.points, (std::vector<std::string>{"interposer.sched_yield", "interposer.poll"}));
  // Every change point must be hit 1, made by the first thread of the first pair (later hits of
  // two concurrent threads are numbered in no predictable order).
  std::uint64_t points[MICONFORM_PCT_MAX_CHANGE_POINTS];
  const std::uint32_t count =
      miconform_pct_change_points(plan.seed, plan.pct_depth, plan.pct_horizon, points);
  ASSERT_EQ(count, depth - 1);
  for (std::uint32_t i = 0; i < count; ++i) ASSERT_EQ(points[i], 1u);

  const InterposerSnapshot start = Snapshot();
  ASSERT_TRUE(start.active);
  EXPECT_EQ(start.mode, 3);
  EXPECT_EQ(start.seed, plan.seed);
  EXPECT_EQ(start.pct_depth, plan.pct_depth);
  EXPECT_EQ(start.pct_horizon, plan.pct_horizon);
  const std::string summary = DescribeSnapshot(start);
  EXPECT_NE(summary.find("mode=pct seed=" + std::to_string(plan.seed) +
                         " depth=" + std::to_string(plan.pct_depth) +
                         " horizon=" + std::to_string(plan.pct_horizon)),
            std::string::npos)
      << summary;

  int first_held_back = 0, second_held_back = 0;
  for (int run = 0; run < 6; ++run) {
    const PctPairResult pair = RunPctPair();
    const bool first_is_lower = FirstThreadPriority(plan, pair) <
                                miconform_pct_initial_priority(plan.seed, pair.first_index + 1);
    if (first_is_lower) {
      ++first_held_back;
      EXPECT_GT(pair.yield_fires, 0u) << "pair " << run;
      EXPECT_EQ(pair.poll_fires, 0u) << "pair " << run;
    } else {
      ++second_held_back;
      EXPECT_EQ(pair.yield_fires, 0u) << "pair " << run;
      EXPECT_GT(pair.poll_fires, 0u) << "pair " << run;
    }
  }
  std::printf("pairs whose first thread was held back: %d, second: %d\n", first_held_back,
              second_held_back);
}

TEST(InterposerPctDepthOne, HoldsBackOnlyTheLowerPriorityThread) {
  ExpectOnlyLowerPriorityThreadsHeldBack(1);
}

// depth=2, horizon=1: hit 1 is the change point, so in the first pair the first thread drops
// below every initial priority whatever its own.
TEST(InterposerPctChangePoint, TheThreadAtTheChangePointDropsBelowTheOthers) {
  ExpectOnlyLowerPriorityThreadsHeldBack(2);
}

}  // namespace
}  // namespace miconform::injection
