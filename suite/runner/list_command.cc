// list_command.cc - `miconform list`.
#include "list_command.h"

#include <iomanip>

#include "case_registry.h"
#include "catalog.h"
#include "miconform/builtin_targets.h"

namespace miconform::runner {

int ListCommand(ListWhat what, std::ostream& out) {
  switch (what) {
    case ListWhat::kTargets:
      for (const std::string& name : BuiltinTargetNames()) out << name << '\n';
      return 0;
    case ListWhat::kCases:
      for (const CaseInfo& info : AllCases()) {
        out << info.id << "  [";
        for (std::size_t i = 0; i < info.requirements.size(); ++i) {
          out << (i ? "," : "") << info.requirements[i];
        }
        out << "]  " << info.summary << '\n';
      }
      return 0;
    case ListWhat::kRequirements: break;
  }
  int orphans = 0;
  for (const Requirement& requirement : Catalog()) {
    out << std::left << std::setw(14) << requirement.id << ' ' << std::setw(16)
        << report::ToString(requirement.level) << ' ' << requirement.page << " / "
        << requirement.section << '\n'
        << "    " << requirement.text << '\n'
        << "    page: \"" << requirement.quote << "\"\n"
        << "    level: " << requirement.level_reason << '\n';
    int cases = 0;
    for (const CaseInfo& info : AllCases()) {
      for (const std::string& id : info.requirements) {
        if (id == requirement.id) {
          out << "      case " << info.id << '\n';
          ++cases;
        }
      }
    }
    if (cases == 0) {
      if (requirement.untestable.empty()) {
        out << "      (no case)\n";
        ++orphans;
      } else {
        out << "      (not testable from the client side: " << requirement.untestable << ")\n";
      }
    }
  }
  return orphans == 0 ? 0 : 2;
}

}  // namespace miconform::runner
