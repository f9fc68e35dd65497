#pragma once
// The job's `sweep:` section (§2.3) read into typed settings: the sampling algorithm with its
// options, and the early-termination policy. Every problem is one UsageError naming the key,
// the value and what is allowed.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "automl/sweep/locator.h"
#include "automl/sweep/sampling_settings.h"
#include "automl/sweep/termination_policy.h"

namespace YAML {
class Node;
}

namespace autodet::sweep {

// Sampling and early termination of a manual sweep.
struct SweepSettings {
  SamplingSettings sampling;
  std::optional<PolicySettings> early_termination;  // unset: every trial runs to the end
};

// `sampling_algorithm` is a word (random | grid | bayesian, any case) or a mapping
// {type, seed?, rule? (random: random | sobol), n_startup_trials?, n_ei_candidates? (bayesian)}.
// `early_termination` is {type: bandit | median_stopping | truncation_selection | asha, ...}.
SweepSettings parse_sweep(const nlohmann::json& sweep, const Locator& at);
// From the JSON a JobSpec keeps (JobSpec::sweep).
SweepSettings parse_sweep(const nlohmann::json& sweep, const std::string& file);
// From the `sweep:` node of a job file; messages carry line numbers.
SweepSettings parse_sweep(const YAML::Node& sweep, const std::string& file);

// `early_termination` alone; key is where it sits ("sweep.early_termination").
PolicySettings parse_policy(const nlohmann::json& policy, const std::string& key, const Locator& at);

}  // namespace autodet::sweep
