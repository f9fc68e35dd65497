#pragma once
// Grid sampling (§2.3): every combination of the choice values of each sub-space, sub-space
// after sub-space, the last parameter (by name) changing fastest; then nothing more.
#include "automl/sweep/sampler.h"

namespace autodet::sweep {

// Trial i gets combination i; only choice laws and fixed values are allowed.
class GridSampler : public Sampler {
 public:
  explicit GridSampler(SearchSpace space);  // UsageError naming a parameter with another law
  std::size_t size() const;                 // number of combinations over all sub-spaces
  TrialConfig at(std::size_t index) const;  // index < size()
  std::optional<TrialConfig> suggest(const std::vector<Observation>& history) const override;

 private:
  SearchSpace space_;
  std::vector<std::size_t> sizes_;  // combinations per sub-space
};

}  // namespace autodet::sweep
