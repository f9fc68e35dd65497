#pragma once
// The search space of a manual sweep (§2.4): a list of sub-spaces, each its own space
// (conditional spaces, R2.6), each mapping a training parameter to a fixed value or a
// distribution. Parsing checks every name and value against the parameter table.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "automl/param_table.h"
#include "automl/sweep/distribution.h"
#include "automl/sweep/locator.h"

namespace YAML {
class Node;
}

namespace autodet::sweep {

// One hyperparameter of a sub-space: a fixed value (R2.8) or a distribution.
struct SearchParam {
  std::string name;                  // job-level training parameter name
  std::optional<Distribution> dist;  // empty: fixed
  nlohmann::json fixed;              // the value when fixed
  const ParamInfo* info = nullptr;   // its row of the parameter table (nullptr in hand-built spaces)
  Location where;                    // where the job gave it

  bool varies() const { return dist && !(dist->categorical() && dist->values.size() == 1); }
  // The value a trial gets for a draw of the distribution: integer parameters rounded, numbers
  // of a bounded parameter kept inside its range (normal laws can reach past it).
  nlohmann::json finish(const nlohmann::json& drawn) const;
};

// One element of the search_space list; parameters sorted by name.
struct SubSpace {
  std::vector<SearchParam> params;
  Location where;
  const SearchParam* find(const std::string& name) const;
};

// The whole search_space.
struct SearchSpace {
  std::vector<SubSpace> subspaces;
};

// From the JSON a JobSpec keeps (JobSpec::search_space); messages name `file` and the key.
SearchSpace parse_search_space(const nlohmann::json& list, const std::string& file);
// From the `search_space:` node of a job file; messages carry line numbers.
SearchSpace parse_search_space(const YAML::Node& list, const std::string& file);
// The common reader; keys start with "search_space".
SearchSpace parse_search_space(const nlohmann::json& list, const Locator& at);

}  // namespace autodet::sweep
