#include "core/diagnostics.h"

#include <nlohmann/json.hpp>

namespace autodet {

std::string Diagnostic::str() const {
  std::string s = severity == Severity::Error ? "error: " : "warning: ";
  std::string w = where.str();
  if (!w.empty()) s += w + ": ";
  s += message;
  if (!code.empty()) s += " [" + code + "]";
  return s;
}

void Diagnostics::add(Diagnostic d) {
  (d.severity == Severity::Error ? errors_ : warnings_)++;
  items_.push_back(std::move(d));
}

void Diagnostics::warn(const std::string& code, const Location& where, const std::string& message) {
  add(Diagnostic{Severity::Warning, code, where, message});
}

void Diagnostics::error(const std::string& code, const Location& where, const std::string& message) {
  add(Diagnostic{Severity::Error, code, where, message});
}

void Diagnostics::image_error(const std::string& code, const Location& where, const std::string& image,
                              const std::string& lead, const std::string& reason) {
  add(Diagnostic{Severity::Error, code, where, lead + " '" + image + "': " + reason, image, reason});
}

void Diagnostics::merge(const Diagnostics& other) {
  for (const auto& d : other.items_) add(d);
}

std::size_t Diagnostics::count(const std::string& code) const {
  std::size_t n = 0;
  for (const auto& d : items_) n += d.code == code;
  return n;
}

nlohmann::json Diagnostics::to_json() const {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& d : items_) {
    nlohmann::json j{{"severity", d.severity == Severity::Error ? "error" : "warning"},
                     {"code", d.code},
                     {"file", d.where.file},
                     {"message", d.message}};
    if (d.where.line > 0) j["line"] = d.where.line;
    if (!d.where.element.empty()) j["element"] = d.where.element;
    if (!d.where.field.empty()) j["field"] = d.where.field;
    if (!d.image.empty()) j["image"] = d.image;
    arr.push_back(std::move(j));
  }
  return arr;
}

}  // namespace autodet
