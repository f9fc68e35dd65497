#pragma once
// The densities TPE compares, l(x) over good trials and g(x) over the rest, one parameter at a
// time: a weighted mixture of one kernel per observation plus a broad prior kernel.
#include <cstddef>
#include <vector>

#include "automl/sweep/distribution.h"
#include "core/rng.h"

namespace autodet::sweep {

// Truncated normal kernels over a numeric law's coordinates (Distribution::to_internal). Each
// kernel's width is the larger gap to its neighbours, clipped to [range / min(100, n + 1), range].
class NumericParzen {
 public:
  // xs: coordinates of the observations; weights: one per observation (> 0).
  NumericParzen(const std::vector<double>& xs, const std::vector<double>& weights, const Distribution& law,
                double prior_weight);
  double sample(Rng& rng) const;
  double log_pdf(double x) const;

 private:
  double lo_, hi_;
  std::vector<double> mus_, sigmas_, log_weights_, log_mass_;
};

// The categorical counterpart: weighted counts of each of n categories plus a uniform prior.
class CategoricalParzen {
 public:
  CategoricalParzen(const std::vector<std::size_t>& xs, const std::vector<double>& weights, std::size_t n,
                    double prior_weight);
  std::size_t sample(Rng& rng) const;
  double log_pmf(std::size_t k) const;

 private:
  std::vector<double> p_;  // probabilities, summing to 1
};

}  // namespace autodet::sweep
