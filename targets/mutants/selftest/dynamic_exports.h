// dynamic_exports.h - reads the names a shared library exports (its defined, globally visible
// dynamic symbols) straight from the ELF file; used by the mutant self-tests to prove every
// mutant exports nothing but the MI entry point.
#ifndef MICONFORM_MUTANTS_SELFTEST_DYNAMIC_EXPORTS_H
#define MICONFORM_MUTANTS_SELFTEST_DYNAMIC_EXPORTS_H

#include <string>
#include <vector>

namespace miconform::selftest {

// The defined GLOBAL or WEAK symbols of default visibility in the .dynsym of a 64-bit ELF file,
// in table order. Throws std::runtime_error naming the file and the problem when it cannot be
// read or is not a well-formed 64-bit ELF shared object.
std::vector<std::string> DynamicExports(const std::string& path);

}  // namespace miconform::selftest

#endif  // MICONFORM_MUTANTS_SELFTEST_DYNAMIC_EXPORTS_H
