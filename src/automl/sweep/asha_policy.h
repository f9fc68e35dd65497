#pragma once
// Asynchronous successive halving (ASHA, an autodet addition): rung r lies at
// min_resource * reduction_factor^r trained epochs. When a trial's report first reaches a rung,
// it goes on only if its best metric so far is in the top max(1, floor(n / reduction_factor)) of
// the n trials that have reached that rung (each with its best up to the report that reached it).
#include "automl/sweep/termination_policy.h"

namespace autodet::sweep {

// Keeps the top 1/eta of the trials at each rung, without waiting for a full bracket.
class AshaPolicy : public TerminationPolicy {
 public:
  explicit AshaPolicy(PolicySettings settings) : s_(std::move(settings)) {}
  Decision decide(const std::vector<TrialMetrics>& trials, std::size_t trial) const override;
  // Epochs of rung r.
  long long rung_epochs(int r) const;

 private:
  PolicySettings s_;
};

}  // namespace autodet::sweep
