// handler_config.h - the protocol-handler registrations of omicli.conf, as the reference's
// application reads them at initialize.
//
// Format (MI-ABI.md): `protocolhandler=NAME,/path/lib.so,EntryPoint,MAJOR,MINOR`, optional
// `defaultlocalprotocolhandler=NAME` and `defaultremoteprotocolhandler=NAME`; lines starting with
// '#' and blank lines are ignored. Unlike OMI, the value is split into its fields at every comma
// and each field is trimmed. A relative library path is taken relative to the configuration
// directory. Lines that cannot be understood are reported on stderr and skipped.
#ifndef MICONFORM_REFERENCE_HANDLER_CONFIG_H
#define MICONFORM_REFERENCE_HANDLER_CONFIG_H

#include <istream>
#include <string>
#include <vector>

namespace miconform::reference {

struct HandlerRegistration {
  std::string name;
  std::string library;
  std::string entry_point;
};

struct HandlerConfig {
  std::vector<HandlerRegistration> handlers;
  std::string default_local;
  std::string default_remote;
};

// Parses omicli.conf text; `config_dir` resolves relative library paths and names the file in
// warnings.
HandlerConfig ParseHandlerConfig(std::istream& text, const std::string& config_dir);

// Reads $MICONFORM_REFERENCE_CONFIG_DIR/omicli.conf. No variable or no file: no handlers.
HandlerConfig ReadHandlerConfigFromEnvironment();

}  // namespace miconform::reference

#endif  // MICONFORM_REFERENCE_HANDLER_CONFIG_H
