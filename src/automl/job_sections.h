#pragma once
// Readers of the job file's structured sections (internal to automl/): data inputs, and the
// checks of `sweep` and `search_space` before they are kept as JSON.
#include <string>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "automl/job_spec.h"

namespace autodet::job_yaml {

// `training_data:` etc.: {path, type?, mode?} (or a bare path); the path resolved against base_dir.
DataInput read_data_input(const std::string& file, const YAML::Node& node, const std::string& key,
                          const std::string& base_dir);

// `sweep:` checked (§2.3) and returned as JSON with sampling_algorithm and the policy type in snake_case.
nlohmann::json read_sweep(const std::string& file, const YAML::Node& node);

// `search_space:` checked (§2.4: a list of sub-spaces; known parameters; known distributions with
// their keys; fixed values and choice values valid for the parameter) and returned as JSON.
nlohmann::json read_search_space(const std::string& file, const YAML::Node& node);

// R2.3 and the sampling algorithms' distribution limits, on already-read JSON.
void check_sweep_fits_space(const std::string& file, const YAML::Node& sweep_node, const nlohmann::json& sweep,
                            const nlohmann::json& space);

}  // namespace autodet::job_yaml
