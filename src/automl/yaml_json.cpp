#include "automl/yaml_json.h"

#include <cerrno>
#include <cstdlib>

#include <yaml-cpp/yaml.h>

#include "core/value_words.h"

namespace autodet {
namespace {

nlohmann::json plain_scalar(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE" || s == "yes" || s == "Yes" || s == "YES" || s == "on" ||
      s == "On" || s == "ON")
    return true;
  if (s == "false" || s == "False" || s == "FALSE" || s == "no" || s == "No" || s == "NO" || s == "off" ||
      s == "Off" || s == "OFF")
    return false;
  const std::size_t digits_from = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (s.size() > digits_from && s.find_first_not_of("0123456789", digits_from) == std::string::npos) {
    errno = 0;
    const long long v = std::strtoll(s.c_str(), nullptr, 10);
    if (errno != ERANGE) return v;
  }
  if (const auto f = parse_float_word(s)) return *f;
  return s;
}

}  // namespace

nlohmann::json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: return nullptr;
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!") return node.Scalar();  // quoted: text as written
      return plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& item : node) a.push_back(yaml_to_json(item));
      return a;
    }
    case YAML::NodeType::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (auto it = node.begin(); it != node.end(); ++it) o[it->first.Scalar()] = yaml_to_json(it->second);
      return o;
    }
  }
  return nullptr;
}

}  // namespace autodet
