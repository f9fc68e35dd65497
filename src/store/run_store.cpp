#include "store/run_store.h"

#include <cmath>

namespace autodet::store {

std::optional<MetricPoint> best_point(const MetricHistory& history, const std::string& metric) {
  auto it = history.find(metric);
  if (it == history.end()) return std::nullopt;
  std::optional<MetricPoint> best;
  for (const MetricPoint& p : it->second)
    if (!std::isnan(p.value) && (!best || p.value >= best->value)) best = p;
  return best;
}

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
