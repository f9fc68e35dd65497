#include "automl/sweep/distribution_parse.h"

#include <cmath>
#include <regex>

#include "core/closest_name.h"
#include "automl/sweep/json_fields.h"
#include "core/value_words.h"

namespace autodet::sweep {
namespace {

// The arguments of each law, in the order of the text form (R2.7).
const std::vector<std::string>& argument_names(DistKind kind) {
  static const std::vector<std::vector<std::string>> names = {
      {"values"},           {"upper"},                {"min_value", "max_value"},
      {"min_value", "max_value", "q"}, {"min_value", "max_value"}, {"min_value", "max_value", "q"},
      {"mu", "sigma"},      {"mu", "sigma", "q"},     {"mu", "sigma"},
      {"mu", "sigma", "q"}};
  return names[std::size_t(kind)];
}

std::string joined(const std::vector<std::string>& words, const std::string& last_sep) {
  std::string s;
  for (std::size_t i = 0; i < words.size(); ++i)
    s += (i == 0 ? "" : i + 1 == words.size() ? last_sep : ", ") + words[i];
  return s;
}

// "uniform(min_value, max_value)" -- how a law is written, for messages.
std::string signature(DistKind kind) {
  return distribution_name(kind) + "(" + (kind == DistKind::Choice ? "value, ..." : joined(argument_names(kind), ", ")) + ")";
}

DistKind kind_of(const nlohmann::json& name, const std::string& key, const Locator& at) {
  const std::string w = json_word(name, key, at, distribution_names());
  for (std::size_t i = 0; i < distribution_names().size(); ++i)
    if (distribution_names()[i] == w) return DistKind(i);
  return DistKind::Choice;  // not reached: json_word accepted only the names above
}

// The numeric arguments checked against each other; `shown` is the entry as written, for messages.
Distribution numeric_law(DistKind kind, const std::vector<double>& a, const std::string& key, const Locator& at,
                         const std::string& shown) {
  Distribution d;
  d.kind = kind;
  const std::vector<std::string>& names = argument_names(kind);
  auto fail = [&](const std::string& why) {
    throw UsageError(at(key), "'" + shown + "' is not allowed for " + key + ": " + why);
  };
  if (kind == DistKind::RandInt) {
    if (std::floor(a[0]) != a[0] || a[0] < 1 || a[0] > 2147483647.0)
      fail("upper must be an integer >= 1 (randint(upper) draws from 0 to upper - 1)");
    d.high = a[0];
    return d;
  }
  if (d.normal_law()) {
    d.mu = a[0], d.sigma = a[1];
    if (!(d.sigma >= 0)) fail("sigma must be >= 0");
  } else {
    d.low = a[0], d.high = a[1];
    if (!(d.low < d.high))
      fail("min_value (" + number_text(d.low) + ") must be below max_value (" + number_text(d.high) +
           "); for one value write it without a distribution");
  }
  if (names.size() == 3) {
    d.q = a[2];
    if (!(d.q > 0)) fail("q must be > 0");
  }
  return d;
}

std::optional<Distribution> from_mapping(const nlohmann::json& entry, const std::string& key, const Locator& at) {
  if (!entry.contains("type"))
    throw UsageError(at(key), "a distribution needs a type, e.g. {type: choice, values: [...]} or {type: uniform, "
                              "min_value: ..., max_value: ...}; one of: " + joined(distribution_names(), ", "));
  const DistKind kind = kind_of(entry["type"], key + ".type", at);
  std::vector<std::string> known = argument_names(kind);
  for (const auto& name : known)
    if (!entry.contains(name))
      throw UsageError(at(key), distribution_name(kind) + " needs " + joined(known, " and ") + "; write " +
                                    signature(kind) + " as {type: " + distribution_name(kind) + ", " +
                                    joined(known, ": ..., ") + ": ...}");
  known.insert(known.begin(), "type");
  json_check_keys(entry, key, at, known);
  if (kind == DistKind::Choice) {
    const nlohmann::json& values = entry["values"];
    if (!values.is_array() || values.empty())
      throw UsageError(at(key + ".values"), "values must be a non-empty list, e.g. [0.001, 0.01]");
    Distribution d;
    d.values.assign(values.begin(), values.end());
    return d;
  }
  std::vector<double> args;
  for (const auto& name : argument_names(kind)) args.push_back(json_number(entry[name], key + "." + name, at));
  std::string shown = distribution_name(kind) + "(";
  for (std::size_t i = 0; i < args.size(); ++i) shown += (i ? ", " : "") + number_text(args[i]);
  return numeric_law(kind, args, key, at, shown + ")");
}

// One argument of the text form, typed as the SDK reads it (R2.8): int, float, True/False, else text.
nlohmann::json typed_token(const std::string& token, bool quoted) {
  if (quoted) return token;
  if (token.find_first_not_of("+-0123456789") == std::string::npos && token.find_first_of("0123456789") != std::string::npos) {
    try {
      return std::stoll(token);
    } catch (const std::exception&) {  // out of range: read it as a number below
    }
  }
  if (const auto f = parse_float_word(token)) return *f;
  const std::string w = lower_word(token);
  if (w == "true" || w == "false") return w == "true";
  return token;
}

// Splits "'a', 'b c', 3" on spaces, commas, parentheses and brackets, keeping quoted text whole.
std::vector<nlohmann::json> tokens(const std::string& text, const std::string& key, const Locator& at) {
  std::vector<nlohmann::json> out;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == ' ' || c == ',' || c == '(' || c == ')' || c == '[' || c == ']' || c == '\t') {
      ++i;
    } else if (c == '\'' || c == '"') {
      const std::size_t close = text.find(c, i + 1);
      if (close == std::string::npos)
        throw UsageError(at(key), "'" + text + "' has an unclosed quote; write e.g. choice('sgd', 'adam')");
      out.emplace_back(text.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      std::size_t end = i;
      while (end < text.size() && std::string(" ,()[]\t").find(text[end]) == std::string::npos) ++end;
      out.push_back(typed_token(text.substr(i, end - i), false));
      i = end;
    }
  }
  return out;
}

Distribution from_text(const std::string& text, const std::string& key, const Locator& at) {
  const std::size_t open = text.find('(');
  const std::size_t b = text.find_first_not_of(" \t");
  std::string name = text.substr(b, open - b);
  name.erase(name.find_last_not_of(" \t") + 1);
  const DistKind kind = kind_of(name, key, at);
  const std::size_t close = text.rfind(')');
  const std::vector<nlohmann::json> args = tokens(text.substr(open + 1, close - open - 1), key, at);
  if (kind == DistKind::Choice) {
    if (args.empty()) throw UsageError(at(key), "'" + text + "': choice needs at least one value");
    Distribution d;
    d.values = args;
    return d;
  }
  const std::vector<std::string>& names = argument_names(kind);
  if (args.size() != names.size())
    throw UsageError(at(key), "'" + text + "' is not allowed for " + key + ": " + distribution_name(kind) + " takes " +
                                  std::to_string(names.size()) + " argument" + (names.size() > 1 ? "s" : "") + ", " +
                                  signature(kind) + "; got " + std::to_string(args.size()));
  std::vector<double> numbers;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!args[i].is_number())
      throw UsageError(at(key), "'" + text + "' is not allowed for " + key + ": " + names[i] + " must be a number, got '" +
                                    json_text(args[i]) + "'");
    numbers.push_back(args[i].get<double>());
  }
  return numeric_law(kind, numbers, key, at, text);
}

}  // namespace

bool is_expression_text(const std::string& text) {
  static const std::regex form(R"(^\s*[A-Za-z_][A-Za-z_ ]*\(.*\)\s*$)");
  return std::regex_match(text, form);
}

std::optional<Distribution> parse_distribution(const nlohmann::json& entry, const std::string& key, const Locator& at) {
  if (entry.is_object()) return from_mapping(entry, key, at);
  if (entry.is_array())
    throw UsageError(at(key), "a list is not a distribution; write {type: choice, values: [...]} or "
                              "\"choice(a, b)\"");
  if (entry.is_string() && is_expression_text(entry.get<std::string>()))
    return from_text(entry.get<std::string>(), key, at);
  return std::nullopt;
}

}  // namespace autodet::sweep
