#include "automl/sweep/sweep_budget.h"

#include <algorithm>
#include <climits>

#include "automl/sweep/json_fields.h"

namespace autodet::sweep {

SweepBudget SweepBudget::of(const Limits& limits, std::optional<int> trial_timeout_minutes) {
  SweepBudget b;
  b.max_trials = limits.max_trials;
  b.max_concurrent_trials = std::min(limits.max_concurrent_trials, limits.max_trials);
  if (limits.timeout_minutes) b.timeout_minutes = *limits.timeout_minutes;
  if (trial_timeout_minutes) b.trial_timeout_minutes = *trial_timeout_minutes;
  return b;
}

bool SweepBudget::job_timed_out(double elapsed_minutes) const {
  return timeout_minutes && elapsed_minutes >= *timeout_minutes;
}

bool SweepBudget::trial_timed_out(double trial_minutes) const {
  return trial_timeout_minutes && trial_minutes >= *trial_timeout_minutes;
}

bool SweepBudget::may_start(int started, int running, double elapsed_minutes) const {
  return started < max_trials && running < max_concurrent_trials && !job_timed_out(elapsed_minutes);
}

bool SweepBudget::finished(int started, int running, double elapsed_minutes) const {
  return (started >= max_trials && running == 0) || job_timed_out(elapsed_minutes);
}

std::optional<int> parse_trial_timeout(const nlohmann::json& limits, const Locator& at) {
  if (!limits.is_object() || !limits.contains("trial_timeout_minutes") || limits["trial_timeout_minutes"].is_null())
    return std::nullopt;
  return json_int_in(limits["trial_timeout_minutes"], "limits.trial_timeout_minutes", at, 1, INT_MAX);
}

}  // namespace autodet::sweep
