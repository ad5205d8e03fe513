// protocol_handler.cc - loading and unloading one protocol handler (see protocol_handler.h).
#include "protocol_handler.h"

#include <dlfcn.h>

#include <cstdio>

namespace miconform::reference {

ProtocolHandler::ProtocolHandler(HandlerRegistration registration)
    : registration_(std::move(registration)) {}

MI_Result ProtocolHandler::Load(MI_Application** application) {
  std::lock_guard lock(load_mutex_);
  if (!attempted_) {
    attempted_ = true;
    library_ = dlopen(registration_.library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library_ == nullptr) {
      std::fprintf(stderr, "miconform reference: protocol handler %s: cannot load %s: %s\n",
                   registration_.name.c_str(), registration_.library.c_str(), dlerror());
      load_result_ = MI_RESULT_FAILED;
    } else if (auto entry = reinterpret_cast<MI_Application_InitializeV1_Fn>(
                   dlsym(library_, registration_.entry_point.c_str()));
               entry == nullptr) {
      std::fprintf(stderr, "miconform reference: protocol handler %s: no entry point %s in %s\n",
                   registration_.name.c_str(), registration_.entry_point.c_str(),
                   registration_.library.c_str());
      load_result_ = MI_RESULT_FAILED;
    } else {
      load_result_ = entry(0, nullptr, nullptr, &application_);
      if (load_result_ == MI_RESULT_OK && application_.ft == nullptr) {
        load_result_ = MI_RESULT_FAILED;
      }
    }
    if (load_result_ != MI_RESULT_OK && library_ != nullptr) {
      dlclose(library_);
      library_ = nullptr;
    }
  }
  *application = &application_;
  return load_result_;
}

void ProtocolHandler::Unload() {
  std::lock_guard lock(load_mutex_);
  if (load_result_ == MI_RESULT_OK && application_.ft != nullptr && application_.ft->Close) {
    application_.ft->Close(&application_);
  }
  if (library_ != nullptr) dlclose(library_);
  library_ = nullptr;
  load_result_ = MI_RESULT_FAILED;
}

}  // namespace miconform::reference
