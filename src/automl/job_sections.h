#pragma once
// Readers of the job file's structured sections (internal to automl/): data inputs, and the
// checks of `sweep` and `search_space` before they are kept as JSON.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "automl/job_spec.h"

namespace autodet::job_yaml {

// `training_data:` etc.: {path, type?, mode?} (or a bare path); the path resolved against base_dir.
DataInput read_data_input(const std::string& file, const YAML::Node& node, const std::string& key,
                          const std::string& base_dir);

// `sweep:` checked (§2.3, and the extensions of docs/sweep.md: sampling_algorithm as a mapping,
// asha) and returned as JSON with the algorithm and the policy type in snake_case.
nlohmann::json read_sweep(const std::string& file, const YAML::Node& node);

// `search_space:` checked (§2.4: a list of sub-spaces; known parameters; known distributions with
// their keys; fixed values and choice values valid for the parameter) and returned as JSON.
nlohmann::json read_search_space(const std::string& file, const YAML::Node& node);

// The sampler accepts the space (grid: choice laws only); returns warnings where bayesian goes
// beyond Azure's rules (R2.3: conditional spaces; laws other than choice, uniform, quniform).
std::vector<std::string> check_sweep_fits_space(const std::string& file, const YAML::Node& sweep_node,
                                                const YAML::Node& space_node);

}  // namespace autodet::job_yaml
