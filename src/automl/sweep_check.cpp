// Checks of `sweep` and `search_space` (§2.3, §2.4) at parse time, by the sweep library's own
// readers (src/automl/sweep/), so the job file and the sweep that later runs agree on every rule.
// The sections are kept as JSON for the scheduler, with the algorithm and policy names canonical.
#include <set>

#include "automl/job_sections.h"
#include "automl/job_yaml_util.h"
#include "automl/sweep/sampler.h"
#include "automl/sweep/search_space.h"
#include "automl/sweep/sweep_settings.h"
#include "automl/yaml_json.h"

namespace autodet::job_yaml {
namespace {

std::string algorithm_name(sweep::SamplingAlgorithm a) {
  switch (a) {
    case sweep::SamplingAlgorithm::Grid: return "grid";
    case sweep::SamplingAlgorithm::Bayesian: return "bayesian";
    case sweep::SamplingAlgorithm::Random: break;
  }
  return "random";
}

}  // namespace

nlohmann::json read_sweep(const std::string& file, const YAML::Node& node) {
  require_map(file, node, "sweep");
  const sweep::SweepSettings s = sweep::parse_sweep(node, file);
  nlohmann::json out = yaml_to_json(node);
  nlohmann::json& algo = out["sampling_algorithm"];
  (algo.is_object() ? algo["type"] : algo) = algorithm_name(s.sampling.algorithm);
  if (s.early_termination) out["early_termination"]["type"] = sweep::policy_name(s.early_termination->type);
  return out;
}

nlohmann::json read_search_space(const std::string& file, const YAML::Node& node) {
  sweep::parse_search_space(node, file);
  return yaml_to_json(node);
}

std::vector<std::string> check_sweep_fits_space(const std::string& file, const YAML::Node& sweep_node,
                                                const YAML::Node& space_node) {
  const sweep::SweepSettings settings = sweep::parse_sweep(sweep_node, file);
  const sweep::SearchSpace space = sweep::parse_search_space(space_node, file);
  sweep::make_sampler(settings.sampling, space, 0);  // grid: choice laws only
  std::vector<std::string> warnings;
  if (settings.sampling.algorithm != sweep::SamplingAlgorithm::Bayesian) return warnings;
  const std::string where = at(file, sweep_node["sampling_algorithm"], "sweep.sampling_algorithm").str();
  if (space.subspaces.size() > 1)
    warnings.push_back(where + ": Azure's bayesian sampling takes no conditional spaces (here " +
                       std::to_string(space.subspaces.size()) +
                       " sub-spaces, R2.3); autodet's TPE models the sub-space as one more parameter");
  std::set<std::string> others;
  for (const auto& sub : space.subspaces)
    for (const auto& p : sub.params)
      if (p.dist && p.dist->kind != sweep::DistKind::Choice && p.dist->kind != sweep::DistKind::Uniform &&
          p.dist->kind != sweep::DistKind::QUniform)
        others.insert(p.name + " (" + sweep::distribution_name(p.dist->kind) + ")");
  if (!others.empty()) {
    std::string list;
    for (const auto& o : others) list += (list.empty() ? "" : ", ") + o;
    warnings.push_back(where + ": Azure's bayesian sampling takes only choice, uniform and quniform; " + list +
                       " run with autodet's TPE only");
  }
  return warnings;
}

}  // namespace autodet::job_yaml
