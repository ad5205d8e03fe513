// html_parts.cc - the HTML pages' shared parts (html_parts.h).
#include "html_parts.h"

#include "text_escape.h"

namespace miconform::report::html {

const std::string_view kStyle = R"css(
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
h1 { margin-bottom: 0.2em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
code, pre { font-family: ui-monospace, monospace; font-size: 0.92em; }
pre { background: #f7f7f7; border: 1px solid #ddd; padding: 0.6em; overflow-x: auto; white-space: pre-wrap; }
section.case { border-top: 1px solid #ccc; margin-top: 1.5em; }
details { margin: 0.4em 0; }
summary { cursor: pointer; font-weight: bold; }
.outcome { font-size: 1.3em; font-weight: bold; padding: 0.3em 0.6em; display: inline-block; }
.conformant { background: #d4edda; color: #155724; }
.not-conformant { background: #f8d7da; color: #721c24; }
.partial { background: #fff3cd; color: #856404; }
.verdict { font-weight: bold; padding: 0.1em 0.4em; border-radius: 3px; white-space: nowrap; }
.v-pass { background: #d4edda; color: #155724; }
.v-documented-hang { background: #d1ecf1; color: #0c5460; }
.v-not-supported, .v-not-exercised { background: #e2e3e5; color: #383d41; }
.v-deviation { background: #fff3cd; color: #856404; }
.v-fail { background: #f8d7da; color: #721c24; }
.v-hang { background: #f5c6cb; color: #491217; }
.v-crash { background: #721c24; color: #fff; }
.v-error { background: #343a40; color: #fff; }
)css";

std::string PageHead(const std::string& title) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n<title>" +
         text::Html(title) + "</title>\n<style>" + std::string(kStyle) +
         "</style>\n</head>\n<body>\n";
}

std::string Badge(Verdict verdict) {
  std::string name = "v-";
  for (char c : ToString(verdict)) name += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return "<span class=\"verdict " + name + "\">" + std::string(ToString(verdict)) + "</span>";
}

std::string ClaimClass(const Report& report) {
  return report.conformant ? "conformant" : report.cases_conform ? "partial" : "not-conformant";
}

}  // namespace miconform::report::html
