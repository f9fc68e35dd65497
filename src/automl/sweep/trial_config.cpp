#include "automl/sweep/trial_config.h"

#include "automl/sweep/json_fields.h"

namespace autodet::sweep {

nlohmann::json merge_trial(const nlohmann::json& training_parameters, const TrialConfig& trial) {
  nlohmann::json out = training_parameters.is_object() ? training_parameters : nlohmann::json::object();
  for (auto it = trial.values.begin(); it != trial.values.end(); ++it) out[it.key()] = it.value();
  return out;
}

void apply_trial(TrainingParams& params, const TrialConfig& trial, std::vector<std::string>& warnings) {
  const Location where{"", 0, "trial (sub-space " + std::to_string(trial.subspace) + ")", ""};
  if (trial.values.contains("model_name")) set_param_json(params, "model_name", trial.values["model_name"], where, warnings);
  for (auto it = trial.values.begin(); it != trial.values.end(); ++it)
    if (it.key() != "model_name") set_param_json(params, it.key(), it.value(), where, warnings);
}

std::string describe(const TrialConfig& trial) {
  std::string s;
  for (auto it = trial.values.begin(); it != trial.values.end(); ++it)
    s += (s.empty() ? "" : ", ") + it.key() + "=" + json_text(it.value());
  return s;
}

}  // namespace autodet::sweep
