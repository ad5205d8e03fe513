// dynamic_exports.cc - the ELF .dynsym reader of dynamic_exports.h.
#include "dynamic_exports.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace miconform::selftest {
namespace {

// Copies a T out of `bytes` at `offset`, refusing to read past the end (the file is untrusted).
template <typename T>
T ReadAt(const std::vector<char>& bytes, std::uint64_t offset, const std::string& path) {
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) {
    throw std::runtime_error(path + ": truncated ELF file (a structure at offset " +
                             std::to_string(offset) + " runs past its end)");
  }
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

}  // namespace

std::vector<std::string> DynamicExports(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error(path + ": cannot be opened");
  const std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                                std::istreambuf_iterator<char>());

  const auto header = ReadAt<Elf64_Ehdr>(bytes, 0, path);
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) {
    throw std::runtime_error(path + ": not an ELF file");
  }
  if (header.e_ident[EI_CLASS] != ELFCLASS64) {
    throw std::runtime_error(path + ": not a 64-bit ELF file");
  }
  if (header.e_shentsize != sizeof(Elf64_Shdr)) {
    throw std::runtime_error(path + ": unexpected section header size");
  }
  auto section = [&](std::uint64_t index) {
    if (index >= header.e_shnum) {
      throw std::runtime_error(path + ": section index " + std::to_string(index) + " out of range");
    }
    return ReadAt<Elf64_Shdr>(bytes, header.e_shoff + index * sizeof(Elf64_Shdr), path);
  };

  for (std::uint64_t i = 0; i < header.e_shnum; ++i) {
    const Elf64_Shdr symbols = section(i);
    if (symbols.sh_type != SHT_DYNSYM) continue;
    if (symbols.sh_entsize != sizeof(Elf64_Sym)) {
      throw std::runtime_error(path + ": unexpected .dynsym entry size");
    }
    const Elf64_Shdr strings = section(symbols.sh_link);
    std::vector<std::string> names;
    // Entry 0 is the reserved undefined symbol.
    for (std::uint64_t j = 1; j < symbols.sh_size / sizeof(Elf64_Sym); ++j) {
      const auto symbol = ReadAt<Elf64_Sym>(bytes, symbols.sh_offset + j * sizeof(Elf64_Sym), path);
      const unsigned binding = ELF64_ST_BIND(symbol.st_info);
      if (symbol.st_shndx == SHN_UNDEF || (binding != STB_GLOBAL && binding != STB_WEAK) ||
          ELF64_ST_VISIBILITY(symbol.st_other) != STV_DEFAULT) {
        continue;
      }
      if (symbol.st_name >= strings.sh_size) {
        throw std::runtime_error(path + ": a symbol name lies outside its string table");
      }
      const std::uint64_t start = strings.sh_offset + symbol.st_name;
      const std::uint64_t end = strings.sh_offset + strings.sh_size;
      if (end > bytes.size()) throw std::runtime_error(path + ": truncated string table");
      const char* name = bytes.data() + start;
      names.emplace_back(name, strnlen(name, end - start));
    }
    return names;
  }
  throw std::runtime_error(path + ": has no dynamic symbol table (.dynsym)");
}

}  // namespace miconform::selftest
