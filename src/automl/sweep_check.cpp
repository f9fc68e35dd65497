// Checks of `sweep` and `search_space` (§2.3, §2.4). They are kept as JSON for the sweep code;
// here every key, distribution and fixed value is checked so mistakes surface at parse time.
#include <cmath>
#include <map>
#include <cctype>
#include <set>

#include "automl/closest_name.h"
#include "automl/job_sections.h"
#include "automl/job_yaml_util.h"
#include "automl/param_table.h"
#include "automl/value_words.h"
#include "automl/yaml_json.h"

namespace autodet::job_yaml {
namespace {


void read_policy(const std::string& file, const YAML::Node& node, nlohmann::json& out) {
  const std::string key = "sweep.early_termination";
  require_map(file, node, key);
  const YAML::Node type = node["type"];
  if (!type) throw UsageError(at(file, node, key + ".type"), "type is missing; expected bandit, median_stopping "
                                                               "or truncation_selection");
  const std::string t = one_of(file, type, key + ".type", {"bandit", "median_stopping", "truncation_selection"});
  out["type"] = t;
  std::vector<std::string> keys = {"type", "evaluation_interval", "delay_evaluation"};
  if (t == "bandit") keys.insert(keys.end(), {"slack_factor", "slack_amount"});
  if (t == "truncation_selection") keys.insert(keys.end(), {"truncation_percentage", "exclude_finished_jobs"});
  check_keys(file, node, key, keys);
  if (node["evaluation_interval"]) int_in(file, node["evaluation_interval"], key + ".evaluation_interval", 1, 1000000);
  if (node["delay_evaluation"]) int_in(file, node["delay_evaluation"], key + ".delay_evaluation", 0, 1000000);
  if (t == "bandit") {
    const bool f = bool(node["slack_factor"]), a = bool(node["slack_amount"]);
    if (f == a)
      throw UsageError(at(file, node, key), "a bandit policy needs exactly one of slack_factor and slack_amount");
    if (f) number_in(file, node["slack_factor"], key + ".slack_factor", 0, INFINITY, true, false);
    if (a) number_in(file, node["slack_amount"], key + ".slack_amount", 0, INFINITY, true, false);
  }
  if (t == "truncation_selection") {
    if (!node["truncation_percentage"])
      throw UsageError(at(file, node, key + ".truncation_percentage"),
                       "truncation_percentage is missing; expected an integer from 1 to 99");
    int_in(file, node["truncation_percentage"], key + ".truncation_percentage", 1, 99);
    if (node["exclude_finished_jobs"]) bool_of(file, node["exclude_finished_jobs"], key + ".exclude_finished_jobs");
  }
}

// Keys each distribution takes (R2.7): required first, then optional (none).
const std::map<std::string, std::vector<std::string>>& distributions() {
  static const std::map<std::string, std::vector<std::string>> d = {
      {"choice", {"values"}},
      {"randint", {"upper"}},
      {"uniform", {"min_value", "max_value"}},
      {"loguniform", {"min_value", "max_value"}},
      {"normal", {"mu", "sigma"}},
      {"lognormal", {"mu", "sigma"}},
      {"quniform", {"min_value", "max_value", "q"}},
      {"qloguniform", {"min_value", "max_value", "q"}},
      {"qnormal", {"mu", "sigma", "q"}},
      {"qlognormal", {"mu", "sigma", "q"}},
  };
  return d;
}

// A value a trial could receive, checked like a training_parameters value.
void check_value(const std::string& name, const YAML::Node& value, const Location& where) {
  TrainingParams scratch;
  std::vector<std::string> ignored;
  set_param_json(scratch, name, yaml_to_json(value), where, ignored);
}

void check_distribution(const std::string& file, const std::string& name, const YAML::Node& node,
                        const std::string& key) {
  const YAML::Node type = node["type"];
  std::vector<std::string> names;
  for (const auto& [n, _] : distributions()) names.push_back(n);
  if (!type)
    throw UsageError(at(file, node, key + ".type"), "type is missing; expected a distribution such as "
                                                    "{type: choice, values: [...]} or {type: uniform, min_value: "
                                                    "..., max_value: ...}");
  const std::string t = one_of(file, type, key + ".type", names);
  std::vector<std::string> keys = distributions().at(t);
  for (const auto& k : keys)
    if (!node[k]) throw UsageError(at(file, node, key + "." + k), t + " needs " + k);
  keys.push_back("type");
  check_keys(file, node, key, keys);
  if (t == "choice") {
    const YAML::Node values = node["values"];
    if (!values.IsSequence() || values.size() == 0)
      throw UsageError(at(file, values, key + ".values"), "values must be a non-empty list, e.g. [0.001, 0.01]");
    for (std::size_t i = 0; i < values.size(); ++i)
      check_value(name, values[i], at(file, values[i], key + ".values[" + std::to_string(i) + "]"));
    return;
  }
  for (const auto& k : distributions().at(t)) number_in(file, node[k], key + "." + k, -INFINITY, INFINITY, false, false);
  if (t == "randint") int_in(file, node["upper"], key + ".upper", 1, 2147483647);
  if (t == "uniform" || t == "quniform") {  // the ends are values a trial may get
    const double lo = *parse_float_word(node["min_value"].Scalar()), hi = *parse_float_word(node["max_value"].Scalar());
    if (lo > hi) throw UsageError(at(file, node, key), "min_value is larger than max_value");
    check_value(name, node["min_value"], at(file, node["min_value"], key + ".min_value"));
    check_value(name, node["max_value"], at(file, node["max_value"], key + ".max_value"));
  }
  if (t == "loguniform" || t == "qloguniform") {
    if (*parse_float_word(node["min_value"].Scalar()) > *parse_float_word(node["max_value"].Scalar()))
      throw UsageError(at(file, node, key), "min_value is larger than max_value");
  }
  if (node["sigma"] && *parse_float_word(node["sigma"].Scalar()) < 0)
    throw UsageError(at(file, node["sigma"], key + ".sigma"), "sigma must be >= 0");
  if (node["q"] && *parse_float_word(node["q"].Scalar()) <= 0)
    throw UsageError(at(file, node["q"], key + ".q"), "q must be > 0");
}

// The SDK's REST form "choice('yolov5')", "uniform(0.0001,0.01)" (R2.8): kept, checked by the sampler.
bool is_expression_text(const YAML::Node& node) {
  if (!node.IsScalar()) return false;
  const std::string& s = node.Scalar();
  const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  const auto open = s.find('(');
  if (b == std::string::npos || open == std::string::npos || open == b || s[e] != ')') return false;
  for (std::size_t i = b; i < open; ++i)
    if (!(std::isalpha(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == ' ')) return false;
  return true;
}

}  // namespace

nlohmann::json read_sweep(const std::string& file, const YAML::Node& node) {
  require_map(file, node, "sweep");
  check_keys(file, node, "sweep", {"sampling_algorithm", "early_termination"});
  const YAML::Node algo = node["sampling_algorithm"];
  if (!algo)
    throw UsageError(at(file, node, "sweep.sampling_algorithm"),
                     "sampling_algorithm is missing; expected random, grid or bayesian");
  nlohmann::json out = yaml_to_json(node);
  out["sampling_algorithm"] = one_of(file, algo, "sweep.sampling_algorithm", {"random", "grid", "bayesian"});
  const YAML::Node policy = node["early_termination"];
  if (policy && !policy.IsNull()) read_policy(file, policy, out["early_termination"]);
  return out;
}

nlohmann::json read_search_space(const std::string& file, const YAML::Node& node) {
  if (node.IsMap())
    throw UsageError(at(file, node, "search_space"),
                     "search_space must be a list of sub-spaces: start each one with '- ' (e.g. '- model_name: ...')");
  if (!node.IsSequence() || node.size() == 0)
    throw UsageError(at(file, node, "search_space"), "search_space must be a non-empty list of sub-spaces");
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string sub = "search_space[" + std::to_string(i) + "]";
    const YAML::Node space = node[i];
    require_map(file, space, sub);
    std::set<std::string> seen;
    for (auto it = space.begin(); it != space.end(); ++it) {
      const std::string name = it->first.Scalar();
      const std::string key = sub + "." + name;
      if (!find_param(name))
        throw UsageError(at(file, it->first, key), "unknown training parameter '" + name + "'" + suggest_param(name));
      if (!seen.insert(name).second) throw UsageError(at(file, it->first, key), "key '" + name + "' is given twice");
      const YAML::Node v = it->second;
      if (v.IsMap()) check_distribution(file, name, v, key);
      else if (v.IsSequence())
        throw UsageError(at(file, v, key), "a list is not a distribution; write {type: choice, values: [...]}");
      else if (!is_expression_text(v))
        check_value(name, v, at(file, v.IsNull() ? it->first : v, key));
    }
  }
  return yaml_to_json(node);
}

void check_sweep_fits_space(const std::string& file, const YAML::Node& sweep_node, const nlohmann::json& sweep,
                            const nlohmann::json& space) {
  const std::string algo = sweep.value("sampling_algorithm", "");
  const Location where = at(file, sweep_node["sampling_algorithm"], "sweep.sampling_algorithm");
  if (algo == "bayesian" && space.size() > 1)
    throw UsageError(where, "bayesian sampling does not support conditional spaces (a search_space with " +
                                std::to_string(space.size()) + " sub-spaces); use random or grid, or one sub-space");
  if (algo != "grid" && algo != "bayesian") return;
  for (const auto& sub : space)
    for (auto it = sub.begin(); it != sub.end(); ++it) {
      if (!it->is_object()) continue;
      const std::string t = camel_to_snake(it->value("type", ""));
      const bool ok = t == "choice" || (algo == "bayesian" && (t == "uniform" || t == "quniform"));
      if (!ok)
        throw UsageError(where, algo + " sampling cannot use the " + t + " distribution of " + it.key() +
                                    (algo == "grid" ? "; grid needs choice only" : "; bayesian takes choice, uniform "
                                                                                   "and quniform"));
    }
}

}  // namespace autodet::job_yaml
