// handler_config.cc - parsing of omicli.conf for the reference (see handler_config.h).
#include "handler_config.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "reference.h"

namespace miconform::reference {
namespace {

std::string Trim(const std::string& text) {
  const char* blanks = " \t\r\n";
  auto first = text.find_first_not_of(blanks);
  if (first == std::string::npos) return "";
  auto last = text.find_last_not_of(blanks);
  return text.substr(first, last - first + 1);
}

std::vector<std::string> SplitFields(const std::string& value) {
  std::vector<std::string> fields;
  std::stringstream stream(value);
  std::string field;
  while (std::getline(stream, field, ',')) fields.push_back(Trim(field));
  return fields;
}

void Warn(const std::string& config_dir, int line_number, const std::string& what) {
  std::fprintf(stderr, "miconform reference: %s/omicli.conf line %d: %s (line ignored)\n",
               config_dir.c_str(), line_number, what.c_str());
}

}  // namespace

HandlerConfig ParseHandlerConfig(std::istream& text, const std::string& config_dir) {
  HandlerConfig config;
  std::string line;
  int line_number = 0;
  while (std::getline(text, line)) {
    ++line_number;
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    auto equals = line.find('=');
    if (equals == std::string::npos) {
      Warn(config_dir, line_number, "expected key=value");
      continue;
    }
    std::string key = Trim(line.substr(0, equals));
    std::string value = Trim(line.substr(equals + 1));
    if (key == "protocolhandler") {
      auto fields = SplitFields(value);
      if (fields.size() < 3 || fields[0].empty() || fields[1].empty() || fields[2].empty()) {
        Warn(config_dir, line_number, "protocolhandler needs NAME,LIBRARY,ENTRYPOINT,MAJOR,MINOR");
        continue;
      }
      std::string library = fields[1];
      if (library[0] != '/' && !config_dir.empty()) library = config_dir + "/" + library;
      config.handlers.push_back({fields[0], library, fields[2]});
    } else if (key == "defaultlocalprotocolhandler") {
      config.default_local = value;
    } else if (key == "defaultremoteprotocolhandler") {
      config.default_remote = value;
    }
    // Other keys belong to other parts of an MI installation; they do not concern handlers.
  }
  return config;
}

HandlerConfig ReadHandlerConfigFromEnvironment() {
  const char* dir = std::getenv(kConfigDirVariable);
  if (dir == nullptr || *dir == '\0') return {};
  std::ifstream file(std::string(dir) + "/omicli.conf");
  if (!file) return {};
  return ParseHandlerConfig(file, dir);
}

}  // namespace miconform::reference
