// xml_check.cc - the strict little XML reader the JUnit tests use to prove well-formedness.
#include "xml_check.h"

#include <cstdint>

namespace miconform::report::testing {
namespace {

class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text) {}

  XmlElement Document() {
    CheckCharacters();
    if (text_.compare(0, 5, "<?xml") == 0) {
      const std::size_t end = text_.find("?>");
      if (end == std::string::npos) Fail("unterminated XML declaration");
      pos_ = end + 2;
    }
    SkipSpace();
    XmlElement root = Element();
    SkipSpace();
    if (pos_ != text_.size()) Fail("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void Fail(const std::string& problem) const {
    throw std::runtime_error("offset " + std::to_string(pos_) + ": " + problem);
  }

  // Valid UTF-8 and only characters XML 1.0 allows.
  void CheckCharacters() {
    std::size_t i = 0;
    while (i < text_.size()) {
      const auto b = static_cast<unsigned char>(text_[i]);
      std::size_t length = b < 0x80             ? 1
                           : (b & 0xE0) == 0xC0 ? 2
                           : (b & 0xF0) == 0xE0 ? 3
                           : (b & 0xF8) == 0xF0 ? 4
                                                : 0;
      pos_ = i;
      if (length == 0 || i + length > text_.size()) Fail("invalid UTF-8");
      std::uint32_t cp = length == 1 ? b : b & (0xFF >> (length + 1));
      for (std::size_t k = 1; k < length; ++k) {
        const auto c = static_cast<unsigned char>(text_[i + k]);
        if ((c & 0xC0) != 0x80) Fail("invalid UTF-8");
        cp = (cp << 6) | (c & 0x3F);
      }
      // An overlong form (a code point written with more bytes than it needs) is not UTF-8.
      static constexpr std::uint32_t kLeast[] = {0, 0, 0x80, 0x800, 0x10000};
      if (cp < kLeast[length]) Fail("invalid UTF-8 (overlong form)");
      CheckAllowed(cp);
      i += length;
    }
    pos_ = 0;
  }

  void CheckAllowed(std::uint32_t cp) const {
    const bool allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!allowed) Fail("character U+" + std::to_string(cp) + " is not allowed in XML 1.0");
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  void Expect(char c) {
    if (Peek() != c) Fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  void SkipSpace() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\n' || Peek() == '\t' || Peek() == '\r'))
      ++pos_;
  }

  static bool NameChar(char c, bool first) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    return first ? letter : letter || (c >= '0' && c <= '9') || c == '-' || c == '.';
  }

  std::string Name() {
    const std::size_t start = pos_;
    if (!NameChar(Peek(), true)) Fail("expected a name");
    while (NameChar(Peek(), false)) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // Resolves one reference starting at '&' and appends its text.
  void Reference(std::string& out) {
    const std::size_t end = text_.find(';', pos_);
    if (end == std::string::npos || end - pos_ > 12) Fail("unterminated reference");
    const std::string name = text_.substr(pos_ + 1, end - pos_ - 1);
    if (name == "amp")
      out += '&';
    else if (name == "lt")
      out += '<';
    else if (name == "gt")
      out += '>';
    else if (name == "quot")
      out += '"';
    else if (name == "apos")
      out += '\'';
    else if (name.size() > 1 && name[0] == '#') {
      const bool hex = name[1] == 'x';
      const std::string digits = name.substr(hex ? 2 : 1);
      if (digits.empty() || digits.find_first_not_of(hex ? "0123456789abcdefABCDEF"
                                                         : "0123456789") != std::string::npos) {
        Fail("bad character reference &" + name + ";");
      }
      const std::uint32_t cp =
          static_cast<std::uint32_t>(std::stoul(digits, nullptr, hex ? 16 : 10));
      CheckAllowed(cp);
      if (cp >= 0x80) Fail("test reader handles only ASCII character references");
      out += static_cast<char>(cp);
    } else {
      Fail("unknown entity &" + name + ";");
    }
    pos_ = end + 1;
  }

  XmlElement Element() {
    Expect('<');
    XmlElement element;
    element.name = Name();
    for (;;) {
      const std::size_t before = pos_;
      SkipSpace();
      if (Peek() == '/') {
        ++pos_;
        Expect('>');
        return element;
      }
      if (Peek() == '>') {
        ++pos_;
        break;
      }
      if (pos_ == before) Fail("expected space before an attribute");
      const std::string name = Name();
      Expect('=');
      Expect('"');
      std::string value;
      while (Peek() != '"') {
        if (AtEnd()) Fail("unterminated attribute value");
        if (Peek() == '<') Fail("'<' in an attribute value");
        if (Peek() == '&') {
          Reference(value);
        } else {
          value += text_[pos_++];
        }
      }
      ++pos_;
      if (!element.attributes.emplace(name, value).second) Fail("duplicate attribute " + name);
    }
    for (;;) {
      if (AtEnd()) Fail("unterminated element <" + element.name + ">");
      if (text_.compare(pos_, 2, "</") == 0) {
        pos_ += 2;
        if (Name() != element.name) Fail("mismatched end tag for <" + element.name + ">");
        SkipSpace();
        Expect('>');
        return element;
      }
      if (Peek() == '<') {
        if (text_.compare(pos_, 2, "<!") == 0 || text_.compare(pos_, 2, "<?") == 0) {
          Fail("comments, CDATA and processing instructions are not expected");
        }
        element.children.push_back(Element());
      } else if (Peek() == '&') {
        Reference(element.text);
      } else {
        if (text_.compare(pos_, 3, "]]>") == 0) Fail("']]>' in character data");
        element.text += text_[pos_++];
      }
    }
  }

  const std::string& text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<const XmlElement*> XmlElement::Children(const std::string& child_name) const {
  std::vector<const XmlElement*> out;
  for (const XmlElement& child : children) {
    if (child.name == child_name) out.push_back(&child);
  }
  return out;
}

XmlElement ParseXml(const std::string& document) { return Parser(document).Document(); }

}  // namespace miconform::report::testing
