#include "automl/sweep/sweep_settings.h"

#include <climits>
#include <cmath>

#include <yaml-cpp/yaml.h>

#include "automl/sweep/json_fields.h"
#include "automl/yaml_json.h"

namespace autodet::sweep {
namespace {

SamplingSettings read_sampling(const nlohmann::json& node, const std::string& key, const Locator& at) {
  const std::vector<std::string> algorithms = {"random", "grid", "bayesian"};
  SamplingSettings s;
  const bool mapping = node.is_object();
  if (mapping && !node.contains("type"))
    throw UsageError(at(key), "type is missing; expected {type: random | grid | bayesian, ...}");
  const std::string type = json_word(mapping ? node["type"] : node, mapping ? key + ".type" : key, at, algorithms);
  s.algorithm = type == "grid" ? SamplingAlgorithm::Grid
                : type == "bayesian" ? SamplingAlgorithm::Bayesian
                                     : SamplingAlgorithm::Random;
  if (!mapping) return s;
  std::vector<std::string> keys = {"type", "seed"};
  if (type == "random") keys.push_back("rule");
  if (type == "bayesian") keys.insert(keys.end(), {"n_startup_trials", "n_ei_candidates"});
  json_check_keys(node, key, at, keys);
  if (node.contains("seed")) s.seed = std::uint64_t(json_int_in(node["seed"], key + ".seed", at, 0, INT_MAX));
  if (node.contains("rule"))
    s.rule = json_word(node["rule"], key + ".rule", at, {"random", "sobol"}) == "sobol" ? SamplingRule::Sobol
                                                                                         : SamplingRule::Random;
  if (node.contains("n_startup_trials"))
    s.tpe.n_startup_trials = json_int_in(node["n_startup_trials"], key + ".n_startup_trials", at, 0, 100000);
  if (node.contains("n_ei_candidates"))
    s.tpe.n_ei_candidates = json_int_in(node["n_ei_candidates"], key + ".n_ei_candidates", at, 1, 100000);
  return s;
}

}  // namespace

PolicySettings parse_policy(const nlohmann::json& node, const std::string& key, const Locator& at) {
  const std::vector<std::string> types = {"bandit", "median_stopping", "truncation_selection", "asha"};
  if (!node.is_object() || !node.contains("type"))
    throw UsageError(at(key), "early_termination needs a type: one of bandit, median_stopping, "
                              "truncation_selection, asha (e.g. {type: bandit, slack_factor: 0.2})");
  const std::string type = json_word(node["type"], key + ".type", at, types);
  PolicySettings p;
  p.type = type == "bandit" ? PolicyType::Bandit
           : type == "median_stopping" ? PolicyType::MedianStopping
           : type == "truncation_selection" ? PolicyType::TruncationSelection
                                            : PolicyType::Asha;
  std::vector<std::string> keys = {"type"};
  if (p.type != PolicyType::Asha) keys.insert(keys.end(), {"evaluation_interval", "delay_evaluation"});
  if (p.type == PolicyType::Bandit) keys.insert(keys.end(), {"slack_factor", "slack_amount"});
  if (p.type == PolicyType::TruncationSelection) keys.insert(keys.end(), {"truncation_percentage", "exclude_finished_jobs"});
  if (p.type == PolicyType::Asha) keys.insert(keys.end(), {"reduction_factor", "min_resource"});
  json_check_keys(node, key, at, keys);
  auto has = [&](const char* k) { return node.contains(k) && !node[k].is_null(); };
  auto field = [&](const char* k) { return key + "." + k; };
  if (has("evaluation_interval"))
    p.evaluation_interval = json_int_in(node["evaluation_interval"], field("evaluation_interval"), at, 1, INT_MAX);
  if (has("delay_evaluation"))
    p.delay_evaluation = json_int_in(node["delay_evaluation"], field("delay_evaluation"), at, 0, INT_MAX);
  if (p.type == PolicyType::Bandit) {
    if (has("slack_factor") == has("slack_amount"))
      throw UsageError(at(key), "a bandit policy needs exactly one of slack_factor (stop below best / (1 + "
                                "slack_factor)) and slack_amount (stop below best - slack_amount)");
    if (has("slack_factor"))
      p.slack_factor = json_number_in(node["slack_factor"], field("slack_factor"), at, 0, INFINITY, true, false);
    else
      p.slack_amount = json_number_in(node["slack_amount"], field("slack_amount"), at, 0, INFINITY, true, false);
  }
  if (p.type == PolicyType::TruncationSelection) {
    if (!has("truncation_percentage"))
      throw UsageError(at(key), "truncation_percentage is missing; expected an integer from 1 to 99");
    p.truncation_percentage = json_int_in(node["truncation_percentage"], field("truncation_percentage"), at, 1, 99);
    if (has("exclude_finished_jobs"))
      p.exclude_finished_jobs = json_bool(node["exclude_finished_jobs"], field("exclude_finished_jobs"), at);
  }
  if (p.type == PolicyType::Asha) {
    if (has("reduction_factor"))
      p.reduction_factor = json_int_in(node["reduction_factor"], field("reduction_factor"), at, 2, 100);
    if (has("min_resource")) p.min_resource = json_int_in(node["min_resource"], field("min_resource"), at, 1, INT_MAX);
  }
  return p;
}

SweepSettings parse_sweep(const nlohmann::json& sweep, const Locator& at) {
  const std::string key = "sweep";
  json_check_keys(sweep, key, at, {"sampling_algorithm", "early_termination"});
  if (!sweep.contains("sampling_algorithm") || sweep["sampling_algorithm"].is_null())
    throw UsageError(at(key), "sampling_algorithm is missing; expected random, grid or bayesian");
  SweepSettings s;
  s.sampling = read_sampling(sweep["sampling_algorithm"], key + ".sampling_algorithm", at);
  if (sweep.contains("early_termination") && !sweep["early_termination"].is_null())
    s.early_termination = parse_policy(sweep["early_termination"], key + ".early_termination", at);
  return s;
}

SweepSettings parse_sweep(const nlohmann::json& sweep, const std::string& file) {
  return parse_sweep(sweep, json_locator(file));
}

SweepSettings parse_sweep(const YAML::Node& sweep, const std::string& file) {
  return parse_sweep(yaml_to_json(sweep), yaml_locator(file, sweep, "sweep"));
}

}  // namespace autodet::sweep
