// xml_check.h - a small, strict XML 1.0 reader for checking junit.xml without a new dependency.
//
// Handles what the JUnit writer may produce: an XML declaration, elements, attributes, text,
// the five named entities and numeric character references. Anything else (CDATA, comments,
// DOCTYPE, a forbidden character, invalid UTF-8, mismatched tags) is reported as malformed.
#ifndef MICONFORM_REPORT_SELFTEST_XML_CHECK_H
#define MICONFORM_REPORT_SELFTEST_XML_CHECK_H

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace miconform::report::testing {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;  // values with references resolved
  std::string text;                               // all character data directly inside
  std::vector<XmlElement> children;

  std::vector<const XmlElement*> Children(const std::string& child_name) const;
};

// Parses a whole document; throws std::runtime_error("offset N: problem") if it is malformed.
XmlElement ParseXml(const std::string& document);

}  // namespace miconform::report::testing

#endif  // MICONFORM_REPORT_SELFTEST_XML_CHECK_H
