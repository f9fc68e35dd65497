#pragma once
// Bayesian sampling as a Tree-structured Parzen Estimator: finished trials are split at the gamma
// quantile of the primary metric (maximised) into good and bad; per parameter, densities l(x) and
// g(x) are fitted to them, n_ei candidates are drawn from l and the one with the largest l/g wins.
// Conditional spaces: the sub-space index is a categorical parameter chosen first; the parameters
// of the chosen sub-space are then modelled on the trials of that sub-space only.
#include "automl/sweep/sampler.h"

namespace autodet::sweep {

// The first n_startup_trials proposals (counting finished trials) are random draws.
class TpeSampler : public Sampler {
 public:
  TpeSampler(SearchSpace space, std::uint64_t seed, TpeOptions options = {});
  std::optional<TrialConfig> suggest(const std::vector<Observation>& history) const override;

 private:
  SearchSpace space_;
  std::uint64_t seed_;
  TpeOptions options_;
};

}  // namespace autodet::sweep
