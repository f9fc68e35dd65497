#pragma once
// Shared by the sweep tests: search spaces from YAML text and the message of an expected error.
#include <functional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "automl/sweep/search_space.h"
#include "core/error.h"

namespace autodet::sweep::testing {

// The search space of "search_space:\n  - ..." YAML text, read with line numbers ("job.yml").
inline SearchSpace space_of(const std::string& yaml) {
  return parse_search_space(YAML::Load(yaml)["search_space"], "job.yml");
}

// The message of the autodet::Error that f throws, "" when it throws none.
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

inline bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace autodet::sweep::testing
