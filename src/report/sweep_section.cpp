#include "report/sweep_section.h"

#include <cstdlib>
#include <set>

#include <nlohmann/json.hpp>

namespace autodet::report {
namespace {

using nlohmann::json;

// Parameters whose value is not the same in every trial.
std::vector<std::string> varied_parameters(const json& trials) {
  std::set<std::string> names;
  for (const json& t : trials)
    for (auto it = t["parameters"].begin(); it != t["parameters"].end(); ++it) names.insert(it.key());
  std::vector<std::string> varied;
  for (const std::string& n : names) {
    const json first = trials.front()["parameters"].value(n, json(nullptr));
    for (const json& t : trials)
      if (t["parameters"].value(n, json(nullptr)) != first) {
        varied.push_back(n);
        break;
      }
  }
  return varied;
}

json budget(const json& job) {
  const json limits = job["spec"].value("limits", json::object());
  json b = {{"max_trials", limits.value("max_trials", json(nullptr))},
            {"max_concurrent_trials", limits.value("max_concurrent_trials", json(nullptr))},
            {"timeout_minutes", limits.value("timeout_minutes", json(nullptr))},
            {"trials_used", job["trials"].size()},
            {"minutes_used", nullptr}};
  const json tags = job.value("tags", json::object());
  if (tags.contains("autodet.sweep_seconds") && tags["autodet.sweep_seconds"].is_string())
    b["minutes_used"] = std::strtod(tags["autodet.sweep_seconds"].get<std::string>().c_str(), nullptr) / 60.0;
  else if (job.value("duration_seconds", json(nullptr)).is_number())
    b["minutes_used"] = job["duration_seconds"].get<double>() / 60.0;
  return b;
}

}  // namespace

json sweep_section(const json& job) {
  const json& trials = job.at("trials");
  const std::string metric = job.value("ranking_metric", "mean_average_precision");
  const std::vector<std::string> varied = trials.empty() ? std::vector<std::string>{} : varied_parameters(trials);
  json rows = json::array();
  for (const json& t : trials) {
    json values = json::object();
    for (const std::string& n : varied) values[n] = t["parameters"].value(n, json(nullptr));
    json curve = {{"epochs", json::array()}, {"values", json::array()}};
    if (t["metrics"].contains(metric)) curve = {{"epochs", t["metric_epochs"][metric]}, {"values", t["metrics"][metric]}};
    rows.push_back({{"id", t["id"]}, {"index", t["index"]}, {"status", t["status"]}, {"message", t["message"]},
                    {"early_terminated", t["status"] == "terminated"}, {"values", values}, {"best_metric", t["best_metric"]},
                    {"best_epoch", t["best_epoch"]}, {"duration_seconds", t["duration_seconds"]}, {"curve", curve}});
  }
  return {{"metric", metric}, {"varied", varied}, {"trials", rows}, {"budget", budget(job)}};
}

}  // namespace autodet::report
