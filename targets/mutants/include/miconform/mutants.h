// mutants.h - the table of fault-seeded variants of the reference (targets/mutants/mutants.json),
// and of its conforming variants (the same file's "variants").
//
// Used by the built-in target table (`mutant:<name>`, `variant:<name>`) and by `miconform
// mutants`, which runs the suite against each and checks that the suite catches each fault where
// it should, and accuses no conforming variant.
#ifndef MICONFORM_MUTANTS_H
#define MICONFORM_MUTANTS_H

#include <map>
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
  // Requirements outside `breaks` the fault is known to break too, each with the reason
  // ("collateral" in mutants.json); any other non-PASS requirement fails the mutant's row.
  std::map<std::string, std::string> collateral;
  std::string LibraryFile() const { return "libmiconform_mutant_" + name + ".so"; }
};

// Every mutant, in table order. The table is checked when first read (names unique, a known
// `expect`); a broken table throws std::runtime_error naming the entry.
const std::vector<Mutant>& Mutants();

// A conforming variant: the reference's objects linked with one lawful reading of fault.h
// selected (the "variants" of mutants.json), which the suite must find CONFORMANT.
struct Variant {
  std::string name;         // "second_close_ok"; the target is "variant:<name>"
  std::string fault;        // READING_FOO: linked with Fault::kReadingFoo (reference/fault.h)
  std::string page;         // the page the sentence is on: "MI_Session_Close"
  std::string sentence;     // the sentence whose other reading the variant takes, verbatim
  std::string description;  // what the variant does differently from the reference
  std::string LibraryFile() const { return "libmiconform_variant_" + name + ".so"; }
};

// Every variant, in table order. Checked when first read like Mutants(), and a variant's name must
// not be a mutant's either; a broken table throws std::runtime_error naming the entry.
const std::vector<Variant>& Variants();

// The testable requirements no mutant breaks yet ("without_mutant" in mutants.json), each with
// what keeps a mutant from proving it: the suite's known gaps, which a self-test keeps exact (a
// testable requirement is either broken by a mutant or listed here, never both). A malformed
// entry throws std::runtime_error naming it.
const std::map<std::string, std::string>& RequirementsWithoutMutant();

}  // namespace miconform

#endif  // MICONFORM_MUTANTS_H
