// html_parts.h - what the HTML pages share (report.html, the comparison page): the style sheet,
// the verdict badges and the claim's colour.
//
// Internal to miconform_reports.
#ifndef MICONFORM_REPORT_HTML_PARTS_H
#define MICONFORM_REPORT_HTML_PARTS_H

#include <string>
#include <string_view>

#include "miconform/report/report.h"

namespace miconform::report::html {

// The pages' inline CSS (their Content-Security-Policy allows inline style and nothing else).
extern const std::string_view kStyle;
// The head of a page up to <body>, titled `title` (escaped here), with `page_style` (CSS of this
// page alone, not escaped) after the shared style sheet.
std::string PageHead(const std::string& title, const std::string& page_style = {});
// A verdict as a coloured badge.
std::string Badge(Verdict verdict);
// The CSS class of a run's claim: "conformant", "partial" or "not-conformant".
std::string ClaimClass(const Report& report);

}  // namespace miconform::report::html

#endif  // MICONFORM_REPORT_HTML_PARTS_H
