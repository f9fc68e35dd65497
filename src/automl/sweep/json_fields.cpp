#include "automl/sweep/json_fields.h"

#include <algorithm>
#include <cmath>

#include "core/closest_name.h"
#include "core/value_words.h"

namespace autodet::sweep {
namespace {

std::string list_of(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : ", ") + w;
  return s;
}

[[noreturn]] void refuse(const nlohmann::json& value, const std::string& key, const Locator& at,
                         const std::string& expected) {
  throw UsageError(at(key), "'" + json_text(value) + "' is not allowed for " + key + "; expected " + expected);
}

}  // namespace

std::string json_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float()) return number_text(value.get<double>());
  if (value.is_null()) return "null";
  return value.dump();
}

bool json_is_number(const nlohmann::json& value) {
  if (value.is_number()) return true;
  return value.is_string() && parse_float_word(value.get<std::string>()).has_value();
}

double json_number(const nlohmann::json& value, const std::string& key, const Locator& at) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string())
    if (const auto v = parse_float_word(value.get<std::string>())) return *v;
  refuse(value, key, at, "a number");
}

int json_int_in(const nlohmann::json& value, const std::string& key, const Locator& at, int lo, int hi) {
  const auto v = json_is_number(value) ? parse_int_word(json_text(value)) : std::nullopt;
  if (!v || *v < lo || *v > hi)
    refuse(value, key, at, "an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  return *v;
}

double json_number_in(const nlohmann::json& value, const std::string& key, const Locator& at, double lo, double hi,
                      bool lo_open, bool hi_open) {
  const double v = json_is_number(value) ? json_number(value, key, at) : NAN;
  const bool ok = (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  if (!ok)
    refuse(value, key, at,
           std::string("a number in ") + (lo_open ? "(" : "[") + number_text(lo) + ", " +
               (std::isinf(hi) ? "inf" : number_text(hi)) + (hi_open ? ")" : "]"));
  return v;
}

bool json_bool(const nlohmann::json& value, const std::string& key, const Locator& at) {
  if (value.is_boolean()) return value.get<bool>();
  const auto b = value.is_string() || value.is_number_integer() ? parse_bool_word(json_text(value)) : std::nullopt;
  if (!b) refuse(value, key, at, "true or false");
  return *b;
}

std::string json_word(const nlohmann::json& value, const std::string& key, const Locator& at,
                      const std::vector<std::string>& allowed) {
  if (!value.is_string()) refuse(value, key, at, "one of: " + list_of(allowed));
  const std::string s = value.get<std::string>();
  for (const std::string& w : {lower_word(s), camel_to_snake(s)})
    for (const auto& a : allowed)
      if (a == w) return a;
  throw UsageError(at(key), "'" + s + "' is not allowed for " + key + did_you_mean(lower_word(s), allowed) +
                                "; expected one of: " + list_of(allowed));
}

void json_check_keys(const nlohmann::json& value, const std::string& key, const Locator& at,
                     const std::vector<std::string>& known) {
  if (!value.is_object())
    throw UsageError(at(key), "expected a mapping of keys (" + list_of(known) + "), got '" + json_text(value) + "'");
  for (auto it = value.begin(); it != value.end(); ++it)
    if (std::find(known.begin(), known.end(), it.key()) == known.end())
      throw UsageError(at(key + "." + it.key()), "unknown key '" + it.key() + "'" + did_you_mean(it.key(), known) +
                                                     "; " + key + " takes: " + list_of(known));
}

}  // namespace autodet::sweep
