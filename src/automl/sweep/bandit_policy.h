#pragma once
// Bandit policy (§2.3): at each evaluation point k, stop a trial whose best metric over its
// first k reports is below best / (1 + slack_factor), or below best - slack_amount, where best is
// the largest such value of any trial (each over its own first k reports).
#include "automl/sweep/termination_policy.h"

namespace autodet::sweep {

// Stops the trials that fall too far behind the leader.
class BanditPolicy : public TerminationPolicy {
 public:
  explicit BanditPolicy(PolicySettings settings) : s_(std::move(settings)) {}
  Decision decide(const std::vector<TrialMetrics>& trials, std::size_t trial) const override;

 private:
  PolicySettings s_;
};

}  // namespace autodet::sweep
