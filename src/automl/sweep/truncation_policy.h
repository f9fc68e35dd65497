#pragma once
// Truncation selection (§2.3): at each evaluation point k, rank the trials that have reached
// report k by their best metric over their first k reports; stop the trial when it is among the
// lowest floor(n * truncation_percentage / 100). Ties favour the trial being decided. With
// exclude_finished_jobs, trials that have finished are left out of the ranking.
#include "automl/sweep/termination_policy.h"

namespace autodet::sweep {

// Stops the lowest share of the trials at each evaluation point.
class TruncationPolicy : public TerminationPolicy {
 public:
  explicit TruncationPolicy(PolicySettings settings) : s_(std::move(settings)) {}
  Decision decide(const std::vector<TrialMetrics>& trials, std::size_t trial) const override;

 private:
  PolicySettings s_;
};

}  // namespace autodet::sweep
