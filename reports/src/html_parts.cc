// html_parts.cc - the HTML pages' shared parts (html_parts.h).
#include "html_parts.h"

#include "text_escape.h"

namespace miconform::report::html {

const std::string_view kStyle = R"css(
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; overflow-wrap: break-word; }
h1 { margin-bottom: 0.2em; }
table { border-collapse: collapse; margin: 1em 0; max-width: 100%; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
td { overflow-wrap: anywhere; }
th { background: #f2f2f2; }
code, pre { font-family: ui-monospace, monospace; font-size: 0.92em; }
code { overflow-wrap: anywhere; }
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
a { color: #0645ad; }
nav.filters { margin: 1em 0; line-height: 2.2; }
nav.filters label { border: 1px solid #bbb; border-radius: 3px; padding: 0.15em 0.5em; cursor: pointer; white-space: nowrap; }
input.filter { position: absolute; opacity: 0; pointer-events: none; }
tr.target-frame td, tr.breaks td { background: #fffbe6; }
@media (max-width: 40em) {
  body { margin: 0.5em auto; padding: 0 0.5em; }
  th, td { padding: 0.2em 0.3em; }
  .outcome { font-size: 1.1em; }
  /* A table of many columns reads as one block per row on a phone. */
  table.requirements, table.expectations, table.observations, table.comparison { display: block; }
  table.requirements thead, table.expectations thead, table.observations thead { display: none; }
  table.requirements tr, table.expectations tr, table.observations tr {
    display: block; border: 1px solid #ccc; margin-bottom: 0.5em; }
  table.requirements td, table.expectations td, table.observations td { display: block; border: none; }
  table.comparison { overflow-x: auto; }
}
)css";

std::string PageHead(const std::string& title, const std::string& page_style) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n<title>" +
         text::Html(title) + "</title>\n<style>" + std::string(kStyle) + page_style +
         "</style>\n</head>\n<body>\n";
}

std::string Badge(Verdict verdict) {
  std::string name = "v-";
  for (char c : ToString(verdict))
    name += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return "<span class=\"verdict " + name + "\">" + std::string(ToString(verdict)) + "</span>";
}

std::string ClaimClass(const Report& report) {
  return report.conformant ? "conformant" : report.cases_conform ? "partial" : "not-conformant";
}

}  // namespace miconform::report::html
