#pragma once
// One trial's hyperparameters as a sampler proposes them, the trial's outcome as the samplers
// see it, and how the values are laid over the job's fixed training_parameters (R2.9).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "automl/training_params.h"

namespace autodet::sweep {

// The sub-space a trial came from and a value for each of its parameters (fixed ones included).
struct TrialConfig {
  std::size_t subspace = 0;
  nlohmann::json values = nlohmann::json::object();  // job-level name -> value
};

// A suggested trial and its primary metric: empty while it runs, or when it failed.
struct Observation {
  TrialConfig config;
  std::optional<double> objective;
};

// training_parameters (job-level names -> values) with the trial's values over them.
nlohmann::json merge_trial(const nlohmann::json& training_parameters, const TrialConfig& trial);
// The same on typed parameters: each value set with the checks of param_table.h, model_name first
// so that defaults follow it; notes (clamping, rounding) are appended to warnings.
void apply_trial(TrainingParams& params, const TrialConfig& trial, std::vector<std::string>& warnings);
// "learning_rate=0.003, model_name=yolov5" for logs.
std::string describe(const TrialConfig& trial);

}  // namespace autodet::sweep
