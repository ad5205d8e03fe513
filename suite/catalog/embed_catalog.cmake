# embed_catalog.cmake - run at build time (cmake -P): writes OUTPUT, a C++ file that defines
# miconform::SYMBOL as the text of INPUT (requirements.json, must_pass.txt) in a raw string
# literal, so the binary needs no data file.
file(READ "${INPUT}" content)
string(FIND "${content}" ")mi_catalog\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter; it cannot be embedded")
endif()
get_filename_component(name "${INPUT}" NAME)
file(WRITE "${OUTPUT}"
"// Generated from ${name} by embed_catalog.cmake; do not edit.
#include <string_view>
namespace miconform {
extern const std::string_view ${SYMBOL};
const std::string_view ${SYMBOL} = R\"mi_catalog(${content})mi_catalog\";
}  // namespace miconform
")
