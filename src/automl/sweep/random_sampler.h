#pragma once
// Random sampling (§2.3): a uniformly chosen sub-space, then each parameter drawn from its law.
// With the sobol rule, trial i takes point i of a seeded, shifted Sobol sequence instead.
#include <memory>

#include "automl/sweep/sampler.h"
#include "automl/sweep/sobol.h"

namespace autodet::sweep {

// Draws of trial i depend only on the seed and i.
class RandomSampler : public Sampler {
 public:
  RandomSampler(SearchSpace space, std::uint64_t seed, SamplingRule rule = SamplingRule::Random);
  std::optional<TrialConfig> suggest(const std::vector<Observation>& history) const override;

 private:
  SearchSpace space_;
  std::uint64_t seed_;
  std::unique_ptr<Sobol> sobol_;  // set for the sobol rule
};

}  // namespace autodet::sweep
