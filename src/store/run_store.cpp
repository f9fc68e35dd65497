#include "store/run_store.h"

#include <cmath>

#include <nlohmann/json.hpp>

namespace autodet::store {

std::optional<MetricPoint> best_point(const MetricHistory& history, const std::string& metric) {
  auto it = history.find(metric);
  if (it == history.end()) return std::nullopt;
  std::optional<MetricPoint> best;
  for (const MetricPoint& p : it->second)
    if (!std::isnan(p.value) && (!best || p.value >= best->value)) best = p;
  return best;
}

std::string ranking_metric(const JobRecord& job) {
  const auto spec = nlohmann::json::parse(job.spec, nullptr, /*allow_exceptions=*/false);
  if (!spec.is_object()) return kPrimaryMetric;
  const auto ptr = nlohmann::json::json_pointer("/job/training_parameters/best_epoch_metric");
  const bool coco = spec.contains(ptr) && spec.at(ptr).is_string() && spec.at(ptr).get<std::string>() == "coco_ap";
  return coco ? kCocoApMetric : kPrimaryMetric;
}

std::optional<BestTrial> RunStore::best_trial(const std::string& job) { return best_trial_by(job, ranking_metric(get_job(job))); }

JobRecord RunStore::get_job(const std::string& name) {
  auto job = find_job(name);
  if (!job) throw NotFoundError(Location{location(), 0, "", ""}, "job '" + name + "' not found");
  return *job;
}

TrialRecord RunStore::get_trial(const std::string& trial) {
  auto t = find_trial(trial);
  if (!t) throw NotFoundError(Location{location(), 0, "", ""}, "trial '" + trial + "' not found");
  return *t;
}

}  // namespace autodet::store
