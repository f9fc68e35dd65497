#pragma once
// The limits of a sweep (§2.2) as the decisions a trial scheduler makes: may another trial start
// (max_trials, max_concurrent_trials capped at max_trials, R2.1), has the job run out of time
// (whichever of max_trials and timeout_minutes comes first ends it, R2.2), has a trial?
#include <optional>

#include <nlohmann/json.hpp>

#include "automl/job_spec.h"
#include "automl/sweep/locator.h"

namespace autodet::sweep {

// Counts and clocks of one sweep; minutes are wall-clock minutes since the job / trial started.
struct SweepBudget {
  int max_trials = 1;
  int max_concurrent_trials = 1;
  std::optional<double> timeout_minutes;        // whole job
  std::optional<double> trial_timeout_minutes;  // each trial

  // From the parsed `limits` (already capped, R2.1) and an optional per-trial timeout.
  static SweepBudget of(const Limits& limits, std::optional<int> trial_timeout_minutes = std::nullopt);
  // Another trial may start: fewer than max_trials started, fewer than max_concurrent running, time left.
  bool may_start(int started, int running, double elapsed_minutes) const;
  // The job is over: every trial started and none running, or its timeout has passed.
  bool finished(int started, int running, double elapsed_minutes) const;
  bool job_timed_out(double elapsed_minutes) const;
  bool trial_timed_out(double trial_minutes) const;
};

// `limits.trial_timeout_minutes` of a limits mapping (JSON), if present: an integer >= 1.
std::optional<int> parse_trial_timeout(const nlohmann::json& limits, const Locator& at);

}  // namespace autodet::sweep
