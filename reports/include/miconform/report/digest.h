// digest.h - SHA-256 (OpenSSL's libcrypto): the target library's digest in the run record and the
// report directory's manifest (manifest.sha256).
#ifndef MICONFORM_REPORT_DIGEST_H
#define MICONFORM_REPORT_DIGEST_H

#include <filesystem>
#include <string>
#include <string_view>

namespace miconform::report {

// Lower-case hex SHA-256 (FIPS 180-4) of a byte string.
std::string Sha256Hex(std::string_view bytes);
// SHA-256 of a file's content; throws std::runtime_error naming the path when it cannot be read.
std::string Sha256OfFile(const std::filesystem::path& path);

}  // namespace miconform::report

#endif  // MICONFORM_REPORT_DIGEST_H
