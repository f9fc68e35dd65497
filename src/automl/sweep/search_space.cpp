#include "automl/sweep/search_space.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include <yaml-cpp/yaml.h>

#include "automl/job_yaml_util.h"
#include "automl/sweep/distribution_parse.h"
#include "automl/training_params.h"
#include "core/value_words.h"
#include "automl/yaml_json.h"

namespace autodet::sweep {
namespace {

bool in_range(const ParamInfo& info, double v) {
  if (info.min_open ? v <= info.min : v < info.min) return false;
  if (info.max_open ? v >= info.max : v > info.max) return false;
  return true;
}

// A number in a message: six significant digits.
std::string short_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// A value a trial could receive, checked like a training_parameters value.
void check_value(const std::string& name, const nlohmann::json& value, const Location& where) {
  TrainingParams scratch;
  std::vector<std::string> ignored;
  set_param_json(scratch, name, value, where, ignored);
}

// The numeric laws fit only numeric parameters, and a bounded law's values must lie in the parameter's range.
void check_law(const SearchParam& p, const std::string& key, const Locator& at) {
  const Distribution& d = *p.dist;
  const ParamInfo& info = *p.info;
  if (d.categorical()) {
    for (std::size_t i = 0; i < d.values.size(); ++i)
      check_value(p.name, d.values[i], at(key + ".values[" + std::to_string(i) + "]"));
    return;
  }
  if (info.kind != ParamKind::Int && info.kind != ParamKind::Float)
    throw UsageError(at(key), "'" + d.str() + "' is not allowed for " + p.name + ": it takes " + info.allowed() +
                                  ", so only choice(...) or a fixed value can set it");
  if (d.normal_law()) return;  // unbounded: draws are kept inside the range by SearchParam::finish
  auto [lo, hi] = d.value_range();
  if (info.kind == ParamKind::Int) lo = std::round(lo), hi = std::round(hi);
  if (in_range(info, lo) && in_range(info, hi)) return;
  std::string hint;
  if (d.log_law() && d.low > 0 && in_range(info, d.low) && in_range(info, d.high))
    hint = "; its bounds are natural logs (values exp(" + short_text(d.low) + ") to exp(" + short_text(d.high) +
           ")): for values from " + short_text(d.low) + " to " + short_text(d.high) + " write " +
           distribution_name(d.kind) + "(" + short_text(std::log(d.low)) + ", " + short_text(std::log(d.high)) +
           (d.q > 0 ? ", " + short_text(d.q) : "") + ")";
  throw UsageError(at(key), "'" + d.str() + "' is not allowed for " + p.name + ": it gives values from " +
                                short_text(lo) + " to " + short_text(hi) + ", but " + p.name + " takes " +
                                info.allowed() + hint);
}

SubSpace read_subspace(const nlohmann::json& sub, const std::string& sub_key, const Locator& at) {
  if (!sub.is_object())
    throw UsageError(at(sub_key), "each sub-space must be a mapping of training parameters, e.g. "
                                  "'- model_name: {type: choice, values: [yolov5]}'");
  SubSpace space;
  space.where = at(sub_key);
  for (auto it = sub.begin(); it != sub.end(); ++it) {  // nlohmann objects iterate sorted by name
    SearchParam p;
    p.name = it.key();
    const std::string key = sub_key + "." + p.name;
    p.where = at(key);
    p.info = find_param(p.name);
    if (!p.info)
      throw UsageError(p.where, "unknown training parameter '" + p.name + "'" + suggest_param(p.name) +
                                    "; a sub-space takes the keys of training_parameters");
    p.dist = parse_distribution(it.value(), key, at);
    if (p.dist) {
      check_law(p, key, at);
    } else {
      p.fixed = it.value();
      check_value(p.name, p.fixed, p.where);
    }
    space.params.push_back(std::move(p));
  }
  return space;
}

}  // namespace

nlohmann::json SearchParam::finish(const nlohmann::json& drawn) const {
  if (!drawn.is_number() || !info || (info->kind != ParamKind::Int && info->kind != ParamKind::Float)) return drawn;
  double v = drawn.get<double>();
  const double lo = info->min_open ? std::nextafter(info->min, INFINITY) : info->min;
  const double hi = info->max_open ? std::nextafter(info->max, -INFINITY) : info->max;
  if (info->kind == ParamKind::Int) {
    v = std::min(std::max(std::round(v), std::ceil(lo)), std::floor(hi));
    return static_cast<long long>(v);
  }
  return std::min(std::max(v, lo), hi);
}

const SearchParam* SubSpace::find(const std::string& name) const {
  for (const auto& p : params)
    if (p.name == name) return &p;
  return nullptr;
}

SearchSpace parse_search_space(const nlohmann::json& list, const Locator& at) {
  const std::string key = "search_space";
  if (list.is_object())
    throw UsageError(at(key), "search_space must be a list of sub-spaces: start each one with '- ' "
                              "(e.g. '- model_name: ...')");
  if (!list.is_array() || list.empty())
    throw UsageError(at(key), "search_space must be a non-empty list of sub-spaces");
  SearchSpace space;
  for (std::size_t i = 0; i < list.size(); ++i)
    space.subspaces.push_back(read_subspace(list[i], key + "[" + std::to_string(i) + "]", at));
  return space;
}

SearchSpace parse_search_space(const nlohmann::json& list, const std::string& file) {
  return parse_search_space(list, json_locator(file));
}

SearchSpace parse_search_space(const YAML::Node& list, const std::string& file) {
  const Locator at = yaml_locator(file, list, "search_space");
  if (list.IsSequence())  // JSON keeps the last of repeated keys; the YAML still shows both
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].IsMap()) continue;
      std::set<std::string> seen;
      for (auto it = list[i].begin(); it != list[i].end(); ++it)
        if (!seen.insert(it->first.Scalar()).second) {
          const std::string k = "search_space[" + std::to_string(i) + "]." + it->first.Scalar();
          throw UsageError(job_yaml::at(file, it->first, k), "key '" + it->first.Scalar() + "' is given twice");
        }
    }
  return parse_search_space(yaml_to_json(list), at);
}

}  // namespace autodet::sweep
