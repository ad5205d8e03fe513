// seeded_generator.h - the reproducible pseudo-random generator of fault injection (splitmix64,
// specified in injection_prng.h), for the runner and for layers that draw in C++; the interposer
// draws the very same sequence from the same C functions.
//
// Threading: a generator is a plain value; use one per thread (or guard it yourself).
#ifndef MICONFORM_SEEDED_GENERATOR_H
#define MICONFORM_SEEDED_GENERATOR_H

#include <cstdint>

#include "miconform/injection_prng.h"

namespace miconform::injection {

class SeededGenerator {
 public:
  explicit SeededGenerator(std::uint64_t seed) : state_(seed) {}

  // The generator the interposer gives the thread created thread_index-th (0 = main thread).
  static SeededGenerator ForThread(std::uint64_t seed, std::uint64_t thread_index) {
    return SeededGenerator(miconform_prng_thread_state(seed, thread_index));
  }

  std::uint64_t Next() { return miconform_prng_next(&state_); }

  // Uniform in [0, bound] (bound inclusive), by modulo as the interposer does for delays.
  std::uint64_t UpTo(std::uint64_t bound) {
    const std::uint64_t draw = Next();
    return bound == UINT64_MAX ? draw : draw % (bound + 1);
  }

  std::uint64_t state() const { return state_; }

 private:
  std::uint64_t state_;
};

}  // namespace miconform::injection

#endif  // MICONFORM_SEEDED_GENERATOR_H
