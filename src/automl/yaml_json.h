#pragma once
// A YAML node as JSON, for the parts of a job kept raw (search_space, sweep, outputs, ...).
// Plain scalars are typed like PyYAML reads them (null, booleans true/false/yes/no/on/off,
// integers, numbers, else text); quoted scalars stay text.
#include <nlohmann/json.hpp>

namespace YAML {
class Node;
}

namespace autodet {

nlohmann::json yaml_to_json(const YAML::Node& node);

}  // namespace autodet
