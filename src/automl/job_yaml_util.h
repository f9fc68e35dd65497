#pragma once
// Helpers shared by the job-file readers (internal to automl/): locations from YAML marks,
// key checks with suggestions, scalars read with range checks.
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/error.h"

namespace autodet::job_yaml {

// file:line of a node (line 0 when the node has no mark), field = the dotted key path.
Location at(const std::string& file, const YAML::Node& node, const std::string& key);
// The text of a scalar; UsageError when the node is a list or mapping.
std::string scalar(const std::string& file, const YAML::Node& node, const std::string& key);
// Every key of a mapping is known (else UsageError with a suggestion) and given once.
void check_keys(const std::string& file, const YAML::Node& map, const std::string& parent,
                const std::vector<std::string>& known);
// The mapping of `key`, or UsageError naming what it must be.
void require_map(const std::string& file, const YAML::Node& node, const std::string& key);
// Integer in [lo, hi] or UsageError naming key, value and range.
int int_in(const std::string& file, const YAML::Node& node, const std::string& key, int lo, int hi);
// Number in the interval or UsageError.
double number_in(const std::string& file, const YAML::Node& node, const std::string& key, double lo, double hi,
                 bool lo_open, bool hi_open);
// Boolean word (R4.3) or UsageError.
bool bool_of(const std::string& file, const YAML::Node& node, const std::string& key);
// "key" or "parent.key".
std::string dotted(const std::string& parent, const std::string& key);
// The one word of `node` among `allowed` (case-insensitive, PascalCase accepted), or a UsageError
// naming the value, the key, the closest allowed word and the list.
std::string one_of(const std::string& file, const YAML::Node& node, const std::string& key,
                   const std::vector<std::string>& allowed);

}  // namespace autodet::job_yaml
