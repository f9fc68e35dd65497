#include "automl/job_yaml_util.h"

#include <cmath>
#include <set>

#include "core/closest_name.h"
#include "core/value_words.h"

namespace autodet::job_yaml {

Location at(const std::string& file, const YAML::Node& node, const std::string& key) {
  const long line = node.IsDefined() && node.Mark().line >= 0 ? long(node.Mark().line) + 1 : 0;
  return Location{file, line, "", key};
}

std::string scalar(const std::string& file, const YAML::Node& node, const std::string& key) {
  if (node.IsNull()) return "";
  if (!node.IsScalar())
    throw UsageError(at(file, node, key), std::string("expected a single value, got a ") +
                                              (node.IsSequence() ? "list" : "mapping"));
  return node.Scalar();
}

std::string one_of(const std::string& file, const YAML::Node& node, const std::string& key,
                   const std::vector<std::string>& allowed) {
  const std::string s = scalar(file, node, key);
  for (const std::string& w : {lower_word(s), camel_to_snake(s)})
    for (const auto& a : allowed)
      if (a == w) return a;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  throw UsageError(at(file, node, key), "'" + s + "' is not allowed for " + key + did_you_mean(lower_word(s), allowed) +
                                            "; expected " + (allowed.size() == 1 ? allowed[0] : "one of: " + list));
}

std::string dotted(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

void require_map(const std::string& file, const YAML::Node& node, const std::string& key) {
  if (!node.IsMap())
    throw UsageError(at(file, node, key), "expected a mapping of keys (e.g. '" + key + ":' followed by indented "
                                          "'name: value' lines), got " +
                                              (node.IsSequence() ? std::string("a list") :
                                               node.IsNull()     ? std::string("nothing")
                                                                 : "'" + node.Scalar() + "'"));
}

void check_keys(const std::string& file, const YAML::Node& map, const std::string& parent,
                const std::vector<std::string>& known) {
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string k = it->first.Scalar();
    const Location where = at(file, it->first, dotted(parent, k));
    if (!seen.insert(k).second) throw UsageError(where, "key '" + k + "' is given twice");
    bool ok = false;
    for (const auto& n : known) ok = ok || n == k;
    if (ok) continue;
    std::string list;
    for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
    throw UsageError(where, "unknown key '" + k + "'" + did_you_mean(k, known) + "; allowed here: " + list);
  }
}

int int_in(const std::string& file, const YAML::Node& node, const std::string& key, int lo, int hi) {
  const std::string s = scalar(file, node, key);
  const auto v = parse_int_word(s);
  if (!v || *v < lo || *v > hi)
    throw UsageError(at(file, node, key), "'" + s + "' is not allowed for " + key + "; expected an integer from " +
                                              std::to_string(lo) + " to " + std::to_string(hi));
  return *v;
}

double number_in(const std::string& file, const YAML::Node& node, const std::string& key, double lo, double hi,
                 bool lo_open, bool hi_open) {
  const std::string s = scalar(file, node, key);
  const auto v = parse_float_word(s);
  const bool ok = v && (lo_open ? *v > lo : *v >= lo) && (hi_open ? *v < hi : *v <= hi);
  if (!ok) {
    const std::string hi_text = std::isinf(hi) ? "inf" : number_text(hi);
    throw UsageError(at(file, node, key), "'" + s + "' is not allowed for " + key + "; expected a number in " +
                                              (lo_open ? "(" : "[") + number_text(lo) + ", " + hi_text +
                                              (hi_open ? ")" : "]"));
  }
  return *v;
}

bool bool_of(const std::string& file, const YAML::Node& node, const std::string& key) {
  const std::string s = scalar(file, node, key);
  const auto b = parse_bool_word(s);
  if (!b) throw UsageError(at(file, node, key), "'" + s + "' is not allowed for " + key + "; expected true or false");
  return *b;
}

}  // namespace autodet::job_yaml
