// mutants.h - the table of fault-seeded variants of the reference (targets/mutants/mutants.json).
//
// Used by the built-in target table (`mutant:<name>`) and by `miconform mutants`, which runs the
// suite against each and checks that the suite catches the fault where it should.
#ifndef MICONFORM_MUTANTS_H
#define MICONFORM_MUTANTS_H

#include <string>
#include <vector>

namespace miconform {

struct Mutant {
  std::string name;                 // "sync_close_returns_early"; the target is "mutant:<name>"
  std::string fault;                // FOO_BAR: linked with Fault::kFooBar (reference/fault.h)
  std::vector<std::string> breaks;  // requirement IDs the fault violates
  bool lenient = false;             // expect "deviation": killed by a DEVIATION, not a FAIL
  bool timing = false;              // fails only under some interleavings: judged with the
                                    // schedule exploration on ("timing": true)
  std::string description;
  std::string LibraryFile() const { return "libmiconform_mutant_" + name + ".so"; }
};

// Every mutant, in table order. The table is checked when first read (names unique, a known
// `expect`); a broken table throws std::runtime_error naming the entry.
const std::vector<Mutant>& Mutants();

}  // namespace miconform

#endif  // MICONFORM_MUTANTS_H
