#pragma once
// Median stopping (§2.3): at each evaluation point k, stop a trial whose best metric over its
// first k reports is below the median of the running averages (mean of the first k reports) of
// all trials that have reported, itself included.
#include "automl/sweep/termination_policy.h"

namespace autodet::sweep {

// Stops the trials that do worse than a typical trial did by the same point.
class MedianStoppingPolicy : public TerminationPolicy {
 public:
  explicit MedianStoppingPolicy(PolicySettings settings) : s_(std::move(settings)) {}
  Decision decide(const std::vector<TrialMetrics>& trials, std::size_t trial) const override;

 private:
  PolicySettings s_;
};

}  // namespace autodet::sweep
