// destination_options.cc - the handler's destination options store and its MI_DestinationOptionsFT.
//
// String and number options are stored and answered. Credentials and intervals are opaque to the
// handler: setting them is accepted (OMI's client copies every option the application set into
// the handler's object before NewSession, and a refusal would fail the session), their names are
// kept, and the slots that would have to produce their contents answer NOT_SUPPORTED.
#include "destination_options.h"

#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "handler_state.h"

namespace miconform::handler {
namespace {

// MI_Type values the option getters report (the MI type enumeration of mi.h).
constexpr MI_Type kTypeUint32 = 5;
constexpr MI_Type kTypeString = 13;

struct Option {
  std::string name;
  bool is_string = false;
  std::string text;
  MI_Uint32 number = 0;
  MI_Uint32 flags = 0;
};

struct Store {
  mutable std::mutex mu;
  std::vector<Option> options;
  std::vector<std::string> credentials;  // option names only
  std::vector<std::string> intervals;    // option names only

  Store() = default;
  Store(const Store& other) {
    std::lock_guard lock(other.mu);
    options = other.options;
    credentials = other.credentials;
    intervals = other.intervals;
  }

  const Option* find(const char* name, MI_Uint32* index) const {
    for (size_t i = 0; i < options.size(); ++i) {
      if (options[i].name == name) {
        if (index) *index = static_cast<MI_Uint32>(i);
        return &options[i];
      }
    }
    return nullptr;
  }

  Option& upsert(const char* name) {
    for (Option& option : options) {
      if (option.name == name) {
        return option;
      }
    }
    options.push_back(Option{name, false, {}, 0, 0});
    return options.back();
  }
};

const MI_DestinationOptionsFT& table();

Store* StoreOf(const MI_DestinationOptions* options) {
  if (!options || options->ft != &table() ||
      options->reserved1 != static_cast<MI_Uint64>(HandleTag(HandleKind::destination, 0)) ||
      options->reserved2 == 0) {
    return nullptr;
  }
  return reinterpret_cast<Store*>(options->reserved2);
}

void attach(MI_DestinationOptions* options, Store* store) {
  options->reserved1 = static_cast<MI_Uint64>(HandleTag(HandleKind::destination, 0));
  options->reserved2 = reinterpret_cast<ptrdiff_t>(store);
  options->ft = &table();
}

void DeleteOptions(MI_DestinationOptions* options) {
  Store* store = StoreOf(options);
  if (!store) {
    return;
  }
  delete store;
  options->reserved1 = 0;
  options->reserved2 = 0;
  options->ft = nullptr;
}

MI_Result SetString(MI_DestinationOptions* options, const MI_Char* name, const MI_Char* value,
                    MI_Uint32 flags) {
  Store* store = StoreOf(options);
  if (!store || !name || !value) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  std::lock_guard lock(store->mu);
  Option& option = store->upsert(name);
  option.is_string = true;
  option.text = value;
  option.number = 0;
  option.flags = flags;
  return MI_RESULT_OK;
}

MI_Result SetNumber(MI_DestinationOptions* options, const MI_Char* name, MI_Uint32 value,
                    MI_Uint32 flags) {
  Store* store = StoreOf(options);
  if (!store || !name) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  std::lock_guard lock(store->mu);
  Option& option = store->upsert(name);
  option.is_string = false;
  option.text.clear();
  option.number = value;
  option.flags = flags;
  return MI_RESULT_OK;
}

MI_Result AddCredentials(MI_DestinationOptions* options, const MI_Char* name,
                         const MI_UserCredentials* credentials, MI_Uint32) {
  Store* store = StoreOf(options);
  if (!store || !name || !credentials) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  std::lock_guard lock(store->mu);
  store->credentials.emplace_back(name);
  return MI_RESULT_OK;
}

MI_Result GetString(const MI_DestinationOptions* options, const MI_Char* name,
                    const MI_Char** value, MI_Uint32* index, MI_Uint32* flags) {
  Store* store = StoreOf(options);
  if (!store || !name || !value) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  std::lock_guard lock(store->mu);
  const Option* option = store->find(name, index);
  if (!option) {
    return MI_RESULT_NOT_FOUND;
  }
  if (!option->is_string) {
    return MI_RESULT_TYPE_MISMATCH;
  }
  *value = option->text.c_str();
  if (flags) *flags = option->flags;
  return MI_RESULT_OK;
}

MI_Result GetNumber(const MI_DestinationOptions* options, const MI_Char* name, MI_Uint32* value,
                    MI_Uint32* index, MI_Uint32* flags) {
  Store* store = StoreOf(options);
  if (!store || !name || !value) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  std::lock_guard lock(store->mu);
  const Option* option = store->find(name, index);
  if (!option) {
    return MI_RESULT_NOT_FOUND;
  }
  if (option->is_string) {
    return MI_RESULT_TYPE_MISMATCH;
  }
  *value = option->number;
  if (flags) *flags = option->flags;
  return MI_RESULT_OK;
}

MI_Result GetOptionCount(const MI_DestinationOptions* options, MI_Uint32* count) {
  Store* store = StoreOf(options);
  if (!store || !count) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  std::lock_guard lock(store->mu);
  *count = static_cast<MI_Uint32>(store->options.size());
  return MI_RESULT_OK;
}

// MI_Value is a union whose members all start at offset 0, so a string option is reported by
// writing its pointer there and a number option by writing its MI_Uint32 there.
void WriteValue(const Option& option, MI_Value* value, MI_Type* type) {
  if (type) *type = option.is_string ? kTypeString : kTypeUint32;
  if (!value) {
    return;
  }
  if (option.is_string) {
    const MI_Char* text = option.text.c_str();
    std::memcpy(static_cast<void*>(value), &text, sizeof text);
  } else {
    std::memcpy(static_cast<void*>(value), &option.number, sizeof option.number);
  }
}

MI_Result GetOptionAt(const MI_DestinationOptions* options, MI_Uint32 index, const MI_Char** name,
                      MI_Value* value, MI_Type* type, MI_Uint32* flags) {
  Store* store = StoreOf(options);
  if (!store) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  std::lock_guard lock(store->mu);
  if (index >= store->options.size()) {
    return MI_RESULT_NOT_FOUND;
  }
  const Option& option = store->options[index];
  if (name) *name = option.name.c_str();
  WriteValue(option, value, type);
  if (flags) *flags = option.flags;
  return MI_RESULT_OK;
}

MI_Result GetOption(const MI_DestinationOptions* options, const MI_Char* name, MI_Value* value,
                    MI_Type* type, MI_Uint32* index, MI_Uint32* flags) {
  Store* store = StoreOf(options);
  if (!store || !name) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  std::lock_guard lock(store->mu);
  const Option* option = store->find(name, index);
  if (!option) {
    return MI_RESULT_NOT_FOUND;
  }
  WriteValue(*option, value, type);
  if (flags) *flags = option->flags;
  return MI_RESULT_OK;
}

MI_Result GetCredentialsCount(const MI_DestinationOptions* options, MI_Uint32* count) {
  Store* store = StoreOf(options);
  if (!store || !count) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  std::lock_guard lock(store->mu);
  *count = static_cast<MI_Uint32>(store->credentials.size());
  return MI_RESULT_OK;
}

MI_Result GetCredentialsAt(const MI_DestinationOptions* options, MI_Uint32, const MI_Char**,
                           MI_UserCredentials*, MI_Uint32*) {
  return StoreOf(options) ? MI_RESULT_NOT_SUPPORTED : MI_RESULT_INVALID_PARAMETER;
}

MI_Result GetCredentialsPasswordAt(const MI_DestinationOptions* options, MI_Uint32, const MI_Char**,
                                   MI_Char*, MI_Uint32, MI_Uint32*, MI_Uint32*) {
  return StoreOf(options) ? MI_RESULT_NOT_SUPPORTED : MI_RESULT_INVALID_PARAMETER;
}

MI_Result CloneOptions(const MI_DestinationOptions* self, MI_DestinationOptions* copy) {
  Store* store = StoreOf(self);
  if (!store || !copy) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  attach(copy, new Store(*store));
  return MI_RESULT_OK;
}

MI_Result SetInterval(MI_DestinationOptions* options, const MI_Char* name, const MI_Interval* value,
                      MI_Uint32) {
  Store* store = StoreOf(options);
  if (!store || !name || !value) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  std::lock_guard lock(store->mu);
  store->intervals.emplace_back(name);
  return MI_RESULT_OK;
}

MI_Result GetInterval(const MI_DestinationOptions* options, const MI_Char* name, MI_Interval*,
                      MI_Uint32*, MI_Uint32*) {
  Store* store = StoreOf(options);
  if (!store || !name) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  std::lock_guard lock(store->mu);
  for (const std::string& interval : store->intervals) {
    if (interval == name) {
      return MI_RESULT_NOT_SUPPORTED;
    }
  }
  return MI_RESULT_NOT_FOUND;
}

const MI_DestinationOptionsFT kTable = {
    DeleteOptions, SetString,           SetNumber,        AddCredentials,
    GetString,     GetNumber,           GetOptionCount,   GetOptionAt,
    GetOption,     GetCredentialsCount, GetCredentialsAt, GetCredentialsPasswordAt,
    CloneOptions,  SetInterval,         GetInterval,
};

const MI_DestinationOptionsFT& table() { return kTable; }

}  // namespace

MI_Result NewDestinationOptions(MI_DestinationOptions* options) {
  if (!options) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  attach(options, new Store);
  return MI_RESULT_OK;
}

}  // namespace miconform::handler
