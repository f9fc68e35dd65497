#include "report/report_page.h"

#include <nlohmann/json.hpp>

#include "report/page_script.h"

namespace autodet::report {
namespace {

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// A script's text with every "</" written "<\/" (the same in JavaScript strings and regular
// expressions), so it cannot end the <script> element early.
std::string script_safe(const std::string& js) {
  std::string out;
  out.reserve(js.size());
  for (std::size_t i = 0; i < js.size(); ++i) {
    out += js[i];
    if (js[i] == '<' && i + 1 < js.size() && js[i + 1] == '/') out += '\\';
  }
  return out;
}

}  // namespace

std::string embedded_json(const nlohmann::json& data) {
  const std::string text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<') out += "\\u003c";
    else out += c;
  }
  return out;
}

std::string render_report_page(const nlohmann::json& data, const ChartLibrary& lib) {
  std::string page;
  page += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // Nothing may be fetched: every script, style and image is in this file.
  page += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
          "style-src 'unsafe-inline'; img-src data:\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  page += "<title>" + html_escape(data.value("title", std::string("autodet report"))) + "</title>\n";
  page += "<style>" + std::string(kPageStyle) + "</style>\n</head>\n<body>\n";
  page += kPageBody;
  page += "<footer><details><summary>Charts: Apache ECharts (Apache License 2.0), embedded from " + html_escape(lib.path) +
          "</summary><pre id=\"licences\">" + html_escape(lib.licences) + "</pre></details></footer>\n";
  page += "<script>\n" + script_safe(lib.script) + "\n</script>\n";
  page += "<script type=\"application/json\" id=\"report-data\">" + embedded_json(data) + "</script>\n";
  page += "<script>\n" + script_safe(kPageScript) + "\n</script>\n</body>\n</html>\n";
  return page;
}

}  // namespace autodet::report
