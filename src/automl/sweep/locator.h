#pragma once
// Where a key of the job file is, for messages: a dotted path such as
// "search_space[1].learning_rate.min_value" turned into "file:line: field".
#include <functional>
#include <string>

#include "core/error.h"

namespace YAML {
class Node;
}

namespace autodet::sweep {

// Maps a dotted key path to the Location an error names; the path becomes the Location's field.
using Locator = std::function<Location(const std::string& key)>;

// For JSON kept from a job file (JobSpec::search_space, JobSpec::sweep): file and field, no line.
Locator json_locator(const std::string& file);
// For the YAML node of `root_key`: walks the path to the deepest node present and reports its line.
Locator yaml_locator(const std::string& file, const YAML::Node& root, const std::string& root_key);

}  // namespace autodet::sweep
